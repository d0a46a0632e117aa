"""Classifying an export in worker processes gives the same audit as classifying in-process."""

from __future__ import annotations

import gc
import os

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.core.classifier import load_classifier
from bot.core.labels import Label
from bot.usecases import audit_pool
from bot.usecases.audit import AuditResult
from bot.usecases.audit_pool import ClassifierPool, classified, parse_workers
from tests.support.audits import EXAMPLE_EXPORT, audit_example

TEXTS = [
    "请各村于今晚前填报台账并截图回复",
    "收到",
    "好的，谢谢",
    "@张三 表呢？",
    "下载App并打卡",
] * 9


def audit(workers: int) -> AuditResult:
    return audit_example("en", workers=workers)


def test_pooled_audit_equals_the_sequential_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small chunks, so the example's messages cross many chunks and several are in flight.
    monkeypatch.setattr(audit_pool, "CHUNK", 7)
    sequential, pooled = audit(1), audit(2)
    assert sum(d.messages for d in sequential.digests) == sequential.messages > 300
    assert any(d.labels[Label.TASK_PUSH] for d in sequential.digests)
    assert pooled.messages == sequential.messages
    assert pooled.digests == sequential.digests


async def test_results_come_back_in_order_from_other_processes() -> None:
    classifier = load_classifier(())
    with ClassifierPool(classifier, 2) as pool:
        pairs = [pair async for pair in classified(TEXTS, str, pool, chunk=4)]
    assert [text for text, _ in pairs] == TEXTS
    assert [read for _, read in pairs] == [classifier.classify_folded(t) for t in TEXTS]


def test_plain_classifications_come_back_shared_and_equal() -> None:
    classifier = load_classifier(())
    # distinct texts that classify alike (classify_many may already share repeated texts)
    reads = classifier.classify_many([f"{text} {n}" for n, text in enumerate(TEXTS)])
    shared = audit_pool.shared_plain_reads(reads)
    assert shared == reads
    plain = [own for own, _ in shared if not own.hits]
    assert plain
    assert len({id(own) for own in plain}) == len(set(plain)) < len(plain)
    # those with hits are passed on as they came
    assert all(new is old for (new, _), (old, _) in zip(shared, reads, strict=True) if old.hits)
    assert any(old.hits for old, _ in reads)


def test_a_pool_of_one_is_not_used() -> None:
    assert not ClassifierPool.usable(1)
    assert ClassifierPool.usable(2) == (
        "fork" in __import__("multiprocessing").get_all_start_methods()
    )


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5", "", "65"])
def test_unusable_worker_counts_get_one_clear_line(value: str) -> None:
    result = CliRunner().invoke(app, ["audit", str(EXAMPLE_EXPORT), "--workers", value])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("fingertip: --workers takes a whole number")
    assert "Traceback" not in result.output


def test_worker_counts_are_read_and_defaulted() -> None:
    assert parse_workers(" 3 ") == 3
    assert 1 <= parse_workers(None) <= max(1, len(os.sched_getaffinity(0)))


def test_the_parents_objects_are_frozen_out_of_collections_while_workers_run() -> None:
    # A collection in a forked worker would write into (and so copy) every page it walks.
    classifier = load_classifier(())
    assert gc.get_freeze_count() == 0
    with ClassifierPool(classifier, 2) as pool:
        assert gc.get_freeze_count() > 0
        assert pool.submit(["收到"]).result() == [classifier.classify_folded("收到")]
    assert gc.get_freeze_count() == 0


def test_no_worker_process_is_left_running() -> None:
    classifier = load_classifier(())
    pool = ClassifierPool(classifier, 2)
    pool.submit(["收到"]).result()
    pids = list(pool._executor._processes)
    pool.close()
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
