"""Trainees' runs: start, choose, reply, finish — writes only (flush, never commit; the view commits).

Nothing about a run is kept in process memory: its state is rebuilt on every request by replaying the
recorded steps with the engine on the version the run was started on. Every step carries the expected
position and node, so a second device or a stale page cannot record a choice at the wrong point (and
the unique (run, position) key stops two simultaneous posts from both landing).
"""

import hashlib

from kamtrain.competency.models import Category, Evidence
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError
from kamtrain.scenarios import engine, store
from kamtrain.scenarios.models import ScenarioRecord, ScenarioRun, ScenarioStep
from kamtrain.scenarios.results import run_passes

MAX_REPLY = 4000  # characters of a free-text reply


class RunError(DomainError):
    """A move a run does not allow; the message is a key of views.RUN_ERRORS."""


def start_run(user, record, at=None):
    """A new run of the scenario's current version (a replay is simply another run)."""
    if record.retired:
        raise RunError("retired")
    version = store.current_version(record)
    scenario = store.scenario_of(version)
    state = engine.start(scenario)
    now = at or utcnow()
    run = ScenarioRun(user_id=user.id, scenario_id=record.id, version_id=version.id, node=state.node,
                      level=user.target_level or user.current_level, started_at=now, last_active_at=now,
                      steps_count=0)
    db.session.add(run)
    db.session.flush()
    return run


def display_order(options, run_id, node_code):
    """The responses of a decision in the order a run shows them: shuffled, so that the expert's answer
    is not always in the same place (authors tend to write it first), but the same on every reload and
    every app server (derived from the run, the node and the response ids; nothing is stored)."""
    def key(response):
        return hashlib.sha256(f"{run_id}:{node_code}:{response.code}".encode()).hexdigest()

    return sorted(options, key=key)


def scenario_of(run):
    return store.scenario_of(run.version)


def state_of(run, scenario=None):
    """The run's state, rebuilt from its recorded steps."""
    scenario = scenario or scenario_of(run)
    return engine.replay(scenario, [_step(s) for s in run.steps])


def _step(row):
    return engine.Step(row.node, row.choice, row.at, row.text)


def play(run, position, node, response=None, text=None, at=None):
    """Record the next step: ``response`` at a decision, or ``text`` at a free-text node. ``position``
    and ``node`` are what the trainee's page showed; anything else means the run moved on."""
    if run.finished:
        raise RunError("finished")
    scenario = scenario_of(run)
    state = state_of(run, scenario)
    if position != len(state.path) or node != state.node:
        raise RunError("moved_on")
    at = at or utcnow()
    try:
        if engine.current(scenario, state).kind == "free_text":
            text = (text or "").strip()
            if not text:
                raise RunError("empty_reply")
            if len(text) > MAX_REPLY:
                raise RunError("long_reply")
            state = engine.submit(scenario, state, text, at)
            choice = engine.TEXT
        else:
            text = None
            state = engine.choose(scenario, state, response or "", at)
            choice = response
    except engine.EngineError as error:
        raise RunError("not_offered") from error
    row = ScenarioStep(run=run, position=position, node=node, choice=choice, text=text, at=at)
    db.session.add(row)
    run.node, run.steps_count, run.last_active_at = state.node, position + 1, at
    db.session.flush()
    if engine.is_finished(scenario, state):
        finish(run, scenario, state, at)
    return state


def finish(run, scenario, state, at):
    """Close the run at its ending: summary columns, the pass rule, competency evidence."""
    ending = engine.current(scenario, state)
    report = engine.debrief(scenario, state.path)
    run.finished_at = at
    run.outcome, run.quality = ending.outcome, ending.quality
    run.points, run.best_points, run.percent = report.total, report.best_total, report.percent
    run.passed = run_passes(run.quality, True)
    record_run_evidence(run, scenario, report)


def _categories():
    return {c.code: c.id for c in db.session.scalars(db.select(Category))}


def save_evidence(user_id, category_id, source_id, score, weight, occurred_at, note, recorded_by=None):
    """One row per (scenario step, category): written again, not duplicated, when it changes."""
    row = db.session.scalar(db.select(Evidence).filter_by(source_kind="scenario", source_id=source_id,
                                                          category_id=category_id))
    if row is None:
        row = Evidence(user_id=user_id, category_id=category_id, source_kind="scenario", source_id=source_id)
        db.session.add(row)
    row.score = max(0.0, min(1.0, score))
    row.weight, row.occurred_at, row.note = weight, occurred_at, note[:255]
    if recorded_by is not None:
        row.recorded_by_id = recorded_by.id
    return row


def record_run_evidence(run, scenario, report):
    """Evidence of a finished run: per category met at its decisions, the points scored over the best
    achievable there (0..1), weighted by the number of those decisions that scored the category.
    ``source_id`` is the id of the run's last *decision* step (scenario_steps.id: unique, and it leads
    to the run). A marked free-text reply writes its own evidence with its own step id (marking.py);
    a reply is never a decision, so the two kinds of rows never share a source."""
    ids = _categories()
    last = next((s for s in reversed(run.steps) if s.choice != engine.TEXT), None)
    if last is None:  # no decisions: nothing scored
        return
    weights = _decisions_per_category(scenario, run)
    for result in report.categories:
        if result.category in ids:
            save_evidence(run.user_id, ids[result.category], last.id, result.percent / 100,
                          float(weights.get(result.category, 1)), run.finished_at,
                          f"scenario {run.scenario_id} run {run.id}")


def _decisions_per_category(scenario, run):
    counts = {}
    state = engine.start(scenario)
    for row in run.steps:
        step = _step(row)
        if step.choice != engine.TEXT:
            for cat in {c for r in engine.options(scenario, state) for c, v in r.scores.items() if v > 0}:
                counts[cat] = counts.get(cat, 0) + 1
            state = engine.choose(scenario, state, step.choice, step.at)
        else:
            state = engine.submit(scenario, state, step.text or "", step.at)
    return counts


# --- reading ------------------------------------------------------------------------------------

def runs_of(user, scenario_id=None):
    query = db.select(ScenarioRun).filter_by(user_id=user.id).order_by(ScenarioRun.started_at.desc(),
                                                                       ScenarioRun.id.desc())
    if scenario_id is not None:
        query = query.filter_by(scenario_id=scenario_id)
    return db.session.scalars(query).all()


def summary_by_scenario(user):
    """{scenario id: {"runs": n, "best": best finished run or None, "open": latest unfinished run or None,
    "passed": bool}} for the list page."""
    out = {}
    for run in runs_of(user):
        entry = out.setdefault(run.scenario_id, {"runs": 0, "best": None, "open": None, "passed": False})
        entry["runs"] += 1
        entry["passed"] = entry["passed"] or run.passed
        if run.finished:
            if entry["best"] is None or _rank(run) > _rank(entry["best"]):
                entry["best"] = run
        elif entry["open"] is None:
            entry["open"] = run
    return out


QUALITY_RANK = {"good": 3, "mixed": 2, "poor": 1}


def _rank(run):
    return (QUALITY_RANK.get(run.quality, 0), run.percent or 0)


def active_scenarios():
    return db.session.scalars(db.select(ScenarioRecord).filter_by(retired=False).order_by(ScenarioRecord.id)).all()
