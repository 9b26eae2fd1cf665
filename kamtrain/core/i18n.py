"""Language choice: the user's saved choice, then the session's, then Simplified Chinese."""

from flask import request, session
from flask_babel import get_locale
from flask_login import current_user

LANGUAGES = {"zh": "简体中文", "en": "English"}
DEFAULT = "zh"


def select_locale():
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return chosen
    return DEFAULT


def current_language():
    return str(get_locale() or DEFAULT).split("_")[0]


def localized(obj, field):
    """obj.<field>_<lang> for the current language, falling back to Chinese."""
    lang = current_language()
    value = getattr(obj, f"{field}_{lang}", None)
    return value or getattr(obj, f"{field}_zh", None) or ""


def pick(mapping):
    """A {'zh': …, 'en': …} mapping's text in the current language."""
    if not mapping:
        return ""
    return mapping.get(current_language()) or mapping.get(DEFAULT) or ""
