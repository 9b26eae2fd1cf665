"""Playing a scenario: pure functions over a parsed Scenario (no database, no Flask).

A play is a ``State``: the node it waits at (a decision, a free-text prompt or an ending — say
and note nodes are passed through and kept in ``trail`` for the transcript), the state variables,
the score per competency category and the path of choices with the times the caller passed in.
The path alone is enough to rebuild a play (``replay``), so a run can be stored as its choices.

Semantics: a response's effects are applied (and clamped to the variable's bounds) before its
``next_if`` is evaluated; a node's ``next_if`` takes the first entry whose condition holds.
"""

from dataclasses import dataclass, field

from kamtrain.scenarios import conditions

TEXT = "text"  # the choice recorded for a free-text reply
MAX_AUTO_STEPS = 500


class EngineError(Exception):
    """A move that the scenario does not allow at this point."""


@dataclass(frozen=True)
class Step:
    node: str
    choice: str  # response id, or TEXT for a free-text reply
    at: object = None  # the time the caller gave (datetime or seconds); the engine only keeps it
    text: str | None = None  # the free-text reply


@dataclass
class State:
    node: str
    variables: dict
    scores: dict = field(default_factory=dict)  # category → points so far
    path: tuple = ()  # Steps
    trail: tuple = ()  # every node passed, in order (say and note nodes included)

    @property
    def total(self):
        return sum(self.scores.values())

    def to_dict(self):
        return {"node": self.node, "variables": dict(self.variables), "scores": dict(self.scores),
                "trail": list(self.trail),
                "path": [{"node": s.node, "choice": s.choice, "at": s.at, "text": s.text} for s in self.path]}


# --- moving through the graph -------------------------------------------------------------

def holds(condition, when, values):
    """A branch or response condition: no text = always; text that did not parse = never."""
    if when is None:
        return True
    return condition is not None and bool(conditions.evaluate(condition, values))


def follow(branches, values):
    for b in branches:
        if holds(b.condition, b.when, values):
            return b.target
    return None


def offered(node, values):
    return [r for r in node.responses if holds(r.condition, r.when, values)]


def apply_effects(scenario, values, effects):
    new = dict(values)
    for name, delta in effects.items():
        var = scenario.variables.get(name)
        if var is not None:
            new[name] = var.clamp(new[name] + delta)
    return new


def successors(scenario, node, values):
    """[(response or None, target node id, values after)] — every way on from ``node`` in ``values``."""
    if node.kind == "ending":
        return []
    if node.kind == "decision":
        out = []
        for r in offered(node, values):
            after = apply_effects(scenario, values, r.effects)
            target = follow(r.branches, after)
            if target is not None:
                out.append((r, target, after))
        return out
    target = follow(node.branches, values)
    return [] if target is None else [(None, target, values)]


def _settle(scenario, code, values, trail):
    """Pass through say and note nodes; returns (node id to wait at, trail)."""
    trail = list(trail)
    for _ in range(MAX_AUTO_STEPS):
        node = scenario.nodes.get(code)
        if node is None:
            raise EngineError(f"no node {code!r}")
        trail.append(code)
        if node.kind in ("decision", "free_text", "ending"):
            return code, tuple(trail)
        code = follow(node.branches, values)
        if code is None:
            raise EngineError(f"dead end at {node.code!r}")
    raise EngineError("the scenario loops without reaching a decision")


# --- a play -----------------------------------------------------------------------------

def start(scenario):
    values = scenario.initial_values()
    code, trail = _settle(scenario, scenario.start, values, ())
    return State(node=code, variables=values, scores={}, path=(), trail=trail)


def current(scenario, state):
    return scenario.nodes[state.node]


def is_finished(scenario, state):
    return current(scenario, state).kind == "ending"


def options(scenario, state):
    """The responses offered at the state's decision (empty anywhere else)."""
    node = current(scenario, state)
    return offered(node, state.variables) if node.kind == "decision" else []


