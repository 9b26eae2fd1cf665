"""Fuzzing the three readers: random text and bytes, and real files mutated at random, go into
``parse``. Nothing may escape but the importer's own report — and the report must not contain an
"internal error" either (``parse`` turns a reader bug into one, so a bug would still show here)."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamtrain.assessment.formats import export, parse

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _transaction():
    """Pure functions: no application, no database (overrides the suite's per-test transaction)."""
    yield

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures" / "moodle").iterdir() if p.suffix != ".md")
SEEDS = [p.read_bytes() for p in FIXTURES] + [p.read_bytes()[:6000] for p in
                                               sorted((ROOT / "question_banks").rglob("*.*"))[:3]]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.data_too_large])

SPECIAL = ["{", "}", "~", "=", "#", ":", "::", "\\", "->", "%", "%-50%", "\n", "\n\n", "\r", "//", "[id:", "[tag:",
           "$CATEGORY:", "####", "..", "*", "<", ">", "&", "&#x0;", "]]>", "<![CDATA[", "<text>", "</text>",
           '<question type="cloze">', "</question>", "<answer fraction=\"", "{1:MULTICHOICE:", "{#1}", "ANSWER: ",
           "A) ", "0", "\x00", "\ufeff", "\ufdd2", "中文", "\u3000"]


def check(data: bytes, fmt: str):
    parsed = parse(data, "fuzz.txt", format=fmt)
    report = parsed.report()
    assert not any("internal error" in e["message"] for e in report["errors"]), report["errors"]
    for finding in parsed.errors + parsed.warnings:
        assert finding.line is None or finding.line >= 1
    return parsed


@FUZZ
@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from([c for c in SPECIAL if len(c) == 1])),
               max_size=400),
       st.sampled_from(["auto", "gift", "moodlexml", "aiken"]))
def test_random_text(text, fmt):
    check(text.encode("utf-8", "surrogatepass"), fmt)


@FUZZ
@given(st.lists(st.sampled_from(SPECIAL + ["a", "b", " ", "x y", "=a", "~b", "{T}", "{#1:2}"]), max_size=60),
       st.sampled_from(["gift", "aiken", "moodlexml"]))
def test_random_tokens(tokens, fmt):
    check("".join(tokens).encode("utf-8", "surrogatepass"), fmt)


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["auto", "gift", "moodlexml", "aiken"]))
def test_random_bytes(data, fmt):
    check(data, fmt)


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        j = draw(st.integers(i, min(len(data), i + 40)))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "byte", "truncate"]))
        if op == "delete":
            del data[i:j]
        elif op == "duplicate":
            data[i:i] = data[i:j]
        elif op == "insert":
            data[i:i] = draw(st.sampled_from(SPECIAL)).encode("utf-8", "surrogatepass")
        elif op == "byte":
            data[i] = draw(st.integers(0, 255))
        else:
            del data[i:]
    return bytes(data)


@FUZZ
@given(mutated(), st.sampled_from(["auto", "gift", "moodlexml", "aiken"]))
def test_mutated_real_files(data, fmt):
    check(data, fmt)


@FUZZ
@given(mutated())
def test_what_was_read_can_be_written(data):
    """Whatever a mutated file yields exports without error in every format."""
    parsed = check(data, "auto")
    for fmt in ("gift", "moodlexml", "aiken", "qti3"):
        export(parsed.questions, fmt)


def test_deep_nesting_and_big_input():
    check(b"<quiz>" + b"<a>" * 50000 + b"</quiz>", "moodlexml")
    check(("Q{=a ~b}\n\n" * 20000).encode(), "gift")
