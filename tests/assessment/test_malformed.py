"""A broad set of malformed files: each problem is reported (never raised, never silently dropped)
at the right line, with the question it belongs to."""

import pytest

from kamtrain.assessment.formats import parse

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _transaction():
    """Pure functions: no application, no database (overrides the suite's per-test transaction)."""
    yield

GOOD_GIFT = "::Good::A good question {=yes ~no}\n\n"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'

# (id, format, file content, severity, line, question name or None, part of the message)
CASES = [
    # ---- GIFT
    ("gift-open-brace", "gift", GOOD_GIFT + "::Q::Which?{=a ~b\n", "error", 3, "Q", "'{' has no closing '}'"),
    ("gift-close-brace", "gift", GOOD_GIFT + "::Q::Which?\n=a ~b}\n", "error", 4, "Q", "'}' has no opening '{'"),
    ("gift-reversed-braces", "gift", "::Q::a } b {=c}\n", "error", 1, "Q", "'}' comes before '{'"),
    ("gift-one-option", "gift", GOOD_GIFT + "::Q::x{\n~only\n}\n", "error", 3, "Q", "at least 2 options"),
    ("gift-grade-150", "gift", GOOD_GIFT + "::Q::x{\n=a\n~%150%b\n}\n", "error", 5, "Q", "150% is not a grade"),
    ("gift-grade-33", "gift", "::Q::x{\n~%33%a\n~%67%b\n}\n", "error", 2, "Q", "33% is not a grade"),
    ("gift-weight-not-number", "gift", "::Q::x{~%--50%a =b}\n", "error", 1, "Q", "'%--50%' is not a number"),
    ("gift-matching-no-arrow", "gift", "::Q::x{\n=a -> 1\n=b -> 2\n=c 3\n}\n", "error", 4, "Q", "has no '->'"),
    ("gift-matching-one-pair", "gift", "::Q::x{=a -> 1 = -> 2}\n", "error", 1, "Q", "at least 2 items"),
    ("gift-numerical-comma", "gift", GOOD_GIFT + "::Q::x{#\n=12,5:0.1\n}\n", "error", 4, "Q", "'12,5' is not a number"),
    ("gift-numerical-tolerance", "gift", "::Q::x{#12:abc}\n", "error", 1, "Q", "tolerance 'abc'"),
    ("gift-numerical-range", "gift", "::Q::x{#1..many}\n", "error", 1, "Q", "must be two numbers"),
    ("gift-numerical-empty", "gift", "::Q::x{#}\n", "error", 1, "Q", "at least one answer"),
    ("gift-shortanswer-no-full-marks", "gift", "::Q::x{=%50%a =%50%b}\n", "error", 1, "Q", "no answer is worth 100%"),
    ("gift-category-not-alone", "gift", "$CATEGORY: a\n::Q::x{T}\n", "error", 1, None, "alone in its block"),
    ("gift-equals-in-text", "gift", "::Q::x{\n~4\n=2+2=4\n}\n", "warning", 3, "Q", "is not escaped"),
    ("gift-multi-weights-sum", "gift", "::Q::x{~%50%a ~%30%b ~c}\n", "warning", 1, "Q", "add up to 80%"),
    ("gift-duplicate-option", "gift", "::Q::x{\n=Paris\n~paris\n~Rome\n}\n", "warning", 3, "Q", "appears twice"),
    ("gift-empty-text", "gift", GOOD_GIFT + "::Q::{=a ~b}\n", "warning", 3, "Q", "question text is empty"),
    ("gift-cat-marker", "gift", "$CATEGORY: $cat2$/x\n\n::Q::x{T}\n", "warning", 1, None, "'$cat2$' is not a context"),
    ("gift-lowercase-true", "gift", "::Q::x{true}\n", "warning", 1, "Q", "{T}, {TRUE}, {F} or {FALSE}"),
    ("gift-zero-line", "gift", "::Q::x{=a ~b}\n0\n::R::y{T}\n", "warning", 2, None, "only '0'"),
    ("gift-leftover-brace", "gift", "::Q::Set {a} is {=b}\n", "warning", 1, "Q", "still contains '{' or '}'"),
    ("gift-unclosed-name", "gift", "::Q x{T}\n", "warning", 1, None, "never closed"),
    ("gift-missing-image", "gift", "::Q::[html]<img src=\"@@PLUGINFILE@@/a.png\">{T}\n", "warning", 1, "Q",
     "'a.png' is referenced"),
    # ---- Moodle XML
    ("xml-not-well-formed", "moodlexml", XML_HEAD + "<question type=\"essay\">\n<name><text>Q</text>\n</question>\n"
     "</quiz>", "error", 5, None, "mismatched tag"),
    ("xml-unclosed", "moodlexml", XML_HEAD + "<question type=\"essay\">", "error", 3, None, "not well-formed"),
    ("xml-dtd", "moodlexml", '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "b">]>\n<quiz/>', "error", 2, None,
     "not allowed"),
    ("xml-wrong-root", "moodlexml", '<?xml version="1.0"?>\n<questions/>', "error", 2, None, "root element"),
    ("xml-no-name", "moodlexml", XML_HEAD + '<question type="essay">\n<questiontext><text>t</text></questiontext>\n'
     "</question>\n</quiz>", "error", 3, "t", "xmlimportnoname"),
    ("xml-unsupported-type", "moodlexml", XML_HEAD + '<question type="calculated"><name><text>Calc</text></name>'
     "</question>\n</quiz>", "error", 3, "Calc", "'calculated' is not supported"),
    ("xml-unknown-type", "moodlexml", XML_HEAD + '<question type="hotspot"><name><text>H</text></name></question>'
     "\n</quiz>", "error", 3, "H", "unknown question type 'hotspot'"),
    ("xml-bad-fraction", "moodlexml", XML_HEAD + '<question type="multichoice"><name><text>M</text></name>\n'
     '<answer fraction="100"><text>a</text></answer>\n<answer fraction="x"><text>b</text></answer>\n</question>'
     "\n</quiz>", "error", 5, "M", "fraction 'x' is not a number"),
    ("xml-invalid-grade", "moodlexml", XML_HEAD + '<question type="shortanswer"><name><text>S</text></name>\n'
     '<answer fraction="100"><text>a</text></answer>\n<answer fraction="45"><text>b</text></answer>\n</question>'
     "\n</quiz>", "error", 5, "S", "45% is not a grade"),
    ("xml-numerical-not-number", "moodlexml", XML_HEAD + '<question type="numerical"><name><text>N</text></name>\n'
     '<answer fraction="100"><text>twelve</text></answer>\n</question>\n</quiz>', "error", 4, "N",
     "'twelve' is not a number"),
    ("xml-bad-base64", "moodlexml", XML_HEAD + '<question type="essay"><name><text>E</text></name>\n<questiontext>'
     '<text>t</text>\n<file name="a.png" encoding="base64">@@@</file></questiontext>\n</question>\n</quiz>', "error",
     5, "E", "not valid base64"),
    ("xml-cloze-no-fields", "moodlexml", XML_HEAD + '<question type="cloze"><name><text>C</text></name>\n'
     "<questiontext><text>no fields</text></questiontext>\n</question>\n</quiz>", "error", 4, "C",
     "at least one embedded answer"),
    ("xml-cloze-no-right-answer", "moodlexml", XML_HEAD + '<question type="cloze"><name><text>C</text></name>\n'
     "<questiontext><text>{1:MC:a~b}</text></questiontext>\n</question>\n</quiz>", "error", 4, "C", "score of 100%"),
    ("xml-html-not-in-cdata", "moodlexml", XML_HEAD + '<question type="essay"><name><text>E</text></name>\n'
     "<questiontext><text><p>x</p></text></questiontext>\n</question>\n</quiz>", "error", 4, "E",
     "contains XML elements"),
    ("xml-truefalse-no-answers", "moodlexml", XML_HEAD + '<question type="truefalse"><name><text>T</text></name>'
     "</question>\n</quiz>", "error", 3, "T", "needs answers 'true' and 'false'"),
    ("xml-cloze-typo", "moodlexml", XML_HEAD + '<question type="cloze"><name><text>C</text></name>\n<questiontext>'
     "<text>{1:SA:=a} {1:MULTICHOCE:=b~c}</text></questiontext>\n</question>\n</quiz>", "warning", 4, "C",
     "looks like an embedded answer"),
    # ---- Aiken
    ("aiken-not-started", "aiken", "A) a\nB) b\nANSWER: A\n", "error", 1, None, "not started"),
    ("aiken-too-few", "aiken", "Q?\nA) only\nANSWER: A\n", "error", 3, "Q?", "at least 2 options"),
    ("aiken-not-completed", "aiken", "Q1?\nA) a\nB) b\nQ2?\nA) c\nB) d\nANSWER: B\n", "error", 4, "Q1?",
     "not completed"),
    ("aiken-unterminated", "aiken", "Q1?\nA) a\nB) b\nANSWER: A\n\nQ2?\nA) c\nB) d\n", "error", 6, "Q2?",
     "no 'ANSWER:' line"),
    ("aiken-fullwidth", "aiken", "Q?\nA) a\nB) b\nANSWER：A\n", "error", 4, "Q?", "must be written 'ANSWER: X'"),
    ("aiken-letter-out-of-range", "aiken", "Q?\nA) a\nB) b\nANSWER: D\n", "warning", 4, "Q?",
     "no option is marked correct"),
    # ---- encodings
    ("gbk-file", "gift", "::题::客户{=甲 ~乙}".encode("gbk"), "error", 1, None, "not UTF-8"),
    ("latin1-xml", "moodlexml", (XML_HEAD + "<!-- café -->\n</quiz>").encode("latin-1"), "error", 3, None,
     "not UTF-8"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_malformed_file_is_reported_at_its_line(case):
    _id, fmt, content, severity, line, question, message = case
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    parsed = parse(data, f"case.{'xml' if fmt == 'moodlexml' else 'txt'}", format=fmt)
    findings = parsed.errors if severity == "error" else parsed.warnings
    matching = [f for f in findings if message in f.message]
    assert matching, f"no {severity} containing {message!r}: {findings}"
    assert (matching[0].line, matching[0].question) == (line, question)
    if severity == "warning":
        assert parsed.errors == [], parsed.errors


def test_there_are_enough_cases():
    assert len(CASES) >= 25


def test_all_errors_of_a_file_are_reported():
    """Policy (issue 5): the report lists every error, not just the first."""
    chosen = [c[2] for c in CASES if c[1] == "gift" and c[3] == "error" and isinstance(c[2], str)
              and "$CATEGORY" not in c[2]]
    parsed = parse("\n\n".join(chosen).encode(), "all.gift", format="gift")
    expected = len(chosen)
    assert len(parsed.errors) >= expected
    assert [e.line for e in parsed.errors] == sorted(e.line for e in parsed.errors)
