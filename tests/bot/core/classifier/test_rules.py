"""Rule files: validation errors and deployment extensions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.classifier import RuleFileError, load_classifier
from bot.core.classifier.rules import expand_phrase
from bot.core.labels import Label


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('[[rule]]\nid = "x.1"\nlabel = "task_push"\ntrigger = ["no_such_category"]\n',
         "unknown category or group 'no_such_category'"),
        ('[[rule]]\nid = "x.2"\nlabel = "busywork"\ntrigger = ["demand"]\n',
         "unknown label 'busywork'"),
        ('[category.mine]\nphrases = []\n', "has no phrases and no patterns"),
        ('[[rule]]\nid = "proof.action"\nlabel = "task_push"\ntrigger = ["demand"]\n',
         "duplicate id"),
        ('[category.mine]\npatterns = ["(unclosed"]\n', "bad regex"),
        ('[category.mine]\nphrases = "截图"\n', "must be a list of strings"),
        ('[[rule]]\nid = "x.3"\nlabel = "task_push"\ntrigger = ["demand"]\ninitial = "yes"\n',
         "'initial' must be true or false"),
        ('[[rule]]\nid = "x.4"\nlabel = "task_push"\ntrigger = ["demand"]\nneed_scope = "page"\n',
         "'need_scope' must be one of"),
        ('[[rule]]\nid = "x.5"\nlabel = "task_push"\ntrigger = ["demand"]\nunles = []\n',
         "unknown key(s) ['unles']"),
        ("[[rule]\n", "not valid TOML"),
    ],
)  # fmt: skip
def test_broken_rule_files_are_reported(tmp_path: Path, body: str, fragment: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(RuleFileError) as caught:
        load_classifier([path])
    message = str(caught.value)
    assert str(path) in message
    assert fragment in message


def test_error_names_the_rule(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[rule]]\nid = "site.bad"\nlabel = "nope"\ntrigger = ["demand"]\n')
    with pytest.raises(RuleFileError, match=r"site\.bad"):
        load_classifier([path])


def test_missing_rule_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="not found"):
        load_classifier([tmp_path / "absent.toml"])


def test_deployment_file_adds_phrases_to_an_existing_category(tmp_path: Path) -> None:
    text = "请各位今天在智慧党建上打满积分"
    assert Label.APP_DEMAND not in load_classifier().classify("请各位每天在政通宝刷满分").labels
    path = _write(tmp_path, '[category.app_noun]\nphrases = ["政通宝"]\n')
    extended = load_classifier([path])
    assert Label.APP_DEMAND in extended.classify("请各位每天在政通宝刷满分").labels
    assert extended.classify(text).labels == load_classifier().classify(text).labels


def test_deployment_file_adds_a_rule(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[category.site_survey]\nphrases = ["民意直通车"]\n'
        '[[rule]]\nid = "site.survey"\nlabel = "report_demand"\ntrigger = ["site_survey"]\n'
        'need = ["force"]\n',
    )
    result = load_classifier([path]).classify("请大家参与民意直通车")
    assert Label.REPORT_DEMAND in result.labels
    assert any(hit.rule == "site.survey" for hit in result.hits)


def test_phrase_expansion() -> None:
    assert sorted(expand_phrase("截{个|}图")) == ["截个图", "截图"]
    assert len(expand_phrase("{a|b}{c|d}")) == 4
    with pytest.raises(ValueError, match="braces"):
        expand_phrase("截{个图")


@pytest.mark.parametrize(
    "text",
    [
        "【转发】市里通报：上周全市发生交通事故3起。",
        "【转发】关于做好春节期间安全生产工作的通知，请各村认真学习。",
        "[转发] 县应急局关于汛期值守的提醒",
    ],
)
def test_a_forwarded_header_is_not_an_app_demand(text: str) -> None:
    result = load_classifier().classify(text)
    assert Label.APP_DEMAND not in result.labels
    assert all(hit.match not in {"转发", "【转发】"} for hit in result.hits)


def test_asking_to_forward_content_is_still_an_app_demand() -> None:
    result = load_classifier().classify("请大家把这条推文转发到朋友圈，今晚前完成")
    assert Label.APP_DEMAND in result.labels


@pytest.mark.parametrize(
    "text",
    [
        "请各网格员今天完成防火巡查，下午5点前把巡查照片发群里。",
        "防火巡查记录表请周五前交",
        "各村本周开展消防安全检查，检查情况周五前报镇安监办。",
    ],
)
def test_routine_fire_safety_rounds_are_not_exempt(text: str) -> None:
    result = load_classifier().classify(text)
    assert result.labels
    assert not result.exempt


def test_a_fire_emergency_is_exempt() -> None:
    result = load_classifier().classify("突发火情，请各村立即组织人员疏散，马上报告情况")
    assert result.labels
    assert result.exempt
