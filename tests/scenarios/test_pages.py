"""The scenario pages over HTTP: list, start, play by plain form posts and by scenario.js's JSON posts,
resume, debrief, who may see what, and the trainers' review, inter-rater and statistics pages."""

import re

import pytest

from kamtrain.accounts.roles import Role
from kamtrain.core.db import db
from kamtrain.scenarios import engine, store
from kamtrain.scenarios.models import ScenarioRun, ScenarioStep
from tests.conftest import login
from tests.factories import create_team, create_user
from tests.scenarios.conftest import EXAMPLE, finished_run, stored

JSON = {"Accept": "application/json"}


@pytest.fixture
def trainee():
    return create_user("scn_trainee", track="sales", current_level=3, target_level=2, locale="en")


def _start(client, code=EXAMPLE):
    r = client.post(f"/scenarios/{code}/start")
    assert r.status_code == 302
    run_id = int(re.search(r"/scenarios/runs/(\d+)", r.headers["Location"]).group(1))
    return db.session.get(ScenarioRun, run_id)


def _path(run):
    return engine.best_path(store.scenario_of(run.version)).path


def _post(client, run, i, step, **kw):
    data = {"position": i, "node": step.node}
    if step.choice == engine.TEXT:
        data["text"] = "一、已达成条款；二、交换条件；三、下一步安排。"
    else:
        data["response"] = step.choice
    return client.post(f"/scenarios/runs/{run.id}/play", data=data, **kw)


def test_list_highlights_the_required_scenarios_of_my_syllabus(client, trainee):
    login(client, trainee.username)
    html = client.get("/scenarios").get_data(as_text=True)
    required = html.split('id="others-h"')[0]
    for code in ("bank-price-sla-negotiation", "logistics-churn-retention", "network-dept-resources"):
        assert f"/scenarios/{code}\"" in required
    assert "/scenarios/school-value-review\"" not in required
    filtered = client.get("/scenarios?track=marketing&level=4").get_data(as_text=True)
    assert "/scenarios/gov-it-needs-discovery\"" in filtered
    assert "/scenarios/bank-price-sla-negotiation\"" not in filtered


def test_play_by_plain_form_posts_resume_and_debrief(client, trainee):
    login(client, trainee.username)
    intro = client.get(f"/scenarios/{EXAMPLE}").get_data(as_text=True)
    assert "赵敏" in intro and "采购中心主任" in intro
    run = _start(client)
    page = client.get(f"/scenarios/runs/{run.id}").get_data(as_text=True)
    assert "明天上午十点" in page and 'name="response" value="plan"' in page
    path = _path(run)
    for i, step in enumerate(path[:3]):
        r = _post(client, run, i, step)
        assert r.status_code == 302 and r.headers["Location"].endswith(f"/scenarios/runs/{run.id}#now")
    # reload (or another device): the page shows where the run stands
    page = client.get(f"/scenarios/runs/{run.id}").get_data(as_text=True)
    assert 'name="position" type="hidden" value="3"' in page or 'value="3"' in page
    assert f'name="node" type="hidden" value="{path[3].node}"' in page
    # the first response chosen is in the conversation as the trainee's bubble
    first = store.scenario_of(run.version).nodes[path[0].node].response(path[0].choice)
    assert first.text in page
    for i, step in enumerate(path[3:], start=3):
        assert _post(client, run, i, step).status_code == 302
    db.session.refresh(run)
    assert run.finished and run.passed
    page = client.get(f"/scenarios/runs/{run.id}").get_data(as_text=True)
    assert f"/scenarios/runs/{run.id}/debrief" in page and "self-check" in page.lower() or "纪要只写" in page
    debrief = client.get(f"/scenarios/runs/{run.id}/debrief").get_data(as_text=True)
    assert "100%" in debrief and "Deal won" in debrief and "Good ending" in debrief
    assert "Waiting for a trainer" in debrief  # the free-text reply


def test_json_posts_return_the_new_conversation(client, trainee):
    login(client, trainee.username)
    run = _start(client)
    path = _path(run)
    data = _post(client, run, 0, path[0], headers=JSON).get_json()
    assert data["ok"] and data["error"] is None and not data["finished"]
    assert f'value="{path[1].node}"' in data["html"]
    stale = _post(client, run, 0, path[0], headers=JSON).get_json()  # the same page posted twice
    assert not stale["ok"] and "moved on" in stale["error"]
    assert db.session.scalar(db.select(db.func.count()).select_from(ScenarioStep).filter_by(run_id=run.id)) == 1


def test_a_stale_plain_post_is_explained_and_changes_nothing(client, trainee):
    login(client, trainee.username)
    run = _start(client)
    path = _path(run)
    _post(client, run, 0, path[0])
    assert _post(client, run, 0, path[0]).status_code == 302
    assert "moved on" in client.get(f"/scenarios/runs/{run.id}").get_data(as_text=True)
    db.session.refresh(run)
    assert run.steps_count == 1


