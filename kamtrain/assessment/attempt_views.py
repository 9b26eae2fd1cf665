"""A trainee's attempt: the question pages, saving answers (JavaScript autosave and plain form posts
alike), practice checks, the summary before submitting, submitting, and the result.

Nothing on these pages or in their JSON carries a mark, a right answer or feedback before the
attempt is submitted (practice questions the trainee has checked excepted): the question macro is
given only the answer-free view, and options are posted as positions on the page.
"""

import secrets

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import and_, bindparam, select, true
from sqlalchemy.orm import joinedload, selectinload

from kamtrain.accounts.roles import Role
from kamtrain.assessment import delivery, grading, presentation, rendering
from kamtrain.assessment.attempts import IN_PROGRESS, Attempt, AttemptSlot
from kamtrain.assessment.delivery import AnswerRefused
from kamtrain.assessment.exam_messages import ANSWER_REFUSALS, KIND_NAMES, template_globals
from kamtrain.assessment.models import QuestionVersion
from kamtrain.assessment.quizzes import Quiz
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.db import db, utcnow
from kamtrain.core.i18n import current_language
from kamtrain.core.web import client_ip

bp = Blueprint("attempts", __name__, url_prefix="/attempts")
bp.record_once(template_globals)

REFUSAL_STATUS = {"unknown_slot": 400, "forged": 400, "deadline": 409, "submitted": 409, "other_user": 403}


def _file_url(version_id):
    return lambda name: url_for("bank.file", version_id=version_id, name=name)


def _load(attempt_id, owner_only=True):
    """The attempt (404 when there is none), closed first when its time is up. Another user's attempt is
    refused (403) unless ``owner_only`` is False and the viewer may see results (see ``may_view``)."""
    attempt = db.session.scalar(db.select(Attempt).options(joinedload(Attempt.quiz)).where(Attempt.id == attempt_id))
    if attempt is None:
        abort(404)
    if attempt.user_id != current_user.id and (owner_only or not may_view(attempt)):
        abort(403)
    if attempt.is_overdue():
        delivery.close_if_overdue(attempt)
        db.session.commit()
        attempt = db.session.scalar(db.select(Attempt).options(joinedload(Attempt.quiz))
                                    .where(Attempt.id == attempt_id))
    return attempt


def may_view(attempt):
    """Who besides the trainee sees an attempt's result: trainers and admins, the trainee's team leader."""
    roles = current_user.roles
    if roles & {Role.TRAINER, Role.ADMIN}:
        return True
    return Role.LEADER in roles and current_user.leads(attempt.user)


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


# ------------------------------------------------------------------------------ the question pages
#
# This page is read on every move between questions (bench/exam_page.py measures it), so it is built
# from two Core statements compiled once — the attempt with its quiz and the slot(s) shown with their
# pinned versions' hashes, then every slot's answered/checked flags for the navigator — and from
# per-process caches of immutable things only: a question body rendered once per (version, content
# hash, shuffle seed, position, language) with holes where a response shows (presentation.Body), the
# page's translated labels per language, and the navigator's buttons. Nothing about an attempt, a
# response or a user is kept between requests.

def _page_head(shown):
    """The attempt, its quiz, and the slot(s) ``shown`` picks with their pinned versions' hashes."""
    return (
        select(Attempt.id, Attempt.user_id, Attempt.number, Attempt.seed, Attempt.state, Attempt.deadline,
               Quiz.title_zh, Quiz.title_en, Quiz.kind, Quiz.layout, Quiz.instant_feedback,
               AttemptSlot.position, AttemptSlot.response, AttemptSlot.checked_at, AttemptSlot.fraction,
               AttemptSlot.version_id, QuestionVersion.content_hash)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .outerjoin(AttemptSlot, and_(AttemptSlot.attempt_id == Attempt.id, shown))
        .outerjoin(QuestionVersion, QuestionVersion.id == AttemptSlot.version_id)
        .where(Attempt.id == bindparam("attempt_id"))
        .order_by(AttemptSlot.position))


_PAGE_ONE = _page_head(AttemptSlot.position == bindparam("position"))  # (attempt_id, position) is unique
_PAGE_ALL = _page_head(true())

_NAVIGATOR = (
    select(AttemptSlot.position, AttemptSlot.response.is_not(None), AttemptSlot.checked_at.is_not(None))
    .where(AttemptSlot.attempt_id == bindparam("attempt_id")).order_by(AttemptSlot.position))

