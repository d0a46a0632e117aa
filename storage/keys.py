"""The Redis key layout. Nothing outside ``storage/`` knows a key.

Every key of one group shares the hash tag ``{g<chat id>}`` so per-group work (one Lua call per
message, one digest read) never crosses Redis Cluster slots.
"""

from __future__ import annotations

import hashlib

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


def week_flag_epochs(group_id: int, week: str) -> str:
    """Set of the salt epochs that recorded flags in one group-week (one per process run)."""
    return f"{_group(group_id)}:w:{week}:fl:epochs"


def week_flag_kind(group_id: int, week: str, epoch: str, kind: str) -> str:
    """HyperLogLog of salted kind tokens: distinct members who flagged ``kind`` in one epoch."""
    return f"{_group(group_id)}:w:{week}:fl:{epoch}:{kind}"


def week_flag_app(group_id: int, week: str, epoch: str, app: str) -> str:
    """HyperLogLog of salted app tokens: distinct members who named ``app`` in one epoch (the
    name enters the key as a short digest; ``week_flag_apps`` holds the names)."""
    digest = hashlib.blake2s(app.encode(), digest_size=8).hexdigest()
    return f"{_group(group_id)}:w:{week}:fl:{epoch}:app:{digest}"


def week_flag_apps(group_id: int, week: str) -> str:
    """Set of the app names named in flags of one group-week (counted in ``week_flag_app``)."""
    return f"{_group(group_id)}:w:{week}:fl:apps"


def week_flag_texters(group_id: int, week: str, epoch: str) -> str:
    """HyperLogLog of salted text tokens: one free text per member and epoch."""
    return f"{_group(group_id)}:w:{week}:fl:{epoch}:texts"


def week_flag_texts(group_id: int, week: str) -> str:
    """Sorted set of "<nonce>\t<kind>\t<text>" entries, all scored 0 (ordered by nonce)."""
    return f"{_group(group_id)}:w:{week}:fl:texts"


def week_newcomers(group_id: int, week: str) -> str:
    """Set of keyed tokens of members who joined the group in ``week`` (expires after it)."""
    return f"{_group(group_id)}:w:{week}:newcomers"


def report_subjects(group_id: int) -> str:
    """Hash: normalised report subject -> recent requests (message, time, sender pseudonym)."""
    return f"{_group(group_id)}:subjects"


def weeks_index(group_id: int) -> str:
    """Sorted set of the ISO weeks that have data, scored by their Monday's ordinal."""
    return f"{_group(group_id)}:weeks"


def group_settings(group_id: int) -> str:
    """String: the group's settings as JSON."""
    return f"{_group(group_id)}:settings"


def welcomed_addition(group_id: int) -> str:
    """String "<unix seconds>|<update id>": the last addition of the bot to the group that was
    welcomed (so a redelivered addition is not welcomed again)."""
    return f"{_group(group_id)}:welcomed"


def digests_sent(group_id: int) -> str:
    """Set of "<week>:<recipient>" markers of digests already delivered."""
    return f"{_group(group_id)}:sent"


def digest_sent_marker(week: str, recipient: int) -> str:
    """The member of :func:`digests_sent` that marks one digest (week, recipient) sent."""
    return f"{week}:{recipient}"


def conversation(group_id: int) -> str:
    """String: the group's conversation state as JSON (labels, ids, sender pseudonyms, times;
    never a message text), expiring when the group falls silent."""
    return f"{_group(group_id)}:context"


def is_conversation(key: str) -> bool:
    """True for a group's conversation-state key."""
    return key.endswith(":context")


def is_week_counters(key: str) -> bool:
    """True for a week-counters key (whose fields are integers to add when merging)."""
    return ":w:" in key and key.count(":") == 3


def is_flag_counter(key: str) -> bool:
    """True for a flag HyperLogLog (merged with PFMERGE when a group moves)."""
    return ":fl:" in key and not key.endswith((":fl:epochs", ":fl:texts", ":fl:apps"))


def is_group_settings(key: str) -> bool:
    """True for a group-settings key."""
    return key.endswith(":settings")


def group_pattern(group_id: int) -> str:
    """A SCAN pattern matching every key of one group."""
    return f"{_group(group_id)}:*"


def invite(token: str) -> str:
    """One-time digest subscription link token -> group id, as links were stored before their
    creator was recorded (read only: a worker of that release may still share the store)."""
    return f"{PREFIX}:invite:{token}"


def group_link(token: str) -> str:
    """One-time digest subscription link token -> ``storage.invites`` JSON (group id, creator).

    Not ``invite``'s key: a worker of the previous release reads that value as a bare group id,
    and must find nothing there rather than a value it cannot read."""
    return f"{PREFIX}:link:{token}"


UNIT_SUBSCRIPTIONS = f"{PREFIX}:unitsubs"
"""Set of "<user id>|<unit path>": leaders subscribed to a unit's weekly roll-up."""
ROLLUPS_SENT = f"{PREFIX}:rollups:sent"
"""Set of "<week>|<recipient>|<unit path>" markers of roll-ups already delivered."""
COMPACTION_PENDING = f"{PREFIX}:compaction"
"""Present while an asked-for rewrite of the append-only file has not been done (a process
stopped first): the next process to open the store does it."""


def unit_invite(token: str) -> str:
    """One-time unit roll-up subscription link token -> unit path, as links were stored before
    their creator was recorded (read only, see ``invite``)."""
    return f"{PREFIX}:unitinvite:{token}"


def unit_link(token: str) -> str:
    """One-time unit roll-up subscription link token -> ``storage.invites`` JSON (unit path,
    creator); a key of its own for the reason ``group_link`` gives."""
    return f"{PREFIX}:unitlink:{token}"


def digest_lease(group_id: int, week: str, recipient: int) -> str:
    """String: the worker now sending this digest (expires, so another can take over)."""
    return f"{_group(group_id)}:lease:{week}:{recipient}"


def digest_progress(group_id: int, week: str, recipient: int) -> str:
    """String: how many parts of this digest were sent (a taker resumes after them)."""
    return f"{_group(group_id)}:parts:{week}:{recipient}"
