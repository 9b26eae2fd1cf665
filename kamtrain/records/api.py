"""The REST API for HR systems: /api/v1/…, JSON, authenticated by Bearer tokens issued to HR users
(``Authorization: Bearer kt_…``; HR makes them at /records/api-tokens). The session cookie is not
accepted here: an API call is the token's user or nobody. The OpenAPI 3 document is served at
/api/v1/openapi.json (openapi.py) and checked against the app by schemathesis in the tests.

/development-plans reports, per trainee, the progress towards the certificate of their target level
(modules, exam, scenarios) and their current personal development plan (issue 8, kamtrain/development/):
status, period, goals and progress as the plan page shows them (progress.py), or ``plan: null`` when
the trainee has no open plan.
"""

import hashlib

from flask import Blueprint, abort, current_app, g, jsonify, request
from flask_login import AnonymousUserMixin
from sqlalchemy.orm import joinedload, selectinload

from kamtrain.accounts.models import OrgUnit, Team, User, UserRole
from kamtrain.accounts.operations import audit
from kamtrain.accounts.roles import Role
from kamtrain.certification import awarding, queries
from kamtrain.certification.common import local_today, verify_url
from kamtrain.certification.models import AwardRequest, Certificate
from kamtrain.competency.profiles import figures
from kamtrain.core.access import ANYONE, allow
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import ValidationFailed
from kamtrain.core.web import client_ip
from kamtrain.development.models import OPEN_STATUSES, DevelopmentPlan
from kamtrain.development.progress import plan_state
from kamtrain.extensions import limiter
from kamtrain.records import search, tokens
from kamtrain.records.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
API = (Role.HR, Role.ADMIN)
PER_PAGE, MAX_PER_PAGE = 50, 200
LAST_USED_EVERY = 300  # seconds: a token's last use is written at most this often


def _api_limit():
    return current_app.config["API_RATE_LIMIT"]


def _token_key():
    """Limits count per token (the limiter runs before the token is looked up: its hash is the key)."""
    header = request.headers.get("Authorization") or ""
    if header:
        return "api-" + hashlib.sha256(header.encode()).hexdigest()[:24]
    return client_ip()


@bp.before_app_request
def _identify_by_token():
    """Before the access check: on /api/v1/ the request's user is the Bearer token's, never the session's."""
    if not request.path.startswith(bp.url_prefix + "/") or request.endpoint == "api.openapi":
        return None
    user, row, reason = tokens.authenticate(request.headers.get("Authorization"))
    if user is None:
        g._login_user = AnonymousUserMixin()  # Flask-Login's per-request user: the session is not consulted
        if reason != "missing":
            current_app.logger.info("API token refused (%s) from %s", reason, client_ip())
            audit("api_token_refused", subject=row.user if row is not None else None, ip=client_ip(), reason=reason,
                  token=row.id if row is not None else None)
            db.session.commit()
        response = jsonify({"error": "invalid_token" if reason != "missing" else "unauthorized",
                            "reason": reason, "status": 401})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="kamtrain"' + (
            ', error="invalid_token"' if reason != "missing" else "")
        return response
    g._login_user = user
    g.api_token = row
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > LAST_USED_EVERY:
        row.last_used_at = now
        db.session.commit()
    return None


limiter.limit(_api_limit, key_func=_token_key)(bp)


def _bad_request(problems):
    response = jsonify({"error": "bad_request", "problems": [str(p) for p in problems], "status": 400})
    response.status_code = 400
    return response


def _page_args(problems=None):
    """(page, per_page); bad values are added to ``problems`` when given, else refused at once."""
    found = []
    page = search._int(request.args.get("page"), "page", found, low=1, high=1_000_000) or 1
    per_page = search._int(request.args.get("per_page"), "per_page", found, low=1, high=MAX_PER_PAGE) or PER_PAGE
    if problems is not None:
        problems.extend(found)
    elif found:
        raise ValidationFailed(found)
    return page, per_page


