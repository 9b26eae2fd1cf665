"""Gap reports for team leaders (heatmap, the team's 短板) and for HR and trainers (org units,
tracks and levels, distributions; the company matrix that the exports write).

Figures come from the database's GROUP BY (profiles.py); the org-unit roll-up and the team's
ranking work on those aggregates, never on evidence rows.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Float, and_, case, cast, func, literal

from kamtrain.accounts.models import OrgUnit, Team, User, UserRole
from kamtrain.accounts.roles import Role
from kamtrain.competency import proficiency
from kamtrain.competency.models import Evidence
from kamtrain.competency.proficiency import MIN_AMOUNT, NO_EVIDENCE, Figure
from kamtrain.competency.profiles import (
    Judged,
    categories,
    figures,
    level_of,
    matrix_query,
    quarter_ago,
    target_subquery,
    targets_of,
)
from kamtrain.core.db import db, utcnow

# ------------------------------------------------------------------------------ team heatmap


@dataclass
class Cell(Judged):
    before: Figure  # a quarter ago

    @property
    def change(self):
        """Change of the shown value since a quarter ago (None when either is unknown)."""
        if self.figure.value is None or self.before.value is None:
            return None
        return round(self.figure.shown - self.before.shown, 1)


@dataclass
class MemberLine:
    user: User
    cells: list

    @property
    def below(self):
        return sum(1 for c in self.cells if c.shortfall > 0)


@dataclass
class Weakness:
    """One of the team's weakest categories and the members who need it most."""

    category: object
    mean_shortfall: float
    below: int  # members below target
    measured: int  # members with a target
    mean_value: float | None
    change: float | None  # mean value now minus a quarter ago, over members known at both
    neediest: list = field(default_factory=list)  # [Cell-with-user] (user, cell)


@dataclass
class TeamReport:
    team: Team
    as_of: datetime
    since: datetime
    categories: list
    members: list  # MemberLine
    weakest: list  # Weakness (up to three)
    summary: list  # Weakness per category, in model order (for the change row)


def team_members(team):
    return db.session.scalars(
        db.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.team_id == team.id, User.active.is_(True), UserRole.role == Role.TRAINEE.value)
        .order_by(User.username)).all()


def _mean(values):
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 2) if values else None


def team_report(team, now=None, top=3):
    explicit, now = now is not None, now or utcnow()
    since = quarter_ago(now)
    cats = categories()
    members = team_members(team)
    ids = [m.id for m in members]
    current, before = figures(ids, now if explicit else None), figures(ids, since)
    target_cache = {}

    def targets(user):
        key = (user.track, user.target_level)
        if key not in target_cache:
            target_cache[key] = targets_of(level_of(*key))
        return target_cache[key]

    lines = []
    for m in members:
        t = targets(m)
        lines.append(MemberLine(m, [Cell(c, current[m.id].get(c.id, NO_EVIDENCE), t.get(c.id),
                                         before[m.id].get(c.id, NO_EVIDENCE)) for c in cats]))
    summary = []
    for i, c in enumerate(cats):
        cells = [(line.user, line.cells[i]) for line in lines]
        measured = [(u, cell) for u, cell in cells if cell.target is not None]
        shortfalls = [cell.shortfall for _, cell in measured]
        both = [cell for _, cell in cells if cell.change is not None]
        change = _mean([cell.change for cell in both]) if both else None
        neediest = sorted([(u, cell) for u, cell in measured if cell.shortfall > 0],
                          key=lambda uc: proficiency.priority(uc[1].figure.value, uc[1].target,
                                                              uc[1].figure.reliable))
        summary.append(Weakness(
            c, round(sum(shortfalls) / len(shortfalls), 2) if shortfalls else 0.0,
            sum(1 for s in shortfalls if s > 0), len(measured),
            _mean([cell.figure.value for _, cell in cells]), change, neediest[:3]))
    ranked = sorted((w for w in summary if w.mean_shortfall > 0),
                    key=lambda w: (-w.mean_shortfall, -w.below, w.mean_value if w.mean_value is not None else 0))
    return TeamReport(team, now, since, cats, lines, ranked[:top], summary)


# ------------------------------------------------------------------------------ HR and trainers


@dataclass(frozen=True)
class Filters:
    unit_id: int | None = None  # an org unit and everything under it
    team_id: int | None = None
    track: str | None = None
    level: int | None = None  # the level worked towards

    @property
    def active(self):
        return any(v is not None for v in (self.unit_id, self.team_id, self.track, self.level))


