"""Proficiency profiles from the evidence table, computed by the database.

One GROUP BY user, category sums the two stored columns of ``competency_evidence``
(``profile_points`` and ``profile_weight``, see proficiency.py); the covering index
``ix_competency_evidence_profile`` lets the database read them from the index alone. Python only
turns each (user, category) sum into a ``Figure`` — it never loads evidence rows to compute one.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, literal

from kamtrain.competency import proficiency
from kamtrain.competency.models import Category, Evidence, LevelTarget, TrackLevel
from kamtrain.competency.proficiency import NO_EVIDENCE, Figure, figure_from_sums
from kamtrain.core.db import db, utcnow


def categories():
    return db.session.scalars(db.select(Category).order_by(Category.number)).all()


def level_of(track, level):
    if not track or not level:
        return None
    return db.session.scalar(db.select(TrackLevel).filter_by(track=track, level=level))


def targets_of(track_level):
    """{category_id: target step} of a track level (empty for None)."""
    if track_level is None:
        return {}
    return {t.category_id: t.proficiency for t in track_level.targets}


def sums(as_of=None, user_ids=None, users=None):
    """SELECT user_id, category_id, points, weight, pieces … GROUP BY user_id, category_id.

    ``as_of``: leave out evidence dated later (None: all of it). ``user_ids``: a list of ids, or
    ``users``: a subquery of user ids."""
    query = (db.select(Evidence.user_id, Evidence.category_id,
                       func.sum(Evidence.profile_points).label("points"),
                       func.sum(Evidence.profile_weight).label("weight"),
                       func.count().label("pieces"))
             .group_by(Evidence.user_id, Evidence.category_id))
    if as_of is not None:
        query = query.where(Evidence.occurred_at <= as_of)
    if user_ids is not None:
        query = query.where(Evidence.user_id.in_(list(user_ids)))
    if users is not None:
        query = query.where(Evidence.user_id.in_(users))
    return query


def figures(user_ids, as_of=None):
    """{user_id: {category_id: Figure}} for a few users (a trainee, a team)."""
    moment = as_of or utcnow()
    out = {uid: {} for uid in user_ids}
    if not user_ids:
        return out
    for uid, cid, points, weight, pieces in db.session.execute(sums(as_of, user_ids=user_ids)):
        out.setdefault(uid, {})[cid] = figure_from_sums(points or 0.0, weight or 0.0, pieces, moment)
    return out


@dataclass
class CategoryRow:
    category: Category
    figure: Figure
    target: int | None  # the target level's profile (the level being worked towards)
    current_target: int | None  # the profile of the level held, if any

    @property
    def value(self):
        return self.figure.shown

    @property
    def gap(self):
        return proficiency.gap(self.figure.value, self.target)

    @property
    def gap_class(self):
        return proficiency.gap_class(self.figure.value, self.target, self.figure.reliable)

    @property
    def shortfall(self):
        return proficiency.shortfall(self.figure.value, self.target)


@dataclass
class Profile:
    user: object
    as_of: datetime
    target_level: TrackLevel | None
    current_level: TrackLevel | None
    rows: list = field(default_factory=list)

    def row(self, category_id):
        return next((r for r in self.rows if r.category.id == category_id), None)

    def _keyed(self):
        return [(r, r.figure.value, r.target, r.figure.reliable) for r in self.rows]

    @property
    def strongest(self):
        return [k[0] for k in proficiency.strongest_and_weakest(self._keyed())[0]]

    @property
    def weakest(self):
        return [k[0] for k in proficiency.strongest_and_weakest(self._keyed())[1]]

    @property
    def values(self):
        """{category code: shown value or None}, in model order."""
        return {r.category.code: r.value for r in self.rows}

    @property
    def reliable_count(self):
        return sum(1 for r in self.rows if r.figure.reliable)


def profile(user, as_of=None, cats=None, found=None):
    """A trainee's profile against the targets of their target level and their current level.
    ``found``: the user's figures when the caller has them already ({category_id: Figure})."""
    cats = cats if cats is not None else categories()
    target_level = level_of(user.track, user.target_level)
    current_level = level_of(user.track, user.current_level)
    targets, current = targets_of(target_level), targets_of(current_level)
    if found is None:
        found = figures([user.id], as_of)[user.id]
    rows = [CategoryRow(c, found.get(c.id, NO_EVIDENCE), targets.get(c.id), current.get(c.id)) for c in cats]
    return Profile(user, as_of or utcnow(), target_level, current_level, rows)


