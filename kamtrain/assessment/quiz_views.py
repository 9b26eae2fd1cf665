"""Quizzes and exams as a trainee sees them: what is assigned and open, practice per competency category
and per course module, one quiz's rules and attempts, and starting (or continuing) an attempt."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func

from kamtrain.assessment import delivery, eligibility, quiz_operations
from kamtrain.assessment.attempts import Attempt
from kamtrain.assessment.exam_messages import refusal_text, template_globals
from kamtrain.assessment.quizzes import PRACTICE, Quiz, QuizRefused
from kamtrain.competency.models import Category
from kamtrain.content.models import Module, Syllabus
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.db import db, utcnow
from kamtrain.core.web import get_or_404

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")
bp.record_once(template_globals)


def _status(quiz, user, now):
    """What the trainee can do with a quiz now: continue, start, or why not."""
    open_attempt = eligibility.open_attempt(quiz, user)
    if open_attempt is not None and not open_attempt.is_overdue(now):
        return {"action": "continue", "attempt": open_attempt, "reason": None}
    try:
        eligibility.check_may_start(quiz, user, now)
    except QuizRefused as refused:
        return {"action": None, "attempt": None, "reason": refusal_text(refused)}
    return {"action": "start", "attempt": None, "reason": None}


@bp.route("/")
@allow(SIGNED_IN)
def index():
    delivery.close_overdue(user=current_user)
    now = utcnow()
    exams = [(quiz, _status(quiz, current_user, now), eligibility.attempts_used(quiz, current_user))
             for quiz in quiz_operations.exams_for(current_user)]
    attempts = db.session.scalars(db.select(Attempt).where(Attempt.user_id == current_user.id)
                                  .order_by(Attempt.started_at.desc()).limit(20)).all()
    best = dict(db.session.execute(
        db.select(Quiz.category_id, func.max(Attempt.percent)).join(Attempt, Attempt.quiz_id == Quiz.id)
        .where(Attempt.user_id == current_user.id, Quiz.kind == PRACTICE, Quiz.category_id.is_not(None))
        .group_by(Quiz.category_id)).all())
    syllabus = None
    if current_user.track and current_user.target_level:
        syllabus = db.session.scalar(db.select(Syllabus).filter_by(track=current_user.track,
                                                                   level=current_user.target_level))
    return render_template("exams/index.html", exams=exams, attempts=attempts, categories=quiz_operations.categories(),
                           best=best, syllabus=syllabus)


@bp.route("/<int:quiz_id>")
@allow(SIGNED_IN)
def quiz(quiz_id):
    quiz = get_or_404(Quiz, quiz_id)
    delivery.close_overdue(user=current_user)
    attempts = db.session.scalars(db.select(Attempt).where(Attempt.quiz_id == quiz.id,
                                                           Attempt.user_id == current_user.id)
                                  .order_by(Attempt.number)).all()
    return render_template("exams/quiz.html", quiz=quiz, attempts=attempts,
                           status=_status(quiz, current_user, utcnow()),
                           used=eligibility.attempts_used(quiz, current_user))


def _start(quiz):
    try:
        attempt = delivery.start_attempt(quiz, current_user)
        db.session.commit()
    except QuizRefused as refused:
        db.session.rollback()
        flash(str(refusal_text(refused)), "error")
        return redirect(url_for("quizzes.quiz", quiz_id=quiz.id))
    return redirect(url_for("attempts.page", attempt_id=attempt.id))


@bp.route("/<int:quiz_id>/start", methods=["POST"])
@allow(SIGNED_IN)
def start(quiz_id):
    return _start(get_or_404(Quiz, quiz_id))


@bp.route("/practice/category/<code>", methods=["POST"])
@allow(SIGNED_IN)
def practice_category(code):
    category = db.session.scalar(db.select(Category).filter_by(code=code)) or abort(404)
    quiz = quiz_operations.practice_for_category(category)
    db.session.commit()
    return _start(quiz)


@bp.route("/practice/module/<code>", methods=["POST"])
@allow(SIGNED_IN)
def practice_module(code):
    module = db.session.scalar(db.select(Module).filter_by(code=code, retired=False)) or abort(404)
    quiz = quiz_operations.practice_for_module(module)
    db.session.commit()
    return _start(quiz)
