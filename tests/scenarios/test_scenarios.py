"""The ten real scenarios: valid, big enough, and played along their best and worst paths."""

from pathlib import Path

import pytest

from kamtrain.core.sourcefiles import load_yaml
from kamtrain.scenarios import engine
from tests.scenarios.conftest import ROOT, all_problems, load

# id → (best total, best ending, worst total, worst ending)
EXPECTED = {
    "bank-price-sla-negotiation": (27, "won_good", -18, "lost"),
    "logistics-churn-retention": (28, "kept_all", -18, "lost_drivers"),
    "gov-it-needs-discovery": (27, "full_solution", -13, "lost"),
    "difficult-interviewees": (33, "full_picture", -16, "thin_picture"),
    "dedicated-line-outage-complaint": (30, "recovered", -19, "escalated"),
    "factory-solution-presentation": (29, "pilot", -15, "lost"),
    "network-dept-resources": (29, "on_time", -18, "escalated"),
    "school-value-review": (23, "partner", -15, "lost"),
    "leader-coaching-manager": (29, "back_on_track", -20, "resigned"),
    "enterprise-strategic-cooperation": (30, "partners", -16, "lost"),
}


def test_one_file_per_scenario_and_no_problems():
    files = {p.stem for p in (ROOT / "content" / "scenarios").glob("*.yaml")}
    assert files == set(EXPECTED)
    assert all_problems(ROOT) == []


def test_syllabi_require_only_these_scenarios_and_use_each():
    required = set()
    for path in (ROOT / "content" / "syllabi").glob("*.yaml"):
        required |= set(load_yaml(path).get("required_scenarios") or [])
    assert required == set(EXPECTED)


def test_at_least_two_scenarios_ask_for_free_text():
    with_text = [code for code in EXPECTED if any(n.kind == "free_text" for n in load(code).nodes.values())]
    assert len(with_text) >= 2


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_size_and_endings(code):
    scenario = load(code)
    assert len(scenario.nodes) >= 25
    longest = engine.longest_path(scenario)
    assert sum(1 for s in longest.path if s.choice != engine.TEXT) >= 8
    qualities = {n.quality for n in scenario.endings}
    assert len(scenario.endings) >= 3 and {"good", "poor"} <= qualities
    scored = {cat for n in scenario.decisions for r in n.responses for cat in r.scores}
    assert scored == set(scenario.categories), "every category listed is practised, and only those"
    assert all(len(r.feedback) >= 20 for n in scenario.decisions for r in n.responses)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_best_path(code):
    scenario = load(code)
    best_total, best_ending, _, _ = EXPECTED[code]
    best = engine.best_path(scenario)
    assert (best.total, best.node) == (best_total, best_ending)
    assert scenario.nodes[best.node].quality == "good"
    for step in best.path:
        if step.choice != engine.TEXT:
            assert scenario.nodes[step.node].response(step.choice).best, step
    report = engine.debrief(scenario, best.path)
    assert report.weak == []
    assert [c.percent for c in report.categories] == [100] * len(report.categories)
    assert report.total == report.best_total == best_total
    assert all(score == 1.0 for _, score in engine.evidence(scenario, best.path))


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_worst_path(code):
    scenario = load(code)
    _, _, worst_total, worst_ending = EXPECTED[code]
    worst = engine.worst_path(scenario)
    assert (worst.total, worst.node) == (worst_total, worst_ending)
    assert scenario.nodes[worst.node].quality == "poor"
    report = engine.debrief(scenario, worst.path)
    decisions = [s for s in worst.path if s.choice != engine.TEXT]
    assert len(report.weak) == len(decisions)
    assert all(w.expert.best and w.expert.feedback for w in report.weak)
    assert report.percent == 0
    assert all(score == 0.0 for _, score in engine.evidence(scenario, worst.path))


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_a_play_can_be_replayed_step_by_step(code):
    scenario = load(code)
    worst = engine.worst_path(scenario)
    state = engine.start(scenario)
    for i, step in enumerate(worst.path):
        if step.choice == engine.TEXT:
            state = engine.submit(scenario, state, "我的回答", at=i)
        else:
            assert step.choice in [r.code for r in engine.options(scenario, state)]
            state = engine.choose(scenario, state, step.choice, at=i)
    assert state.node == worst.node and state.total == worst.total
    assert engine.replay(scenario, state.path) == state
    assert Path(scenario.display).name == f"{code}.yaml"
