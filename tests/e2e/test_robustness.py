"""What arrives in odd shapes, what fails, and what the bot publishes about itself."""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.core.labels import Label
from bot.demo.playground import Playground
from storage.base import StoreError
from tests.support.playground import at


async def test_captions_forwards_and_anonymous_admin_posts_are_counted(
    playground: Playground,
) -> None:
    sandbox = playground.sandbox
    boss = sandbox.add_user("主任")
    member = sandbox.add_user("网格员")
    group = sandbox.create_group("工作群", owner=boss, members=[member])
    sandbox.add_member(group, boss, "creator", anonymous=True)
    sandbox.add_bot_to_group(group, by=boss)
    sandbox.post(group, boss, photo=True, caption="请各位今晚10点前拍照上传巡查现场", at=at(0, 20))
    sandbox.post(
        group,
        boss,
        "请各村今天下班前报送低保户花名册",
        forward_from="县应急局",
        at=at(1, 9, 30),
    )
    sandbox.post(group, boss, "请大家周五前下载政务App并注册", sender_chat=group, at=at(2, 11))
    sandbox.post(group, member, photo=True, at=at(2, 11, 5))
    await playground.drain()
    week = await playground.store.week(group.id, "2025-W46")
    assert week.messages == 4
    assert week.counted_label(Label.PROOF_DEMAND) == 1
    assert week.counted_label(Label.REPORT_DEMAND) == 1
    assert week.counted_label(Label.APP_DEMAND) == 1
    assert week.demand_senders == 2


async def test_an_error_in_one_update_is_logged_and_the_next_is_handled(
    playground: Playground, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = playground.sandbox
    boss = sandbox.add_user("主任")
    group = sandbox.create_group("工作群", owner=boss)
    sandbox.add_bot_to_group(group, by=boss)
    await playground.drain()
    services = playground.services
    working_store = services.store

    class BrokenStore:
        """A store whose Redis went away: every call fails like the real one would."""

        def __getattr__(self, name: str) -> object:
            async def fail(*_: object, **__: object) -> None:
                raise StoreError("could not write to Redis: connection refused")

            return fail

    services.store = BrokenStore()  # type: ignore[assignment]
    sandbox.post(group, boss, "秘密文本：请今晚截图", at=at(0, 21))
    with caplog.at_level(logging.WARNING):
        await playground.drain()
    services.store = working_store
    sandbox.post(group, boss, "请今晚截图", at=at(0, 21, 5))
    await playground.drain()
    await services.outage.wait_until_replayed()

    assert any("store unreachable" in record.getMessage() for record in caplog.records)
    assert all(record.exc_info is None for record in caplog.records)
    assert all("秘密文本" not in record.getMessage() for record in caplog.records)
    # The message that met the outage was held and counted once the store answered again.
    assert (await playground.store.week(group.id, "2025-W46")).messages == 2


async def test_command_menus_are_published_per_scope_and_language(playground: Playground) -> None:
    sandbox = playground.sandbox
    admins = sandbox.commands(scope={"type": "all_chat_administrators"})
    admins_zh = sandbox.commands(scope={"type": "all_chat_administrators"}, language_code="zh")
    private = sandbox.commands(scope={"type": "all_private_chats"})
    groups = sandbox.commands(scope={"type": "all_group_chats"})
    assert {c.command for c in admins} >= {"settings", "set", "subscribe", "digest", "erase"}
    assert [c.command for c in admins] == [c.command for c in admins_zh]
    assert admins[0].description != admins_zh[0].description
    assert {c.command for c in private} >= {"start", "flag", "overview"}
    assert "erase" not in {c.command for c in groups}


@pytest.mark.parametrize(
    ("token", "fragment"),
    [(None, "is not set"), ("not-a-token", "does not look like a bot token")],
)
def test_run_without_a_usable_token_is_one_clear_line(
    token: str | None, fragment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FINGERTIP_TELEGRAM_TOKEN", raising=False)
    if token is not None:
        monkeypatch.setenv("FINGERTIP_TELEGRAM_TOKEN", token)
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.output
