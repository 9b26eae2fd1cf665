"""Module versions: every web edit and every changed module file is kept as a numbered version.

Writes flush, never commit (the caller commits). The rule between files and web edits lives here
too (see docs/content-format.md, "Web edits and files"): a module has an *unexported web edit* when
its newest version came from the web and differs from its newest file version; ``content sync``
then refuses to overwrite it from a changed file unless forced."""

import difflib
from dataclasses import dataclass

from sqlalchemy import func

from kamtrain.content.markdown import plain_text, render
from kamtrain.content.models import Module, ModuleVersion
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError

EDITABLE = ("title_zh", "title_en", "summary_zh", "summary_en", "minutes", "objectives", "body_markdown")

# Notes the system writes (shown translated by ``note_text`` in the views); trainers write free text.
NOTE_BASELINE = "file:baseline"  # the module as loaded before versions were kept
NOTE_NEW = "file:new"  # a new module file
NOTE_CHANGED = "file:changed"  # the module file changed
NOTE_EXPORTED = "file:exported"  # the file now holds the web edit (after `content export`)
NOTE_FORCED = "file:forced"  # `content sync --force` overwrote a web edit
NOTE_REVERT = "revert:"  # + the number of the version reverted to


def snapshot(obj):
    """The editable fields of a Module or a ModuleVersion as a plain dict."""
    return {name: getattr(obj, name) for name in EDITABLE}


def normalise(fields):
    """Editable fields in the form they are stored: stripped text, body ending in one newline."""
    out = dict(fields)
    for name in ("title_zh", "title_en", "summary_zh", "summary_en"):
        out[name] = (out[name] or "").strip()
    out["body_markdown"] = (out["body_markdown"] or "").replace("\r\n", "\n").strip() + "\n"
    out["objectives"] = [{"zh": o["zh"].strip(), "en": o["en"].strip()} for o in out["objectives"]]
    out["minutes"] = int(out["minutes"])
    return out


def versions_of(module):
    return db.session.scalars(db.select(ModuleVersion).filter_by(module_id=module.id)
                              .order_by(ModuleVersion.number.desc())).all()


def latest_version(module, source=None):
    query = db.select(ModuleVersion).filter_by(module_id=module.id)
    if source:
        query = query.filter_by(source=source)
    return db.session.scalar(query.order_by(ModuleVersion.number.desc()).limit(1))


def version_or_none(module, number):
    return db.session.scalar(db.select(ModuleVersion).filter_by(module_id=module.id, number=number))


def record_version(module, source, author=None, note="", file_hash=None):
    """Append the module's current editable state as its next version."""
    number = 1
    if module.id is not None:
        number = (db.session.scalar(db.select(func.max(ModuleVersion.number))
                                    .where(ModuleVersion.module_id == module.id)) or 0) + 1
    version = ModuleVersion(module=module, number=number, source=source, author=author, note=note[:200],
                            file_hash=file_hash, created_at=utcnow(), **snapshot(module))
    db.session.add(version)
    db.session.flush()
    return version


def ensure_baseline(module):
    """A module loaded before versions were kept gets version 1: its state as loaded from its file."""
    if module.id is not None and latest_version(module) is None:
        record_version(module, "file", note=NOTE_BASELINE, file_hash=module.content_hash)


def pending_web_edit(module):
    """The newest web version when it holds an edit that no file has caught up with, else None."""
    latest = latest_version(module)
    if latest is None or latest.source != "web":
        return None
    last_file = latest_version(module, "file")
    if last_file is not None and snapshot(last_file) == snapshot(module):
        return None
    return latest


def apply_fields(module, fields):
    """Set the editable fields and everything derived from them (HTML, search text)."""
    for name in EDITABLE:
        setattr(module, name, fields[name])
    module.body_html = render(module.body_markdown)
    module.search_text = " ".join([module.title_zh, module.title_en, module.summary_zh, module.summary_en,
                                   plain_text(module.body_markdown)])
    module.updated_at = utcnow()


def _lock(module):
    """Serialise concurrent saves of one module (row lock on PostgreSQL; SQLite has one writer)."""
    db.session.execute(db.select(Module.id).where(Module.id == module.id).with_for_update())


def save_web_edit(module, author, fields, note="", base_version=None):
    """A trainer's edit: check it was made on the newest version, apply it, record a web version.

    ``base_version`` is the number of the newest version when the editor was opened (0: none yet).
    Raises DomainError "edit_conflict" when another version was saved since, "no_change" when
    nothing differs."""
    _lock(module)
    latest = latest_version(module)
    if base_version is not None and (latest.number if latest else 0) != base_version:
        raise DomainError("edit_conflict")
    ensure_baseline(module)
    fields = normalise(fields)
    if fields == snapshot(module):
        raise DomainError("no_change")
    apply_fields(module, fields)
    return record_version(module, "web", author=author, note=note.strip())


def revert(module, version, author):
    """Bring back an earlier version's content; this is itself a new web version."""
    return save_web_edit(module, author, snapshot(version), note=f"{NOTE_REVERT}{version.number}")


# --- what changed ---------------------------------------------------------------------------------

@dataclass
class DiffLine:
    kind: str  # "hunk" | "same" | "add" | "del"
    old: int | None
    new: int | None
    text: str


def changed_fields(before, after):
    """Names of the editable fields that differ between two snapshots (``before`` may be None)."""
    if before is None:
        return list(EDITABLE)
    return [name for name in EDITABLE if before[name] != after[name]]


def body_diff(old_text, new_text, context=2):
    """A line diff of two Markdown bodies as DiffLines (plain text; the template escapes it)."""
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    out = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        out.append(DiffLine("hunk", first[1] + 1, first[3] + 1,
                            f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [DiffLine("same", i1 + k + 1, j1 + k + 1, old_lines[i1 + k]) for k in range(i2 - i1)]
                continue
            if tag in ("replace", "delete"):
                out += [DiffLine("del", i1 + k + 1, None, old_lines[i1 + k]) for k in range(i2 - i1)]
            if tag in ("replace", "insert"):
                out += [DiffLine("add", None, j1 + k + 1, new_lines[j1 + k]) for k in range(j2 - j1)]
    return out


def previous_version(version):
    return db.session.scalar(db.select(ModuleVersion).where(
        ModuleVersion.module_id == version.module_id, ModuleVersion.number < version.number)
        .order_by(ModuleVersion.number.desc()).limit(1))
