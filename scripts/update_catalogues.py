"""Re-extract translatable strings, update the id/en catalogues, and fill the Indonesian one.

Source strings are Indonesian, so the `id` catalogue's translations equal the source;
this keeps it complete. English translations are written by hand in the `en` catalogue.
Run: .venv/bin/python scripts/update_catalogues.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "bot" / "locale"
PYBABEL = str(Path(sys.executable).with_name("pybabel"))


def main() -> int:
    """Extract, update and fill the catalogues; report untranslated English strings."""
    pot = LOCALE / "messages.pot"
    common = ["--no-location", "--sort-output"]
    subprocess.run(  # noqa: S603 - fixed arguments, our own tool
        [
            PYBABEL,
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "lazy",
            "-o",
            str(pot),
            *common,
            "--project",
            "migrasi-aman",
            ".",
        ],
        check=True,
        cwd=ROOT,
    )
    subprocess.run(  # noqa: S603
        [
            PYBABEL,
            "update",
            "-i",
            str(pot),
            "-d",
            str(LOCALE),
            "--no-fuzzy-matching",
            "--ignore-obsolete",
        ],
        check=True,
        cwd=ROOT,
    )
    id_po = LOCALE / "id" / "LC_MESSAGES" / "messages.po"
    with id_po.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    catalog.fuzzy = False  # a fuzzy header would stop the build from compiling the catalogue
    for message in catalog:
        if message.id:
            message.string = message.id
    with id_po.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, no_location=True)
    with (LOCALE / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        english = read_po(handle, locale="en")
    missing = [message.id for message in english if message.id and not message.string]
    for message_id in missing:
        print(f"untranslated (en): {message_id!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
