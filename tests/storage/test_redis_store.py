"""The store contract, run against every Redis deployment shape (see tests/support/redis.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from redis.asyncio import Redis
from redis.crc import key_slot

from bot.config.group_settings import GroupSettings
from bot.core.context import ConversationState, Demand, SenderHistory
from bot.core.labels import Label
from bot.core.metrics import MetricRuleOverride
from bot.core.worktime import Band
from storage.base import IngestResult, Invite, StoreError
from storage.redis_store import RedisStore
from tests.support.builders import SHANGHAI, flag_entry, observation

GROUP = -1001
WEEK = "2025-W39"
PUSH_PROOF = {Label.TASK_PUSH, Label.PROOF_DEMAND}


async def test_a_redelivered_message_is_counted_once(store: RedisStore) -> None:
    first = observation(1, labels=PUSH_PROOF, band=Band.AFTER_HOURS)
    assert await store.ingest(first) is IngestResult.NEW
    assert await store.ingest(first) is IngestResult.DUPLICATE
    week = await store.week(GROUP, WEEK)
    assert week.messages == 1
    assert week.labelled == {Label.TASK_PUSH: 1, Label.PROOF_DEMAND: 1}
    assert week.counted_label(Label.TASK_PUSH, outside_work_only=True) == 1


async def test_an_edit_moves_counts_instead_of_adding(store: RedisStore) -> None:
    await store.ingest(observation(7, labels=PUSH_PROOF, band=Band.QUIET, sender="boss"))
    edited = observation(7, labels={Label.ACK_DEMAND}, band=Band.QUIET, sender="boss")
    assert await store.ingest(edited) is IngestResult.UPDATED
    week = await store.week(GROUP, WEEK)
    assert week.messages == 1
    assert week.labelled == {Label.ACK_DEMAND: 1}
    assert week.counted_label(Label.PROOF_DEMAND) == 0
    assert week.senders_by_label == {Label.ACK_DEMAND: 1}
    assert week.demands_by_band == {Band.QUIET: 1}
    assert [e.labels for e in week.evidence] == [(Label.ACK_DEMAND,)]


async def test_a_stale_redelivery_never_undoes_a_newer_edit(store: RedisStore) -> None:
    original = observation(8, labels={Label.TASK_PUSH}, band=Band.QUIET, sender="boss")
    first_edit = observation(8, labels={Label.PROOF_DEMAND}, sender="boss", version=1_000)
    second_edit = observation(8, labels=set(), sender="boss", version=2_000)
    assert await store.ingest(original) is IngestResult.NEW
    assert await store.ingest(second_edit) is IngestResult.UPDATED
    # Telegram redelivers the original, then the first edit: both are older than what we hold.
    assert await store.ingest(original) is IngestResult.DUPLICATE
    assert await store.ingest(first_edit) is IngestResult.DUPLICATE
    week = await store.week(-1001, original.week)
    assert week.messages == 1
    assert week.labelled == {}
    # A newer edit still applies.
    newest = observation(8, labels={Label.PROOF_DEMAND}, sender="boss", version=3_000)
    assert await store.ingest(newest) is IngestResult.UPDATED
    assert (await store.week(-1001, original.week)).labelled == {Label.PROOF_DEMAND: 1}


async def test_an_edit_that_removes_every_label_leaves_only_the_message(store: RedisStore) -> None:
    await store.ingest(observation(3, labels=PUSH_PROOF))
    await store.ingest(observation(3))
    week = await store.week(GROUP, WEEK)
    assert (week.messages, week.demands, week.labelled, week.evidence) == (1, 0, {}, ())


async def test_exempt_messages_are_labelled_but_not_counted(store: RedisStore) -> None:
    await store.ingest(observation(1, labels=PUSH_PROOF, exempt=True, band=Band.QUIET))
    await store.ingest(observation(2, labels={Label.TASK_PUSH}, band=Band.QUIET))
    week = await store.week(GROUP, WEEK)
    assert week.labelled[Label.TASK_PUSH] == 2
    assert week.exempt_labelled == {Label.TASK_PUSH: 1, Label.PROOF_DEMAND: 1}
    assert week.exempt_messages == 1
    assert week.counted_label(Label.TASK_PUSH) == 1
    assert week.counted_label(Label.PROOF_DEMAND) == 0


async def test_distinct_senders_hours_and_rest_days(store: RedisStore) -> None:
    saturday = datetime(2025, 9, 27, 21, 30, tzinfo=SHANGHAI)
    await store.ingest(
        observation(
            1,
            at=saturday,
            labels={Label.TASK_PUSH},
            band=Band.AFTER_HOURS,
            sender="a",
            rest_day=saturday.date(),
        )
    )
    await store.ingest(observation(2, labels={Label.TASK_PUSH}, sender="a"))
    await store.ingest(observation(3, labels={Label.TASK_PUSH}, sender="b"))
    await store.ingest(observation(4, acknowledgement=True, sender="c"))
    week = await store.week(GROUP, WEEK)
    assert week.senders_by_label == {Label.TASK_PUSH: 2}
    assert week.demand_senders == 2
    assert week.rest_days_with_demands == {saturday.date()}
    assert week.demand_hours[5 * 24 + 21] == 1
    assert week.acknowledgements == 1


async def test_the_same_form_asked_again_within_the_window_is_a_repeat(store: RedisStore) -> None:
    report = {Label.TASK_PUSH, Label.REPORT_DEMAND}
    monday = datetime(2025, 9, 22, 10, tzinfo=SHANGHAI)
    await store.ingest(observation(1, at=monday, labels=report, subject="走访台账"))
    await store.ingest(
        observation(2, at=monday + timedelta(days=2), labels=report, subject="其他表")
    )
    await store.ingest(
        observation(3, at=monday + timedelta(days=3), labels=report, subject="走访台账")
    )
    # Redelivering the repeat does not count it twice, nor make the first one a repeat.
    await store.ingest(
        observation(3, at=monday + timedelta(days=3), labels=report, subject="走访台账")
    )
    week = await store.week(GROUP, WEEK)
    assert [(r.message_id, r.subject) for r in week.repeated_reports] == [(3, "走访台账")]


async def test_repeats_outside_the_window_need_a_second_sender(store: RedisStore) -> None:
    report = {Label.TASK_PUSH, Label.REPORT_DEMAND}
    start = datetime(2025, 9, 1, 10, tzinfo=SHANGHAI)
    later = start + timedelta(days=45)
    await store.ingest(observation(1, at=start, labels=report, subject="花名册", sender="a"))
    await store.ingest(observation(2, at=later, labels=report, subject="花名册", sender="a"))
    await store.ingest(observation(3, at=later, labels=report, subject="花名册", sender="b"))
    week = await store.week(GROUP, observation(2, at=later).week)
    assert [r.message_id for r in week.repeated_reports] == [3]


async def test_evidence_is_capped_per_label_and_short(store: RedisStore) -> None:
    for message_id in range(1, 8):
        await store.ingest(observation(message_id, labels={Label.TASK_PUSH}, excerpt="x" * 140))
    week = await store.week(GROUP, WEEK)
    assert len(week.evidence) == 3
    assert all(len(item.excerpt) <= 140 for item in week.evidence)


async def test_weeks_are_listed_oldest_first(store: RedisStore) -> None:
    later = datetime(2025, 10, 9, 10, tzinfo=SHANGHAI)
    await store.ingest(observation(2, at=later))
    await store.ingest(observation(1))
    assert await store.weeks(GROUP) == [WEEK, "2025-W41"]
    assert await store.groups() == [GROUP]


async def test_every_key_of_a_group_lives_in_one_cluster_slot(
    store: RedisStore, redis_client: Redis
) -> None:
    report = {Label.TASK_PUSH, Label.REPORT_DEMAND}
    await store.ingest(observation(1, labels=report, subject="表"))
    await store.save_group_settings(GROUP, GroupSettings(title="t"))
    await store.claim_digest(GROUP, WEEK, 42)
    await store.record_flag(flag_entry(GROUP, "member", "text"))
    group_keys = [k async for k in redis_client.scan_iter(match=f"*{{g{GROUP}}}*")]
    assert len(group_keys) >= 6
    assert len({key_slot(key) for key in group_keys}) == 1


async def test_group_settings_round_trip(store: RedisStore) -> None:
    assert await store.group_settings(GROUP) is None
    settings = GroupSettings(
        title="云溪",
        timezone="Europe/Berlin",
        thresholds={"proof_demand": MetricRuleOverride(warn=2)},
    )
    await store.save_group_settings(GROUP, settings)
    assert await store.group_settings(GROUP) == settings


async def test_erase_removes_everything_of_the_group_only(store: RedisStore) -> None:
    await store.ingest(observation(1, labels=PUSH_PROOF))
    await store.ingest(observation(1, group_id=-2002, labels=PUSH_PROOF))
    removed = await store.erase_group(GROUP)
    assert removed >= 4
    assert (await store.week(GROUP, WEEK)).messages == 0
    assert await store.weeks(GROUP) == []
    assert (await store.week(-2002, WEEK)).messages == 1
    assert await store.groups() == [-2002]


async def test_moving_a_group_keeps_data_and_settings(store: RedisStore) -> None:
    await store.ingest(observation(1, labels=PUSH_PROOF))
    await store.save_group_settings(GROUP, GroupSettings(title="old"))
    await store.move_group(GROUP, -1009)
    assert (await store.week(-1009, WEEK)).labelled[Label.TASK_PUSH] == 1
    assert await store.group_settings(-1009) == GroupSettings(title="old")
    assert (await store.week(GROUP, WEEK)).messages == 0
    assert await store.groups() == [-1009]


async def test_a_digest_is_claimed_once_until_released(store: RedisStore) -> None:
    assert await store.claim_digest(GROUP, WEEK, 5)
    assert not await store.claim_digest(GROUP, WEEK, 5)
    assert await store.claim_digest(GROUP, WEEK, 6)
    await store.release_digest(GROUP, WEEK, 5)
    assert await store.claim_digest(GROUP, WEEK, 5)


async def test_an_addition_is_welcomed_once_and_a_later_one_again(store: RedisStore) -> None:
    added = datetime(2025, 11, 10, 9, 0, tzinfo=SHANGHAI)
    assert await store.claim_welcome(GROUP, added, 100)
    assert not await store.claim_welcome(GROUP, added, 100)  # the same update, redelivered
    assert await store.claim_welcome(GROUP, added, 103)  # removed and added back at once
    assert not await store.claim_welcome(GROUP, added - timedelta(minutes=1), 90)
    assert await store.claim_welcome(GROUP, added + timedelta(days=1), 7)  # ids may restart
    assert not await store.claim_welcome(GROUP, added + timedelta(days=1), 7)
    assert await store.claim_welcome(GROUP + 1, added, 100)


async def test_evidence_expires_before_aggregates(store: RedisStore, redis_client: Redis) -> None:
    await store.ingest(observation(1, labels=PUSH_PROOF))
    evidence_ttl = await redis_client.ttl(f"ft:{{g{GROUP}}}:w:{WEEK}:ev")
    counters_ttl = await redis_client.ttl(f"ft:{{g{GROUP}}}:w:{WEEK}")
    assert 0 < evidence_ttl <= 8 * 7 * 86400
    assert evidence_ttl < counters_ttl


async def test_invites_are_single_use(store: RedisStore) -> None:
    await store.create_invite("tok", GROUP, 7, 60)
    assert await store.redeem_invite("tok") == Invite(GROUP, 7)
    assert await store.redeem_invite("tok") is None


async def test_ingest_many_matches_one_by_one(store: RedisStore) -> None:
    batch = [observation(i, labels=PUSH_PROOF if i % 2 else set()) for i in range(1, 21)]
    results = await store.ingest_many([*batch, batch[0]])
    assert results.count(IngestResult.NEW) == 20
    assert results[-1] is IngestResult.DUPLICATE
    week = await store.week(GROUP, WEEK)
    assert (week.messages, week.labelled[Label.PROOF_DEMAND]) == (20, 10)


async def test_moving_into_a_group_that_already_counted_merges(store: RedisStore) -> None:
    await store.ingest(observation(1, labels=PUSH_PROOF))
    await store.record_flag(flag_entry(GROUP, "member-a"))
    await store.ingest(observation(1, group_id=-1009, labels={Label.TASK_PUSH}))
    await store.record_flag(flag_entry(-1009, "member-b"))
    await store.move_group(GROUP, -1009)
    week = await store.week(-1009, WEEK)
    assert week.messages == 2
    assert week.labelled == {Label.TASK_PUSH: 2, Label.PROOF_DEMAND: 1}
    assert week.flags.by_label == {Label.PROOF_DEMAND: 2}
    # Message ids restart in the new chat: a new message 1 is new, not an edit of the old one.
    assert await store.ingest(observation(2, group_id=-1009)) is IngestResult.NEW


async def test_the_conversation_state_round_trips_expires_and_is_erased(
    store: RedisStore, redis_client: Redis
) -> None:
    assert await store.conversation(GROUP) == ConversationState()
    state = ConversationState(
        demands=(
            Demand(
                4711, frozenset({Label.TASK_PUSH}), "k1", datetime(2025, 9, 22, 9, tzinfo=SHANGHAI)
            ),
        ),
        senders=(("k1", SenderHistory(asks=1)),),
        handled=(4711,),
    )
    await store.save_conversation(GROUP, state, ttl_seconds=3600)
    assert await store.conversation(GROUP) == state
    assert 0 < await redis_client.ttl(f"ft:{{g{GROUP}}}:context") <= 3600
    await store.erase_group(GROUP)
    assert await store.conversation(GROUP) == ConversationState()


async def test_a_damaged_conversation_state_reads_as_empty(
    store: RedisStore, redis_client: Redis
) -> None:
    await redis_client.set(f"ft:{{g{GROUP}}}:context", '{"demands": [{"id": "x"}]}')
    assert await store.conversation(GROUP) == ConversationState()
    await redis_client.set(f"ft:{{g{GROUP}}}:context", "not json")
    assert await store.conversation(GROUP) == ConversationState()


def _context_after(*message_ids: int) -> ConversationState:
    """A conversation state that has handled ``message_ids`` (one demand per message)."""
    at = datetime(2025, 9, 22, 10, 0, tzinfo=SHANGHAI)
    return ConversationState(
        demands=tuple(Demand(m, frozenset({Label.TASK_PUSH}), "k1", at) for m in message_ids),
        senders=(("k1", SenderHistory(asks=len(message_ids))),),
        handled=message_ids,
    )


async def test_a_new_message_moves_its_context_with_its_counts_a_redelivery_or_edit_does_not(
    store: RedisStore, redis_client: Redis
) -> None:
    reader = RedisStore(redis_client)  # no cache of this store's writes: reads what Redis holds
    first = observation(1, labels=PUSH_PROOF)
    assert await store.ingest_in_context(first, _context_after(1), 3600) is IngestResult.NEW
    assert await reader.conversation(GROUP) == _context_after(1)
    assert 0 < await redis_client.ttl(f"ft:{{g{GROUP}}}:context") <= 3600
    assert GROUP in await reader.groups()  # a new group is listed as by ``ingest``

    # A redelivery and an edit are decided against the same state and leave it as it was.
    again = await store.ingest_in_context(first, _context_after(1, 99), 3600)
    assert again is IngestResult.DUPLICATE
    edited = observation(1, labels={Label.ACK_DEMAND}, version=1_000)
    assert await store.ingest_in_context(edited, _context_after(1, 98), 3600) is (
        IngestResult.UPDATED
    )
    assert await reader.conversation(GROUP) == _context_after(1)
    assert await store.conversation(GROUP) == _context_after(1)

    second = observation(2, labels=PUSH_PROOF)
    assert await store.ingest_in_context(second, _context_after(1, 2), 3600) is IngestResult.NEW
    assert await reader.conversation(GROUP) == _context_after(1, 2)
    week = await reader.week(GROUP, WEEK)
    assert week.messages == 2
    assert week.labelled == {Label.TASK_PUSH: 1, Label.PROOF_DEMAND: 1, Label.ACK_DEMAND: 1}


async def test_ingest_in_context_counts_like_ingest(store: RedisStore) -> None:
    plain = observation(5, group_id=-1003, labels=PUSH_PROOF, band=Band.AFTER_HOURS, sender="b")
    await store.ingest(plain)
    await store.ingest_in_context(
        observation(5, labels=PUSH_PROOF, band=Band.AFTER_HOURS, sender="b"),
        _context_after(5),
        3600,
    )
    counted, expected = await store.week(GROUP, WEEK), await store.week(-1003, WEEK)
    assert counted == expected
    await store.erase_group(-1003)


async def test_ingest_in_context_without_redis_is_a_store_error() -> None:
    # Nothing listens on port 1.
    unreachable = RedisStore(Redis.from_url("redis://127.0.0.1:1/0"))
    try:
        with pytest.raises(StoreError, match="could not reach Redis"):
            await unreachable.ingest_in_context(observation(1), _context_after(1), 3600)
    finally:
        await unreachable.client.aclose()


async def test_ingest_keys_stay_right_for_many_group_weeks(
    store: RedisStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage import redis_store

    monkeypatch.setattr(redis_store, "RUN_HEADS_KEPT", 2)  # the kept keys are dropped often
    weeks = [datetime(2025, 9, 22, 10, 0, tzinfo=SHANGHAI) + timedelta(days=7 * n) for n in (0, 1)]
    groups = (-1011, -1012, -1013)
    for n, (group, at) in enumerate((g, a) for a in weeks for g in groups):
        assert await store.ingest(observation(n, group_id=group, at=at)) is IngestResult.NEW
    for group in groups:
        assert await store.weeks(group) == ["2025-W39", "2025-W40"]
        for week in ("2025-W39", "2025-W40"):
            assert (await store.week(group, week)).messages == 1
        await store.erase_group(group)


async def test_a_redelivered_upgrade_moves_nothing_twice(store: RedisStore) -> None:
    await store.ingest(observation(1, labels=PUSH_PROOF))
    await store.save_group_settings(GROUP, GroupSettings(title="old"))
    await store.move_group(GROUP, -1009)
    # The old chat's message and the upgrade come again (a batch redelivered after a crash).
    await store.ingest(observation(1, labels=PUSH_PROOF))
    await store.move_group(GROUP, -1009)
    assert (await store.week(-1009, WEEK)).messages == 1
    assert await store.group_settings(-1009) == GroupSettings(title="old")


async def test_what_stays_of_an_upgraded_chat_names_nothing_of_it_and_expires(
    store: RedisStore, redis_client: Redis
) -> None:
    await store.save_group_settings(GROUP, GroupSettings(title="云溪街道工作群", unit="城南区"))
    await store.move_group(GROUP, -1009)
    # The supergroup is erased: its settings (title included) go, and what the old chat kept
    # only stops a late update of it being counted, for as long as one can come.
    await store.erase_group(-1009)
    stub = await store.group_settings(GROUP)
    assert stub == GroupSettings(active=False, migrated_to=-1009)
    ttl = await redis_client.ttl(f"ft:{{g{GROUP}}}:settings")
    assert 24 * 3600 < ttl <= 14 * 24 * 3600


async def test_a_link_made_now_is_never_misread_by_a_worker_of_the_previous_release(
    store: RedisStore, redis_client: Redis
) -> None:
    # In a rolling deployment a worker of the previous release may open a link made by a new
    # one: it read the old keys' values as a bare group id (int()) or unit path, so it must
    # not find a link there that it would crash on or subscribe a leader to the JSON of.
    await store.create_invite("tok", GROUP, 7, 60)
    await store.create_unit_invite("utok", "城南区", 7, 60)
    assert await redis_client.get("ft:invite:tok") is None
    assert await redis_client.get("ft:unitinvite:utok") is None
    assert await store.redeem_invite("tok") == Invite(GROUP, 7)
    assert await store.redeem_unit_invite("utok") == Invite("城南区", 7)


async def test_a_link_made_by_the_previous_release_is_read_without_a_creator(
    store: RedisStore, redis_client: Redis
) -> None:
    await redis_client.set("ft:invite:old", str(GROUP), ex=60)
    await redis_client.set("ft:unitinvite:old", "城南区", ex=60)
    assert await store.redeem_invite("old") == Invite(GROUP, None)
    assert await store.redeem_unit_invite("old") == Invite("城南区", None)
    assert await store.redeem_invite("old") is None
