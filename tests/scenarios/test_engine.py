"""The pure engine on the example scenario and on a small hand-made one."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kamtrain.scenarios import engine
from kamtrain.scenarios.checks import load_scenario
from tests.scenarios.conftest import CATEGORIES, EXAMPLE, load

TINY = """
id: tiny
title: {zh: 小, en: Tiny}
summary: {zh: 小, en: Tiny}
tracks: [sales]
levels: [4]
categories: [communication, customer_service]
minutes: 5
cast:
  organisation: 某单位
  people:
    kh: {name: 客户, role: 主任, part: decision_maker, mood: 急, cares: 快}
state:
  trust: {label: {zh: 信任, en: Trust}, initial: 1, min: 0, max: 3}
nodes:
  hello:
    say: [{speaker: kh, text: 你好。}]
    next: d1
  d1:
    decision: 怎么说？
    responses:
      - {id: good, text: 好话, scores: {communication: 2}, effects: {trust: 1}, feedback: 倾听, best: true, next: d2}
      - {id: bad, text: 坏话, scores: {communication: -2, customer_service: -1}, effects: {trust: -1}, feedback: 争辩,
         next: d2}
      - {id: ok, text: 一般, scores: {communication: 1, customer_service: 1}, feedback: 还行, next: d2}
  d2:
    decision: 再说？
    responses:
      - {id: again, text: 再问, scores: {customer_service: 1}, feedback: 追问, best: true, next: ft}
      - {id: extra, text: 只有信任时, condition: "trust >= 2", scores: {customer_service: 3}, feedback: 加分, next: ft}
      - {id: stop, text: 结束, scores: {customer_service: -1}, feedback: 太早, next: ft}
  ft:
    free_text: 写纪要。
    category: communication
    rubric: [{criterion: 要点, points: 3}, {criterion: 下一步, points: 1}]
    hints: [别忘了下一步]
    next_if:
      - {when: "trust >= 2", next: won}
      - {else: lost}
  won:
    ending: deal_won
    quality: good
    summary: {zh: 成了, en: Won}
  lost:
    ending: lost
    quality: poor
    summary: {zh: 丢了, en: Lost}
