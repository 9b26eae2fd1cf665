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

from sqlalchemy import func

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


def item_states(plan):
    """{item id: ItemState} — four small queries whatever the plan's size."""
    items = plan.items
    uid = plan.user_id
    modules = _module_done(uid, {i.module_id for i in items if i.kind == "module" and i.module_id})
    attempts = _attempts(uid, {i.quiz_id for i in items if i.kind == "quiz" and i.quiz_id})
    runs = _runs(uid, {i.scenario_id for i in items if i.kind == "scenario" and i.scenario_id})
    out = {}
    for item in items:
        state = ItemState(item, False)
        if item.kind == "module":
            when = modules.get(item.module_id)
            state = ItemState(item, when is not None, when)
        elif item.kind == "quiz":
            after = sorted((a for a in attempts.get(item.quiz_id, []) if a[0] and a[0] >= item.created_at),
                           key=lambda a: a[0])
            if after:
                state = ItemState(item, True, after[0][0], percent=after[-1][1])
        elif item.kind == "scenario":
            after = sorted((r for r in runs.get(item.scenario_id, []) if r[0] >= item.created_at), key=lambda r: r[0])
            if after:
                state = ItemState(item, True, after[0][0], quality=after[-1][1])
        else:
            state = ItemState(item, item.done_at is not None, item.done_at)
        out[item.id] = state
    return out


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
