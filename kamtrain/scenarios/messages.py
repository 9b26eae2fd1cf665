"""User-facing names for the scenario domain's codes, and helpers shared by its templates."""

from flask_babel import lazy_gettext as _l

from kamtrain.core.i18n import current_language

OUTCOME_NAMES = {
    "deal_won": _l("Deal won"),
    "customer_kept": _l("Customer kept"),
    "agreement": _l("Agreement reached"),
    "delivered": _l("Delivered"),
    "escalated": _l("Escalated"),
    "stalled": _l("Stalled"),
    "lost": _l("Lost"),
}

QUALITY_NAMES = {
    "good": _l("Good ending"),
    "mixed": _l("Mixed ending"),
    "poor": _l("Poor ending"),
}

PART_NAMES = {
    "decision_maker": _l("Decision maker"),
    "influencer": _l("Influencer"),
    "user": _l("User"),
    "gatekeeper": _l("Gatekeeper"),
    "supporter": _l("Supporter"),
    "colleague": _l("Colleague"),
}

RUN_ERRORS = {
    "finished": _l("This run has already finished."),
    "moved_on": _l("This run has moved on (perhaps on another device); here is where it stands now."),
    "not_offered": _l("That response is not available at this point."),
    "empty_reply": _l("Write a reply first."),
    "long_reply": _l("The reply is too long."),
    "retired": _l("This scenario has been withdrawn; it cannot be started again."),
}

MARK_ERRORS = {
    "own_reply": _l("You cannot mark your own reply."),
    "enough_marks": _l("This reply already has its marks."),
    "decided": _l("A third marker has decided this reply; the marks can no longer change."),
    "criteria": _l("Give points for every criterion."),
    "points": _l("Each criterion takes whole points from 0 to its maximum."),
}

FLAG_NAMES = {
    "too_easy": _l("too easy"),
    "confusing": _l("confusing"),
}


def both(pair):
    """A (zh, en) pair's text in the current language, falling back to Chinese."""
    if not pair:
        return ""
    zh, en = pair[0], pair[1] if len(pair) > 1 else ""
    return (en or zh) if current_language() == "en" else (zh or en)


def template_globals(state):
    state.app.jinja_env.globals.update(OUTCOME_NAMES=OUTCOME_NAMES, QUALITY_NAMES=QUALITY_NAMES,
                                       PART_NAMES=PART_NAMES, FLAG_NAMES=FLAG_NAMES, both=both)
