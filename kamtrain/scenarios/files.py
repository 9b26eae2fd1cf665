"""Reading content/scenarios/<id>.yaml into a Scenario, every problem located (file:line).

Field-level problems are found here; the graph and the state are checked in checks.py. The format
is documented in docs/content-format.md (Role-play scenarios).
"""

import hashlib
import re

from kamtrain.accounts.roles import LEVELS, Track
from kamtrain.core.checks import Checker
from kamtrain.core.sourcefiles import Located, LocatedList, SourceError, parse_yaml, read_text
from kamtrain.scenarios import conditions
from kamtrain.scenarios.scenario import (
    DEFAULT_SCALE,
    KINDS,
    OUTCOMES,
    PARTS,
    QUALITIES,
    Branch,
    Criterion,
    Node,
    Person,
    Response,
    Scenario,
    Variable,
)

SCENARIO_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NODE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
FIELDS = {"id", "title", "summary", "tracks", "levels", "categories", "minutes", "modules", "sources", "cast",
          "state", "scale", "start", "nodes"}
CAST_FIELDS = {"organisation", "about", "people"}
PERSON_FIELDS = {"name", "role", "part", "mood", "cares", "relations"}
VARIABLE_FIELDS = {"label", "initial", "min", "max"}
NODE_FIELDS = {
    "say": {"say", "next", "next_if"},
    "note": {"note", "next", "next_if"},
    "decision": {"decision", "responses"},
    "free_text": {"free_text", "category", "rubric", "hints", "next", "next_if"},
    "ending": {"ending", "quality", "summary"},
}
RESPONSE_FIELDS = {"id", "text", "next", "next_if", "scores", "effects", "condition", "feedback", "best"}
MIN_RESPONSES, MAX_RESPONSES = 2, 5


def read_scenario(path, display, category_codes, module_codes=None):
    """Parse and check one scenario file's fields. Returns (Scenario | None, problems); the scenario is
    returned even with problems (as far as it could be read) so the graph can be checked too."""
    try:
        text = read_text(path, display)
        doc = parse_yaml(text, display)
    except SourceError as e:
        return None, [e.problem]
    c = Checker(display)
    m = c.mapping(doc, "file", 1)
    if m is None:
        return None, c.problems
    c.unknown_keys(m, FIELDS)
    s = Scenario(code=path.stem, display=display, content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest())
    code = c.field(m, "id", str)
    if code is not None and code != path.stem:
        c.add(m.line_of("id"), f"id: {code!r} must equal the file name {path.stem!r}")
    elif code is not None and not SCENARIO_CODE.match(code):
        c.add(m.line_of("id"), f"id: {code!r} may hold only lowercase letters, digits and '-'")
    s.titles = c.bilingual(m, "title")
    s.summaries = c.bilingual(m, "summary")
    s.tracks = _codes(c, m, "tracks", [t.value for t in Track])
    s.levels = _codes(c, m, "levels", list(LEVELS))
    s.categories = _codes(c, m, "categories", list(category_codes))
    s.minutes = c.field(m, "minutes", int)
    if s.minutes is not None and not 5 <= s.minutes <= 120:
        c.add(m.line_of("minutes"), "minutes: expected 5 to 120")
    modules = c.items(m.get("modules", LocatedList()), "modules", m.line_of("modules"))
    for i, mod in enumerate(modules):
        if module_codes is not None and mod not in module_codes:
            c.add(modules.line_of(i), f"modules: no module {mod!r}")
    s.modules = [str(x) for x in modules]
    s.sources = [str(x) for x in c.items(m.get("sources", LocatedList()), "sources", m.line_of("sources"))]
    _read_cast(c, m, s)
    _read_state(c, m, s)
    _read_scale(c, m, s)
    _read_nodes(c, m, s, set(category_codes), text.count("\n") + 1)
    start = m.get("start")
    s.start_line = m.line_of("start") if "start" in m else m.line_of("nodes")
    if start is not None and not isinstance(start, str):
        c.add(s.start_line, "start: expected a node id")
    elif start is not None and start not in s.nodes:
        c.add(s.start_line, f"start: no node {start!r}")
    else:
        s.start = start or next(iter(s.nodes), None)
    return s, c.problems


