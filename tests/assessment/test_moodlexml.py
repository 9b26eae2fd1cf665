"""Moodle XML, the edge cases of ../shared/FORMAT_SPEC_NOTES.md §2 (Moodle's qformat_xml)."""

import base64

import pytest

from kamtrain.assessment.formats import export, parse

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _transaction():
    """Pure functions: no application, no database (overrides the suite's per-test transaction)."""
    yield


def xml(body, prolog='<?xml version="1.0" encoding="UTF-8"?>\n'):
    return parse((prolog + body).encode("utf-8"), "t.xml", format="moodlexml")


def quiz(*questions):
    return xml("<quiz>\n" + "\n".join(questions) + "\n</quiz>\n")


def question(qtype, inner="", name="N", text="Text", fmt="html"):
    return (f'<question type="{qtype}"><name><text>{name}</text></name>'
            f'<questiontext format="{fmt}"><text>{text}</text></questiontext>{inner}</question>')


def answer(fraction, text, feedback="", extra=""):
    return (f'<answer fraction="{fraction}"><text>{text}</text><feedback><text>{feedback}</text></feedback>{extra}'
            "</answer>")


def one(*questions):
    p = quiz(*questions)
    assert p.errors == [], p.errors
    [q] = p.questions
    return q


def test_multichoice_defaults_and_options():
    q = one(question("multichoice", answer(100, "a", "yes") + answer(0, "b")))
    assert (q.single, q.shuffle, q.numbering) == (True, False, "abc")  # Moodle: shuffleanswers defaults to false
    q = one(question("multichoice", "<single>false</single><shuffleanswers>1</shuffleanswers>"
                                    "<answernumbering></answernumbering>" + answer(50, "a") + answer(50, "b")))
    assert (q.single, q.shuffle, q.numbering) == (False, True, "abc")


@pytest.mark.parametrize("value, single", [("true", True), ("1", True), ("false", False), ("0", False), ("", False)])
def test_single_variants(value, single):
    q = one(question("multichoice", f"<single>{value}</single>" + answer(100, "a") + answer(0, "b")))
    assert q.single is single


def test_combined_feedback_and_formats():
    q = one(question("multichoice", "<correctfeedback><text>Well done</text></correctfeedback>"
                                    "<incorrectfeedback><text>No</text></incorrectfeedback>"
                     + answer(100, "a") + answer(0, "b"), fmt="moodle_auto_format"))
    assert (q.correct_feedback, q.incorrect_feedback, q.text_format) == ("Well done", "No", "moodle")


@pytest.mark.parametrize("attr, fmt", [("html", "html"), ("moodle_auto_format", "moodle"), ("plain_text", "plain"),
                                       ("markdown", "markdown")])
def test_text_formats(attr, fmt):
    assert one(question("essay", fmt=attr)).text_format == fmt


def test_unknown_format_is_html_with_a_warning():
    p = quiz(question("essay", fmt="fancy"))
    assert p.questions[0].text_format == "html" and "unknown text format 'fancy'" in p.warnings[0].message


def test_common_fields():
    q = one(question("essay", "<generalfeedback><text>gf</text></generalfeedback><defaultgrade>2.5</defaultgrade>"
                              "<penalty>0.33</penalty><idnumber>X-1</idnumber>"
                              "<tags><tag><text>a</text></tag><tag><text>b</text></tag></tags>"))
    assert (q.general_feedback, q.default_mark, q.penalty, q.idnumber, q.tags) == ("gf", 2.5, 0.3333333, "X-1",
                                                                                   ["a", "b"])


def test_cdata_html():
    q = one(question("essay", text="<![CDATA[<p>a &amp; <b>b</b></p>]]>"))
    assert q.text == "<p>a &amp; <b>b</b></p>"