"""


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    scenario, problems = load_scenario(path, "tiny.yaml", CATEGORIES)
    assert problems == []
    return scenario


def test_start_passes_say_nodes_and_waits_at_the_first_decision(tiny):
    state = engine.start(tiny)
    assert state.node == "d1"
    assert state.trail == ("hello", "d1")
    assert state.variables == {"trust": 1}
    assert [r.code for r in engine.options(tiny, state)] == ["good", "bad", "ok"]


def test_choose_applies_scores_effects_and_records_time(tiny):
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    state = engine.choose(tiny, engine.start(tiny), "good", at=t0)
    assert state.node == "d2"
    assert state.variables == {"trust": 2}
    assert state.scores == {"communication": 2}
    assert state.path == (engine.Step("d1", "good", t0),)
    assert [r.code for r in engine.options(tiny, state)] == ["again", "extra", "stop"]


def test_a_condition_hides_a_response(tiny):
    state = engine.choose(tiny, engine.start(tiny), "bad")
    assert state.variables == {"trust": 0}
    assert [r.code for r in engine.options(tiny, state)] == ["again", "stop"]
    with pytest.raises(engine.EngineError):
        engine.choose(tiny, state, "extra")


def test_effects_are_clamped(tiny):
    state = engine.choose(tiny, engine.start(tiny), "bad")
    assert state.variables["trust"] == 0  # 1 - 1
    state = engine.replay(tiny, [("d1", "bad")])
    assert state.variables["trust"] == 0


def test_free_text_and_branching_on_state(tiny):
    state = engine.choose(tiny, engine.choose(tiny, engine.start(tiny), "good"), "again")
    assert state.node == "ft"
    with pytest.raises(engine.EngineError):
        engine.choose(tiny, state, "again")
    done = engine.submit(tiny, state, "纪要……", at=5)
    assert done.node == "won" and engine.is_finished(tiny, done)
    assert done.path[-1] == engine.Step("ft", engine.TEXT, 5, "纪要……")
    low = engine.replay(tiny, [("d1", "ok"), ("d2", "again"), ("ft", engine.TEXT, None, "x")])
    assert low.node == "lost"


def test_replay_rebuilds_the_same_state(tiny):
    t = datetime(2026, 3, 1, tzinfo=UTC)
    state = engine.start(tiny)
    for i, choice in enumerate(["good", "extra"]):
        state = engine.choose(tiny, state, choice, at=t + timedelta(minutes=i))
    again = engine.replay(tiny, state.path)
    assert again == state
    assert state.to_dict()["path"][1] == {"node": "d2", "choice": "extra", "at": t + timedelta(minutes=1), "text": None}


def test_replay_refuses_a_path_that_does_not_fit(tiny):
    with pytest.raises(engine.EngineError):
        engine.replay(tiny, [("d2", "again")])


def test_best_and_worst_paths(tiny):
    best = engine.best_path(tiny)
    assert [(s.node, s.choice) for s in best.path] == [("d1", "good"), ("d2", "extra"), ("ft", engine.TEXT)]
    assert best.node == "won" and best.total == 5
    worst = engine.worst_path(tiny)
    assert [(s.node, s.choice) for s in worst.path] == [("d1", "bad"), ("d2", "stop"), ("ft", engine.TEXT)]
    assert worst.node == "lost" and worst.total == -4


def test_debrief_measures_against_the_decisions_met(tiny):
    path = [("d1", "ok"), ("d2", "again"), ("ft", engine.TEXT, None, "纪要")]
    report = engine.debrief(tiny, path)
    assert report.ending.code == "lost"
    by_cat = {c.category: (c.points, c.best, c.percent) for c in report.categories}
    # d1 offered good/bad/ok: best communication 2, best customer_service 1; d2 (trust 1) offered again/stop.
    assert by_cat == {"communication": (1, 2, 50), "customer_service": (2, 2, 100)}
    assert report.weak == []  # 'ok' totals as much as the expert's 'good'; 'again' is the expert's choice
    assert report.best_play.node == "won"
    assert report.free_text[0][0].code == "ft" and report.free_text[0][2] is None


def test_weak_decisions_name_the_expert_response(tiny):
    report = engine.debrief(tiny, [("d1", "bad"), ("d2", "stop"), ("ft", engine.TEXT)])
    weak = [(w.node, w.chosen.code, w.expert.code, w.lost, w.expert.feedback) for w in report.weak]
    assert weak == [("d1", "bad", "good", 5, "倾听"), ("d2", "stop", "again", 2, "追问")]
    assert all(c.percent == 0 for c in report.categories)


def test_evidence_from_decisions_and_graded_free_text(tiny):
    best = engine.best_path(tiny)
    # customer_service: at d1 'ok' (not the expert's choice) would have earned 1 more: 3 of 4.
    assert engine.evidence(tiny, best.path) == [("communication", 1.0), ("customer_service", 0.75)]
    found = engine.evidence(tiny, best.path, grades={"ft": 3})
    assert found == [("communication", 1.0), ("customer_service", 0.75), ("communication", 0.75)]
    assert engine.evidence(tiny, engine.worst_path(tiny).path) == [("communication", 0.0), ("customer_service", 0.0)]


def test_the_example_plays_to_its_best_ending():
    scenario = load(EXAMPLE)
    best = engine.best_path(scenario)
    assert [(s.node, s.choice) for s in best.path[:3]] == [("prep", "plan"), ("d_open", "agenda"), ("d_outage", "own")]
    assert best.node == "won_good"
    assert all(scenario.nodes[s.node].response(s.choice).best for s in best.path if s.choice != engine.TEXT)


def test_engine_has_no_flask_or_database():
    source = (Path(engine.__file__)).read_text(encoding="utf-8")
    assert "flask" not in source and "sqlalchemy" not in source and "eval(" not in source
