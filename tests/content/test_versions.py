"""Trainers edit modules in the browser: every save is a version with author, time and note; the
history shows a line diff; revert is itself a new version; unsafe Markdown is neutralised."""

import re

import pytest

from kamtrain.accounts.roles import Role
from kamtrain.content import versions
from kamtrain.content.forms import body_problems
from kamtrain.content.models import Module, ModuleVersion
from kamtrain.core.db import db
from kamtrain.core.errors import DomainError
from tests.factories import create_user

CODE = "customer-satisfaction"


def module(code=CODE):
    return db.session.scalar(db.select(Module).filter_by(code=code))


def form_of(m, **changes):
    data = {
        "title_zh": m.title_zh, "title_en": m.title_en, "summary_zh": m.summary_zh, "summary_en": m.summary_en,
        "minutes": str(m.minutes), "objectives_zh": "\n".join(o["zh"] for o in m.objectives),
        "objectives_en": "\n".join(o["en"] for o in m.objectives), "body": m.body_markdown, "note": "",
        "base_version": str(versions.latest_version(m).number), "action": "save",
    }
    data.update(changes)
    return data


@pytest.fixture
def trainer_client(login_as):
    user = create_user("trainer_t", roles=[Role.TRAINER], full_name="唐老师")
    return login_as(user), user


def test_sync_records_one_file_version_per_module(app):
    for m in db.session.scalars(db.select(Module).where(Module.retired.is_(False))):
        first = versions.version_or_none(m, 1)
        assert first is not None and first.source == "file" and first.author is None, m.code
        assert first.body_markdown == m.body_markdown and first.file_hash == m.content_hash