def _codes(c, m, key, allowed):
    found = []
    values = c.items(m.get(key), key, m.line_of(key))
    for i, value in enumerate(values):
        if value not in allowed:
            c.add(values.line_of(i), f"{key}: {value!r} is not one of {', '.join(map(str, allowed))}")
        else:
            found.append(value)
    if not values and isinstance(values, LocatedList) and key in m:
        c.add(m.line_of(key), f"{key}: at least one is needed")
    return found


def _read_cast(c, m, s):
    cast = c.field(m, "cast", Located)
    if cast is None:
        return
    c.unknown_keys(cast, CAST_FIELDS, "cast")
    s.organisation = c.field(cast, "organisation", str, "cast") or ""
    s.about = c.field(cast, "about", str, "cast", required=False) or ""
    people = c.field(cast, "people", Located, "cast")
    for code, p in (people or {}).items():
        where = f"cast.people.{code}"
        if not isinstance(code, str) or not NODE_CODE.match(code):
            c.add(people.line_of(code), f"{where}: a person id holds only letters, digits, '_' and '-'")
            continue
        p = c.mapping(p, where, people.line_of(code))
        if p is None:
            continue
        c.unknown_keys(p, PERSON_FIELDS, where)
        s.people[code] = Person(
            code=code, name=c.field(p, "name", str, where) or code, role=c.field(p, "role", str, where) or "",
            part=c.one_of(p, "part", PARTS, where), mood=c.field(p, "mood", str, where) or "",
            cares=c.field(p, "cares", str, where) or "",
            relations=c.field(p, "relations", str, where, required=False) or "", line=p.line)
    if people is not None and not people:
        c.add(cast.line_of("people"), "cast.people: at least one person is needed")


def _read_state(c, m, s):
    state = c.field(m, "state", Located, required=False)
    for name, v in (state or {}).items():
        where = f"state.{name}"
        if not isinstance(name, str) or not re.match(r"^[a-z_][a-z0-9_]*$", name) or name in conditions.KEYWORDS:
            c.add(state.line_of(name), f"{where}: a variable name holds only lowercase letters, digits and '_'")
            continue
        v = c.mapping(v, where, state.line_of(name))
        if v is None:
            continue
        c.unknown_keys(v, VARIABLE_FIELDS, where)
        initial, low, high = (c.field(v, k, int, where) for k in ("initial", "min", "max"))
        labels = c.bilingual(v, "label", where)
        if None in (initial, low, high):
            continue
        if not low <= initial <= high:
            c.add(v.line_of("initial"), f"{where}.initial: {initial} is outside {low}..{high}")
            continue
        if high - low > 20:
            c.add(v.line, f"{where}: keep the range small (at most 20 steps)")
            continue
        s.variables[name] = Variable(name, initial, low, high, labels, v.line)


def _read_scale(c, m, s):
    scale = c.field(m, "scale", Located, required=False)
    if scale is None:
        return
    c.unknown_keys(scale, {"min", "max"}, "scale")
    low, high = c.field(scale, "min", int, "scale"), c.field(scale, "max", int, "scale")
    if low is not None and high is not None:
        if not -5 <= low < 0 < high <= 5:
            c.add(scale.line, "scale: expected min < 0 < max, both within -5..5")
        else:
            s.scale = (low, high)


def _read_nodes(c, m, s, category_codes, last_line):
    nodes = c.field(m, "nodes", Located)
    if nodes is None:
        return
    lines = [nodes.line_of(k) for k in nodes] + [last_line + 1]
    for i, (code, raw) in enumerate(nodes.items()):
        where = f"nodes.{code}"
        line = nodes.line_of(code)
        if not isinstance(code, str) or not NODE_CODE.match(code):
            c.add(line, f"{where}: a node id holds only letters, digits, '_' and '-' (at most 40)")
            continue
        raw = c.mapping(raw, where, line)
        if raw is None:
            continue
        kinds = [k for k in KINDS if k in raw]
        if len(kinds) != 1:
            c.add(line, f"{where}: a node is exactly one of {', '.join(KINDS)}"
                  + (f" (found {', '.join(kinds)})" if kinds else ""))
            continue
        node = Node(code=code, kind=kinds[0], line=line, end_line=lines[i + 1] - 1)
        c.unknown_keys(raw, NODE_FIELDS[node.kind], where)
        reader = {"say": _read_say, "note": _read_note, "decision": _read_decision,
                  "free_text": _read_free_text, "ending": _read_ending}[node.kind]
        reader(c, raw, node, where, s, category_codes)
        s.nodes[code] = node
    if not nodes:
        c.add(m.line_of("nodes"), "nodes: the scenario has no nodes")


