"""A one-time subscription link carries its creator's authority only while they still hold it.

The digest a link opens carries the group's anonymous flags, so the link is checked again when
it is opened: the bot must still be in the group, and whoever created the link must still
administer it (for a unit, every group of the unit). A link made before an upgrade to a
supergroup subscribes to the supergroup.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Chat, User

from bot.demo.playground import Playground
from tests.e2e.test_admin_changes import group_with_a_deputy
from tests.e2e.test_digest_delivery import subscribed_leader, texts
from tests.e2e.test_unit_rollup import UNIT, two_groups_in_a_unit

ADMIN_LISTS_EXPIRED = timedelta(minutes=6)


def link_token(ground: Playground, admin: User, prefix: str = "sub_") -> str:
    """The payload of the last one-time link the bot sent ``admin`` in private."""
    links = [text for text in texts(ground, admin) if f"start={prefix}" in text]
    return links[-1].split("start=", 1)[1].split()[0]


async def recipients(ground: Playground, group: Chat) -> list[int]:
    return (await ground.services.group(group.id)).digest_recipients


async def test_a_demoted_admins_link_subscribes_nobody(playground: Playground) -> None:
    group, boss, deputy, leader = await group_with_a_deputy(playground)
    sandbox = playground.sandbox
    sandbox.command(group, deputy, "/subscribe")
    await playground.drain()
    token = link_token(playground, deputy)
    sandbox.set_status(group, deputy, "member", by=boss)
    await playground.drain()

    sandbox.private(deputy, f"/start {token}")
    await playground.drain()
    assert await recipients(playground, group) == []
    assert "云溪街道工作群" not in texts(playground, deputy)[-1]

    # Nor does it work for someone the former admin forwarded it to.
    sandbox.private(leader, f"/start {token}")
    await playground.drain()
    assert await recipients(playground, group) == []


async def test_a_link_of_a_group_the_bot_left_subscribes_nobody(playground: Playground) -> None:
    group, boss, _member, leader = subscribed_leader(playground)
    await playground.drain()
    token = link_token(playground, boss)
    playground.sandbox.remove_bot_from_group(group, by=boss)
    playground.sandbox.private(leader, f"/start {token}")
    await playground.drain()
    assert await recipients(playground, group) == []
    assert "云溪街道工作群" not in texts(playground, leader)[-1]


async def test_a_link_made_before_an_upgrade_subscribes_to_the_supergroup(
    playground: Playground,
) -> None:
    group, boss, _member, leader = subscribed_leader(playground)
    await playground.drain()
    token = link_token(playground, boss)
    supergroup = playground.sandbox.migrate_to_supergroup(group, by=boss)
    await playground.drain()
    playground.sandbox.private(leader, f"/start {token}")
    await playground.drain()
    assert await recipients(playground, supergroup) == [leader.id]
    assert group.id not in await playground.store.groups()


async def test_a_unit_link_subscribes_nobody_once_a_group_its_creator_does_not_run_joined(
    playground: Playground,
) -> None:
    busy, _calm, boss, leader = await two_groups_in_a_unit(playground)
    sandbox = playground.sandbox
    sandbox.command(busy, boss, f"/subscribe unit {UNIT}")
    await playground.drain()
    token = link_token(playground, boss, "unit_")
    # Between the link and its use, another admin's group joins the unit.
    other = sandbox.add_user("另一位书记")
    foreign = sandbox.create_group("外单位群", owner=other)
    sandbox.add_bot_to_group(foreign, by=other)
    sandbox.command(foreign, other, f"/set unit {UNIT}/外单位")
    await playground.drain()

    sandbox.private(leader, f"/start {token}")
    await playground.drain()
    assert await playground.store.unit_subscriptions() == []
    assert UNIT not in texts(playground, leader)[-1]


async def test_a_unit_link_of_a_demoted_admin_subscribes_nobody(playground: Playground) -> None:
    busy, calm, _boss, leader = await two_groups_in_a_unit(playground)
    sandbox = playground.sandbox
    deputy = sandbox.add_user("副书记")
    for group in (busy, calm):
        sandbox.add_member(group, deputy, "administrator")
    # The bot is no admin in these groups, so it is not told of changes of their admins: it
    # learns them when its cached administrator lists expire.
    playground.clock.advance(ADMIN_LISTS_EXPIRED)
    sandbox.private(deputy, "/start")
    sandbox.command(busy, deputy, f"/subscribe unit {UNIT}")
    await playground.drain()
    token = link_token(playground, deputy, "unit_")
    sandbox.add_member(calm, deputy, "member")
    playground.clock.advance(ADMIN_LISTS_EXPIRED)

    sandbox.private(leader, f"/start {token}")
    await playground.drain()
    assert await playground.store.unit_subscriptions() == []
