"""People and organisation: users and their roles, org units, teams, and the audit log."""

import secrets
from datetime import datetime
from functools import cache

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, bindparam, select
from sqlalchemy.orm import Mapped, lazyload, mapped_column, relationship

from kamtrain.accounts.roles import Role
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError


def new_session_token():
    return secrets.token_urlsafe(24)


class OrgUnit(db.Model):
    """A city company or a branch under it (branch → city)."""

    __tablename__ = "org_units"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default="branch")  # city | branch
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)

    parent: Mapped["OrgUnit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["OrgUnit"]] = relationship(back_populates="parent", order_by="OrgUnit.name")
    teams: Mapped[list["Team"]] = relationship(back_populates="org_unit", order_by="Team.name")

    @property
    def path(self):
        """'城市/支局' — the unit's names from the top down."""
        names, unit = [], self
        while unit is not None:
            names.append(unit.name)
            unit = unit.parent
        return "/".join(reversed(names))

    def __repr__(self):
        return f"<OrgUnit {self.id} {self.path}>"


class Team(db.Model):
    """A team (班组) of account managers, led by a team leader, inside an org unit."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("org_unit_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True), index=True)

    org_unit: Mapped[OrgUnit] = relationship(back_populates="teams")
    leader: Mapped["User | None"] = relationship(foreign_keys=[leader_id])
    members: Mapped[list["User"]] = relationship(
        back_populates="team", foreign_keys="User.team_id", order_by="User.username"
    )

    def __repr__(self):
        return f"<Team {self.id} {self.name}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)  # a Role value


class User(UserMixin, db.Model):
    """A person who signs in. Never deleted: deactivated, so history stays attached."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("current_level BETWEEN 1 AND 4", name="current_level_range"),
        CheckConstraint("target_level BETWEEN 1 AND 4", name="target_level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    employee_no: Mapped[str | None] = mapped_column(String(32), unique=True)  # HR's 工号
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: cannot sign in yet
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Rotated on password change and deactivation; the session cookie carries it, so old
    # sessions on every app server stop working at once.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))  # 'zh' | 'en'; None = default
    track: Mapped[str | None] = mapped_column(String(20))  # a Track value, for trainees
    current_level: Mapped[int | None] = mapped_column()  # level held, 4 entry … 1 expert; None = none yet
    target_level: Mapped[int | None] = mapped_column()  # level being worked towards
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    def __repr__(self):
        return f"<User {self.id} {self.username}>"

    # Flask-Login
    def get_id(self):
        return self.session_token

    @property
    def is_active(self):
        return self.active

    @property
    def roles(self):
        known = self.__dict__.get("_roles_read")  # set by user_for_session
        if known is not None:
            return known
        return frozenset(Role(r.role) for r in self.role_rows)

    def has_role(self, role):
        return role in self.roles

    def set_roles(self, roles):
        self.__dict__.pop("_roles_read", None)
        wanted = {Role(r) for r in roles}
        self.role_rows = [r for r in self.role_rows if Role(r.role) in wanted]
        have = self.roles
        for role in sorted(wanted - have):
            self.role_rows.append(UserRole(role=role.value))

    def deactivate(self):
        if not self.active:
            raise DomainError("already deactivated")
        self.active = False
        self.session_token = new_session_token()

    def activate(self):
        if self.active:
            raise DomainError("already active")
        self.active = True

    @property
    def led_teams(self):
        return db.session.scalars(db.select(Team).filter_by(leader_id=self.id).order_by(Team.name)).all()

    def leads(self, other):
        """True when ``other`` is a member of a team this user leads."""
        return other.team is not None and other.team.leader_id == self.id


class AuditEntry(db.Model):
    """A security- or records-relevant event: who did what to whom, when, from where."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index(None, "event", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(64))  # e.g. login, login_failed, roles_changed
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(db.JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_user_id])

    def __repr__(self):
        return f"<AuditEntry {self.id} {self.event}>"


@cache
def _by_session_token():
    """The user and their roles in one statement, built once (every signed-in request runs it), on
    first use: building it configures the mappers, which needs every model imported."""
    return (select(User, UserRole.role)
            .outerjoin(UserRole, UserRole.user_id == User.id)
            .where(User.session_token == bindparam("token"))
            .options(lazyload(User.role_rows)))


def user_for_session(token):
    """The active user whose session token the cookie carries (Flask-Login's user loader), or None."""
    rows = db.session.execute(_by_session_token(), {"token": token}).all()
    if not rows or not rows[0][0].active:
        return None
    user = rows[0][0]
    user.__dict__["_roles_read"] = frozenset(Role(role) for _, role in rows if role is not None)
    return user
