"""Telegram's 429s and 5xx answers are retried as it asks; rates are kept; nothing goes twice."""

from __future__ import annotations

from bot.demo.playground import Playground
from bot.demo.sandbox import RateLimit
from handlers.digest_delivery import catch_up
from tests.e2e.test_digest_delivery import (
    digests_of_week,
    groups_with_a_demand,
    leader_with_a_week,
    texts,
)
from tests.support.playground import DIGEST_DUE, WEEK

MANY_GROUPS = 100


async def test_a_digest_survives_bad_gateways_and_a_429_and_arrives_once(
    playground: Playground,
) -> None:
    _, leader = await leader_with_a_week(playground)
    before = len(texts(playground, leader))
    sandbox = playground.sandbox
    sandbox.fail_next("sendMessage", status=502, times=2)
    sandbox.fail_next("sendMessage", status=429, retry_after=1)
    sandbox.fail_next("sendPhoto", status=500)
    playground.clock.set(DIGEST_DUE)
    assert await catch_up(playground.application.bot, playground.services) == 1
    assert len(texts(playground, leader)) == before + 1
    failed = [call.error_code for call in sandbox.calls() if not call.ok]
    assert sorted(code for code in failed if code) == [429, 500, 502, 502]
    assert await catch_up(playground.application.bot, playground.services) == 0
    assert len(texts(playground, leader)) == before + 1


async def test_digests_to_many_groups_keep_the_per_chat_rate_and_all_arrive_once(
    playground: Playground,
) -> None:
    found = playground.services
    # Charts cost CPU, not Telegram calls: text digests keep this test about the limits.
    found.settings = found.settings.model_copy(update={"digest_chart": False})
    sandbox = playground.sandbox
    groups = groups_with_a_demand(playground, MANY_GROUPS)
    await playground.drain()
    # Telegram's group limit, tightened: the bot must pace itself rather than be refused.
    sandbox.set_rate_limit(RateLimit(messages=3))
    sandbox.fail_next("sendMessage", status=502, times=3)
    sandbox.fail_next("sendMessage", status=429, retry_after=1)
    playground.clock.set(DIGEST_DUE)
    refused_before = sum(1 for call in sandbox.calls() if call.error_code == 429)
    assert await catch_up(playground.application.bot, playground.services) == MANY_GROUPS
    digests = [digests_of_week(playground, g, WEEK) for g in groups]
    assert digests == [1] * MANY_GROUPS
    refused = sum(1 for call in sandbox.calls() if call.error_code == 429) - refused_before
    assert refused == 1  # only the injected one: the per-chat rate itself was never exceeded
    assert await catch_up(playground.application.bot, playground.services) == 0
