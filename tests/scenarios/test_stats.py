"""Per-decision statistics: how often each response is chosen, by level, and the flags."""

from kamtrain.scenarios import engine, runs, stats, store
from kamtrain.scenarios.scenario import Node, Response, Scenario
from tests.factories import create_user
from tests.scenarios.conftest import EXAMPLE, finished_run, play_steps, stored


def _decision(code="d", best="a", others=("b", "c")):
    responses = [Response(best, "", [], {"communication": 2}, best=True)]
    responses += [Response(o, "", [], {"communication": 0}) for o in others]
    return Node(code, "decision", text="?", responses=responses)


def _scenario(*nodes):
    return Scenario(code="x", display="x", nodes={n.code: n for n in nodes})


def test_counts_shares_and_levels():
    s = _scenario(_decision())
    [d] = stats.decision_stats(s, {("d", "a"): {4: 2, 3: 1}, ("d", "b"): {4: 1}})
    assert d.total == 4 and d.totals == {4: 3, 3: 1}
    a, b, c = d.responses
    assert (a.total, b.total, c.total) == (3, 1, 0)
    assert a.share == 0.75 and c.share == 0
    assert d.share(a, 4) == 2 / 3 and d.share(a, 3) == 1 and d.share(a, 1) is None
    assert d.flag is None  # fewer than MIN_SAMPLE choices


def test_flags():
    s = _scenario(_decision())
    easy = stats.decision_stats(s, {("d", "a"): {4: 9}, ("d", "b"): {4: 1}})[0]
    assert easy.flag == "too_easy"
    rare = stats.decision_stats(s, {("d", "a"): {4: 2}, ("d", "b"): {4: 4}, ("d", "c"): {4: 4}})[0]
    assert rare.flag == "confusing"
    lured = stats.decision_stats(s, {("d", "a"): {4: 4}, ("d", "b"): {4: 5}})[0]
    assert lured.flag == "confusing"  # another response chosen more often than the expert's
    fine = stats.decision_stats(s, {("d", "a"): {4: 6}, ("d", "b"): {4: 2}, ("d", "c"): {4: 2}})[0]
    assert fine.flag is None


def test_counted_from_runs_by_the_level_the_trainee_worked_towards():
    finished_run(create_user(target_level=2, current_level=3))
    finished_run(create_user(target_level=1, current_level=2), which="worst")
    finished_run(create_user())  # no level
    half = runs.start_run(create_user(target_level=2), stored())
    play_steps(half, engine.best_path(store.scenario_of(half.version)).path[:1])
    counts = stats.count_choices(EXAMPLE)
    best_first = engine.best_path(store.scenario_of(half.version)).path[0]
    worst_first = engine.worst_path(store.scenario_of(half.version)).path[0]
    assert counts[(best_first.node, best_first.choice)] == {2: 2, None: 1}
    assert counts[(worst_first.node, worst_first.choice)] == {1: 1}
    assert not any(choice == engine.TEXT for _node, choice in counts)
    decisions = stats.decision_stats(store.scenario_of(half.version), counts)
    first = next(d for d in decisions if d.node.code == best_first.node)
    assert first.total == 4 and first.totals == {2: 2, 1: 1, None: 1}
