"""Gap report pages through HTTP: who sees what, the radar and table, evidence, assessments,
observations, the team heatmap with assignments, the org report and its exports."""

import io
from datetime import date, timedelta

from openpyxl import load_workbook

from kamtrain.accounts.roles import Role
from kamtrain.competency.assessments import Assessment, Observation
from kamtrain.competency.models import Evidence
from kamtrain.core.db import db
from kamtrain.development import operations as plans
from kamtrain.scenarios.models import ScenarioRecord
from tests.competency.helpers import add_evidence, category, trainee
from tests.factories import create_team, create_user


def test_my_report_has_the_radar_table_and_trend(login_as):
    user = trainee()
    for _ in range(5):
        add_evidence(user, "information", 1.0, days=3)
    add_evidence(user, "communication", 0.0, days=3)
    html = login_as(user).get("/gaps/").get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'class="radar-profile"' in html
    assert 'class="radar-target"' in html  # sales level 3's targets
    assert 'data-category="information" data-value="4.0" data-state="reliable"' in html
    assert 'data-category="communication" data-value="1.0" data-state="provisional"' in html
    assert 'data-category="it_knowledge" data-value="" data-state="none"' in html
    assert 'data-section="weakest"' in html and 'data-section="trend"' in html
    assert "style=" not in html  # CSP: no inline styles, not even in the SVG
    assert "我的差距报告" in html


def test_evidence_page_lists_the_pieces(login_as):
    user = trainee()
    add_evidence(user, "sharing", 0.5, kind="observation", days=20)
    html = login_as(user).get("/gaps/evidence/sharing").get_data(as_text=True)
    assert 'data-source="observation"' in html and "客户拜访观察" in html
    assert login_as(user).get("/gaps/evidence/no-such-category").status_code == 404




def test_person_report_for_leader_trainer_and_hr(app, login_as):
    leader = create_user(roles=[Role.LEADER])
    team = create_team(leader=leader)
    member = trainee(team=team)
    outsider = trainee()
    client = login_as(leader)
    assert client.get(f"/gaps/people/{member.id}").status_code == 200
    assert client.get(f"/gaps/people/{outsider.id}").status_code == 404
    assert client.get(f"/gaps/people/{member.id}/evidence/information").status_code == 200
    for role in (Role.TRAINER, Role.HR):
        other = app.test_client()
        staff = create_user(roles=[role])
        other.post("/login", data={"username": staff.username, "password": "correct-horse-battery"})
        assert other.get(f"/gaps/people/{outsider.id}").status_code == 200


def test_self_assessment(login_as):
    user = trainee()
    info, comm = category("information"), category("communication")
    client = login_as(user)
    page = client.get("/gaps/assess").get_data(as_text=True)
    assert f'name="step-{info.id}"' in page and "行为表现" in page
    response = client.post("/gaps/assess", data={f"step-{info.id}": "3", f"comment-{info.id}": "有进步",
                                                 f"step-{comm.id}": "", "note": ""})
    assert response.status_code == 302
    a = db.session.scalar(db.select(Assessment).filter_by(user_id=user.id))
    assert a.kind == "self" and [(r.category_id, r.step) for r in a.ratings] == [(info.id, 3)]
    assert db.session.scalar(db.select(Evidence).filter_by(source_kind="self", source_id=a.id)).note.endswith("有进步")
    # the next form has the last choice filled in
    assert f'name="step-{info.id}" value="3" checked' in client.get("/gaps/assess").get_data(as_text=True)


