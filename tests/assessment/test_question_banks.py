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


def _exact_level_cells(bank):
    """[(syllabus id, category, difficulty key, needed, questions at exactly that level, track, difficulty)]."""
    import yaml

    from kamtrain.assessment.bank import competency_code_for
    from kamtrain.assessment.quizzes import DIFFICULTY_KEYS

    codes = {"information", "consultative_selling", "it_knowledge", "communication", "customer_service",
             "project_management", "problem_solving", "teamwork", "sharing", "learning", "review_innovation",
             "career_planning"}
    have = Counter()
    for parsed in bank.values():
        for q in parsed.questions:
            meta = q.metadata()
            for level in meta["levels"]:
                for track in meta["tracks"]:
                    have[competency_code_for(q, codes), meta["difficulty"], level, track] += 1
    syllabi = sorted((ROOT / "content" / "syllabi").glob("*.yaml"))
    assert len(syllabi) == 8
    cells = []
    for path in syllabi:
        syllabus = yaml.safe_load(path.read_text(encoding="utf-8"))
        for row in syllabus["exam"]["blueprint"]:
            for key, difficulty in DIFFICULTY_KEYS:
                need = int(row.get(key) or 0)
                if need:
                    got = have[row["category"], difficulty, syllabus["level"], syllabus["track"]]
                    cells.append((syllabus["id"], row["category"], key, need, got))
    return cells


def test_every_syllabus_blueprint_fills_at_its_own_level(bank):
    """Each exam draws from questions tagged with the syllabus's own level and track: no cell needs a
    neighbouring level (blueprints.draw would otherwise fall back to one)."""
    short = [f"{sid} {cat}/{key}: {got} of {need}" for sid, cat, key, need, got in _exact_level_cells(bank)
             if got < need]
    assert short == []


def test_a_retake_can_draw_unseen_questions_at_its_own_level(bank):
    """Twice what each cell draws, so a second attempt (which prefers questions not seen before) still
    finds unseen questions at the exam's own level."""
    short = [f"{sid} {cat}/{key}: {got} of {2 * need}" for sid, cat, key, need, got in _exact_level_cells(bank)
             if got < 2 * need]
    assert short == []


def test_draws_for_every_syllabus_stay_at_its_level_over_two_attempts(bank):
    """The real draw (blueprints.draw) over our bank: a first attempt and a retake of every syllabus
    take every question from the exam's own level, and the retake repeats none of the first."""
    import random

    import yaml

    from kamtrain.assessment import blueprints
    from kamtrain.assessment.bank import competency_code_for

    codes = {"information", "consultative_selling", "it_knowledge", "communication", "customer_service",
             "project_management", "problem_solving", "teamwork", "sharing", "learning", "review_innovation",
             "career_planning"}
    questions = [q for p in bank.values() for q in p.questions if q.qtype != "description"]
    candidates = [blueprints.Candidate(i, competency_code_for(q, codes), q.metadata()["difficulty"],
                                       tuple(q.metadata()["levels"]), tuple(q.metadata()["tracks"]))
                  for i, q in enumerate(questions)]
    by_id = {c.id: c for c in candidates}
    for path in sorted((ROOT / "content" / "syllabi").glob("*.yaml")):
        syllabus = yaml.safe_load(path.read_text(encoding="utf-8"))
        blueprint, level, track = syllabus["exam"]["blueprint"], syllabus["level"], syllabus["track"]
        for seed in range(3):
            first = blueprints.draw(blueprint, candidates, random.Random(seed), track=track, level=level)
            again = blueprints.draw(blueprint, candidates, random.Random(seed + 100), track=track, level=level,
                                    seen=frozenset(first.ids))
            for drawn in (first, again):
                off_level = [questions[i].idnumber for i in drawn.ids if level not in by_id[i].levels]
                assert off_level == [], f"{syllabus['id']}: drawn from another level: {off_level}"
            assert not set(first.ids) & set(again.ids), syllabus["id"]