def _read_branches(c, raw, where, required=True):
    """``next: id`` or ``next_if: [{when: cond, next: id}, …, {else: id}]``."""
    if "next" in raw and "next_if" in raw:
        c.add(raw.line_of("next_if"), f"{where}: give next or next_if, not both")
        return []
    if "next" in raw:
        target = raw["next"]
        if not isinstance(target, str) or not target:
            c.add(raw.line_of("next"), f"{where}.next: expected a node id")
            return []
        return [Branch(target, line=raw.line_of("next"))]
    if "next_if" not in raw:
        return []
    items = c.items(raw["next_if"], f"{where}.next_if", raw.line_of("next_if"))
    branches = []
    for i, item in enumerate(items):
        label = f"{where}.next_if[{i}]"
        item = c.mapping(item, label, items.line_of(i))
        if item is None:
            continue
        last = i == len(items) - 1
        if "else" in item:
            c.unknown_keys(item, {"else"}, label)
            if not last:
                c.add(item.line, f"{label}: 'else' must come last")
            if isinstance(item["else"], str):
                branches.append(Branch(item["else"], line=item.line_of("else")))
            else:
                c.add(item.line_of("else"), f"{label}.else: expected a node id")
            continue
        c.unknown_keys(item, {"when", "next"}, label)
        when = c.field(item, "when", str, label)
        target = c.field(item, "next", str, label)
        tree = _condition(c, when, item.line_of("when"), f"{label}.when")
        if target is not None:
            branches.append(Branch(target, when, tree, item.line_of("next")))
        if last:
            c.add(item.line, f"{label}: the last entry must be {{else: node}} so that there is always a way on")
    if not items:
        c.add(raw.line_of("next_if"), f"{where}.next_if: at least an else entry is needed")
    return branches


def _condition(c, text, line, label):
    if text is None:
        return None
    try:
        return conditions.parse(text)
    except conditions.ConditionError as e:
        c.add(line, f"{label}: bad condition {text!r}: {e}")
        return None


def _read_say(c, raw, node, where, s, category_codes):
    items = raw["say"]
    if isinstance(items, Located):  # a single line may be given without the list
        items = LocatedList([items])
        items.line, items.item_lines = raw["say"].line, [raw["say"].line]
    items = c.items(items, f"{where}.say", raw.line_of("say"))
    for i, item in enumerate(items):
        label = f"{where}.say[{i}]"
        item = c.mapping(item, label, items.line_of(i))
        if item is None:
            continue
        c.unknown_keys(item, {"speaker", "text"}, label)
        speaker, text = c.field(item, "speaker", str, label), c.field(item, "text", str, label)
        if speaker is not None and s.people and speaker not in s.people:
            c.add(item.line_of("speaker"), f"{label}.speaker: {speaker!r} is not in the cast")
        node.lines.append((speaker, text or ""))
    if not items and isinstance(items, LocatedList):
        c.add(raw.line_of("say"), f"{where}.say: at least one line is needed")
    node.branches = _read_branches(c, raw, where)


def _read_note(c, raw, node, where, s, category_codes):
    node.text = c.field(raw, "note", str, where) or ""
    node.branches = _read_branches(c, raw, where)


def _read_decision(c, raw, node, where, s, category_codes):
    node.text = c.field(raw, "decision", str, where) or ""
    items = c.items(raw.get("responses"), f"{where}.responses", raw.line_of("responses"))
    if not MIN_RESPONSES <= len(items) <= MAX_RESPONSES:
        c.add(raw.line_of("responses") if "responses" in raw else node.line,
              f"{where}.responses: a decision has {MIN_RESPONSES}–{MAX_RESPONSES} responses, found {len(items)}")
    for i, item in enumerate(items):
        label = f"{where}.responses[{i}]"
        item = c.mapping(item, label, items.line_of(i))
        if item is not None:
            response = _read_response(c, item, label, s, category_codes)
            if response.code and node.response(response.code):
                c.add(item.line_of("id"), f"{label}.id: {response.code!r} is used twice in this decision")
            node.responses.append(response)
    if node.responses and sum(r.best for r in node.responses) != 1:
        c.add(raw.line_of("responses"), f"{where}.responses: mark exactly one response 'best: true' (the expert's"
              f" choice), found {sum(r.best for r in node.responses)}")
    elif node.responses and not any(r.when is None for r in node.responses):
        c.add(raw.line_of("responses"), f"{where}.responses: at least one response must have no condition")


