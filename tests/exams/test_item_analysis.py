"""Item analysis against a hand-computed example.

Five trainees' first attempts at a three-question form (marks 0/1):

    trainee  Q1 Q2 Q3  total
    t1        1  1  1    3
    t2        1  1  0    2
    t3        1  0  0    1
    t4        0  1  1    2
    t5        0  0  0    0

By hand (sample variances, n − 1 = 4; R = total − x):

* Q1: x̄ = 0.6, var x = 0.3; R = 2,1,0,2,0: R̄ = 1.0, var R = 1.0; cov = (0.4−0.4−0.6+0.6)/4 = 0
  → facility 60 %, discrimination 0.
* Q2: x̄ = 0.6, var x = 0.3; R = 2,1,1,1,0: var R = 0.5; cov = (0.4 + 0.6)/4 = 0.25
  → discrimination 100 · 0.25 / √(0.3 · 0.5) = 64.5497.
* Q3: x̄ = 0.4, var x = 0.3; R = 2,2,1,1,0: R̄ = 1.2, var R = 0.7;
  cov = (0.48 − 0.32 + 0.08 − 0.12 + 0.48)/4 = 0.15 → 100 · 0.15 / √0.21 = 32.7327, facility 40 %.
* Totals 3,2,1,2,0: var T = 5.2/4 = 1.3; α = 3/2 · (1 − 0.9/1.3) = 6/13 = 0.461538.
* Mean score 1.6 of 3 = 53.33 %.

Attempts that must not count: a second attempt, one in progress, one waiting for marking.
"""

import math

import pytest

from kamtrain.accounts.roles import Role
from kamtrain.assessment import item_analysis
from kamtrain.assessment.attempts import Attempt, AttemptSlot
from kamtrain.assessment.models import Question, QuestionVersion
from kamtrain.core.db import db, utcnow
from tests.exams.conftest import make_exam
from tests.factories import create_user

MARKS = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 1, 1), (0, 0, 0)]
IDS = ("EXT-MC1", "EXT-TF1", "EXT-SA1")
# what each trainee answered (bank indexes / values) — right answers where the mark is 1
GIVEN = {"EXT-MC1": {1: "0", 0: "2"}, "EXT-TF1": {1: "true", 0: "false"}, "EXT-SA1": {1: "漏斗式提问", 0: "倒漏斗"}}


def _attempt(quiz, user, marks, number=1, state="graded", wrong_mc="2"):
    attempt = Attempt(quiz_id=quiz.id, user_id=user.id, number=number, seed=1, state=state, started_at=utcnow(),
                      submitted_at=None if state == "in_progress" else utcnow(), score=float(sum(marks)),
                      max_score=3.0, percent=100.0 * sum(marks) / 3)
    db.session.add(attempt)
    db.session.flush()
    for position, (idnumber, mark) in enumerate(zip(IDS, marks, strict=True), 1):
        row = db.session.scalar(db.select(Question).filter_by(idnumber=idnumber))
        version = db.session.scalar(db.select(QuestionVersion).filter_by(question_id=row.id, number=1))
        key = GIVEN[idnumber][mark] if not (idnumber == "EXT-MC1" and mark == 0) else wrong_mc
        db.session.add(AttemptSlot(attempt_id=attempt.id, position=position, question_id=row.id,
                                   version_id=version.id, category_id=row.competency_id, mark=1.0,
                                   response=key, answer_key=key, fraction=float(mark), earned=float(mark)))
    db.session.flush()
    return attempt


@pytest.fixture
def analysed(own_bank):
    quiz = make_exam(blueprint=[])
    users = [create_user(f"ia{i}", roles=[Role.TRAINEE]) for i in range(7)]
    for user, marks in zip(users, MARKS, strict=False):
        _attempt(quiz, user, marks)
    _attempt(quiz, users[0], (0, 0, 0), number=2)  # a second attempt: not counted
    _attempt(quiz, users[5], (1, 1, 1), state="in_progress")
    _attempt(quiz, users[6], (1, 1, 1), state="needs_marking")
    return quiz, item_analysis.analyse(quiz)