def _paged(query, page, per_page, total, serialise):
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return jsonify({"items": [serialise(r) for r in rows], "page": page, "per_page": per_page, "total": total,
                    "pages": (total + per_page - 1) // per_page})


# ---------------------------------------------------------------------------- serialisation

def person_json(user):
    team = user.team
    return {
        "id": user.id, "username": user.username, "employee_no": user.employee_no, "name": user.full_name,
        "email": user.email, "active": user.active, "roles": sorted(r.value for r in user.roles),
        "track": user.track, "current_level": user.current_level, "target_level": user.target_level,
        "team": {"id": team.id, "name": team.name} if team else None,
        "org_unit": {"id": team.org_unit.id, "path": team.org_unit.path} if team else None,
    }


def certification_json(cert, today=None):
    today = today or local_today()
    return {
        "serial": cert.serial, "status": cert.status(today), "holder": cert.holder_name, "user_id": cert.user_id,
        "username": cert.user.username, "employee_no": cert.user.employee_no, "track": cert.track,
        "level": cert.level, "title": {"zh": cert.title_zh, "en": cert.title_en},
        "issued": cert.issued_on.isoformat(), "expires": cert.expires_on.isoformat(),
        "verify_url": verify_url(cert),
        "approved_by": cert.approved_by.username if cert.approved_by is not None else None,
        "revoked_at": cert.revoked_at.isoformat() + "Z" if cert.revoked_at else None,
        "revoke_reason": cert.revoke_reason,
        "replaced_by": cert.replaced_by.serial if cert.replaced_by is not None else None,
        "replaces": cert.replaces.serial if cert.replaces is not None else None,
    }


# ---------------------------------------------------------------------------- endpoints

@bp.errorhandler(ValidationFailed)
def _validation_failed(error):
    return _bad_request(error.problems)


@bp.route("/openapi.json")
@allow(ANYONE)
@limiter.exempt
def openapi():
    return jsonify(openapi_document())


@bp.route("/people")
@allow(*API)
def people():
    problems = []
    page, per_page = _page_args(problems)
    q = (request.args.get("q") or "").strip()
    team = search._int(request.args.get("team"), "team", problems, low=1)
    org_unit = search._int(request.args.get("org_unit"), "org_unit", problems, low=1)
    role = request.args.get("role") or None
    if role is not None and role not in {r.value for r in Role}:
        problems.append("role: unknown role")
    track = request.args.get("track") or None
    if track is not None and track not in search.TRACKS:
        problems.append("track: must be sales or marketing")
    if len(q) > 100:
        problems.append("q: too long")
    if problems:
        raise ValidationFailed(problems)
    query = db.select(User)
    if q:
        like = f"%{q}%"
        query = query.where(User.full_name.like(like) | User.username.like(like) | User.employee_no.like(like))
    if team is not None:
        query = query.where(User.team_id == team)
    if org_unit is not None:
        units = search.unit_and_descendants(org_unit)
        query = query.where(User.team_id.in_(db.select(Team.id).where(Team.org_unit_id.in_(units))))
    if role is not None:
        query = query.where(User.id.in_(db.select(UserRole.user_id).where(UserRole.role == role)))
    if track is not None:
        query = query.where(User.track == track)
    total = db.session.scalar(query.with_only_columns(db.func.count(User.id)).order_by(None))
    return _paged(query.order_by(User.id), page, per_page, total, person_json)


@bp.route("/people/<int(max=2147483647):user_id>")
@allow(*API)
def person(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    today = local_today()
    certs = db.session.scalars(db.select(Certificate).where(Certificate.user_id == user.id)
                               .order_by(Certificate.issued_on, Certificate.id)).all()
    doc = person_json(user)
    doc["certifications"] = [certification_json(c, today) for c in certs]
    return jsonify(doc)


@bp.route("/certifications")
@allow(*API)
def certifications():
    problems = []
    page, per_page = _page_args(problems)
    flt = search.parse_filter(request.args, problems)
    today = local_today()
    total = search.count(flt, today)
    return _paged(search.certificates(flt, today), page, per_page, total, lambda c: certification_json(c, today))


@bp.route("/certifications/<serial>")
@allow(*API)
def certification(serial):
    cert = queries.by_serial(serial) if len(serial) <= 24 else None
    if cert is None:
        abort(404)
    return jsonify(certification_json(cert))


def plan_status(user, decision, pending):
    if decision is None:
        return "no_syllabus"
    if "already_certified" in decision.missing:
        return "certified"
    if pending or "already_requested" in decision.missing:
        return "awaiting_approval"
    if decision.eligible:
        return "ready"
    if decision.modules_done or decision.exam_passed or decision.scenarios_done:
        return "in_progress"
    return "not_started"


def _stamp(moment):
    return moment.isoformat() + "Z" if moment else None


def plan_json(plan, current):
    """The open plan with its progress (``current``: the trainee's figures, {category_id: Figure})."""
    state = plan_state(plan, current=current)
    return {
        "id": plan.id, "status": plan.status, "track": plan.track, "level": plan.level,
        "starts_on": plan.starts_on.isoformat(), "review_on": plan.review_on.isoformat(),
        "agreed_at": _stamp(plan.agreed_at), "approved_at": _stamp(plan.approved_at),
        "approved_by": plan.approved_by.username if plan.approved_by is not None else None,
        "progress": state.percent, "activities_done": state.done, "activities_total": state.total,
        "goals": [{
            "category": g.goal.category.code, "name": {"zh": g.goal.category.name_zh, "en": g.goal.category.name_en},
            "text": g.goal.text, "due_on": g.goal.due_on.isoformat(), "baseline": g.goal.baseline,
            "target": g.goal.target, "current": g.current, "progress": g.percent,
            "activities_done": g.done, "activities_total": len(g.items),
        } for g in state.goals],
    }


def current_plans(users):
    """{user id: plan JSON} of the open plans of ``users`` (one query for the plans, one for the figures)."""
    ids = [u.id for u in users]
    if not ids:
        return {}
    newest = {}
    for plan in db.session.scalars(db.select(DevelopmentPlan).where(
            DevelopmentPlan.user_id.in_(ids), DevelopmentPlan.status.in_(OPEN_STATUSES))
            .options(selectinload(DevelopmentPlan.goals), selectinload(DevelopmentPlan.items),
                     joinedload(DevelopmentPlan.approved_by))
            .order_by(DevelopmentPlan.created_at.desc(), DevelopmentPlan.id.desc())):
        newest.setdefault(plan.user_id, plan)
    current = figures(list(newest), utcnow()) if newest else {}
    return {uid: plan_json(plan, current.get(uid, {})) for uid, plan in newest.items()}


def development_json(user, plan=None):
    decision, syllabus = None, None
    if user.track and user.target_level:
        found = [(s, d) for s, d in awarding.progress(user) if s.level == user.target_level]
        if found:
            syllabus, decision = found[0]
    pending = syllabus is not None and db.session.scalar(db.select(AwardRequest.id).where(
        AwardRequest.user_id == user.id, AwardRequest.syllabus_id == syllabus.id,
        AwardRequest.state == "pending").limit(1)) is not None
    return {
        "user_id": user.id, "username": user.username, "name": user.full_name, "track": user.track,
        "current_level": user.current_level, "target_level": user.target_level,
        "syllabus": syllabus.code if syllabus else None,
        "modules_completed": decision.modules_done if decision else 0,
        "modules_required": decision.modules_total if decision else 0,
        "exam_passed": bool(decision and decision.exam_passed),
        "scenarios_passed": decision.scenarios_done if decision else 0,
        "scenarios_required": decision.scenarios_total if decision else 0,
        "level_below_held": bool(decision.level_below_held) if decision else False,
        "status": plan_status(user, decision, pending),
        "plan": plan,
    }


@bp.route("/development-plans")
@allow(*API)
def development_plans():
    problems = []
    page, per_page = _page_args(problems)
    team = search._int(request.args.get("team"), "team", problems, low=1)
    org_unit = search._int(request.args.get("org_unit"), "org_unit", problems, low=1)
    if problems:
        raise ValidationFailed(problems)
    query = db.select(User).where(User.id.in_(db.select(UserRole.user_id).where(UserRole.role == Role.TRAINEE.value)))
    if team is not None:
        query = query.where(User.team_id == team)
    if org_unit is not None:
        units = search.unit_and_descendants(org_unit)
        query = query.where(User.team_id.in_(db.select(Team.id).where(Team.org_unit_id.in_(units))))
    total = db.session.scalar(query.with_only_columns(db.func.count(User.id)).order_by(None))
    users = db.session.scalars(query.order_by(User.id).limit(per_page).offset((page - 1) * per_page)).all()
    plans = current_plans(users)
    return jsonify({"items": [development_json(u, plans.get(u.id)) for u in users], "page": page,
                    "per_page": per_page, "total": total, "pages": (total + per_page - 1) // per_page})


@bp.route("/org-units")
@allow(*API)
def org_units():
    units = db.session.scalars(db.select(OrgUnit).order_by(OrgUnit.id)).all()
    return jsonify({"items": [{"id": u.id, "name": u.name, "path": u.path, "parent_id": u.parent_id,
                               "teams": [{"id": t.id, "name": t.name} for t in u.teams]} for u in units]})
