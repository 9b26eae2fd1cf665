"""Plan pages through HTTP: generate, edit, add and remove, agree, approve or send back, tick an
action, review, the PDF; who may do what."""

from kamtrain.accounts.roles import Role
from kamtrain.core.db import db
from kamtrain.development import operations as ops
from kamtrain.development.models import DevelopmentPlan
from tests.development.test_plans import weak_trainee
from tests.factories import create_team, create_user

PASSWORD = "correct-horse-battery"


def client_for(app, user):
    client = app.test_client()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_trainee_generates_edits_and_agrees(app):
    leader = create_user(roles=[Role.LEADER])
    team = create_team(leader=leader)
    user = weak_trainee(team)
    me = client_for(app, user)
    html = me.get("/plan/").get_data(as_text=True)
    assert 'data-section="no-plan"' in html and 'data-action="generate"' in html
    response = me.post("/plan/generate")
    assert response.status_code == 302
    plan = ops.current_plan(user)
    html = me.get(f"/plan/{plan.id}").get_data(as_text=True)
    assert 'data-goal="consultative_selling"' in html and 'data-plan-status="draft"' in html
    assert 'data-action="agree"' in html and 'class="radar-profile"' in html
    goal = plan.goals[0]
    response = me.post(f"/plan/{plan.id}/edit", data={f"goal-{goal.id}-text": "三个月内独立完成两份行业方案",
                                                      f"goal-{goal.id}-due": goal.due_on.isoformat()})
    assert response.status_code == 302
    assert db.session.get(DevelopmentPlan, plan.id).goals[0].text == "三个月内独立完成两份行业方案"
    response = me.post(f"/plan/{plan.id}/items", data={"what": "action:", "text": "每周整理一次客户决策链",
                                                       "goal": str(goal.id)})
    assert response.status_code == 302
    added = next(i for i in db.session.get(DevelopmentPlan, plan.id).items if i.text == "每周整理一次客户决策链")
    assert added.origin == "trainee" and added.goal_id == goal.id
    assert me.post(f"/plan/{plan.id}/items/{added.id}/remove").status_code == 302
    assert me.post(f"/plan/{plan.id}/agree").status_code == 302
    assert db.session.get(DevelopmentPlan, plan.id).status == "agreed"
    # the leader approves; the trainee could not have
    assert me.post(f"/plan/{plan.id}/approve").status_code == 403
    boss = client_for(app, leader)
    assert 'data-action="approve"' in boss.get(f"/plan/{plan.id}").get_data(as_text=True)
    assert boss.post(f"/plan/{plan.id}/approve", data={"comment": "好"}).status_code == 302
    assert db.session.get(DevelopmentPlan, plan.id).status == "approved"
    # the trainee ticks an action
    action = next(i for i in db.session.get(DevelopmentPlan, plan.id).items if i.kind == "action")
    assert me.post(f"/plan/{plan.id}/items/{action.id}/tick", data={"done": "1"}).status_code == 302
    assert 'data-done="yes"' in me.get(f"/plan/{plan.id}").get_data(as_text=True)
    # the PDF
    response = me.get(f"/plan/{plan.id}/pdf")
    assert response.mimetype == "application/pdf" and response.get_data().startswith(b"%PDF")


def test_send_back_needs_a_comment_and_review(app):
    leader = create_user(roles=[Role.LEADER])
    team = create_team(leader=leader)
    user = weak_trainee(team)
    plan = ops.generate_plan(user, user)
    ops.agree(user, plan)
    boss = client_for(app, leader)
    assert boss.post(f"/plan/{plan.id}/send-back", data={"comment": ""}).status_code == 302
    assert "请说明需要修改什么" in boss.get(f"/plan/{plan.id}").get_data(as_text=True)
    assert boss.post(f"/plan/{plan.id}/send-back", data={"comment": "请补充现场观察"}).status_code == 302
    assert db.session.get(DevelopmentPlan, plan.id).status == "draft"
    ops.agree(user, db.session.get(DevelopmentPlan, plan.id))
    ops.approve(leader, db.session.get(DevelopmentPlan, plan.id))
    response = boss.post(f"/plan/{plan.id}/review", data={"outcome": "renew", "note": "继续"})
    new = ops.current_plan(user)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/plan/{new.id}")
    assert new.previous_id == plan.id


def test_who_sees_a_plan(app):
    leader = create_user(roles=[Role.LEADER])
    team = create_team(leader=leader)
    user = weak_trainee(team)
    plan = ops.generate_plan(user, user)
    assert client_for(app, create_user(roles=[Role.TRAINEE])).get(f"/plan/{plan.id}").status_code == 404
    assert client_for(app, create_user(roles=[Role.LEADER])).get(f"/plan/{plan.id}").status_code == 404
    assert client_for(app, create_user(roles=[Role.HR])).get(f"/plan/{plan.id}").status_code == 200
    assert client_for(app, leader).get(f"/plan/{plan.id}").status_code == 200
    # the leader's page for a member goes to the open plan; a member without one can get a draft
    other = weak_trainee(team)
    boss = client_for(app, leader)
    assert boss.get(f"/plan/people/{user.id}").headers["Location"].endswith(f"/plan/{plan.id}")
    assert 'data-action="generate"' in boss.get(f"/plan/people/{other.id}").get_data(as_text=True)
    assert boss.post(f"/plan/people/{other.id}/generate").status_code == 302
    assert ops.current_plan(other).created_by_id == leader.id
    # nobody edits someone else's draft
    stranger = client_for(app, create_user(roles=[Role.TRAINEE]))
    assert stranger.post(f"/plan/{plan.id}/agree").status_code == 404
