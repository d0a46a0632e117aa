"""Signed, expiring links to digest pages: an HMAC over what the page shows and until when.

A link names the kind of page (a group, or a unit roll-up), its subject, the ISO week and an
expiry; the signature covers all four with the deployment's secret, so no part can be changed
and nothing can be guessed. Pure: the caller passes the key and the clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlencode

LINK_LIFETIME = timedelta(days=30)
PAGE_ROOT = "/pages"
MAX_UNIT_SUBJECT = 400
"""Longest unit segment accepted (a unit path of about 100 Chinese characters)."""
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")


class PageKind(StrEnum):
    """What a page summarises: one group's week, or a unit's roll-up of its groups."""

    GROUP = "group"
    UNIT = "unit"


@dataclass(frozen=True, slots=True)
class PageRef:
    """One page: its kind, subject (a group id, or a unit name) and ISO week."""

    kind: PageKind
    subject: str
    week: str

    @property
    def path(self) -> str:
        """The page's path without the signature, e.g. ``/pages/group/-100123/2025-W39``."""
        return f"{PAGE_ROOT}/{self.kind.value}/{self.subject}/{self.week}"


def _signature(key: bytes, ref: PageRef, expires: int) -> str:
    message = "\n".join((ref.kind.value, ref.subject, ref.week, str(expires))).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sign(key: bytes, ref: PageRef, expires_at: datetime) -> str:
    """Return the query string (``expires=…&sig=…``) that opens ``ref`` until ``expires_at``."""
    expires = int(expires_at.timestamp())
    return urlencode({"expires": expires, "sig": _signature(key, ref, expires)})


def signed_path(
    key: bytes, ref: PageRef, now: datetime, lifetime: timedelta = LINK_LIFETIME
) -> str:
    """Return ``ref``'s path with a signature valid from ``now`` for ``lifetime``."""
    return f"{ref.path}?{sign(key, ref, now + lifetime)}"


def verify(key: bytes, ref: PageRef, expires: str, signature: str, now: datetime) -> bool:
    """True when ``signature`` was made with ``key`` for ``ref`` and ``expires`` is still ahead.

    Compared in constant time; a malformed expiry is simply not valid.
    """
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not (expires.isascii() and expires.isdigit()) or len(expires) > 12:
        return False
    expected = _signature(key, ref, int(expires))
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return False
    return int(expires) > now.timestamp()


def unit_subject(unit: str) -> str:
    """A unit path ("城南区/城南街道") as a URL path segment: unpadded base64url of its UTF-8."""
    return base64.urlsafe_b64encode(unit.encode("utf-8")).decode("ascii").rstrip("=")


def unit_from_subject(subject: str) -> str | None:
    """The unit path of ``unit_subject``'s output; None for anything that is not one."""
    if not subject or len(subject) > MAX_UNIT_SUBJECT or not _BASE64URL.match(subject):
        return None
    try:
        unit = base64.urlsafe_b64decode(subject + "=" * (-len(subject) % 4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return unit if unit and unit_subject(unit) == subject else None
