"""Writing checked modules and syllabi, matched by their codes so that ids (and the progress that
refers to them) survive every sync. Modules gone from content/ are retired, never deleted.

A changed module file is recorded as a "file" version. A module with an unexported web edit is
never overwritten silently: ``file_conflicts`` reports it (sync then writes nothing) unless the
file already holds the web edit (it was exported) or the sync is forced."""

import sqlalchemy as sa

from kamtrain.competency.models import Category
from kamtrain.content import versions
from kamtrain.content.models import (
    Module,
    ModuleCategory,
    ModulePrerequisite,
    ModuleVersion,
    Syllabus,
    SyllabusModule,
)
from kamtrain.core.db import db, utcnow
from kamtrain.core.sourcefiles import Problem


def file_fields(data):
    """The editable fields as a module file gives them (same shape as versions.snapshot)."""
    return {"title_zh": data.titles[0], "title_en": data.titles[1], "summary_zh": data.summaries[0],
            "summary_en": data.summaries[1], "minutes": data.minutes, "objectives": data.objectives,
            "body_markdown": data.body_markdown}


def decide(module, data):
    """What sync does with one module file:
    new | unchanged | changed | keep_web (file unchanged, web edit kept) | exported (the file holds
    the web edit) | conflict (the file changed and would overwrite a web edit)."""
    if module is None:
        return "new", None
    web = versions.pending_web_edit(module)
    file_changed = module.content_hash != data.content_hash
    if web is None:
        return ("changed" if file_changed else "unchanged"), None
    if not file_changed:
        return "keep_web", web
    if file_fields(data) == versions.snapshot(module):
        return "exported", web
    return "conflict", web


def file_conflicts(modules):
    """Problems for every module file that would overwrite a newer web edit. (``--check`` may run
    before the database exists: then there is nothing to overwrite.)"""
    if not sa.inspect(db.session.connection()).has_table(ModuleVersion.__tablename__):
        return []
    existing = {m.code: m for m in db.session.scalars(db.select(Module))}
    problems = []
    for data in modules:
        outcome, web = decide(existing.get(data.code), data)
        if outcome == "conflict":
            who = web.author.username if web.author else "?"
            problems.append(Problem(data.display, 1, (
                f"module {data.code} was edited on the web at {web.created_at:%Y-%m-%d %H:%M} UTC by {who} "
                f"(version {web.number}); export it with kamtrain content export or use --force")))
    return problems


def apply_modules(modules):
    categories = {c.code: c for c in db.session.scalars(db.select(Category))}
    existing = {m.code: m for m in db.session.scalars(db.select(Module))}
    changed = kept = 0
    new_versions = []
    for data in modules:
        module = existing.pop(data.code, None)
        outcome, web = decide(module, data)
        if module is None:
            module = Module(code=data.code)
        else:
            versions.ensure_baseline(module)
        if module.content_hash != data.content_hash or module.retired:
            changed += 1
            module.updated_at = utcnow()
        if outcome == "keep_web":
            kept += 1
        else:  # the file's text wins: new, unchanged, changed, exported, or a forced conflict
            module.title_zh, module.title_en = data.titles
            module.summary_zh, module.summary_en = data.summaries
            module.minutes, module.objectives = data.minutes, data.objectives
            module.body_markdown, module.body_html, module.search_text = (
                data.body_markdown, data.body_html, data.search_text)
            note = {"new": versions.NOTE_NEW, "changed": versions.NOTE_CHANGED, "exported": versions.NOTE_EXPORTED,
                    "conflict": f"{versions.NOTE_FORCED}:{web.number if web else ''}"}.get(outcome)
            if note:
                new_versions.append((module, note, data.content_hash))
        module.tracks, module.levels = data.tracks, data.levels
        module.sources, module.self_check = data.sources, data.self_check
        module.content_hash, module.retired = data.content_hash, False
        wanted = [(categories[code].id, position) for position, code in enumerate(data.categories)]
        current = {link.category_id: link for link in module.category_links}
        module.category_links = [current.get(cid) or ModuleCategory(category_id=cid, position=pos)
                                 for cid, pos in wanted]
        for link, (_cid, pos) in zip(module.category_links, wanted, strict=True):
            link.position = pos
        db.session.add(module)
    for module in existing.values():
        if not module.retired:
            module.retired = True
            changed += 1
    db.session.flush()
    ids = {m.code: m.id for m in db.session.scalars(db.select(Module))}
    db.session.execute(db.delete(ModulePrerequisite))
    for data in modules:
        for p in data.prerequisites:
            db.session.add(ModulePrerequisite(module_id=ids[data.code], prerequisite_id=ids[p]))
    for module, note, file_hash in new_versions:
        versions.record_version(module, "file", note=note, file_hash=file_hash)
    db.session.flush()
    counts = {"modules": len(modules), "modules_changed": changed}
    if kept:
        counts["web_edits_kept"] = kept
    return counts


def apply_syllabi(syllabi):
    modules = {m.code: m for m in db.session.scalars(db.select(Module))}
    rows = {s.code: s for s in db.session.scalars(db.select(Syllabus))}
    for data in sorted(syllabi, key=lambda s: -s.level):  # level 4 first: the levels above refer to it
        row = rows.get(data.code) or Syllabus(code=data.code)
        row.track, row.level = data.track, data.level
        row.title_zh, row.title_en = data.titles
        row.audience_zh, row.audience_en = data.audiences
        row.prerequisites_zh, row.prerequisites_en = data.prerequisites
        row.requires = rows.get(data.requires) if data.requires else None
        row.exam, row.required_scenarios = data.exam, data.scenarios
        row.validity_months, row.award = data.validity_months, data.award
        current = {link.module_id: link for link in row.module_links}
        links = []
        for position, code in enumerate(data.modules):
            link = current.get(modules[code].id) or SyllabusModule(module_id=modules[code].id, position=position)
            link.position = position
            links.append(link)
        row.module_links = links
        db.session.add(row)
        db.session.flush()
        rows[data.code] = row
    return {"syllabi": len(syllabi)}
