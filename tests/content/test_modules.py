"""Course modules: what the content holds, how trainees use modules, and bad module files."""

import re
from pathlib import Path

from kamtrain.competency.models import Category
from kamtrain.content.markdown import render
from kamtrain.content.models import Module, ModuleProgress, Syllabus
from kamtrain.content.sync import sync_content
from kamtrain.core.db import db
from tests.content.conftest import line_of
from tests.factories import create_user

ROOT = Path(__file__).resolve().parents[2]


def test_content_has_enough_modules_for_every_category(app):
    modules = db.session.scalars(db.select(Module).where(Module.retired.is_(False))).all()
    assert len(modules) >= 30
    for m in modules:
        assert len(re.findall(r"[\u4e00-\u9fff]", m.body_markdown)) >= 1200, m.code
        assert len(m.self_check) == 3
    for cat in db.session.scalars(db.select(Category)):
        covering = [m for m in modules if cat in m.categories]
        assert len(covering) >= 2, cat.code


def test_forecast_worked_example_figures_are_exact(app):
    body = db.session.scalar(db.select(Module).filter_by(code="market-forecast-process")).body_markdown
    for figure in ("11968.14", "11470", "11719.07", "1152.5", "2250"):
        assert figure in body.replace(",", ""), figure


def test_eight_syllabi_chain_by_level(app):
    syllabi = {s.code: s for s in db.session.scalars(db.select(Syllabus))}
    assert sorted(syllabi) == sorted(f"{t}-{lv}" for t in ("sales", "marketing") for lv in (1, 2, 3, 4))
    for s in syllabi.values():
        assert (s.requires.code if s.requires else None) == (None if s.level == 4 else f"{s.track}-{s.level + 1}")
        assert s.modules and s.exam_questions > 0


def test_markdown_is_sanitised():
    html = render("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n"
                  "| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html  # shown as harmless text
    assert "<table>" in html


def test_search_finds_chinese_terms(login_as):
    client = login_as(create_user("reader"))
    html = client.get("/modules?q=换卡").get_data(as_text=True)
    assert 'data-module="churn-card-switching"' in html
    html = client.get("/modules?q=漏斗").get_data(as_text=True)
    assert 'data-module="interview-stages-funnel"' in html
    html = client.get("/modules?q=不存在的词语组合").get_data(as_text=True)
    assert "data-module=" not in html


def test_self_check_and_completion_move_syllabus_progress(login_as):
    user = create_user("learner", track="sales", target_level=4)
    client = login_as(user)
    syllabus = db.session.scalar(db.select(Syllabus).filter_by(code="sales-4"))
    module = syllabus.modules[0]
    page = client.get("/syllabus").get_data(as_text=True)
    assert 'data-done="0"' in page
    answers = {f"q{i}": str(q["answer"]) for i, q in enumerate(module.self_check)}
    html = client.post(f"/modules/{module.code}/self-check", data=answers).get_data(as_text=True)
    assert "3 题中答对 3 题" in html
    wrong = {f"q{i}": str((q["answer"] + 1) % len(q["options"])) for i, q in enumerate(module.self_check)}
    html = client.post(f"/modules/{module.code}/self-check", data=wrong).get_data(as_text=True)
    assert "3 题中答对 0 题" in html and module.self_check[0]["explanation"] in html
    row = db.session.scalar(db.select(ModuleProgress).filter_by(user_id=user.id, module_id=module.id))
    assert row.self_check_correct == 3 and row.completed_at is None  # the best result is kept
    client.post(f"/modules/{module.code}/complete", data={"seconds": "600"})
    db.session.refresh(row)
    assert row.completed_at is not None and row.seconds_spent == 0  # time comes only from capped heartbeats
    assert 'data-done="1"' in client.get("/syllabus").get_data(as_text=True)


def test_retired_or_unknown_module_is_404(login_as):
    client = login_as(create_user("lost"))
    assert client.get("/modules/no-such-module").status_code == 404




def test_bad_module_files_are_reported_with_file_and_line(app, content_copy):
    modules = content_copy / "content" / "modules"
    churn = modules / "churn-card-switching.md"
    text = churn.read_text(encoding="utf-8")
    text = text.replace("categories: [", "categories: [no_such_category, ", 1)
    text = text.replace("## 常见误区", "## 误区")
    churn.write_text(text, encoding="utf-8")
    cat_line = line_of(churn, "categories:")
    a = modules / "market-forecast-methods.md"
    a.write_text(a.read_text(encoding="utf-8").replace("prerequisites: [market-forecast-foundations]",
                                                        "prerequisites: [market-forecast-process]"), encoding="utf-8")
    b = modules / "presentation-skills.md"
    b.write_text(b.read_text(encoding="utf-8").replace("prerequisites: [", "prerequisites: [ghost-module, ", 1),
                 encoding="utf-8")
    problems = [str(p) for p in sync_content(content_copy, check_only=True).problems]
    assert f"content/modules/churn-card-switching.md:{cat_line}: categories: unknown category 'no_such_category'" \
        in problems
    assert any(p.startswith("content/modules/churn-card-switching.md:") and "'## 常见误区'" in p for p in problems)
    assert any("presentation-skills.md:" in p and "no module 'ghost-module'" in p for p in problems)
    assert any("prerequisites: cycle" in p and "market-forecast-methods" in p for p in problems)
    # the syllabi that list the broken module are not reported twice for it
    before = db.session.scalar(db.select(Module).filter_by(code="churn-card-switching")).content_hash
    assert not sync_content(content_copy).ok
    assert db.session.scalar(db.select(Module).filter_by(code="churn-card-switching")).content_hash == before


def test_front_matter_must_open_the_file(app, content_copy):
    path = content_copy / "content" / "modules" / "career-planning.md"
    path.write_text("# no front matter\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    problems = [str(p) for p in sync_content(content_copy, check_only=True).problems]
    assert "content/modules/career-planning.md:1: the file must start with '---' and YAML front matter" in problems
