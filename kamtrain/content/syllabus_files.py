"""Reading content/syllabi/<track>-<level>.yaml, checked against the tracks, the competency model
and the modules."""

from dataclasses import dataclass

from kamtrain.accounts.roles import LEVELS, Track
from kamtrain.core.checks import Checker
from kamtrain.core.sourcefiles import SourceError, load_yaml

FIELDS = {"id", "track", "level", "title", "audience", "requires", "prerequisites", "required_modules", "targets",
          "exam", "required_scenarios", "validity_months", "award"}
AWARDS = ("auto", "hr_approval")


@dataclass
class SyllabusData:
    code: str
    display: str
    track: str
    level: int
    titles: tuple
    audiences: tuple
    prerequisites: tuple
    requires: str | None
    modules: list
    targets: dict
    exam: dict
    scenarios: list
    validity_months: int
    award: str


def read_syllabus(path, display, category_codes, module_codes, track_targets):
    """Parse and check one syllabus. ``track_targets`` maps (track, level) → targets from tracks.yaml."""
    try:
        doc = load_yaml(path, display)
    except SourceError as e:
        return None, [e.problem]
    c = Checker(display)
    m = c.mapping(doc, "file", 1)
    if m is None:
        return None, c.problems
    c.unknown_keys(m, FIELDS)
    code = c.field(m, "id", str)
    track = c.one_of(m, "track", [t.value for t in Track])
    level = c.one_of(m, "level", LEVELS)
    if code is not None and track and level and code != f"{track}-{level}":
        c.add(m.line_of("id"), f"id: expected {track}-{level}")
    if code is not None and code != path.stem:
        c.add(m.line_of("id"), f"id: {code!r} must equal the file name {path.stem!r}")
    requires = m.get("requires")
    if track and level:
        expected = None if level == 4 else f"{track}-{level + 1}"
        if requires != expected:
            c.add(m.line_of("requires"), f"requires: level {level} requires {expected or 'nothing (null)'}")

    modules = c.items(m.get("required_modules"), "required_modules", m.line_of("required_modules"))
    for i, mod in enumerate(modules):
        if mod not in module_codes:
            c.add(modules.line_of(i), f"required_modules: no module {mod!r}")
    if len(set(modules)) != len(modules):
        c.add(m.line_of("required_modules"), "required_modules: a module is listed twice")

    targets = c.field(m, "targets", type(m))
    if targets is not None and track and level:
        expected_targets = track_targets.get((track, level))
        if expected_targets is not None and dict(targets) != expected_targets:
            differ = sorted(k for k in set(targets) | set(expected_targets)
                            if targets.get(k) != expected_targets.get(k))
            c.add(m.line_of("targets"), f"targets: differ from content/tracks.yaml for {', '.join(differ)}")

    exam = c.field(m, "exam", type(m))
    exam_data = {}
    if exam is not None:
        for key in ("duration_minutes", "pass_mark", "max_attempts", "wait_days"):
            value = c.field(exam, key, int, "exam")
            exam_data[key] = value
        if exam_data.get("pass_mark") is not None and not 1 <= exam_data["pass_mark"] <= 100:
            c.add(exam.line_of("pass_mark"), "exam.pass_mark: a percentage 1–100")
        blueprint = []
        rows = c.items(exam.get("blueprint"), "exam.blueprint", exam.line_of("blueprint"))
        seen = set()
        for i, row in enumerate(rows):
            where = f"exam.blueprint[{i}]"
            row = c.mapping(row, where, rows.line_of(i))
            if row is None:
                continue
            cat = c.field(row, "category", str, where)
            if cat is not None and cat not in category_codes:
                c.add(row.line, f"{where}.category: unknown category {cat!r}")
            if cat in seen:
                c.add(row.line, f"{where}.category: {cat} appears twice")
            seen.add(cat)
            counts = {k: c.field(row, k, int, where) for k in ("easy", "medium", "hard")}
            if any(v is not None and v < 0 for v in counts.values()):
                c.add(row.line, f"{where}: counts cannot be negative")
            blueprint.append({"category": cat, **counts})
        exam_data["blueprint"] = blueprint
        if blueprint and sum((r["easy"] or 0) + (r["medium"] or 0) + (r["hard"] or 0) for r in blueprint) == 0:
            c.add(exam.line_of("blueprint"), "exam.blueprint: the exam has no questions")

    scenarios = c.items(m.get("required_scenarios"), "required_scenarios", m.line_of("required_scenarios"))
    validity = c.field(m, "validity_months", int)
    award = c.one_of(m, "award", AWARDS)
    titles = c.bilingual(m, "title")
    audiences = c.bilingual(m, "audience")
    prerequisites = c.bilingual(m, "prerequisites")
    if c.problems:
        return None, c.problems
    return SyllabusData(code=code, display=display, track=track, level=level, titles=titles, audiences=audiences,
                        prerequisites=prerequisites, requires=requires, modules=list(modules), targets=dict(targets),
                        exam=exam_data, scenarios=[str(s) for s in scenarios], validity_months=validity,
                        award=award), []
