"""No right answer, mark or feedback reaches the browser before submission: every page and every JSON
response of a whole attempt is inspected. After submission the review policy decides."""

from datetime import timedelta

import pytest

from kamtrain.assessment.attempts import Attempt
from kamtrain.core.db import db, utcnow
from tests.exams.conftest import SECRET, make_exam, right_answers

LEAKS = ("fraction", "grader_info", "right_answer", "option right", "option wrong", "feedback ok", "feedback bad",
         "Mark: ", "class=\"mark ", "class=\"review\"")


def _clean(text, where):
    assert not SECRET.search(text), f"{where}: {SECRET.search(text).group(0)} leaked"
    for word in LEAKS:
        at = text.find(word)
        assert at < 0, f"{where}: {word!r} in the page before submission: …{text[max(0, at - 80):at + 80]}…"


def _walk(client, attempt):
    """Every page and response of an attempt before it is submitted; returns what was seen."""
    seen = []

    def fetch(method, url, **kwargs):
        response = getattr(client, method)(url, **kwargs)
        seen.append((f"{method.upper()} {url}", response))
        return response

    fetch("get", "/quizzes/")
    fetch("get", f"/quizzes/{attempt.quiz_id}")
    for slot in attempt.slots:
        fetch("get", f"/attempts/{attempt.id}?page={slot.position}")
    fetch("get", f"/attempts/{attempt.id}?view=all")
    form = right_answers(attempt)
    for slot in attempt.slots:
        prefix = f"s{slot.position}"
        part = {k: v for k, v in form.items() if k == prefix or k.startswith(prefix + "-")}
        part["positions"] = [str(slot.position)]
        fetch("post", f"/attempts/{attempt.id}/answers", data=part, headers={"Accept": "application/json"})
        fetch("post", f"/attempts/{attempt.id}/answers", data={**part, "goto": str(slot.position)})
    for slot in attempt.slots:  # the answers are all filled in now
        fetch("get", f"/attempts/{attempt.id}?page={slot.position}")
    fetch("get", f"/attempts/{attempt.id}?view=all")
    fetch("get", f"/attempts/{attempt.id}/summary")
    fetch("get", f"/attempts/{attempt.id}/status.json")
    fetch("get", f"/attempts/{attempt.id}/result")  # redirects back while in progress
    return seen


@pytest.mark.parametrize("policy", ["immediate", "never"])
def test_nothing_leaks_before_submission(own_bank, trainee, login_as, policy):
    quiz = make_exam(assign_to=[trainee], review_policy=policy)
    client = login_as(trainee)
    start = client.post(f"/quizzes/{quiz.id}/start")
    attempt = db.session.get(Attempt, int(start.headers["Location"].rsplit("/", 1)[1]))
    seen = _walk(client, attempt)
    assert len(seen) > 30
    for where, response in seen:
        assert response.status_code in (200, 302), where
        _clean(response.get_data(as_text=True), where)
        for name, value in response.headers.items():
            _clean(f"{name}: {value}", where)
    # everything was saved, nothing graded yet
    attempt = db.session.get(Attempt, attempt.id)
    assert all(s.response is not None for s in attempt.slots)
    assert all(s.fraction is None for s in attempt.slots)

    client.post(f"/attempts/{attempt.id}/submit")
    result = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert 'data-category="information"' in result
    if policy == "immediate":
        assert "FB-SECRET-MC1-A" in result and "GF-SECRET-MC1" in result  # the markers are real
        assert "RUBRIC-SECRET" not in result  # the rubric is for trainers only
    else:
        assert not SECRET.search(result)


def test_review_after_the_window_closes(own_bank, trainee, login_as):
    quiz = make_exam(assign_to=[trainee], review_policy="after_close", closes_at=utcnow() + timedelta(hours=2))
    client = login_as(trainee)
    start = client.post(f"/quizzes/{quiz.id}/start")
    attempt_id = int(start.headers["Location"].rsplit("/", 1)[1])
    attempt = db.session.get(Attempt, attempt_id)
    client.post(f"/attempts/{attempt_id}/answers", data=right_answers(attempt))
    client.post(f"/attempts/{attempt_id}/submit")
    assert not SECRET.search(client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True))
    quiz.closes_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    assert "GF-SECRET-MC1" in client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
