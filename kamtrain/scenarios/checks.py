"""Checks of a scenario's graph and state, on top of the field checks in files.py.

Static (whatever the state): unknown node ids, dead ends, unreachable nodes, loops with no way
out, unknown state variables in conditions. Then, when the graph is sound, every reachable
combination of node and state variables is explored (the variables are small bounded integers),
which finds what conditions cause: a state from which no ending can be reached, a node or a response
that no play ever reaches. (A decision always offers something: files.py requires one response
without a condition.)
"""

from pathlib import Path

from kamtrain.core.sourcefiles import LocatedList, Problem, SourceError, load_yaml
from kamtrain.scenarios import conditions
from kamtrain.scenarios.engine import successors
from kamtrain.scenarios.files import read_scenario

MAX_CONFIGURATIONS = 200_000


def check_scenario(s, explore=True):
    """Problems of the graph and the state of a parsed scenario (the state is explored only when
    ``explore`` and the graph is sound)."""
    problems = []

    def add(line, message):
        problems.append(Problem(s.display, line, message))

    if not s.nodes or s.start is None:
        return problems
    _check_targets_and_conditions(s, add)
    if not s.endings:
        add(s.start_line, "nodes: the scenario has no ending")
    for node in s.nodes.values():
        if node.kind in ("say", "note", "free_text") and not node.branches:
            add(node.line, f"nodes.{node.code}: dead end: only an ending may stop the play (give next or next_if)")
    reachable = _reach(s.start, lambda code: s.nodes[code].targets if code in s.nodes else [])
    for node in s.nodes.values():
        if node.code not in reachable:
            add(node.line, f"nodes.{node.code}: unreachable from the start ({s.start})")
    _check_traps(s, reachable, add)
    if explore and not problems:
        _explore(s, add)
    return problems


def _check_targets_and_conditions(s, add):
    for node in s.nodes.values():
        places = [(b, f"nodes.{node.code}") for b in node.branches]
        for i, r in enumerate(node.responses):
            places += [(b, f"nodes.{node.code}.responses[{i}]") for b in r.branches]
            _check_names(s, r.condition, r.line, f"nodes.{node.code}.responses[{i}].condition", add)
        for b, where in places:
            if b.target not in s.nodes:
                add(b.line, f"{where}: next: no node {b.target!r}")
            _check_names(s, b.condition, b.line, f"{where}.next_if", add)


def _check_names(s, tree, line, where, add):
    if tree is None:
        return
    for name in sorted(conditions.names(tree) - set(s.variables)):
        add(line, f"{where}: unknown state variable {name!r} in condition")