def choose(scenario, state, response, at=None):
    """The state after choosing ``response`` (its id) at the current decision."""
    node = current(scenario, state)
    if node.kind != "decision":
        raise EngineError(f"{node.code!r} is not a decision")
    r = next((r for r in options(scenario, state) if r.code == response), None)
    if r is None:
        raise EngineError(f"{response!r} is not offered at {node.code!r}")
    values = apply_effects(scenario, state.variables, r.effects)
    target = follow(r.branches, values)
    if target is None:
        raise EngineError(f"dead end after {node.code}.{r.code}")
    scores = dict(state.scores)
    for cat, points in r.scores.items():
        scores[cat] = scores.get(cat, 0) + points
    code, trail = _settle(scenario, target, values, state.trail)
    return State(node=code, variables=values, scores=scores, path=state.path + (Step(node.code, r.code, at),),
                 trail=trail)


def submit(scenario, state, text, at=None):
    """The state after a free-text reply (graded later by a trainer; no points now)."""
    node = current(scenario, state)
    if node.kind != "free_text":
        raise EngineError(f"{node.code!r} does not ask for a free-text reply")
    target = follow(node.branches, state.variables)
    if target is None:
        raise EngineError(f"dead end after {node.code}")
    code, trail = _settle(scenario, target, state.variables, state.trail)
    return State(node=code, variables=dict(state.variables), scores=dict(state.scores),
                 path=state.path + (Step(node.code, TEXT, at, text),), trail=trail)


def replay(scenario, path):
    """Rebuild a play from its steps (Step objects or (node, choice[, at[, text]]) tuples)."""
    state = start(scenario)
    for step in path:
        if not isinstance(step, Step):
            step = Step(*step)
        if step.node != state.node:
            raise EngineError(f"the path expects {step.node!r} but the play is at {state.node!r}")
        if step.choice == TEXT:
            state = submit(scenario, state, step.text or "", step.at)
        else:
            state = choose(scenario, state, step.choice, step.at)
    return state


# --- best and worst plays ---------------------------------------------------------------------

def _extreme(scenario, weight, maximise):
    """The play from the start to an ending with the largest (or smallest) sum of ``weight(node,
    response)`` over its decisions, over configurations (node, variables) never repeated."""
    names = list(scenario.variables)
    memo = {}
    on_path = set()

    def better(a, b):
        return a > b if maximise else a < b

    def solve(code, values):
        key = (code, tuple(values[n] for n in names))
        if key in memo:
            return memo[key], False
        node = scenario.nodes[code]
        if node.kind == "ending":
            memo[key] = (0, None)
            return memo[key], False
        on_path.add(key)
        best, cut = None, False
        for r, target, after in successors(scenario, node, values):
            if target not in scenario.nodes:
                continue
            if (target, tuple(after[n] for n in names)) in on_path:
                cut = True
                continue
            result, sub_cut = solve(target, after)
            cut = cut or sub_cut
            if result is None:
                continue
            value = result[0] + (weight(node, r) if r is not None else 0)
            if best is None or better(value, best[0]):
                best = (value, (r, target, after))
        on_path.discard(key)
        if not cut:  # a result that depended on the path taken so far is not reusable
            memo[key] = best
        return best, cut

    if scenario.start not in scenario.nodes:
        return None
    code, values, steps = scenario.start, scenario.initial_values(), []
    while True:
        result, _ = solve(code, values)
        if result is None:
            return None
        move = result[1]
        if move is None:
            return replay(scenario, steps)
        r, target, after = move
        node = scenario.nodes[code]
        if node.kind == "decision":
            steps.append(Step(code, r.code))
        elif node.kind == "free_text":
            steps.append(Step(code, TEXT))
        on_path.add((code, tuple(values[n] for n in names)))
        code, values = target, after


