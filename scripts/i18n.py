"""Keep the message catalogues in step with the code.

    python scripts/i18n.py update    extract messages, update zh and en catalogues
    python scripts/i18n.py compile   compile .po to .mo (the install step runs this)
    python scripts/i18n.py translate FILE.json
                                     set Chinese translations from {"English msgid": "中文"}

Messages are written in English in the code. The English catalogue is filled with the source
text itself (a message added later shows up there too); the Chinese one is translated by hand.
tests/core/test_i18n.py fails on any message missing or fuzzy in either catalogue.
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "kamtrain" / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("zh", "en")


def pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def update():
    pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
            "--sort-output", "--omit-header", "-o", str(POT), ".")
    for locale in LOCALES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if po.exists():
            pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale, "--no-fuzzy-matching",
                    "--ignore-obsolete")
        else:
            pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale)
    fill_english()
    for locale in LOCALES:
        path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as f:
            catalog = read_po(f, locale=locale)
        catalog.fuzzy = False  # the header; message flags are left as they are
        with path.open("wb") as f:
            write_po(f, catalog, sort_output=True, width=100)


def fill_english():
    path = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            message.string = (message.id[0], message.id[1])
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, sort_output=True, width=100)


def translate(json_path):
    """Set zh msgstrs from a JSON object; unknown msgids are reported, not added."""
    import json

    mapping = json.loads(Path(json_path).read_text(encoding="utf-8"))
    path = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale="zh")
    plurals = {m.id[1]: m for m in catalog if m.id and m.pluralizable}
    unknown = []
    for msgid, text in mapping.items():
        message = catalog.get(msgid) or plurals.get(msgid)  # a plural message by either English form
        if message is None:
            unknown.append(msgid)
            continue
        # Chinese has one plural form: every form of a plural message is the same text
        message.string = (text,) * catalog.num_plurals if message.pluralizable else text
        message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, sort_output=True, width=100)
    missing = [m.id for m in catalog if m.id and not (all(m.string) if m.pluralizable else m.string)]
    print(f"set {len(mapping) - len(unknown)}; not in catalogue: {unknown}; still untranslated: {missing}")


def compile_catalogues():
    pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "translate" and len(sys.argv) == 3:
        translate(sys.argv[2])
    elif command == "compile":
        compile_catalogues()
    else:
        print(__doc__)
        sys.exit(2)