#: (version id, content hash, seed, position, language) → (presented question, Body). Versions never change
#: once stored, so this is the same for every trainee and every worker; a worker keeps at most _CACHE_SIZE.
_BODIES = {}
_CACHE_SIZE = 4096
_LABELS = {}
_NAV_BUTTONS = {}


class _Seed:
    __slots__ = ("seed",)

    def __init__(self, seed):
        self.seed = seed


def _page_labels(lang):
    """The page's translated texts for a language, looked up once per worker (catalogues do not change
    while it runs)."""
    labels = _LABELS.get(lang)
    if labels is None:
        def t(text):  # each call below names its msgid literally, for the catalogue's extraction
            return Markup(escape(text))
        labels = {
            "attempt": t(gettext("Attempt %(n)d")),
            "questions": t(gettext("%(n)d questions")),
            "time_up": t(gettext("Time is up: the attempt is being closed.")),
            "time_left": t(gettext("Time left")),
            "save": t(gettext("Save")),
            "nav": t(gettext("Questions")),
            "paged": t(gettext("One question per screen")),
            "all": t(gettext("All questions on one page")),
            "check": t(gettext("Check")),
            "check_hint": t(gettext(
                "Checking shows the mark and feedback at once; the answer cannot be changed afterwards.")),
            "saved": t(gettext("Saved")),
            "saving": t(gettext("Saving…")),
            "failed": t(gettext("Not saved yet: check your connection. Retrying…")),
            "refused": t(gettext("This answer was not saved.")),
            "previous": t(gettext("Previous question")),
            "next": t(gettext("Next question")),
            "finish": t(gettext("Finish attempt…")),
            "kinds": {kind: Markup(escape(str(name))) for kind, name in KIND_NAMES.items()},
            "nav_question": gettext("Question %(n)d"),
            "nav_answered": " · " + gettext("answered"),
        }
        _LABELS[lang] = labels
    return labels


def _nav_labels():
    labels = _page_labels(current_language())
    return {"question": labels["nav_question"], "answered": labels["nav_answered"]}


def _navigator(attempt):
    """(position, answered?, checked?) for every slot — no responses, no marks."""
    return db.session.connection().execute(_NAVIGATOR, {"attempt_id": attempt.id}).all()


class PageSlot:
    """The parts of a slot delivery.slot_views reads, from one row (the version's data loaded on a cache miss)."""

    __slots__ = ("position", "response", "checked_at", "fraction", "version_id", "version")

    def __init__(self, row, version):
        self.position, self.response, self.checked_at = row.position, row.response, row.checked_at
        self.fraction, self.version_id, self.version = row.fraction, row.version_id, version


class ShownSlot:
    """A question on the page: its number, its rendered body, and whether it offers "Check"."""

    __slots__ = ("position", "body", "check")

    def __init__(self, position, body, check):
        self.position, self.body, self.check = position, body, check


def _question_macro():
    return current_app.jinja_env.get_template("assessment/_question.html").module.question


def _shown(head, row, lang):
    """(body, question type) of a shown slot: the cached rendering with the saved response filled in, or (a
    checked practice question) the macro with the mark and feedback."""
    seed = presentation.slot_seed(head.seed, row.position)
    key = (row.version_id, row.content_hash, seed, row.position, lang)
    cached = _BODIES.get(key)
    if cached is None:
        version = db.session.get(QuestionVersion, row.version_id)
        slot_view = delivery.slot_views(_Seed(head.seed), [PageSlot(row, version)], _file_url)[0]
        body = presentation.compile_body(_question_macro(), slot_view.view, number=row.position)
        cached = (slot_view.presented, slot_view.view, body)
        if len(_BODIES) >= _CACHE_SIZE:
            _BODIES.clear()
        _BODIES[key] = cached
    presented, view, body = cached
    response = presentation.to_page(presented, row.response)
    question = presented.question
    if row.checked_at is None:
        return body.fill(question, response), question.qtype
    review = rendering.review_of(question, response, row.fraction)  # practice: checked, so marked
    return (_question_macro()(view, response=response, review=review, disabled=True, number=row.position),
            question.qtype)


