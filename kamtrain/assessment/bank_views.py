"""The question bank for trainers: browse and filter, preview as a trainee sees it, edit per type with
versions, bulk move/tag/retire, import with a preview of every problem, export."""

import secrets
from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, or_

from kamtrain.accounts.operations import audit
from kamtrain.accounts.roles import Role
from kamtrain.assessment import bank, editor, rendering
from kamtrain.assessment import questions as qm
from kamtrain.assessment.formats import decode
from kamtrain.assessment.forms import BulkForm, ConfirmForm, ImportForm, QuestionForm
from kamtrain.assessment.messages import FORMAT_NAMES
from kamtrain.assessment.models import (
    PendingImport,
    Question,
    QuestionCategory,
    QuestionFile,
    QuestionTag,
    QuestionVersion,
)
from kamtrain.competency.models import Category
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.db import db, utcnow
from kamtrain.core.web import client_ip, get_or_404, safe_next

bp = Blueprint("bank", __name__, url_prefix="/bank")

AUTHORS = (Role.TRAINER, Role.ADMIN)
PER_PAGE = 50
EDITABLE_TYPES = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "cloze",
                  "description")


# ------------------------------------------------------------------------------ browse

def _filters():
    args = request.args
    return {k: (args.get(k) or "").strip()[:200] for k in
            ("q", "category", "competency", "qtype", "level", "difficulty", "tag", "status")}


def _filtered_query(f):
    query = db.select(Question).join(QuestionCategory)
    if f["q"]:
        current = db.select(QuestionVersion.question_id).join(Question).where(
            QuestionVersion.number == Question.latest_version)
        for word in f["q"].split():
            query = query.where(or_(Question.name.contains(word), Question.idnumber.contains(word),
                                    Question.id.in_(current.where(QuestionVersion.text.contains(word)))))
    if f["category"]:
        query = query.where(bank.in_category(f["category"]))
    if f["competency"]:
        query = query.where(Question.competency_id.in_(db.select(Category.id).filter_by(code=f["competency"])))
    if f["qtype"] == "multichoice_multi":
        query = query.where(Question.qtype == "multichoice", Question.id.in_(
            db.select(QuestionVersion.question_id).where(QuestionVersion.number == Question.latest_version,
                                                         QuestionVersion.data["single"].as_boolean().is_(False))))
    elif f["qtype"]:
        query = query.where(Question.qtype == f["qtype"])
    if f["level"].isdigit():
        query = query.where(Question.id.in_(db.select(QuestionTag.question_id).filter_by(tag=f"level-{f['level']}")))
    if f["difficulty"].isdigit():
        query = query.where(Question.difficulty == int(f["difficulty"]))
    if f["tag"]:
        query = query.where(Question.id.in_(db.select(QuestionTag.question_id).filter_by(tag=f["tag"])))
    if f["status"] == "retired":
        query = query.where(Question.retired.is_(True))
    elif f["status"] != "all":
        query = query.where(Question.retired.is_(False))
    return query


