"""The sample export audited once per test module: real digests for renderers to draw."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.config.settings import Settings
from bot.core.classifier import load_classifier
from bot.usecases.audit import AuditResult, run_audit
from tests.support.paths import REPO_ROOT

EXAMPLE_EXPORT = REPO_ROOT / "examples" / "work-group" / "result.json"
AUDIT_NOW = datetime(2026, 1, 5, tzinfo=UTC)
"""A clock after the sample export ends, so every week is complete."""


def audit_example(language: str, *, workers: int = 1) -> AuditResult:
    """Audit ``examples/work-group`` in ``language`` on a temporary embedded store, classifying
    in ``workers`` processes."""
    return audit_export(EXAMPLE_EXPORT, language, workers=workers)


def audit_export(export: Path, language: str, *, workers: int = 1) -> AuditResult:
    """Audit ``export`` in ``language`` on a temporary embedded store, classifying in
    ``workers`` processes."""
    settings = Settings(language=language)  # type: ignore[arg-type]
    return asyncio.run(
        run_audit(
            export,
            None,
            settings,
            load_classifier(()),
            settings.base_thresholds(),
            now=AUDIT_NOW,
            workers=workers,
        )
    )
