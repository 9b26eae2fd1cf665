"""Trainers set up exam sittings from a syllabus and assign them; leaders assign within their own team;
trainees find what is assigned to them and practise by category or module."""

from kamtrain.accounts.models import AuditEntry
from kamtrain.accounts.roles import Role
from kamtrain.assessment.attempts import Attempt
from kamtrain.assessment.quizzes import Quiz, QuizAssignment
from kamtrain.competency.models import Category
from kamtrain.content.models import Module, Syllabus
from kamtrain.core.db import db
from tests.exams.conftest import make_exam
from tests.factories import create_team, create_user


def _client(app, user):
    client = app.test_client()
    client.post("/login", data={"username": user.username, "password": "correct-horse-battery"})
    return client


def test_a_trainer_creates_an_exam_from_the_syllabus(app):
    trainer = create_user("t_create", roles=[Role.TRAINER])
    client = _client(app, trainer)
    form = client.get("/exams/new?syllabus=sales-3").get_data(as_text=True)
    assert 'value="75"' in form and 'value="65"' in form  # duration and pass mark from content/syllabi/sales-3.yaml
    syllabus = db.session.scalar(db.select(Syllabus).filter_by(code="sales-3"))
    r = client.post("/exams/new", data={
        "syllabus": str(syllabus.id), "title_zh": "三级认证（十二月）", "title_en": "Level 3 (December)",
        "opens_at": "2026-12-01T09:00", "closes_at": "2026-12-15T18:00", "time_limit_minutes": "75",
        "max_attempts": "3", "wait_days": "7", "pass_mark": "65", "review_policy": "after_close", "layout": "single",
        "active": "y"})
    assert r.status_code == 302
    quiz = db.session.scalar(db.select(Quiz).filter_by(title_en="Level 3 (December)"))
    assert quiz.kind == "exam" and quiz.syllabus_id == syllabus.id and quiz.level == 3 and quiz.track == "sales"
    assert quiz.blueprint == syllabus.exam["blueprint"] and quiz.question_count == 50
    assert quiz.opens_at.isoformat() == "2026-12-01T01:00:00"  # 09:00 in Asia/Shanghai, stored in UTC
    page = client.get(f"/exams/{quiz.id}").get_data(as_text=True)
    assert 'id="blueprint"' in page and "too few" not in page  # the team's bank fills sales-3
    assert "partly from other levels" not in page and "部分取自其他级别" not in page  # at its own level
    first = db.session.scalar(db.select(Category).filter_by(code=quiz.blueprint[0]["category"]))
    assert f"{first.number}. {first.name_zh}" in page  # categories by name, not code
    assert db.session.scalar(db.select(AuditEntry).filter_by(event="exam_created")).details["syllabus"] == "sales-3"
    # the window must close after it opens
    r = client.post(f"/exams/{quiz.id}/edit", data={
        "syllabus": str(syllabus.id), "title_zh": "x", "title_en": "x", "opens_at": "2026-12-15T09:00",
        "closes_at": "2026-12-01T09:00", "pass_mark": "65", "review_policy": "never", "layout": "paged"})
    assert r.status_code == 200 and "errors" in r.get_data(as_text=True)


def test_leaders_assign_only_within_their_team(app, own_bank):
    leader = create_user("lead_a", roles=[Role.LEADER])
    mine = create_user("mine", roles=[Role.TRAINEE])
    theirs = create_user("theirs", roles=[Role.TRAINEE])
    my_team = create_team(leader=leader, members=[mine])
    other_team = create_team(members=[theirs])
    quiz = make_exam()
    client = _client(app, leader)
    page = client.get(f"/exams/{quiz.id}").get_data(as_text=True)
    assert "mine" in page and "theirs" not in page
    r = client.post(f"/exams/{quiz.id}/assign", data={"users": [str(theirs.id)]})
    assert r.status_code == 302
    assert db.session.scalar(db.select(QuizAssignment).filter_by(quiz_id=quiz.id)) is None
    client.post(f"/exams/{quiz.id}/assign", data={"teams": [str(other_team.id)]})
    assert db.session.scalar(db.select(QuizAssignment).filter_by(quiz_id=quiz.id)) is None
    client.post(f"/exams/{quiz.id}/assign", data={"teams": [str(my_team.id)], "users": [str(mine.id)]})
    rows = db.session.scalars(db.select(QuizAssignment).filter_by(quiz_id=quiz.id)).all()
    assert {(r.user_id, r.team_id) for r in rows} == {(mine.id, None), (None, my_team.id)}
    assert db.session.scalar(db.select(AuditEntry).filter_by(event="exam_assigned")).actor_id == leader.id
    # the trainee now sees the exam
    trainee_page = _client(app, mine).get("/quizzes/").get_data(as_text=True)
    assert f'data-quiz="{quiz.id}"' in trainee_page
    # a trainer's assignment of another team cannot be removed by this leader
    trainer = create_user("t_assign", roles=[Role.TRAINER])
    _client(app, trainer).post(f"/exams/{quiz.id}/assign", data={"teams": [str(other_team.id)]})
    foreign = db.session.scalar(db.select(QuizAssignment).filter_by(quiz_id=quiz.id, team_id=other_team.id))
    assert client.post(f"/exams/{quiz.id}/assignments/{foreign.id}/remove").status_code == 403
    own = db.session.scalar(db.select(QuizAssignment).filter_by(quiz_id=quiz.id, team_id=my_team.id))
    own_id = own.id
    assert client.post(f"/exams/{quiz.id}/assignments/{own_id}/remove").status_code == 302
    assert db.session.scalar(db.select(QuizAssignment).filter_by(id=own_id)) is None


def test_the_trainee_index_and_practice_by_module(app, login_as):
    trainee = create_user("prac", roles=[Role.TRAINEE], track="sales", target_level=4)
    client = login_as(trainee)
    html = client.get("/quizzes/").get_data(as_text=True)
    assert html.count('action="/quizzes/practice/category/') == 12
    assert 'id="module-practice"' in html
    module = db.session.scalar(db.select(Module).filter_by(code="communication-foundations"))
    r = client.post(f"/quizzes/practice/module/{module.code}")
    assert r.status_code == 302 and "/attempts/" in r.headers["Location"]
    attempt = db.session.get(Attempt, int(r.headers["Location"].rsplit("/", 1)[1]))
    codes = {c.code for c in module.categories}
    assert attempt.slots and all(s.category.code in codes for s in attempt.slots)
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="attempt-form"' in page and "js/attempt.js" in page


def test_the_exam_list_for_trainers_and_leaders(app, own_bank):
    quiz = make_exam()
    trainer = create_user("t_list", roles=[Role.TRAINER])
    html = _client(app, trainer).get("/exams/").get_data(as_text=True)
    assert f'data-quiz="{quiz.id}"' in html and "/exams/new" in html
    leader = create_user("l_list", roles=[Role.LEADER])
    html = _client(app, leader).get("/exams/").get_data(as_text=True)
    assert f'data-quiz="{quiz.id}"' in html and "/exams/new" not in html
    assert _client(app, leader).get(f"/exams/{quiz.id}/analysis").status_code == 403