def test_a_web_save_is_a_version_with_author_note_and_diff(trainer_client):
    client, user = trainer_client
    m = module()
    old_body = m.body_markdown
    added = "补充一句：满意度调查结果要在两周内反馈给客户的联系人。"
    body = old_body.replace("## 常见误区", f"{added}\n\n## 常见误区", 1)
    response = client.post(f"/modules/{CODE}/edit", data=form_of(
        m, title_zh="客户满意度（修订）", body=body, note="补充反馈时限"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/modules/{CODE}/versions")
    m = module()
    latest = versions.latest_version(m)
    assert (latest.number, latest.source, latest.author_id, latest.note) == (2, "web", user.id, "补充反馈时限")
    assert m.title_zh == "客户满意度（修订）" and added in m.body_html and added in m.search_text
    history = client.get(f"/modules/{CODE}/versions").get_data(as_text=True)
    assert 'data-version="2" data-source="web"' in history and "唐老师" in history and "补充反馈时限" in history
    page = client.get(f"/modules/{CODE}/versions/2").get_data(as_text=True)
    assert re.search(r'<tr class="add">.*?' + re.escape(added), page, re.S)
    assert "客户满意度（修订）" in page  # the changed title, before and after
    assert versions.pending_web_edit(m).number == 2


def test_revert_brings_back_an_earlier_version_as_a_new_one(trainer_client):
    client, _user = trainer_client
    m = module()
    original = versions.snapshot(m)
    client.post(f"/modules/{CODE}/edit", data=form_of(m, title_en="Customer satisfaction, revised"))
    assert module().title_en == "Customer satisfaction, revised"
    response = client.post(f"/modules/{CODE}/versions/1/revert")
    assert response.status_code == 302
    m = module()
    assert versions.snapshot(m) == original
    latest = versions.latest_version(m)
    assert (latest.number, latest.source, latest.note) == (3, "web", "revert:1")
    assert versions.pending_web_edit(m) is None  # back to what the file holds
    history = client.get(f"/modules/{CODE}/versions").get_data(as_text=True)
    assert "已恢复到版本 1" in history
    # reverting to the content the module already has changes nothing
    client.post(f"/modules/{CODE}/versions/1/revert")
    assert versions.latest_version(module()).number == 3


def test_a_stale_editor_does_not_overwrite_a_newer_save(trainer_client):
    client, _user = trainer_client
    m = module()
    stale = form_of(m, title_en="Second editor's title")
    client.post(f"/modules/{CODE}/edit", data=form_of(m, title_en="First editor's title"))
    html = client.post(f"/modules/{CODE}/edit", data=stale).get_data(as_text=True)
    assert "Second editor&#39;s title" in html  # the text is kept in the form
    assert module().title_en == "First editor's title"
    assert versions.latest_version(module()).number == 2


def test_the_form_applies_the_module_file_rules(trainer_client):
    client, _user = trainer_client
    m = module()
    short = "## 要点讲解\n太短了。\n"
    html = client.post(f"/modules/{CODE}/edit", data=form_of(m, body=short, objectives_en="only one")) \
        .get_data(as_text=True)
    assert "缺少“## 常见误区”" in html and "至少需要 1200 个" in html
    assert versions.latest_version(module()).number == 1
    assert [str(p) for p in body_problems(m.body_markdown)] == []


def test_preview_and_saved_text_neutralise_unsafe_markdown(trainer_client):
    client, _user = trainer_client
    m = module()
    unsafe = ("<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
              "[点我](javascript:alert(1)) [docs](https://example.com)\n\n")
    html = client.post(f"/modules/{CODE}/edit", data=form_of(m, body=unsafe + m.body_markdown, action="preview")) \
        .get_data(as_text=True)
    preview = html.split('data-preview>', 1)[1].split("</section>", 1)[0]
    assert "<script" not in preview and "<img" not in preview and "javascript:" not in preview.split("点我")[0]
    assert 'href="javascript' not in preview and 'href="https://example.com"' in preview
    assert "&lt;script&gt;" in preview  # shown as harmless text
    assert "<script>alert" not in html
    # raw HTML is refused on save (the module file format forbids it) …
    assert "不允许使用原始 HTML" in client.post(f"/modules/{CODE}/edit",
                                              data=form_of(m, body=unsafe + m.body_markdown)).get_data(as_text=True)
    # … and a javascript: link that is saved never becomes a live link
    client.post(f"/modules/{CODE}/edit", data=form_of(m, body=m.body_markdown + "\n[点我](javascript:alert(1))\n"))
    saved = module()
    assert versions.latest_version(saved).number == 2 and "javascript" not in saved.body_html.split("点我")[0][-40:]
    assert 'href="javascript' not in saved.body_html


def test_diff_page_escapes_what_it_shows(trainer_client):
    client, user = trainer_client
    m = module()
    fields = versions.snapshot(m) | {"body_markdown": m.body_markdown + "\n<script>alert(1)</script>\n"}
    versions.save_web_edit(m, user, fields, note="<b>note</b>")
    html = client.get(f"/modules/{CODE}/versions/2").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>note</b>" not in html and "&lt;b&gt;note&lt;/b&gt;" in html
    assert "<script>" not in module().body_html  # the module page shows it as text too


def test_operations_refuse_no_change_and_stale_base(app):
    user = create_user("trainer_op", roles=[Role.TRAINER])
    m = module()
    with pytest.raises(DomainError, match="no_change"):
        versions.save_web_edit(m, user, versions.snapshot(m))
    with pytest.raises(DomainError, match="edit_conflict"):
        versions.save_web_edit(m, user, versions.snapshot(m) | {"minutes": 50}, base_version=7)
    v = versions.save_web_edit(m, user, versions.snapshot(m) | {"minutes": 50}, base_version=1)
    assert v.number == 2 and module().minutes == 50


def test_a_module_without_versions_gets_a_baseline_before_its_first_edit(app):
    user = create_user("trainer_base", roles=[Role.TRAINER])
    m = module()
    db.session.execute(db.delete(ModuleVersion).where(ModuleVersion.module_id == m.id))
    v = versions.save_web_edit(m, user, versions.snapshot(m) | {"minutes": 33}, base_version=0)
    first = versions.version_or_none(m, 1)
    assert v.number == 2 and first.source == "file" and first.note == versions.NOTE_BASELINE
    assert first.minutes != 33


def test_body_diff_lines():
    rows = versions.body_diff("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n", context=1)
    kinds = [(r.kind, r.old, r.new, r.text) for r in rows]
    assert ("del", 2, None, "b") in kinds and ("add", None, 2, "B") in kinds and ("add", None, 5, "e") in kinds
    assert kinds[0][0] == "hunk"
    assert versions.body_diff("same\n", "same\n") == []


def test_only_trainers_and_admins_edit(login_as):
    client = login_as(create_user("just_a_trainee"))
    m = module()
    assert client.get(f"/modules/{CODE}/edit").status_code == 403
    assert client.post(f"/modules/{CODE}/edit", data=form_of(m, title_en="x")).status_code == 403
    assert client.post(f"/modules/{CODE}/versions/1/revert").status_code == 403
    assert "data-edit" not in client.get(f"/modules/{CODE}").get_data(as_text=True)
    assert module().title_en != "x"
