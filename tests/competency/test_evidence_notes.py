"""The evidence page says in words what each piece was — the quiz and question, the scenario, the step
an assessment gave — not the code stored for the logs ("practice-category-information #1 Q3",
"scenario bank-price-sla-negotiation run 4", "self assessment: step 3")."""

import re

from kamtrain.competency.models import Evidence
from kamtrain.core.db import db
from kamtrain.scenarios.models import ScenarioRecord
from tests.competency.helpers import category, trainee
from tests.scenarios.conftest import finished_run


def _notes(html):
    return [re.sub(r"\s+", " ", n).strip()
            for n in re.findall(r'<td class="small" data-label="Note">(.*?)</td>', html, re.S)]


def test_quiz_answers_and_assessments_are_described_in_words(login_as):
    user = trainee()
    client = login_as(user)
    client.post("/language/en", data={"next": "/"})
    start = client.post("/quizzes/practice/category/information")
    attempt_id = int(start.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    client.post(f"/attempts/{attempt_id}/submit")
    info = category("information")
    client.post("/gaps/assess", data={f"step-{info.id}": "3", f"comment-{info.id}": "有进步", "note": ""})

    notes = _notes(client.get("/gaps/evidence/information").get_data(as_text=True))
    assert any(re.fullmatch(r".+, attempt 1, question 1", n) for n in notes), notes
    assert "Step 3: Proficient — 有进步" in notes
    assert not [n for n in notes if "practice-category" in n or "assessment: step" in n]


def test_a_scenario_run_is_named_by_its_title(login_as):
    user = trainee()
    run = finished_run(user)
    row = db.session.scalar(db.select(Evidence).filter_by(user_id=user.id, source_kind="scenario"))
    client = login_as(user)
    client.post("/language/en", data={"next": "/"})
    notes = _notes(client.get(f"/gaps/evidence/{row.category.code}").get_data(as_text=True))
    title = db.session.get(ScenarioRecord, run.scenario_id).title_en
    assert f"{title}: the decisions made in one run" in [n.replace("&#39;", "'") for n in notes]
