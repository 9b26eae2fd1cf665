"""GIFT, one edge case of ../shared/FORMAT_SPEC_NOTES.md §1 at a time (Moodle's qformat_gift)."""

import pytest

from kamtrain.assessment.formats import export, parse

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _transaction():
    """Pure functions: no application, no database (overrides the suite's per-test transaction)."""
    yield


def gift(text, **kwargs):
    return parse(text.encode("utf-8"), "t.gift", format="gift", **kwargs)


def one(text):
    p = gift(text)
    assert p.errors == [], p.errors
    [q] = p.questions
    return q


def messages(findings):
    return [(f.line, f.message) for f in findings]


# ------------------------------------------------------------------------------------ file level

def test_bom_is_stripped_and_reported_as_utf8_sig():
    p = parse("\ufeff::Q::x{T}".encode(), "t.gift")
    assert p.encoding == "utf-8-sig" and p.questions[0].name == "Q"


def test_old_mac_line_ends_split_on_cr():
    p = gift("Q1{T}\r\rQ2{F}\r")
    assert [q.text for q in p.questions] == ["Q1", "Q2"]
    assert [q.line for q in p.questions] == [1, 3]


def test_crlf_line_ends():
    p = gift("// [id:a]\r\nQ1{T}\r\n\r\nQ2\r\n{F}\r\n")
    assert [(q.text, q.line, q.idnumber) for q in p.questions] == [("Q1", 2, "a"), ("Q2", 4, None)]


def test_blank_lines_separate_questions_and_lines_are_trimmed():
    p = gift("   Q1 {T}   \n\t\n  Q2\n  {F}")
    assert [q.text for q in p.questions] == ["Q1", "Q2"]


def test_line_of_only_zero_is_blank_like_php_empty():
    p = gift("Q1 {T}\n0\nQ2 {F}")
    assert len(p.questions) == 2
    assert messages(p.warnings) == [(2, "a line holding only '0' ends the question here (Moodle treats it as a "
                                        "blank line); write it as part of a longer line")]


def test_empty_file_is_an_error():
    p = gift("// only a comment\n\n")
    assert [e.message for e in p.errors] == ["the file contains no questions"]


# ------------------------------------------------------------------------------------ comments, id, tags

def test_comments_give_idnumber_and_tags():
    q = one("// [tag:  basic] Here is\n// a [id:   four   ] que[tag:add   ]stion. [id:second]\n::N::Q{T}")
    assert q.idnumber == "four" and q.tags == ["basic", "add"]


def test_escaped_bracket_in_idnumber_and_tag():
    q = one("// [id:i\\]d] [tag:t\\]ag]\nQ{T}")
    assert (q.idnumber, q.tags) == ("i]d", ["t]ag"])


def test_block_of_comments_only_gives_nothing():
    p = gift("// one\n// two\n\nQ{T}")
    assert len(p.questions) == 1 and p.errors == [] and p.warnings == []


def test_comment_between_lines_of_a_question():
    q = one("Q\n// note\n{=a ~b}")
    assert q.text == "Q" and q.qtype == "multichoice"


# ------------------------------------------------------------------------------------ escapes

def test_escapes():
    q = one("::a\\:b:: 1\\{2\\}3 \\#4 \\~5 \\=6\\n7 \\\\8 \\x{}")
    assert q.name == "a:b"
    assert q.text == "1{2}3 #4 ~5 =6\n7 \\8 \\x"


def test_backslash_before_control_character_is_literal_and_control_stays():
    # "\\=" is a literal backslash followed by a real '=' (Moodle replaces \\ first)
    q = one("Q{=a\\\\=b ~c}")
    assert [(a.text, a.fraction) for a in q.answers] == [("a\\", 1), ("b", 1), ("c", 0)]


# ------------------------------------------------------------------------------------ categories

