"""Aiken (../shared/FORMAT_SPEC_NOTES.md §3, Moodle's qformat_aiken)."""

import pytest

from kamtrain.assessment.formats import export, exportable, parse
from kamtrain.assessment.questions import Answer, Question

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _transaction():
    """Pure functions: no application, no database (overrides the suite's per-test transaction)."""
    yield


def aiken(text):
    return parse(text.encode("utf-8"), "t.txt", format="aiken")


def test_basic_question():
    p = aiken("What is 1+1?\nA) 1\nB. 2\nC)3\nANSWER: B\n")
    [q] = p.questions
    assert p.errors == [] and q.qtype == "multichoice" and q.single and q.text_format == "html"
    assert [(a.text, a.fraction) for a in q.answers] == [("1", 0), ("2", 1), ("3", 0)]
    assert q.name == "What is 1+1?" and q.line == 1


def test_no_blank_lines_needed_and_html_escaped():
    p = aiken("a < b & c?\nA) x > y\nB) z\nANSWER: A\nSecond?\nA) p\nB) q\nANSWER: B")
    assert [q.text for q in p.questions] == ["a &lt; b &amp; c?", "Second?"]
    assert p.questions[0].answers[0].text == "x &gt; y"


def test_only_the_first_letter_after_answer_counts():
    q = aiken("Q?\nA) a\nB) b\nANSWER: B because\n").questions[0]
    assert [a.fraction for a in q.answers] == [0, 1]


def test_short_lines_are_ignored():
    assert len(aiken("Q?\nA) a\nx\nB) b\nANSWER: A").questions) == 1


def test_answer_letter_out_of_range_warns():
    p = aiken("Q?\nA) a\nB) b\nANSWER: E\n")
    assert p.errors == [] and [a.fraction for a in p.questions[0].answers] == [0, 0]
    [w] = p.warnings
    assert w.line == 4 and "no option is marked correct" in w.message


def test_lower_case_answer_letter_hint():
    p = aiken("Q?\nA) a\nB) b\nANSWER: b\n")
    assert "(letters are capitals)" in p.warnings[0].message


def test_option_letters_out_of_order_warn():
    p = aiken("Q?\nA) a\nC) c\nANSWER: B\n")
    assert p.questions[0].answers[1].fraction == 1
    assert "lettered A, C" in p.warnings[0].message and p.warnings[0].line == 2


def test_question_not_started():
    p = aiken("A) a\nANSWER: A\n")
    assert [(e.line, "not started" in e.message) for e in p.errors] == [(1, True), (2, True)]


def test_too_few_options():
    p = aiken("Q?\nA) a\nANSWER: A\n")
    assert p.questions == [] and "at least 2 options" in p.errors[0].message and p.errors[0].line == 3


def test_new_stem_before_answer_discards_the_open_question():
    p = aiken("Q1?\nA) a\nB) b\nQ2?\nA) c\nB) d\nANSWER: A\n")
    assert [q.text for q in p.questions] == ["Q2?"]
    assert p.errors[0].line == 4 and p.errors[0].question == "Q1?"


def test_unterminated_last_question_is_an_error_not_silent():
    p = aiken("Q1?\nA) a\nB) b\nANSWER: A\nQ2?\nA) c\nB) d\n")
    assert [q.text for q in p.questions] == ["Q1?"]
    assert p.errors[0].line == 5 and "no 'ANSWER:' line" in p.errors[0].message


def test_chinese_punctuation_is_reported_precisely():
    p = aiken("哪一项正确？\nA、 甲\nB） 乙\nANSWER：A\n")
    lines = [e.line for e in p.errors]
    assert lines == [2, 3, 4]
    assert "must start with a capital letter and ')' or '.'" in p.errors[0].message
    assert "must be written 'ANSWER: X'" in p.errors[2].message


def test_stem_starting_like_an_option_is_misread_as_moodle_does():
    p = aiken("A. Smith wrote what?\nA) x\nB) y\nANSWER: A\n")
    assert p.questions == [] and "not started" in p.errors[0].message


def test_export_only_single_answer_multichoice():
    mc = Question("multichoice", "n", "Capital of France?", answers=[Answer("Paris", 1), Answer("Rome", 0)])
    multi = Question("multichoice", "m", "Pick", single=False, answers=[Answer("a", 0.5), Answer("b", 0.5)])
    partial = Question("multichoice", "p", "Pick", answers=[Answer("a", 1), Answer("b", 0.5)])
    tf = Question("truefalse", "t", "True?", answers=[Answer("true", 1), Answer("false", 0)])
    assert [exportable(q, "aiken") for q in (mc, multi, partial, tf)] == [True, False, False, False]
    data = export([mc, multi, partial, tf], "aiken").decode()
    assert data == "Capital of France?\nA) Paris\nB) Rome\nANSWER: A\n"


def test_export_plain_text_on_one_line():
    q = Question("multichoice", "n", "<p>Which <b>one</b>?</p>\n<p>Really &amp; truly</p>",
                 answers=[Answer("<i>x</i>", 0), Answer("y\nz", 1)])
    assert export([q], "aiken").decode() == "Which one? Really & truly\nA) x\nB) y z\nANSWER: B\n"