def unit_and_below(unit_id):
    """The ids of an org unit and of every unit under it."""
    children = {}
    for uid, parent in db.session.execute(db.select(OrgUnit.id, OrgUnit.parent_id)):
        children.setdefault(parent, []).append(uid)
    found, todo = [], [unit_id]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def trainees_select(filters=Filters()):
    """Active trainees matching the filters: user_id, track, target_level (for matrix_query)."""
    query = (db.select(User.id.label("user_id"), User.track.label("track"),
                       User.target_level.label("target_level"))
             .where(User.active.is_(True),
                    User.id.in_(db.select(UserRole.user_id).where(UserRole.role == Role.TRAINEE.value))))
    if filters.track:
        query = query.where(User.track == filters.track)
    if filters.level:
        query = query.where(User.target_level == filters.level)
    if filters.team_id:
        query = query.where(User.team_id == filters.team_id)
    if filters.unit_id:
        query = query.where(User.team_id.in_(
            db.select(Team.id).where(Team.org_unit_id.in_(unit_and_below(filters.unit_id)))))
    return query


@dataclass
class TraineeLine:
    """One trainee of the company matrix, per category in model order: the proficiency (1…4 or None),
    the evidence amount at the report's date, and the target (or None; shared by everyone of the
    same track level)."""

    user_id: int
    values: list
    amounts: list
    targets: list

    @property
    def figures(self):
        return list(zip(self.values, self.amounts, self.targets, strict=True))


def targets_by_level(category_ids):
    """{(track, level): [target per category in the order of ``category_ids``]}."""
    index = {cid: i for i, cid in enumerate(category_ids)}
    out = {}
    for track, level, cid, target in db.session.execute(db.select(target_subquery())):
        out.setdefault((track, level), [None] * len(index))[index[cid]] = target
    return out


def company_matrix(filters=Filters(), as_of=None):
    """Every active trainee × every category — the company report HR exports. The database does
    the work in one GROUP BY user, category over the covering index (value and amount computed in
    SQL); Python only places each of those rows into its trainee's line."""
    moment = as_of or utcnow()
    category_ids = [c.id for c in categories()]
    index = {cid: i for i, cid in enumerate(category_ids)}
    n = len(category_ids)
    by_level = targets_by_level(category_ids)
    no_targets = [None] * n
    people = trainees_select(filters)
    conn = db.session.connection()  # plain Core rows: no ORM loading for 120,000 tuples
    lines, out = {}, []
    for user_id, track, level in conn.execute(people.order_by(User.id)):
        line = TraineeLine(user_id, [None] * n, [0.0] * n, by_level.get((track, level), no_targets))
        lines[user_id] = line
        out.append(line)
    weight = func.sum(Evidence.profile_weight)
    factor = proficiency.as_of_factor(moment)
    query = (db.select(Evidence.user_id, Evidence.category_id,
                       literal(1.0) + literal(3.0) * func.sum(Evidence.profile_points) / func.nullif(weight, 0.0),
                       weight * literal(factor))
             .group_by(Evidence.user_id, Evidence.category_id))
    if as_of is not None:
        query = query.where(Evidence.occurred_at <= as_of)
    if filters.active:
        query = query.where(Evidence.user_id.in_(people.with_only_columns(User.id)))
    get_line, position = lines.get, index.__getitem__
    for user_id, category_id, value, amount in conn.execute(query):
        line = get_line(user_id)
        if line is not None:
            i = position(category_id)
            line.values[i] = value
            line.amounts[i] = amount
    return out


def people_of(user_ids=None, filters=Filters()):
    """{user_id: (User, team name, org unit path)} for the exports' name columns."""
    query = (db.select(User, Team.name, OrgUnit).outerjoin(Team, Team.id == User.team_id)
             .outerjoin(OrgUnit, OrgUnit.id == Team.org_unit_id)
             .where(User.id.in_(db.select(trainees_select(filters).subquery().c.user_id))))
    return {u.id: (u, team or "", unit.path if unit else "") for u, team, unit in db.session.execute(query)}


BUCKETS = (1, 2, 3, 4)  # the step a value rounds to
EDGE = 1e-9


def _aggregates(m, group_columns):
    """SELECT <group>, category_id, trainees, measured, reliable, mean value, judged (with a target),
    meeting target, below target, mean shortfall, bucket counts … GROUP BY <group>, category_id."""
    known = m.c.value.is_not(None)
    has_target = m.c.target.is_not(None)
    target = cast(m.c.target, Float)
    value_or_foundation = func.coalesce(m.c.value, 1.0)
    ones = {
        "reliable": and_(known, m.c.amount >= MIN_AMOUNT),
        # shown (one decimal) at or above target
        "meeting": and_(known, has_target, m.c.value >= target - 0.05),
        # below target; no evidence counts as Foundation (proficiency.shortfall)
        "below": and_(has_target, value_or_foundation < target - 0.05),
        # a step boundary (x.5) belongs to the step above; EDGE absorbs float sums like 2.4999999
        "b1": and_(known, m.c.value < 1.5 - EDGE),
        "b2": and_(known, m.c.value >= 1.5 - EDGE, m.c.value < 2.5 - EDGE),
        "b3": and_(known, m.c.value >= 2.5 - EDGE, m.c.value < 3.5 - EDGE),
        "b4": and_(known, m.c.value >= 3.5 - EDGE),
    }
    columns = [func.count().label("trainees"), func.count(m.c.value).label("measured"),
               func.avg(m.c.value).label("mean"), func.count(m.c.target).label("judged"),
               func.sum(case((and_(has_target, value_or_foundation < target), target - value_or_foundation),
                             else_=0.0)).label("shortfall")]
    columns += [func.sum(case((condition, 1), else_=0)).label(name) for name, condition in ones.items()]
    return db.select(*group_columns, m.c.category_id, *columns).group_by(*group_columns, m.c.category_id)