@bp.route("/<int:attempt_id>")
@allow(SIGNED_IN)
def page(attempt_id):
    """One question (or all of them) with the navigator."""
    show_all = request.args.get("view")
    current = max(request.args.get("page", 1, type=int), 1)
    conn = db.session.connection()
    rows = conn.execute(_PAGE_ALL if show_all == "all" else _PAGE_ONE,
                        {"attempt_id": attempt_id, "position": current}).all()
    if not rows:
        abort(404)
    head = rows[0]
    if head.user_id != current_user.id:
        abort(403)
    if head.state == IN_PROGRESS and head.deadline is not None and utcnow() >= head.deadline:
        _load(attempt_id)  # closes it (the deadline submits on the server)
        return redirect(url_for("attempts.result", attempt_id=attempt_id))
    if head.state != IN_PROGRESS:
        return redirect(url_for("attempts.result", attempt_id=attempt_id))
    if show_all is None and head.layout == "single":
        show_all = "all"
        rows = conn.execute(_PAGE_ALL, {"attempt_id": attempt_id}).all()
    show_all = show_all == "all"
    navigator = conn.execute(_NAVIGATOR, {"attempt_id": attempt_id}).all()
    total = len(navigator)
    if rows[0].position is None and total and not show_all:
        return redirect(url_for("attempts.page", attempt_id=attempt_id, page=min(current, total)))
    lang = current_language()
    labels = _page_labels(lang)
    views = []
    for row in rows:
        if row.position is not None:
            body, qtype = _shown(head, row, lang)
            views.append(ShownSlot(row.position, body,
                                   head.instant_feedback and row.checked_at is None and qtype != "description"))
    base = url_for("attempts.page", attempt_id=attempt_id)  # the template adds /answers, /status.json … to it
    seconds_left = None if head.deadline is None else max(0, int((head.deadline - utcnow()).total_seconds()))
    title = (head.title_en if lang == "en" else None) or head.title_zh or ""
    return render_template(
        "exams/attempt.html", t=labels, base=base, title=title,
        kind=labels["kinds"].get(head.kind, head.kind), number=head.number, views=views, total=total,
        navigator=navigator_markup(navigator, current, show_all, lang),
        current=current, show_all=show_all, seconds_left=seconds_left,
        timer=None if seconds_left is None else
        f"{seconds_left // 3600}:{seconds_left % 3600 // 60:02d}:{seconds_left % 60:02d}",
        page_token=secrets.token_hex(8))


def navigator_markup(navigator, current, show_all, lang=None):
    """The navigator's buttons (submit buttons of the attempt form, so moving saves the page without
    JavaScript). Built here rather than in the template: 40–60 buttons on every question page, each
    kept per worker by (language, position, state) — fixed text, no user data in it."""
    lang = lang or current_language()
    parts = []
    for position, is_answered, checked in navigator:
        here = not show_all and position == current
        key = (lang, position, is_answered, checked, here)
        button = _NAV_BUTTONS.get(key)
        if button is None:
            labels = _page_labels(lang)
            css = "navq" + (" answered" if is_answered else "") + (" checked" if checked else "") + (
                " current" if here else "")
            label = escape(labels["nav_question"] % {"n": position}) + (
                escape(labels["nav_answered"]) if is_answered else "")
            step = ' aria-current="step"' if here else ""
            button = (f'<button type="submit" name="goto" value="{position}" data-position="{position}" '
                      f'class="{css}"{step} aria-label="{label}">{position}</button>')
            if len(_NAV_BUTTONS) >= _CACHE_SIZE:
                _NAV_BUTTONS.clear()
            _NAV_BUTTONS[key] = button
        parts.append(button)
    return Markup("\n".join(parts))


def _target(attempt, form):
    """Where a plain form post goes next: another question, the summary, or back to the same page."""
    goto = form.get("goto", "")
    view = "all" if form.get("view") == "all" and form.get("layout") != "paged" else None
    if goto == "summary":
        return url_for("attempts.summary", attempt_id=attempt.id)
    if goto.isdigit():
        return url_for("attempts.page", attempt_id=attempt.id, page=int(goto), view=view)
    page = form.get("page", "1")
    return url_for("attempts.page", attempt_id=attempt.id, page=int(page) if page.isdigit() else 1, view=view)


def _refused(error, attempt):
    db.session.rollback()
    delivery.refuse(error, attempt.id if attempt else None, current_user, ip=client_ip())
    db.session.commit()
    message = str(ANSWER_REFUSALS[error.code])
    status = REFUSAL_STATUS[error.code]
    if _wants_json():
        return jsonify({"error": error.code, "message": message}), status
    back = None
    if attempt is not None and error.code != "other_user":
        back = url_for("attempts.page" if attempt.in_progress else "attempts.result", attempt_id=attempt.id)
    return render_template("exams/refused.html", message=message, back=back), status


