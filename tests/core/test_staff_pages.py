"""Labels and layout details of the trainer, HR and admin pages that a reader notices: no raw codes
or Chinese titles in English pages, real plurals, dates that cannot be misread, hints that are text
and not markup, error pages that say what to do next."""

import io
import re
from datetime import datetime

from flask import render_template_string
from flask_babel import force_locale

from kamtrain.accounts.roles import Role
from kamtrain.content.models import Syllabus
from kamtrain.core.db import db
from tests.factories import create_user

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_english_short_dates_spell_the_month(app):
    moment = datetime(2026, 10, 10, 12, 57)  # UTC: 20:57 in Asia/Shanghai
    template = "{{ when | datetimeformat('short') }} | {{ when | dateformat('short') }}"
    with app.test_request_context("/"):
        with force_locale("en"):
            assert render_template_string(template, when=moment) == "10 Oct 2026, 20:57 | 10 Oct 2026"
        with force_locale("zh"):
            assert render_template_string(template, when=moment) == "2026/10/10 20:57 | 2026/10/10"


def test_the_exam_pages_name_syllabi_by_title_in_the_reader_s_language(app):
    create_user("staff_en", roles=[Role.TRAINER], locale="en")
    client = app.test_client()
    client.post("/login", data={"username": "staff_en", "password": "correct-horse-battery"})
    sales4 = db.session.scalar(db.select(Syllabus).filter_by(code="sales-4"))
    listing = client.get("/exams/").get_data(as_text=True)
    assert f">{sales4.title_en}</a>" in listing and ">sales-4</a>" not in listing
    form = client.get("/exams/new").get_data(as_text=True)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", form.split('id="syllabus"', 1)[1].split("</select>", 1)[0])
    assert sales4.title_en in options and not any(HAN.search(o) for o in options)


def test_the_import_preview_names_the_format_and_counts_in_words(app):
    trainer = create_user("staff_import", roles=[Role.TRAINER], locale="en")
    client = app.test_client()
    client.post("/login", data={"username": trainer.username, "password": "correct-horse-battery"})
    text = "::A::一题？{=甲 ~乙}\n\n::B::坏题{=甲 ~乙\n"
    response = client.post("/bank/import", data={"file": (io.BytesIO(text.encode()), "bad.gift"), "format": "auto",
                                                 "category": ""}, content_type="multipart/form-data")
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Format: GIFT" in preview and "question(s)" not in preview
    assert re.search(r"<strong>\d+ questions?</strong>", preview)
    excerpt = preview.split('<pre class="excerpt">', 1)[1].split("</pre>", 1)[0]
    assert "</span>\n<span" not in excerpt  # one line per source line, no blank line between


def test_the_image_hint_of_the_question_editor_is_text_not_an_image(app):
    trainer = create_user("staff_hint", roles=[Role.TRAINER], locale="en")
    client = app.test_client()
    client.post("/login", data={"username": trainer.username, "password": "correct-horse-battery"})
    page = client.get("/bank/questions/new?type=essay").get_data(as_text=True)
    assert "&lt;img src=" in page and '<img src="@@PLUGINFILE@@/name"' not in page


def test_a_mistyped_verification_code_leads_back_to_the_form(client):
    page = client.get("/verify/KT-2025-000001-ZZZZZZZZ")
    html = page.get_data(as_text=True)
    assert page.status_code == 404
    assert 'href="/verify/"' in html and "/login" not in html.split('<main id="main">', 1)[1]


def test_a_refused_page_says_whom_to_ask(app):
    trainee = create_user("staff_403", roles=[Role.TRAINEE], locale="en")
    client = app.test_client()
    client.post("/login", data={"username": trainee.username, "password": "correct-horse-battery"})
    page = client.get("/bank/")
    assert page.status_code == 403 and "ask an administrator" in page.get_data(as_text=True)


def test_a_cloze_question_names_its_blanks_by_type(app):
    from kamtrain.assessment.models import Question

    cloze = db.session.scalar(db.select(Question).filter_by(qtype="cloze").order_by(Question.id))
    trainer = create_user("staff_cloze", roles=[Role.TRAINER], locale="en")
    client = app.test_client()
    client.post("/login", data={"username": trainer.username, "password": "correct-horse-battery"})
    page = client.get(f"/bank/questions/{cloze.id}").get_data(as_text=True)
    blanks = re.findall(r"<li>([^(<]*) \(weight", page)
    assert blanks and not {b.strip() for b in blanks} & {"multichoice", "shortanswer", "numerical"}


def test_the_hr_home_page_leads_to_the_records_and_approvals(app):
    hr = create_user("staff_hr", roles=[Role.HR], locale="en")
    client = app.test_client()
    client.post("/login", data={"username": hr.username, "password": "correct-horse-battery"})
    page = client.get("/").get_data(as_text=True)
    assert 'data-link="records"' in page and 'data-link="approvals"' in page and 'data-link="expiring"' in page


def test_no_message_counts_with_a_bracketed_plural():
    """"1 question(s)" reads badly in English: counts go through ngettext, which Chinese folds into one form."""
    from tests.core.test_i18n import source_messages

    bracketed = [f"{where}: {msg}" for msg, where in source_messages().items() if re.search(r"[a-z]\(s\)", msg)]
    assert bracketed == []