def test_unfinished_debrief_redirects_to_the_run(client, trainee):
    login(client, trainee.username)
    run = _start(client)
    r = client.get(f"/scenarios/runs/{run.id}/debrief")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/scenarios/runs/{run.id}")


def test_a_poor_run_debrief_shows_the_expert_responses(client, trainee):
    run = finished_run(trainee, which="worst")
    login(client, trainee.username)
    html = client.get(f"/scenarios/runs/{run.id}/debrief").get_data(as_text=True)
    scenario = store.scenario_of(run.version)
    expert = next(r for r in scenario.nodes["prep"].responses if r.best)
    assert expert.text in html and expert.feedback in html
    assert "Poor ending" in html and "Lost" in html


def test_who_may_see_and_play_a_run(app, trainee):
    leader = create_user("scn_leader", roles=[Role.LEADER])
    create_team(leader=leader, members=[trainee])
    other = create_user("scn_other")
    trainer = create_user("scn_trainer", roles=[Role.TRAINER])
    run = finished_run(trainee)
    open_run = finished_run(trainee, "school-value-review")
    step = {"position": open_run.steps_count, "node": open_run.node, "response": "x"}
    for user, see in ((other, 403), (trainer, 200), (leader, 200), (trainee, 200)):
        client = app.test_client()
        login(client, user.username)
        assert client.get(f"/scenarios/runs/{run.id}").status_code == see, user.username
        assert client.get(f"/scenarios/runs/{run.id}/debrief").status_code == see, user.username
        if user is not trainee:
            assert client.post(f"/scenarios/runs/{open_run.id}/play", data=step).status_code == 403


def test_trainers_mark_replies_and_see_the_inter_rater_check(app, trainee):
    run = finished_run(trainee)
    reply = next(s for s in run.steps if s.choice == engine.TEXT)
    first = create_user("scn_t1", roles=[Role.TRAINER], locale="en")
    second = create_user("scn_t2", roles=[Role.TRAINER])
    c1 = app.test_client()
    login(c1, first.username)
    queue = c1.get("/scenarios/review").get_data(as_text=True)
    assert f"/scenarios/review/{reply.id}" in queue
    page = c1.get(f"/scenarios/review/{reply.id}").get_data(as_text=True)
    assert "逐条列明已达成的条款" in page and 'max="3"' in page and reply.text in page
    r = c1.post(f"/scenarios/review/{reply.id}", data={"c0": "9", "c1": "1", "c2": "1", "c3": "1"})
    assert r.status_code == 200 and "whole points" in r.get_data(as_text=True)
    db.session.refresh(reply)
    assert reply.final_points is None  # refused: 9 is more than the criterion's 3
    r = c1.post(f"/scenarios/review/{reply.id}", data={"c0": "1", "c1": "0", "c2": "0", "c3": "0"})
    assert r.status_code == 302
    db.session.refresh(reply)
    assert reply.final_points == 1

    c2 = app.test_client()
    login(c2, second.username)
    blind = c2.get(f"/scenarios/review/{reply.id}").get_data(as_text=True)
    assert first.full_name not in blind  # the second marking is blind
    c2.post(f"/scenarios/review/{reply.id}", data={"c0": "3", "c1": "2", "c2": "2", "c3": "1", "comment": "很完整"})
    db.session.refresh(reply)
    assert reply.disagreement and reply.final_points == 4.5
    agreement = c2.get("/scenarios/review/agreement").get_data(as_text=True)
    assert first.full_name in agreement and second.full_name in agreement and "flagged" in agreement

    third = create_user("scn_t3", roles=[Role.TRAINER])
    c3 = app.test_client()
    login(c3, third.username)
    assert f"/scenarios/review/{reply.id}" in c3.get("/scenarios/review").get_data(as_text=True)
    page = c3.get(f"/scenarios/review/{reply.id}").get_data(as_text=True)
    assert first.full_name in page and second.full_name in page  # the deciding marker sees both
    c3.post(f"/scenarios/review/{reply.id}", data={"c0": "2", "c1": "2", "c2": "1", "c3": "1"})
    db.session.refresh(reply)
    assert reply.final_points == 6

    tc = app.test_client()
    login(tc, trainee.username)
    debrief = tc.get(f"/scenarios/runs/{run.id}/debrief").get_data(as_text=True)
    assert "6 of 8" in debrief and "很完整" in debrief


def test_decision_statistics_page(app, trainee):
    finished_run(trainee)
    finished_run(create_user(target_level=4), which="worst")
    trainer = create_user("scn_stats", roles=[Role.TRAINER], locale="en")
    client = app.test_client()
    login(client, trainer.username)
    html = client.get(f"/scenarios/{EXAMPLE}/stats").get_data(as_text=True)
    assert "<code>prep</code>" in html and "<code>plan</code>" in html
    assert client.get("/scenarios/no-such/stats").status_code == 404
    graph = client.get(f"/scenarios/{EXAMPLE}/graph").get_data(as_text=True)
    assert f"/scenarios/{EXAMPLE}/stats" in graph
    assert stored().version >= 1
