"""The trainer's question bank pages: browse, preview and check, edit with versions, bulk actions,
import with a preview of every problem, export."""

import io

from kamtrain.assessment import bank
from kamtrain.assessment.models import PendingImport, Question
from kamtrain.core.db import db
from tests.factories import create_user

GOOD = """$CATEGORY: $course$/top/web

::W1 角色::客户经理的三种角色之一是？{=顾问#对，这是顾问角色。 ~推销员#不全面。 ~收银员#不对。}

::W2 阶段::客户流失一般分几个阶段？{#4#对，四个阶段。}
"""
BAD = GOOD + "\n::W3 坏题::缺少右括号{=甲 ~乙\n\n::W4 数字::数字题{#x..y}\n"


def _trainer(login_as):
    user = create_user("trainer_w", roles=["trainer"])
    login_as(user)
    return user


def _upload(client, text, name="bank.gift"):
    page = client.get("/bank/import")
    assert page.status_code == 200
    return client.post("/bank/import", data={"file": (io.BytesIO(text.encode()), name), "format": "auto",
                                             "category": ""}, content_type="multipart/form-data")


def test_bank_lists_and_filters_the_content_bank(client, login_as):
    _trainer(login_as)
    page = client.get("/bank/?competency=communication&level=4")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "KT-COM-" in html and "KT-INF-" not in html
    found = client.get("/bank/?q=换卡").get_data(as_text=True)
    assert "换卡" in found


def test_preview_checks_an_answer_like_an_attempt(client, login_as):
    _trainer(login_as)
    bank.import_files([("w.gift", GOOD.encode())])
    row = db.session.scalar(db.select(Question).filter_by(name="W1 角色"))
    q = bank.load_questions([row])[0]
    right = next(i for i, a in enumerate(q.answers) if a.fraction > 0)
    page = client.get(f"/bank/questions/{row.id}").get_data(as_text=True)
    assert "客户经理的三种角色之一是" in page and 'type="radio"' in page
    checked = client.post(f"/bank/questions/{row.id}", data={"preview": str(right)}).get_data(as_text=True)
    assert "这是顾问角色" in checked and 'class="feedback ok"' in checked and "1.00" in checked
    wrong = client.post(f"/bank/questions/{row.id}", data={"preview": str((right + 1) % 3)}).get_data(as_text=True)
    assert 'class="feedback bad"' in wrong and "0.00" in wrong


def test_editing_a_question_makes_a_new_version(client, login_as):
    _trainer(login_as)
    bank.import_files([("w.gift", GOOD.encode())])
    row = db.session.scalar(db.select(Question).filter_by(name="W2 阶段"))
    data = {"name": "W2 阶段", "category": "top/web", "competency": "customer_service",
            "levels": ["4"], "tracks": ["sales"], "difficulty": "1", "tags": "流失",
            "text": "客户流失（换卡）一般分几个阶段？", "text_format": "moodle", "general_feedback": "",
            "default_mark": "1", "options-0-text": "4", "options-0-fraction": "100", "options-0-tolerance": "0",
            "options-0-feedback": "对", "unit_penalty": "0.1", "note": "加上换卡"}
    response = client.post(f"/bank/questions/{row.id}/edit", data=data)
    assert response.status_code == 302, _field_errors(response.get_data(as_text=True))
    db.session.refresh(row)
    assert row.latest_version == 2 and row.competency.code == "customer_service" and "流失" in row.tags
    page = client.get(f"/bank/questions/{row.id}?version=1").get_data(as_text=True)
    assert "客户流失一般分几个阶段" in page and "客户流失（换卡）" not in page


def test_editor_reports_problems_at_the_field(client, login_as):
    _trainer(login_as)
    response = client.post("/bank/questions/new?type=multichoice", data={
        "name": "新题", "category": "top/web", "text": "哪一个？", "text_format": "html",
        "default_mark": "1", "single": "1", "options-0-text": "甲", "options-0-fraction": "50",
        "options-1-text": "乙", "options-1-fraction": "0"})
    assert response.status_code == 200
    assert db.session.scalar(db.select(Question).filter_by(name="新题")) is None
    assert 'class="errors"' in response.get_data(as_text=True)


