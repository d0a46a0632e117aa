"""A change of a group's administrators takes effect at once where the bot is an administrator
(it hears of the change): a demoted admin loses the admin commands, a promoted one gains them."""

from __future__ import annotations

from telegram import Chat, User

from bot.demo.playground import Playground


async def group_with_a_deputy(ground: Playground) -> tuple[Chat, User, User, User]:
    """A group where the bot is an administrator, its owner, a deputy admin and a leader."""
    sandbox = ground.sandbox
    boss = sandbox.add_user("书记", language_code="zh-hans")
    deputy = sandbox.add_user("副书记", language_code="zh-hans")
    leader = sandbox.add_user("区领导", language_code="zh-hans")
    group = sandbox.create_group("云溪街道工作群", owner=boss, members=[deputy])
    sandbox.add_member(group, deputy, "administrator")
    sandbox.add_bot_to_group(group, by=boss, as_admin=True)
    sandbox.private(deputy, "/start")
    await ground.drain()
    return group, boss, deputy, leader


async def test_a_demotion_takes_effect_at_once_when_the_bot_hears_of_it(
    playground: Playground,
) -> None:
    group, boss, deputy, _leader = await group_with_a_deputy(playground)
    sandbox = playground.sandbox
    sandbox.command(group, deputy, "/settings")  # the administrator list is now cached
    await playground.drain()
    sandbox.set_status(group, deputy, "member", by=boss)
    sandbox.command(group, deputy, "/erase")
    await playground.drain()
    assert all(m.reply_markup is None for m in sandbox.sent_to(group))

    # And a promotion too: the new admin is not refused for minutes.
    sandbox.set_status(group, deputy, "administrator", by=boss)
    sandbox.command(group, deputy, "/erase")
    await playground.drain()
    assert sandbox.sent_to(group)[-1].reply_markup is not None
