"""Delivering an exam: starting draws the blueprint and pins versions, answers are saved one by one and
come back on reload, bad answers are refused (nothing stored, audited), the deadline is the server's,
submission is idempotent, and the rules about who may start what."""

from datetime import timedelta

import pytest

from kamtrain.accounts.models import AuditEntry
from kamtrain.accounts.roles import Role
from kamtrain.assessment import delivery, eligibility
from kamtrain.assessment.attempts import Attempt, AttemptSlot
from kamtrain.assessment.models import Question, QuestionVersion
from kamtrain.assessment.quizzes import QuizRefused
from kamtrain.competency.models import Evidence
from kamtrain.core.db import db, utcnow
from tests.exams.conftest import RIGHT, answer_form, make_exam, right_answers
from tests.factories import create_team, create_user


def _start(client, quiz):
    response = client.post(f"/quizzes/{quiz.id}/start")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.get(Attempt, attempt_id)


def _audits(event="attempt_answer_refused"):
    return db.session.scalars(db.select(AuditEntry).filter_by(event=event).order_by(AuditEntry.id)).all()


def test_start_draws_the_blueprint_and_pins_the_versions(exam, trainee, login_as, own_bank):
    client = login_as(trainee)
    attempt = _start(client, exam)
    slots = attempt.slots
    assert len(slots) == 8
    assert {s.question_id for s in slots} == {q.id for q in own_bank.values()}
    categories = [s.category.code for s in slots]
    assert categories == ["information"] * 3 + ["communication"] * 3 + ["customer_service"] * 2
    for slot in slots:
        latest = db.session.scalar(db.select(QuestionVersion).filter_by(
            question_id=slot.question_id, number=db.session.get(Question, slot.question_id).latest_version))
        assert slot.version_id == latest.id
    assert attempt.deadline == attempt.started_at + timedelta(minutes=30)
    assert attempt.max_score == 8
    # a second click on "start" continues the same attempt
    again = _start(client, exam)
    assert again.id == attempt.id


def test_options_are_posted_as_page_positions_not_bank_indexes(exam, trainee, login_as):
    """Authors put the right option first; the page must not say value="0" is right."""
    client = login_as(trainee)
    attempt = _start(client, exam)
    firsts = set()
    for seed in range(12):  # the shuffle differs per attempt seed
        attempt.seed = seed
        db.session.flush()
        mc = next(s for s in attempt.slots if s.version.question.idnumber == "EXT-MC1")
        html = client.get(f"/attempts/{attempt.id}?page={mc.position}").get_data(as_text=True)
        first_value = html.split(f'name="s{mc.position}" value="', 1)[1].split('"', 1)[0]
        assert first_value == "0"  # positions on the page, in page order
        first_text = html.split('class="option-text">', 1)[1].split("<", 1)[0]
        firsts.add(first_text)
    assert len(firsts) > 1, "options are shuffled per attempt"