@pytest.mark.parametrize("line, path", [
    ("$CATEGORY: $course$/top/Sub/Leaf", "top/Sub/Leaf"),
    ("$CATEGORY: $system$/Sub", "top/Sub"),
    ("$CATEGORY: Sub/Leaf", "top/Sub/Leaf"),
    ("$CATEGORY: top", "top"),
    ("$CATEGORY: $module$/top/a//b/c", "top/a//b/c"),  # '//' is a literal slash inside a name
    ("$CATEGORY: $course$/top/top/x", "top/x"),
])
def test_category_paths(line, path):
    p = gift(f"{line}\n\nQ{{T}}")
    assert p.categories == [path] and p.questions[0].category == path


def test_cat_context_marker_is_a_name_with_a_warning():
    p = gift("$CATEGORY: $cat1$/x\n\nQ{T}")
    assert p.questions[0].category == "top/$cat1$/x"
    assert "'$cat1$' is not a context Moodle recognises" in p.warnings[0].message and p.warnings[0].line == 1


def test_default_category_and_switches():
    p = gift("Q0{T}\n\n$CATEGORY: a\n\nQ1{T}\n\n$CATEGORY: b\n\n$CATEGORY: c\n\nQ2{T}", category="$course$/top/start")
    assert [q.category for q in p.questions] == ["top/start", "top/a", "top/c"]
    assert p.categories == ["top/start", "top/a", "top/b", "top/c"]


def test_category_must_be_alone_in_its_block():
    p = gift("$CATEGORY: a\nQ{T}")
    assert p.errors[0].line == 1 and "alone in its block" in p.errors[0].message


# ------------------------------------------------------------------------------------ names and text

def test_title_and_generated_name():
    p = gift("::My name::Text{T}\n\nA question text that is fairly long, " + "x" * 100 + "{T}")
    assert p.questions[0].name == "My name"
    assert p.questions[1].name.startswith("A question text that is fairly long,") and len(p.questions[1].name) <= 80


def test_unclosed_title_warns():
    p = gift("::Oops Text{T}")
    assert "never closed" in p.warnings[0].message


@pytest.mark.parametrize("prefix, fmt", [("[html]", "html"), ("[moodle]", "moodle"), ("[plain]", "plain"),
                                         ("[markdown]", "markdown"), ("", "moodle")])
def test_text_formats(prefix, fmt):
    q = one(f"::N::{prefix}Text{{T}}")
    assert (q.text_format, q.text) == (fmt, "Text")


def test_unknown_format_stays_in_text():
    assert one("[xyz]Text{T}").text == "[xyz]Text"


def test_answer_and_feedback_formats_follow_the_question():
    q = one("[html]Q{=a#[markdown]**fb** ~[plain]b}")
    assert [(a.text, a.feedback) for a in q.answers] == [("a", "**fb**"), ("b", "")]


def test_missing_word_format():
    q = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert q.text == "Grant is _____ in Grant's tomb."


def test_answer_block_at_the_end_is_removed():
    assert one("Who? {=me}").text == "Who?"


def test_general_feedback_last_occurrence():
    q = one("Q{=a####one####two}")
    assert q.general_feedback == "two"
    assert [(a.text, a.feedback) for a in q.answers] == [("a", "###one")]  # the first '#' starts feedback


def test_leftover_braces_warn():
    p = gift("Set {a,b} is {=x}")
    assert p.questions[0].answers[0].text == "a,b"
    assert "still contains '{' or '}'" in p.warnings[0].message


# ------------------------------------------------------------------------------------ types

@pytest.mark.parametrize("block, qtype", [
    ("{}", "essay"), ("{#5}", "numerical"), ("{~a =b}", "multichoice"), ("{=a -> b =c -> d}", "matching"),
    ("{T}", "truefalse"), ("{TRUE#x}", "truefalse"), ("{F}", "truefalse"), ("{FALSE}", "truefalse"),
    ("{=yes}", "shortanswer"), ("{yes}", "shortanswer"), ("{=a ~b -> c}", "multichoice"),
])
def test_type_detection_order(block, qtype):
    assert one("Q" + block).qtype == qtype


