"""The formats package's entry points: decode, detect_format, parse's report (CONTRACT §2), export."""

import json

import pytest

from kamtrain.assessment.formats import decode, detect_format, export, exportable, parse
from kamtrain.assessment.questions import QUESTION_TYPES, Answer, Question

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _transaction():
    """Pure functions: no application, no database (overrides the suite's per-test transaction)."""
    yield


# ------------------------------------------------------------------------------------ decode

def test_decode_utf8_and_bom():
    assert decode("中文".encode()) == ("中文", "utf-8", None)
    assert decode(b"\xef\xbb\xbfabc") == ("abc", "utf-8-sig", None)


@pytest.mark.parametrize("data, guess", [
    ("第一行\n题目：客户信息收集的第一步是什么？{=整理基础信息 ~直接报价}".encode("gb18030"), "GB18030"),
    ("第一行\n題目：客戶資訊收集的第一步是什麼？{=整理基礎資訊 ~直接報價}".encode("big5"), "Big5"),
    ("Quelle est la capitale ? {=Paris ~Lyon}\nÉté, café, naïve".encode("cp1252"), "Windows-1252"),
    ("::Q::text{T}".encode("utf-16-le"), "UTF-16"),
])
def test_decode_refuses_other_encodings_with_offset_and_guess(data, guess):
    text, encoding, error = decode(data)
    assert text is None and encoding is None
    assert error.message.startswith(("not UTF-8", "not a UTF-8 text file"))
    assert guess in error.message and "save it as UTF-8" in error.message


def test_decode_error_names_first_bad_byte_offset_and_line():
    data = b"line one\nline two \xc4\xe3 more\n"
    _text, _enc, error = decode(data)
    assert error.line == 2 and error.column == 10
    assert "invalid byte 0xC4 at byte offset 18 (line 2)" in error.message


def test_decode_refuses_utf16_with_bom():
    _text, _enc, error = decode("x".encode("utf-16"))
    assert "UTF-16" in error.message and "byte order mark" in error.message


def test_parse_never_stores_mojibake():
    p = parse("题目{T}".encode("gbk"), "x.gift")
    assert p.questions == [] and p.encoding is None and p.errors[0].message.startswith("not UTF-8")


# ------------------------------------------------------------------------------------ detect

@pytest.mark.parametrize("text, name, expected", [
    ('<?xml version="1.0"?><quiz></quiz>', "a.txt", "moodlexml"),
    ("<!-- exported -->\n<quiz>\n</quiz>", "a.txt", "moodlexml"),
    ("Question?\nA) a\nB) b\nANSWER: A\n", "a.gift", "aiken"),
    ("::Q::x{=a ~b}", "a.xml", "gift"),
    ("$CATEGORY: top\n\nQ{T}", "a.txt", "gift"),
    ("Who? {=me}", "a.txt", "gift"),
    ("plain text", "bank.xml", "moodlexml"),
    ("plain text", "bank.gift", "gift"),
    ("plain text", "aiken-bank.txt", "aiken"),
])
def test_detect_format(text, name, expected):
    assert detect_format(text, name) == expected


# ------------------------------------------------------------------------------------ report

def test_report_has_exactly_the_contract_shape():
    data = (b"$CATEGORY: $course$/top/Sub\n\n::Q1::a{=x ~y}\n\n::Q2::b{~%50%x ~%50%y ~z}\n\n::Q3::c{T}\n\n"
            b"::Q4::d{=e}\n\n::Q5::e{#5}\n\n::Q6::f{=a -> 1 =b -> 2 = -> 3}\n\n::Q7::g{}\n\n::Q8::h\n\n"
            b"::Q9::i{~%150%x =y}\n")
    report = parse(data, "x.gift").report()
    assert list(report) == ["path", "format", "encoding", "questions", "by_type", "multichoice_single",
                            "multichoice_multi", "categories", "warnings", "errors"]
    assert report["path"] == "x.gift" and report["format"] == "gift" and report["encoding"] == "utf-8"
    assert list(report["by_type"]) == list(QUESTION_TYPES)
    assert report["by_type"] == {"multichoice": 3, "truefalse": 1, "shortanswer": 1, "numerical": 1, "matching": 1,
                                 "essay": 1, "cloze": 0, "description": 1}
    assert (report["questions"], report["multichoice_single"], report["multichoice_multi"]) == (9, 2, 1)
    assert report["categories"] == ["top/Sub"]
    assert report["errors"] == [{"line": 19, "column": 10, "question": "Q9",
                                 "message": report["errors"][0]["message"]}]
    assert all(set(w) == {"line", "question", "message"} for w in report["warnings"])
    json.dumps(report)  # serialisable as the CLI prints it


def test_refused_file_report():
    report = parse(b"\xff\xfe\x00", "bad.gift").report()
    assert report["encoding"] is None and report["questions"] == 0 and report["errors"][0]["line"] == 1


def test_parse_format_override_and_default_category():
    p = parse(b"Q?\nA) a\nB) b\nANSWER: A\n", "x.gift", format="aiken", category="$course$/top/imported")
    assert p.format == "aiken" and p.questions[0].category == "top/imported" and p.categories == ["top/imported"]


# ------------------------------------------------------------------------------------ export

def _questions():
    return [
        Question("multichoice", "mc", "Pick", answers=[Answer("a", 1), Answer("b", 0)]),
        Question("truefalse", "tf", "True?", answers=[Answer("true", 1), Answer("false", 0)]),
        Question("shortanswer", "sa", "Say", answers=[Answer("yes", 1)]),
        Question("numerical", "num", "Count", answers=[Answer("3", 1)]),
        Question("matching", "m", "Match", answers=[]),
        Question("essay", "e", "Write"),
        Question("cloze", "c", "x {#1}"),
        Question("description", "d", "Read", default_mark=0),
    ]


@pytest.mark.parametrize("fmt, fitting", [
    ("gift", ["mc", "tf", "sa", "num", "e", "d"]),  # matching without pairs and cloze do not fit
    ("moodlexml", ["mc", "tf", "sa", "num", "m", "e", "c", "d"]),
    ("aiken", ["mc"]),
    ("qti3", ["mc", "tf", "sa", "num"]),
])
def test_exportable(fmt, fitting):
    assert [q.name for q in _questions() if exportable(q, fmt)] == fitting


def test_export_unknown_format():
    with pytest.raises(ValueError):
        exportable(_questions()[0], "docx")
    with pytest.raises(ValueError):
        export(_questions(), "docx")


def test_very_many_problems_are_counted_not_all_listed():
    parsed = parse(("Q{~only}\n\n" * 2500).encode(), "x.gift")
    assert len(parsed.errors) == 2001
    assert parsed.errors[-1].message == "… and 500 more errors not listed (the first 2000 are)"
    assert parsed.errors[-1].line == 4999
