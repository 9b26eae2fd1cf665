"""Trainers' marking queue for essay answers (with the question's rubric), and regrading every attempt
of a corrected question."""

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kamtrain.accounts.roles import Role
from kamtrain.assessment import grading, rendering
from kamtrain.assessment.attempts import AttemptSlot
from kamtrain.assessment.exam_forms import ConfirmForm, MarkForm
from kamtrain.assessment.exam_messages import MARK_ERRORS, template_globals
from kamtrain.assessment.models import Question
from kamtrain.core.access import allow
from kamtrain.core.db import db
from kamtrain.core.errors import DomainError
from kamtrain.core.web import client_ip, get_or_404

bp = Blueprint("marking", __name__, url_prefix="/marking")
bp.record_once(template_globals)

STAFF = (Role.TRAINER, Role.ADMIN)


@bp.route("/")
@allow(*STAFF)
def queue():
    slots = grading.marking_queue()
    return render_template("exams/marking.html", slots=slots)


@bp.route("/<int:slot_id>", methods=["GET", "POST"])
@allow(*STAFF)
def mark(slot_id):
    slot = get_or_404(AttemptSlot, slot_id)
    question = grading.question_of(slot.version)
    if question.qtype != "essay":
        abort(404)
    form = MarkForm()
    if request.method == "GET" and slot.fraction is not None:
        form.points.data = Decimal(str(round(slot.fraction * slot.mark, 2)))
        form.comment.data = slot.comment
    if form.validate_on_submit():
        points = float(form.points.data)
        try:
            grading.mark_essay(slot, current_user, points / slot.mark if slot.mark else 0.0, form.comment.data,
                               ip=client_ip())
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            form.points.errors = [*form.points.errors, MARK_ERRORS.get(str(error), str(error))]
        else:
            flash(_("Mark saved."), "success")
            following = next((s for s in grading.marking_queue() if s.id != slot.id), None)
            if following is not None and request.form.get("next"):
                return redirect(url_for("marking.mark", slot_id=following.id))
            return redirect(url_for("marking.queue"))
    return render_template("exams/mark.html", slot=slot, attempt=slot.attempt, question=question, form=form,
                           text=rendering.render_text(question.text, question.text_format),
                           rubric=_rubric(question), rubric_from_feedback=not question.grader_info)


def _rubric(question):
    """The rubric a trainer marks against: the question's grader information, or (GIFT has no field
    for it) its general feedback, where the team's essay questions state their marking points."""
    if question.grader_info:
        return rendering.render_text(question.grader_info, "html")
    if question.general_feedback:
        return rendering.render_text(question.general_feedback, question.text_format)
    return None


@bp.route("/regrade/<int:question_id>", methods=["GET", "POST"])
@allow(*STAFF)
def regrade(question_id):
    """GET: what a regrade with the question's current version would change (nothing written).
    POST: do it, audited."""
    row = get_or_404(Question, question_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        report = grading.regrade_question(row, current_user, ip=client_ip())
        db.session.commit()
        flash(_("Regrade done. Answers changed: %(n)d; attempts: %(a)d; results changed: %(r)d.",
                n=report.changed, a=len(report.attempts), r=report.results_changed), "success")
        return redirect(url_for("marking.regrade", question_id=row.id))
    report = grading.regrade_question(row, current_user, dry_run=True)
    return render_template("exams/regrade.html", row=row, report=report, form=form,
                           attempts=grading.attempts_of_question(row))
