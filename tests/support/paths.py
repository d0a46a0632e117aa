"""Where the test data lives, so no test counts parent directories."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
TRAIN_DATA = REPO_ROOT / "tests" / "data" / "train"
"""Data used to write rules or to train: it never measures quality."""
HELDOUT_DATA = REPO_ROOT / "tests" / "data" / "heldout"
"""Test conversations never used for rules or training: the only quality figures we report."""