def test_description_has_no_braces_and_mark_zero():
    q = one("::D::Just some text")
    assert (q.qtype, q.default_mark) == ("description", 0.0)


def test_essay_with_general_feedback():
    q = one("Write.{####Look for structure.}")
    assert (q.qtype, q.general_feedback) == ("essay", "Look for structure.")


def test_lowercase_true_is_a_short_answer_with_a_warning():
    p = gift("Q{true}")
    assert p.questions[0].qtype == "shortanswer"
    assert "{T}, {TRUE}, {F} or {FALSE}" in p.warnings[0].message


def test_truefalse_feedback_order():
    q = one("Q{TRUE#shown for false#shown for true}")
    assert q.truefalse_answer is True
    assert {a.text: a.feedback for a in q.answers} == {"true": "shown for true", "false": "shown for false"}
    q = one("Q{F#shown for true#shown for false}")
    assert {a.text: a.feedback for a in q.answers} == {"true": "shown for true", "false": "shown for false"}
    assert q.penalty == 1


def test_multichoice_weights_and_single_flag():
    q = one("Q{~%50%a ~%50%b ~%-100%c}")
    assert not q.single and [a.fraction for a in q.answers] == [0.5, 0.5, -1]
    q = one("Q{=a ~%33.33333%b ~c}")
    assert q.single and q.answers[1].fraction == pytest.approx(1 / 3)


def test_right_option_marked_with_tilde_100_makes_multi_answer():
    q = one("Q{~%100%a ~b}")
    assert not q.single


def test_multi_answer_weights_not_100_warns():
    p = gift("Q{~%50%a ~%25%b ~c}")
    assert "add up to 75%, not 100%" in p.warnings[0].message


def test_grade_not_accepted_by_moodle_is_an_error_with_its_line():
    p = gift("Q{\n~%150%a\n=b\n~%33%c\n}")
    assert messages(p.errors)[0][0] == 2 and "150%" in p.errors[0].message
    assert messages(p.errors)[1][0] == 4 and "33%" in p.errors[1].message
    assert all(e.question == "Q" for e in p.errors)


def test_unescaped_equals_inside_option_warns():
    p = gift("Q{\n~5\n=2+2=4\n}")
    assert [a.text for a in p.questions[0].answers] == ["5", "2+2", "4"]
    assert any(w.line == 3 and "is not escaped" in w.message for w in p.warnings)


def test_equals_with_weight_in_multichoice_warns():
    p = gift("Q{=%50%half ~b =c}")
    assert p.questions[0].answers[0].text == "%50%half"
    assert any("write ~%50% for partial credit" in w.message for w in p.warnings)


def test_text_before_first_option_becomes_wrong_option():
    p = gift("Q{lead ~a =b}")
    assert [a.text for a in p.questions[0].answers] == ["lead", "a", "b"]
    assert "before the first ~ or =" in p.warnings[0].message


def test_multichoice_needs_two_options():
    p = gift("Q{~only}")
    assert p.questions == [] and "at least 2 options" in p.errors[0].message


def test_duplicate_options_warn():
    p = gift("Q{=Yes ~yes ~No}")
    assert "appears twice" in p.warnings[0].message


def test_empty_option_warns():
    p = gift("Q{~=a ~b}")
    assert any("option is empty" in w.message for w in p.warnings)


def test_matching_with_distractor_and_errors():
    q = one("Q{=a -> 1 =b -> 2 = -> 3}")
    assert [(p.stem, p.answer) for p in q.pairs] == [("a", "1"), ("b", "2"), ("", "3")]
    p = gift("Q{\n=a -> 1\n=b 2\n}")
    assert (p.errors[0].line, "has no '->'" in p.errors[0].message) == (3, True)


def test_matching_needs_two_items():
    p = gift("Q{=a -> 1 = -> 2 = -> 3}")
    assert "at least 2 items" in p.errors[0].message


def test_shortanswer_weights_wildcard_and_feedback():
    q = one("Q{=Frog#Good! =%50%Ca*#Close =%0%*#No}")
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [("Frog", 1, "Good!"), ("Ca*", 0.5, "Close"),
                                                                     ("*", 0, "No")]


