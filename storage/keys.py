"""The Redis key layout. Nothing outside ``storage/`` knows a key.

Every key of one group shares the hash tag ``{g<chat id>}`` so per-group work (one Lua call per
message, one digest read) never crosses Redis Cluster slots.
"""

from __future__ import annotations

PREFIX = "ft"
GROUPS = f"{PREFIX}:groups"


def _group(group_id: int) -> str:
    return f"{PREFIX}:{{g{group_id}}}"


def week_counters(group_id: int, week: str) -> str:
    """Hash of counters for one group-week (kept for the aggregate retention period)."""
    return f"{_group(group_id)}:w:{week}"


def week_seen(group_id: int, week: str) -> str:
    """Hash: message id -> what that message contributed (for idempotency and edits)."""
    return f"{_group(group_id)}:w:{week}:seen"


def week_evidence(group_id: int, week: str) -> str:
    """Hash of short evidence excerpts for one group-week (expires after the evidence period)."""
    return f"{_group(group_id)}:w:{week}:ev"


def week_flags(group_id: int, week: str) -> str:
    """Hash of anonymous flag counts and texts for one group-week."""
    return f"{_group(group_id)}:w:{week}:flags"


def week_flag_members(group_id: int, week: str) -> str:
    """HyperLogLog of unlinkable member tokens that flagged this group-week."""
    return f"{_group(group_id)}:w:{week}:flaggers"


def report_subjects(group_id: int) -> str:
    """Hash: normalised report subject -> recent requests (message, time, sender pseudonym)."""
    return f"{_group(group_id)}:subjects"


def weeks_index(group_id: int) -> str:
    """Sorted set of the ISO weeks that have data, scored by their Monday's ordinal."""
    return f"{_group(group_id)}:weeks"


def group_settings(group_id: int) -> str:
    """String: the group's settings as JSON."""
    return f"{_group(group_id)}:settings"


def digests_sent(group_id: int) -> str:
    """Set of "<week>:<recipient>" markers of digests already delivered."""
    return f"{_group(group_id)}:sent"


def is_week_counters(key: str) -> bool:
    """True for a week-counters key (whose fields are integers to add when merging)."""
    return ":w:" in key and key.count(":") == 3


def is_week_flags(key: str) -> bool:
    """True for a week's flag-counts hash."""
    return key.endswith(":flags")


def is_flag_members(key: str) -> bool:
    """True for a flag-members HyperLogLog key."""
    return key.endswith(":flaggers")


def is_group_settings(key: str) -> bool:
    """True for a group-settings key."""
    return key.endswith(":settings")


def group_pattern(group_id: int) -> str:
    """A SCAN pattern matching every key of one group."""
    return f"{_group(group_id)}:*"


def flag_limiter(day_token: str) -> str:
    """Counter of flags per keyed, daily-rotated member token (expires within two days)."""
    return f"{PREFIX}:flaglimit:{day_token}"


def invite(token: str) -> str:
    """One-time digest subscription link token -> group id."""
    return f"{PREFIX}:invite:{token}"


def digest_lease(group_id: int, week: str, recipient: int) -> str:
    """String: the worker now sending this digest (expires, so another can take over)."""
    return f"{_group(group_id)}:lease:{week}:{recipient}"


def digest_progress(group_id: int, week: str, recipient: int) -> str:
    """String: how many parts of this digest were sent (a taker resumes after them)."""
    return f"{_group(group_id)}:parts:{week}:{recipient}"
