"""The evidence line's time stamp: the local minute, written as strftime writes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from storage.codec import minute_stamp

zones = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


# hypothesis takes naive bounds and adds the zone itself
FIRST = datetime(1000, 1, 2)  # noqa: DTZ001
LAST = datetime(9999, 12, 30)  # noqa: DTZ001


@given(moment=st.datetimes(min_value=FIRST, max_value=LAST, timezones=zones))
def test_minute_stamp_is_strftimes_minute(moment: datetime) -> None:
    assert minute_stamp(moment) == moment.strftime("%Y-%m-%d %H:%M")


def test_minute_stamp_is_in_the_moments_own_zone() -> None:
    shanghai = timezone(timedelta(hours=8))
    moment = datetime(2025, 9, 23, 20, 0, 59, 999999, tzinfo=UTC).astimezone(shanghai)
    assert minute_stamp(moment) == "2025-09-24 04:00"
