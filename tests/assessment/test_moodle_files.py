"""Moodle's own example and fixture files (tests/assessment/fixtures/moodle/, see its README) read
with Moodle's counts. Each expected count says where it comes from: a Moodle test or behat
scenario when there is one, otherwise a count by hand following Moodle's parser."""

from pathlib import Path

import pytest

from kamtrain.assessment.formats import parse

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _transaction():
    """Pure functions: no application, no database (overrides the suite's per-test transaction)."""
    yield

FIXTURES = Path(__file__).parent / "fixtures" / "moodle"


def read(name, **kwargs):
    return parse((FIXTURES / name).read_bytes(), name, **kwargs)


def counts(parsed):
    return {k: v for k, v in parsed.report()["by_type"].items() if v}


def test_gift_examples_txt():
    """question/format/gift/examples.txt has no Moodle test of its own. Counted by hand with
    qformat_default::readquestions (blank lines separate questions; blocks of comments only give
    nothing) and qformat_gift::readquestion's type detection: 43 questions — 18 multiple choice
    (the two "What two people are entombed" questions have no '=' and are multiple-answer),
    5 true/false, 9 short answer, 8 numerical, 3 matching; no errors."""
    p = read("examples.txt")
    assert p.format == "gift" and p.errors == [] and p.warnings == []
    assert len(p.questions) == 43
    assert counts(p) == {"multichoice": 18, "truefalse": 5, "shortanswer": 9, "numerical": 8, "matching": 3}
    r = p.report()
    assert (r["multichoice_single"], r["multichoice_multi"]) == (16, 2)
    assert r["categories"] == ["top"]
    by_name = {q.name: q for q in p.questions}
    control = by_name["GIFT Control Characters"]
    assert [a.text for a in control.answers] == ["~", "=", "#", "{", "}", "\\"]
    assert [a.fraction for a in control.answers] == [0, 0, 0, 0, 0, 1]
    assert control.answers[5].feedback.startswith("Correct! \\ (backslash) is not a control character. BUT,\nit")
    pi = [q for q in p.questions if q.text.startswith("What is the value of pi")]
    assert [(a.text, a.tolerance) for q in pi for a in q.answers] == [("3.1415", 0.0005), ("3.1415", 0.0005)]
    assert pi[0].text.endswith("_____.")  # missing-word format: the answer block is replaced
    markdown = [q for q in p.questions if q.text_format == "markdown"]
    assert [q.text for q in markdown] == ["Who's buried in **Grant's tomb**?"]


def test_gift_fixture_questions():
    """Moodle's behat scenario (question/format/gift/tests/behat/import_export.feature): "Importing 9
    questions from file" for questions.gift.txt."""
    p = read("questions.gift.txt")
    assert p.errors == []
    assert len(p.questions) == 9
    assert counts(p) == {"multichoice": 2, "truefalse": 3, "shortanswer": 1, "numerical": 1, "matching": 1,
                         "essay": 1}
    q = {x.name: x for x in p.questions}
    # giftformat_test::test_import_match
    assert q["Moodle activities"].text == "Match the <b>activity</b> to the description."
    assert q["Moodle activities"].text_format == "html"
    assert [(m.stem, m.answer) for m in q["Moodle activities"].pairs][-1] == ("", "Chat")
    # giftformat_test::test_import_multichoice_multi: weights 0.5, -1, 0.5, -1, single 0
    colours = q["colours"]
    assert not colours.single and [a.fraction for a in colours.answers] == [0.5, -1, 0.5, -1]
    assert [a.feedback for a in colours.answers] == ["right; good!", "wrong", "right; good!", "wrong"]
    # giftformat_test::test_import_numerical: {#3:2~#Completely wrong}
    assert [(a.text, a.fraction, a.tolerance, a.feedback) for a in q["Q5"].answers] == [
        ("3", 1, 2, ""), ("*", 0, 0, "Completely wrong")]
    # giftformat_test::test_import_truefalse: FALSE#wrong#right → feedback for true is the first
    tf = q["Q1"]
    assert tf.truefalse_answer is False and tf.penalty == 1
    assert tf.answers[0].feedback == "42 is the Ultimate Answer." and tf.answers[1].feedback == \
        "You gave the right answer."
    assert tf.general_feedback == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    # giftformat_test::test_import_shortanswer
    assert [(a.text, a.fraction) for a in q["Shortanswer"].answers] == [("Frog", 1), ("Cat", 0.5), ("*", 0)]


def test_gift_fixture_with_category():
    """behat: "Importing 4 questions from file"; the category $course$/Default for New Features is
    filed under top (Moodle ≥ 3.5)."""
    p = read("questions_in_category.gift.txt")
    assert p.errors == []
    assert len(p.questions) == 4
    assert p.categories == ["top/Default for New Features"]
    assert {q.category for q in p.questions} == {"top/Default for New Features"}
    greeting = next(q for q in p.questions if q.name == "Greeting")
    assert greeting.text.startswith('<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this '
                                    "greeting:</a>")


def test_gift_fixture_not_utf8_is_refused():
    """behat: "The file you selected does not use UTF-8 character encoding. GIFT format files must
    use UTF-8." The byte 0xF6 ('ö' in Windows-1252) is on line 15."""
    p = read("questions_encoding_windows-1252.gift.txt")
    assert p.questions == [] and p.encoding is None
    [error] = p.errors
    assert error.line == 15
    assert "invalid byte 0xF6 at byte offset 339" in error.message
    assert "Windows-1252" in error.message


