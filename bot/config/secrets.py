"""The deployment secret: kept outside the data directory, never in Redis.

The secret keys the sender pseudonyms of group messages. It comes from ``FINGERTIP_SECRET`` or
from a file named by ``FINGERTIP_SECRET_FILE`` (a mounted secret), so that whoever copies the data
directory, or the volume it lives on, does not get it too. Flags use no long-lived secret at all
(see ``bot.core.flags``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

from bot.config.settings import Settings, SettingsError

KEY_BYTES = 32
MIN_SECRET_BYTES = 16


def configured_secret(settings: Settings) -> bytes | None:
    """Return the deployment secret from ``settings`` (value or file), or None if neither is set.

    Raises ``SettingsError`` with one line when the file cannot be read or the secret is short.
    """
    if settings.secret is not None and settings.secret.get_secret_value().strip():
        raw = settings.secret.get_secret_value().strip().encode()
        source = "FINGERTIP_SECRET"
    elif settings.secret_file is not None:
        source = f"FINGERTIP_SECRET_FILE ({settings.secret_file})"
        try:
            raw = settings.secret_file.read_bytes().strip()
        except OSError as error:
            raise SettingsError(f"cannot read {source}: {error.strerror}") from None
    else:
        return None
    if len(raw) < MIN_SECRET_BYTES:
        raise SettingsError(
            f"{source} is shorter than {MIN_SECRET_BYTES} bytes; generate one with "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`"
        )
    return raw


def require_secret(settings: Settings) -> bytes:
    """Return the deployment secret, or raise ``SettingsError`` saying how to provide it."""
    secret = configured_secret(settings)
    if secret is None:
        raise SettingsError(
            "no deployment secret: set FINGERTIP_SECRET or FINGERTIP_SECRET_FILE (kept outside "
            "the data directory), e.g. FINGERTIP_SECRET=$(python -c 'import secrets; "
            "print(secrets.token_hex(32))')"
        )
    return secret


@cache
def process_secret() -> bytes:
    """A random secret for this process only (the demo, the playground, tests)."""
    return secrets.token_bytes(KEY_BYTES)


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose, so one secret never keys two unrelated things."""
    return hmac.new(secret, f"fingertip:{purpose}".encode(), hashlib.sha256).digest()


def load_or_create_key(data_dir: Path, name: str) -> bytes:
    """Return the key called ``name`` in ``data_dir``, creating it (mode 0600) if missing.

    Only for stores that belong to one audit (a temporary or explicitly named directory); the
    live bot takes its secret from ``require_secret``.
    """
    path = data_dir / f"{name}.key"
    if path.exists():
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) >= KEY_BYTES // 2:
            return key
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex())
    return key
