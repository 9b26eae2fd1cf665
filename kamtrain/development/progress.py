"""How far a plan has come — read from the trainee's records each time, never stored.

An activity is done when:

* module — the trainee has completed the module (whenever: a module read before is not read twice);
* quiz — a finished attempt at the quiz, submitted after the activity was added to the plan;
* scenario — a finished run of the scenario, finished after the activity was added;
* action — the trainee ticked it (``PlanItem.done_at``).

A goal's progress is the mean of two shares (pure functions below, tested by hand): the share of
its activities done, and the share of its gap closed — (current − baseline) ÷ (target − baseline),
0…1, with no evidence at generation counting as Foundation (1.0) and the current figure read with
the method of kamtrain/competency/proficiency.py. The plan's progress is the mean over its goals;
activities outside any goal (assigned work not tied to a goal) count as one more goal made of
activities only.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import DateTime, Float, Integer, String, bindparam, cast, func, literal_column, null, select, union_all

from kamtrain.assessment.attempts import FINISHED_STATES, Attempt
from kamtrain.competency.proficiency import NO_EVIDENCE
from kamtrain.competency.profiles import figures
from kamtrain.content.models import ModuleProgress
from kamtrain.core.db import db
from kamtrain.scenarios.models import ScenarioRun

# ------------------------------------------------------------------------------ pure


def share(done, total):
    return None if not total else done / total


def gap_closed(baseline, current, target):
    """The share (0…1) of the gap from ``baseline`` to ``target`` closed by ``current``."""
    if target is None:
        return None
    start = 1.0 if baseline is None else baseline
    if current is None:
        return 0.0
    if current >= target:
        return 1.0
    if target <= start:
        return 1.0
    return max(0.0, min(1.0, (current - start) / (target - start)))


def goal_progress(done, total, baseline, current, target):
    parts = [p for p in (share(done, total), gap_closed(baseline, current, target)) if p is not None]
    return sum(parts) / len(parts) if parts else 0.0


def plan_progress(goal_parts, loose_done=0, loose_total=0):
    """``goal_parts``: [goal progress 0…1]. Returns 0…100 (an integer)."""
    parts = list(goal_parts)
    if loose_total:
        parts.append(loose_done / loose_total)
    return round(100 * sum(parts) / len(parts)) if parts else 0


# ------------------------------------------------------------------------------ from the database


@dataclass
class ItemState:
    item: object
    done: bool
    when: object = None  # when it was done
    percent: float | None = None  # quiz: the latest attempt's percent
    quality: str | None = None  # scenario: the latest run's ending (good | mixed | poor)


@dataclass
class GoalState:
    goal: object
    items: list
    figure: object  # the current Figure of the goal's category
    progress: float  # 0…1

    @property
    def done(self):
        return sum(1 for s in self.items if s.done)

    @property
    def current(self):
        return self.figure.shown

    @property
    def percent(self):
        return round(100 * self.progress)


@dataclass
class PlanState:
    plan: object
    goals: list
    loose: list  # ItemState of activities outside goals
    percent: int
    items: dict = field(default_factory=dict)  # item id → ItemState

    @property
    def done(self):
        return sum(1 for s in self.items.values() if s.done)

    @property
    def total(self):
        return len(self.items)


def _module_done(user_id, module_ids):
    if not module_ids:
        return {}
    return dict(db.session.execute(
        db.select(ModuleProgress.module_id, ModuleProgress.completed_at)
        .where(ModuleProgress.user_id == user_id, ModuleProgress.module_id.in_(module_ids),
               ModuleProgress.completed_at.is_not(None))).all())


def _attempts(user_id, quiz_ids):
    """{quiz_id: [(submitted_at, percent)]} of finished attempts."""
    out = {}
    if not quiz_ids:
        return out
    for quiz_id, submitted, percent in db.session.execute(
            db.select(Attempt.quiz_id, Attempt.submitted_at, Attempt.percent)
            .where(Attempt.user_id == user_id, Attempt.quiz_id.in_(quiz_ids), Attempt.state.in_(FINISHED_STATES))):
        out.setdefault(quiz_id, []).append((submitted, percent))
    return out


def _runs(user_id, scenario_ids):
    """{scenario_id: [(finished_at, quality, passed)]} of finished runs."""
    out = {}
    if not scenario_ids:
        return out
    for sid, finished, quality, passed in db.session.execute(
            db.select(ScenarioRun.scenario_id, ScenarioRun.finished_at, ScenarioRun.quality, ScenarioRun.passed)
            .where(ScenarioRun.user_id == user_id, ScenarioRun.scenario_id.in_(scenario_ids),
                   ScenarioRun.finished_at.is_not(None))):
        out.setdefault(sid, []).append((finished, quality, passed))
    return out


def _state_of(item, modules, attempts, runs):
    """An item's ItemState from the done-ness read for the plan (the rules of the module docstring)."""
    if item.kind == "module":
        when = modules.get(item.module_id)
        return ItemState(item, when is not None, when)
    if item.kind == "quiz":
        after = sorted((a for a in attempts.get(item.quiz_id, []) if a[0] and a[0] >= item.created_at),
                       key=lambda a: a[0])
        if after:
            return ItemState(item, True, after[0][0], percent=after[-1][1])
    elif item.kind == "scenario":
        after = sorted((r for r in runs.get(item.scenario_id, []) if r[0] >= item.created_at), key=lambda r: r[0])
        if after:
            return ItemState(item, True, after[0][0], quality=after[-1][1])
    else:
        return ItemState(item, item.done_at is not None, item.done_at)
    return ItemState(item, False)


