"""Writes for people and organisation. Each function changes rows, flushes (the caller commits),
and records security-relevant changes in the audit log."""

from kamtrain.accounts.models import AuditEntry, OrgUnit, Team, User, new_session_token
from kamtrain.accounts.passwords import MIN_LENGTH, burn_time, hash_password, needs_rehash, verify_password
from kamtrain.accounts.roles import Role
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError


def audit(event, actor=None, subject=None, ip=None, **details):
    entry = AuditEntry(event=event, actor=actor, subject=subject, ip=ip, details=details)
    db.session.add(entry)
    return entry


def check_password_policy(password):
    if len(password) < MIN_LENGTH:
        raise DomainError("password_too_short")


def authenticate(login, password, ip=None):
    """The active user with this username (or e-mail) and password, else None. Logs both outcomes."""
    login = (login or "").strip()
    user = db.session.scalar(db.select(User).where(
        (User.username == login.lower()) | (User.email == login.lower())))
    if user is None:
        burn_time(password)
        audit("login_failed", ip=ip, login=login[:64], reason="unknown_user")
        return None
    if not verify_password(user.password_hash, password):
        audit("login_failed", subject=user, ip=ip, login=login[:64], reason="bad_password")
        return None
    if not user.active:
        audit("login_failed", subject=user, ip=ip, login=login[:64], reason="deactivated")
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit("login", actor=user, subject=user, ip=ip)
    return user


def create_user(actor, *, username, full_name, roles, email=None, password=None, employee_no=None,
                track=None, current_level=None, target_level=None, team=None, must_change_password=False,
                ip=None):
    username = username.strip().lower()
    if db.session.scalar(db.select(User.id).filter_by(username=username)):
        raise DomainError("username_taken")
    if email and db.session.scalar(db.select(User.id).filter_by(email=email.lower())):
        raise DomainError("email_taken")
    user = User(username=username, full_name=full_name.strip(), email=email.lower() if email else None,
                employee_no=employee_no or None, track=track or None, current_level=current_level,
                target_level=target_level, team=team, must_change_password=must_change_password)
    if password:
        check_password_policy(password)
        user.password_hash = hash_password(password)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    audit("user_created", actor=actor, subject=user, ip=ip, roles=sorted(r.value for r in user.roles))
    return user


def update_user(actor, user, *, roles=None, ip=None, **fields):
    """Change profile fields and roles; role changes are audited with before and after."""
    allowed = {"full_name", "email", "employee_no", "track", "current_level", "target_level", "team", "locale"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if "email" in fields and fields["email"]:
        fields["email"] = fields["email"].lower()
        other = db.session.scalar(db.select(User.id).filter_by(email=fields["email"]))
        if other and other != user.id:
            raise DomainError("email_taken")
    for key, value in fields.items():
        setattr(user, key, value if value != "" else None)
    if roles is not None:
        before = sorted(r.value for r in user.roles)
        user.set_roles(roles)
        after = sorted(r.value for r in user.roles)
        if before != after:
            if actor is not None and actor.id == user.id and Role.ADMIN.value in before and "admin" not in after:
                raise DomainError("cannot_drop_own_admin")
            audit("roles_changed", actor=actor, subject=user, ip=ip, before=before, after=after)
    db.session.flush()
    return user


def deactivate_user(actor, user, ip=None):
    if actor is not None and actor.id == user.id:
        raise DomainError("cannot_deactivate_self")
    user.deactivate()
    audit("user_deactivated", actor=actor, subject=user, ip=ip)
    db.session.flush()


def activate_user(actor, user, ip=None):
    user.activate()
    audit("user_activated", actor=actor, subject=user, ip=ip)
    db.session.flush()


def reset_password(actor, user, password, ip=None):
    """An administrator sets a temporary password; the user must change it at next sign-in."""
    check_password_policy(password)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.session_token = new_session_token()
    audit("password_reset", actor=actor, subject=user, ip=ip)
    db.session.flush()


def change_own_password(user, old_password, new_password, ip=None):
    if not verify_password(user.password_hash, old_password):
        audit("password_change_failed", actor=user, subject=user, ip=ip)
        raise DomainError("wrong_password")
    check_password_policy(new_password)
    if verify_password(user.password_hash, new_password):
        raise DomainError("password_unchanged")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.session_token = new_session_token()
    audit("password_changed", actor=user, subject=user, ip=ip)
    db.session.flush()


def org_unit_by_path(path, create=False):
    """The org unit at '城市/支局' (names separated by '/'); created level by level if asked."""
    parent, unit = None, None
    names = [n.strip() for n in path.split("/") if n.strip()]
    if not names:
        raise DomainError("empty_org_unit")
    for depth, name in enumerate(names):
        unit = db.session.scalar(db.select(OrgUnit).filter_by(
            name=name, parent_id=parent.id if parent else None))
        if unit is None:
            if not create:
                return None
            unit = OrgUnit(name=name, parent=parent, kind="city" if depth == 0 else "branch")
            db.session.add(unit)
            db.session.flush()
        parent = unit
    return unit


def save_team(actor, team, *, name, org_unit, leader, ip=None):
    """Create (team=None) or change a team. The leader gets the leader role if they lack it."""
    name = name.strip()
    clash = db.session.scalar(db.select(Team).filter_by(org_unit_id=org_unit.id, name=name))
    if clash is not None and clash is not team:
        raise DomainError("team_name_taken")
    created = team is None
    team = team or Team()
    before = team.leader_id
    team.name, team.org_unit = name, org_unit
    team.leader = leader
    db.session.add(team)
    if leader is not None and Role.LEADER not in leader.roles:
        update_user(actor, leader, roles=leader.roles | {Role.LEADER}, ip=ip)
    db.session.flush()
    if created:
        audit("team_created", actor=actor, ip=ip, team=team.name, team_id=team.id)
    if before != team.leader_id:
        audit("team_leader_changed", actor=actor, subject=leader, ip=ip, team_id=team.id,
              before=before, after=team.leader_id)
    return team
