"""How a one-time subscription link is stored: its subject and the admin who created it.

``{"s": subject, "i": issuer}`` as JSON. A value written before issuers were recorded is the bare
group id or unit path: it reads back with no issuer, so the bot can refuse it.
"""

from __future__ import annotations

import json

from storage.base import Invite


def encode_invite(invite: Invite) -> str:
    """The stored form of ``invite``."""
    return json.dumps({"s": invite.subject, "i": invite.issuer}, ensure_ascii=False)


def decode_invite(raw: str, *, as_group: bool) -> Invite | None:
    """Read a stored invite (``as_group``: its subject is a group id, else a unit path).

    None when the value cannot be read as either form.
    """
    try:
        found = json.loads(raw)
    except ValueError:
        found = None
    if isinstance(found, dict):
        subject, issuer = found.get("s"), found.get("i")
        wanted = int if as_group else str
        issuer_ok = isinstance(issuer, int) and not isinstance(issuer, bool)
        if isinstance(subject, wanted) and issuer_ok:
            return Invite(subject, issuer)
        return None
    if as_group:
        try:
            return Invite(int(raw), None)
        except ValueError:
            return None
    return Invite(raw, None)
