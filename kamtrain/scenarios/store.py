"""Scenarios in the database: the parsed definition as JSON, written by `content sync`, read back for play.

Each distinct file content (sha256) of a scenario is one ``ScenarioVersion``; the ``scenarios`` row
points at the current one. A version's definition never changes, so a run pinned to it replays the
same way forever, whatever happens to the file later. A scenario whose file is gone is retired (no
new runs), never deleted.
"""

from functools import lru_cache

from kamtrain.core.db import db, utcnow
from kamtrain.scenarios import conditions
from kamtrain.scenarios.scenario import Branch, Criterion, Node, Person, Response, Scenario, Variable

FORMAT = 1  # of the JSON below; bump when it changes shape


# --- Scenario <-> JSON (pure) ---------------------------------------------------------------------

def _branches(branches):
    return [{"target": b.target, "when": b.when} for b in branches]


def to_definition(s):
    """A parsed Scenario as plain JSON data (line numbers and parsed condition trees left out: the
    conditions are kept as their text and parsed again when read)."""
    return {
        "format": FORMAT, "code": s.code, "titles": list(s.titles), "summaries": list(s.summaries),
        "tracks": list(s.tracks), "levels": list(s.levels), "categories": list(s.categories),
        "minutes": s.minutes, "modules": list(s.modules), "sources": list(s.sources),
        "organisation": s.organisation, "about": s.about,
        "people": [{"code": p.code, "name": p.name, "role": p.role, "part": p.part, "mood": p.mood,
                    "cares": p.cares, "relations": p.relations} for p in s.people.values()],
        "variables": [{"name": v.name, "initial": v.initial, "low": v.low, "high": v.high, "labels": list(v.labels)}
                      for v in s.variables.values()],
        "scale": list(s.scale), "start": s.start,
        "nodes": [_node_data(n) for n in s.nodes.values()],
    }


def _node_data(n):
    data = {"code": n.code, "kind": n.kind}
    if n.kind == "say":
        data["lines"] = [list(line) for line in n.lines]
    if n.kind in ("note", "decision", "free_text"):
        data["text"] = n.text
    if n.kind == "decision":
        data["responses"] = [{"code": r.code, "text": r.text, "branches": _branches(r.branches),
                              "scores": dict(r.scores), "effects": dict(r.effects), "when": r.when,
                              "feedback": r.feedback, "best": r.best} for r in n.responses]
    if n.kind in ("say", "note", "free_text"):
        data["branches"] = _branches(n.branches)
    if n.kind == "free_text":
        data.update(category=n.category, rubric=[{"text": c.text, "points": c.points} for c in n.rubric],
                    hints=list(n.hints))
    if n.kind == "ending":
        data.update(outcome=n.outcome, quality=n.quality, summaries=list(n.summaries))
    return data


def _parse(when):
    return None if when is None else conditions.parse(when)


def _read_branches(items):
    return [Branch(b["target"], b.get("when"), _parse(b.get("when"))) for b in items]


def from_definition(data, content_hash=""):
    """The Scenario that ``to_definition`` wrote (equal to the parsed file but for line numbers)."""
    s = Scenario(code=data["code"], display=f"content/scenarios/{data['code']}.yaml", titles=tuple(data["titles"]),
                 summaries=tuple(data["summaries"]), tracks=list(data["tracks"]), levels=list(data["levels"]),
                 categories=list(data["categories"]), minutes=data.get("minutes"), modules=list(data["modules"]),
                 sources=list(data["sources"]), organisation=data["organisation"], about=data["about"],
                 scale=tuple(data["scale"]), start=data["start"], content_hash=content_hash)
    for p in data["people"]:
        s.people[p["code"]] = Person(p["code"], p["name"], p["role"], p["part"], p["mood"], p["cares"],
                                     p["relations"])
    for v in data["variables"]:
        s.variables[v["name"]] = Variable(v["name"], v["initial"], v["low"], v["high"], tuple(v["labels"]))
    for n in data["nodes"]:
        node = Node(code=n["code"], kind=n["kind"], text=n.get("text", ""),
                    lines=[tuple(line) for line in n.get("lines", [])],
                    branches=_read_branches(n.get("branches", [])), category=n.get("category"),
                    rubric=[Criterion(c["text"], c["points"]) for c in n.get("rubric", [])],
                    hints=list(n.get("hints", [])), outcome=n.get("outcome"), quality=n.get("quality"),
                    summaries=tuple(n.get("summaries", ("", ""))))
        for r in n.get("responses", []):
            node.responses.append(Response(code=r["code"], text=r["text"], branches=_read_branches(r["branches"]),
                                           scores=dict(r["scores"]), effects=dict(r["effects"]), when=r.get("when"),
                                           condition=_parse(r.get("when")), feedback=r["feedback"],
                                           best=r["best"]))
        s.nodes[node.code] = node
    return s


@lru_cache(maxsize=64)
def _cached(scenario_id, content_hash, version_id):
    from kamtrain.scenarios.models import ScenarioVersion

    version = db.session.get(ScenarioVersion, version_id)
    return from_definition(version.definition, content_hash)


def scenario_of(version):
    """The playable Scenario of a stored version. A version's definition never changes, so the parsed
    object is kept per (scenario, content hash): a cache only — every app server builds its own."""
    return _cached(version.scenario_id, version.content_hash, version.id)


# --- content sync -----------------------------------------------------------------------------------

def apply_scenarios(scenarios):
    """Store the valid parsed scenarios (called by `content sync` inside its transaction)."""
    from kamtrain.scenarios.models import ScenarioRecord, ScenarioVersion

    existing = {r.id: r for r in db.session.scalars(db.select(ScenarioRecord))}
    changed = new_versions = 0
    for s in scenarios:
        record = existing.pop(s.code, None)
        if record is None:
            record = ScenarioRecord(id=s.code, version=0, content_hash="")
            db.session.add(record)
        if record.content_hash != s.content_hash or record.retired:
            changed += 1
            record.updated_at = utcnow()
        record.title_zh, record.title_en = s.titles
        record.summary_zh, record.summary_en = s.summaries
        record.tracks, record.levels, record.categories = list(s.tracks), list(s.levels), list(s.categories)
        record.minutes, record.content_hash, record.retired = s.minutes, s.content_hash, False
        version = db.session.scalar(db.select(ScenarioVersion).filter_by(scenario_id=s.code,
                                                                         content_hash=s.content_hash))
        if version is None:
            last = db.session.scalar(db.select(db.func.max(ScenarioVersion.number)).filter_by(scenario_id=s.code))
            version = ScenarioVersion(scenario_id=s.code, number=(last or 0) + 1, content_hash=s.content_hash,
                                      definition=to_definition(s))
            db.session.add(version)
            new_versions += 1
        record.version = version.number
    for record in existing.values():
        if not record.retired:
            record.retired = True
            record.updated_at = utcnow()
            changed += 1
    db.session.flush()
    return {"scenarios": len(scenarios), "scenarios_changed": changed, "scenario_versions_added": new_versions}


def current_version(record):
    from kamtrain.scenarios.models import ScenarioVersion

    return db.session.scalar(db.select(ScenarioVersion).filter_by(scenario_id=record.id, number=record.version))
