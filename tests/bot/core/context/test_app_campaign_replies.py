"""App campaigns in a conversation: shortfalls in the campaign's own terms, work moved off paper
into an app, replies telling members to get people onto the app, a second asker's app notice."""

from __future__ import annotations

import pytest

from tests.bot.core.context.test_decide import APP, Line, P, R, T, U, run

PATROL = Line(
    "chief",
    "各位巡查员：从本周起每次巡堤都在“堤防通”小程序里开轨迹并上传问题照片，站里每周通报。",
)
ROSTER = Line(
    "lead",
    "Morning crew. From Monday every forklift pre-check is done in the LiftLog app. "
    "Install it this week and sign in with your badge number.",
)


@pytest.mark.parametrize(
    "shortfall",
    [
        "Night shift: nine not logged in yet",
        "Bays 4 and 7: no entries at all this week",
        "Two weeks left for bays 4 and 7",
        "本周漏传的：老郑、阿军",
        "这周二组缺了四次，三组缺了两次",
        "离截止只剩两天了",
    ],
)
def test_a_shortfall_in_the_campaigns_own_terms_chases_the_app_demand(shortfall: str) -> None:
    # none of these says "still missing" or names a form: the app actions not done, the days
    # left, the times missed are what a campaign's chase speaks of
    demand = PATROL if any("\u4e00" <= c <= "\u9fff" for c in shortfall) else ROSTER
    decided = run(
        demand,
        Line("m1", "收到" if demand is PATROL else "ok"),
        Line(demand.sender, shortfall, minutes=2880),
    )
    assert APP in decided[2].labels
    assert decided[2].chases == 1


def test_a_ranking_speaking_of_a_commendation_is_not_a_form() -> None:
    # 表彰 is no 表: the ranking under a vote chases the votes
    vote = Line("chief", "各村：县里“最美庭院”网上投票开始了，请发动村民每天投一票。")
    ranking = Line("chief", "咱们村的作品现在排第12名，县里只表彰前10名", minutes=2880)
    decided = run(vote, Line("m1", "收到"), ranking)
    assert decided[2].labels == {T, APP}


@pytest.mark.parametrize(
    "notice",
    [
        "Drivers: from next month all delivery signatures are captured on the DropPoint "
        "tablets instead of paper.",
        "各站：从下月起设备巡检结果都录进“巡检通”，纸质登记本停用。",
    ],
)
def test_work_moved_off_paper_into_an_app_is_an_app_demand(notice: str) -> None:
    # the records entered are the app use itself, not a form of their own
    decided = run(Line("lead", notice))
    assert decided[0].labels == {T, APP}


def test_paper_mentioned_beside_a_form_is_no_app_demand() -> None:
    decided = run(Line("lead", "各班周五前把家访记录表交教务处，纸质版签字。"))
    assert APP not in decided[0].labels


@pytest.mark.parametrize(
    ("question", "reply", "labels"),
    [
        ("家属能投吗？", "可以，让亲戚朋友都投一票", {T, APP}),
        ("外包的司机也要装吗", "要的，叫他们都装好，今天就要", {T, APP, U}),
        (
            "What about the agency staff?",
            "Yes, get them onto it before their first shift",
            {T, APP},
        ),
    ],
)
def test_a_reply_telling_members_to_get_people_onto_the_app_is_an_app_demand(
    question: str, reply: str, labels: set[object]
) -> None:
    demand = PATROL if reply[0] > "\u4e00" else ROSTER
    decided = run(demand, Line("m1", question, reply_to=1), Line(demand.sender, reply, reply_to=2))
    assert decided[2].labels == labels
    assert decided[2].chases == 1


@pytest.mark.parametrize(
    "how_to",
    ["让老人用子女的手机号注册，验证码发子女手机上", "八十岁以上的就算了，别让他们注册了"],
)
def test_a_reply_saying_how_to_log_in_or_letting_people_off_adds_nothing(how_to: str) -> None:
    question = Line("m1", "老人不会用怎么办？", reply_to=1)
    decided = run(PATROL, question, Line("chief", how_to, reply_to=2))
    assert decided[2].labels == frozenset()


def test_a_second_askers_notice_is_no_answer_to_the_first_askers_demand() -> None:
    # the newcomer has asked nothing before, and its notice holds words a member's own report
    # would use ("checked"); addressed to the group and asking for other kinds, it is a demand
    form = Line("lead", "Everyone, annual leave requests on the form to me by the 20th please")
    notice = Line(
        "estates",
        "Dear all, please check the fire doors on your floors by Thursday and upload a photo "
        "of each checked door to the SiteSnap app.",
        minutes=600,
    )
    decided = run(form, notice)
    assert decided[1].reason == "own"
    assert {T, P} <= decided[1].labels


def test_a_thanks_over_the_campaigns_total_chases_nothing() -> None:
    # a total is a result like a rate: thanked for, not chased
    share = Line("chief", "各位：今晚直播请转发到朋友圈和家长群，争取多拉新用户。")
    thanks = Line("chief", "大家辛苦了，这次一共拉新860人，市里点名表扬", minutes=900)
    decided = run(share, Line("m1", "已转"), thanks)
    assert decided[2].labels == frozenset()


@pytest.mark.parametrize(
    "figures",
    [
        "本周上传情况：还有8户没传，名单见附件",
        "录入量：一组120，二组85，三组40",
        "Uploads missing, names on the board",
    ],
)
def test_a_campaigns_figures_under_an_app_demand_count_app_use_not_a_report(figures: str) -> None:
    # the names and counts measure the app use the demand asked for; they are no form
    decided = run(PATROL, Line("m1", "收到"), Line("chief", figures, minutes=2880))
    assert {T, APP} <= decided[2].labels
    assert R not in decided[2].labels


def test_figures_asked_to_be_sent_in_stay_a_report() -> None:
    ask = Line("chief", "各组今天下班前把已上传的户数报一下", minutes=2880)
    decided = run(PATROL, Line("m1", "收到"), ask)
    assert R in decided[2].labels