def test_shortanswer_without_full_marks_is_refused():
    p = gift("Q{=%50%a}")
    assert "no answer is worth 100%" in p.errors[0].message


def test_shortanswer_empty_answer_passes_with_a_warning():
    p = gift("Q{=}")
    assert p.errors == [] and "empty" in p.warnings[0].message


def test_numerical_forms():
    q = one("Q{#\n=1822:0#exact\n=%50%1822:2#close\n=%25%1800..1850\n~#no}")
    assert [(a.text, a.fraction, a.tolerance, a.feedback) for a in q.answers] == [
        ("1822", 1, 0, "exact"), ("1822", 0.5, 2, "close"), ("1825", 0.25, 25, ""), ("*", 0, 0, "no")]


def test_numerical_simple_and_range():
    assert [(a.text, a.tolerance) for a in one("Q{#3.141..3.142}").answers] == [("3.1415", 0.0005)]
    assert [(a.text, a.tolerance) for a in one("Q{#-5:0.5}").answers] == [("-5", 0.5)]


def test_numerical_errors():
    p = gift("A{#}\n\nB{#1,5}\n\nC{#1:x}\n\nD{#1..y}")
    assert [(e.line, e.question) for e in p.errors] == [(1, "A"), (3, "B"), (5, "C"), (7, "D")]
    assert "needs at least one answer" in p.errors[0].message
    assert "'1,5' is not a number" in p.errors[1].message
    assert "tolerance 'x'" in p.errors[2].message
    assert "must be two numbers" in p.errors[3].message


def test_brace_errors():
    p = gift("A{=x\n\nB=x}\n\nC}{")
    assert [e.line for e in p.errors] == [1, 3, 5]
    assert all("brace error" in e.message for e in p.errors)


def test_every_error_is_reported_not_just_the_first():
    p = gift("A{=x\n\nB{~only}\n\nC{#abc}\n\nD{T}\n\nE{~%7%a =b}")
    assert [e.line for e in p.errors] == [1, 3, 5, 9]
    assert [q.name for q in p.questions] == ["D", "E"]


def test_empty_question_text_warns():
    p = gift("{=a ~b}")
    assert p.warnings[0].message == "the question text is empty"


def test_defaults():
    q = one("Q{=a ~b}")
    assert (q.default_mark, q.penalty, q.shuffle, q.numbering, q.category) == (1.0, 0.3333333, True, "abc", "top")


# ------------------------------------------------------------------------------------ export

def test_export_escapes_and_reads_back():
    q = one("::Na\\:me::[html]A \\{b\\} \\=c \\~d \\#e \\\\ f\\ng{=x\\=y#fb\\#1 ~z}")
    data = export([q], "gift").decode()
    assert "A \\{b\\} \\=c \\~d \\#e \\\\ f\\ng" in data
    again = gift(data)
    assert again.errors == [] and again.questions == [q]


def test_export_writes_category_switches():
    p = gift("$CATEGORY: a\n\nQ1{T}\n\n$CATEGORY: b//c\n\nQ2{T}")
    data = export(p.questions, "gift").decode()
    assert "$CATEGORY: $course$/top/a\n" in data and "$CATEGORY: $course$/top/b//c\n" in data
    assert gift(data).questions == p.questions


def test_export_numerical_like_moodle():
    q = one("::Q5::What is a number from 1 to 5?{#3:2~#Completely wrong}")
    assert export([q], "gift").decode() == "$CATEGORY: $course$/top\n\n::Q5::What is a number from 1 to 5?{#\n" \
                                           "\t=%100%3:2#\n\t~#Completely wrong\n}\n\n"


def test_columns_count_indentation_and_escapes():
    p = gift("::R:: \\:\\: y {#1,5}\n\n::Q::x{\n   =a\n  ~%150%b\n}")
    assert [(e.line, e.column) for e in p.errors] == [(1, 16), (5, 4)]
