"""Helpers for certification tests: a trainee who meets a syllabus's rules (modules completed, the
exam passed, the scenarios passed), and certificates made directly in any state."""

import itertools
from datetime import date, timedelta

import pytest

from kamtrain.accounts.roles import Role
from kamtrain.assessment.attempts import Attempt
from kamtrain.assessment.quizzes import EXAM, Quiz
from kamtrain.certification import rules
from kamtrain.certification.models import Certificate
from kamtrain.certification.serials import next_serial
from kamtrain.content.models import ModuleProgress, Syllabus
from kamtrain.core.db import db, utcnow
from kamtrain.scenarios.models import ScenarioRecord, ScenarioRun
from tests.factories import create_team, create_user

_n = itertools.count(1)


def syllabus(code):
    return db.session.scalar(db.select(Syllabus).filter_by(code=code))


def complete_modules(user, syl, leave_out=0):
    """Complete the syllabus's modules (all but the last ``leave_out``); returns the ones left out."""
    modules = syl.modules
    keep, left = modules[:len(modules) - leave_out], modules[len(modules) - leave_out:]
    rows = {p.module_id: p for p in db.session.scalars(db.select(ModuleProgress).filter_by(user_id=user.id))}
    for m in keep:
        if m.id not in rows:
            db.session.add(ModuleProgress(user_id=user.id, module_id=m.id, completed_at=utcnow(), seconds_spent=600))
        elif rows[m.id].completed_at is None:
            rows[m.id].completed_at = utcnow()
    db.session.flush()
    return left


def exam_quiz(syl):
    quiz = db.session.scalar(db.select(Quiz).filter_by(syllabus_id=syl.id, kind=EXAM))
    if quiz is None:
        quiz = Quiz(code=f"exam-{syl.code}-t{next(_n)}", kind=EXAM, title_zh="认证考试", title_en="Exam",
                    syllabus_id=syl.id, track=syl.track, level=syl.level, blueprint=[], pass_mark=60)
        db.session.add(quiz)
        db.session.flush()
    return quiz


def pass_exam(user, syl, at=None, passed=True):
    quiz = exam_quiz(syl)
    number = 1 + (db.session.scalar(db.select(db.func.max(Attempt.number)).where(
        Attempt.quiz_id == quiz.id, Attempt.user_id == user.id)) or 0)
    at = at or utcnow()
    attempt = Attempt(quiz_id=quiz.id, user_id=user.id, number=number, seed=1, state="graded", started_at=at,
                      submitted_at=at, max_score=10, score=9 if passed else 2, percent=90 if passed else 20,
                      passed=passed)
    db.session.add(attempt)
    db.session.flush()
    return attempt


def pass_scenarios(user, syl):
    for scenario_id in syl.required_scenarios or ():
        record = db.session.get(ScenarioRecord, scenario_id)
        db.session.add(ScenarioRun(user_id=user.id, scenario_id=scenario_id, version_id=record.current.id,
                                   node="end", finished_at=utcnow(), quality="good", passed=True))
    db.session.flush()


def qualify(user, code, exam=True, leave_out_modules=0):
    """Meet every rule of syllabus ``code`` except the level below (and what is asked to be left out)."""
    syl = syllabus(code)
    left = complete_modules(user, syl, leave_out_modules)
    pass_scenarios(user, syl)
    if exam:
        pass_exam(user, syl)
    return syl, left


def make_certificate(user, code, issued_on=None, status="valid", holder_name=None):
    """A certificate made directly (no rules), in the given state."""
    syl = syllabus(code)
    today = date.today()
    if issued_on is None:
        issued_on = today - timedelta(days=30) if status != "expired" else rules.add_months(today, -40)
    issued_on, expires_on = rules.validity(issued_on, syl.validity_months)
    cert = Certificate(serial=next_serial(issued_on.year), check_code=rules.new_check_code(), user_id=user.id,
                       syllabus_id=syl.id, track=syl.track, level=syl.level,
                       holder_name=holder_name or user.full_name, title_zh=syl.title_zh, title_en=syl.title_en,
                       issued_on=issued_on, expires_on=expires_on, award_key=f"test:{next(_n)}",
                       created_at=utcnow() - timedelta(days=(today - issued_on).days))
    db.session.add(cert)
    db.session.flush()
    if status == "revoked":
        cert.revoke(None, "test revocation")
    db.session.flush()
    return cert


@pytest.fixture
def trainee():
    leader = create_user(roles=[Role.LEADER])
    user = create_user(roles=[Role.TRAINEE], track="sales", target_level=4)
    create_team(leader=leader, members=[user])
    return user


@pytest.fixture
def hr():
    return create_user(roles=[Role.HR])
