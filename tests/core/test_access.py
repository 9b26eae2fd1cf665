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
TRAINER_ADMIN = frozenset({Role.TRAINER, Role.ADMIN})

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
    "content.study_time": S,
    "editing.edit": frozenset({Role.TRAINER, Role.ADMIN}),
    "editing.history": frozenset({Role.TRAINER, Role.ADMIN}),
    "editing.version": frozenset({Role.TRAINER, Role.ADMIN}),
    "editing.revert": frozenset({Role.TRAINER, Role.ADMIN}),
    "editing.recent": frozenset({Role.TRAINER, Role.ADMIN}),
    "progress.team": frozenset({Role.LEADER, Role.HR, Role.ADMIN}),
    "progress.org_units": HR_ADMIN,
    "bank.index": TRAINER_ADMIN,
    "bank.bulk": TRAINER_ADMIN,
    "bank.question": TRAINER_ADMIN,
    "bank.file": S,
    "bank.new_question": TRAINER_ADMIN,
    "bank.edit_question": TRAINER_ADMIN,
    "bank.import_file": TRAINER_ADMIN,
    "bank.import_preview": TRAINER_ADMIN,
    "bank.export": TRAINER_ADMIN,
    "scenarios.graph": TRAINER_ADMIN,
    "scenarios.decision_stats": TRAINER_ADMIN,
    "scenarios.review": TRAINER_ADMIN,
    "scenarios.mark": TRAINER_ADMIN,
    "scenarios.agreement": TRAINER_ADMIN,
    "scenarios.index": S,
    "scenarios.scenario": S,
    "scenarios.start": S,
    "scenarios.run": S,
    "scenarios.play": S,
    "scenarios.debrief": S,
    "quizzes.index": S,
    "quizzes.quiz": S,
    "quizzes.start": S,
    "quizzes.practice_category": S,
    "quizzes.practice_module": S,
    "attempts.page": S,
    "attempts.save": S,
    "attempts.check": S,
    "attempts.status": S,
    "attempts.summary": S,
    "attempts.submit": S,
    "attempts.result": S,
    "exams.index": frozenset({Role.TRAINER, Role.ADMIN, Role.LEADER}),
    "exams.new": TRAINER_ADMIN,
    "exams.edit": TRAINER_ADMIN,
    "exams.manage": frozenset({Role.TRAINER, Role.ADMIN, Role.LEADER}),
    "exams.assign": frozenset({Role.TRAINER, Role.ADMIN, Role.LEADER}),
    "exams.unassign": frozenset({Role.TRAINER, Role.ADMIN, Role.LEADER}),
    "exams.analysis": TRAINER_ADMIN,
    "exams.analysis_chart": TRAINER_ADMIN,
    "marking.queue": TRAINER_ADMIN,
    "marking.mark": TRAINER_ADMIN,
    "marking.regrade": TRAINER_ADMIN,
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
    # certification (issue 9)
    "certificates.mine": S,
    "certificates.notices_read": S,
    "certificates.detail": S,
    "certificates.pdf": S,
    "certificates.badge": S,
    "certificates.badge_json": S,
    "certificates.revoke": HR_ADMIN,
    "certificates.reissue": HR_ADMIN,
    "certificates.approvals": HR_ADMIN,
    "certificates.decide": HR_ADMIN,
    "certificates.expiring_soon": frozenset({Role.LEADER, Role.HR, Role.ADMIN}),
    "certificates.send_reminders": HR_ADMIN,
    "verify.index": A,
    "verify.page": A,
    "verify.json": A,
    "verify.badge": A,
    "verify.issuer": A,
    "verify.jwks": A,
    "verify.achievement": A,
    "jobs.page": S,
    "jobs.status": S,
    "jobs.download": S,
    "records.index": HR_ADMIN,
    "records.export_file": HR_ADMIN,
    "records.export_job": HR_ADMIN,
    "records.person": frozenset({Role.LEADER, Role.HR, Role.ADMIN}),
    "records.api_tokens": HR_ADMIN,
    "records.revoke_api_token": HR_ADMIN,
    # the REST API: Bearer tokens, never the session (see _api_token below)
    "api.openapi": A,
    "api.people": HR_ADMIN,
    "api.person": HR_ADMIN,
    "api.certifications": HR_ADMIN,
    "api.certification": HR_ADMIN,
    "api.development_plans": HR_ADMIN,
    "api.org_units": HR_ADMIN,
    # gap reports, assessments, observations (issue 8)
    "gaps.mine": S,
    "gaps.my_evidence": S,
    "gaps.self_assess": S,
    "gaps.person": frozenset({Role.LEADER, Role.TRAINER, Role.HR, Role.ADMIN}),
    "gaps.person_evidence": frozenset({Role.LEADER, Role.TRAINER, Role.HR, Role.ADMIN}),
    "gaps.leader_assess": frozenset({Role.LEADER}),
    "gaps.observe": frozenset({Role.LEADER}),
    "gaps.team": frozenset({Role.LEADER, Role.TRAINER, Role.HR, Role.ADMIN}),
    "gaps.assign": frozenset({Role.LEADER, Role.ADMIN}),
    "gaps.org": frozenset({Role.TRAINER, Role.HR, Role.ADMIN}),
    "gaps.export_xlsx": frozenset({Role.TRAINER, Role.HR, Role.ADMIN}),
    "gaps.export_csv": frozenset({Role.TRAINER, Role.HR, Role.ADMIN}),
    # development plans (issue 8)
    "plans.mine": S,
    "plans.generate": S,
    "plans.view": S,
    "plans.edit": S,
    "plans.add_item": S,
    "plans.remove_item": S,
    "plans.tick": S,
    "plans.agree": S,
    "plans.reopen": S,
    "plans.pdf": S,
    "plans.approve": frozenset({Role.LEADER, Role.ADMIN}),
    "plans.send_back": frozenset({Role.LEADER, Role.ADMIN}),
    "plans.review": frozenset({Role.LEADER, Role.ADMIN}),
    "plans.person": frozenset({Role.LEADER, Role.HR, Role.ADMIN}),
    "plans.generate_for": frozenset({Role.LEADER, Role.ADMIN}),
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
            "code": {"accounts.set_language": "en", "competency.category": "information",
                     "scenarios.graph": "bank-price-sla-negotiation",
                     "scenarios.decision_stats": "bank-price-sla-negotiation",
                     "scenarios.scenario": "bank-price-sla-negotiation",
                     "scenarios.start": "bank-price-sla-negotiation",
                     "quizzes.practice_category": "information", "gaps.my_evidence": "information",
                     "gaps.person_evidence": "information"}.get(rule.endpoint, "churn-card-switching"),
            "filename": "css/kamtrain.css",
            "number": 1,
            "question_id": 1,
            "version_id": 1,
            "name": "figure.png",
            "token": "no-such-import",
            "quiz_id": 999999,
            "attempt_id": 999999,
            "position": 1,
            "assignment_id": 999999,
            "slot_id": 999999,
            "run_id": 999999,
            "step_id": 999999,
            "cert_id": 999999,
            "request_id": 999999,
            "job_id": "no-such-job",
            "token_id": 999999,
            "serial": "KT-2026-999999",
            "plan_id": 999999,
            "item_id": 999999,
        }[arg]
    return values


def _api_token(user):
    """The API takes Bearer tokens only (issued to HR users): other roles get one written directly, to
    show that the role, not the token, is refused."""
    from kamtrain.core.db import db
    from kamtrain.records.models import ApiToken, new_token, token_hash

    token = new_token()
    db.session.add(ApiToken(user_id=user.id, name="access test", token_hash=token_hash(token), hint=token[:10]))
    db.session.flush()
    return token


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
        api = rule.rule.startswith("/api/") and ANYONE not in EXPECTED[rule.endpoint]
        headers = {}
        if actor is not None and api:
            headers = {"Authorization": f"Bearer {_api_token(actor)}"}
        elif actor is not None:
            r = client.post("/login", data={"username": actor.username, "password": "correct-horse-battery"})
            assert r.status_code == 302
        response = client.open(url, method=method, headers=headers)
        response.close()
        expected = _allowed(EXPECTED[rule.endpoint], persona)
        where = f"{method} {url} as {persona.value if persona else 'anonymous'}"
        if expected:
            assert response.status_code not in (401, 403), where
            assert "/login?next=" not in response.headers.get("Location", ""), where
        elif persona is None and api:
            assert response.status_code == 401, where
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
