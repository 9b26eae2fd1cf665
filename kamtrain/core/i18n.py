"""Language choice: the user's saved choice, then the session's, then Simplified Chinese."""

from babel import Locale
from flask import g, has_app_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user

LANGUAGES = {"zh": "简体中文", "en": "English"}
DEFAULT = "zh"
# parsed once: Flask-Babel takes a Locale as it is, where it would parse a code on every request
_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}


def select_locale():
    return _LOCALES[_chosen_language()]


def _chosen_language():
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return chosen
    return DEFAULT


def _babel_state():
    """Flask-Babel's per-request namespace (locale and translations chosen for this request)."""
    return getattr(g, "_flask_babel", None) if has_app_context() else None


def current_language():
    state = _babel_state()
    locale = getattr(state, "babel_locale", None) if state is not None else None
    if locale is None:
        locale = get_locale()
    return locale.language if locale is not None else DEFAULT


def _request_translations():
    """The translations of the request's locale, looked up once per locale per request: pages call
    gettext dozens of times and Flask-Babel resolves the context, domain and locale on every call.
    Follows ``force_locale`` (it swaps the locale object, so the identity check fails)."""
    state = _babel_state()
    if state is None:
        return get_translations()
    locale = getattr(state, "babel_locale", None)
    known = getattr(state, "kamtrain_translations", None)
    if known is not None and locale is not None and known[0] is locale:
        return known[1]
    translations = get_translations()
    state.kamtrain_translations = (getattr(state, "babel_locale", None), translations)
    return translations


def install_template_gettext(app):
    """Replace Flask-Babel's template gettext callables with ones that use _request_translations."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _request_translations().ugettext(s),
        ngettext=lambda s, p, n: _request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: _request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


# English "short" is M/d/yy ("10/10/26, 8:57 PM"): ambiguous for readers used to year-first dates
# and easy to misread as 10 October or 10 January. Pages in English spell the month instead.
_EN_SHORT = {"date": "d MMM yyyy", "datetime": "d MMM yyyy, HH:mm"}


def _short_in_english(kind, format_function):
    def formatted(value, format=None, rebase=True):
        if format == "short" and current_language() == "en":
            format = _EN_SHORT[kind]
        return format_function(value, format, rebase)
    return formatted


def install_date_filters(app):
    """The templates' ``dateformat`` and ``datetimeformat`` filters, with an unambiguous English
    short form (see _EN_SHORT); Chinese keeps Babel's year-first 2026/10/10 20:57."""
    from flask_babel import format_date, format_datetime

    app.jinja_env.filters["dateformat"] = _short_in_english("date", format_date)
    app.jinja_env.filters["datetimeformat"] = _short_in_english("datetime", format_datetime)


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
