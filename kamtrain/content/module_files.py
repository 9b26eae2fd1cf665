"""Reading content/modules/*.md: YAML front matter between '---' lines, then a Markdown body.
Everything is checked and every problem located (file:line) before anything is written."""

import hashlib
import re
from dataclasses import dataclass, field

from kamtrain.accounts.roles import LEVELS, Track
from kamtrain.content.markdown import plain_text, render
from kamtrain.core.checks import Checker
from kamtrain.core.sourcefiles import LocatedList, Problem, SourceError, parse_yaml, read_text

CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIRED_SECTIONS = ("## 要点讲解", "## 案例", "## 常见误区", "## 检查清单")
MIN_CHINESE_CHARS = 1200
FIELDS = {"id", "title", "summary", "categories", "tracks", "levels", "minutes", "objectives", "prerequisites",
          "sources", "self_check"}


@dataclass
class ModuleData:
    code: str
    display: str
    titles: tuple
    summaries: tuple
    categories: list
    tracks: list
    levels: list
    minutes: int
    objectives: list
    prerequisites: list
    prerequisite_lines: dict
    sources: list
    self_check: list
    body_markdown: str
    body_html: str = ""
    search_text: str = ""
    content_hash: str = ""
    extra: dict = field(default_factory=dict)


def chinese_chars(text):
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def split_front_matter(text, display):
    """(front matter text, its first line, body text, the body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise _unreadable(display, 1, "the file must start with '---' and YAML front matter")
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), 2, "\n".join(lines[i + 1:]), i + 2
    raise _unreadable(display, 1, "front matter is not closed by a '---' line")


def _unreadable(display, line, message):
    return SourceError(Problem(display, line, message))


def read_module(path, display, category_codes, text=None):
    """Parse and check one module file (or ``text`` as if it were that file).
    Returns (ModuleData | None, problems)."""
    try:
        if text is None:
            text = read_text(path, display)
        head, head_line, body, body_line = split_front_matter(text, display)
        meta = parse_yaml(head, display, first_line=head_line)
    except SourceError as e:
        return None, [e.problem]
    c = Checker(display)
    meta = c.mapping(meta, "front matter", head_line)
    if meta is None:
        return None, c.problems
    c.unknown_keys(meta, FIELDS)
    code = c.field(meta, "id", str)
    expected = path.stem
    if code is not None and code != expected:
        c.add(meta.line_of("id"), f"id: {code!r} must equal the file name {expected!r}")
    if code is not None and not CODE.match(code):
        c.add(meta.line_of("id"), f"id: {code!r} may hold only lowercase letters, digits and '-'")

    categories = c.items(meta.get("categories"), "categories", meta.line_of("categories"))
    for cat in categories:
        if cat not in category_codes:
            c.add(meta.line_of("categories"), f"categories: unknown category {cat!r}")
    if not categories:
        c.add(meta.line_of("categories"), "categories: at least one is needed")
    tracks = c.items(meta.get("tracks"), "tracks", meta.line_of("tracks"))
    for t in tracks:
        if t not in {tr.value for tr in Track}:
            c.add(meta.line_of("tracks"), f"tracks: unknown track {t!r}")
    levels = c.items(meta.get("levels"), "levels", meta.line_of("levels"))
    for lv in levels:
        if lv not in LEVELS:
            c.add(meta.line_of("levels"), f"levels: {lv!r} is not a level 1–4")
    minutes = c.field(meta, "minutes", int)
    if minutes is not None and not 5 <= minutes <= 240:
        c.add(meta.line_of("minutes"), "minutes: expected 5 to 240")

    objectives = []
    for i, obj in enumerate(c.items(meta.get("objectives"), "objectives", meta.line_of("objectives"))):
        obj = c.mapping(obj, f"objectives[{i}]", meta.line_of("objectives"))
        if obj is not None:
            objectives.append({"zh": c.field(obj, "zh", str, f"objectives[{i}]"),
                               "en": c.field(obj, "en", str, f"objectives[{i}]")})
    if not objectives:
        c.add(meta.line_of("objectives"), "objectives: at least one is needed")

    prereqs = c.items(meta.get("prerequisites", LocatedList()), "prerequisites", meta.line_of("prerequisites"))
    sources = c.items(meta.get("sources", LocatedList()), "sources", meta.line_of("sources"))

    self_check = []
    for i, q in enumerate(c.items(meta.get("self_check"), "self_check", meta.line_of("self_check"))):
        where = f"self_check[{i}]"
        q = c.mapping(q, where, meta.line_of("self_check"))
        if q is None:
            continue
        c.unknown_keys(q, {"question", "options", "answer", "explanation"}, where)
        options = c.items(q.get("options"), f"{where}.options", q.line_of("options"))
        answer = c.field(q, "answer", int, where)
        if len(options) < 2:
            c.add(q.line_of("options"), f"{where}.options: at least two options are needed")
        if answer is not None and not 0 <= answer < len(options):
            c.add(q.line_of("answer"), f"{where}.answer: {answer} is not the index of an option (0–{len(options) - 1})")
        self_check.append({"question": c.field(q, "question", str, where), "options": [str(o) for o in options],
                           "answer": answer, "explanation": c.field(q, "explanation", str, where)})
    if len(self_check) != 3:
        c.add(meta.line_of("self_check"), f"self_check: exactly 3 questions are needed, found {len(self_check)}")

    body_lines = body.split("\n")
    for section in REQUIRED_SECTIONS:
        if not any(line.startswith(section) for line in body_lines):
            c.add(body_line, f"body: missing the section '{section}'")
    count = chinese_chars(body)
    if count < MIN_CHINESE_CHARS:
        c.add(body_line, f"body: {count} Chinese characters; at least {MIN_CHINESE_CHARS} are needed")
    for n, line in enumerate(body_lines, start=body_line):
        if re.search(r"<\s*/?\s*[a-zA-Z]", line):
            c.add(n, "body: raw HTML is not allowed (it is shown as text)")
            break

    titles = c.bilingual(meta, "title")
    summaries = c.bilingual(meta, "summary")
    if c.problems:
        return None, c.problems
    data = ModuleData(
        code=code, display=display, titles=titles, summaries=summaries, categories=list(categories),
        tracks=list(tracks), levels=sorted(levels, reverse=True), minutes=minutes, objectives=objectives,
        prerequisites=list(prereqs), prerequisite_lines={p: prereqs.line_of(i) for i, p in enumerate(prereqs)},
        sources=[str(s) for s in sources], self_check=self_check, body_markdown=body.strip() + "\n",
    )
    data.body_html = render(data.body_markdown)
    data.search_text = " ".join([*titles, *summaries, plain_text(body)])
    data.content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return data, []


def check_prerequisites(modules, known_codes):
    """Dangling prerequisites and cycles across all modules; returns problems. ``known_codes``
    names every module file, valid or not, so a broken module is reported once, not by each user."""
    problems = []
    by_code = {m.code: m for m in modules}
    for m in modules:
        for p in m.prerequisites:
            if p not in known_codes:
                problems.append(Problem(m.display, m.prerequisite_lines[p], f"prerequisites: no module {p!r}"))
            elif p == m.code:
                problems.append(Problem(m.display, m.prerequisite_lines[p],
                                        "prerequisites: a module cannot require itself"))
    state = {}

    def visit(code, trail):
        state[code] = "open"
        for p in by_code[code].prerequisites:
            if p not in by_code or p == code:
                continue
            if state.get(p) == "open":
                cycle = trail[trail.index(p):] + [p]
                m = by_code[code]
                problems.append(Problem(m.display, m.prerequisite_lines[p],
                                        f"prerequisites: cycle {' → '.join(cycle)}"))
            elif p not in state:
                visit(p, trail + [p])
        state[code] = "done"

    for code in sorted(by_code):
        if code not in state:
            visit(code, [code])
    return problems
