"""Grading on the server: results per category, essays through the marking queue with the rubric,
competency evidence for every graded answer, regrading a corrected question (audited), and practice
quizzes that check each question at once."""

import dataclasses

import pytest

from kamtrain.accounts.models import AuditEntry
from kamtrain.accounts.roles import Role
from kamtrain.assessment import bank, delivery, grading
from kamtrain.assessment.attempts import Attempt
from kamtrain.assessment.quizzes import Quiz
from kamtrain.competency.models import Category, Evidence
from kamtrain.core.db import db
from tests.exams.conftest import RIGHT, answer_form, make_exam, right_answers
from tests.factories import create_user


def _submitted(client, quiz, answers=right_answers):
    start = client.post(f"/quizzes/{quiz.id}/start")
    attempt = db.session.get(Attempt, int(start.headers["Location"].rsplit("/", 1)[1]))
    client.post(f"/attempts/{attempt.id}/answers", data=answers(attempt))
    client.post(f"/attempts/{attempt.id}/submit")
    return db.session.get(Attempt, attempt.id)


def _trainer_client(app, username="marker"):
    create_user(username, roles=[Role.TRAINER])
    client = app.test_client()
    client.post("/login", data={"username": username, "password": "correct-horse-battery"})
    return client


def test_essay_goes_to_the_marking_queue_and_completes_the_result(exam, trainee, login_as, app):
    attempt = _submitted(login_as(trainee), exam)
    assert attempt.state == "needs_marking" and attempt.passed is None
    essay = next(s for s in attempt.slots if s.needs_marking)
    trainer = _trainer_client(app)
    queue = trainer.get("/marking/").get_data(as_text=True)
    assert f"/marking/{essay.id}" in queue
    page = trainer.get(f"/marking/{essay.id}").get_data(as_text=True)
    assert "RUBRIC-SECRET-ES1" in page and "先致歉，再给出修复时间表。" in page
    assert trainer.post(f"/marking/{essay.id}", data={"points": "1.5"}).status_code == 200  # more than the marks
    r = trainer.post(f"/marking/{essay.id}", data={"points": "0.5", "comment": "时间表要具体到小时。"})
    assert r.status_code == 302
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.state == "graded" and attempt.score == pytest.approx(7.5)
    assert attempt.percent == pytest.approx(93.75) and attempt.passed is True
    essay_evidence = db.session.scalar(db.select(Evidence).filter_by(source_kind="essay", source_id=essay.id))
    assert essay_evidence.score == pytest.approx(0.5) and essay_evidence.recorded_by_id is not None
    assert db.session.scalar(db.select(AuditEntry).filter_by(event="essay_marked")).details["mark"] == 0.5
    assert f"/marking/{essay.id}" not in trainer.get("/marking/").get_data(as_text=True)
    result = login_as(trainee).get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "93.75" in result


def test_result_per_category_and_evidence(exam, trainee, login_as):
    def half_right(attempt):
        form = right_answers(attempt)
        for slot in attempt.slots:  # everything in "communication" wrong
            if slot.category.code == "communication":
                prefix = f"s{slot.position}"
                for key in [k for k in form if k == prefix or k.startswith(prefix + "-")]:
                    del form[key]
        return form

    attempt = _submitted(login_as(trainee), exam, half_right)
    results = {r.category.code: r for r in grading.category_results(attempt.slots)}
    assert results["information"].percent == pytest.approx(100)
    assert results["communication"].percent == pytest.approx(0)
    assert results["customer_service"].pending == 1 and results["customer_service"].percent == pytest.approx(100)
    evidence = db.session.scalars(db.select(Evidence).filter_by(user_id=trainee.id, source_kind="exam")).all()
    assert len(evidence) == 7
    by_category = {}
    for row in evidence:
        by_category.setdefault(row.category.code, []).append(row.score)
    assert by_category["communication"] == [0.0, 0.0, 0.0]
    assert sorted(by_category["information"]) == [1.0, 1.0, 1.0]
    html = login_as(trainee).get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert 'data-category="communication"' in html and 'data-category="information"' in html


