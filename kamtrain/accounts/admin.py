"""Administering people: users, roles, teams, org units, the roster upload and the audit log."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_

from kamtrain.accounts import operations
from kamtrain.accounts.forms import OrgUnitForm, RosterForm, TeamForm, UserForm, choices
from kamtrain.accounts.messages import error_text
from kamtrain.accounts.models import AuditEntry, OrgUnit, Team, User, UserRole
from kamtrain.accounts.roles import Role
from kamtrain.accounts.roster import import_roster
from kamtrain.core.access import allow
from kamtrain.core.db import db
from kamtrain.core.errors import DomainError
from kamtrain.core.web import client_ip, get_or_404

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


def _team_choices():
    teams = db.session.scalars(db.select(Team).join(OrgUnit).order_by(OrgUnit.name, Team.name)).all()
    return choices([("", _("No team"))] + [(t.id, f"{t.org_unit.path} · {t.name}") for t in teams])


def _int_or_none(value):
    return int(value) if value else None


@bp.route("/users")
@allow(Role.ADMIN)
def users():
    q = (request.args.get("q") or "").strip()
    role = request.args.get("role") or ""
    status = request.args.get("status") or "active"
    page = max(request.args.get("page", 1, type=int), 1)
    query = db.select(User).order_by(User.username)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(User.username).like(like), User.full_name.like(f"%{q}%"),
                                func.lower(User.email).like(like), User.employee_no.like(f"%{q}%")))
    if role in {r.value for r in Role}:
        query = query.where(User.id.in_(db.select(UserRole.user_id).filter_by(role=role)))
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    total = db.session.scalar(db.select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/users.html", users=rows, q=q, role=role, status=status, page=page,
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), total=total, roles=list(Role))


def _save_user(user, form):
    fields = dict(full_name=form.full_name.data, email=form.email.data or None,
                  employee_no=form.employee_no.data or None, track=form.track.data or None,
                  current_level=_int_or_none(form.current_level.data),
                  target_level=_int_or_none(form.target_level.data),
                  team=db.session.get(Team, int(form.team_id.data)) if form.team_id.data else None)
    roles = {Role(r) for r in form.roles.data}
    if user is None:
        user = operations.create_user(current_user, username=form.username.data, roles=roles,
                                      password=form.password.data or None,
                                      must_change_password=bool(form.password.data), ip=client_ip(), **fields)
    else:
        operations.update_user(current_user, user, roles=roles, ip=client_ip(), **fields)
        if form.password.data:
            operations.reset_password(current_user, user, form.password.data, ip=client_ip())
    return user


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_user():
    form = UserForm()
    form.team_id.choices = _team_choices()
    if form.validate_on_submit():
        try:
            user = _save_user(None, form)
        except DomainError as e:
            db.session.rollback()
            target = form.email if "email" in str(e) else form.username if "username" in str(e) else form.password
            target.errors = [*target.errors, error_text(e)]
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_user(user_id):
    user = get_or_404(User, user_id)
    form = UserForm(obj=user) if request.method == "GET" else UserForm()
    form.team_id.choices = _team_choices()
    if request.method == "GET":
        form.roles.data = sorted(r.value for r in user.roles)
        form.team_id.data = str(user.team_id or "")
        form.track.data = user.track or ""
        form.current_level.data = str(user.current_level or "")
        form.target_level.data = str(user.target_level or "")
    form.username.data = user.username  # the user name never changes
    if form.validate_on_submit():
        try:
            _save_user(user, form)
        except DomainError as e:
            db.session.rollback()
            target = form.email if "email" in str(e) else form.roles if "admin" in str(e) else form.password
            target.errors = [*target.errors, error_text(e)]
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    history = db.session.scalars(db.select(AuditEntry).filter_by(subject_user_id=user.id)
                                 .order_by(AuditEntry.at.desc()).limit(20)).all()
    return render_template("admin/user_form.html", form=form, user=user, history=history)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@allow(Role.ADMIN)
def deactivate_user(user_id):
    user = get_or_404(User, user_id)
    try:
        operations.deactivate_user(current_user, user, ip=client_ip())
    except DomainError as e:
        flash(error_text(e), "error")
    else:
        db.session.commit()
        flash(_("%(name)s can no longer sign in.", name=user.full_name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@allow(Role.ADMIN)
def activate_user(user_id):
    user = get_or_404(User, user_id)
    try:
        operations.activate_user(current_user, user, ip=client_ip())
    except DomainError as e:
        flash(error_text(e), "error")
    else:
        db.session.commit()
        flash(_("%(name)s can sign in again.", name=user.full_name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/teams")
@allow(Role.ADMIN)
def teams():
    units = db.session.scalars(db.select(OrgUnit).filter_by(parent_id=None).order_by(OrgUnit.name)).all()
    counts = dict(db.session.execute(db.select(User.team_id, func.count()).where(User.active.is_(True))
                                     .group_by(User.team_id)).all())
    return render_template("admin/teams.html", units=units, counts=counts, unit_form=OrgUnitForm())


def _team_form(team=None):
    form = TeamForm(obj=team) if request.method == "GET" else TeamForm()
    units = sorted(db.session.scalars(db.select(OrgUnit)), key=lambda u: u.path)
    form.org_unit_id.choices = choices((u.id, u.path) for u in units)
    leaders = db.session.scalars(db.select(User).where(User.active.is_(True)).order_by(User.username)).all()
    form.leader_id.choices = choices([("", _("No leader"))] + [(u.id, f"{u.full_name} ({u.username})")
                                                               for u in leaders])
    if request.method == "GET" and team is not None:
        form.leader_id.data = str(team.leader_id or "")
        form.org_unit_id.data = str(team.org_unit_id)
    return form


def _save_team(team, form, template):
    try:
        team = operations.save_team(
            current_user, team, name=form.name.data, org_unit=db.session.get(OrgUnit, int(form.org_unit_id.data)),
            leader=db.session.get(User, int(form.leader_id.data)) if form.leader_id.data else None,
            ip=client_ip())
    except DomainError as e:
        db.session.rollback()
        form.name.errors = [*form.name.errors, error_text(e)]
        return render_template(template, form=form, team=team)
    db.session.commit()
    flash(_("Team %(name)s saved.", name=team.name), "success")
    return redirect(url_for("admin.teams"))


@bp.route("/teams/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_team():
    form = _team_form()
    if form.validate_on_submit():
        return _save_team(None, form, "admin/team_form.html")
    return render_template("admin/team_form.html", form=form, team=None)


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_team(team_id):
    team = get_or_404(Team, team_id)
    form = _team_form(team)
    if form.validate_on_submit():
        return _save_team(team, form, "admin/team_form.html")
    return render_template("admin/team_form.html", form=form, team=team)


@bp.route("/org-units", methods=["POST"])
@allow(Role.ADMIN)
def new_org_unit():
    form = OrgUnitForm()
    if form.validate_on_submit():
        try:
            unit = operations.org_unit_by_path(form.path.data, create=True)
        except DomainError as e:
            flash(error_text(e), "error")
        else:
            db.session.commit()
            flash(_("Org unit %(path)s saved.", path=unit.path), "success")
    else:
        for error in form.path.errors:
            flash(f"{form.path.label.text}: {error}", "error")
    return redirect(url_for("admin.teams"))


@bp.route("/roster", methods=["GET", "POST"])
@allow(Role.HR, Role.ADMIN)
def roster():
    form = RosterForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        result = import_roster(current_user, upload.filename or "", upload.read(), dry_run=form.dry_run.data,
                               ip=client_ip())
        if result.applied:
            db.session.commit()
            flash(_("Roster applied: %(created)d people added, %(updated)d updated.",
                    created=result.created, updated=result.updated), "success")
        else:
            db.session.rollback()
    return render_template("admin/roster.html", form=form, result=result)


@bp.route("/audit")
@allow(Role.ADMIN)
def audit_log():
    event = request.args.get("event") or ""
    page = max(request.args.get("page", 1, type=int), 1)
    query = db.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if event:
        query = query.filter_by(event=event)
    entries = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    events = db.session.scalars(db.select(AuditEntry.event).distinct().order_by(AuditEntry.event)).all()
    return render_template("admin/audit.html", entries=entries, events=events, event=event, page=page,
                           has_next=len(entries) == PAGE_SIZE)