@bp.route("/")
@allow(*AUTHORS)
def index():
    f = _filters()
    query = _filtered_query(f)
    total = db.session.scalar(db.select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    rows = db.session.scalars(query.order_by(QuestionCategory.path, Question.idnumber, Question.id)
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    categories = db.session.scalars(db.select(QuestionCategory).order_by(QuestionCategory.path)).all()
    counts = dict(db.session.execute(db.select(Question.category_id, func.count()).where(
        Question.retired.is_(False)).group_by(Question.category_id)).all())
    return render_template("bank/index.html", rows=rows, f=f, total=total, page=page, pages=pages,
                           categories=categories, counts=counts, competencies=_competencies(),
                           bulk=BulkForm(), next_url=request.full_path)


def _competencies():
    return db.session.scalars(db.select(Category).order_by(Category.number)).all()


@bp.route("/bulk", methods=["POST"])
@allow(*AUTHORS)
def bulk():
    form = BulkForm()
    back = safe_next(request.form.get("next"), url_for("bank.index"))
    ids = [int(v) for v in request.form.getlist("ids") if v.isdigit()]
    if not form.validate() or not ids:
        flash(_("Choose one or more questions and an action."), "error")
        return redirect(back)
    rows = db.session.scalars(db.select(Question).where(Question.id.in_(ids))).all()
    target = (form.target.data or "").strip()
    if form.action.data in ("move", "tag", "untag") and not target:
        flash(_("Say which category or tag."), "error")
        return redirect(back)
    if form.action.data == "move":
        category = bank.CategoryCache().get(target)
        for row in rows:
            row.category_id = category.id
    elif form.action.data == "tag":
        for row in rows:
            if target not in row.tags:
                row.tag_rows.append(QuestionTag(tag=target[:100]))
    elif form.action.data == "untag":
        for row in rows:
            row.tag_rows = [t for t in row.tag_rows if t.tag != target]
    else:
        for row in rows:
            row.retired = form.action.data == "retire"
    audit("questions_bulk_" + form.action.data, actor=current_user, ip=client_ip(),
          questions=[r.id for r in rows][:500], target=target)
    db.session.commit()
    flash(ngettext("%(num)d question changed.", "%(num)d questions changed.", len(rows)), "success")
    return redirect(back)


# ------------------------------------------------------------------------------ one question

def _file_url(version_id):
    return lambda name: url_for("bank.file", version_id=version_id, name=name)


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@allow(*AUTHORS)
def question(question_id):
    row = get_or_404(Question, question_id)
    versions = db.session.scalars(db.select(QuestionVersion).filter_by(question_id=row.id)
                                  .order_by(QuestionVersion.number.desc())).all()
    number = request.args.get("version", row.latest_version, type=int)
    version = next((v for v in versions if v.number == number), None) or abort(404)
    q = bank.to_question(row, version)
    view = rendering.question_view(q, "preview", file_url=_file_url(version.id))
    response = review = None
    if request.method == "POST":  # "check": grade the trainer's try exactly as an attempt would
        response = rendering.read_response(q, request.form, "preview")
        fraction = qm.grade(q, response)
        review = rendering.review_of(q, response, fraction)
    return render_template("bank/question.html", row=row, version=version, versions=versions, view=view,
                           response=response, review=review, q=q)


@bp.route("/files/<int:version_id>/<path:name>")
@allow(SIGNED_IN)
def file(version_id, name):
    """A question's image. Trainers and admins see every one; anybody else only those of question
    versions shown in their own attempts or, for team leaders, in their team members' attempts."""
    if not _may_see_version(version_id):
        abort(404)
    found = db.session.get(QuestionFile, (version_id, name)) or abort(404)
    headers = {"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "default-src 'none'; sandbox"}
    if found.media_type not in editor.IMAGE_MEDIA_TYPES:  # never rendered in our origin (SVG, HTML …)
        headers["Content-Disposition"] = "attachment"
    return Response(found.data, mimetype=found.media_type, headers=headers)


def _may_see_version(version_id):
    from kamtrain.accounts.models import Team, User
    from kamtrain.assessment.attempts import Attempt, AttemptSlot

    if current_user.roles & set(AUTHORS):
        return True
    shown = or_(AttemptSlot.version_id == version_id, AttemptSlot.graded_version_id == version_id)
    query = db.select(AttemptSlot.attempt_id).join(Attempt, Attempt.id == AttemptSlot.attempt_id).where(shown)
    if db.session.scalar(query.where(Attempt.user_id == current_user.id).limit(1)) is not None:
        return True
    if Role.LEADER in current_user.roles:
        team_members = db.select(User.id).join(Team, Team.id == User.team_id).where(Team.leader_id == current_user.id)
        return db.session.scalar(query.where(Attempt.user_id.in_(team_members)).limit(1)) is not None
    return False


def _editor_form(q=None, row=None):
    form = QuestionForm(data=editor.form_data(q, row) if q is not None and request.method == "GET" else None)
    form.competency.choices = [("", _("None"))] + [(c.code, f"{c.number}. {c.name_zh if _is_zh() else c.name_en}")
                                                   for c in _competencies()]
    return form


def _is_zh():
    from kamtrain.core.i18n import current_language

    return current_language() == "zh"


def _identity(form):
    code = form.competency.data
    competency = db.session.scalar(db.select(Category).filter_by(code=code)) if code else None
    return {"competency_id": competency.id if competency else None,
            "levels": sorted({int(v) for v in form.levels.data or []}, reverse=True),
            "tracks": [t for t in ("sales", "marketing") if t in (form.tracks.data or [])],
            "difficulty": int(form.difficulty.data) if form.difficulty.data else None}


@bp.route("/questions/new", methods=["GET", "POST"])
@allow(*AUTHORS)
def new_question():
    qtype = request.args.get("type", "multichoice")
    if qtype not in EDITABLE_TYPES:
        abort(404)
    form = _editor_form()
    if request.method == "GET":
        form.category.data = request.args.get("category") or "top"
        form.single.data = "0" if request.args.get("multi") else "1"
    if form.validate_on_submit():
        q, problems = editor.question_from_form(form, qtype)
        problems.update(_idnumber_problem(q.idnumber, None))
        files, image_problems = editor.read_images(form, {}, q)
        problems.update(image_problems)
        if not problems:
            row = bank.create_question(q, current_user, files=files, **_identity(form))
            audit("question_created", actor=current_user, ip=client_ip(), question=row.id)
            db.session.commit()
            flash(_("Question saved."), "success")
            return redirect(url_for("bank.question", question_id=row.id))
        _show_problems(form, problems)
    elif form.errors:
        flash(_("Please correct the marked fields."), "error")
    return render_template("bank/edit.html", form=form, qtype=qtype, row=None, version=None, files={})


def _idnumber_problem(idnumber, row):
    if not idnumber:
        return {}
    other = db.session.scalar(db.select(Question).filter_by(idnumber=idnumber))
    if other is not None and (row is None or other.id != row.id):
        return {"idnumber": _("Another question already has this ID number.")}
    return {}


def _show_problems(form, problems):
    for name, message in problems.items():
        field = getattr(form, name)
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
    flash(_("Please correct the marked fields."), "error")


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@allow(*AUTHORS)
def edit_question(question_id):
    row = get_or_404(Question, question_id)
    version = bank.current_version(row)
    q = bank.to_question(row, version)
    current_files = bank.files_of(version)
    form = _editor_form(q, row)
    form.remove_images.choices = [(name, name) for name in current_files]
    if form.validate_on_submit():
        edited, problems = editor.question_from_form(form, row.qtype)
        problems.update(_idnumber_problem(edited.idnumber, row))
        files, image_problems = editor.read_images(form, current_files, edited)
        problems.update(image_problems)
        if not problems:
            row.idnumber = edited.idnumber
            changed = bank.save_edit(row, edited, current_user, note=form.note.data or "", files=files,
                                     **_identity(form))
            audit("question_edited", actor=current_user, ip=client_ip(), question=row.id,
                  version=row.latest_version, new_version=changed)
            db.session.commit()
            flash(_("Saved as version %(n)d.", n=row.latest_version) if changed else _("Saved."), "success")
            return redirect(url_for("bank.question", question_id=row.id))
        _show_problems(form, problems)
    elif form.errors:
        flash(_("Please correct the marked fields."), "error")
    return render_template("bank/edit.html", form=form, qtype=row.qtype, row=row, version=version,
                           files=current_files)


# ------------------------------------------------------------------------------ import and export

@bp.route("/import", methods=["GET", "POST"])
@allow(*AUTHORS)
def import_file():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        name = (upload.filename or "upload")[-255:]
        report = bank.import_files([(name, data)], format=form.format.data, category=form.category.data or None,
                                   dry_run=True, translatable=True)
        db.session.execute(db.delete(PendingImport).where(PendingImport.created_at < utcnow() - timedelta(days=2)))
        pending = PendingImport(token=secrets.token_urlsafe(24), user_id=current_user.id, filename=name,
                                format=form.format.data, category=form.category.data or None, data=data,
                                report=report)
        db.session.add(pending)
        db.session.commit()
        return redirect(url_for("bank.import_preview", token=pending.token))
    return render_template("bank/import.html", form=form)


def _pending_or_404(token):
    pending = db.session.scalar(db.select(PendingImport).filter_by(token=token))
    if pending is None or (pending.user_id != current_user.id and not current_user.has_role(Role.ADMIN)):
        abort(404)
    return pending


@bp.route("/import/<token>", methods=["GET", "POST"])
@allow(*AUTHORS)
def import_preview(token):
    pending = _pending_or_404(token)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit() and pending.imported_at is None:
        report = bank.import_files([(pending.filename, pending.data)], format=pending.format,
                                   category=pending.category, author=current_user, translatable=True)
        if report["files"][0]["errors"]:
            db.session.rollback()
            pending.report = report
            db.session.commit()
            flash(_("The file has errors; nothing was imported."), "error")
            return redirect(url_for("bank.import_preview", token=token))
        pending.imported_at = utcnow()
        pending.report = report
        audit("questions_imported", actor=current_user, ip=client_ip(), file=pending.filename,
              imported=report["imported"], created=report.get("created"), updated=report.get("updated"))
        db.session.commit()
        flash(ngettext("%(num)d question imported.", "%(num)d questions imported.", report["imported"]), "success")
        categories = report["files"][0]["categories"]
        return redirect(url_for("bank.index", category=categories[0] if len(categories) == 1 else None))
    report = pending.report["files"][0]
    return render_template("bank/import_preview.html", pending=pending, report=report,
                           excerpts=_excerpts(pending.data, report), form=form, upload=ImportForm(),
                           finding_text=rendering.finding_text, FORMAT_NAMES=FORMAT_NAMES)


def _excerpts(data, report):
    """For each line named by an error or warning: that line and its neighbours, numbered."""
    text, _encoding, problem = decode(data)
    if problem is not None or text is None:
        return {}
    lines = text.splitlines()
    wanted = {f["line"] for f in report["errors"] + report["warnings"] if f.get("line")}
    return {n: [(i, lines[i - 1]) for i in range(max(1, n - 1), min(len(lines), n + 1) + 1)] for n in wanted
            if n <= len(lines)}


@bp.route("/export")
@allow(*AUTHORS)
def export():
    fmt = request.args.get("format")
    category = (request.args.get("category") or "").strip() or None
    if fmt not in ("gift", "moodlexml", "aiken", "qti3"):
        categories = db.session.scalars(db.select(QuestionCategory).order_by(QuestionCategory.path)).all()
        return render_template("bank/export.html", categories=categories)
    data, exported, skipped = bank.export_bank(fmt, category=category)
    suffix = {"gift": "gift.txt", "moodlexml": "xml", "aiken": "aiken.txt", "qti3": "qti3.zip"}[fmt]
    stem = (category or "top").replace("/", "-")
    audit("questions_exported", actor=current_user, ip=client_ip(), format=fmt, category=category,
          exported=exported, skipped=len(skipped))
    db.session.commit()
    mimetype = "application/zip" if fmt == "qti3" else ("application/xml" if fmt == "moodlexml" else "text/plain")
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="kamtrain-{stem}.{suffix}"',
        "X-Skipped-Questions": str(len(skipped))})