def test_regrading_a_corrected_question(exam, trainee, login_as, app, own_bank):
    def says_b(attempt):  # option B of EXT-MC1 ("报价单"): wrong until the correction
        form = right_answers(attempt)
        mc = next(s for s in attempt.slots if s.version.question.idnumber == "EXT-MC1")
        form.update({k: v for k, v in answer_form(attempt, mc, 1).items() if k != "positions"})
        return form

    attempt = _submitted(login_as(trainee), exam, says_b)
    essay = next(s for s in attempt.slots if s.needs_marking)
    grading.mark_essay(essay, create_user("m2", roles=[Role.TRAINER]), 0.0)
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.score == pytest.approx(6.0) and attempt.passed is True  # 6/8 = 75 %
    exam.pass_mark = 80
    grading.update_totals(attempt)
    assert attempt.passed is False
    mc_slot = next(s for s in attempt.slots if s.version.question.idnumber == "EXT-MC1")
    shown_version = mc_slot.version_id

    row = own_bank["EXT-MC1"]
    question = grading.question_of(bank.current_version(row))
    answers = [dataclasses.replace(a, fraction=f) for a, f in zip(question.answers, [1.0, 1.0, 0.0, 0.0], strict=True)]
    trainer = create_user("corrector", roles=[Role.TRAINER])
    bank.save_edit(row, dataclasses.replace(question, answers=answers, category=row.category.path), trainer,
                   note="B is right too")

    client = _trainer_client(app, "regrader")
    preview = client.get(f"/marking/regrade/{row.id}").get_data(as_text=True)
    assert 'data-would-change="1"' in preview
    assert db.session.get(Attempt, attempt.id).score == pytest.approx(6.0)  # the preview wrote nothing
    assert client.post(f"/marking/regrade/{row.id}").status_code == 302
    attempt = db.session.get(Attempt, attempt.id)
    mc_slot = next(s for s in attempt.slots if s.version.question.idnumber == "EXT-MC1")
    assert mc_slot.fraction == 1.0 and mc_slot.version_id == shown_version
    assert mc_slot.graded_version_id != shown_version
    assert attempt.score == pytest.approx(7.0) and attempt.passed is True
    entry = db.session.scalar(db.select(AuditEntry).filter_by(event="question_regraded"))
    assert entry.details["changed"] == 1 and entry.details["results_changed"] == 1
    assert db.session.scalar(db.select(Evidence).filter_by(source_kind="exam", source_id=mc_slot.id)).score == 1.0


def test_regrade_skips_versions_with_other_options(exam, trainee, login_as, own_bank):
    _submitted(login_as(trainee), exam)
    row = own_bank["EXT-MC1"]
    question = grading.question_of(bank.current_version(row))
    shorter = dataclasses.replace(question, answers=question.answers[:3], category=row.category.path)
    bank.save_edit(row, shorter, create_user("c3", roles=[Role.TRAINER]))
    report = grading.regrade_question(row, create_user("c4", roles=[Role.TRAINER]))
    assert report.skipped == 1 and report.changed == 0


def test_practice_checks_each_question_at_once(own_bank, trainee, login_as):
    client = login_as(trainee)
    r = client.post("/quizzes/practice/category/information")
    assert r.status_code == 302
    attempt = db.session.get(Attempt, int(r.headers["Location"].rsplit("/", 1)[1]))
    quiz = db.session.get(Quiz, attempt.quiz_id)
    assert quiz.instant_feedback and quiz.kind == "practice" and len(attempt.slots) == 3  # all the bank has
    slot = attempt.slots[0]
    form = answer_form(attempt, slot, RIGHT[slot.version.question.idnumber])
    r = client.post(f"/attempts/{attempt.id}/check/{slot.position}", data=form)
    assert r.status_code == 302
    db.session.refresh(slot)
    assert slot.fraction == 1.0 and slot.checked_at is not None
    page = client.get(f"/attempts/{attempt.id}?page={slot.position}").get_data(as_text=True)
    assert 'class="review"' in page and "GF-SECRET" in page
    # a checked question is locked
    wrong = {"positions": [str(slot.position)]}
    r = client.post(f"/attempts/{attempt.id}/answers", data=wrong, headers={"Accept": "application/json"})
    assert r.json["locked"] == [slot.position]
    assert db.session.scalar(db.select(Evidence).filter_by(source_kind="quiz", source_id=slot.id)).score == 1.0
    client.post(f"/attempts/{attempt.id}/submit")
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.state == "graded" and attempt.slots[0].fraction == 1.0
    category = db.session.scalar(db.select(Category).filter_by(code="information"))
    assert quiz.category_id == category.id


def test_grade_a_response_of_every_type(own_bank, trainee):
    quiz = make_exam(assign_to=[trainee])
    attempt = delivery.start_attempt(quiz, trainee)
    for slot in attempt.slots:
        slot.response = RIGHT[slot.version.question.idnumber]
    db.session.flush()
    delivery.submit(attempt)
    attempt = db.session.get(Attempt, attempt.id)
    fractions = {s.version.question.idnumber: s.fraction for s in attempt.slots}
    assert fractions == {"EXT-MC1": 1.0, "EXT-MR1": 1.0, "EXT-TF1": 1.0, "EXT-SA1": 1.0, "EXT-NU1": 1.0,
                         "EXT-MA1": 1.0, "EXT-ES1": None, "EXT-CL1": 1.0}
