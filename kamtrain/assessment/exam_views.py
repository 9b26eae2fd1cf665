"""Exams for trainers and team leaders: sittings per syllabus (window, limits, review policy), who they
are assigned to, the attempts and results, the blueprint against the bank, and item analysis."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func

from kamtrain.accounts.models import Team, User
from kamtrain.accounts.roles import Role
from kamtrain.assessment import delivery, item_analysis, quiz_operations
from kamtrain.assessment.attempts import Attempt
from kamtrain.assessment.exam_forms import AssignForm, ConfirmForm, ExamForm
from kamtrain.assessment.exam_messages import ASSIGN_ERRORS, template_globals
from kamtrain.assessment.quizzes import EXAM, Quiz, QuizAssignment
from kamtrain.competency.models import Category
from kamtrain.content.models import Syllabus
from kamtrain.core.access import allow
from kamtrain.core.db import db
from kamtrain.core.errors import DomainError
from kamtrain.core.i18n import localized
from kamtrain.core.web import client_ip, get_or_404

bp = Blueprint("exams", __name__, url_prefix="/exams")
bp.record_once(template_globals)

STAFF = (Role.TRAINER, Role.ADMIN)
ASSIGNERS = (Role.TRAINER, Role.ADMIN, Role.LEADER)


def _is_staff():
    return quiz_operations.is_staff(current_user)


def _quiz_for_assigners(quiz_id):
    quiz = get_or_404(Quiz, quiz_id)
    if not quiz.is_exam and not _is_staff():
        abort(404)
    return quiz


def _syllabus_choices():
    return [(str(s.id), localized(s, "title")) for s in
            db.session.scalars(db.select(Syllabus).order_by(Syllabus.track.desc(), Syllabus.level.desc()))]


@bp.route("/")
@allow(*ASSIGNERS)
def index():
    quizzes = db.session.scalars(db.select(Quiz).where(Quiz.kind == EXAM).order_by(Quiz.created_at.desc(),
                                                                                  Quiz.id.desc())).all()
    practice = []
    if _is_staff():
        practice = db.session.scalars(db.select(Quiz).where(Quiz.kind != EXAM).order_by(Quiz.code)).all()
    counts = dict(db.session.execute(db.select(Attempt.quiz_id, func.count()).group_by(Attempt.quiz_id)).all())
    passed = dict(db.session.execute(db.select(Attempt.quiz_id, func.count()).where(Attempt.passed.is_(True))
                                     .group_by(Attempt.quiz_id)).all())
    return render_template("exams/list.html", quizzes=quizzes, practice=practice, counts=counts, passed=passed,
                           syllabi=db.session.scalars(db.select(Syllabus).order_by(Syllabus.code)).all(),
                           staff=_is_staff())


@bp.route("/new", methods=["GET", "POST"])
@allow(*STAFF)
def new():
    form = ExamForm()
    form.syllabus.choices = _syllabus_choices()
    if request.method == "GET":
        chosen = db.session.scalar(db.select(Syllabus).filter_by(code=request.args.get("syllabus", "")))
        if chosen is not None:
            defaults = quiz_operations.exam_defaults(chosen)
            form.syllabus.data = str(chosen.id)
            for key in ("title_zh", "title_en", "time_limit_minutes", "max_attempts", "wait_days", "pass_mark",
                        "review_policy", "layout"):
                getattr(form, key).data = defaults[key]
    if form.validate_on_submit():
        syllabus = db.session.get(Syllabus, int(form.syllabus.data)) or abort(400)
        quiz = quiz_operations.create_exam(current_user, syllabus, ip=client_ip(), **form.settings())
        db.session.commit()
        flash(_("Exam created. Now assign it to trainees or teams."), "success")
        return redirect(url_for("exams.manage", quiz_id=quiz.id))
    return render_template("exams/form.html", form=form, quiz=None)


@bp.route("/<int:quiz_id>/edit", methods=["GET", "POST"])
@allow(*STAFF)
def edit(quiz_id):
    quiz = get_or_404(Quiz, quiz_id)
    form = ExamForm()
    form.syllabus.choices = _syllabus_choices() if quiz.syllabus_id else [("", "—")]
    if request.method == "GET":
        form.fill(quiz)
    form.syllabus.data = str(quiz.syllabus_id or "")
    if form.validate_on_submit():
        changed = quiz_operations.update_exam(current_user, quiz, ip=client_ip(), **form.settings())
        if request.form.get("refresh_blueprint"):
            quiz_operations.refresh_blueprint(current_user, quiz, ip=client_ip())
        db.session.commit()
        flash(_("Saved.") if changed else _("Nothing changed."), "success")
        return redirect(url_for("exams.manage", quiz_id=quiz.id))
    return render_template("exams/form.html", form=form, quiz=quiz)


@bp.route("/<int:quiz_id>")
@allow(*ASSIGNERS)
def manage(quiz_id):
    quiz = _quiz_for_assigners(quiz_id)
    staff = _is_staff()
    assignments = [a for a in quiz.assignments if quiz_operations.may_manage_assignment(current_user, a)]
    query = db.select(Attempt).join(User, User.id == Attempt.user_id).where(Attempt.quiz_id == quiz.id)
    if not staff:
        query = query.where(User.team_id.in_(db.select(Team.id).where(Team.leader_id == current_user.id)))
    attempts = db.session.scalars(query.order_by(User.username, Attempt.number)).all()
    form = AssignForm()
    form.users.choices = [(str(u.id), f"{u.full_name} ({u.username})")
                          for u in quiz_operations.assignable_trainees(current_user)]
    form.teams.choices = [(str(t.id), t.name) for t in quiz_operations.assignable_teams(current_user)]
    coverage = delivery.coverage(quiz) if staff else None
    categories = {c.code: c for c in db.session.scalars(db.select(Category))} if coverage else {}
    return render_template("exams/manage.html", quiz=quiz, staff=staff, assignments=assignments, attempts=attempts,
                           form=form, confirm=ConfirmForm(), coverage=coverage, categories=categories)


@bp.route("/<int:quiz_id>/assign", methods=["POST"])
@allow(*ASSIGNERS)
def assign(quiz_id):
    quiz = _quiz_for_assigners(quiz_id)
    form = AssignForm()
    form.users.choices, form.teams.choices = [], []
    if not form.validate_on_submit():
        abort(400)
    users = db.session.scalars(db.select(User).where(User.id.in_(_ids(form.users.data)))).all()
    teams = db.session.scalars(db.select(Team).where(Team.id.in_(_ids(form.teams.data)))).all()
    try:
        created = quiz_operations.assign(current_user, quiz, users=users, teams=teams, ip=client_ip())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(ASSIGN_ERRORS.get(str(error), error)), "error")
        return redirect(url_for("exams.manage", quiz_id=quiz.id))
    flash(ngettext("%(num)d assignment added.", "%(num)d assignments added.", len(created)), "success")
    return redirect(url_for("exams.manage", quiz_id=quiz.id))


def _ids(values):
    return [int(v) for v in values or [] if str(v).isdigit()]


@bp.route("/<int:quiz_id>/assignments/<int:assignment_id>/remove", methods=["POST"])
@allow(*ASSIGNERS)
def unassign(quiz_id, assignment_id):
    quiz = _quiz_for_assigners(quiz_id)
    assignment = db.session.get(QuizAssignment, assignment_id)
    if assignment is None or assignment.quiz_id != quiz.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        quiz_operations.unassign(current_user, assignment, ip=client_ip())
    except DomainError:
        abort(403)
    db.session.commit()
    flash(_("Assignment removed."), "success")
    return redirect(url_for("exams.manage", quiz_id=quiz.id))


# ------------------------------------------------------------------------------ item analysis

def _chart_labels():
    return {"title": _("Facility and discrimination of each question"), "x": _("Facility index"),
            "y": _("Discrimination index")}


@bp.route("/<int:quiz_id>/analysis")
@allow(*STAFF)
def analysis(quiz_id):
    quiz = get_or_404(Quiz, quiz_id)
    result = item_analysis.analyse(quiz)
    chart = Markup(item_analysis.chart_svg(result, _chart_labels())) if result.items else None
    return render_template("exams/analysis.html", quiz=quiz, analysis=result, chart=chart,
                           low=item_analysis.FACILITY_LOW, high=item_analysis.FACILITY_HIGH,
                           weak=item_analysis.DISCRIMINATION_LOW)


@bp.route("/<int:quiz_id>/analysis.svg")
@allow(*STAFF)
def analysis_chart(quiz_id):
    quiz = get_or_404(Quiz, quiz_id)
    svg = item_analysis.chart_svg(item_analysis.analyse(quiz), _chart_labels())
    return Response(svg, mimetype="image/svg+xml")
