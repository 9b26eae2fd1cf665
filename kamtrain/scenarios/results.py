"""Scenario results other parts of kamtrain ask about (certification: "required scenarios passed").

The rule: a run **passes** when it has finished at an ending whose quality is ``good`` (the
scenario's author marks each ending good, mixed or poor). A scenario is passed when at least one of
the trainee's runs passed, on whatever version of the file it was played; a later poor replay does
not take a pass away, and a retired scenario stays passed. Marks of free-text replies do not change
the pass (they become competency evidence of their own).
"""

from kamtrain.core.db import db

PASSING_QUALITY = "good"


def run_passes(quality, finished):
    """The pass rule on its own (pure): finished at an ending of quality good."""
    return bool(finished) and quality == PASSING_QUALITY


def passed_scenarios(user_id) -> set[str]:
    """The ids (file names) of the scenarios ``user_id`` has passed."""
    from kamtrain.scenarios.models import ScenarioRun

    rows = db.session.scalars(
        db.select(ScenarioRun.scenario_id).where(ScenarioRun.user_id == user_id, ScenarioRun.passed.is_(True))
        .distinct()
    )
    return set(rows)
