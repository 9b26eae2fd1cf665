"""questions.grade for every type, with Moodle's semantics (the question types' grade_response)."""

import pytest

from kamtrain.assessment.formats import parse
from kamtrain.assessment.questions import Answer, ClozeField, MatchPair, Question, Unit, grade, wildcard_matches

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _transaction():
    """Pure functions: no application, no database (overrides the suite's per-test transaction)."""
    yield


def gift(text):
    p = parse(text.encode("utf-8"), "t.gift", format="gift")
    assert p.errors == [], p.errors
    return p.questions[0]


# ------------------------------------------------------------------------------------ multiple choice

def test_single_choice_partial_and_negative_weights():
    q = gift("Q{~%-50%wrong ~%50%half =right ~none}")
    assert [grade(q, i) for i in range(4)] == [0.0, 0.5, 1.0, 0.0]  # a negative weight is floored at 0
    assert grade(q, 9) == 0.0 and grade(q, None) == 0.0 and grade(q, "x") == 0.0


def test_multiple_answers_sum_floor_and_cap():
    q = gift("Q{~%50%a ~%50%b ~%-100%c ~d}")
    assert grade(q, [0]) == 0.5
    assert grade(q, [0, 1]) == 1.0
    assert grade(q, [0, 1, 2]) == 0.0  # 0.5 + 0.5 − 1
    assert grade(q, [0, 2]) == 0.0  # −0.5 floored at 0
    assert grade(q, [0, 0, 0]) == 0.5  # choosing an option twice counts once
    assert grade(q, []) == 0.0