def _reach(start, step):
    seen, todo = {start}, [start]
    while todo:
        for nxt in step(todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _check_traps(s, reachable, add):
    """A strongly connected set of nodes from which no ending can be reached."""
    incoming = {code: [] for code in s.nodes}
    for node in s.nodes.values():
        for t in node.targets:
            if t in incoming:
                incoming[t].append(node.code)
    can_end = set()
    for ending in s.endings:
        can_end |= _reach(ending.code, lambda code: incoming[code])
    stuck = [code for code in s.nodes if code in reachable and code not in can_end]
    for component in _strongly_connected(s, stuck):
        first = component[0]
        cyclic = len(component) > 1 or first in s.nodes[first].targets
        if cyclic:
            loop = " → ".join(component + [first])
            add(s.nodes[first].line, f"nodes.{first}: loop with no way out: {loop} never reaches an ending")


def _strongly_connected(s, codes):
    """Tarjan's algorithm over the nodes ``codes``; components in file order."""
    inside = set(codes)
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in s.nodes[v].targets:
            if w not in inside:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            order = list(s.nodes)
            out.append(sorted(component, key=order.index))

    for v in codes:
        if v not in index:
            visit(v)
    return out


def _describe(s, key):
    return ", ".join(f"{name}={value}" for name, value in zip(s.variables, key[1], strict=True)) or "always"


def _explore(s, add):
    names = list(s.variables)

    def key_of(code, values):
        return code, tuple(values[n] for n in names)

    start = key_of(s.start, s.initial_values())
    edges, todo, seen_responses = {}, [start], set()
    edges[start] = None
    while todo:
        if len(edges) > MAX_CONFIGURATIONS:
            add(s.start_line, f"state: more than {MAX_CONFIGURATIONS} combinations of node and variables to check;"
                " narrow the variables' ranges")
            return
        key = todo.pop()
        node = s.nodes[key[0]]
        values = dict(zip(names, key[1], strict=True))
        nexts = []
        for r, target, after in successors(s, node, values):
            if r is not None:
                seen_responses.add((node.code, r.code))
            nxt = key_of(target, after)
            nexts.append(nxt)
            if nxt not in edges:
                edges[nxt] = None
                todo.append(nxt)
        edges[key] = nexts
    incoming = {k: [] for k in edges}
    for k, nexts in edges.items():
        for n in nexts:
            incoming[n].append(k)
    can_end = set()
    for k in edges:
        if s.nodes[k[0]].kind == "ending":
            can_end |= _reach(k, lambda x: incoming[x])
    reported = set()
    for k in edges:
        node = s.nodes[k[0]]
        if k not in can_end and node.code not in reported and edges[k]:
            reported.add(node.code)
            add(node.line, f"nodes.{node.code}: loop with no way out: when {_describe(s, k)} no ending can be"
                " reached from here")
    visited = {k[0] for k in edges}
    for node in s.nodes.values():
        if node.code not in visited:
            add(node.line, f"nodes.{node.code}: never reached: the conditions on the way to it never hold")
        elif node.kind == "decision":
            for i, r in enumerate(node.responses):
                if (node.code, r.code) not in seen_responses:
                    add(r.line, f"nodes.{node.code}.responses[{i}]: never offered: its condition never holds here")


def load_scenario(path, display, category_codes, module_codes=None):
    """Read and check one file. Returns (Scenario | None when anything is wrong, problems)."""
    scenario, problems = read_scenario(path, display, category_codes, module_codes)
    if scenario is None:
        return None, problems
    problems = problems + check_scenario(scenario, explore=not problems)
    return (None if problems else scenario), problems


def read_scenarios(root, rel, category_codes, module_codes=None):
    """Every content/scenarios/*.yaml under ``root`` checked, and the syllabi's required_scenarios
    checked against them. Returns (valid scenarios, problems)."""
    root = Path(root)
    paths = sorted((root / "content" / "scenarios").glob("*.yaml"))
    scenarios, problems = [], []
    for path in paths:
        scenario, found = load_scenario(path, rel(path), category_codes, module_codes)
        problems += sorted(found, key=lambda p: p.line or 0)
        if scenario is not None:
            scenarios.append(scenario)
    serves = {s.code: (set(s.tracks), set(s.levels)) for s in scenarios}
    problems += check_required_scenarios(root, rel, {p.stem for p in paths}, serves)
    return scenarios, problems


def check_required_scenarios(root, rel, known, serves=None):
    """Syllabi naming a scenario that has no file (a broken file is reported in its own file), or one
    whose tracks and levels do not include the syllabus's (``serves``: code → (tracks, levels))."""
    problems = []
    serves = serves or {}
    for path in sorted((Path(root) / "content" / "syllabi").glob("*.yaml")):
        try:
            doc = load_yaml(path, rel(path))
        except SourceError:
            continue  # the syllabus reader reports it
        items = doc.get("required_scenarios") if isinstance(doc, dict) else None
        if not isinstance(items, LocatedList):
            continue
        track, level = doc.get("track"), doc.get("level")
        for i, code in enumerate(items):
            if code not in known:
                problems.append(Problem(rel(path), items.line_of(i), f"required_scenarios: no scenario {code!r}"))
            elif code in serves and (track not in serves[code][0] or level not in serves[code][1]):
                problems.append(Problem(rel(path), items.line_of(i), f"required_scenarios: scenario {code!r} does"
                                        f" not list track {track} and level {level} among its tracks and levels"))
    return problems
