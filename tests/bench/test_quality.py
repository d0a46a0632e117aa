"""The quality scorer: its arithmetic on a conversation written here, and the held-out floor."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.quality import main, pairs_in, score
from bot.core.classifier import default_classifier
from bot.core.labels import Label
from tests.support.threads import write_pair

HELDOUT = Path(__file__).resolve().parents[1] / "data" / "heldout"

THREAD = {
    "thread": "q1",
    "messages": [
        {
            "id": 1,
            "sender": "s1",
            "time": "2025-07-01T09:00",
            "text": "请各组今天下班前把防暑物资发放登记表交上来。",
            "labels": ["task_push", "report_demand", "urgent_deadline"],
            "exempt": False,
        },
        {
            "id": 2,
            "sender": "s2",
            "time": "2025-07-01T10:00",
            "attachment": "file:二组防暑物资登记表.xlsx",
            "text": "二组的",
            "labels": [],
            "exempt": False,
        },
        {
            "id": 3,
            "sender": "s1",
            "time": "2025-07-01T15:00",
            "reply_to": 1,
            "text": "还差一组、三组",
            # the gold disagrees with the decision on purpose: an ack the scorer must miss
            "labels": ["task_push", "report_demand", "ack_demand"],
            "exempt": True,
        },
    ],
}


def test_the_scorer_counts_hits_misses_and_exemptions(tmp_path: Path) -> None:
    write_pair(tmp_path, "written", [THREAD])
    report = score(pairs_in(tmp_path), default_classifier())
    by_label = {s.label: s for s in report.labels.scores}
    assert report.labels.messages == 3
    assert by_label[Label.REPORT_DEMAND].true_positives == 2
    assert by_label[Label.ACK_DEMAND].false_negatives == 1
    assert by_label[Label.URGENT_DEADLINE].f1 == 1.0
    assert report.labels.label_free_share == 1.0
    assert (report.exempt_recall, report.exempt_precision) == (0.0, 1.0)


def test_the_script_refuses_missing_inputs_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--export", "a.json"]) == 2
    assert "give a directory" in capsys.readouterr().out


# Floors a little below what the ten held-out exports measured on 2026-12-04, the day the last
# three (county_health, warehouse_sydney, district_taipei) were added and scored once: macro F1
# 0.815, weakest label app_demand 0.759, label-free kept clean 97.5%, exempt precision 0.739 and
# recall 0.567 on 30 exempt messages (the first seven alone had measured 0.909 and 0.714 on 14,
# hence the lower exempt floors). A regression below them fails.
MACRO_FLOOR = 0.78
LABEL_FLOOR = 0.66
CLEAN_FLOOR = 0.96
EXEMPT_PRECISION_FLOOR = 0.70
EXEMPT_RECALL_FLOOR = 0.53


@pytest.mark.skipif(not pairs_in(HELDOUT), reason="held-out exports not present")
def test_quality_on_the_held_out_exports_stays_above_its_floor() -> None:
    report = score(pairs_in(HELDOUT), default_classifier())
    assert report.labels.macro_f1 >= MACRO_FLOOR
    assert min(s.f1 for s in report.labels.scores if s.support) >= LABEL_FLOOR
    assert report.labels.label_free_share >= CLEAN_FLOOR
    assert report.exempt_precision >= EXEMPT_PRECISION_FLOOR
    assert report.exempt_recall >= EXEMPT_RECALL_FLOOR
