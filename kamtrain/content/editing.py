"""Trainers edit modules in the browser: edit with a server-rendered preview, the version history
with a line diff of each change, and revert. Every save is a version (kamtrain/content/versions.py)."""

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kamtrain.accounts.roles import Role
from kamtrain.competency.models import Category
from kamtrain.content import versions
from kamtrain.content.export import compose_file
from kamtrain.content.forms import ModuleEditForm
from kamtrain.content.markdown import render
from kamtrain.content.models import Module, ModuleVersion
from kamtrain.content.module_files import read_module
from kamtrain.core.access import allow
from kamtrain.core.db import db
from kamtrain.core.errors import DomainError

bp = Blueprint("editing", __name__)

EDITORS = (Role.TRAINER, Role.ADMIN)

def field_label(name):
    return {
        "title_zh": _("Title (Chinese)"), "title_en": _("Title (English)"), "summary_zh": _("Summary (Chinese)"),
        "summary_en": _("Summary (English)"), "minutes": _("Estimated minutes"),
        "objectives": _("Learning objectives"), "body_markdown": _("Teaching text"),
    }[name]


def note_text(version):
    """The version's note for people: system notes translated, a trainer's note as written."""
    note = version.note or ""
    if note.startswith(versions.NOTE_REVERT):
        return _("Reverted to version %(n)s", n=note.removeprefix(versions.NOTE_REVERT))
    if note.startswith(versions.NOTE_FORCED):
        return _("Module file loaded with --force over web version %(n)s", n=note.rsplit(":", 1)[-1])
    return {
        versions.NOTE_BASELINE: _("As loaded from the module file"),
        versions.NOTE_NEW: _("New module file"),
        versions.NOTE_CHANGED: _("Module file changed"),
        versions.NOTE_EXPORTED: _("Web edit exported to the module file"),
    }.get(note, note)


def _module_or_404(code):
    module = db.session.scalar(db.select(Module).filter_by(code=code, retired=False))
    if module is None:
        abort(404)
    return module


def _version_or_404(module, number):
    version = versions.version_or_none(module, number)
    if version is None:
        abort(404)
    return version


def _file_problems(module):
    """Would the module, exported now, pass `content sync --check`? (The form checks the same
    things with friendlier messages; this is the last guard.)"""
    path = Path(current_app.config["CONTENT_DIR"]) / "content" / "modules" / f"{module.code}.md"
    existing = path.read_text(encoding="utf-8") if path.exists() else None
    categories = set(db.session.scalars(db.select(Category.code)))
    text = compose_file(module, existing, display=f"content/modules/{module.code}.md")
    _data, problems = read_module(path, f"content/modules/{module.code}.md", categories, text=text)
    return problems


@bp.route("/modules/<code>/edit", methods=["GET", "POST"])
@allow(*EDITORS)
def edit(code):
    module = _module_or_404(code)
    latest = versions.latest_version(module)
    current_number = latest.number if latest else 0
    if request.method == "GET":
        form = ModuleEditForm.for_module(module, current_number)
        return render_template("content/edit.html", module=module, form=form, preview=None, latest=latest)
    form = ModuleEditForm()
    preview = None
    if form.validate_on_submit():
        if request.form.get("action") == "preview":
            preview = render(form.body.data)
        else:
            base = int(form.base_version.data) if (form.base_version.data or "").isdigit() else None
            try:
                version = versions.save_web_edit(module, current_user, form.fields(), note=form.note.data or "",
                                                 base_version=base)
            except DomainError as e:
                db.session.rollback()
                if str(e) == "edit_conflict":
                    flash(_("Someone saved version %(n)d of this module while you were editing. Your text is "
                            "kept below: compare it with the history, then save again.", n=current_number),
                          "error")
                    form.base_version.data = str(current_number)
                else:
                    flash(_("Nothing was changed."), "info")
                return render_template("content/edit.html", module=module, form=form, preview=None,
                                       latest=latest)
            problems = _file_problems(module)
            if problems:
                db.session.rollback()
                for p in problems:
                    flash(str(p), "error")
                return render_template("content/edit.html", module=module, form=form, preview=None,
                                       latest=latest)
            db.session.commit()
            flash(_("Saved as version %(n)d.", n=version.number), "success")
            return redirect(url_for("editing.history", code=module.code))
    elif request.form.get("action") == "preview":
        preview = render(form.body.data or "")
    return render_template("content/edit.html", module=module, form=form, preview=preview, latest=latest)


@bp.route("/modules/<code>/versions")
@allow(*EDITORS)
def history(code):
    module = _module_or_404(code)
    rows = versions.versions_of(module)
    changes = {}
    for newer, older in zip(rows, rows[1:] + [None], strict=True):
        changes[newer.number] = versions.changed_fields(versions.snapshot(older) if older else None,
                                                        versions.snapshot(newer))
    return render_template("content/versions.html", module=module, rows=rows, changes=changes,
                           note_text=note_text, field_label=field_label,
                           pending=versions.pending_web_edit(module))


@bp.route("/modules/<code>/versions/<int:number>")
@allow(*EDITORS)
def version(code, number):
    module = _module_or_404(code)
    version = _version_or_404(module, number)
    before = versions.previous_version(version)
    old = versions.snapshot(before) if before else None
    new = versions.snapshot(version)
    changed = versions.changed_fields(old, new)
    diff = versions.body_diff(old["body_markdown"] if old else "", new["body_markdown"])
    return render_template("content/version.html", module=module, version=version, before=before,
                           changed=[f for f in changed if f != "body_markdown"], old=old, new=new, diff=diff,
                           body_changed="body_markdown" in changed, note_text=note_text, field_label=field_label,
                           is_current=new == versions.snapshot(module))


@bp.route("/modules/<code>/versions/<int:number>/revert", methods=["POST"])
@allow(*EDITORS)
def revert(code, number):
    module = _module_or_404(code)
    version = _version_or_404(module, number)
    try:
        new = versions.revert(module, version, current_user)
    except DomainError:
        db.session.rollback()
        flash(_("The module already has the content of version %(n)d.", n=number), "info")
        return redirect(url_for("editing.history", code=code))
    db.session.commit()
    flash(_("Version %(new)d restores the content of version %(old)d.", new=new.number, old=number), "success")
    return redirect(url_for("editing.history", code=code))


@bp.route("/module-edits")
@allow(*EDITORS)
def recent():
    """The latest versions across all modules, and the modules whose web edits await export."""
    rows = db.session.scalars(db.select(ModuleVersion).order_by(ModuleVersion.created_at.desc(),
                                                                 ModuleVersion.id.desc()).limit(50)).all()
    edited = db.session.scalars(db.select(Module).where(
        Module.retired.is_(False),
        Module.id.in_(db.select(ModuleVersion.module_id).where(ModuleVersion.source == "web")))
        .order_by(Module.code)).all()
    pending = [(m, versions.pending_web_edit(m)) for m in edited]
    return render_template("content/recent_edits.html", rows=rows, pending=[(m, v) for m, v in pending if v],
                           note_text=note_text)
