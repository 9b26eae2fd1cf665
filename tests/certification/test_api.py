"""The REST API: tokens issued to HR users (made, listed, revoked; only a hash stored), Bearer
authentication only, filters and paging, and a schemathesis run against the OpenAPI document."""

from datetime import timedelta

import pytest

from kamtrain.accounts.models import AuditEntry
from kamtrain.accounts.roles import Role
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError
from kamtrain.records import tokens
from kamtrain.records.models import ApiToken, token_hash
from tests.certification.conftest import make_certificate
from tests.factories import create_team, create_user


@pytest.fixture
def hr(app):
    return create_user(roles=[Role.HR])


@pytest.fixture
def token(hr):
    _, text = tokens.create_token(hr, "HR system")
    db.session.flush()
    return text


@pytest.fixture
def data(app):
    leader = create_user(roles=[Role.LEADER])
    people = [create_user(full_name=f"接口{i}", employee_no=f"API{i:03d}", track="sales", target_level=4)
              for i in range(3)]
    team = create_team(leader=leader, members=people, unit_path="接口市/接口支局")
    certs = [make_certificate(people[0], "sales-4"), make_certificate(people[1], "sales-4", status="revoked"),
             make_certificate(people[2], "sales-4", status="expired")]
    return {"people": people, "team": team, "certs": certs}


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_only_a_hash_is_kept_and_tokens_are_for_hr(app, hr):
    row, text = tokens.create_token(hr, "nightly")
    assert text.startswith("kt_") and len(text) > 40
    assert row.token_hash == token_hash(text) and text not in (row.token_hash, row.hint)
    with pytest.raises(DomainError):
        tokens.create_token(create_user(roles=[Role.TRAINEE]), "mine")


def test_people_and_certifications(client, token, data):
    page = client.get("/api/v1/certifications", query_string={"team": data["team"].id}, headers=auth(token))
    body = page.get_json()
    assert page.status_code == 200 and body["total"] == 3
    assert {c["status"] for c in body["items"]} == {"valid", "revoked", "expired"}
    one = client.get("/api/v1/certifications", query_string={"team": data["team"].id, "status": "revoked"},
                     headers=auth(token)).get_json()
    assert [c["serial"] for c in one["items"]] == [data["certs"][1].serial]
    paged = client.get("/api/v1/certifications", query_string={"team": data["team"].id, "per_page": 2, "page": 2},
                       headers=auth(token)).get_json()
    assert (paged["page"], paged["pages"], len(paged["items"])) == (2, 2, 1)
    cert = client.get(f"/api/v1/certifications/{data['certs'][0].serial}", headers=auth(token)).get_json()
    assert cert["verify_url"].endswith(data["certs"][0].code) and cert["holder"] == "接口0"
    person = client.get(f"/api/v1/people/{data['people'][0].id}", headers=auth(token)).get_json()
    assert person["employee_no"] == "API000" and [c["serial"] for c in person["certifications"]] == [
        data["certs"][0].serial]
    listed = client.get("/api/v1/people", query_string={"team": data["team"].id}, headers=auth(token)).get_json()
    assert listed["total"] == 3 and listed["items"][0]["team"]["id"] == data["team"].id
    plans = client.get("/api/v1/development-plans", query_string={"team": data["team"].id},
                       headers=auth(token)).get_json()
    assert {p["status"] for p in plans["items"]} <= {"not_started", "in_progress", "certified", "ready"}
    assert all(p["plan"] is None and p["syllabus"] == "sales-4" for p in plans["items"])
    assert client.get("/api/v1/org-units", headers=auth(token)).status_code == 200
    assert client.get("/api/v1/certifications/KT-2026-999999", headers=auth(token)).status_code == 404


