"""The bank in the database: the team's own bank loaded by content sync, imports that are
all-or-nothing, versions on every change, export and re-import that change nothing."""

import re
import shutil
from pathlib import Path

import pytest

from kamtrain.assessment import bank
from kamtrain.assessment.bank_files import read_question_banks
from kamtrain.assessment.formats import exportable
from kamtrain.assessment.models import Question, QuestionVersion
from kamtrain.competency.models import Category
from kamtrain.content.sync import sync_content
from kamtrain.core.db import db
from tests.content.conftest import edit, line_of
from tests.factories import create_user

ROOT = Path(__file__).resolve().parents[2]

SMALL = """$CATEGORY: $course$/top/kamtrain/communication

// [id:T-001] [tag:level-4] [tag:difficulty-1] [tag:track-sales]
::T-001 漏斗式提问::先问开放式问题、再逐步收窄的提问方式叫什么？{=漏斗式提问#对。 =%50%漏斗*#基本对。}

// [id:T-002] [tag:level-3] [tag:difficulty-2] [tag:track-marketing]
::T-002 流失阶段::客户流失一般要经历几个阶段？{#4}
"""


def _import(text, **kwargs):
    return bank.import_files([("small.gift", text.encode())], **kwargs)


def _row(idnumber):
    return db.session.scalar(db.select(Question).filter_by(idnumber=idnumber))


def test_content_sync_loads_the_teams_bank(app):
    rows = db.session.scalars(db.select(Question).filter_by(origin="content", retired=False)).all()
    assert len(rows) >= 360
    for category in db.session.scalars(db.select(Category)):
        mine = [r for r in rows if r.competency_id == category.id]
        assert len(mine) >= 30, category.code
    assert {lv for r in rows for lv in r.levels} == {1, 2, 3, 4}
    assert {r.difficulty for r in rows} == {1, 2, 3}
    assert {r.qtype for r in rows} >= {"multichoice", "truefalse", "shortanswer", "numerical", "matching",
                                        "essay", "cloze"}
    assert all(r.tracks and r.levels and r.difficulty for r in rows if r.qtype != "description")


def test_numerical_questions_use_the_forecast_figures(app):
    texts = db.session.scalars(db.select(QuestionVersion.data).join(Question).where(
        Question.qtype.in_(["numerical", "cloze"]), Question.origin == "content")).all()
    figures = " ".join(str(d) for d in texts)
    for figure in ("11968.14", "11470", "11719.07"):
        assert figure in figures, figure


def test_import_creates_questions_with_their_metadata(app):
    report = _import(SMALL)
    assert report["imported"] == 2 and report["created"] == 2
    row = _row("T-001")
    assert row.qtype == "shortanswer" and row.category.path == "top/kamtrain/communication"
    assert row.competency.code == "communication" and row.levels == [4] and row.difficulty == 1
    assert row.tracks == ["sales"] and "level-4" in row.tags
    q = bank.load_questions([row])[0]
    assert [a.text for a in q.answers] == ["漏斗式提问", "漏斗*"]
    assert q.answers[1].fraction == pytest.approx(0.5)


def test_reimporting_the_same_file_changes_nothing(app):
    _import(SMALL)
    report = _import(SMALL)
    assert report["unchanged"] == 2 and report["created"] == report["updated"] == 0
    assert _row("T-001").latest_version == 1


def test_a_changed_question_gets_a_new_version_and_keeps_the_old(app):
    _import(SMALL)
    report = _import(SMALL.replace("{#4}", "{#4:0}").replace("几个阶段", "哪几个阶段"))
    assert report["updated"] == 1 and report["unchanged"] == 1
    row = _row("T-002")
    versions = db.session.scalars(db.select(QuestionVersion).filter_by(question_id=row.id)
                                  .order_by(QuestionVersion.number)).all()
    assert [v.number for v in versions] == [1, 2] and row.latest_version == 2
    assert "几个阶段" in versions[0].text and "哪几个阶段" in versions[1].text


def test_a_file_with_errors_imports_nothing_and_lists_every_error(app):
    broken = SMALL + "\n::T-003 坏题::没有结束的括号{=甲~乙\n\n::T-004::另一道 {#abc}\n"
    before = db.session.scalar(db.select(db.func.count(Question.id)))
    report = _import(broken)
    errors = report["files"][0]["errors"]
    assert report["imported"] == 0 and len(errors) >= 2
    lines = broken.splitlines()
    assert any("T-003" in lines[e["line"] - 1] for e in errors), errors
    assert any("T-004" in lines[e["line"] - 1] for e in errors), errors
    assert db.session.scalar(db.select(db.func.count(Question.id))) == before


def test_dry_run_writes_nothing(app):
    report = _import(SMALL, dry_run=True)
    assert report["dry_run"] is True and report["imported"] == 0
    assert report["files"][0]["questions"] == 2
    assert _row("T-001") is None


