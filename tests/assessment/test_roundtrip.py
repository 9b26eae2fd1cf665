"""Round trip, property-based: questions of every type (Chinese text, and the characters GIFT must
escape: = ~ # { } : \\ and new lines) exported and read back are equal. GIFT and Moodle XML for
every type they carry, Aiken for single-answer multiple choice."""

import html

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kamtrain.assessment.formats import export, exportable, parse
from kamtrain.assessment.formats.common import PHP_WHITESPACE, default_name
from kamtrain.assessment.questions import MOODLE_FRACTIONS, Answer, ClozeField, MatchPair, Question, Unit

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _transaction():
    """Pure functions: no application, no database (overrides the suite's per-test transaction)."""
    yield

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ALPHABET = list("abcXYZ 019") + list("客户信息经理需求方案测试预测") + list("=~#{}:\\\n[]%->&<\"'*.,!?（）：，。/")
NAME_ALPHABET = [c for c in ALPHABET if c not in "<>\n"]
FORMATS = ["html", "moodle", "plain", "markdown"]
GRADES = [f for f in MOODLE_FRACTIONS if f > 0]  # positive Moodle grades
CATEGORIES = ["top", "top/kamtrain/information", "top/客户 服务", "top/a//b/c"]


def _text(alphabet=ALPHABET, min_size=1, max_size=25):
    return st.text(alphabet, min_size=min_size, max_size=max_size).map(lambda s: s.strip(PHP_WHITESPACE)) \
        .filter(bool)


TEXT = _text()
NAME = _text(NAME_ALPHABET, max_size=15)
OPTIONAL = st.one_of(st.just(""), TEXT)
NUMBER = st.decimals(min_value=-10000, max_value=10000, places=3, allow_nan=False, allow_infinity=False) \
    .map(lambda d: format(d.normalize(), "f"))
TOLERANCE = st.sampled_from([0.0, 0.001, 0.01, 0.5, 2.0, 25.0])
FRACTION = st.sampled_from(list(MOODLE_FRACTIONS))
IDNUMBER = st.one_of(st.none(), st.text(list("KT-INF0123客户 ]"), min_size=1, max_size=12)
                     .map(str.strip).filter(bool))
TAGS = st.lists(st.sampled_from(["level-4", "difficulty-2", "track-sales", "中文标签", "a]b"]), max_size=3,
                unique=True)


@st.composite
def common(draw):
    return {"name": draw(NAME), "text": draw(TEXT), "text_format": draw(st.sampled_from(FORMATS)),
            "general_feedback": draw(OPTIONAL), "category": draw(st.sampled_from(CATEGORIES)),
            "idnumber": draw(IDNUMBER), "tags": draw(TAGS)}


@st.composite
def multichoice(draw, rich=False):
    single = draw(st.booleans())
    n = draw(st.integers(2, 5))
    answers = [Answer(draw(TEXT), draw(FRACTION), draw(OPTIONAL)) for _ in range(n)]
    if single:  # a single-answer question has a right option ('=' in GIFT)
        answers[draw(st.integers(0, n - 1))].fraction = 1.0
    q = Question("multichoice", single=single, answers=answers, **draw(common()))
    if rich:
        q.shuffle = draw(st.booleans())
        q.numbering = draw(st.sampled_from(["abc", "ABCD", "123", "iii", "IIII", "none"]))
        q.correct_feedback, q.partially_correct_feedback, q.incorrect_feedback = draw(OPTIONAL), draw(OPTIONAL), \
            draw(OPTIONAL)
    return q


@st.composite
def truefalse(draw):
    value = draw(st.booleans())
    return Question("truefalse", penalty=1.0, answers=[Answer("true", float(value), draw(OPTIONAL)),
                                                       Answer("false", float(not value), draw(OPTIONAL))],
                    **draw(common()))


@st.composite
def shortanswer(draw, rich=False):
    answers = [Answer(draw(TEXT), 1.0, draw(OPTIONAL))]
    answers += [Answer(draw(TEXT), draw(FRACTION), draw(OPTIONAL)) for _ in range(draw(st.integers(0, 3)))]
    q = Question("shortanswer", answers=answers, **draw(common()))
    if rich:
        q.case_sensitive = draw(st.booleans())
    return q


@st.composite
def numerical(draw, rich=False):
    answers = [Answer(draw(NUMBER), 1.0, draw(OPTIONAL), draw(TOLERANCE))]
    answers += [Answer(draw(NUMBER), draw(FRACTION), draw(OPTIONAL), draw(TOLERANCE))
                for _ in range(draw(st.integers(0, 2)))]
    if draw(st.booleans()):
        answers.append(Answer("*", 0.0, draw(OPTIONAL)))
    q = Question("numerical", answers=answers, **draw(common()))
    if rich and draw(st.booleans()):
        q.units = [Unit("m", 1.0), Unit("千米", 0.001)]
        q.unit_grading_type = draw(st.sampled_from([0, 1, 2]))
        q.unit_penalty = draw(st.sampled_from([0.1, 0.25, 1.0]))
    return q


@st.composite
def matching(draw, rich=False):
    pairs = [MatchPair(draw(TEXT), draw(TEXT)) for _ in range(draw(st.integers(2, 4)))]
    pairs += [MatchPair("", draw(TEXT)) for _ in range(draw(st.integers(0, 2)))]
    q = Question("matching", pairs=pairs, **draw(common()))
    if rich:
        q.shuffle = draw(st.booleans())
        q.correct_feedback = draw(OPTIONAL)
    return q