def test_bulk_retire_and_move(client, login_as):
    _trainer(login_as)
    bank.import_files([("w.gift", GOOD.encode())])
    ids = [str(r.id) for r in db.session.scalars(db.select(Question).filter(Question.name.like("W%")))]
    client.post("/bank/bulk", data={"ids": ids, "action": "move", "target": "top/web/moved"})
    client.post("/bank/bulk", data={"ids": ids[:1], "action": "retire", "target": ""})
    rows = db.session.scalars(db.select(Question).where(Question.id.in_([int(i) for i in ids]))).all()
    assert {r.category.path for r in rows} == {"top/web/moved"}
    assert sum(r.retired for r in rows) == 1


def test_import_shows_every_error_at_its_line_then_imports_the_fixed_file(client, login_as):
    _trainer(login_as)
    response = _upload(client, BAD)
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    lines = BAD.splitlines()
    w3 = next(i for i, line in enumerate(lines, 1) if line.startswith("::W3"))
    w4 = next(i for i, line in enumerate(lines, 1) if line.startswith("::W4"))
    assert f'data-line="{w3}"' in preview and f'data-line="{w4}"' in preview
    assert "缺少右括号" in preview  # the offending line is shown
    assert "Import 2" not in preview and "导入 2" not in preview
    response = _upload(client, GOOD)
    token = response.headers["Location"].rsplit("/", 1)[-1]
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    done = client.post(f"/bank/import/{token}", data={})
    assert done.status_code == 302
    assert db.session.scalar(db.select(Question).filter_by(name="W1 角色")) is not None
    assert db.session.scalar(db.select(PendingImport).filter_by(token=token)).imported_at is not None
    again = client.post(f"/bank/import/{token}", data={})  # a double click imports once
    assert again.status_code in (200, 302)
    assert db.session.scalar(db.select(db.func.count(Question.id)).filter_by(name="W1 角色")) == 1


def test_someone_elses_pending_import_is_not_found(client, login_as):
    _trainer(login_as)
    response = _upload(client, GOOD)
    url = response.headers["Location"]
    other = create_user("trainer_o", roles=["trainer"])
    client.post("/logout")
    login_as(other)
    assert client.get(url).status_code == 404


def test_export_downloads_a_file(client, login_as):
    _trainer(login_as)
    response = client.get("/bank/export?format=gift&category=top/kamtrain/sharing")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert "$CATEGORY:" in response.get_data(as_text=True)


def _field_errors(html):
    import re as _re
    return _re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>', html, _re.S)


def _finding_items(html):
    """{line: text of the finding's <li>} of an import preview."""
    import re

    return {int(m[1]): m[2] for m in re.finditer(r'<li class="finding \w+" data-line="(\d+)">(.*?)</li>', html, re.S)}


def _bad_lines():
    lines = BAD.splitlines()
    return (next(i for i, line in enumerate(lines, 1) if line.startswith("::W3")),
            next(i for i, line in enumerate(lines, 1) if line.startswith("::W4")))


def test_import_preview_shows_each_finding_in_chinese_at_its_line(client, login_as):
    _trainer(login_as)
    preview = client.get(_upload(client, BAD).headers["Location"]).get_data(as_text=True)
    items = _finding_items(preview)
    w3, w4 = _bad_lines()
    assert "花括号错误：“{”没有对应的“}”" in items[w3]
    assert "范围“x..y”必须是两个数字" in items[w4]
    assert "brace error" not in preview and "must be two numbers" not in preview


def test_import_preview_shows_each_finding_in_english_on_request(client, login_as):
    _trainer(login_as)
    url = _upload(client, BAD).headers["Location"]
    preview = client.get(url + "?lang=en").get_data(as_text=True)
    items = _finding_items(preview)
    w3, w4 = _bad_lines()
    assert "brace error: &#39;{&#39; has no closing &#39;}&#39;" in items[w3]
    assert "range &#39;x..y&#39; must be two numbers, min..max" in items[w4]
    assert "花括号错误" not in preview


def test_the_command_line_report_keeps_contract_fields_and_english_messages():
    report = bank.import_files([("bad.gift", BAD.encode())], dry_run=True)
    errors = report["files"][0]["errors"]
    assert [sorted(e) for e in errors] == [["column", "line", "message", "question"]] * len(errors)
    assert any(e["message"].startswith("brace error: '{' has no closing '}'") for e in errors)
    translatable = bank.import_files([("bad.gift", BAD.encode())], dry_run=True, translatable=True)
    brace = next(e for e in translatable["files"][0]["errors"] if e["message"].startswith("brace error"))
    assert brace["template"].startswith("brace error") and brace["params"] == {}
    rng = next(e for e in translatable["files"][0]["errors"] if e["message"].startswith("range"))
    assert rng["params"] == {"range": "x..y"} and rng["template"] % rng["params"] == rng["message"]
