"""A trainee's attempt: the question pages, saving answers (JavaScript autosave and plain form posts
alike), practice checks, the summary before submitting, submitting, and the result.

Nothing on these pages or in their JSON carries a mark, a right answer or feedback before the
attempt is submitted (practice questions the trainee has checked excepted): the question macro is
given only the answer-free view, and options are posted as positions on the page.
"""

import secrets

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import and_
from sqlalchemy.orm import joinedload, selectinload

from kamtrain.accounts.roles import Role
from kamtrain.assessment import delivery, grading, rendering
from kamtrain.assessment.attempts import Attempt, AttemptSlot
from kamtrain.assessment.delivery import AnswerRefused
from kamtrain.assessment.exam_messages import ANSWER_REFUSALS, template_globals
from kamtrain.assessment.models import QuestionVersion
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


def _nav_labels():
    question, answered = _NAV_LABELS.get(current_language()) or (gettext("Question %(n)d"),
                                                                 " · " + gettext("answered"))
    return {"question": question, "answered": answered}


def _navigator(attempt):
    """(position, answered?, checked?) for every slot — no responses, no marks."""
    return db.session.execute(
        db.select(AttemptSlot.position, AttemptSlot.response.is_not(None), AttemptSlot.checked_at.is_not(None))
        .where(AttemptSlot.attempt_id == attempt.id).order_by(AttemptSlot.position)).all()


# ------------------------------------------------------------------------------ the question pages

@bp.route("/<int:attempt_id>")
@allow(SIGNED_IN)
def page(attempt_id):
    """One question (or all of them) with the navigator. This page is read on every move between
    questions, so it is built from one query for the slots (bench/exam_page.py measures it)."""
    attempt = _load(attempt_id)
    if not attempt.in_progress:
        return redirect(url_for("attempts.result", attempt_id=attempt.id))
    show_all = request.args.get("view", "all" if attempt.quiz.layout == "single" else "paged") == "all"
    current = max(request.args.get("page", 1, type=int), 1)
    rows = _page_rows(attempt, None if show_all else current)
    navigator = [(r.position, r.response is not None, r.checked_at is not None) for r in rows]
    total = len(navigator)
    slots = [PageSlot(r) for r in rows if r.data is not None]
    if not slots and total and not show_all:
        return redirect(url_for("attempts.page", attempt_id=attempt.id, page=min(current, total)))
    views = delivery.slot_views(attempt, slots, _file_url)
    reviews = {}
    for v in views:  # practice: a checked question shows its mark and feedback
        if v.slot.checked_at is not None:
            reviews[v.slot.position] = rendering.review_of(v.presented.question, v.page_response, v.slot.fraction)
    return render_template("exams/attempt.html", attempt=attempt, quiz=attempt.quiz, views=views, reviews=reviews,
                           navigator=navigator_markup(navigator, current, show_all), total=total, current=current,
                           show_all=show_all, seconds_left=attempt.seconds_left(), page_token=secrets.token_hex(8))


def _page_rows(attempt, position):
    """Every slot's position, response and check, and the pinned version's data of the slot(s) shown
    (``position`` None: all of them) — one query."""
    shown = QuestionVersion.id == AttemptSlot.version_id
    if position is not None:
        shown = and_(shown, AttemptSlot.position == position)
    return db.session.execute(
        db.select(AttemptSlot.id, AttemptSlot.position, AttemptSlot.response, AttemptSlot.checked_at,
                  AttemptSlot.fraction, AttemptSlot.version_id, QuestionVersion.data, QuestionVersion.content_hash)
        .outerjoin(QuestionVersion, shown).where(AttemptSlot.attempt_id == attempt.id)
        .order_by(AttemptSlot.position)).all()


class PageSlot:
    """The parts of a slot a question page needs (what delivery.slot_views reads), from one row."""

    __slots__ = ("id", "position", "response", "checked_at", "fraction", "version_id", "version")

    class _Version:
        __slots__ = ("data", "content_hash")

        def __init__(self, data, content_hash):
            self.data, self.content_hash = data, content_hash

    def __init__(self, row):
        self.id, self.position, self.response = row.id, row.position, row.response
        self.checked_at, self.fraction, self.version_id = row.checked_at, row.fraction, row.version_id
        self.version = self._Version(row.data, row.content_hash)


_NAV_LABELS = {}


def navigator_markup(navigator, current, show_all):
    """The navigator's buttons (submit buttons of the attempt form, so moving saves the page without
    JavaScript). Built here rather than in the template: 40–60 buttons on every question page, and a
    translated label each (gettext is looked up once per language, not once per button)."""
    lang = current_language()
    labels = _NAV_LABELS.get(lang)
    if labels is None:
        labels = _NAV_LABELS[lang] = (gettext("Question %(n)d"), " · " + gettext("answered"))
    question, answered = labels
    parts = []
    for position, is_answered, checked in navigator:
        here = not show_all and position == current
        css = "navq" + (" answered" if is_answered else "") + (" checked" if checked else "") + (
            " current" if here else "")
        label = escape(question % {"n": position}) + (escape(answered) if is_answered else "")
        step = ' aria-current="step"' if here else ""
        parts.append(f'<button type="submit" name="goto" value="{position}" data-position="{position}" '
                     f'class="{css}"{step} aria-label="{label}">{position}</button>')
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

