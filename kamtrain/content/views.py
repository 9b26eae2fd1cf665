"""Course modules for everyone signed in: list by competency category, search, read, self-check,
mark complete, and the way to the module's practice quizzes (per module and per category, when the
bank has questions for them); and the trainee's own syllabus with its progress."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_

from kamtrain.assessment import quiz_operations
from kamtrain.assessment.attempts import FINISHED_STATES, Attempt
from kamtrain.assessment.models import Question
from kamtrain.assessment.quizzes import PRACTICE, Quiz
from kamtrain.competency.models import Category
from kamtrain.content import progress
from kamtrain.content.models import Module, ModuleCategory, Syllabus
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.db import db

bp = Blueprint("content", __name__)


def _module_or_404(code):
    module = db.session.scalar(db.select(Module).filter_by(code=code, retired=False))
    if module is None:
        abort(404)
    return module


@bp.route("/modules")
@allow(SIGNED_IN)
def modules():
    q = (request.args.get("q") or "").strip()[:100]
    category = request.args.get("category") or ""
    query = db.select(Module).where(Module.retired.is_(False)).order_by(Module.code)
    if q:
        words = q.split()
        query = query.where(*[or_(Module.search_text.contains(w), Module.title_en.ilike(f"%{w}%")) for w in words])
    if category:
        query = query.where(Module.id.in_(db.select(ModuleCategory.module_id).join(Category)
                                          .where(Category.code == category)))
    found = db.session.scalars(query).all()
    categories = db.session.scalars(db.select(Category).order_by(Category.number)).all()
    groups = [(cat, [m for m in found if m.primary_category and m.primary_category.id == cat.id])
              for cat in categories]
    return render_template("content/modules.html", groups=[g for g in groups if g[1]], q=q, category=category,
                           categories=categories, total=len(found), done=progress.completed_module_ids(current_user))


@bp.route("/modules/<code>")
@allow(SIGNED_IN)
def module(code):
    module = _module_or_404(code)
    return render_template("content/module.html", module=module, progress=progress.progress_for(current_user, module),
                           results=None, practice=practice_for(module, current_user))


def practice_for(module, user):
    """The practice quizzes a module page offers: the module's own (eight questions of its categories)
    and one per category, each only when the bank holds questions for it; with the user's best
    finished attempt and the quiz's page once the quiz exists. ``{"module": {...} | None,
    "categories": [{...}]}``; each entry: category (None for the module's), quiz, best, n (questions)."""
    categories = list(module.categories)
    if not categories:
        return {"module": None, "categories": []}
    stocked = set(db.session.scalars(
        db.select(Question.competency_id).where(Question.retired.is_(False), Question.qtype != "description",
                                                Question.competency_id.in_([c.id for c in categories]))
        .distinct()))
    if not stocked:
        return {"module": None, "categories": []}
    quizzes = db.session.scalars(db.select(Quiz).where(Quiz.kind == PRACTICE, or_(
        Quiz.module_id == module.id, Quiz.category_id.in_([c.id for c in categories])))).all()
    best = dict(db.session.execute(
        db.select(Attempt.quiz_id, db.func.max(Attempt.percent))
        .where(Attempt.user_id == user.id, Attempt.quiz_id.in_([q.id for q in quizzes]),
               Attempt.state.in_(FINISHED_STATES)).group_by(Attempt.quiz_id)).all()) if quizzes else {}
    own = next((q for q in quizzes if q.module_id == module.id), None)
    by_category = {q.category_id: q for q in quizzes if q.category_id is not None}
    return {
        "module": {"category": None, "quiz": own, "best": best.get(own.id) if own else None,
                   "n": quiz_operations.MODULE_PRACTICE_QUESTIONS},
        "categories": [{"category": c, "quiz": by_category.get(c.id), "n": quiz_operations.PRACTICE_QUESTIONS,
                        "best": best.get(by_category[c.id].id) if c.id in by_category else None}
                       for c in categories if c.id in stocked],
    }


@bp.route("/modules/<code>/self-check", methods=["POST"])
@allow(SIGNED_IN)
def self_check(code):
    module = _module_or_404(code)
    answers = {}
    for i, q in enumerate(module.self_check):
        raw = request.form.get(f"q{i}")
        answers[i] = int(raw) if raw and raw.isdigit() and int(raw) < len(q["options"]) else None
    results, right = progress.grade_self_check(module, answers)
    row = progress.record_self_check(current_user, module, right)
    db.session.commit()
    if _wants_json():
        return jsonify({
            "right": right, "total": len(results), "best": row.self_check_correct,
            "summary": _("%(right)d of %(n)d right.", right=right, n=len(results)),
            "questions": [{"chosen": chosen, "answer": answer, "correct": ok,
                           "verdict": _("Right.") if ok else _("Not quite."),
                           "explanation": q["explanation"]}
                          for (chosen, answer, ok), q in zip(results, module.self_check, strict=True)],
        })
    return render_template("content/module.html", module=module, progress=row, results=results, right=right,
                           practice=practice_for(module, current_user))


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


@bp.route("/modules/<code>/time", methods=["POST"])
@allow(SIGNED_IN)
def study_time(code):
    """module.js's heartbeat while the page is visible: {"seconds": n}, capped on the server."""
    module = _module_or_404(code)
    data = request.get_json(silent=True) or request.form
    credited = progress.record_heartbeat(current_user, module, data.get("seconds"))
    db.session.commit()
    return jsonify({"credited": credited})


@bp.route("/modules/<code>/complete", methods=["POST"])
@allow(SIGNED_IN)
def complete(code):
    module = _module_or_404(code)
    progress.mark_complete(current_user, module)  # reading time comes from module.js's capped heartbeats
    db.session.commit()
    flash(_("Module marked as completed."), "success")
    return redirect(url_for("content.module", code=code))


@bp.route("/syllabus")
@allow(SIGNED_IN)
def my_syllabus():
    syllabus = None
    if current_user.track and current_user.target_level:
        syllabus = db.session.scalar(db.select(Syllabus).filter_by(track=current_user.track,
                                                                   level=current_user.target_level))
    return render_template("content/syllabus.html", syllabus=syllabus, done=progress.completed_module_ids(current_user))