def test_thirds_add_up_to_full_marks():
    q = gift("Q{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    assert grade(q, [0, 1, 2]) == 1.0


def test_weights_above_one_are_capped():
    q = Question("multichoice", "q", "t", single=False, answers=[Answer("a", 1), Answer("b", 1)])
    assert grade(q, [0, 1]) == 1.0


# ------------------------------------------------------------------------------------ true/false

@pytest.mark.parametrize("response, expected", [(True, 0.0), (False, 1.0), ("false", 1.0), ("TRUE", 0.0),
                                                ("maybe", 0.0), (None, 0.0)])
def test_truefalse(response, expected):
    assert grade(gift("Q{F}"), response) == expected


# ------------------------------------------------------------------------------------ short answer

def test_shortanswer_case_insensitive_by_default_and_first_match_wins():
    q = gift("Q{=Frog =%50%Fr* =%0%*}")
    assert grade(q, "frog") == 1.0
    assert grade(q, "FROGGY") == 0.5
    assert grade(q, "toad") == 0.0
    assert grade(q, "  Frog  ") == 1.0
    assert grade(q, "") == 0.0


def test_shortanswer_case_sensitive():
    q = Question("shortanswer", "q", "t", case_sensitive=True, answers=[Answer("HTTP", 1.0)])
    assert grade(q, "HTTP") == 1.0 and grade(q, "http") == 0.0


def test_wildcard_semantics():
    assert wildcard_matches("New *", "New York", False)
    assert not wildcard_matches("New *", "Newton", False)  # the space before * is part of the pattern
    assert wildcard_matches("a**b", "axxb", False)  # a run of * is one wildcard
    assert wildcard_matches("5\\*3", "5*3", False) and not wildcard_matches("5\\*3", "543", False)
    assert wildcard_matches("a.b", "a.b", False) and not wildcard_matches("a.b", "axb", False)
    assert wildcard_matches("*", "anything", False)


def test_shortanswer_normalises_full_width_and_spaces():
    q = Question("shortanswer", "q", "t", answers=[Answer("漏斗式提问", 1.0), Answer("ABC 123", 1.0)])
    assert grade(q, "漏斗式提问 ") == 1.0
    assert grade(q, "ＡＢＣ　１２３") == 1.0
    assert grade(q, "abc   123") == 1.0


def test_shortanswer_negative_fraction_floored():
    q = Question("shortanswer", "q", "t", answers=[Answer("right", 1.0), Answer("wrong", -0.5)])
    assert grade(q, "wrong") == 0.0


# ------------------------------------------------------------------------------------ numerical

def test_numerical_tolerance_inclusive():
    q = gift("Q{#11968.14:0.01}")
    assert grade(q, "11968.14") == 1.0
    assert grade(q, "11968.15") == 1.0 and grade(q, "11968.13") == 1.0
    assert grade(q, "11968.16") == 0.0
    assert grade(q, "11968,14") == 1.0  # decimal comma
    assert grade(q, "１１９６８.１４") == 1.0  # full-width digits
    assert grade(q, "abc") == 0.0 and grade(q, "12 m") == 0.0


def test_numerical_range_and_several_answers_in_order():
    q = gift("Q{#\n=1822:0#exact\n=%50%1822:2#close\n=%25%1800..1850\n~#no}")
    assert grade(q, "1822") == 1.0
    assert grade(q, "1823.5") == 0.5
    assert grade(q, "1849") == 0.25
    assert grade(q, "1900") == 0.0  # the catch-all '*' answer is worth 0


def test_numerical_catch_all_with_credit():
    q = Question("numerical", "q", "t", answers=[Answer("5", 1.0), Answer("*", 0.1)])
    assert grade(q, "7") == 0.1


def test_numerical_units():
    answers = [Answer("1500", 1.0, tolerance=1)]
    units = [Unit("m", 1.0), Unit("km", 0.001)]
    optional = Question("numerical", "q", "t", answers=answers, units=units, unit_penalty=0.2)
    assert grade(optional, "1500 m") == 1.0
    assert grade(optional, "1.5 km") == 1.0
    assert grade(optional, "1500") == 1.0  # unit grading type 0: units are not graded
    assert grade(optional, "1.5km") == 1.0
    assert grade(optional, "1.5 mi") == 0.0
    of_answer = Question("numerical", "q", "t", answers=[Answer("1500", 0.5, tolerance=1)], units=units,
                         unit_penalty=0.2, unit_grading_type=1)
    assert grade(of_answer, "1500") == pytest.approx(0.4)  # 0.5 − 0.2 × 0.5
    assert grade(of_answer, "1.5 km") == 0.5
    of_mark = Question("numerical", "q", "t", answers=answers, units=units, unit_penalty=0.2, unit_grading_type=2)
    assert grade(of_mark, "1500") == pytest.approx(0.8)
    assert grade(of_mark, "1500 km") == pytest.approx(0.8)  # matches the number as typed: unit wrong
    assert grade(of_mark, "1500 m") == 1.0


# ------------------------------------------------------------------------------------ matching

def test_matching_partial_credit_distractors_and_keys():
    q = gift("Q{=Canada -> Ottawa =Italy -> Rome =Japan -> Tokyo = -> Paris}")
    assert grade(q, {0: "Ottawa", 1: "Rome", 2: "Tokyo"}) == 1.0
    assert grade(q, {0: "Ottawa", 1: "Paris", 2: "Tokyo"}) == pytest.approx(2 / 3)
    assert grade(q, {"0": "Ottawa"}) == pytest.approx(1 / 3)
    assert grade(q, {3: "Paris"}) == 0.0  # the distractor is not an item
    assert grade(q, {}) == 0.0


def test_matching_same_answer_for_two_items():
    q = Question("matching", "q", "t", pairs=[MatchPair("cat", "animal"), MatchPair("dog", "animal"),
                                              MatchPair("oak", "plant")])
    assert grade(q, {0: "animal", 1: "animal", 2: "animal"}) == pytest.approx(2 / 3)


# ------------------------------------------------------------------------------------ cloze

def test_cloze_weighted_fields():
    q = Question("cloze", "c", "{#1} {#2} {#3} {#4}", fields=[
        ClozeField("numerical", weight=2, answers=[Answer("11968.14", 1.0, tolerance=0.01)]),
        ClozeField("multichoice", weight=1, answers=[Answer("a", 1.0), Answer("b", 0.0)]),
        ClozeField("shortanswer", weight=1, case_sensitive=True, answers=[Answer("Owl", 1.0), Answer("Ow*", 0.5)]),
        ClozeField("multichoice", weight=1, multiple=True,
                   answers=[Answer("x", 0.5), Answer("y", 0.5), Answer("z", -0.5)]),
    ])
    assert grade(q, {0: "11968.14", 1: 0, 2: "Owl", 3: [0, 1]}) == 1.0
    assert grade(q, {0: "11968.14"}) == pytest.approx(2 / 5)
    assert grade(q, {"1": 0, "2": "owl"}) == pytest.approx(1 / 5)  # case-sensitive field: 'owl' is wrong
    assert grade(q, {2: "Owen"}) == pytest.approx(0.5 / 5)
    assert grade(q, {3: [0, 2]}) == 0.0  # 0.5 − 0.5
    assert grade(q, {}) == 0.0


def test_cloze_from_moodle_xml_is_graded():
    data = ("<quiz><question type='cloze'><name><text>c</text></name><questiontext><text>"
            "{2:NUMERICAL:=2.5:0.01} and {1:MULTIRESPONSE:=a~=b~c}</text></questiontext></question></quiz>")
    [q] = parse(data.encode(), "c.xml").questions
    assert grade(q, {0: "2.5", 1: [0, 1]}) == 1.0
    assert grade(q, {0: "2.5", 1: [0, 1, 2]}) == pytest.approx(2.5 / 3)  # the wrong one cancels one right one


# ------------------------------------------------------------------------------------ manual

def test_essay_and_description_are_not_auto_graded():
    assert grade(Question("essay", "e", "t"), "an answer") is None
    assert grade(Question("description", "d", "t"), None) is None