def best_path(scenario):
    """The play with the highest total score (ties: the expert's 'best' response)."""
    return _extreme(scenario, lambda node, r: r.total * 1000 + (1 if r.best else 0), maximise=True)


def worst_path(scenario):
    """The play with the lowest total score."""
    return _extreme(scenario, lambda node, r: r.total * 1000 + (1 if r.best else 0), maximise=False)


def longest_path(scenario):
    """The play with the most decisions."""
    return _extreme(scenario, lambda node, r: 1, maximise=True)


# --- debrief and evidence -----------------------------------------------------------------------

@dataclass
class CategoryResult:
    category: str
    points: int  # what the trainee scored
    best: int  # the best achievable at the decisions the trainee met
    percent: int  # points / best, 0–100


@dataclass
class WeakDecision:
    node: str
    prompt: str
    chosen: object  # Response
    expert: object  # Response
    lost: int  # total points below the expert's response


@dataclass
class Debrief:
    ending: object  # the ending Node, or None when the play has not finished
    categories: list
    weak: list
    free_text: list  # [(Node, reply text, points awarded or None)]
    total: int
    best_total: int  # the best achievable at the decisions met
    best_play: object  # State of best_path(), to show the path taken against the best path

    @property
    def percent(self):
        return _percent(self.total, self.best_total)


def _percent(points, best):
    if best <= 0:
        return 100 if points >= 0 else 0
    return max(0, min(100, round(100 * points / best)))


def expert_response(node, values):
    """The expert's response among those offered ('best: true', else the highest total)."""
    shown = offered(node, values)
    flagged = [r for r in shown if r.best]
    return flagged[0] if flagged else max(shown, key=lambda r: r.total, default=None)


def debrief(scenario, path, grades=None):
    """Per category: the points scored against the best achievable on the decisions actually met
    (another path meets other decisions, so each play is measured on its own class of path); the
    weak decisions with the expert's response; free-text replies with their grades (``grades`` maps
    node id → points awarded by a trainer)."""
    grades = grades or {}
    state = start(scenario)
    points, best = {}, {}
    weak, free = [], []
    for step in path:
        step = step if isinstance(step, Step) else Step(*step)
        node = current(scenario, state)
        if node.kind == "decision":
            shown = options(scenario, state)
            chosen = node.response(step.choice)
            for cat in {c for r in shown for c in r.scores}:
                best[cat] = best.get(cat, 0) + max(0, max(r.scores.get(cat, 0) for r in shown))
                points[cat] = points.get(cat, 0) + (chosen.scores.get(cat, 0) if chosen else 0)
            expert = expert_response(node, state.variables)
            if chosen is not None and expert is not None and chosen is not expert and chosen.total < expert.total:
                weak.append(WeakDecision(node.code, node.text, chosen, expert, expert.total - chosen.total))
            state = choose(scenario, state, step.choice, step.at)
        else:
            free.append((node, step.text, grades.get(node.code)))
            state = submit(scenario, state, step.text or "", step.at)
    order = {c: i for i, c in enumerate(scenario.categories)}
    categories = [CategoryResult(c, points[c], best[c], _percent(points[c], best[c]))
                  for c in sorted(best, key=lambda c: (order.get(c, 99), c)) if best[c] > 0]
    ending = current(scenario, state) if is_finished(scenario, state) else None
    return Debrief(ending=ending, categories=categories, weak=weak, free_text=free,
                   total=sum(points.values()), best_total=sum(best.values()), best_play=best_path(scenario))


def evidence(scenario, path, grades=None):
    """[(category, score 0..1)] for gap reports: one per category met at the decisions, and one
    per graded free-text reply (its rubric points over the maximum)."""
    report = debrief(scenario, path, grades)
    found = [(c.category, round(c.percent / 100, 2)) for c in report.categories]
    for node, _text, awarded in report.free_text:
        if awarded is not None and node.max_points and node.category:
            found.append((node.category, round(min(awarded, node.max_points) / node.max_points, 2)))
    return found