def test_development_plans_carry_the_open_plan(client, token):
    from kamtrain.development import operations as ops
    from kamtrain.development.progress import plan_state
    from tests.development.test_plans import weak_trainee

    leader = create_user(roles=[Role.LEADER])
    team = create_team(leader=leader, unit_path="计划市/计划支局")
    user, other = weak_trainee(team), weak_trainee(team)
    plan = ops.generate_plan(user, user, lang="zh")
    ops.agree(user, plan)
    ops.approve(leader, plan)
    first_goal_item = next(i for i in plan.items if i.goal_id == plan.goals[0].id and i.kind == "action")
    ops.tick(user, plan, first_goal_item)
    db.session.flush()
    body = client.get("/api/v1/development-plans", query_string={"team": team.id}, headers=auth(token)).get_json()
    by_user = {p["user_id"]: p for p in body["items"]}
    assert by_user[other.id]["plan"] is None
    got = by_user[user.id]["plan"]
    state = plan_state(plan)
    assert got["id"] == plan.id and got["status"] == "approved" and got["approved_by"] == leader.username
    assert (got["starts_on"], got["review_on"]) == (plan.starts_on.isoformat(), plan.review_on.isoformat())
    assert got["level"] == 3 and got["track"] == "sales"
    assert got["progress"] == state.percent and got["activities_done"] == 1
    assert got["activities_total"] == len(plan.items) > 1
    assert [g["category"] for g in got["goals"]] == ["consultative_selling", "communication", "problem_solving"]
    goal = got["goals"][0]
    assert goal["target"] == 3 and goal["baseline"] == pytest.approx(1.3) and goal["activities_done"] == 1
    assert goal["name"]["zh"] == "顾问式销售" and goal["due_on"] == plan.goals[0].due_on.isoformat()
    assert goal["progress"] == state.goals[0].percent > 0
    ops.review(leader, plan, "close", note="done")
    db.session.flush()
    again = client.get("/api/v1/development-plans", query_string={"team": team.id}, headers=auth(token)).get_json()
    assert {p["user_id"]: p["plan"] for p in again["items"]}[user.id] is None  # a closed plan is not current


def test_openapi_describes_the_plan(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    status = doc["components"]["schemas"]["DevelopmentStatus"]["properties"]["plan"]
    assert status["nullable"] is True and status["allOf"] == [{"$ref": "#/components/schemas/DevelopmentPlan"}]
    plan = doc["components"]["schemas"]["DevelopmentPlan"]["properties"]
    assert {"status", "starts_on", "review_on", "progress", "goals"} <= set(plan)


def test_bad_filters_are_a_400_listing_the_problems(client, token):
    response = client.get("/api/v1/certifications", query_string={"status": "forged", "level": "9", "page": "0"},
                          headers=auth(token))
    body = response.get_json()
    assert response.status_code == 400 and len(body["problems"]) >= 2


def test_the_session_is_not_a_token(app, client, hr, login_as):
    login_as(hr)
    response = client.get("/api/v1/people")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("case", ["expired", "revoked", "unknown", "malformed"])
def test_refused_tokens_are_logged(client, hr, case):
    row, text = tokens.create_token(hr, "t")
    if case == "expired":
        row.expires_at = utcnow() - timedelta(seconds=1)
    elif case == "revoked":
        tokens.revoke_token(hr, row)
    elif case == "unknown":
        text = "kt_" + "x" * 43
    else:
        text = "Basic abc"
    db.session.flush()
    header = {"Authorization": text if case == "malformed" else f"Bearer {text}"}
    response = client.get("/api/v1/people", headers=header)
    assert response.status_code == 401 and response.get_json()["reason"] == case
    entry = db.session.scalar(db.select(AuditEntry).filter_by(event="api_token_refused"))
    assert entry.details["reason"] == case


def test_a_token_whose_user_lost_hr_is_forbidden(client, hr, token):
    hr.set_roles([Role.TRAINEE])
    db.session.flush()
    assert client.get("/api/v1/people", headers=auth(token)).status_code == 403


def test_tokens_page_makes_lists_and_revokes(app, client, hr, login_as):
    c = login_as(hr)
    html = c.post("/records/api-tokens", data={"name": "薪酬系统", "days": "90"}).get_data(as_text=True)
    row = db.session.scalar(db.select(ApiToken).filter_by(name="薪酬系统"))
    assert row is not None and row.hint in html
    text = html.split('id="new-token">')[1].split("<")[0]
    assert token_hash(text) == row.token_hash
    assert app.test_client().get("/api/v1/people", headers=auth(text)).status_code == 200
    assert c.post(f"/records/api-tokens/{row.id}/revoke").status_code == 302
    assert app.test_client().get("/api/v1/people", headers=auth(text)).status_code == 401
    assert "薪酬系统" in c.get("/records/api-tokens").get_data(as_text=True)


def test_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and "/certifications" in doc["paths"]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_schemathesis_finds_no_server_error(app, token, data):
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=auth(token))

        check()
        checked += 1
    assert checked == 6
