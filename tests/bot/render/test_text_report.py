"""The terminal report: fits 80 columns in both languages, words every status right, shows
"no data" for weeks before the export, explains its marks and keeps Chinese Chinese."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from rich.console import Console

from bot.core.digest import Reason, Status
from bot.render.i18n import Translator
from bot.render.names import reasons_text
from bot.render.text_report import print_audit
from bot.usecases.audit import AuditResult
from tests.support.audits import audit_example

WIDTH = 80


@pytest.fixture(scope="module", params=["zh", "en"])
def audit(request: pytest.FixtureRequest) -> AuditResult:
    return audit_example(request.param)


def _report(audit: AuditResult, language: str) -> str:
    console = Console(width=WIDTH, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    try:
        print_audit(console, audit.chat.name, audit.working_time, audit.digests, language)
        return console.export_text()
    finally:
        console.file.close()


def _language(audit: AuditResult) -> str:
    return "zh" if "周" in audit.digests[0].metrics[0].provision else "en"


def test_the_report_fits_80_columns_without_cutting_text(audit: AuditResult) -> None:
    language = _language(audit)
    text = _report(audit, language)
    assert max(Console(width=WIDTH).measure(line).maximum for line in text.splitlines()) <= WIDTH
    # Every "…" must come from the data itself (an excerpt or a provision), none from a cut.
    sources = [e.excerpt for d in audit.digests for e in d.evidence] + [
        m.provision for d in audit.digests for m in d.metrics if m.status is not Status.OK
    ]
    allowed = sum(source.count("…") for source in sources)
    assert text.count("…") <= allowed
    flat = re.sub(r"[\s│┃]+", "", text)
    _ = Translator(language)
    for digest in audit.digests:
        for metric in digest.metrics:
            assert re.sub(r"\s+", "", _(metric_label(metric.id))) in flat


def metric_label(metric: object) -> str:
    from bot.render.names import METRIC_NAMES

    return METRIC_NAMES[metric]  # type: ignore[index]


def test_a_count_equal_to_its_threshold_has_reached_it_not_gone_over() -> None:
    digest = audit_example("zh").digests[0]
    metric = next(m for m in digest.metrics if m.comparison == ">=" and m.warn)
    assert metric.warn is not None
    at = replace(metric, value=metric.warn, status=Status.WARN, reasons=(Reason.COUNT,))
    above = replace(metric, value=metric.warn + 0.5, status=Status.WARN, reasons=(Reason.COUNT,))
    zh, en = Translator("zh"), Translator("en")
    assert reasons_text(zh, at) == "数量达到阈值"
    assert reasons_text(en, at) == "count reached the threshold"
    assert reasons_text(zh, above) == "数量超过阈值"
    assert reasons_text(en, above) == "count over the threshold"


def test_weeks_before_the_export_show_no_data_not_zero() -> None:
    audit = audit_example("zh")
    first = audit.digests[0]
    text = _report(audit, "zh")
    earlier = [point.week for point in first.trend]
    assert all(point.messages == 0 for point in first.trend)
    for week in earlier:
        assert f"{week}：无数据" in text
        assert f"{week}: 0" not in text and f"{week}：0" not in text


def test_the_night_mark_has_a_legend_in_both_languages() -> None:
    assert "☾ = 在工作时间以外发送" in _report(audit_example("zh"), "zh")
    assert "☾ = sent outside working time" in _report(audit_example("en"), "en")


def test_chinese_report_has_no_english_words_or_ascii_sentence_punctuation() -> None:
    audit = audit_example("zh")
    text = _report(audit, "zh")
    for english in ("calendar", "quiet", "count over", "no data"):
        assert english not in text
    chinese_then_ascii = re.compile(r"[\u4e00-\u9fff）][;.,:] ")
    assert chinese_then_ascii.findall(text) == []
