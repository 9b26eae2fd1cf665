"""The one rule between module files and web edits: sync records a file version when a file
changed; it refuses (and changes nothing) when a changed file would overwrite a newer web edit,
unless --force; `content export` writes web edits back so that sync is clean again."""

from pathlib import Path

from kamtrain.accounts.roles import Role
from kamtrain.competency.models import Category
from kamtrain.content import versions
from kamtrain.content.export import compose_file, export_modules
from kamtrain.content.models import Module
from kamtrain.content.module_files import read_module
from kamtrain.content.sync import sync_content
from kamtrain.core.db import db
from tests.content.conftest import ROOT, edit
from tests.factories import create_user

CODE = "brand-marketing"


def module(code=CODE):
    return db.session.scalar(db.select(Module).filter_by(code=code))


def web_edit(user, code=CODE, **changes):
    m = module(code)
    return versions.save_web_edit(m, user, versions.snapshot(m) | changes)


def module_file(root, code=CODE):
    return Path(root) / "content" / "modules" / f"{code}.md"


def trainer():
    return create_user("trainer_rule", roles=[Role.TRAINER], full_name="唐老师")


def test_a_changed_file_is_a_new_file_version(app, content_copy):
    edit(module_file(content_copy), "minutes: ", "minutes: 1", 1)  # e.g. 40 → 140
    result = sync_content(content_copy)
    assert result.ok and result.counts["modules_changed"] == 1
    latest = versions.latest_version(module())
    assert (latest.number, latest.source, latest.author, latest.note) == (2, "file", None, versions.NOTE_CHANGED)
    assert latest.minutes == module().minutes >= 100
    assert sync_content(content_copy).counts["modules_changed"] == 0
    assert versions.latest_version(module()).number == 2  # unchanged files add no version


def test_sync_refuses_to_overwrite_a_newer_web_edit_and_changes_nothing(app, content_copy):
    web = web_edit(trainer(), title_en="Brand marketing, edited on the web")
    edit(module_file(content_copy), "minutes: ", "minutes: 1", 1)
    other = module_file(content_copy, "career-planning")
    edit(other, "minutes: ", "minutes: 1", 1)
    before_other = module("career-planning").minutes
    result = sync_content(content_copy, check_only=True)
    assert [str(p) for p in result.problems] == [
        f"content/modules/{CODE}.md:1: module {CODE} was edited on the web at "
        f"{web.created_at:%Y-%m-%d %H:%M} UTC by trainer_rule (version 2); "
        "export it with kamtrain content export or use --force"]
    result = sync_content(content_copy)
    assert not result.ok
    assert module().title_en == "Brand marketing, edited on the web"
    assert module("career-planning").minutes == before_other  # the whole sync wrote nothing
    assert versions.latest_version(module()).number == 2


def test_an_unchanged_file_keeps_the_web_edit(app, content_copy):
    web_edit(trainer(), title_en="Kept web title")
    result = sync_content(content_copy)
    assert result.ok and result.counts["web_edits_kept"] == 1
    assert module().title_en == "Kept web title"
    assert versions.pending_web_edit(module()).number == 2


def test_force_lets_the_file_win_and_records_it(app, content_copy):
    web_edit(trainer(), title_en="Lost on purpose")
    edit(module_file(content_copy), "minutes: ", "minutes: 1", 1)
    result = sync_content(content_copy, force=True)
    assert result.ok
    m = module()
    assert m.title_en != "Lost on purpose" and m.minutes >= 100
    latest = versions.latest_version(m)
    assert (latest.number, latest.source, latest.note) == (3, "file", f"{versions.NOTE_FORCED}:2")
    assert versions.version_or_none(m, 2).title_en == "Lost on purpose"  # still in the history
    assert versions.pending_web_edit(m) is None


def test_export_then_sync_round_trip(app, content_copy):
    user = trainer()
    m = module()
    objectives = [dict(o) for o in m.objectives]
    objectives[0]["en"] = "An objective: rewritten on the web, with a colon"
    body = m.body_markdown.replace("## 常见误区", "网页上补充的一段说明：品牌建设要长期坚持。\n\n## 常见误区", 1)
    web_edit(user, title_zh="品牌营销（网页修订）", summary_en="Edited summary: with 'quotes' and a colon",
             minutes=41, objectives=objectives, body_markdown=body)
    expected = versions.snapshot(module())
    path = module_file(content_copy)
    original = path.read_text(encoding="utf-8").split("\n---\n", 1)[0].split("\n")

    written = export_modules(path.parent)
    assert [(w.code, w.version) for w in written] == [(CODE, 2)]
    text = path.read_text(encoding="utf-8")
    head = text.split("\n---\n", 1)[0].split("\n")
    changed_keys = {line.split(":", 1)[0] for line in head if line not in original and not line.startswith(" ")}
    assert changed_keys <= {"title", "summary", "minutes", "objectives"}  # the rest is left as it was
    assert "self_check:" in text and "categories:" in text

    assert sync_content(content_copy, check_only=True).problems == []
    result = sync_content(content_copy)
    assert result.ok
    m = module()
    assert versions.snapshot(m) == expected
    latest = versions.latest_version(m)
    assert (latest.source, latest.note) == ("file", versions.NOTE_EXPORTED)
    assert versions.pending_web_edit(m) is None
    # from now on the file leads again: a later file change is accepted without --force
    edit(path, "minutes: 41", "minutes: 42")
    assert sync_content(content_copy).ok and module().minutes == 42


def test_compose_without_a_file_writes_the_whole_front_matter(app):
    m = module()
    categories = set(db.session.scalars(db.select(Category.code)))
    text = compose_file(m, None)
    data, problems = read_module(module_file(ROOT), f"content/modules/{CODE}.md", categories, text=text)
    assert problems == []
    assert (data.titles, data.minutes, data.body_markdown) == ((m.title_zh, m.title_en), m.minutes, m.body_markdown)
    assert data.categories == [c.code for c in m.categories] and data.self_check == m.self_check
    assert data.prerequisites == [p.code for p in m.prerequisites]


def test_cli_sync_refuses_export_and_force(app, content_copy, tmp_path):
    runner = app.test_cli_runner()
    app.config["CONTENT_DIR"] = str(content_copy)
    try:
        web_edit(trainer(), title_en="CLI web title")
        path = module_file(content_copy)
        edit(path, "minutes: ", "minutes: 1", 1)
        result = runner.invoke(args=["content", "sync"])
        assert result.exit_code == 1
        assert f"module {CODE} was edited on the web at" in result.output and "nothing was written" in result.output
        assert runner.invoke(args=["content", "sync", "--check"]).exit_code == 1

        out = tmp_path / "exported"
        result = runner.invoke(args=["content", "export", "--module", CODE, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert "CLI web title" in (out / f"{CODE}.md").read_text(encoding="utf-8")
        assert "CLI web title" not in path.read_text(encoding="utf-8")  # -o: the content folder is untouched
        assert runner.invoke(args=["content", "export", "--module", "no-such-module"]).exit_code == 1

        result = runner.invoke(args=["content", "sync", "--force"])
        assert result.exit_code == 0, result.output
        assert module().title_en != "CLI web title"
        result = runner.invoke(args=["content", "export"])
        assert result.exit_code == 0 and "no web edits to export" in result.output
    finally:
        app.config["CONTENT_DIR"] = str(ROOT)