def test_leader_assessment_and_observation(login_as):
    leader = create_user(roles=[Role.LEADER])
    team = create_team(leader=leader)
    member = trainee(team=team)
    info = category("information")
    client = login_as(leader)
    assert client.post(f"/gaps/people/{member.id}/assess", data={f"step-{info.id}": "2"}).status_code == 302
    assert db.session.scalar(db.select(Assessment).filter_by(user_id=member.id, kind="leader")) is not None
    visit = (date.today() - timedelta(days=1)).isoformat()
    response = client.post(f"/gaps/people/{member.id}/observe", data={
        "category": str(info.id), "step": "3", "observed_on": visit, "customer": "某物流园区", "note": "谈判准备充分"})
    assert response.status_code == 302
    obs = db.session.scalar(db.select(Observation).filter_by(user_id=member.id))
    assert obs.step == 3 and obs.customer == "某物流园区"
    # a bad date is refused with a message, not a crash
    response = client.post(f"/gaps/people/{member.id}/observe", data={
        "category": str(info.id), "step": "3", "observed_on": "yesterday"})
    assert response.status_code == 200 and "YYYY-MM-DD" in response.get_data(as_text=True)
    outsider = trainee()
    assert client.get(f"/gaps/people/{outsider.id}/observe").status_code == 404


def _team(size=3):
    leader = create_user(roles=[Role.LEADER])
    team = create_team(leader=leader)
    members = [trainee(team=team) for _ in range(size)]
    for m in members:
        for _ in range(5):  # five exam answers: reliable (amount ≥ 4)
            add_evidence(m, "communication", 0.1, days=2)
            add_evidence(m, "information", 0.9, days=2)
    return leader, team, members


def test_team_heatmap_and_weakest(login_as):
    leader, team, members = _team()
    html = login_as(leader).get("/gaps/team").get_data(as_text=True)
    assert f'data-team="{team.id}"' in html
    assert 'data-weak="communication"' in html
    for m in members:
        assert f'data-member="{m.username}"' in html
    assert 'class="heat large" data-category="communication" data-value="1.3"' in html
    assert 'class="heat meets" data-category="information" data-value="3.7"' in html
    assert "班组最弱的三个类别（短板）" in html


def test_assign_a_scenario_to_the_team_from_the_heatmap(app, login_as):
    leader, team, members = _team()
    scenario = db.session.scalar(db.select(ScenarioRecord).where(ScenarioRecord.retired.is_(False))
                                 .order_by(ScenarioRecord.id))
    comm = category("communication")
    client = login_as(leader)
    response = client.post(f"/gaps/team/{team.id}/assign", data={
        "what": f"scenario:{scenario.id}", "to": "team", "category": str(comm.id),
        "due_on": (date.today() + timedelta(days=14)).isoformat(), "note": "两周内完成"})
    assert response.status_code == 302
    for m in members:
        plan = plans.current_plan(m)
        item = next(i for i in plan.items if i.origin == "leader")
        assert item.scenario_id == scenario.id and item.due_on == date.today() + timedelta(days=14)
    # one member only, a practice quiz
    response = client.post(f"/gaps/team/{team.id}/assign", data={
        "what": "quiz:category:communication", "to": str(members[0].id), "category": str(comm.id)})
    assert response.status_code == 302
    assert any(i.kind == "quiz" and i.origin == "leader" for i in plans.current_plan(members[0]).items)
    assert not any(i.kind == "quiz" and i.origin == "leader" for i in plans.current_plan(members[1]).items)
    # nonsense is refused politely
    response = client.post(f"/gaps/team/{team.id}/assign", data={"what": "module:999999", "to": "team"})
    assert response.status_code == 302
    other_leader = create_user(roles=[Role.LEADER])
    other = app.test_client()
    other.post("/login", data={"username": other_leader.username, "password": "correct-horse-battery"})
    assert other.post(f"/gaps/team/{team.id}/assign", data={"what": "x"}).status_code == 404


def test_org_report_and_exports(app, login_as):
    _leader, team, members = _team(2)
    members[0].employee_no = "HZ77001"
    hr = create_user(roles=[Role.HR])
    client = login_as(hr)
    html = client.get(f"/gaps/org?unit={team.org_unit.id}").get_data(as_text=True)
    assert 'data-section="overall"' in html and team.name in html and 'class="dist"' in html
    response = client.get(f"/gaps/org/export.csv?unit={team.org_unit.id}")
    assert response.mimetype == "text/csv" and response.get_data().startswith("\ufeff".encode())
    text = response.get_data(as_text=True)
    assert "HZ77001" in text and "信息技能" in text
    response = client.get("/gaps/org/export.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert any(row[0] == "HZ77001" for row in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
