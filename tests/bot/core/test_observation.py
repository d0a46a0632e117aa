"""``observe`` places a message in the group's working time as ``WorkingTime`` itself does."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.classifier import Classifier, load_classifier
from bot.core.observation import IncomingMessage, SenderHasher, observe
from bot.core.worktime import DayKind, WorkingTime, iso_week
from tests.bot.core.test_worktime_properties import instants, working_times

HASHER = SenderHasher(b"k" * 16)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return load_classifier()


def _placed(classifier: Classifier, working_time: WorkingTime, at: datetime) -> tuple[object, ...]:
    # A command is placed like any message but never classified: only the placement is tested.
    message = IncomingMessage(group_id=-1, message_id=1, sent_at=at, text="/x", is_command=True)
    found = observe(message, classifier, working_time, HASHER)
    return found.week, found.band, found.weekday, found.hour, found.rest_day


@settings(max_examples=300, deadline=None)
@given(working_time=working_times(), moments=st.lists(instants, min_size=1, max_size=8))
def test_placement_matches_the_working_time(
    classifier: Classifier, working_time: WorkingTime, moments: list[datetime]
) -> None:
    # Several instants per working time, some on one day: the per-day facts are worked out
    # once and must still hold for every instant of that day.
    for at in [*moments, *moments]:
        local = working_time.local(at)
        kind = working_time.day_kind(local.date())
        rest = kind in (DayKind.WEEKEND, DayKind.HOLIDAY)
        expected = (
            iso_week(local.date()),
            working_time.band(at),
            local.weekday(),
            local.hour,
            local.date() if rest else None,
        )
        assert _placed(classifier, working_time, at) == expected


def test_each_minute_of_a_day_keeps_its_own_band(classifier: Classifier) -> None:
    # The band is remembered per minute of a day: the seconds around a boundary, met after a
    # minute of the other band on the same day, are still placed by their own minute.
    working_time = WorkingTime.from_strings(
        timezone="Asia/Shanghai", hours="mon-fri 09:00-18:00", calendar="none", quiet="22:30-07:00"
    )
    shanghai = working_time.timezone
    day = [
        datetime(2025, 9, 22, 17, 59, 59, tzinfo=shanghai),
        datetime(2025, 9, 22, 18, 0, 0, tzinfo=shanghai),
        datetime(2025, 9, 22, 17, 59, 0, tzinfo=shanghai),
        datetime(2025, 9, 22, 22, 29, 30, tzinfo=shanghai),
        datetime(2025, 9, 22, 22, 30, 0, tzinfo=shanghai),
        datetime(2025, 9, 22, 18, 0, 59, tzinfo=shanghai),
    ]
    bands = [_placed(classifier, working_time, at)[1] for at in day]
    assert bands == [working_time.band(at) for at in day]
    assert [band.value for band in bands] == [
        "work",
        "after_hours",
        "work",
        "after_hours",
        "quiet",
        "after_hours",
    ]