@dataclass
class Stats:
    """Aggregates of one group (an org unit, a team, a track level, or everyone) in one category."""

    trainees: int = 0
    measured: int = 0
    reliable: int = 0
    value_sum: float = 0.0
    meeting: int = 0
    below: int = 0
    gap_sum: float = 0.0
    gap_count: int = 0
    buckets: list = field(default_factory=lambda: [0, 0, 0, 0])

    @classmethod
    def from_row(cls, row):
        return cls(row.trainees, row.measured, int(row.reliable or 0), float(row.mean or 0.0) * row.measured,
                   int(row.meeting or 0), int(row.below or 0), float(row.shortfall or 0.0), int(row.judged or 0),
                   [int(getattr(row, f"b{s}") or 0) for s in BUCKETS])

    def add(self, other):
        self.trainees += other.trainees
        self.measured += other.measured
        self.reliable += other.reliable
        self.value_sum += other.value_sum
        self.meeting += other.meeting
        self.below += other.below
        self.gap_sum += other.gap_sum
        self.gap_count += other.gap_count
        self.buckets = [a + b for a, b in zip(self.buckets, other.buckets, strict=True)]

    @property
    def mean(self):
        return round(self.value_sum / self.measured, 1) if self.measured else None

    @property
    def mean_gap(self):
        """Mean shortfall below target (no evidence counting as Foundation), over trainees with a target."""
        return round(self.gap_sum / self.gap_count, 1) if self.gap_count else None

    @property
    def none(self):
        return self.trainees - self.measured

    @property
    def meeting_percent(self):
        judged = self.meeting + self.below
        return round(100 * self.meeting / judged) if judged else None

    @property
    def heat(self):
        g = self.mean_gap
        if g is None:
            return "none"
        return "meets" if g <= 0 else ("small" if g <= proficiency.LARGE_GAP else "large")


@dataclass
class GroupLine:
    label: str
    depth: int
    stats: list  # Stats per category, model order
    kind: str = "unit"  # unit | team | level | all

    @property
    def trainees(self):
        return self.stats[0].trainees if self.stats else 0


@dataclass
class OrgReport:
    as_of: datetime
    categories: list
    overall: list  # Stats per category
    units: list  # GroupLine (org-unit tree with teams)
    levels: list  # GroupLine per (track, level)


def org_report(filters=Filters(), as_of=None, track_names=None):
    cats = categories()
    index = {c.id: i for i, c in enumerate(cats)}
    people = trainees_select(filters).add_columns(User.team_id.label("team_id"))
    joined = matrix_query(people, as_of, restrict=filters.active,
                          carry=("team_id", "track", "target_level")).order_by(None).subquery()

    def empty():
        return [Stats() for _ in cats]

    overall = empty()
    for row in db.session.execute(_aggregates(joined, [])):
        overall[index[row.category_id]] = Stats.from_row(row)

    by_team = {}
    for row in db.session.execute(_aggregates(joined, [joined.c.team_id])):
        by_team.setdefault(row.team_id, empty())[index[row.category_id]] = Stats.from_row(row)

    by_level = {}
    for row in db.session.execute(_aggregates(joined, [joined.c.track, joined.c.target_level])):
        by_level.setdefault((row.track, row.target_level), empty())[index[row.category_id]] = Stats.from_row(row)

    units = db.session.scalars(db.select(OrgUnit).order_by(OrgUnit.name)).all()
    teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    children, unit_teams = {}, {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u)
    for t in teams:
        unit_teams.setdefault(t.org_unit_id, []).append(t)
    out = []

    def walk(unit, depth):
        line = GroupLine(unit.name, depth, empty(), "unit")
        out.append(line)
        for team in unit_teams.get(unit.id, []):
            if team.id in by_team:
                team_line = GroupLine(team.name, depth + 1, by_team[team.id], "team")
                out.append(team_line)
                for a, b in zip(line.stats, team_line.stats, strict=True):
                    a.add(b)
        for child in children.get(unit.id, []):
            sub = walk(child, depth + 1)
            for a, b in zip(line.stats, sub.stats, strict=True):
                a.add(b)
        return line

    for root in children.get(None, []):
        walk(root, 0)
    out = [line for line in out if line.trainees]
    if None in by_team:
        out.append(GroupLine("", 0, by_team[None], "none"))
    names = track_names or {}
    levels = [GroupLine(f"{names.get(track, track or '')}|{level or ''}", 0, stats, "level")
              for (track, level), stats in sorted(by_level.items(), key=lambda kv: (kv[0][0] or "", -(kv[0][1] or 0)))]
    return OrgReport(as_of or utcnow(), cats, overall, out, levels)
