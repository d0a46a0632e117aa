"""Writes the app-audit test exports (NAME.json) and their gold (NAME.gold.jsonl) from the table
below: one row per message. Run it after editing the rows; the outputs are committed.

Gold ``apps`` names the apps a message is an app demand about (its author's call, not the
bot's); ``platforms`` the platforms it uses only as the means of a form or meeting.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).parent

# (id, local time, sender, text, reply_to, gold apps, gold platforms)
ZH = [
    (
        1,
        "2025-11-03 09:05",
        "张书记",
        "各位早上好，本周重点工作见附件，请各网格员熟悉。",
        None,
        [],
        [],
    ),
    (
        2,
        "2025-11-03 09:40",
        "张书记",
        "请大家今天下班前下载“青禾网格通”App并完成实名注册，注册成功后截图发群里。",
        None,
        ["青禾网格通"],
        [],
    ),
    (3, "2025-11-03 10:02", "刘敏", "收到", 2, [], []),
    (4, "2025-11-03 11:30", "刘敏", "书记，注册时一直提示验证码错误怎么办？", 2, [], []),
    (5, "2025-11-03 11:35", "张书记", "换个网络再试试", 4, [], []),
    (6, "2025-11-03 17:45", "张书记", "还没注册的同志抓紧，今晚8点前完成", 2, ["青禾网格通"], []),
    (
        7,
        "2025-11-03 21:20",
        "王主任",
        "强国积分本周要达到每天40分，排名后三位的下周例会上通报，请大家每天登录学习打卡。",
        None,
        ["学习强国"],
        [],
    ),
    (
        8,
        "2025-11-04 08:50",
        "王主任",
        "请各位登录浙政钉完成今日打卡，8点半前必须签到。",
        None,
        ["浙政钉"],
        [],
    ),
    (9, "2025-11-04 09:15", "陈晨", "好的", None, [], []),
    (
        10,
        "2025-11-04 10:30",
        "张书记",
        "国反注册率县里要通报，请每人动员身边至少10名居民下载国家反诈中心App并注册。",
        None,
        ["国家反诈中心"],
        [],
    ),
    (
        11,
        "2025-11-04 14:00",
        "张书记",
        "请把本网格已注册反诈的人数报一下，明天上午报给我。",
        None,
        [],
        [],
    ),
    (
        12,
        "2025-11-04 16:20",
        "王主任",
        "问卷星链接已发，请各位今天下班前填写社区满意度问卷。",
        None,
        [],
        ["问卷星"],
    ),
    (
        13,
        "2025-11-04 22:10",
        "王主任",
        "请大家关注“青禾发布”公众号，在今天的文章下点赞、点在看并转发到朋友圈。",
        None,
        ["青禾发布"],
        [],
    ),
    (14, "2025-11-05 09:00", "刘敏", "已转发", 13, [], []),
    (
        15,
        "2025-11-05 10:10",
        "张书记",
        "明天上午十点通过腾讯会议召开网格工作例会，请准时参加。",
        None,
        [],
        ["腾讯会议"],
    ),
    (
        16,
        "2025-11-05 15:40",
        "张书记",
        "今天巡查请用“巡查宝”小程序上传巡查照片和定位，每人不少于3条。",
        None,
        ["巡查宝"],
        [],
    ),
    (17, "2025-11-05 19:30", "张书记", "@陈晨 @刘敏 还差你们两个", 16, ["巡查宝"], []),
    (
        18,
        "2025-11-06 09:30",
        "王主任",
        "浙里办上的居民信息请在周五前更新完善，逐户录入。",
        None,
        ["浙里办"],
        [],
    ),
    (19, "2025-11-06 11:00", "陈晨", "浙里办登录不上，有人知道怎么回事吗？", None, [], []),
    (
        20,
        "2025-11-07 20:45",
        "王主任",
        "本周政钉打卡统计出来了，倒数的几位注意一下，下周每天都要打卡。",
        None,
        ["浙政钉"],
        [],
    ),
    (
        21,
        "2025-11-08 10:00",
        "王主任",
        "周末也别忘了强国学习，今天的积分截图晚上发我。",
        None,
        ["学习强国"],
        [],
    ),
    (
        22,
        "2025-11-10 09:10",
        "张书记",
        "新的一周，请大家继续在青禾网格通里每天上报事件，每人每天不少于2条。",
        None,
        ["青禾网格通"],
        [],
    ),
    (23, "2025-11-10 09:30", "刘敏", "收到", 22, [], []),
    (
        24,
        "2025-11-10 21:40",
        "王主任",
        "强国周排名出来了，我们社区排在全街道倒数第二，请大家今晚抓紧学习刷分。",
        None,
        ["学习强国"],
        [],
    ),
    (25, "2025-11-11 08:40", "王主任", "请各位登录浙政钉打卡。", None, ["浙政钉"], []),
    (
        26,
        "2025-11-11 10:00",
        "张书记",
        "街道通知：不用再截图注册页面了，以系统后台数据为准。",
        None,
        [],
        [],
    ),
    (27, "2025-11-12 15:00", "张书记", "今天的巡查记录还没传的抓紧", 16, ["巡查宝"], []),
    (28, "2025-11-12 16:00", "陈晨", "我的已经传好了", 27, [], []),
    (
        29,
        "2025-11-13 20:30",
        "王主任",
        "请大家给“青禾发布”视频号最新视频点赞评论，明天我截图统计。",
        None,
        ["青禾发布"],
        [],
    ),
    (
        30,
        "2025-11-14 09:00",
        "张书记",
        "下周一前请在问卷星提交本月走访统计表。",
        None,
        [],
        ["问卷星"],
    ),
]

EN = [
    (1, "2025-10-06 08:30", "Dana", "Morning all, rota for this week is pinned.", None, [], []),
    (
        2,
        "2025-10-06 09:15",
        "Dana",
        "Please install the ShiftBoard app today and register with your work email.",
        None,
        ["ShiftBoard"],
        [],
    ),
    (3, "2025-10-06 09:20", "Sam", "Done", 2, [], []),
    (
        4,
        "2025-10-06 17:40",
        "Dana",
        "Still missing five of you, do it before you leave tonight",
        2,
        ["ShiftBoard"],
        [],
    ),
    (
        5,
        "2025-10-06 21:05",
        "Lee",
        "Everyone must clock in on ShiftBoard at the start of every shift from tomorrow, "
        "no exceptions.",
        None,
        ["ShiftBoard"],
        [],
    ),
    (
        6,
        "2025-10-07 10:00",
        "Lee",
        "Please fill in the Google Form for the audit by Thursday.",
        None,
        [],
        ["Google Forms"],
    ),
    (
        7,
        "2025-10-07 12:30",
        "Dana",
        "Can everyone like and share our Facebook post about the open day tonight?",
        None,
        ["Facebook"],
        [],
    ),
    (8, "2025-10-07 12:45", "Sam", "Shared!", 7, [], []),
    (
        9,
        "2025-10-08 09:00",
        "Lee",
        "Team meeting on Zoom tomorrow at 10, link in the calendar.",
        None,
        [],
        ["Zoom"],
    ),
    (
        10,
        "2025-10-08 20:15",
        "Lee",
        "ShiftBoard points leaderboard is up, the bottom three need to log more hours this week.",
        None,
        ["ShiftBoard"],
        [],
    ),
    (
        11,
        "2025-10-09 14:00",
        "Dana",
        "How many of you have registered so far? Send me the number by 3pm.",
        None,
        [],
        [],
    ),
    (
        12,
        "2025-10-13 09:00",
        "Dana",
        "Reminder: clock in on ShiftBoard every shift, managers will check the logs on Friday.",
        None,
        ["ShiftBoard"],
        [],
    ),
    (
        13,
        "2025-10-13 18:30",
        "Lee",
        "Please vote for our clinic on the council's Facebook page before midnight.",
        None,
        ["Facebook"],
        [],
    ),
    (14, "2025-10-14 08:00", "Sam", "The app keeps logging me out, anyone else?", None, [], []),
    (
        15,
        "2025-10-14 08:10",
        "Dana",
        "Update it and log in again, and don't forget today's check-in",
        14,
        ["ShiftBoard"],
        [],
    ),
]


def _message(row: tuple, zone: ZoneInfo) -> dict:
    number, local, sender, text, reply_to, _apps, _platforms = row
    at = datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    message = {
        "id": number,
        "type": "message",
        "date": at.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(int(at.timestamp())),
        "from": sender,
        "from_id": f"user{abs(hash(sender)) % 10_000 + 1000}",
        "text": text,
    }
    if reply_to is not None:
        message["reply_to_message_id"] = reply_to
    return message


def write(name: str, chat: str, chat_id: int, rows: list, zone: str) -> None:
    """Write NAME.json and NAME.gold.jsonl for ``rows``."""
    tz = ZoneInfo(zone)
    export = {
        "name": chat,
        "type": "private_supergroup",
        "id": chat_id,
        "messages": [_message(row, tz) for row in rows],
    }
    # Stable sender ids across runs (hash() is salted per process).
    senders = sorted({row[2] for row in rows})
    for message in export["messages"]:
        message["from_id"] = f"user{1000 + senders.index(message['from'])}"
    (HERE / f"{name}.json").write_text(
        json.dumps(export, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    with (HERE / f"{name}.gold.jsonl").open("w", encoding="utf-8") as gold:
        for row in rows:
            line = {"id": row[0], "apps": row[5], "platforms": row[6]}
            gold.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    write("qinghe_apps", "青禾社区网格工作群", 7_001, ZH, "Asia/Shanghai")
    write("clinic_apps", "Riverside clinic team", 7_002, EN, "Europe/London")
