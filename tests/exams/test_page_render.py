"""The question page's fast path: a question body rendered once with holes where a response shows
(presentation.compile_body) must give exactly what the ``question`` macro gives for every type and
response, and the page must follow the trainee's language and show each pinned version as it is."""

import dataclasses

import pytest
from flask import url_for

from kamtrain.assessment import presentation
from kamtrain.assessment import questions as qm
from kamtrain.assessment.attempts import Attempt
from kamtrain.core.db import db
from tests.exams.conftest import RIGHT, answer_form, fixture_questions

A = qm.Answer
TRICKY = '<script>alert("x")</script> & \'quoted\' \x00 {#1}'


def _more_questions():
    """Cloze fields of every display (drop-down, vertical radio, horizontal multi-response, numerical), and
    an essay with a response template — the places the fixture questions do not reach."""
    cloze = qm.Question(
        qtype="cloze", name="EXT-CL2", text="甲{#1}乙{#2}丙{#3}丁{#4}",
        fields=[qm.ClozeField("multichoice", 1, [A("一", 1.0), A("二", 0.0), A("三", 0.0)], display="dropdown",
                              shuffle=True),
                qm.ClozeField("multichoice", 1, [A("四", 1.0), A("五", 0.0)], display="vertical"),
                qm.ClozeField("multichoice", 1, [A("六", 0.5), A("七", 0.5), A("八", -1.0)], display="horizontal",
                              multiple=True, shuffle=True),
                qm.ClozeField("numerical", 1, [A("42", 1.0)])])
    essay = qm.Question(qtype="essay", name="EXT-ES2", text="写一段。", response_template="模板：<b>先致歉</b>")
    return [cloze, essay]


def _responses(q):
    """Page-position responses worth trying for a presented question."""
    out = [None]
    if q.qtype == "multichoice":
        out += [0, len(q.answers) - 1] if q.single else [[0], [0, len(q.answers) - 1]]
    elif q.qtype == "truefalse":
        out += [True, False]
    elif q.qtype in ("shortanswer", "numerical", "essay"):
        out += ["漏斗", TRICKY, "0"]
    elif q.qtype == "matching":
        choices = sorted({p.answer for p in q.pairs if p.answer.strip()})
        out += [{0: choices[0]}, {i: choices[-1] for i, p in enumerate(q.pairs) if p.stem.strip()}, {1: TRICKY}]
    elif q.qtype == "cloze":
        full, partial = {}, {}
        for i, f in enumerate(q.fields):
            if f.kind == "multichoice":
                full[i] = [0, len(f.answers) - 1] if f.multiple else len(f.answers) - 1
                partial[i] = [1] if f.multiple else 0
            else:
                full[i], partial[i] = TRICKY, "42"
        out += [full, partial, {len(q.fields) - 1: "x"}]
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_body_rendered_once_is_the_macro_for_every_type_and_response(app, lang):
    questions = fixture_questions() + _more_questions()
    assert {q.qtype for q in questions} >= {"multichoice", "truefalse", "shortanswer", "numerical", "matching",
                                            "essay", "cloze"}
    with app.test_request_context(f"/?lang={lang}"):
        macro = app.jinja_env.get_template("assessment/_question.html").module.question
        compared = 0
        for seed in (1, 7):
            for q in questions:
                presented = presentation.present(q, seed)
                view = presentation.view(presented, "s3")
                body = presentation.compile_body(macro, view, number=3)
                outputs = set()
                for response in _responses(presented.question):
                    expected = str(macro(view, response=response, number=3))
                    assert str(body.fill(presented.question, response)) == expected, (q.name, response)
                    outputs.add(expected)
                    compared += 1
                assert len(outputs) > 2, q.name  # the responses tried do show
        assert compared > 60
        # a response's text is escaped where it is filled in, never read as markup or as a hole
        sa = presentation.present(questions[3], 1)
        filled = str(presentation.compile_body(macro, presentation.view(sa, "s1"), number=1).fill(sa.question, TRICKY))
        assert "<script>" not in filled and "&lt;script&gt;" in filled


def test_holes_must_all_come_back(app):
    with app.test_request_context("/"):
        view = presentation.view(presentation.present(fixture_questions()[0], 1), "s1")
        with pytest.raises(ValueError):
            presentation.compile_body(lambda v, marks, **o: (marks.option(0), "")[1], view)


def _start(client, quiz):
    response = client.post(f"/quizzes/{quiz.id}/start")
    assert response.status_code == 302
    return db.session.get(Attempt, int(response.headers["Location"].rsplit("/", 1)[1]))


def test_the_page_follows_the_language_and_every_answer(exam, trainee, login_as, app):
    client = login_as(trainee)
    attempt = _start(client, exam)
    for slot in attempt.slots:  # answer every question: each type's response comes back on its page
        r = client.post(f"/attempts/{attempt.id}/answers", data=answer_form(attempt, slot, RIGHT[
            slot.version.question.idnumber]), headers={"Accept": "application/json"})
        assert r.status_code == 200, r.get_data(as_text=True)
    pages = {}
    for lang in ("zh", "en"):
        trainee.locale = lang
        db.session.flush()
        html = client.get(f"/attempts/{attempt.id}?page=1").get_data(as_text=True)
        pages[lang] = html
        assert html.count('class="navq answered') == len(attempt.slots)
    assert "Time left" in pages["en"] and "Time left" not in pages["zh"]
    assert "Next question" in pages["en"] and "Next question" not in pages["zh"]
    with app.test_request_context():
        for name, url in (("status", url_for("attempts.status", attempt_id=attempt.id)),
                          ("result", url_for("attempts.result", attempt_id=attempt.id)),
                          ("answers", url_for("attempts.save", attempt_id=attempt.id))):
            assert url in pages["en"], name  # the links the page derives from its own address
    everything = client.get(f"/attempts/{attempt.id}?view=all").get_data(as_text=True)
    assert everything.count('<fieldset class="question') == len(attempt.slots)
    for slot in attempt.slots:
        form = answer_form(attempt, slot, RIGHT[slot.version.question.idnumber])
        for name, values in form.items():
            if name == "positions":
                continue
            html = client.get(f"/attempts/{attempt.id}?page={slot.position}").get_data(as_text=True)
            for value in values:
                assert (f'name="{name}" value="{value}" checked' in html or f'value="{value}" selected' in html
                        or f'name="{name}" value="{value}" autocomplete' in html
                        or f'name="{name}" value="{value}" size=' in html
                        or f">{value}</textarea>" in html), (name, value)
    # past the last question: back to the last one
    r = client.get(f"/attempts/{attempt.id}?page=99")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"page={len(attempt.slots)}")


def test_a_corrected_question_shows_the_version_the_attempt_pinned(exam, trainee, login_as, own_bank):
    from kamtrain.accounts.models import User
    from kamtrain.assessment import bank

    client = login_as(trainee)
    attempt = _start(client, exam)
    mc = next(s for s in attempt.slots if s.version.question.idnumber == "EXT-MC1")
    before = client.get(f"/attempts/{attempt.id}?page={mc.position}").get_data(as_text=True)
    assert "拜访前最先准备什么？" in before
    row = own_bank["EXT-MC1"]
    edited = dataclasses.replace(bank.to_question(row, bank.current_version(row)), text="改过的题干")
    author = db.session.scalar(db.select(User).limit(1))
    assert bank.save_edit(row, edited, author)
    db.session.flush()
    after = client.get(f"/attempts/{attempt.id}?page={mc.position}").get_data(as_text=True)
    assert "拜访前最先准备什么？" in after and "改过的题干" not in after