@bp.route("/<int:attempt_id>/answers", methods=["POST"])
@allow(SIGNED_IN)
def save(attempt_id):
    attempt = db.session.scalar(db.select(Attempt).options(joinedload(Attempt.quiz)).where(Attempt.id == attempt_id))
    if attempt is None:
        abort(404)
    if attempt.user_id != current_user.id:
        return _refused(AnswerRefused("other_user"), attempt)
    try:
        result = delivery.save_answers(attempt, current_user, request.form)
        db.session.commit()
    except AnswerRefused as error:
        if error.code == "deadline":
            _close_late(attempt_id)
        attempt = db.session.get(Attempt, attempt_id)
        return _refused(error, attempt)
    if _wants_json():
        return jsonify({"saved": result.saved, "unchanged": result.unchanged, "locked": result.locked,
                        "saved_at": result.at.isoformat() + "Z"})
    attempt = db.session.get(Attempt, attempt_id)
    return redirect(_target(attempt, request.form))


def _close_late(attempt_id):
    db.session.rollback()
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is not None and delivery.close_if_overdue(attempt):
        db.session.commit()


@bp.route("/<int:attempt_id>/check/<int:position>", methods=["POST"])
@allow(SIGNED_IN)
def check(attempt_id, position):
    attempt = _load(attempt_id)
    if not attempt.in_progress:
        return redirect(url_for("attempts.result", attempt_id=attempt.id))
    try:
        delivery.check_slot(attempt, current_user, position, request.form)
        db.session.commit()
    except AnswerRefused as error:
        return _refused(error, db.session.get(Attempt, attempt_id))
    view = "all" if request.form.get("view") == "all" else None
    return redirect(url_for("attempts.page", attempt_id=attempt_id, page=position, view=view) + f"#s{position}")


@bp.route("/<int:attempt_id>/status.json")
@allow(SIGNED_IN)
def status(attempt_id):
    """For the timer after a phone wakes up: the state and the seconds left by the server's clock."""
    attempt = _load(attempt_id)
    navigator = _navigator(attempt)
    return jsonify({"state": attempt.state, "seconds_left": attempt.seconds_left(),
                    "answered": sum(1 for n in navigator if n[1]), "total": len(navigator),
                    "result_url": None if attempt.in_progress else url_for("attempts.result", attempt_id=attempt.id)})


# ------------------------------------------------------------------------------ finishing

@bp.route("/<int:attempt_id>/summary")
@allow(SIGNED_IN)
def summary(attempt_id):
    attempt = _load(attempt_id)
    if not attempt.in_progress:
        return redirect(url_for("attempts.result", attempt_id=attempt.id))
    navigator = _navigator(attempt)
    return render_template("exams/summary.html", attempt=attempt, quiz=attempt.quiz, navigator=navigator,
                           unanswered=[n.position for n in navigator if not n[1]], seconds_left=attempt.seconds_left(),
                           nav=_nav_labels())


@bp.route("/<int:attempt_id>/submit", methods=["POST"])
@allow(SIGNED_IN)
def submit(attempt_id):
    """Idempotent: a second click, or a retry after a time-out, lands on the same result."""
    attempt = _load(attempt_id)
    if attempt.in_progress:
        delivery.submit(attempt, by="trainee")
        db.session.commit()
    return redirect(url_for("attempts.result", attempt_id=attempt_id))


@bp.route("/<int:attempt_id>/result")
@allow(SIGNED_IN)
def result(attempt_id):
    attempt = _load(attempt_id, owner_only=False)
    if attempt.in_progress:
        if attempt.user_id == current_user.id:
            return redirect(url_for("attempts.page", attempt_id=attempt.id))
        abort(404)
    slots = db.session.scalars(db.select(AttemptSlot).options(selectinload(AttemptSlot.version),
                                                              selectinload(AttemptSlot.category))
                               .where(AttemptSlot.attempt_id == attempt.id).order_by(AttemptSlot.position)).all()
    staff = attempt.user_id != current_user.id
    show_review = staff or attempt.quiz.review_open(utcnow())
    reviewed = []
    if show_review:
        for v in delivery.slot_views(attempt, slots, _file_url):
            review = rendering.review_of(v.presented.question, v.page_response, v.slot.fraction)
            reviewed.append((v, review))
    return render_template("exams/result.html", attempt=attempt, quiz=attempt.quiz, slots=slots,
                           categories=grading.category_results(slots), reviewed=reviewed, staff=staff,
                           show_review=show_review, pending=sum(1 for s in slots if s.needs_marking))