def test_the_same_idnumber_twice_is_an_error(app):
    report = bank.import_files([("a.gift", SMALL.encode()), ("b.gift", SMALL.encode())])
    assert report["imported"] == 0
    messages = [e["message"] for f in report["files"] for e in f["errors"]]
    assert any("T-001" in m and "twice" in m for m in messages)


def test_editing_adds_a_version_only_when_what_is_asked_changes(app):
    _import(SMALL)
    trainer = create_user("trainer_x", roles=["trainer"])
    row = _row("T-001")
    q = bank.load_questions([row])[0]
    assert bank.save_edit(row, q, trainer) is False  # nothing changed
    q.text = "先问开放式问题、逐步收窄，这种提问方式叫什么？"
    assert bank.save_edit(row, q, trainer, note="措辞") is True
    assert row.latest_version == 2 and bank.current_version(row).author_id == trainer.id


@pytest.mark.parametrize("fmt", ["gift", "moodlexml"])
def test_exporting_the_whole_bank_and_importing_it_again_changes_nothing(app, fmt):
    data, exported, skipped = bank.export_bank(fmt, category="top/kamtrain")
    assert exported >= 360
    cloze = set(db.session.scalars(db.select(Question.idnumber).filter_by(qtype="cloze", origin="content")))
    assert set(skipped) == (cloze if fmt == "gift" else set())  # GIFT has no cloze questions
    # GIFT has no place for an essay's rubric or mark: exactly those come back changed (export says so)
    lossy = [q for q in bank.load_questions(bank.questions_in("top/kamtrain"))
             if exportable(q, fmt) and bank.losses(q, fmt)]
    assert all(q.qtype == "essay" for q in lossy)
    assert (lossy == []) == (fmt == "moodlexml")
    report = bank.import_files([(f"export.{fmt}", data)], format=fmt)
    assert not report["files"][0]["errors"], report["files"][0]["errors"][:5]
    assert report["created"] == 0
    assert report["updated"] == len(lossy) and report["unchanged"] == exported - len(lossy)


def test_aiken_export_takes_only_single_answer_choice_questions(app):
    data, exported, skipped = bank.export_bank("aiken", category="top/kamtrain/communication")
    assert exported and skipped
    assert data.decode().count("ANSWER:") == exported


def test_bank_rules_are_reported_at_their_line(tmp_path):
    shutil.copytree(ROOT / "question_banks", tmp_path / "question_banks")
    path = tmp_path / "question_banks" / "04-communication.gift"
    first = re.search(r"\[id:(KT-[A-Z]+-\d+)\] \[tag:level-\d\] ", path.read_text(encoding="utf-8"))
    edit(path, first[0], f"[id:{first[1]}] ")
    codes = ["information", "consultative_selling", "it_knowledge", "communication", "customer_service",
             "project_management", "problem_solving", "teamwork", "sharing", "learning", "review_innovation",
             "career_planning"]
    _content, problems = read_question_banks(tmp_path, lambda p: str(p.relative_to(tmp_path)), codes)
    assert len(problems) == 1
    problem = str(problems[0])
    line = line_of(path, f"[id:{first[1]}]") + 1
    assert problem.startswith(f"question_banks/04-communication.gift:{line}: "), problem
    assert "no level tag" in problem


def test_sync_retires_questions_gone_from_the_files(app, tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "question_banks", tmp_path / "question_banks")
    (tmp_path / "question_banks" / "12-career_planning.gift").unlink()
    result = sync_content(tmp_path)
    assert result.ok, result.problems[:3]
    assert result.counts["questions_retired"] > 20
    row = db.session.scalar(db.select(Question).filter_by(idnumber="KT-CAR-001"))
    assert row.retired


def test_new_rows_get_their_own_versions_and_tags_after_deleted_rows(app):
    """The SQLite bulk insert works the new ids out from the largest id: rows deleted before an
    import (ids reused) must not shift versions or tags onto other questions."""
    _import(SMALL)
    deleted = _row("T-002").id  # the largest id: SQLite gives it again to the next new row
    db.session.delete(_row("T-002"))
    db.session.commit()
    more = SMALL.replace("T-001", "T-003").replace("T-002", "T-004").replace("level-3", "level-2")
    report = _import(more)
    db.session.commit()
    assert report["created"] == 2
    for idnumber, name, level in (("T-001", "T-001 漏斗式提问", "level-4"), ("T-003", "T-003 漏斗式提问", "level-4"),
                                  ("T-004", "T-004 流失阶段", "level-2")):
        row = _row(idnumber)
        version = bank.current_version(row)
        assert version.question_id == row.id and version.name == name and row.name == name
        assert level in row.tags and bank.load_questions([row])[0].name == name
    if db.engine.dialect.name == "sqlite":  # PostgreSQL's sequence never gives an id again
        assert _row("T-003").id == deleted
    ids = [_row(i).id for i in ("T-001", "T-003", "T-004")]
    assert sorted(db.session.scalars(db.select(QuestionVersion.question_id).where(
        QuestionVersion.question_id.in_(ids)))) == sorted(ids)