def item_states(plan):
    """{item id: ItemState} — four small queries whatever the plan's size."""
    items = plan.items
    uid = plan.user_id
    modules = _module_done(uid, {i.module_id for i in items if i.kind == "module" and i.module_id})
    attempts = _attempts(uid, {i.quiz_id for i in items if i.kind == "quiz" and i.quiz_id})
    runs = _runs(uid, {i.scenario_id for i in items if i.kind == "scenario" and i.scenario_id})
    return {item.id: _state_of(item, modules, attempts, runs) for item in items}


def plan_state(plan, now=None, current=None):
    """``current``: the trainee's figures now ({category_id: Figure}) when the caller has them."""
    states = item_states(plan)
    if current is None:
        current = figures([plan.user_id], now)[plan.user_id]
    goals = []
    for goal in plan.goals:
        goal_items = [states[i.id] for i in plan.items if i.goal_id == goal.id]
        fig = current.get(goal.category_id, NO_EVIDENCE)
        progress = goal_progress(sum(1 for s in goal_items if s.done), len(goal_items), goal.baseline, fig.value,
                                 goal.target)
        goals.append(GoalState(goal, goal_items, fig, progress))
    loose = [states[i.id] for i in plan.items if i.goal_id is None]
    percent = plan_progress([g.progress for g in goals], sum(1 for s in loose if s.done), len(loose))
    return PlanState(plan, goals, loose, percent, states)


def open_counts(plan_ids):
    """{plan id: number of activities} for lists (no done-ness)."""
    from kamtrain.development.models import PlanItem

    if not plan_ids:
        return {}
    return dict(db.session.execute(db.select(PlanItem.plan_id, func.count()).where(PlanItem.plan_id.in_(plan_ids))
                                   .group_by(PlanItem.plan_id)).all())


# ------------------------------------------------------------------------------ the gap report's summary


@dataclass(frozen=True)
class PlanSummary:
    """What the gap report shows of the open plan: its id, status and progress (0…100)."""

    id: int
    status: str
    percent: int


@dataclass(frozen=True)
class _Item:
    id: int
    goal_id: int | None
    kind: str
    module_id: int | None
    quiz_id: int | None
    scenario_id: str | None
    created_at: object
    done_at: object


_COLUMNS = (("part", String), ("id", Integer), ("goal_id", Integer), ("category_id", Integer), ("baseline", Float),
            ("target", Integer), ("text", String), ("module_id", Integer), ("quiz_id", Integer),
            ("scenario_id", String), ("at", DateTime), ("done_at", DateTime), ("position", Integer),
            ("percent", Float))


