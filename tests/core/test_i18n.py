"""Both languages are complete: every message in the code and templates is translated, not fuzzy,
with the same placeholders, in the Chinese and the English catalogue."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.factories import create_user

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def source_messages():
    method_map = [("kamtrain/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=keywords,
            options_map={"templates/**.html": {"extensions": "jinja2.ext.do"}}):
        if filename.startswith((".venv", "tests")):
            continue
        found.setdefault(message if isinstance(message, str) else message[0], f"{filename}:{lineno}")
    return found


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_catalogue_is_complete(locale):
    with (ROOT / "kamtrain" / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=locale)
    messages = source_messages()
    assert len(messages) > 150
    missing = [f"{where}: {msg!r}" for msg, where in messages.items()
               if catalog.get(msg) is None or not _translated(catalog.get(msg))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [], f"untranslated in {locale}"
    assert fuzzy == [], f"fuzzy in {locale}"
    assert not catalog.fuzzy, "the catalogue header is marked fuzzy; pybabel compile would skip it"
    for m in catalog:
        if m.id and m.string and isinstance(m.id, str):
            assert set(PLACEHOLDER.findall(m.id)) == set(PLACEHOLDER.findall(m.string)), m.id
        elif m.id and m.pluralizable:  # the last (general) form says all the English plural says; no
            wanted = set(PLACEHOLDER.findall(m.id[1]))  # form needs a placeholder the plural lacks
            assert set(PLACEHOLDER.findall(m.string[-1])) == wanted, m.id
            assert all(set(PLACEHOLDER.findall(form)) <= wanted for form in m.string), m.id


def _translated(message):
    """A message has its translation: the text, or every plural form of it."""
    return all(message.string) if message.pluralizable else bool(message.string)


def test_chinese_is_the_default_and_english_on_request(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in html and "登录" in html
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html and "Sign in" in html and "登录" not in html


def test_language_choice_is_remembered_per_user(app, login_as):
    user = create_user("bilingual")
    client = login_as(user)
    assert "我的下一步" in client.get("/").get_data(as_text=True)
    client.post("/language/en", data={"next": "/"})
    assert user.locale == "en"
    fresh = app.test_client()
    fresh.post("/login", data={"username": "bilingual", "password": "correct-horse-battery"})
    assert "My next steps" in fresh.get("/").get_data(as_text=True)


def test_compiled_catalogues_exist():
    for locale in ("zh", "en"):
        mo = ROOT / "kamtrain" / "translations" / locale / "LC_MESSAGES" / "messages.mo"
        assert mo.exists(), "run: python scripts/i18n.py compile (the install step does)"
