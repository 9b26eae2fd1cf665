"""A module page leads to the module's practice quizzes — its own and one per competency category —
when the bank has questions for them, with the trainee's best finished attempt."""

import re

from kamtrain.assessment import quiz_operations
from kamtrain.assessment.attempts import GRADED, IN_PROGRESS, Attempt
from kamtrain.assessment.models import Question
from kamtrain.content.models import Module
from kamtrain.core.db import db, utcnow
from tests.conftest import login
from tests.factories import create_user

CODE = "churn-card-switching"


def _section(html):
    found = re.search(r'<section class="card" id="module-practice">.*?</section>', html, re.S)
    return found.group(0) if found else None


def test_module_page_offers_its_practice(login_as):
    module = db.session.scalar(db.select(Module).filter_by(code=CODE))
    client = login_as(create_user("practiser", locale="en"))
    html = client.get(f"/modules/{CODE}").get_data(as_text=True)
    section = _section(html)
    assert section is not None
    assert f'action="/quizzes/practice/module/{CODE}"' in section and "(8 questions)" in section
    for c in module.categories:
        assert f'action="/quizzes/practice/category/{c.code}"' in section
    assert "best" not in section  # nothing practised yet
    # the form starts the module's practice: an attempt of the quiz made for this module
    response = client.post(f"/quizzes/practice/module/{CODE}")
    assert response.status_code == 302 and "/attempts/" in response.headers["Location"]
    quiz = quiz_operations.practice_for_module(module)
    assert quiz.module_id == module.id


def test_best_finished_attempt_and_a_link_to_the_attempts(app, login_as):
    module = db.session.scalar(db.select(Module).filter_by(code=CODE))
    user = create_user("practiser2", locale="en")
    quiz = quiz_operations.practice_for_module(module)
    now = utcnow()
    db.session.add_all([
        Attempt(quiz_id=quiz.id, user_id=user.id, number=1, seed=1, state=GRADED, submitted_at=now, percent=62.0,
                max_score=8, score=5),
        Attempt(quiz_id=quiz.id, user_id=user.id, number=2, seed=2, state=GRADED, submitted_at=now, percent=87.0,
                max_score=8, score=7),
        Attempt(quiz_id=quiz.id, user_id=user.id, number=3, seed=3, state=IN_PROGRESS, percent=None),
    ])
    db.session.flush()
    section = _section(login_as(user).get(f"/modules/{CODE}").get_data(as_text=True))
    own = re.search(r"<li class=\"module-practice\" data-module-practice>.*?</li>", section, re.S).group(0)
    assert "87%" in own and "62%" not in own
    assert f'href="/quizzes/{quiz.id}"' in own
    # another trainee sees no best of theirs
    other_client = app.test_client()
    login(other_client, create_user("practiser3").username)
    other = _section(other_client.get(f"/modules/{CODE}").get_data(as_text=True))
    assert other is not None
    assert "87%" not in other


def test_no_practice_when_the_bank_has_nothing_for_the_module(login_as):
    module = db.session.scalar(db.select(Module).filter_by(code=CODE))
    ids = [c.id for c in module.categories]
    db.session.execute(db.update(Question).where(Question.competency_id.in_(ids)).values(retired=True))
    db.session.flush()
    html = login_as(create_user("practiser4")).get(f"/modules/{CODE}").get_data(as_text=True)
    assert _section(html) is None