def test_figures_match_the_hand_computed_example(analysed):
    _quiz, result = analysed
    assert result.attempts == 5
    assert result.mean_percent == pytest.approx(160 / 3)
    assert result.alpha == pytest.approx(6 / 13)
    assert result.form_items == 3
    by_id = {i.idnumber: i for i in result.items}
    assert by_id["EXT-MC1"].facility == pytest.approx(0.6)
    assert by_id["EXT-MC1"].discrimination == pytest.approx(0.0, abs=1e-9)
    assert by_id["EXT-TF1"].facility == pytest.approx(0.6)
    assert by_id["EXT-TF1"].discrimination == pytest.approx(100 * 0.25 / math.sqrt(0.15))
    assert by_id["EXT-TF1"].discrimination == pytest.approx(64.5497, abs=1e-4)
    assert by_id["EXT-SA1"].facility == pytest.approx(0.4)
    assert by_id["EXT-SA1"].discrimination == pytest.approx(32.7327, abs=1e-4)
    assert all(i.n == 5 for i in result.items)


def test_distractors_and_flags(analysed):
    _quiz, result = analysed
    by_id = {i.idnumber: i for i in result.items}
    mc = by_id["EXT-MC1"]
    assert [(label, count, right) for label, count, right in mc.options] == [
        ("客户画像", 3, True), ("报价单", 0, False), ("礼品", 2, False), ("合同", 0, False), (None, 0, False)]
    assert mc.flags == ["weak_discrimination"]
    assert by_id["EXT-TF1"].options[:2] == [("true", 3, True), ("false", 2, False)]
    assert by_id["EXT-TF1"].flags == []
    assert by_id["EXT-SA1"].options == [("倒漏斗", 3, None), ("漏斗式提问", 2, None)]


def test_a_popular_distractor_is_flagged(own_bank):
    quiz = make_exam(blueprint=[])
    for i, marks in enumerate([(1, 1, 1), (0, 1, 1), (0, 0, 1), (0, 1, 0), (0, 0, 0), (0, 1, 1)]):
        _attempt(quiz, create_user(f"pd{i}", roles=[Role.TRAINEE]), marks)
    mc = next(i for i in item_analysis.analyse(quiz).items if i.idnumber == "EXT-MC1")
    assert "distractor_beats_key" in mc.flags and "too_hard" in mc.flags


def test_pure_formulas():
    s = item_analysis.Sums(n=5, mark_sum=5, x=2, xx=2, r=6, rr=10, xr=3)
    facility, discrimination, var_x, var_r = item_analysis.from_sums(s)
    assert facility == pytest.approx(0.4) and var_x == pytest.approx(0.3) and var_r == pytest.approx(0.7)
    assert discrimination == pytest.approx(32.7327, abs=1e-4)
    assert item_analysis.cronbach_alpha([0.3, 0.3, 0.3], 1.3) == pytest.approx(6 / 13)
    assert item_analysis.cronbach_alpha([0.3], 1.3) is None
    assert item_analysis.variance(1, 1, 1) is None


def test_the_page_and_the_chart(analysed, app):
    quiz, _ = analysed
    trainer = create_user("ia_trainer", roles=[Role.TRAINER])
    client = app.test_client()
    client.post("/login", data={"username": trainer.username, "password": "correct-horse-battery"})
    html = client.get(f"/exams/{quiz.id}/analysis").get_data(as_text=True)
    assert 'data-stat="alpha">0.462<' in html
    assert 'data-value="0.6000"' in html and 'data-value="64.5497"' in html
    assert "<svg" in html and html.count("<circle") == 3
    assert 'data-flag="weak_discrimination"' in html
    svg = client.get(f"/exams/{quiz.id}/analysis.svg")
    assert svg.mimetype == "image/svg+xml" and svg.get_data(as_text=True).startswith("<svg")
    assert "style=" not in svg.get_data(as_text=True)  # CSP: presentation attributes only


def test_the_chart_gives_coincident_points_one_label():
    """Questions at the same facility and discrimination share one readable label, not numbers
    drawn over each other."""
    def item(number, facility, discrimination):
        return item_analysis.ItemStats(question_id=number, name=f"Q{number}", idnumber=None, qtype="multichoice",
                                       n=6, facility=facility, discrimination=discrimination, mean_mark=None,
                                       max_mark=1, number=number)
    analysis = item_analysis.Analysis(attempts=6, mean_percent=50.0, alpha=None, form_items=4, items=[
        item(1, 0.5, 100.0), item(2, 0.5, 100.0), item(3, 0.5, -100.0), item(4, 0.5, 100.0)])
    svg = item_analysis.chart_svg(analysis, {"title": "t", "x": "x", "y": "y"})
    assert svg.count("<circle") == 4
    assert 'font-size="10">1, 2, 4</text>' in svg and 'font-size="10">3</text>' in svg