def month_ends(count, now=None):
    """The first instant of each of the last ``count`` months after the current one, oldest first,
    ending with ``now``: the moments a trend is drawn at."""
    now = now or utcnow()
    points = [now]
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(count - 1):
        points.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(points))


def trend(user, count=6, now=None):
    """[(moment, {category_id: Figure})] at ``month_ends`` (the last moment is now) — one GROUP BY
    category over the trainee's rows of the covering index, with a conditional sum per moment."""
    moments = month_ends(count, now)
    columns = []
    for moment in moments:
        upto = Evidence.occurred_at <= moment
        columns += [func.sum(case((upto, Evidence.profile_points))), func.sum(case((upto, Evidence.profile_weight))),
                    func.count(case((upto, 1)))]
    out = [(moment, {}) for moment in moments]
    rows = db.session.execute(db.select(Evidence.category_id, *columns).where(Evidence.user_id == user.id)
                              .group_by(Evidence.category_id))
    for cid, *sums_ in rows:
        for i, (moment, found) in enumerate(out):
            points, weight, pieces = sums_[3 * i:3 * i + 3]
            if pieces:
                found[cid] = figure_from_sums(points or 0.0, weight or 0.0, pieces, moment)
    return out


def quarter_ago(now=None):
    """"Last quarter" in the reports: the same moment three months earlier (a rolling quarter)."""
    now = now or utcnow()
    return now - timedelta(days=91)


@dataclass
class EvidenceLine:
    evidence: Evidence
    kept: float  # the recency factor at the report's date
    effective: float  # weight × source weight × recency

    @property
    def step_equivalent(self):
        return round(proficiency.score_to_proficiency(self.evidence.score), 1)


def evidence_lines(user, category, as_of=None, limit=200):
    """The pieces behind one figure, newest first, each with the weight it carries today (a list for
    people to read; the figure itself comes from ``figures``)."""
    moment = as_of or utcnow()
    rows = db.session.scalars(
        db.select(Evidence).where(Evidence.user_id == user.id, Evidence.category_id == category.id,
                                  Evidence.occurred_at <= moment)
        .order_by(Evidence.occurred_at.desc(), Evidence.id.desc()).limit(limit)).all()
    out = []
    for e in rows:
        kept = proficiency.recency_factor(e.occurred_at, moment)
        out.append(EvidenceLine(e, kept, e.weight * proficiency.source_weight(e.source_kind) * kept))
    return out


def target_subquery():
    """(track, level, category_id, proficiency) of every track level's target."""
    return (db.select(TrackLevel.track, TrackLevel.level, LevelTarget.category_id, LevelTarget.proficiency)
            .join(LevelTarget, LevelTarget.track_level_id == TrackLevel.id).subquery())


def matrix_query(users, as_of=None, restrict=True, carry=()):
    """Every user of ``users`` (a select of user_id, track, target_level) × every category: the
    figure's value, its amount (at ``as_of``) and the target — one row each, computed in SQL.
    ``restrict=False`` aggregates everyone's evidence first (faster when ``users`` is nearly everyone);
    ``carry`` names more columns of ``users`` to pass through.

    Columns: user_id, category_id, value (1…4 or NULL), amount, target (or NULL)."""
    moment = as_of or utcnow()
    people = users.subquery()
    agg = sums(as_of, users=db.select(people.c.user_id) if restrict else None).subquery()
    targets = target_subquery()
    value = literal(1.0) + literal(3.0) * agg.c.points / func.nullif(agg.c.weight, 0.0)
    return (db.select(people.c.user_id, Category.id.label("category_id"), value.label("value"),
                      (func.coalesce(agg.c.weight, 0.0) * proficiency.as_of_factor(moment)).label("amount"),
                      targets.c.proficiency.label("target"), *(people.c[name] for name in carry))
            .select_from(people).join(Category, literal(True))
            .outerjoin(agg, and_(agg.c.user_id == people.c.user_id, agg.c.category_id == Category.id))
            .outerjoin(targets, and_(targets.c.track == people.c.track, targets.c.level == people.c.target_level,
                                     targets.c.category_id == Category.id))
            .order_by(people.c.user_id, Category.number))
