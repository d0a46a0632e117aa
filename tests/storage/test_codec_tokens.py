"""Counter tokens of plain messages (the codec's shortcut) and of labelled ones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.labels import Label
from bot.core.observation import Observation
from bot.core.worktime import Band
from storage.codec import counter_tokens, decode_week

AT = datetime(2025, 9, 1, 21, 30, tzinfo=UTC)


def observation(band: Band, **changes: object) -> Observation:
    fields: dict[str, object] = {
        "group_id": -1,
        "message_id": 7,
        "sent_at": AT,
        "week": "2025-W36",
        "band": band,
        "weekday": 0,
        "hour": 21,
        "rest_day": None,
        "labels": frozenset(),
        "exempt": False,
        "acknowledgement": False,
        "sender_key": "abcdefgh",
        "report_subject": None,
        "excerpt": None,
    }
    fields.update(changes)
    return Observation(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("band", list(Band))
@pytest.mark.parametrize("exempt", [False, True])
def test_a_plain_message_counts_as_a_message_in_its_band(band: Band, exempt: bool) -> None:
    tokens = counter_tokens(observation(band, exempt=exempt))
    week = decode_week("2025-W36", dict.fromkeys(tokens, "1"), {})
    assert week.messages == 1
    assert week.messages_by_band[band] == 1
    assert sum(week.messages_by_band.values()) == 1
    assert len(tokens) == 2


def test_an_acknowledgement_and_a_label_take_the_full_path() -> None:
    acknowledged = counter_tokens(observation(Band.WORK, acknowledgement=True))
    assert len(acknowledged) == 3
    labelled = counter_tokens(
        observation(
            Band.AFTER_HOURS, labels=frozenset({Label.TASK_PUSH}), rest_day=date(2025, 9, 6)
        )
    )
    week = decode_week("2025-W36", dict.fromkeys(labelled, "1"), {})
    assert week.labelled[Label.TASK_PUSH] == 1
    assert week.messages == 1
