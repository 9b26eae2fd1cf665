"""Who may start which quiz or exam, and when: assignment, window, attempt limit, waiting period, an exam
already passed. Read-only rules; ``check_may_start`` raises QuizRefused naming the rule that refused."""

from datetime import timedelta

from sqlalchemy import func, or_

from kamtrain.assessment.attempts import IN_PROGRESS, Attempt
from kamtrain.assessment.quizzes import EXAM, Quiz, QuizAssignment, QuizRefused
from kamtrain.core.db import db, utcnow


def is_assigned(quiz, user):
    if not quiz.is_exam:
        return True
    conditions = [QuizAssignment.user_id == user.id]
    if user.team_id:
        conditions.append(QuizAssignment.team_id == user.team_id)
    return db.session.scalar(db.select(QuizAssignment.id).where(
        QuizAssignment.quiz_id == quiz.id, or_(*conditions)).limit(1)) is not None


def _scope(quiz):
    """Attempts that count against the limit and the waiting period: for an exam every sitting of the
    same syllabus (a certification attempt is one, whichever sitting), for practice this quiz."""
    if quiz.is_exam and quiz.syllabus_id:
        return Attempt.quiz_id.in_(db.select(Quiz.id).where(Quiz.kind == EXAM, Quiz.syllabus_id == quiz.syllabus_id))
    return Attempt.quiz_id == quiz.id


def attempts_used(quiz, user):
    return db.session.scalar(db.select(func.count(Attempt.id)).where(_scope(quiz), Attempt.user_id == user.id))


def has_passed(quiz, user):
    """A certification exam is passed once: a passed attempt at any sitting of the syllabus ends it."""
    return db.session.scalar(db.select(Attempt.id).where(_scope(quiz), Attempt.user_id == user.id,
                                                         Attempt.passed.is_(True)).limit(1)) is not None


def next_start(quiz, user):
    """When the waiting period after the user's last finished attempt ends (None: no wait)."""
    if not quiz.wait_days:
        return None
    last = db.session.scalar(db.select(func.max(Attempt.submitted_at)).where(
        _scope(quiz), Attempt.user_id == user.id, Attempt.state != IN_PROGRESS))
    return last + timedelta(days=quiz.wait_days) if last else None


def open_attempt(quiz, user):
    return db.session.scalar(db.select(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.user_id == user.id, Attempt.state == IN_PROGRESS))


def check_may_start(quiz, user, now=None):
    """Raise QuizRefused when ``user`` may not start a new attempt at ``quiz`` now."""
    now = now or utcnow()
    if not quiz.active:
        raise QuizRefused("inactive")
    window = quiz.window_state(now)
    if window != "open":
        raise QuizRefused(window, opens=quiz.opens_at, closes=quiz.closes_at)
    if not is_assigned(quiz, user):
        raise QuizRefused("not_assigned")
    if quiz.is_exam and has_passed(quiz, user):
        raise QuizRefused("passed")
    if quiz.max_attempts is not None and attempts_used(quiz, user) >= quiz.max_attempts:
        raise QuizRefused("no_attempts_left", limit=quiz.max_attempts)
    ready = next_start(quiz, user)
    if ready is not None and now < ready:
        raise QuizRefused("wait", until=ready)
