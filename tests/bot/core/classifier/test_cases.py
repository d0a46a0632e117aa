"""The classifier against our own hand-written messages (not taken from the dev corpus)."""

from __future__ import annotations

import json

import pytest

from bot.core.classifier import classify, load_classifier
from bot.core.labels import Label, sort_labels
from tests.support.paths import TRAIN_DATA

CASES_DIR = TRAIN_DATA / "cases"


def _load_cases() -> list[dict[str, object]]:
    cases: list[dict[str, object]] = []
    for path in sorted(CASES_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                cases.append(json.loads(line))
    return cases


CASES = _load_cases()


def _gold(case: dict[str, object]) -> frozenset[Label]:
    labels = case["labels"]
    assert isinstance(labels, list)
    return frozenset(Label(name) for name in labels)


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 150


def test_exact_match_on_own_cases_is_at_least_90_percent() -> None:
    failures = []
    for case in CASES:
        predicted = classify(str(case["text"])).labels
        if predicted != _gold(case):
            failures.append(
                f"{case['id']} {case['text']!r}: expected {sort_labels(_gold(case))}, "
                f"got {sort_labels(predicted)} ({case['why']})"
            )
    share = 1 - len(failures) / len(CASES)
    assert share >= 0.90, "\n".join(failures)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # negation and partial cancellation
        ("不用截图了，直接把表填好周四前交", {"task_push", "report_demand"}),
        ("这次不用拍照，也不用交表。", set()),
        ("No need to reply to this one.", set()),
        ("唔使交表喇", set()),
        # quotes and discussion of the rules
        ("按规定，不得要求基层干部截图留痕。", set()),
        ("The policy says staff may not be required to install apps.", set()),
        # members offering or reporting their own work
        ("我截个图给你看看", set()),
        ("表已报", set()),
        ("I'll send you a photo of it later.", set()),
        # acknowledgement replies
        ("收到", set()),
        ("收到，马上办", set()),
        # questions and complaints
        ("截图是截整个页面吗？", set()),
        ("又要接龙，烦死了😩", set()),
        ("马上就要放假了，开心", set()),
        # disguised asks
        ("看到的回个1", {"ack_demand"}),
        ("看到消息的冒个泡", {"ack_demand"}),
        ("Drop a 👍 once you've read this.", {"ack_demand"}),
        # terse chases
        ("@张三 表呢？", {"task_push", "report_demand"}),
        ("@Tom photos?", {"task_push", "proof_demand"}),
        # urgency
        ("请各村今晚十点前报送巡查台账", {"task_push", "report_demand", "urgent_deadline"}),
        ("请各村周五前报送巡查台账", {"task_push", "report_demand"}),
        (
            "Please send me the numbers within the hour.",
            {"task_push", "report_demand", "urgent_deadline"},
        ),
        # traditional and Cantonese
        ("即刻影相放上群組", {"task_push", "proof_demand", "urgent_deadline"}),
        ("大家幫手讚好同分享", {"task_push", "app_demand"}),
    ],
)
def test_pinned_categories(text: str, expected: set[str]) -> None:
    assert {label.value for label in classify(text).labels} == expected


def test_acknowledgement_flag_for_member_replies() -> None:
    for text in ("收到", "收到，马上办", "好的，明白", "Noted, thanks.", "已阅"):
        result = classify(text)
        assert result.acknowledgement, text
        assert not result.labels, text


def test_a_demand_is_not_an_acknowledgement() -> None:
    assert not classify("收到请回复").acknowledgement


def test_emergency_keeps_labels_but_is_exempt() -> None:
    result = classify("山洪来了，请各村立即组织低洼地带群众撤离到村小学。")
    assert {Label.TASK_PUSH, Label.URGENT_DEADLINE} <= result.labels
    assert result.exempt
    assert result.exempt_rule is not None


def test_a_count_form_about_an_emergency_is_not_exempt() -> None:
    # Exempt only while directing the response; the count form is the 填表报数 burden itself.
    result = classify("防汛紧急：请各村今晚八点前上报转移群众人数。")
    assert {Label.TASK_PUSH, Label.REPORT_DEMAND, Label.URGENT_DEADLINE} <= result.labels
    assert not result.exempt


def test_ordinary_demand_is_not_exempt() -> None:
    result = classify("请各村周五前报送学习心得。")
    assert result.labels
    assert not result.exempt
    assert result.exempt_rule is None


def test_report_subject_prefers_attachment_stem() -> None:
    result = classify("请各村周五前填好附件表格。\n附件：養老服務摸底表.xlsx")
    assert result.report_subject == "养老服务摸底表"


def test_report_subject_names_the_english_object() -> None:
    result = classify("Please send me the overtime figures by Friday.")
    assert result.report_subject == "overtime figures"


def test_same_form_asked_twice_gets_the_same_subject() -> None:
    first = classify("请各村周三前报送困难群众台账")
    second = classify("@所有人 困难群众台账今天必须报送！")
    assert first.report_subject is not None
    assert first.report_subject == second.report_subject


def test_hits_explain_every_label() -> None:
    result = classify("请大家今晚九点前下载App并截图发群里")
    assert {hit.label for hit in result.hits} == result.labels
    assert all(hit.rule for hit in result.hits)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a negated verb lends no force to an object elsewhere in the sentence
        ("不用再交纸质表了，数据直接从平台导出。", set()),
        ("No need to send the photos, the numbers are already in.", set()),
        # quoted speech is not asked for; what follows the quote still is
        ("文件里写着“各单位须于月底前报送台账”，大家知道就行。", set()),
        (
            "The memo says: staff must post selfies. Ignore that, but send me the form by Friday.",
            {"task_push", "report_demand"},
        ),
        # hypotheticals
        ("如果上面要照片，我再通知大家。", set()),
        # a chain whose first entry shows the format is still a demand; a continued one is not
        (
            "【接龙】周日加班人员：姓名+手机号\n1. 赵六 138xxxx0000",
            {"task_push", "report_demand", "ack_demand"},
        ),
        ("【接龙】周日加班人员\n1. 赵六\n2. 钱七", set()),
        # a platform only used to enter data is not an app demand
        ("请把走访台账录进省平台，周五前。", {"task_push", "report_demand"}),
        # implied chases
        ("@钱会计 相呢？", {"task_push", "proof_demand"}),
        ("还差哪几个村没报？抓紧。", {"task_push", "report_demand"}),
        ("@Dan timesheet?", {"task_push", "report_demand"}),
    ],
)  # fmt: skip
def test_structural_cases(text: str, expected: set[str]) -> None:
    assert {label.value for label in classify(text).labels} == expected


def test_short_texts_are_cached_without_changing_answers() -> None:
    classifier = load_classifier()
    first = classifier.classify("收到")
    assert classifier.classify("收到") is first
    assert first.acknowledgement
    assert not first.labels


def test_fast_path_gives_the_same_acknowledgement_as_the_full_analysis() -> None:
    engine = load_classifier()._engine
    for text in ("收到", "好的。谢谢", "。收到", "a.收到", "收到，明天交", "1", "天气不错", ""):
        norm = engine.normalise(text)
        tokens = engine._scan(norm)
        full = engine._is_acknowledgement(norm, engine._analyse(norm, engine._scan(norm)))
        assert engine._quick_acknowledgement(norm, tokens) == full, text
