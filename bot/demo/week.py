"""``fingertip demo``: the real bot in a sandboxed Telegram, one scripted week, one digest.

No token and no network: the local Bot API double and the bot run in this process on
127.0.0.1, with an embedded Redis in a temporary directory and a manual clock.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Chat, User

from bot.config.settings import Language, Settings
from bot.demo.playground import Playground
from bot.demo.sandbox import ManualClock
from handlers.digest_delivery import JOB_PREFIX
from storage.factory import open_store

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2025, 11, 10, 8, 0, tzinfo=SHANGHAI)
"""The demo week is ISO week 2025-W46, an ordinary working week."""

# (day offset from Monday, hour, minute, who, text); who is a key of the cast below.
SCRIPT: tuple[tuple[int, int, int, str, str], ...] = (
    (
        0,
        9,
        30,
        "secretary",
        "【通知】本周开展冬季消防安全检查，请各网格周五前完成辖区商铺排查，"
        "排查情况填入附件表格报社区。\n附件：消防安全排查台账.xlsx",
    ),
    (0, 9, 33, "li", "收到"),
    (0, 9, 34, "zhao", "收到"),
    (
        0,
        21,
        40,
        "secretary",
        "@所有人 明天上午区里督查，今晚11点前把本周入户走访照片发群里，每户至少一张。",
    ),
    (0, 21, 45, "li", "收到"),
    (0, 21, 47, "zhao", "好的，马上整理"),
    (1, 12, 10, "chief", "请大家今天下班前下载“平安社区”App并完成实名注册，注册后截图发我。"),
    (1, 23, 20, "secretary", "看到的回个1"),
    (1, 23, 22, "chen", "1"),
    (2, 10, 0, "liu", "我截个图给你看，系统一直提交失败"),
    (3, 22, 30, "chief", "消防安全排查台账再报一次，区里说格式不对，今晚12点前重新发我。"),
    (
        5,
        10,
        0,
        "secretary",
        "周末不休息，今天下午3点前各网格把独居老人走访记录报上来，并拍照留痕。",
    ),
    (6, 9, 0, "zhao", "本周辛苦了，大家周末注意休息"),
    (
        6,
        20,
        0,
        "secretary",
        "【防汛应急】气象台发布暴雨橙色预警，请各网格立即排查低洼地带，值班人员保持通讯畅通。",
    ),
)
FLAGS: tuple[tuple[str, str], ...] = (
    ("li", "每天晚上都要拍照上传，周末也不例外"),
    ("zhao", "同一张台账一周报了两次"),
    ("chen", "半夜还要回1确认"),
)


@dataclass(frozen=True)
class DemoResult:
    """What the leader received (texts, and the chart's PNG), and what happened on the way."""

    leader_messages: list[str]
    chart_png: bytes | None
    group_messages: int
    flags: int


def _cast(ground: Playground) -> tuple[Chat, dict[str, User], User]:
    sandbox = ground.sandbox
    people = {
        "secretary": sandbox.add_user("王书记", language_code="zh-hans"),
        "chief": sandbox.add_user("张科长", language_code="zh-hans"),
        "li": sandbox.add_user("李明", language_code="zh-hans"),
        "zhao": sandbox.add_user("赵芳", language_code="zh-hans"),
        "chen": sandbox.add_user("陈刚", language_code="zh-hans"),
        "liu": sandbox.add_user("刘洋", language_code="zh-hans"),
    }
    leader = sandbox.add_user("周区长", language_code="zh-hans")
    group = sandbox.create_group(
        "云溪街道网格工作群",
        owner=people["secretary"],
        supergroup=True,
        members=[user for key, user in people.items() if key != "secretary"],
    )
    sandbox.add_member(group, people["chief"], "administrator")
    return group, people, leader


async def _subscribe_leader(ground: Playground, group: Chat, admin: User, leader: User) -> None:
    sandbox = ground.sandbox
    sandbox.private(admin, "/start")
    sandbox.command(group, admin, "/subscribe")
    await ground.drain()
    link = next(
        m.plain_text or "" for m in sandbox.sent_to(admin) if "start=sub_" in (m.plain_text or "")
    )
    sandbox.private(leader, "/start " + link.split("start=", 1)[1].split()[0])
    await ground.drain()


async def _flag(ground: Playground, group: Chat, member: User, text: str) -> None:
    sandbox = ground.sandbox
    sandbox.private(member, f"/start flag_{group.id}")
    await ground.drain()
    sandbox.press(member, sandbox.sent_to(member)[-1], "flag:k:proof_demand")
    await ground.drain()
    sandbox.private(member, text)
    await ground.drain()
    sandbox.press(member, sandbox.sent_to(member)[-1], "flag:send")
    await ground.drain()


async def run_demo(language: Language = "zh") -> DemoResult:
    """Play the scripted week and fire the weekly digest; return what the leader received."""
    with tempfile.TemporaryDirectory(prefix="fingertip-demo-") as directory:
        settings = Settings(data_dir=Path(directory), redis_url=None, language=language)
        store = await open_store(None, settings.data_dir, settings.retention())
        clock = ManualClock(MONDAY)
        ground = await Playground.open(settings, store, clock)
        try:
            await ground.start_bot()
            group, people, leader = _cast(ground)
            ground.sandbox.add_bot_to_group(group, by=people["secretary"], as_admin=True)
            await _subscribe_leader(ground, group, people["secretary"], leader)
            for day, hour, minute, who, text in SCRIPT:
                moment = MONDAY.replace(hour=hour, minute=minute) + timedelta(days=day)
                clock.set(moment)
                ground.sandbox.post(group, people[who], text, at=moment)
                await ground.drain()
            for who, text in FLAGS:
                await _flag(ground, group, people[who], text)
            already = len(ground.sandbox.sent_to(leader))
            clock.set(MONDAY.replace(hour=9) + timedelta(weeks=1))
            app = ground.application
            assert app.job_queue is not None
            for job in app.job_queue.get_jobs_by_name(f"{JOB_PREFIX}{group.id}"):
                await job.run(app)
            sent = ground.sandbox.sent_to(leader)[already:]
            received = [m.plain_text or "" for m in sent if m.kind == "text"]
            photos = [
                upload.content
                for call in ground.sandbox.calls("sendPhoto", chat=leader)
                for upload in call.files.values()
            ]
        finally:
            await ground.close()
            await store.close()
    return DemoResult(
        leader_messages=received,
        chart_png=photos[-1] if photos else None,
        group_messages=len(SCRIPT),
        flags=len(FLAGS),
    )
