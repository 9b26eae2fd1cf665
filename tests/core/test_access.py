"""Every route × every role: who is let in and who is refused. The table below is the
specification; a route missing from it (or a table entry with no route) fails the test."""

import pytest

from kamtrain.accounts.roles import Role
from kamtrain.core.access import ANYONE, SIGNED_IN
from tests.factories import create_team, create_user

A = frozenset({ANYONE})
S = frozenset({SIGNED_IN})
ADMIN = frozenset({Role.ADMIN})
HR_ADMIN = frozenset({Role.HR, Role.ADMIN})

EXPECTED = {
    "static": A,
    "health.healthz": A,
    "accounts.login": A,
    "accounts.set_language": A,
    "accounts.logout": S,
    "accounts.change_password": S,
    "dashboard.home": S,
    "competency.index": S,
    "competency.category": S,
    "competency.tracks": S,
    "content.modules": S,
    "content.module": S,
    "content.self_check": S,
    "content.complete": S,
    "content.my_syllabus": S,
    "admin.users": ADMIN,
    "admin.new_user": ADMIN,
    "admin.edit_user": ADMIN,
    "admin.deactivate_user": ADMIN,
    "admin.activate_user": ADMIN,
    "admin.teams": ADMIN,
    "admin.new_team": ADMIN,
    "admin.edit_team": ADMIN,
    "admin.new_org_unit": ADMIN,
    "admin.roster": HR_ADMIN,
    "admin.audit_log": ADMIN,
}

PERSONAS = [None, Role.TRAINEE, Role.LEADER, Role.TRAINER, Role.HR, Role.ADMIN]


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(EXPECTED), (
        f"routes without an expected audience: {sorted(endpoints - set(EXPECTED))}; "
        f"table entries without a route: {sorted(set(EXPECTED) - endpoints)}")


def test_every_view_declares_the_expected_audience(app):
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        assert getattr(view, "allowed", None) == EXPECTED[endpoint], endpoint


def _allowed(audience, persona):
    if ANYONE in audience:
        return True
    if persona is None:
        return False
    return SIGNED_IN in audience or persona in audience


def _url_args(rule, subject):
    values = {}
    for arg in rule.arguments:
        values[arg] = {
            "user_id": subject["user"].id,
            "team_id": subject["team"].id,
            "code": {"accounts.set_language": "en", "competency.category": "information"}.get(
                rule.endpoint, "churn-card-switching"),
            "filename": "css/kamtrain.css",
        }[arg]
    return values


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.value if p else "anonymous")
def test_route_access_for_each_role(app, persona):
    subject_user = create_user("subject", roles=[Role.TRAINEE])
    team = create_team(members=[subject_user])
    subject = {"user": subject_user, "team": team}
    actor = create_user(f"actor_{persona.value}", roles=[persona]) if persona else None
    checked = 0
    for rule in app.url_map.iter_rules():
        method = "GET" if "GET" in rule.methods else "POST"
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **_url_args(rule, subject))
        client = app.test_client()
        if actor is not None:
            r = client.post("/login", data={"username": actor.username, "password": "correct-horse-battery"})
            assert r.status_code == 302
        response = client.open(url, method=method)
        response.close()
        expected = _allowed(EXPECTED[rule.endpoint], persona)
        where = f"{method} {url} as {persona.value if persona else 'anonymous'}"
        if expected:
            assert response.status_code not in (401, 403), where
            assert "/login?next=" not in response.headers.get("Location", ""), where
        elif persona is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], where
        else:
            assert response.status_code == 403, where
        checked += 1
    assert checked == len(list(app.url_map.iter_rules()))


def test_an_undeclared_route_is_refused(app):
    """Fail closed: a view without @allow is refused even to an administrator."""
    from kamtrain.core.access import audience_of

    with app.test_request_context("/"):
        app.view_functions["_probe"] = lambda: "secret"
        try:
            assert audience_of("_probe") is None
        finally:
            del app.view_functions["_probe"]
