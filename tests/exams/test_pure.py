"""The pure parts, without database or HTTP: drawing by blueprint, and presenting a question in an
attempt's own order (page positions ↔ bank indexes), forged-form checks, answer keys."""

import random

import pytest
from werkzeug.datastructures import MultiDict

from kamtrain.assessment import presentation
from kamtrain.assessment import questions as qm
from kamtrain.assessment.blueprints import BlueprintShortage, Candidate, coverage, draw
from tests.exams.conftest import RIGHT, fixture_questions

BLUEPRINT = [{"category": "information", "easy": 2, "medium": 1, "hard": 0}]


def _pool():
    pool = [Candidate(i, "information", 1, (4,), ("sales",)) for i in range(1, 5)]  # easy, level 4
    pool += [Candidate(10, "information", 1, (1,), ("sales",))]  # easy but level 1
    pool += [Candidate(11, "information", 1, (4,), ("marketing",))]  # other track
    pool += [Candidate(20, "information", 2, (3,), ())]  # medium, level 3, both tracks
    pool += [Candidate(30, "communication", 1, (4,), ("sales",))]
    return pool


def test_draw_fills_every_cell_on_the_track():
    drawn = draw(BLUEPRINT, _pool(), random.Random(1), track="sales", level=4)
    assert len(drawn.ids) == 3 and drawn.ids[2] == 20
    assert set(drawn.ids[:2]) <= {1, 2, 3, 4}
    assert drawn.cells == [("information", "easy")] * 2 + [("information", "medium")]


def test_draw_prefers_unseen_questions_at_a_fitting_level():
    for seed in range(20):
        drawn = draw(BLUEPRINT, _pool(), random.Random(seed), track="sales", level=4, seen={1, 2})
        assert set(drawn.ids[:2]) == {3, 4}
    drawn = draw(BLUEPRINT, _pool(), random.Random(0), track="sales", level=4, seen={1, 2, 3, 4})
    assert 10 not in drawn.ids  # a level three steps away comes after questions already seen


def test_draw_is_random_between_attempts():
    firsts = {tuple(draw(BLUEPRINT, _pool(), random.Random(seed), track="sales", level=4).ids[:2])
              for seed in range(30)}
    assert len(firsts) > 3


def test_a_shortage_names_every_short_cell():
    blueprint = [{"category": "information", "easy": 9, "medium": 2}, {"category": "teamwork", "hard": 1}]
    with pytest.raises(BlueprintShortage) as error:
        draw(blueprint, _pool(), random.Random(1), track="sales")
    assert [(s.category, s.difficulty, s.needed, s.available) for s in error.value.shortages] == [
        ("information", "easy", 9, 5), ("information", "medium", 2, 1), ("teamwork", "hard", 1, 0)]
    practice = draw([{"category": "information", "any": 50}], _pool(), random.Random(1), allow_short=True)
    assert len(practice.ids) == 7
    cells = coverage(blueprint, _pool(), "sales")
    assert [(c.category, c.difficulty, c.needed, c.available) for c in cells] == [
        ("information", "easy", 9, 5), ("information", "medium", 2, 1), ("teamwork", "hard", 1, 0)]
    assert [c.short for c in cells] == [True, True, True]


def test_coverage_tells_cells_that_draw_from_another_level():
    """Level 4 on the sales track: four easy questions at level 4 and one at level 1; the medium one
    is at level 3 — enough for an attempt, but from the neighbouring level."""
    blueprint = [{"category": "information", "easy": 4, "medium": 1}]
    easy, medium = coverage(blueprint, _pool(), "sales", level=4)
    assert (easy.available, easy.at_level, easy.near_level, easy.short, easy.off_level) == (5, 4, 4, False, False)
    assert (medium.available, medium.at_level, medium.near_level, medium.short, medium.off_level) == (
        1, 0, 1, False, True)
    harder = coverage([{"category": "information", "easy": 5}], _pool(), "sales", level=4)[0]
    assert harder.off_level and harder.near_level == 4  # the fifth comes from three levels away
    assert not coverage(blueprint, _pool(), "sales")[1].off_level  # a quiz without a level: any level fits


@pytest.fixture
def questions():
    return {q.idnumber: q for q in fixture_questions()}


def _form_for(presented, prefix, page_response):
    q = presented.question
    data = MultiDict()
    if q.qtype == "multichoice":
        for i in page_response if isinstance(page_response, list) else [page_response]:
            data.add(prefix, str(i))
    elif q.qtype == "truefalse":
        data.add(prefix, "true" if page_response else "false")
    elif isinstance(page_response, dict):
        for i, v in page_response.items():
            data.add(f"{prefix}-{i}", str(v))
    else:
        data.add(prefix, page_response)
    return data


@pytest.mark.parametrize("seed", [1, 2, 3, 99])
def test_page_positions_round_trip_to_bank_indexes(questions, seed):
    for idnumber, right in RIGHT.items():
        q = questions[idnumber]
        presented = presentation.present(q, seed)
        page = presentation.to_page(presented, right)
        form = _form_for(presented, "s1", page)
        assert presentation.form_problems(presented, form, "s1") == [], idnumber
        back = presentation.read(presented, form, "s1")
        assert qm.grade(q, back) in (1.0, None), idnumber  # None: the essay
        assert presentation.to_page(presented, back) == page


def test_the_shuffle_hides_the_right_option(questions):
    q = questions["EXT-MC1"]
    positions = {presentation.present(q, seed).order.index(0) for seed in range(40)}
    assert positions == {0, 1, 2, 3}
    cloze = questions["EXT-CL1"]
    positions = {presentation.present(cloze, seed).field_orders[0].index(0) for seed in range(40)}
    assert positions == {0, 1, 2}


def test_forged_forms_are_named(questions):
    mc = presentation.present(questions["EXT-MC1"], 5)
    assert presentation.form_problems(mc, MultiDict([("s1", "4")]), "s1") == ["s1: no such option"]
    assert presentation.form_problems(mc, MultiDict([("s1", "1"), ("s1", "2")]), "s1") == ["s1: more than one choice"]
    tf = presentation.present(questions["EXT-TF1"], 5)
    assert presentation.form_problems(tf, MultiDict([("s1", "yes")]), "s1")
    ma = presentation.present(questions["EXT-MA1"], 5)
    assert presentation.form_problems(ma, MultiDict([("s1-3", "财务信息")]), "s1") == ["s1-3: no such item"]
    assert presentation.form_problems(ma, MultiDict([("s1-0", "别的")]), "s1") == ["s1-0: not one of the choices"]
    cl = presentation.present(questions["EXT-CL1"], 5)
    assert presentation.form_problems(cl, MultiDict([("s1-5", "x")]), "s1") == ["s1-5: no such blank"]
    assert presentation.form_problems(cl, MultiDict([("s1-0", "9")]), "s1") == ["s1-0: no such option"]
    sa = presentation.present(questions["EXT-SA1"], 5)
    assert presentation.form_problems(sa, MultiDict([("s1", "x" * 20001)]), "s1") == ["s1: too long"]


def test_answer_keys(questions):
    assert presentation.answer_key(questions["EXT-MC1"], 2) == "2"
    assert presentation.answer_key(questions["EXT-MR1"], [2, 0]) == "0,2"
    assert presentation.answer_key(questions["EXT-TF1"], False) == "false"
    assert presentation.answer_key(questions["EXT-SA1"], " 漏斗 ") == "漏斗"
    assert presentation.answer_key(questions["EXT-MA1"], {1: "关系信息", 0: "基础信息"}) == "0=基础信息;1=关系信息"
    assert presentation.answer_key(questions["EXT-MC1"], None) is None
