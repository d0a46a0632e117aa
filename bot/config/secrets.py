"""Deployment secrets kept in the data directory, never in Redis."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_BYTES = 32


def load_or_create_key(data_dir: Path, name: str) -> bytes:
    """Return the secret called ``name`` in ``data_dir``, creating it (mode 0600) if missing.

    Secrets live beside the database, not in it, so a copy of the database alone cannot undo
    the pseudonyms made with them.
    """
    path = data_dir / f"{name}.key"
    if path.exists():
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) >= KEY_BYTES // 2:
            return key
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex())
    return key
