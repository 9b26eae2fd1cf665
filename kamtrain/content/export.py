"""`kamtrain content export`: write web edits back to module files, in the format the reader parses.

When the module's file exists, only the front-matter keys whose values changed are rewritten (and
the body), so comments and the layout of everything else stay as they were and a diff of the file
shows just the edit. Without a file, the whole front matter is written."""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kamtrain.content import versions
from kamtrain.content.models import Module
from kamtrain.content.module_files import split_front_matter
from kamtrain.core.db import db
from kamtrain.core.sourcefiles import SourceError, parse_yaml

TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


class _Dumper(yaml.SafeDumper):
    """Indented block lists (``  - {zh: …, en: …}``) as the hand-written files have them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def dump_key(key, value):
    """``key: value`` as YAML: collections of plain values in flow style (``{zh: …, en: …}``), the
    key itself always in block style."""
    flow = None if isinstance(value, dict | list) else False
    return yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000,
                     default_flow_style=flow).rstrip("\n")


def editable_front_matter(module):
    """The front-matter values of the fields a trainer edits on the web."""
    return {
        "title": {"zh": module.title_zh, "en": module.title_en},
        "summary": {"zh": module.summary_zh, "en": module.summary_en},
        "minutes": module.minutes,
        "objectives": [{"zh": o["zh"], "en": o["en"]} for o in module.objectives],
    }


def full_front_matter(module):
    values = editable_front_matter(module)
    return {
        "id": module.code, "title": values["title"], "summary": values["summary"],
        "categories": [c.code for c in module.categories], "tracks": list(module.tracks),
        "levels": list(module.levels), "minutes": module.minutes, "objectives": values["objectives"],
        "prerequisites": [p.code for p in module.prerequisites], "sources": list(module.sources),
        "self_check": [{"question": q["question"], "options": list(q["options"]), "answer": q["answer"],
                        "explanation": q["explanation"]} for q in module.self_check],
    }


def _plain(value):
    """Located dicts/lists from the YAML reader as plain ones, for comparison."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def compose_file(module, existing_text=None, display="module"):
    """The text of the module's file holding its current (web) state."""
    body = module.body_markdown.strip() + "\n"
    if existing_text is not None:
        try:
            head, head_line, _body, _ = split_front_matter(existing_text, display)
            meta = parse_yaml(head, display, first_line=head_line)
        except SourceError:
            meta = None
        if isinstance(meta, dict):
            lines = head.split("\n")
            starts = [i for i, line in enumerate(lines) if TOP_LEVEL_KEY.match(line)]
            blocks = {TOP_LEVEL_KEY.match(lines[i]).group(1): (i, nxt)
                      for i, nxt in zip(starts, starts[1:] + [len(lines)], strict=True)}
            replacements = {}
            for key, value in editable_front_matter(module).items():
                if _plain(meta.get(key)) != value:
                    replacements[key] = dump_key(key, value)
            appended = [text for key, text in replacements.items() if key not in blocks]
            out = []
            for i, line in enumerate(lines):
                owner = next((k for k, (start, end) in blocks.items() if start <= i < end), None)
                if owner in replacements:
                    if i == blocks[owner][0]:
                        out.append(replacements[owner])
                    continue
                out.append(line)
            head = "\n".join(out + appended)
            return f"---\n{head}\n---\n{body}"
    head = "\n".join(dump_key(k, v) for k, v in full_front_matter(module).items())
    return f"---\n{head}\n---\n{body}"


@dataclass
class Exported:
    code: str
    path: Path
    version: int | None  # the web version written, None when the module had no web edit


def modules_to_export(code=None):
    """The module named by ``code`` (any module), or every module with an unexported web edit."""
    query = db.select(Module).where(Module.retired.is_(False)).order_by(Module.code)
    if code is not None:
        module = db.session.scalar(query.where(Module.code == code))
        return [module] if module else []
    return [m for m in db.session.scalars(query) if versions.pending_web_edit(m) is not None]


def export_modules(modules_dir, out_dir=None, code=None):
    """Write the modules' files into ``out_dir`` (default: ``modules_dir``), each based on its file in
    ``modules_dir`` when there is one. Returns [Exported]. Raises LookupError for an unknown code."""
    modules_dir = Path(modules_dir)
    out_dir = Path(out_dir) if out_dir else modules_dir
    modules = modules_to_export(code)
    if code is not None and not modules:
        raise LookupError(code)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for module in modules:
        source = modules_dir / f"{module.code}.md"
        existing = source.read_text(encoding="utf-8").removeprefix("\ufeff") if source.exists() else None
        target = out_dir / f"{module.code}.md"
        target.write_text(compose_file(module, existing, display=str(source)), encoding="utf-8")
        web = versions.pending_web_edit(module)
        written.append(Exported(module.code, target, web.number if web else None))
    return written