def test_files_base64_with_path():
    blob = base64.b64encode(b"Moodle").decode()
    q = one(question("essay", text='<![CDATA[<a href="@@PLUGINFILE@@/myfolder/moodle.txt">x</a>]]></text>'
                                   f'<file name="moodle.txt" path="/myfolder/" encoding="base64">{blob}</file><text>'))
    assert q.files == {"myfolder/moodle.txt": b"Moodle"}


def test_missing_file_warns():
    p = quiz(question("essay", text='<![CDATA[<img src="@@PLUGINFILE@@/gone.png">]]>'))
    assert "'gone.png' is referenced" in p.warnings[0].message


def test_truefalse():
    q = one(question("truefalse", answer(0, "true", "no") + answer(100, "false", "yes")))
    assert q.truefalse_answer is False
    assert {a.text: a.feedback for a in q.answers} == {"true": "no", "false": "yes"}


def test_truefalse_old_style_answers_warn():
    p = quiz(question("truefalse", answer(100, "Wahr") + answer(0, "Falsch")))
    assert p.questions[0].truefalse_answer is True
    assert "not literally 'true' and 'false'" in p.warnings[0].message


def test_shortanswer_usecase():
    q = one(question("shortanswer", "<usecase>1</usecase>" + answer(100, "Beta") + answer(0, "*")))
    assert q.case_sensitive and [a.text for a in q.answers] == ["Beta", "*"]


def test_numerical_with_units():
    q = one(question("numerical", answer(100, "1500", extra="<tolerance>10</tolerance>") + answer(0, "*")
                     + "<units><unit><multiplier>1</multiplier><unit_name>m</unit_name></unit>"
                       "<unit><multiplier>0.001</multiplier><unit_name>km</unit_name></unit></units>"
                       "<unitgradingtype>1</unitgradingtype><unitpenalty>0.2</unitpenalty>"))
    assert [(a.text, a.tolerance) for a in q.answers] == [("1500", 10.0), ("*", 0.0)]
    assert [(u.name, u.multiplier) for u in q.units] == [("m", 1.0), ("km", 0.001)]
    assert (q.unit_grading_type, q.unit_penalty) == (1, 0.2)


def test_numerical_answer_not_a_number_is_an_error():
    p = quiz(question("numerical", answer(100, "1,5")))
    assert "'1,5' is not a number" in p.errors[0].message and p.errors[0].line == 3  # after the prolog and <quiz>


@pytest.mark.parametrize("qtype", ["matching", "match"])
def test_matching_and_alias(qtype):
    sub = "".join(f"<subquestion><text>{s}</text><answer><text>{a}</text></answer></subquestion>"
                  for s, a in [("A", "a"), ("B", "b"), ("", "c")])
    q = one(question(qtype, sub))
    assert q.qtype == "matching" and [(p.stem, p.answer) for p in q.pairs] == [("A", "a"), ("B", "b"), ("", "c")]
    assert q.shuffle is True


def test_essay_fields():
    q = one(question("essay", "<responseformat>monospaced</responseformat><responserequired>0</responserequired>"
                              "<responsefieldlines>42</responsefieldlines><minwordlimit>10</minwordlimit>"
                              "<maxwordlimit>20</maxwordlimit><graderinfo format=\"html\"><text>rubric</text>"
                              "</graderinfo><responsetemplate><text>tpl</text></responsetemplate>"))
    assert (q.response_format, q.response_required, q.response_lines, q.min_words, q.max_words, q.grader_info,
            q.response_template) == ("monospaced", False, 42, 10, 20, "rubric", "tpl")


def test_description_has_mark_zero():
    assert one(question("description", "<defaultgrade>1</defaultgrade>")).default_mark == 0


@pytest.mark.parametrize("qtype", ["cloze", "multianswer"])
def test_cloze_and_alias(qtype):
    q = one(f'<question type="{qtype}"><name><text>C</text></name><questiontext><text>'
            "The {1:SHORTANSWER:Dog#Wrong~=Owl#Well done} and the {2:MC:Bow~=Cat}</text></questiontext></question>")
    assert q.qtype == "cloze" and q.text == "The {#1} and the {#2}" and q.default_mark == 3


