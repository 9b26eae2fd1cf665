"""Scenario tests reuse the content-copy helpers (break a copy of the real content on purpose)."""

from pathlib import Path

import pytest

from kamtrain.scenarios.checks import load_scenario, read_scenarios
from tests.content.conftest import content_copy, edit, line_of  # noqa: F401 - a fixture and helpers re-exported

ROOT = Path(__file__).resolve().parents[2]
CATEGORIES = ["information", "consultative_selling", "it_knowledge", "communication", "customer_service",
              "project_management", "problem_solving", "teamwork", "sharing", "learning", "review_innovation",
              "career_planning"]
MODULES = {p.stem for p in (ROOT / "content" / "modules").glob("*.md")}
EXAMPLE = "bank-price-sla-negotiation"


def scenario_problems(root, code=EXAMPLE):
    """Every problem of one scenario file under ``root``, as ``file:line: message`` strings."""
    path = Path(root) / "content" / "scenarios" / f"{code}.yaml"
    _, problems = load_scenario(path, f"content/scenarios/{code}.yaml", CATEGORIES, MODULES)
    return [str(p) for p in problems]


def all_problems(root):
    _, problems = read_scenarios(root, lambda p: str(p.relative_to(root)), CATEGORIES, MODULES)
    return [str(p) for p in problems]


def load(code):
    scenario, problems = load_scenario(ROOT / "content" / "scenarios" / f"{code}.yaml",
                                       f"content/scenarios/{code}.yaml", CATEGORIES, MODULES)
    assert problems == [], problems
    return scenario


@pytest.fixture
def example(content_copy):  # noqa: F811
    """The example scenario's path in a copy of the content."""
    return content_copy / "content" / "scenarios" / f"{EXAMPLE}.yaml"


# --- database helpers for runs, marking and statistics ------------------------------------------------

def stored(code=EXAMPLE):
    from kamtrain.core.db import db
    from kamtrain.scenarios.models import ScenarioRecord

    return db.session.get(ScenarioRecord, code)


def play_steps(run, steps, text="会后确认邮件要点：条款、条件、下一步。"):
    """Record ``steps`` (engine Steps of a play from the start) on ``run`` through runs.play."""
    from kamtrain.scenarios import engine, runs

    for i, step in enumerate(steps):
        if step.choice == engine.TEXT:
            runs.play(run, i, step.node, text=step.text or text)
        else:
            runs.play(run, i, step.node, response=step.choice)
    return run


def finished_run(user, code=EXAMPLE, which="best"):
    """A run of ``code`` by ``user`` played along its best (or worst) path to the ending."""
    from kamtrain.scenarios import engine, runs, store

    record = stored(code)
    run = runs.start_run(user, record)
    scenario = store.scenario_of(run.version)
    path = (engine.best_path if which == "best" else engine.worst_path)(scenario).path
    return play_steps(run, path)
