"""Writing checked modules and syllabi, matched by their codes so that ids (and the progress that
refers to them) survive every sync. Modules gone from content/ are retired, never deleted."""

from kamtrain.competency.models import Category
from kamtrain.content.models import Module, ModuleCategory, ModulePrerequisite, Syllabus, SyllabusModule
from kamtrain.core.db import db, utcnow


def apply_modules(modules):
    categories = {c.code: c for c in db.session.scalars(db.select(Category))}
    existing = {m.code: m for m in db.session.scalars(db.select(Module))}
    changed = 0
    for data in modules:
        module = existing.pop(data.code, None) or Module(code=data.code)
        if module.content_hash != data.content_hash or module.retired:
            changed += 1
            module.updated_at = utcnow()
        module.title_zh, module.title_en = data.titles
        module.summary_zh, module.summary_en = data.summaries
        module.minutes, module.tracks, module.levels = data.minutes, data.tracks, data.levels
        module.objectives, module.sources, module.self_check = data.objectives, data.sources, data.self_check
        module.body_markdown, module.body_html = data.body_markdown, data.body_html
        module.search_text, module.content_hash, module.retired = data.search_text, data.content_hash, False
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
    db.session.flush()
    return {"modules": len(modules), "modules_changed": changed}


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