def test_category_question_and_info():
    p = quiz('<question type="category"><category><text>$course$/top/A/B</text></category>'
             '<info format="html"><text>About</text></info></question>', question("essay"))
    assert p.categories == ["top/A/B"] and p.questions[0].category == "top/A/B"


def test_question_without_name_is_an_error():
    p = quiz('<question type="essay"><questiontext><text>x</text></questiontext></question>')
    assert "xmlimportnoname" in p.errors[0].message


@pytest.mark.parametrize("qtype", ["calculated", "calculatedsimple", "calculatedmulti", "ddwtos", "gapselect"])
def test_unsupported_types_are_errors_with_position(qtype):
    p = quiz(question("essay"), question(qtype, name="Calc"))
    assert [q.qtype for q in p.questions] == ["essay"]
    [error] = p.errors
    assert (error.line, error.question) == (4, "Calc") and f"'{qtype}' is not supported" in error.message


def test_an_unsupported_question_without_a_name_is_placed_by_line_and_column_only():
    p = quiz(question("essay"), '<question type="ddmatch"><questiontext><text>x</text></questiontext></question>')
    [error] = p.errors
    assert (error.line, error.question) == (4, None) and error.column is not None
    assert error.as_dict()["question"] is None  # no made-up English label in any language


def test_not_well_formed_is_one_error_with_line_and_column():
    p = xml("<quiz>\n<question type='essay'>\n<name><text>x</name>\n</question></quiz>")
    [error] = p.errors
    assert (error.line, error.column) == (4, 16) and "mismatched tag" in error.message and p.questions == []


@pytest.mark.parametrize("doc", [
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><quiz>&lol2;</quiz>',
    '<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><quiz>&xxe;</quiz>',
    '<!DOCTYPE quiz SYSTEM "http://example.invalid/quiz.dtd"><quiz/>',
])
def test_dtd_and_entities_are_refused(doc):
    p = xml(doc)
    assert p.questions == [] and "not allowed" in p.errors[0].message


def test_undefined_entity_is_not_well_formed():
    p = xml("<quiz><question type='essay'><name><text>&nbsp;</text></name></question></quiz>")
    assert "undefined entity" in p.errors[0].message


def test_wrong_root():
    assert "root element is <html>" in xml("<html/>").errors[0].message


def test_text_with_elements_is_an_error():
    p = quiz(question("essay", text="<b>x</b>"))
    assert "contains XML elements" in p.errors[0].message


def test_declared_other_encoding_warns_but_reads_utf8():
    p = xml('<quiz>' + question("essay", text="中文") + "</quiz>", prolog='<?xml version="1.0" encoding="GBK"?>')
    assert p.questions[0].text == "中文" and 'encoding="GBK"' in p.warnings[0].message


def test_invalid_fraction_is_an_error():
    p = quiz(question("multichoice", answer(100, "a") + answer("abc", "b")))
    assert "fraction 'abc' is not a number" in p.errors[0].message


def test_export_like_moodle_and_back():
    q = one(question("multichoice", "<single>false</single>" + answer(50, "<![CDATA[<b>1</b>]]>", "f")
                     + answer(50, "2") + answer(-100, "3")))
    data = export([q], "moodlexml").decode()
    assert data.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n')
    assert '<answer fraction="50" format="html">' in data and "<text><![CDATA[<b>1</b>]]></text>" in data
    assert xml(data, prolog="").questions == [q]


def test_export_cdata_end_marker():
    q = one(question("essay", text="<![CDATA[if (x[[0]]]]><![CDATA[>a) print('hah');]]>"))
    assert q.text == "if (x[[0]]>a) print('hah');"
    assert xml(export([q], "moodlexml").decode(), prolog="").questions == [q]
