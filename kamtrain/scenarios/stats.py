"""Per-decision statistics for trainers: how often each response is chosen, by the trainee's level.

Counted over every recorded step of every run of the scenario (all versions of its file, matched by
node and response ids; a run's level is the level its trainee worked towards when it started). A
decision is flagged, once at least ``MIN_SAMPLE`` choices were made there:
- **too easy** when ``EASY`` (90 %) or more chose the expert's response;
- **confusing** when fewer than ``CONFUSING`` (30 %) did, or another response was chosen more often.
"""

from dataclasses import dataclass, field

from kamtrain.accounts.roles import LEVELS
from kamtrain.core.db import db
from kamtrain.scenarios import engine
from kamtrain.scenarios.models import ScenarioRun, ScenarioStep

MIN_SAMPLE = 5
EASY = 0.9
CONFUSING = 0.3
COLUMNS = (*LEVELS, None)  # 4, 3, 2, 1, then trainees without a level


@dataclass
class ResponseStats:
    response: object  # Response
    counts: dict  # level (or None) → times chosen
    total: int = 0
    share: float | None = None  # of all choices at the decision


@dataclass
class DecisionStats:
    node: object  # Node
    responses: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)  # level → choices made at the decision
    total: int = 0
    flag: str | None = None  # "too_easy" | "confusing" | None

    def share(self, row, level):
        n = self.totals.get(level, 0)
        return row.counts.get(level, 0) / n if n else None


def count_choices(scenario_id):
    """{(node, response id): {level: n}} from the database."""
    rows = db.session.execute(
        db.select(ScenarioStep.node, ScenarioStep.choice, ScenarioRun.level, db.func.count())
        .join(ScenarioRun, ScenarioRun.id == ScenarioStep.run_id)
        .where(ScenarioRun.scenario_id == scenario_id, ScenarioStep.choice != engine.TEXT)
        .group_by(ScenarioStep.node, ScenarioStep.choice, ScenarioRun.level))
    counts = {}
    for node, choice, level, n in rows:
        counts.setdefault((node, choice), {})
        counts[(node, choice)][level] = counts[(node, choice)].get(level, 0) + n
    return counts


def decision_stats(scenario, counts):
    """DecisionStats for every decision of ``scenario`` (pure, given ``count_choices``' result)."""
    out = []
    for node in scenario.decisions:
        d = DecisionStats(node)
        for r in node.responses:
            by_level = dict(counts.get((node.code, r.code), {}))
            d.responses.append(ResponseStats(r, by_level, sum(by_level.values())))
            for level, n in by_level.items():
                d.totals[level] = d.totals.get(level, 0) + n
        d.total = sum(d.totals.values())
        for row in d.responses:
            row.share = row.total / d.total if d.total else None
        d.flag = flag(d)
        out.append(d)
    return out


def flag(d):
    if d.total < MIN_SAMPLE:
        return None
    best = next((row for row in d.responses if row.response.best), None)
    if best is None:
        return None
    if best.share >= EASY:
        return "too_easy"
    if best.share < CONFUSING or any(row.total > best.total for row in d.responses if row is not best):
        return "confusing"
    return None
