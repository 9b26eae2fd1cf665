"""Proficiency profiles from the evidence table, computed by the database.

One GROUP BY user, category sums the two stored columns of ``competency_evidence``
(``profile_points`` and ``profile_weight``, see proficiency.py); the covering index
``ix_competency_evidence_profile`` lets the database read them from the index alone. Python only
turns each (user, category) sum into a ``Figure`` — it never loads evidence rows to compute one.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property, lru_cache

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    union_all,
)

from kamtrain.competency import proficiency
from kamtrain.competency.models import Category, Evidence, LevelTarget, TrackInfo, TrackLevel
from kamtrain.competency.proficiency import NO_EVIDENCE, Figure, figure_from_sums
from kamtrain.core.cache import KeptPerProcess
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
class Judged:
    """A figure in one category against a target level's profile: what every report row shows."""

    category: Category
    figure: Figure
    target: int | None  # the target level's profile (the level being worked towards)

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
class CategoryRow(Judged):
    current_target: int | None  # the profile of the level held, if any


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

    @cached_property
    def _ranked(self):
        return proficiency.strongest_and_weakest(self._keyed())

    @property
    def strongest(self):
        return [k[0] for k in self._ranked[0]]

    @property
    def weakest(self):
        return [k[0] for k in self._ranked[1]]

    @property
    def values(self):
        """{category code: shown value or None}, in model order."""
        return {r.category.code: r.value for r in self.rows}

    @property
    def reliable_count(self):
        return sum(1 for r in self.rows if r.figure.reliable)


def profile(user, as_of=None, cats=None, found=None, towards=None):
    """A trainee's profile against the targets of their target level (or of level ``towards``, e.g.
    the level a development plan works towards) and of their current level.
    ``found``: the user's figures when the caller has them already ({category_id: Figure})."""
    cats = cats if cats is not None else categories()
    target_level = level_of(user.track, towards or user.target_level)
    current_level = level_of(user.track, user.current_level)
    targets, current = targets_of(target_level), targets_of(current_level)
    if found is None:
        found = figures([user.id], as_of)[user.id]
    rows = [CategoryRow(c, found.get(c.id, NO_EVIDENCE), targets.get(c.id), current.get(c.id)) for c in cats]
    return Profile(user, as_of or utcnow(), target_level, current_level, rows)


@dataclass(frozen=True)
class CategoryInfo:
    """What a report shows of a category (a plain row: no session needed)."""

    id: int
    code: str
    number: int
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class LevelInfo:
    """A track level's names (``localized(level, 'name')`` works as on ``TrackLevel``)."""

    track: str
    level: int
    name_zh: str
    name_en: str


@lru_cache(maxsize=1)
def _content_statement():
    """Built once per process (Core), one UNION ALL (bound parameters ``track``, ``target``,
    ``current``): the categories ('c') with the targets of the two levels, the track's names ('t')
    and the two levels' names ('l')."""
    c = Category.__table__.c
    tl = TrackLevel.__table__
    lt = LevelTarget.__table__
    tr = TrackInfo.__table__.c

    def targets_of_level(name, level_param):
        alias = lt.alias(name)
        level_id = (select(tl.c.id).where(tl.c.track == bindparam("track"), tl.c.level == bindparam(level_param))
                    .scalar_subquery())
        return alias, and_(alias.c.category_id == c.id, alias.c.track_level_id == level_id)

    target, on_target = targets_of_level("target_t", "target")
    current, on_current = targets_of_level("current_t", "current")
    cats = (select(literal_column("'c'").label("part"), c.id.label("ref"), c.code.label("code"),
                   c.number.label("number"), c.name_zh.label("name_zh"), c.name_en.label("name_en"),
                   target.c.proficiency.label("target"), current.c.proficiency.label("current"))
            .select_from(Category.__table__.outerjoin(target, on_target).outerjoin(current, on_current)))
    no_int, no_str = cast(null(), Integer), cast(null(), String)
    track = select(literal_column("'t'"), no_int, no_str, no_int, tr.name_zh, tr.name_en, no_int, no_int).where(
        tr.code == bindparam("track"))
    levels = select(literal_column("'l'"), tl.c.level, no_str, no_int, tl.c.name_zh, tl.c.name_en, no_int,
                    no_int).where(tl.c.track == bindparam("track"),
                                  tl.c.level.in_([bindparam("target"), bindparam("current")]))
    return union_all(cats, track, levels).order_by(literal_column("part"), literal_column("number"),
                                                   literal_column("ref"))


def content_rows(user):
    """The rows ``report_profile`` reads (one Core query): what the report shows of the content for
    this trainee's track and levels."""
    params = {"track": user.track, "target": user.target_level or 0, "current": user.current_level or 0}
    return db.session.connection().execute(_content_statement(), params).all()