def test_aiken_fixture_questions():
    """behat (aiken_import.feature): "Importing 2 questions from file"."""
    p = read("questions.aiken.txt")
    assert p.format == "aiken" and p.errors == []
    assert counts(p) == {"multichoice": 2}
    first, second = p.questions
    assert [a.fraction for a in first.answers] == [0, 1, 0, 0]
    assert second.text == "Moodle's abilities include handling user input that includes &lt;html class=\"cool\"&gt; " \
                          "&amp; images:"


def test_aiken_fixture_errors():
    """aikenformat_test::test_readquestions: 2 questions and errors on lines 3, 5, 7 and 18."""
    p = read("aiken_errors.txt")
    assert [q.name for q in p.questions] == ["A good question", "A second good question"]
    assert [e.line for e in p.errors] == [3, 5, 7, 18]
    assert "at least 2 options" in p.errors[0].message and p.errors[0].question == "A question with too few answers"
    assert "not started" in p.errors[1].message and "not started" in p.errors[2].message
    assert "not completed" in p.errors[3].message
    assert p.errors[3].question == "A question started but not finished"
    second = p.questions[1]
    assert [a.text for a in second.answers] == ["Incorrect (No space)", "Correct (No space)"]
    assert [a.fraction for a in second.answers] == [0, 1]


def test_xml_old_format_file():
    """qformat_xml_import_export_test::test_import_old_format: Pi Question in Pi, Rho Question in
    Rho, Rho a child of Pi, Pi a child of top."""
    p = read("old_format_file.xml")
    assert p.errors == []
    assert [(q.name, q.category) for q in p.questions] == [("Pi Question", "top/Pi"), ("Rho Question", "top/Pi/Rho")]
    assert all(q.qtype == "truefalse" and q.truefalse_answer for q in p.questions)


def test_xml_categories_in_reverse_order():
    """test_import_categories_in_reverse_order: Tau Question in Sigma/Tau, Sigma Question in Sigma."""
    p = read("categories_reverse_order.xml")
    assert p.errors == []
    assert [(q.name, q.qtype, q.category) for q in p.questions] == [
        ("Tau Question", "essay", "top/Sigma/Tau"), ("Sigma Question", "shortanswer", "top/Sigma")]
    assert p.categories == ["top/Sigma/Tau", "top/Sigma"]


@pytest.mark.parametrize("name, idnumber", [("export_category.xml", None), ("html_chars_in_idnumbers.xml", "T & F")])
def test_xml_alpha_question(name, idnumber):
    """The files Moodle's export tests compare against: one true/false question in Alpha."""
    p = read(name)
    assert p.errors == []
    [q] = p.questions
    assert (q.name, q.qtype, q.category, q.idnumber, q.penalty) == ("Alpha Question", "truefalse", "top/Alpha",
                                                                      idnumber, 1.0)


def test_xml_invalid_grades():
    """test_importprocess 'Import with invalid grades': the grade 0.33 is refused for the question
    'Question with invalid grades : x > 1 & x < 2' and nothing is imported."""
    p = read("error_invalid_grades.xml")
    [error] = p.errors
    assert error.question == "Question with invalid grades : x > 1 & x < 2"
    assert "33%" in error.message and "not a grade Moodle accepts" in error.message
    assert error.line == 38  # the <answer fraction="33"> element


def test_xml_broken_cloze_questions():
    """test_import_broken_multianswer_questions: no question is imported; the errors name a missing
    embedded answer, too few choices, a non-number and no 100% answer."""
    p = read("broken_cloze_questions.xml")
    assert p.questions == []
    assert [e.line for e in p.errors] == [8, 24, 40, 56, 72]  # each <questiontext>
    messages = " ".join(e.message for e in p.errors)
    for expected in ("must include at least one embedded answer", "requires at least 2 choices",
                     "must be a number", "score of 100%"):
        assert expected in messages
    assert all(e.message.startswith("invalid embedded answers (Cloze) question") for e in p.errors)


def test_xml_multianswer_with_images():
    """xmlformat_test::test_import_multianswer shows how fields become {#1}…; this file has five
    fields (weights 1 each, so the mark is 5) and three images."""
    p = read("multianswer.xml")
    assert p.errors == []
    [q] = p.questions
    assert q.qtype == "cloze" and q.default_mark == 5
    assert [f.kind for f in q.fields] == ["multichoice"] * 4 + ["shortanswer"]
    assert "{#1}" in q.text and "{#5}" in q.text and "MULTICHOICE" not in q.text
    assert sorted(q.files) == ["arizona_2.png", "california-state-flag.png", "moodle.png"]
    assert all(blob.startswith(b"\x89PNG") for blob in q.files.values())
    assert [(a.text, a.fraction) for a in q.fields[4].answers] == [("Paris", 1), ("Marseille", 0.5), ("*", 0)]


def test_xml_old_image_tag():
    """Moodle 1.9 <image>/<image_base64>: the picture is kept as a file and appended as <img>."""
    p = read("sample_questions_with_old_image_tag.xml")
    assert p.errors == []
    assert [q.qtype for q in p.questions] == ["cloze", "multichoice"]
    for q in p.questions:
        assert q.text.endswith('<img src="@@PLUGINFILE@@/moodle.png" />')
        assert q.files["moodle.png"].startswith(b"\x89PNG")
    mc = p.questions[1]
    assert [a.text for a in mc.answers] == ["wrong answer", "another wrong answer", "right answer"]
    assert mc.penalty == 0.1
