"""Our own bank (question_banks/*.gift and question_banks/xml/*.xml) reads without a single error or
warning, and survives export and import in every format that fits."""

from collections import Counter
from pathlib import Path

import pytest

from kamtrain.assessment.formats import export, exportable, parse

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _transaction():
    """Pure functions: no application, no database (overrides the suite's per-test transaction)."""
    yield

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "question_banks").glob("*.gift")) + sorted((ROOT / "question_banks" / "xml").glob("*.xml"))


@pytest.fixture(scope="module")
def bank():
    return {p.relative_to(ROOT).as_posix(): parse(p.read_bytes(), p.name) for p in FILES}


@pytest.mark.parametrize("path", [p.relative_to(ROOT).as_posix() for p in FILES])
def test_every_bank_file_is_clean(bank, path):
    parsed = bank[path]
    assert parsed.encoding == "utf-8"
    assert parsed.errors == []
    assert parsed.warnings == []
    assert parsed.questions and all(q.category.startswith("top/kamtrain/") for q in parsed.questions)


def test_bank_size_and_types(bank):
    questions = [q for p in bank.values() for q in p.questions]
    types = Counter(q.qtype for q in questions)
    assert len(questions) >= 360
    # every type that fits the material is used; description is not a question to answer
    assert set(types) == {"multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "cloze"}
    assert sum(1 for q in questions if q.qtype == "multichoice" and not q.single) > 0
    per_category = Counter(q.category for q in questions)
    assert len(per_category) == 12 and min(per_category.values()) >= 30


@pytest.mark.parametrize("fmt", ["gift", "moodlexml"])
def test_bank_round_trip(bank, fmt):
    # GIFT cannot carry what only Moodle XML has (an essay's rubric, marks): the GIFT files go round GIFT
    questions = [q for path, p in bank.items() for q in p.questions if fmt == "moodlexml" or path.endswith(".gift")]
    again = parse(export(questions, fmt), f"bank.{fmt}", format=fmt)
    assert again.errors == []
    assert again.questions == questions


def test_bank_exports_to_aiken_and_qti(bank):
    questions = [q for p in bank.values() for q in p.questions]
    aiken = parse(export(questions, "aiken"), "bank.txt", format="aiken")
    assert aiken.errors == [] and len(aiken.questions) == sum(exportable(q, "aiken") for q in questions)
    assert export(questions, "qti3")[:2] == b"PK"