def test_answers_are_saved_one_by_one_and_shown_again(exam, trainee, login_as):
    client = login_as(trainee)
    attempt = _start(client, exam)
    mc = next(s for s in attempt.slots if s.version.question.idnumber == "EXT-MC1")
    sa = next(s for s in attempt.slots if s.version.question.idnumber == "EXT-SA1")
    form = answer_form(attempt, mc, 2)
    r = client.post(f"/attempts/{attempt.id}/answers", data=form, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json["saved"] == [mc.position]
    db.session.refresh(mc)
    assert mc.response == 2 and mc.answer_key == "2" and mc.saved_at is not None
    assert mc.fraction is None  # nothing graded before submission
    # plain form post (no JavaScript): save and move on
    form = {**answer_form(attempt, sa, "漏斗"), "goto": str(sa.position + 1)}
    r = client.post(f"/attempts/{attempt.id}/answers", data=form)
    assert r.status_code == 302 and f"page={sa.position + 1}" in r.headers["Location"]
    db.session.refresh(sa)
    assert sa.response == "漏斗"
    # reload: the saved answer is checked again
    html = client.get(f"/attempts/{attempt.id}?page={mc.position}").get_data(as_text=True)
    page_value = answer_form(attempt, mc, 2)[f"s{mc.position}"][0]
    assert f'value="{page_value}" checked' in html
    assert 'class="navq answered' in html
    # saving the same answer again is not a write
    r = client.post(f"/attempts/{attempt.id}/answers", data=answer_form(attempt, mc, 2),
                    headers={"Accept": "application/json"})
    assert r.json["unchanged"] == [mc.position]


def test_an_older_save_from_the_same_page_never_wins(exam, trainee, login_as):
    client = login_as(trainee)
    attempt = _start(client, exam)
    mc = next(s for s in attempt.slots if s.version.question.idnumber == "EXT-MC1")
    newer = {**answer_form(attempt, mc, 1), "page_token": "p1", "seq": "5"}
    older = {**answer_form(attempt, mc, 3), "page_token": "p1", "seq": "4"}
    other_page = {**answer_form(attempt, mc, 2), "page_token": "p2", "seq": "1"}
    json = {"Accept": "application/json"}
    assert client.post(f"/attempts/{attempt.id}/answers", data=newer, headers=json).json["saved"]
    assert client.post(f"/attempts/{attempt.id}/answers", data=older, headers=json).json["unchanged"]
    db.session.refresh(mc)
    assert mc.response == 1
    assert client.post(f"/attempts/{attempt.id}/answers", data=other_page, headers=json).json["saved"]
    db.session.refresh(mc)
    assert mc.response == 2


@pytest.mark.parametrize("case", ["unknown_slot", "forged_option", "forged_field", "forged_matching"])
def test_bad_answers_are_refused_nothing_stored_and_logged(exam, trainee, login_as, case):
    client = login_as(trainee)
    attempt = _start(client, exam)
    mc = next(s for s in attempt.slots if s.version.question.idnumber == "EXT-MC1")
    ma = next(s for s in attempt.slots if s.version.question.idnumber == "EXT-MA1")
    good = answer_form(attempt, mc, 1)
    bad = {
        "unknown_slot": {**good, "positions": [str(mc.position), "99"], "s99": ["1"]},
        "forged_option": {**good, f"s{mc.position}": ["7"]},
        "forged_field": {**good, "evil": ["1"]},
        "forged_matching": {**good, "positions": [str(mc.position), str(ma.position)],
                            f"s{ma.position}-0": ["不存在的选项"]},
    }[case]
    r = client.post(f"/attempts/{attempt.id}/answers", data=bad, headers={"Accept": "application/json"})
    assert r.status_code == 400
    assert r.json["error"] == ("unknown_slot" if case == "unknown_slot" else "forged")
    assert "Nothing was saved" in r.json["message"] or "没有保存" in r.json["message"] or r.json["message"]
    db.session.refresh(mc)
    assert mc.response is None and mc.saved_at is None
    entry = _audits()[-1]
    assert entry.subject_user_id == trainee.id and entry.details["attempt"] == attempt.id
    # the plain form post gets a page saying so
    r = client.post(f"/attempts/{attempt.id}/answers", data=bad)
    assert r.status_code == 400 and 'role="alert"' in r.get_data(as_text=True)


def test_another_users_attempt_is_refused(exam, trainee, login_as, app):
    client = login_as(trainee)
    attempt = _start(client, exam)
    mc = next(s for s in attempt.slots if s.version.question.idnumber == "EXT-MC1")
    intruder = create_user("intruder", roles=[Role.TRAINEE])
    other = app.test_client()
    other.post("/login", data={"username": "intruder", "password": "correct-horse-battery"})
    r = other.post(f"/attempts/{attempt.id}/answers", data=answer_form(attempt, mc, 1),
                   headers={"Accept": "application/json"})
    assert r.status_code == 403 and r.json["error"] == "other_user"
    assert other.get(f"/attempts/{attempt.id}").status_code == 403
    assert other.post(f"/attempts/{attempt.id}/submit").status_code == 403
    db.session.refresh(mc)
    assert mc.response is None
    assert _audits()[-1].actor_id == intruder.id
    assert db.session.get(Attempt, attempt.id).in_progress


def test_the_deadline_is_the_servers(exam, trainee, login_as):
    client = login_as(trainee)
    attempt = _start(client, exam)
    mc = next(s for s in attempt.slots if s.version.question.idnumber == "EXT-MC1")
    client.post(f"/attempts/{attempt.id}/answers", data=answer_form(attempt, mc, 0))
    attempt.deadline = utcnow() - timedelta(seconds=1)
    db.session.flush()
    r = client.post(f"/attempts/{attempt.id}/answers", data=answer_form(attempt, mc, 1),
                    headers={"Accept": "application/json"})
    assert r.status_code == 409 and r.json["error"] == "deadline"
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.state != "in_progress" and attempt.closed_by == "deadline"
    assert attempt.submitted_at == attempt.deadline
    mc = db.session.get(AttemptSlot, mc.id)
    assert mc.response == 0 and mc.fraction == 1.0  # what was saved in time counts
    r = client.post(f"/attempts/{attempt.id}/answers", data=answer_form(attempt, mc, 1),
                    headers={"Accept": "application/json"})
    assert r.status_code == 409 and r.json["error"] == "submitted"


def test_an_overdue_attempt_is_closed_when_read(exam, trainee, login_as):
    client = login_as(trainee)
    attempt = _start(client, exam)
    attempt.deadline = utcnow() - timedelta(minutes=5)
    db.session.flush()
    r = client.get(f"/attempts/{attempt.id}")
    assert r.status_code == 302 and r.headers["Location"].endswith("/result")
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.state == "needs_marking" or attempt.state == "graded"
    assert attempt.closed_by == "deadline"


def test_close_overdue_command(exam, trainee, login_as, app):
    client = login_as(trainee)
    attempt = _start(client, exam)
    attempt.deadline = utcnow() - timedelta(minutes=1)
    db.session.flush()
    assert delivery.close_overdue() == 1
    assert db.session.get(Attempt, attempt.id).closed_by == "deadline"
    assert delivery.close_overdue() == 0
    result = app.test_cli_runner().invoke(args=["exams", "close-overdue"])
    assert result.exit_code == 0 and "0" in result.output


def test_submit_is_idempotent(exam, trainee, login_as):
    client = login_as(trainee)
    attempt = _start(client, exam)
    client.post(f"/attempts/{attempt.id}/answers", data=right_answers(attempt))
    first = client.post(f"/attempts/{attempt.id}/submit")
    second = client.post(f"/attempts/{attempt.id}/submit")
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.state == "needs_marking"  # the essay waits for a trainer
    assert attempt.score == 7.0 and attempt.max_score == 8.0
    evidence = db.session.scalars(db.select(Evidence).filter_by(user_id=trainee.id)).all()
    assert len(evidence) == 7  # one per graded answer, not two
    assert delivery.submit(attempt) is False


def test_who_may_start(own_bank, trainee, login_as):
    unassigned = make_exam()
    with pytest.raises(QuizRefused) as refused:
        eligibility.check_may_start(unassigned, trainee)
    assert refused.value.code == "not_assigned"
    team_exam = make_exam(teams=[trainee.team])
    eligibility.check_may_start(team_exam, trainee)
    later = make_exam(assign_to=[trainee], opens_at=utcnow() + timedelta(days=1))
    with pytest.raises(QuizRefused, match="not_open"):
        eligibility.check_may_start(later, trainee)
    closed = make_exam(assign_to=[trainee], closes_at=utcnow() - timedelta(days=1))
    with pytest.raises(QuizRefused, match="closed"):
        eligibility.check_may_start(closed, trainee)
    withdrawn = make_exam(assign_to=[trainee], active=False)
    with pytest.raises(QuizRefused, match="inactive"):
        eligibility.check_may_start(withdrawn, trainee)
    passed = delivery.start_attempt(team_exam, trainee)
    passed.state, passed.passed = "graded", True
    db.session.flush()
    with pytest.raises(QuizRefused, match="passed"):
        eligibility.check_may_start(make_exam(assign_to=[trainee]), trainee)  # another sitting of the syllabus


def test_attempt_limit_and_waiting_period_count_every_sitting_of_the_syllabus(own_bank, trainee):
    first = make_exam(assign_to=[trainee], max_attempts=2, wait_days=7)
    second = make_exam(assign_to=[trainee], max_attempts=2, wait_days=7)
    attempt = delivery.start_attempt(first, trainee)
    delivery.submit(attempt)
    with pytest.raises(QuizRefused) as refused:
        delivery.start_attempt(second, trainee)
    assert refused.value.code == "wait"
    assert refused.value.details["until"] == attempt.submitted_at + timedelta(days=7)
    eight_days = utcnow() + timedelta(days=8)
    attempt2 = delivery.start_attempt(second, trainee, now=eight_days)
    delivery.submit(attempt2, now=eight_days)
    with pytest.raises(QuizRefused, match="no_attempts_left"):
        eligibility.check_may_start(first, trainee, now=eight_days + timedelta(days=30))


def test_the_window_cuts_the_time_limit(own_bank, trainee):
    closes = utcnow() + timedelta(minutes=10)
    quiz = make_exam(assign_to=[trainee], closes_at=closes, time_limit_minutes=60)
    attempt = delivery.start_attempt(quiz, trainee)
    assert attempt.deadline == closes


def test_a_shortage_in_the_bank_refuses_the_start(own_bank, trainee, login_as):
    quiz = make_exam(assign_to=[trainee], blueprint=[{"category": "information", "easy": 9}])
    client = login_as(trainee)
    r = client.post(f"/quizzes/{quiz.id}/start")
    assert r.status_code == 302
    assert "flash error" in client.get(r.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(db.select(Attempt).filter_by(quiz_id=quiz.id)) is None


def test_a_leader_sees_the_team_result_and_not_others(exam, trainee, login_as, app):
    client = login_as(trainee)
    attempt = _start(client, exam)
    client.post(f"/attempts/{attempt.id}/answers", data=right_answers(attempt))
    client.post(f"/attempts/{attempt.id}/submit")
    leader = create_user("leader_x", roles=[Role.LEADER])
    trainee.team.leader = leader
    other_leader = create_user("leader_y", roles=[Role.LEADER])
    create_team(leader=other_leader)
    db.session.flush()
    for username, status in (("leader_x", 200), ("leader_y", 403)):
        c = app.test_client()
        c.post("/login", data={"username": username, "password": "correct-horse-battery"})
        assert c.get(f"/attempts/{attempt.id}/result").status_code == status
    assert RIGHT  # the fixture's answers were used
