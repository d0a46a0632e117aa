"""Labels in context, one behaviour per test, on conversations written for these tests."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from bot.core.classifier import default_classifier
from bot.core.classifier.model import Hit
from bot.core.context import Attachment, ContextMessage, Conversation, InContext
from bot.core.context.model import in_context
from bot.core.labels import Label
from tests.support.builders import SHANGHAI

T = Label.TASK_PUSH
P = Label.PROOF_DEMAND
R = Label.REPORT_DEMAND
A = Label.ACK_DEMAND
APP = Label.APP_DEMAND
U = Label.URGENT_DEADLINE
START = datetime(2025, 5, 12, 9, 0, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Line:
    """One message of a test conversation."""

    sender: str
    text: str
    reply_to: int | None = None
    attachment: Attachment | None = None
    forwarded: bool = False
    minutes: int = 10


def run(*lines: Line) -> list[InContext]:
    """Decide ``lines`` in order (message ids 1, 2, ...)."""
    conversation = Conversation(default_classifier())
    moment = START
    decided = []
    for number, line in enumerate(lines, start=1):
        moment += timedelta(minutes=line.minutes)
        message = ContextMessage(
            message_id=number,
            text=line.text,
            sent_at=moment,
            sender_key=line.sender,
            reply_to=line.reply_to,
            attachment=line.attachment,
            forwarded=line.forwarded,
        )
        decided.append(conversation.decide(message))
    return decided


FORM = Line("boss", "请各社区今天下午4点前把老旧小区加装电梯意向摸底表填好发我。")


def test_a_terse_chase_replying_to_a_form_demand_inherits_its_kinds_not_its_deadline() -> None:
    decided = run(FORM, Line("boss", "还差北岸、东塘两个社区", reply_to=1, minutes=200))
    chase = decided[1]
    assert decided[0].labels == {T, R, U}
    assert chase.labels == {T, R}
    assert chase.chases == 1
    assert any(h.rule == "context.chase" and h.match == "chase of message 1" for h in chase.hits)


def test_a_chase_that_only_follows_its_demand_is_found_without_a_reply() -> None:
    decided = run(FORM, Line("m1", "北岸社区的表"), Line("boss", "东塘的呢？", minutes=300))
    assert decided[2].labels == {T, R}
    assert decided[2].chases == 1


def test_a_chase_of_a_bare_acknowledgement_stays_an_acknowledgement() -> None:
    decided = run(
        Line("boss", "周三下午停电检修的通知已发，请大家看到回复收到。"),
        Line("m1", "收到"),
        Line("boss", "还有谁没回？", minutes=120),
    )
    assert decided[0].labels == {A}
    assert decided[2].labels == {A}


def test_a_chase_naming_one_part_of_a_combined_demand_inherits_only_that_part() -> None:
    decided = run(
        Line("boss", "各村本周把宣传栏更新完，拍照发群里，再把更新登记表填好交上来。"),
        Line("boss", "还有三个村没发照片", minutes=600),
    )
    assert {P, R} <= decided[0].labels
    assert decided[1].labels == {T, P}


def test_a_reply_setting_a_deadline_completes_a_form_demand_with_urgency() -> None:
    decided = run(
        Line("boss", "请各组把本月独居老人探访记录表交上来。"),
        Line("boss", "今晚前补齐", reply_to=1, minutes=30),
    )
    assert decided[0].labels == {T, R}
    assert decided[1].labels == {T, R, U}
    assert decided[1].chases == 1


def test_a_reply_naming_the_group_as_destination_completes_a_photo_request() -> None:
    decided = run(
        Line("boss", "明天消防通道清理完以后拍几张现场照片。"),
        Line("m1", "照片发哪里？"),
        Line("boss", "发群里", reply_to=2),
    )
    assert P in decided[0].labels
    assert decided[1].labels == frozenset()
    assert decided[2].labels == {T, P}


def test_a_nudge_after_an_app_notice_is_an_app_demand() -> None:
    decided = run(
        Line("boss", "区里要求全体干部本周内下载“云城通”App并完成实名注册。"),
        Line("boss", "没下载的抓紧装一下，二维码见上", minutes=1440),
    )
    assert APP in decided[0].labels
    assert decided[1].labels == {T, APP}


@pytest.mark.parametrize(
    "answer",
    [
        Line("m1", "东塘社区意向摸底表", attachment=Attachment.FILE),
        Line("m1", "已上门12户，照片见下", attachment=Attachment.PHOTO),
        Line("m1", "表里的“意向”是指签字同意的才算吗？"),
        Line("m1", "我们社区的今天下午4点前发你"),
    ],
)
def test_members_answering_a_demand_demand_nothing(answer: Line) -> None:
    decided = run(FORM, answer)
    assert decided[1].labels == frozenset()
    assert decided[1].role == "member"
    assert decided[1].answers == 1


def test_a_chain_continuation_is_not_a_new_chain() -> None:
    chain = "【接龙】周六义诊志愿者\n格式：姓名+电话\n1. 王一 139****0001"
    decided = run(
        Line("boss", f"周六社区义诊需要志愿者，请报名接龙。\n{chain}"),
        Line("m1", f"{chain}\n2. 赵二 139****0002"),
        Line("m2", f"{chain}\n2. 赵二 139****0002\n3. 钱三 139****0003"),
    )
    assert A in decided[0].labels
    assert decided[1].labels == frozenset()
    assert decided[2].labels == frozenset()


def test_a_forwarded_directive_counts_and_forwarded_news_does_not() -> None:
    decided = run(
        Line("boss", "【区农业局】请各村于周五前报送春耕备耕情况统计表。", forwarded=True),
        Line("boss", "据报道，邻市昨日立即转移了受灾群众两千余人。", forwarded=True),
    )
    assert decided[0].labels == {T, R}
    assert decided[1].labels == frozenset()


def test_an_askers_explanation_to_a_members_question_adds_no_demand() -> None:
    decided = run(
        FORM, Line("m1", "空置的房子也要统计吗？"), Line("boss", "空置的备注一下", reply_to=2)
    )
    assert decided[2].labels == frozenset()


def test_who_asks_is_learned_from_the_group_not_from_names() -> None:
    # The same words from the member who has only answered are not a chase.
    decided = run(
        FORM, Line("m1", "东塘社区的表", attachment=Attachment.FILE), Line("m1", "还差北岸")
    )
    assert decided[2].labels == frozenset()
    # A second sender addressing the whole group with a demand of their own keeps it.
    second = run(FORM, Line("deputy", "请大家周五前在“云城通”App上完成安全知识答题。"))
    assert APP in second[1].labels
    assert second[1].role == "member"


def test_an_emergency_order_is_exempt_and_its_chase_stays_exempt() -> None:
    decided = run(
        Line("boss", "河堤出现管涌，请沿河两个村马上组织低洼处住户撤离到镇中学。"),
        Line("boss", "还有几户没撤出来，抓紧", minutes=20),
    )
    assert decided[0].exempt
    assert decided[1].exempt
    assert decided[1].chases == 1


@pytest.mark.parametrize(
    "text",
    [
        "国庆值班期间，值班人员每天早晚在群里各发一张在岗照片。",
        "各村转移群众人数每两小时填表报一次。",
        "下周二开展防汛应急演练，各村派两人参加，全程拍照留档。",
        "台风过后各社区周五前报送受灾损失统计表。",
        "今晚8点召开防台风视频调度会，各村书记准时参会。",
        "Storm duty staff: post a photo at your depot at the start of each shift.",
        "Fire drill on Thursday: every team lead sends a headcount form afterwards.",
    ],
)
def test_emergency_flavoured_routine_is_not_exempt(text: str) -> None:
    decided = run(Line("boss", text))[0]
    assert decided.labels
    assert not decided.exempt


@pytest.mark.parametrize(
    "text",
    [
        "燃气泄漏！3号楼的住户立即撤离到楼下空地，网格员马上到现场。",
        "山体塌方，青石路立即封闭，镇干部马上到路口劝返车辆。",
        "Quay House is flooding. Wardens: evacuate the residents to the community hall now.",
    ],
)
def test_directing_the_response_to_a_present_danger_is_exempt(text: str) -> None:
    decided = run(Line("boss", text))[0]
    assert decided.labels
    assert decided.exempt


def test_an_order_to_respond_to_a_danger_is_work_urgent_and_exempt() -> None:
    order = "地下通道进水，马上封路"
    assert not default_classifier().classify(order).labels  # the words alone ask nothing
    decided = run(Line("boss", order))
    assert decided[0].labels == {T, U}
    assert decided[0].exempt
    assert any(h.rule == "context.emergency_order" for h in decided[0].hits)


def test_paperwork_about_an_emergency_is_not_exempt_even_right_after_one() -> None:
    decided = run(
        Line("boss", "燃气泄漏！3号楼的住户立即撤离到楼下空地，网格员马上到现场。"),
        Line("boss", "今天下班前把撤离人数和现场照片报街道。", minutes=180),
    )
    assert decided[0].exempt
    assert {R, P} <= decided[1].labels
    assert not decided[1].exempt


def test_further_orders_of_the_same_response_are_exempt() -> None:
    decided = run(
        Line("boss", "燃气泄漏！3号楼的住户立即撤离到楼下空地，网格员马上到现场。"),
        Line("boss", "请各网格员马上到3号楼楼下集合。", minutes=15),
    )
    assert decided[1].labels
    assert decided[1].exempt


def test_an_order_replying_to_a_members_incident_report_is_not_an_answer_to_an_old_demand() -> (
    None
):
    decided = run(
        FORM,
        Line("grid3", "报告：5号楼地下车库进水了，已经没过车轮"),
        Line("chief", "5号楼物业马上把车库里的人全部撤出来，入口拉警戒", reply_to=2, minutes=3),
    )
    assert decided[2].answers is None
    assert T in decided[2].labels
    assert decided[2].exempt


def test_a_members_file_with_a_short_caption_is_still_a_submission() -> None:
    decided = run(FORM, Line("grid3", "3社区的摸底表", attachment=Attachment.FILE))
    assert decided[1].labels == frozenset()
    assert decided[1].answers == 1


def test_a_daily_time_is_a_habit_not_an_urgent_deadline() -> None:
    decided = run(Line("boss", "从本周起各网格每天晚上8点前把巡查照片发群里。"))
    assert P in decided[0].labels
    assert U not in decided[0].labels


def test_a_cancellation_chases_nothing_and_what_still_stands_is_kept() -> None:
    decided = run(
        Line("boss", "各科室本周在“云城学堂”App完成安全课程学习，并把学习截图发群里。"),
        Line("boss", "截图不用发了，后台能看到", minutes=60),
        Line("boss", "课程学习照常", minutes=60),
    )
    assert {APP, P} <= decided[0].labels
    assert decided[1].labels == frozenset()
    assert decided[2].labels == {T, APP}


def test_a_chain_with_fields_to_fill_collects_data() -> None:
    text = (
        "下周三义务植树，请各支部接龙报名：\n【接龙】植树报名\n"
        "格式：支部+姓名+电话\n1. 一支部 李一 139****0001"
    )
    decided = run(Line("boss", text))
    assert decided[0].labels == {T, R, A}


def test_a_push_of_an_app_campaign_is_an_app_demand_but_a_count_to_report_is_not() -> None:
    campaign = Line("boss", "本月各村要完成“云城通”App注册推广，每村不少于200户。")
    decided = run(campaign, Line("boss", "下周镇里通报注册率，各村书记要亲自抓。", minutes=1440))
    assert APP in decided[0].labels
    assert decided[1].labels == {T, APP}
    counted = run(campaign, Line("boss", "各村把本周新增注册户数周五前报上来。", minutes=1440))
    assert {T, R} <= counted[1].labels


def test_in_context_makes_what_the_dataclass_makes() -> None:
    # every field a distinct value, so a field left out or set in another's slot shows
    fields = {
        "labels": frozenset({Label.TASK_PUSH}),
        "exempt": True,
        "hits": (Hit(Label.TASK_PUSH, "rule", "match", 1, 2),),
        "role": "asker",
        "chases": 3,
        "answers": 4,
        "reason": "chase",
        "acknowledgement": True,
        "report_subject": "subject",
        "notes": ("note",),
        "alarm": True,
        "concern": True,
    }
    assert [field.name for field in dataclasses.fields(InContext)] == list(fields)
    made = in_context(**fields)  # type: ignore[arg-type]
    expected = InContext(**fields)  # type: ignore[arg-type]
    assert made == expected
    assert [getattr(made, name) for name in fields] == list(fields.values())
    assert in_context(frozenset(), False, (), "member") == InContext(
        frozenset(), False, (), "member"
    )


def test_a_chase_of_missing_check_ins_inherits_the_app_demand() -> None:
    # "签到记录" is the app's own record of the check-in, not a form to hand in
    decided = run(
        Line("boss", "请各班主任今天在“家校通”上完成签到"),
        Line("boss", "三班、五班还没有签到记录", minutes=600),
    )
    assert APP in decided[0].labels
    assert decided[1].labels == {T, APP}
    assert decided[1].chases == 1
