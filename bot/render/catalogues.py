"""Compile the message catalogues (.po -> .mo) shipped in ``bot/render/locale``.

The compiled .mo files are what the bot loads; run ``python -m bot.render.catalogues`` after
editing a .po file (a test fails while a compiled catalogue is out of date).
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def compiled(po_path: Path) -> bytes:
    """The .mo bytes of ``po_path`` (fuzzy entries left out, as gettext does)."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def catalogue_files() -> list[Path]:
    """Every .po file under the locale directory."""
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def compile_all() -> list[Path]:
    """Write each .po file's .mo beside it; return the .mo paths written."""
    written = []
    for po_path in catalogue_files():
        mo_path = po_path.with_suffix(".mo")
        mo_path.write_bytes(compiled(po_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"compiled {path}")
