"""content sync: real content validates and loads idempotently; bad files are reported with file
and line and change nothing."""

from pathlib import Path

from kamtrain.competency.models import Category, Indicator, LevelTarget, TrackLevel
from kamtrain.content.sync import sync_content
from kamtrain.core.db import db
from tests.content.conftest import edit, line_of

ROOT = Path(__file__).resolve().parents[2]


def test_real_content_is_valid(app):
    result = sync_content(ROOT, check_only=True)
    assert result.problems == []


def test_model_has_four_aspects_and_twelve_categories(app):
    cats = db.session.scalars(db.select(Category).order_by(Category.number)).all()
    assert [c.number for c in cats] == list(range(1, 13))
    assert len({c.aspect_id for c in cats}) == 4
    assert cats[0].name_zh == "信息技能" and cats[1].name_zh == "顾问式销售"
    for c in cats:
        for step in (1, 2, 3, 4):
            assert len(c.indicators_at(step)) >= 2, (c.code, step)


def test_every_track_level_targets_every_category(app):
    levels = db.session.scalars(db.select(TrackLevel)).all()
    assert sorted((lv.track, lv.level) for lv in levels) == sorted(
        (t, lv) for t in ("sales", "marketing") for lv in (1, 2, 3, 4))
    assert db.session.scalar(db.select(db.func.count()).select_from(LevelTarget)) == 8 * 12


def test_sync_is_idempotent(app):
    ids_before = db.session.execute(db.select(Indicator.id, Indicator.text_zh).order_by(Indicator.id)).all()
    result = sync_content(ROOT)
    assert result.ok
    assert db.session.execute(db.select(Indicator.id, Indicator.text_zh).order_by(Indicator.id)).all() == ids_before




def test_yaml_syntax_error_names_file_and_line(app, content_copy):
    path = content_copy / "content" / "competency.yaml"
    line = line_of(path, "code: information")
    edit(path, "code: information", "code: [information")
    result = sync_content(content_copy, check_only=True)
    assert len(result.problems) == 1
    problem = str(result.problems[0])
    assert problem.startswith("content/competency.yaml:")
    assert int(problem.split(":")[1]) >= line


def test_unknown_category_in_targets_is_reported_at_its_line(app, content_copy):
    path = content_copy / "content" / "tracks.yaml"
    line = line_of(path, "information:")
    edit(path, "information:", "informatoin:")
    problems = [str(p) for p in sync_content(content_copy, check_only=True).problems]
    assert f"content/tracks.yaml:{line}: tracks[0].levels[0].targets: unknown category 'informatoin'" in problems
    assert any("missing information" in p for p in problems)


def test_missing_field_and_bad_step_are_all_reported(app, content_copy):
    path = content_copy / "content" / "competency.yaml"
    edit(path, "zh: 信息技能", "zh_typo: 信息技能")
    edit(content_copy / "content" / "tracks.yaml", "{information: 1,", "{information: 7,")
    problems = [str(p) for p in sync_content(content_copy, check_only=True).problems]
    assert any(p.startswith("content/competency.yaml:") and ".zh: missing" in p for p in problems)
    assert any(p.startswith("content/competency.yaml:") and "zh_typo: unknown field" in p for p in problems)
    assert any(p.startswith("content/tracks.yaml:") and "7 is not a step" in p for p in problems)


def test_failed_sync_changes_nothing(app, content_copy):
    before = db.session.scalar(db.select(Category).filter_by(code="information")).name_en
    path = content_copy / "content" / "competency.yaml"
    edit(path, "en: \"Information skills\"", "en: \"Renamed skills\"")
    edit(content_copy / "content" / "tracks.yaml", "information:", "bogus:")
    result = sync_content(content_copy)
    assert not result.ok
    assert db.session.scalar(db.select(Category).filter_by(code="information")).name_en == before


def test_non_utf8_file_is_refused(app, content_copy):
    path = content_copy / "content" / "competency.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    problems = [str(p) for p in sync_content(content_copy, check_only=True).problems]
    assert len(problems) == 1 and "not UTF-8" in problems[0]


def test_cli_check_exit_codes(app, content_copy):
    runner = app.test_cli_runner()
    app.config["CONTENT_DIR"] = str(content_copy)
    try:
        assert runner.invoke(args=["content", "sync", "--check"]).exit_code == 0
        edit(content_copy / "content" / "tracks.yaml", "information:", "bogus:")
        result = runner.invoke(args=["content", "sync", "--check"])
        assert result.exit_code == 1
        assert "content/tracks.yaml:" in result.output
    finally:
        app.config["CONTENT_DIR"] = str(ROOT)