@st.composite
def essay(draw, rich=False):
    q = Question("essay", **draw(common()))
    if rich:
        q.response_format = draw(st.sampled_from(["editor", "plain", "monospaced"]))
        q.response_required = draw(st.booleans())
        q.response_lines = draw(st.integers(3, 40))
        q.min_words = draw(st.one_of(st.none(), st.integers(1, 100)))
        q.max_words = draw(st.one_of(st.none(), st.integers(100, 1000)))
        q.grader_info, q.response_template = draw(OPTIONAL), draw(OPTIONAL)
        q.default_mark = draw(st.sampled_from([1.0, 5.0, 10.0]))
        q.penalty = 0.0
    return q


@st.composite
def description(draw, gift=False):
    q = Question("description", default_mark=0.0, **draw(common()))
    if gift:
        q.general_feedback = ""  # GIFT has no place for it (Moodle's writer leaves it out)
    return q


CLOZE_TEXT = _text([c for c in ALPHABET if c not in "{}"], max_size=15)


@st.composite
def cloze_field(draw):
    kind = draw(st.sampled_from(["multichoice", "multiresponse", "shortanswer", "numerical"]))
    if kind == "numerical":
        answers = [Answer(draw(NUMBER), 1.0, draw(OPTIONAL), draw(TOLERANCE))]
        if draw(st.booleans()):
            answers.append(Answer("*", 0.0, draw(OPTIONAL)))
        return ClozeField("numerical", weight=draw(st.integers(1, 3)), answers=answers)
    if kind == "shortanswer":
        answers = [Answer(draw(TEXT), 1.0, draw(OPTIONAL)), Answer(draw(TEXT), draw(FRACTION), draw(OPTIONAL))]
        return ClozeField("shortanswer", weight=draw(st.integers(1, 3)), answers=answers,
                          case_sensitive=draw(st.booleans()))
    n = draw(st.integers(2, 4))
    answers = [Answer(draw(TEXT), 0.0, draw(OPTIONAL)) for _ in range(n)]
    if kind == "multiresponse":
        right = draw(st.integers(1, n))
        for a in answers[:right]:
            a.fraction = {1: 1.0, 2: 0.5, 3: 1 / 3, 4: 0.25}[right]
        return ClozeField("multichoice", weight=1, answers=answers, multiple=True, shuffle=draw(st.booleans()),
                          display=draw(st.sampled_from(["vertical", "horizontal"])))
    answers[draw(st.integers(0, n - 1))].fraction = 1.0
    return ClozeField("multichoice", weight=1, answers=answers, shuffle=draw(st.booleans()),
                      display=draw(st.sampled_from(["dropdown", "vertical", "horizontal"])))


@st.composite
def cloze(draw):
    fields = draw(st.lists(cloze_field(), min_size=1, max_size=3))
    parts = [draw(CLOZE_TEXT)]
    for n in range(1, len(fields) + 1):
        parts += [f"{{#{n}}}", draw(CLOZE_TEXT)]
    base = draw(common())
    base.update(text=" ".join(parts), text_format="html")
    return Question("cloze", fields=fields, default_mark=float(sum(f.weight for f in fields)), **base)


def round_trip(q, fmt):
    assume(exportable(q, fmt))
    data = export([q], fmt)
    parsed = parse(data, f"x.{fmt}", format=fmt)
    assert parsed.errors == [], (data.decode(), parsed.errors)
    assert parsed.questions == [q], data.decode()


GIFT_TYPES = st.one_of(multichoice(), truefalse(), shortanswer(), numerical(), matching(), essay(),
                       description(gift=True))
XML_TYPES = st.one_of(multichoice(rich=True), truefalse(), shortanswer(rich=True), numerical(rich=True),
                      matching(rich=True), essay(rich=True), description(), cloze())


@SETTINGS
@given(GIFT_TYPES)
def test_gift_round_trip(q):
    round_trip(q, "gift")


@SETTINGS
@given(XML_TYPES)
def test_moodlexml_round_trip(q):
    round_trip(q, "moodlexml")


@SETTINGS
@given(st.data())
def test_moodlexml_round_trip_with_images(data):
    q = data.draw(st.one_of(multichoice(rich=True), essay(rich=True)))
    q.text = q.text + ' <img src="@@PLUGINFILE@@/pics/chart.png" alt="">'
    q.text_format = "html"
    q.files = {"pics/chart.png": data.draw(st.binary(min_size=1, max_size=64))}
    round_trip(q, "moodlexml")


@SETTINGS
@given(st.data())
def test_aiken_round_trip(data):
    line = _text([c for c in ALPHABET if c != "\n"], min_size=2).map(lambda s: " ".join(s.split()))
    stem = data.draw(line.filter(lambda s: len(s.encode()) >= 2))
    options = data.draw(st.lists(line, min_size=2, max_size=6))
    right = data.draw(st.integers(0, len(options) - 1))
    escape = lambda s: html.escape(s, quote=False)  # noqa: E731 — Aiken texts are HTML
    q = Question("multichoice", default_name(stem, "plain"), escape(stem), text_format="html",
                 answers=[Answer(escape(o), 1.0 if i == right else 0.0) for i, o in enumerate(options)])
    round_trip(q, "aiken")


@SETTINGS
@given(st.lists(GIFT_TYPES, min_size=2, max_size=5))
def test_files_of_several_questions_and_categories(questions):
    """Several questions, category switches in between, in one file."""
    questions = [q for q in questions if exportable(q, "gift")]
    assume(questions)
    for fmt in ("gift", "moodlexml"):
        parsed = parse(export(questions, fmt), f"x.{fmt}", format=fmt)
        assert parsed.errors == [] and parsed.questions == questions
