"""Learning progress for leaders (each member of a team) and HR (completion per org unit).

Everything is counted by the database (GROUP BY over module_progress); Python only walks the
org-unit tree to add branch figures into their city."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, and_, case, cast, func

from kamtrain.accounts.models import OrgUnit, Team, User, UserRole
from kamtrain.accounts.roles import Role
from kamtrain.content.models import ModuleProgress, Syllabus, SyllabusModule
from kamtrain.core.db import db

_completed = ModuleProgress.completed_at.is_not(None)


def _progress_by_user():
    """Per user: modules completed, seconds spent, last activity."""
    last = func.max(func.coalesce(ModuleProgress.last_active_at, ModuleProgress.completed_at,
                                  ModuleProgress.started_at))
    return (db.select(ModuleProgress.user_id.label("user_id"),
                      func.count(case((_completed, 1))).label("completed"),
                      func.sum(ModuleProgress.seconds_spent).label("seconds"),
                      last.label("last_active"))
            .group_by(ModuleProgress.user_id).subquery())


def _syllabus_done_by_user():
    """Per user: completed modules that belong to the syllabus of the user's track and target level."""
    return (db.select(ModuleProgress.user_id.label("user_id"), func.count().label("done"))
            .join(User, User.id == ModuleProgress.user_id)
            .join(Syllabus, and_(Syllabus.track == User.track, Syllabus.level == User.target_level))
            .join(SyllabusModule, and_(SyllabusModule.syllabus_id == Syllabus.id,
                                       SyllabusModule.module_id == ModuleProgress.module_id))
            .where(_completed).group_by(ModuleProgress.user_id).subquery())


def _syllabus_size():
    return (db.select(Syllabus.track.label("track"), Syllabus.level.label("level"),
                      func.count(SyllabusModule.module_id).label("size"))
            .join(SyllabusModule, SyllabusModule.syllabus_id == Syllabus.id)
            .group_by(Syllabus.track, Syllabus.level).subquery())


def _trainees():
    return db.select(UserRole.user_id).where(UserRole.role == Role.TRAINEE.value)


def _per_user(track=None, level=None):
    """One row per active trainee with their figures (a subquery-able select)."""
    prog, done, size = _progress_by_user(), _syllabus_done_by_user(), _syllabus_size()
    query = (db.select(User.id.label("user_id"), User.full_name, User.username, User.track, User.target_level,
                       User.team_id,
                       func.coalesce(prog.c.completed, 0).label("completed"),
                       func.coalesce(prog.c.seconds, 0).label("seconds"),
                       prog.c.last_active,
                       func.coalesce(done.c.done, 0).label("syllabus_done"),
                       size.c.size.label("syllabus_size"))
             .outerjoin(prog, prog.c.user_id == User.id)
             .outerjoin(done, done.c.user_id == User.id)
             .outerjoin(size, and_(size.c.track == User.track, size.c.level == User.target_level))
             .where(User.active.is_(True), User.id.in_(_trainees())))
    if track:
        query = query.where(User.track == track)
    if level:
        query = query.where(User.target_level == level)
    return query


@dataclass
class MemberProgress:
    user_id: int
    full_name: str
    username: str
    track: str | None
    target_level: int | None
    completed: int
    seconds: int
    last_active: datetime | None
    syllabus_done: int
    syllabus_size: int | None

    @property
    def percent(self):
        """Syllabus progress in percent, or None when the member has no syllabus."""
        if not self.syllabus_size:
            return None
        return round(100 * self.syllabus_done / self.syllabus_size)


def team_members_progress(team):
    rows = db.session.execute(_per_user().where(User.team_id == team.id).order_by(User.username)).all()
    return [MemberProgress(r.user_id, r.full_name, r.username, r.track, r.target_level, r.completed,
                           int(r.seconds or 0), _as_datetime(r.last_active), r.syllabus_done, r.syllabus_size)
            for r in rows]


def _as_datetime(value):
    """SQLite hands MAX() over a DATETIME column back as text."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


@dataclass
class UnitProgress:
    """One row of the org-unit table: an org unit (its teams' and child units' figures included),
    a team, or (both None) the trainees in no team."""

    unit: OrgUnit | None
    team: Team | None
    depth: int
    trainees: int = 0
    completed: int = 0
    seconds: int = 0
    with_syllabus: int = 0
    ratio_sum: float = 0.0

    @property
    def average_percent(self):
        return round(100 * self.ratio_sum / self.with_syllabus) if self.with_syllabus else None

    @property
    def modules_per_trainee(self):
        return round(self.completed / self.trainees, 1) if self.trainees else 0

    def add(self, other):
        self.trainees += other.trainees
        self.completed += other.completed
        self.seconds += other.seconds
        self.with_syllabus += other.with_syllabus
        self.ratio_sum += other.ratio_sum


def org_unit_progress(track=None, level=None):
    """Rows of the org-unit tree (a unit, then its teams, then its child units, each with a depth):
    trainees, modules completed, time spent and average syllabus progress, figures of teams and
    branches added into their unit; a last row for trainees in no team. Filtered by track and
    target level."""
    per_user = _per_user(track, level).subquery()
    ratio = case((per_user.c.syllabus_size > 0,
                  cast(per_user.c.syllabus_done, Float) / per_user.c.syllabus_size))
    rows = db.session.execute(
        db.select(per_user.c.team_id, func.count(per_user.c.user_id), func.sum(per_user.c.completed),
                  func.sum(per_user.c.seconds), func.count(ratio), func.sum(ratio))
        .group_by(per_user.c.team_id)).all()
    by_team = {team_id: (n, int(completed or 0), int(seconds or 0), with_syllabus, float(ratio_sum or 0))
               for team_id, n, completed, seconds, with_syllabus, ratio_sum in rows}
    units = db.session.scalars(db.select(OrgUnit).order_by(OrgUnit.name)).all()
    teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    child_units, unit_teams = {}, {}
    for u in units:
        child_units.setdefault(u.parent_id, []).append(u)
    for t in teams:
        unit_teams.setdefault(t.org_unit_id, []).append(t)

    out = []

    def walk(unit, depth):
        node = UnitProgress(unit, None, depth)
        out.append(node)
        for team in unit_teams.get(unit.id, []):
            row = UnitProgress(unit, team, depth + 1, *by_team.get(team.id, (0, 0, 0, 0, 0.0)))
            out.append(row)
            node.add(row)
        for child in child_units.get(unit.id, []):
            node.add(walk(child, depth + 1))
        return node

    for root in child_units.get(None, []):
        walk(root, 0)
    if None in by_team:
        out.append(UnitProgress(None, None, 0, *by_team[None]))
    return out