def _read_response(c, item, label, s, category_codes):
    c.unknown_keys(item, RESPONSE_FIELDS, label)
    code = c.field(item, "id", (str, int), label)
    if isinstance(code, bool):
        c.add(item.line_of("id"), f"{label}.id: YAML reads this id as {str(code).lower()}; quote it or choose another")
        code = None
    elif code is not None and not NODE_CODE.match(str(code)):
        c.add(item.line_of("id"), f"{label}.id: letters, digits, '_' and '-' only")
    r = Response(code=str(code) if code is not None else "", text=c.field(item, "text", str, label) or "",
                 branches=_read_branches(c, item, label), scores={}, line=item.line)
    if not r.branches and "next" not in item and "next_if" not in item:
        c.add(item.line, f"{label}: dead end: a response needs next or next_if")
    r.feedback = c.field(item, "feedback", str, label) or ""  # missing feedback is reported as "…feedback: missing"
    best = item.get("best", False)
    if not isinstance(best, bool):
        c.add(item.line_of("best"), f"{label}.best: expected true or false")
    r.best = best is True
    scores = c.field(item, "scores", Located, label)
    low, high = s.scale
    for cat, value in (scores or {}).items():
        if cat not in category_codes:
            c.add(scores.line_of(cat), f"{label}.scores: unknown competency category {cat!r}")
        elif s.categories and cat not in s.categories:
            c.add(scores.line_of(cat), f"{label}.scores: {cat!r} is not among the scenario's categories")
        elif not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            c.add(scores.line_of(cat), f"{label}.scores.{cat}: expected a whole number {low}..{high}")
        else:
            r.scores[cat] = value
    if scores is not None and not scores:
        c.add(item.line_of("scores"), f"{label}.scores: score at least one category")
    effects = c.field(item, "effects", Located, label, required=False)
    for name, delta in (effects or {}).items():
        if name not in s.variables:
            c.add(effects.line_of(name), f"{label}.effects: unknown state variable {name!r}")
        elif not isinstance(delta, int) or isinstance(delta, bool):
            c.add(effects.line_of(name), f"{label}.effects.{name}: expected a whole number (a change, e.g. -1)")
        else:
            r.effects[name] = delta
    r.when = c.field(item, "condition", str, label, required=False)
    r.condition = _condition(c, r.when, item.line_of("condition"), f"{label}.condition")
    return r


def _read_free_text(c, raw, node, where, s, category_codes):
    node.text = c.field(raw, "free_text", str, where) or ""
    node.category = c.field(raw, "category", str, where)
    if node.category is not None and node.category not in category_codes:
        c.add(raw.line_of("category"), f"{where}.category: unknown competency category {node.category!r}")
    if "rubric" not in raw:
        c.add(node.line, f"{where}: free_text without rubric (list criteria with points)")
    items = c.items(raw.get("rubric"), f"{where}.rubric", raw.line_of("rubric")) if "rubric" in raw else []
    for i, item in enumerate(items):
        label = f"{where}.rubric[{i}]"
        item = c.mapping(item, label, items.line_of(i))
        if item is None:
            continue
        c.unknown_keys(item, {"criterion", "points"}, label)
        text, points = c.field(item, "criterion", str, label), c.field(item, "points", int, label)
        if points is not None and not 1 <= points <= 10:
            c.add(item.line_of("points"), f"{label}.points: expected 1..10")
        elif text is not None and points is not None:
            node.rubric.append(Criterion(text, points, item.line))
    if "rubric" in raw and not items:
        c.add(raw.line_of("rubric"), f"{where}.rubric: at least one criterion is needed")
    hints = c.items(raw.get("hints", LocatedList()), f"{where}.hints", raw.line_of("hints"))
    node.hints = [str(h) for h in hints]
    node.branches = _read_branches(c, raw, where)


def _read_ending(c, raw, node, where, s, category_codes):
    node.outcome = c.one_of(raw, "ending", OUTCOMES, where)
    node.quality = c.one_of(raw, "quality", QUALITIES, where)
    node.summaries = c.bilingual(raw, "summary", where)


__all__ = ["read_scenario", "DEFAULT_SCALE"]