def report_profile(user, found, now=None, rows=None):
    """The trainee's profile for the gap report page, like ``profile`` but from one Core query and
    with plain rows (``CategoryInfo``, ``LevelInfo``): the categories with both levels' targets, and
    the track's and levels' names. ``found``: the user's figures ({category_id: Figure}); ``rows``:
    ``content_rows(user)`` when the caller has read them.

    Returns (profile, the track's names as a ``LevelInfo`` or None)."""
    track = target_level = current_level = None
    cats = []
    for part, ref, code, number, name_zh, name_en, target, current in (rows if rows is not None
                                                                       else content_rows(user)):
        if part == "c":
            cats.append((CategoryInfo(ref, code, number, name_zh, name_en), target, current))
        elif part == "t":
            track = LevelInfo(user.track, 0, name_zh, name_en)
        else:
            info = LevelInfo(user.track, ref, name_zh, name_en)
            if ref == user.target_level:
                target_level = info
            if ref == user.current_level:
                current_level = info
    rows = [CategoryRow(cat, found.get(cat.id, NO_EVIDENCE), target if target_level else None,
                        current if current_level else None) for cat, target, current in cats]
    return Profile(user, now or utcnow(), target_level, current_level, rows), track


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


@lru_cache(maxsize=8)
def _trend_statement(count):
    """The trend's one GROUP BY, built once per process (Core, bound parameters ``user_id``, ``m0``…)."""
    ev = Evidence.__table__.c
    columns = []
    for i in range(count):
        upto = ev.occurred_at <= bindparam(f"m{i}", type_=Evidence.occurred_at.type)
        columns += [func.sum(case((upto, ev.profile_points))), func.sum(case((upto, ev.profile_weight))),
                    func.count(case((upto, 1)))]
    return select(ev.category_id, *columns).where(ev.user_id == bindparam("user_id")).group_by(ev.category_id)


@lru_cache(maxsize=1)
def _now_statement():
    """A trainee's sums up to now per category, with the newest evidence id: the trend's last point,
    and the fingerprint of the evidence the earlier points are computed from."""
    ev = Evidence.__table__.c
    return (select(ev.category_id, func.sum(ev.profile_points), func.sum(ev.profile_weight), func.count(),
                   func.max(ev.id))
            .where(ev.user_id == bindparam("user_id"),
                   ev.occurred_at <= bindparam("now", type_=Evidence.occurred_at.type))
            .group_by(ev.category_id).order_by(ev.category_id))


# Per process: a trainee's trend points before the current month, keyed by the month starts and
# the fingerprint of their evidence up to now (per category: the sums, the number of pieces and the
# newest id). A figure at a past moment is a function of the evidence dated up to it, and a piece
# added, removed or changed (score, weight, source or date: they all enter the stored columns) up to
# now changes the fingerprint: the next report misses and recomputes. An entry could only be stale
# after a change that left every category's two float sums, count and newest id exactly as they
# were. The database stays the one source: every report reads the fingerprint afresh, so several
# app servers agree. Bounded, oldest entries dropped.
_earlier_points = KeptPerProcess(size=2048)


def now_sums(user_id, now):
    """[(category_id, points, weight, pieces, newest id)] of a trainee's evidence up to ``now``."""
    return db.session.connection().execute(_now_statement(), {"user_id": user_id, "now": now}).all()


def figures_from_rows(rows, now):
    """{category_id: Figure} from ``now_sums`` rows (the same figures as ``figures``)."""
    return {cid: figure_from_sums(points or 0.0, weight or 0.0, pieces, now)
            for cid, points, weight, pieces, _newest in rows if pieces}


def trend(user, count=6, now=None, now_rows=None):
    """[(moment, {category_id: Figure})] at ``month_ends`` (the last moment is now).

    The last point (the profile's figures) is one GROUP BY category over the trainee's rows of the
    covering index (``now_rows``: its rows, when the caller has read them for ``now``); the earlier
    points are one GROUP BY with a conditional sum per moment, computed when the trainee's evidence
    or the month changed and otherwise taken from ``_earlier_points``."""
    moments = month_ends(count, now)
    if now_rows is None:
        now_rows = now_sums(user.id, moments[-1])
    latest = figures_from_rows(now_rows, moments[-1])
    key = (user.id, tuple(moments[:-1]), tuple(tuple(row) for row in now_rows))
    earlier = _earlier_points.get(key)
    if earlier is None:
        earlier = [{} for _ in moments[:-1]]
        if now_rows and len(moments) > 1:
            params = {"user_id": user.id, **{f"m{i}": moment for i, moment in enumerate(moments[:-1])}}
            for cid, *sums_ in db.session.connection().execute(_trend_statement(len(moments) - 1), params):
                for i, moment in enumerate(moments[:-1]):
                    points, weight, pieces = sums_[3 * i:3 * i + 3]
                    if pieces:
                        earlier[i][cid] = figure_from_sums(points or 0.0, weight or 0.0, pieces, moment)
        _earlier_points.put(key, earlier)
    return [(moment, dict(found)) for moment, found in zip(moments[:-1], earlier, strict=True)] + [
        (moments[-1], latest)]


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