@lru_cache(maxsize=1)
def _summary_statement():
    """Built once per process (Core), one UNION ALL: the trainee's open plan (part 'p'), its goals
    ('g', in the plan's order) and activities ('i'), and what of them is done — modules completed
    ('m'), finished attempts ('q') and finished scenario runs ('s') — in one row shape."""
    from kamtrain.development.models import OPEN_STATUSES, DevelopmentPlan, PlanGoal, PlanItem

    plans, goals, items = DevelopmentPlan.__table__.c, PlanGoal.__table__.c, PlanItem.__table__.c
    mp, at, sr = ModuleProgress.__table__.c, Attempt.__table__.c, ScenarioRun.__table__.c
    user_id = bindparam("user_id")

    def constants(values):  # code's own constants, written into the SQL (no parameters to expand per call)
        return [literal_column(f"'{v}'") for v in values]

    plan_id = (select(plans.id).where(plans.user_id == user_id, plans.status.in_(constants(OPEN_STATUSES)))
               .order_by(plans.created_at.desc(), plans.id.desc()).limit(1).scalar_subquery())

    def planned(column, kind):  # the ids of one kind of activity in the plan
        return select(column).where(items.plan_id == plan_id, items.kind == literal_column(f"'{kind}'"))

    def part(tag, **given):
        return select(literal_column(f"'{tag}'").label("part"),
                      *[(given[name] if name in given else cast(null(), kind)).label(name)
                        for name, kind in _COLUMNS[1:]])

    return union_all(
        part("p", id=plans.id, text=plans.status).where(plans.id == plan_id),
        part("g", id=goals.id, category_id=goals.category_id, baseline=goals.baseline, target=goals.target,
             position=goals.position).where(goals.plan_id == plan_id),
        part("i", id=items.id, goal_id=items.goal_id, text=items.kind, module_id=items.module_id,
             quiz_id=items.quiz_id, scenario_id=items.scenario_id, at=items.created_at, done_at=items.done_at,
             position=items.position).where(items.plan_id == plan_id),
        part("m", module_id=mp.module_id, at=mp.completed_at)
        .where(mp.user_id == user_id, mp.completed_at.is_not(None),
               mp.module_id.in_(planned(items.module_id, "module"))),
        part("q", quiz_id=at.quiz_id, at=at.submitted_at, percent=at.percent)
        .where(at.user_id == user_id, at.state.in_(constants(FINISHED_STATES)),
               at.quiz_id.in_(planned(items.quiz_id, "quiz"))),
        part("s", scenario_id=sr.scenario_id, at=sr.finished_at, text=sr.quality)
        .where(sr.user_id == user_id, sr.finished_at.is_not(None),
               sr.scenario_id.in_(planned(items.scenario_id, "scenario"))),
    ).order_by(*(literal_column(name) for name in ("part", "position", "id", "module_id", "quiz_id", "scenario_id",
                                                   "at")))


def plan_rows(user_id):
    """The rows ``plan_summary`` reads (one Core query): the open plan, its goals and activities, and
    what of them is done; no rows when there is no open plan."""
    return db.session.connection().execute(_summary_statement(), {"user_id": user_id}).all()


def plan_summary(user_id, current, rows=None):
    """The open plan of a trainee with its progress, for the gap report: one Core query, no ORM
    objects; the same figure as ``plan_state(plan, current=current).percent`` (the same rules).
    ``current``: the trainee's figures now ({category_id: Figure}); ``rows``: ``plan_rows(user_id)``
    when the caller has read them. None when there is no open plan."""
    found = None
    goals, items = [], []
    modules, attempts, runs = {}, {}, {}
    for (tag, rid, goal_id, category_id, baseline, target, text, module_id, quiz_id, scenario_id, at, done_at,
         _position, percent) in (rows if rows is not None else plan_rows(user_id)):
        if tag == "p":
            found = (rid, text)
        elif tag == "g":
            goals.append((rid, category_id, baseline, target))
        elif tag == "i":
            items.append(_Item(rid, goal_id, text, module_id, quiz_id, scenario_id, at, done_at))
        elif tag == "m":
            modules[module_id] = at
        elif tag == "q":
            attempts.setdefault(quiz_id, []).append((at, percent))
        else:
            runs.setdefault(scenario_id, []).append((at, text, None))
    if found is None:
        return None
    states = {item.id: _state_of(item, modules, attempts, runs) for item in items}
    parts = []
    for goal_id, category_id, baseline, target in goals:
        goal_items = [states[i.id] for i in items if i.goal_id == goal_id]
        fig = current.get(category_id, NO_EVIDENCE)
        parts.append(goal_progress(sum(1 for st in goal_items if st.done), len(goal_items), baseline, fig.value,
                                   target))
    loose = [states[i.id] for i in items if i.goal_id is None]
    return PlanSummary(found[0], found[1], plan_progress(parts, sum(1 for st in loose if st.done), len(loose)))
