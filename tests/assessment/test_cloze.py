"""Embedded answers (Cloze) syntax, as Moodle's qtype_multianswer reads it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamtrain.assessment.formats import cloze
from kamtrain.assessment.questions import Answer, ClozeField, Question

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _transaction():
    """Pure functions: no application, no database (overrides the suite's per-test transaction)."""
    yield


def fields(text):
    result, found, errors, warnings = cloze.parse_fields(text)
    return result, found, errors, warnings


@pytest.mark.parametrize("keyword, kind, display, multiple, shuffle", [
    ("MULTICHOICE", "multichoice", "dropdown", False, False), ("MC", "multichoice", "dropdown", False, False),
    ("MULTICHOICE_V", "multichoice", "vertical", False, False), ("MCV", "multichoice", "vertical", False, False),
    ("MULTICHOICE_H", "multichoice", "horizontal", False, False), ("MCH", "multichoice", "horizontal", False, False),
    ("MULTICHOICE_S", "multichoice", "dropdown", False, True), ("MCS", "multichoice", "dropdown", False, True),
    ("MULTICHOICE_VS", "multichoice", "vertical", False, True), ("MCVS", "multichoice", "vertical", False, True),
    ("MULTICHOICE_HS", "multichoice", "horizontal", False, True), ("MCHS", "multichoice", "horizontal", False, True),
    ("MULTIRESPONSE", "multichoice", "vertical", True, False), ("MR", "multichoice", "vertical", True, False),
    ("MULTIRESPONSE_H", "multichoice", "horizontal", True, False), ("MRH", "multichoice", "horizontal", True, False),
    ("MULTIRESPONSE_S", "multichoice", "vertical", True, True), ("MRS", "multichoice", "vertical", True, True),
    ("MULTIRESPONSE_HS", "multichoice", "horizontal", True, True), ("MRHS", "multichoice", "horizontal", True, True),
])
def test_multichoice_keywords(keyword, kind, display, multiple, shuffle):
    _text, [f], errors, _w = fields(f"x {{1:{keyword}:=a~b}} y")
    assert errors == []
    assert (f.kind, f.display, f.multiple, f.shuffle) == (kind, display, multiple, shuffle)
    # writing it back uses the long keyword and reads the same
    assert fields(cloze.markup(f))[1] == [f]


@pytest.mark.parametrize("keyword, case_sensitive", [("SHORTANSWER", False), ("SA", False), ("MW", False),
                                                     ("SHORTANSWER_C", True), ("SAC", True), ("MWC", True)])
def test_shortanswer_keywords(keyword, case_sensitive):
    _text, [f], errors, _w = fields(f"{{1:{keyword}:=Owl#ok~*#no}}")
    assert (f.kind, f.case_sensitive, errors) == ("shortanswer", case_sensitive, [])
    assert [(a.text, a.fraction, a.feedback) for a in f.answers] == [("Owl", 1, "ok"), ("*", 0, "no")]


@pytest.mark.parametrize("keyword", ["NUMERICAL", "NM"])
def test_numerical_with_tolerance(keyword):
    _text, [f], errors, _w = fields(f"{{2:{keyword}:=23.8:0.1#ok~%50%23,8:1~*#no}}")
    assert errors == [] and f.weight == 2 and f.kind == "numerical"
    assert [(a.text, a.fraction, a.tolerance) for a in f.answers] == [("23.8", 1, 0.1), ("23.8", 0.5, 1.0),
                                                                      ("*", 0, 0)]


def test_placeholders_and_weights():
    text, found, errors, _w = fields("The {1:SHORTANSWER:Dog#Wrong~=Owl#Well done} and the {:MC:Bow~=Cat} went")
    assert text == "The {#1} and the {#2} went"
    assert [f.weight for f in found] == [1, 1] and errors == []


def test_weights_and_escapes():
    _t, [f], errors, _w = fields(r"{1:MC:=a\}b#fb \# and \}~%-50%c &amp; d#x}")
    assert [(a.text, a.fraction, a.feedback) for a in f.answers] == [("a}b", 1, "fb # and }"), ("c & d", -0.5, "x")]


def test_multiresponse_fractions_as_moodle():
    # without any %n%: right answers share 100 %, each wrong one cancels one right answer
    _t, [f], _e, _w = fields("{1:MR:=a~=b~c}")
    assert [a.fraction for a in f.answers] == [0.5, 0.5, -0.5]
    # with explicit weights, wrong answers stay at 0 and right ones are scaled to add up to 100 %
    _t, [f], _e, _w = fields("{1:MR:%50%a~%25%b~c}")
    assert [a.fraction for a in f.answers] == [pytest.approx(2 / 3), pytest.approx(1 / 3), 0]


@pytest.mark.parametrize("text, expected", [
    ("Please select the fruits.", "must include at least one embedded answer"),
    ("{1:MULTICHOICE}", "must include at least one embedded answer"),
    ("{1:MULTICHOICE:=Apple#Correct}", "at least 2 choices"),
    ("{1:MULTICHOICE:Pear~%50%Apple}", "score of 100%"),
    ("{3:NUMERICAL:=zero}", "must be a number"),
    ("{1:SA:%50%x}", "score of 100%"),
])
def test_invalid_questions_are_refused(text, expected):
    _t, _f, errors, _w = fields(text)
    assert any(expected in e for e in errors)


def test_broken_markup_warns():
    _t, _f, _e, warnings = fields("A {1:MULTICHOCE:=a~b} and {1:SA:=ok}")
    assert any("'{1:MULTICHOCE:' looks like an embedded answer" in w for w in warnings)


def test_editor_entry_points():
    text, found, errors = cloze.parse("x {1:SA:=y}")
    assert (text, errors) == ("x {#1}", []) and found[0].answers[0].text == "y"
    q = Question("cloze", "c", text, fields=found)
    assert cloze.to_text(q) == "x {1:SHORTANSWER:=y}"


def test_serialise_round_trip_of_awkward_text():
    field = ClozeField(kind="multichoice", answers=[Answer("a ~ b # c } d \\ e & f &lt;", 1.0, "fb ~#}\\&"),
                                                    Answer("%50% off", 0.0), Answer("=x", 0.0)])
    markup = cloze.markup(field)
    _t, [back], errors, _w = fields(markup)
    assert errors == [] and back == field


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["{1:MC:", "{:SA:", "{2:NM:", "{1:MR:", "{", "}", "~", "#", "=", "%50%", "%-5%",
                                 "\\", "a", "b", " ", "\n", ":"]), max_size=14).map("".join))
def test_field_scanner_finds_exactly_what_moodles_regex_finds(text):
    expected = [(m.start(), m.end(), m[1], m[2]) for m in cloze.ANSWER_REGEX.finditer(text)]
    assert [(s, e, h[1], h[2]) for s, e, h in cloze.find_fields(text)] == expected


def test_unclosed_field_is_linear_not_exponential():
    # Moodle's regex backtracks exponentially here (PCRE gives up; Python's re would hang)
    text, found, errors, _w = fields("{1:SHORTANSWER:" + "a~" * 20000)
    assert found == [] and errors
