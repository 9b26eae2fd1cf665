"""Development plan pages: my plan (generate, edit, agree, tick actions, download the PDF), a team
member's plan for their leader (approve, send back, review: close or renew), and the history."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from kamtrain.accounts.models import User
from kamtrain.accounts.roles import Role
from kamtrain.competency.models import TrackInfo
from kamtrain.competency.profiles import categories, profile
from kamtrain.competency.report_views import radar_for
from kamtrain.content.models import Module
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError
from kamtrain.core.i18n import current_language
from kamtrain.core.web import client_ip
from kamtrain.development import operations as ops
from kamtrain.development.messages import error_text, template_globals
from kamtrain.development.models import DevelopmentPlan, PlanItem
from kamtrain.development.progress import plan_state
from kamtrain.scenarios.models import ScenarioRecord

bp = Blueprint("plans", __name__, url_prefix="/plan")
bp.record_once(template_globals)

LEADS = (Role.LEADER, Role.ADMIN)


def _plan_or_404(plan_id):
    plan = db.session.get(DevelopmentPlan, plan_id)
    if plan is None or not ops.may_view(current_user, plan.user):
        abort(404)
    return plan


def _item_or_404(plan, item_id):
    item = db.session.get(PlanItem, item_id)
    if item is None or item.plan_id != plan.id:
        abort(404)
    return item


def _checked_form():
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    return form


def _done(plan, message):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("plans.view", plan_id=plan.id))


def _refused(plan, error):
    db.session.rollback()
    flash(error_text(error), "error")
    return redirect(url_for("plans.view", plan_id=plan.id))


def _page(plan, person):
    state = plan_state(plan) if plan else None
    prof = profile(person, towards=plan.level if plan else None)  # the plan's targets, as its goals were set
    return render_template("development/plan.html", plan=plan, state=state, person=person, profile=prof,
                           radar=radar_for(prof, "plan-radar"), form=FlaskForm(),
                           own=person.id == current_user.id, leads=ops.may_lead(current_user, person),
                           history=ops.plans_of(person), today=utcnow().date(),
                           track=db.session.get(TrackInfo, person.track) if person.track else None)


@bp.route("/")
@allow(SIGNED_IN)
def mine():
    return _page(ops.current_plan(current_user), current_user)


@bp.route("/generate", methods=["POST"])
@allow(SIGNED_IN)
def generate():
    _checked_form()
    try:
        plan = ops.generate_plan(current_user, current_user, lang=current_language())
    except DomainError as error:
        flash(error_text(error), "error")
        return redirect(url_for("plans.mine"))
    db.session.commit()
    flash(_("Your draft plan is ready. Change what you like, then agree to it."), "success")
    return redirect(url_for("plans.view", plan_id=plan.id))


@bp.route("/people/<int:user_id>")
@allow(Role.LEADER, Role.HR, Role.ADMIN)
def person(user_id):
    user = db.session.get(User, user_id)
    if user is None or not ops.may_view(current_user, user):
        abort(404)
    plan = ops.current_plan(user)
    if plan is not None:
        return redirect(url_for("plans.view", plan_id=plan.id))
    return _page(None, user)


@bp.route("/people/<int:user_id>/generate", methods=["POST"])
@allow(*LEADS)
def generate_for(user_id):
    user = db.session.get(User, user_id)
    if user is None or not ops.may_lead(current_user, user):
        abort(404)
    _checked_form()
    try:
        plan = ops.generate_plan(current_user, user)
    except DomainError as error:
        flash(error_text(error), "error")
        return redirect(url_for("plans.person", user_id=user.id))
    db.session.commit()
    flash(_("A draft plan was generated. The trainee edits and agrees to it, then you approve it."), "success")
    return redirect(url_for("plans.view", plan_id=plan.id))


@bp.route("/<int:plan_id>")
@allow(SIGNED_IN)
def view(plan_id):
    plan = _plan_or_404(plan_id)
    return _page(plan, plan.user)


def _date(value):
    value = (value or "").strip()
    return date.fromisoformat(value) if value else None


def add_options():
    """What a trainee may add to a draft: modules, the practice quiz of a category, scenarios."""
    modules = db.session.scalars(db.select(Module).where(Module.retired.is_(False)).order_by(Module.code)).all()
    scenarios = db.session.scalars(db.select(ScenarioRecord).where(ScenarioRecord.retired.is_(False))
                                   .order_by(ScenarioRecord.id)).all()
    return {"modules": modules, "categories": categories(), "scenarios": scenarios}


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@allow(SIGNED_IN)
def edit(plan_id):
    plan = _plan_or_404(plan_id)
    if not (plan.editable and (plan.user_id == current_user.id or ops.may_lead(current_user, plan.user))):
        flash(error_text("plan_not_editable"), "error")
        return redirect(url_for("plans.view", plan_id=plan.id))
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            goals = {g.id: (request.form.get(f"goal-{g.id}-text"), _date(request.form.get(f"goal-{g.id}-due")))
                     for g in plan.goals}
            items = {i.id: (_date(request.form.get(f"item-{i.id}-due")), request.form.get(f"item-{i.id}-text"))
                     for i in plan.items}
            ops.edit_plan(current_user, plan, goals, items)
        except ValueError:
            flash(_("Give dates as YYYY-MM-DD."), "error")
        except DomainError as error:
            return _refused(plan, error)
        else:
            return _done(plan, _("Plan saved."))
    return render_template("development/edit.html", plan=plan, form=form, options=add_options(),
                           state=plan_state(plan))


@bp.route("/<int:plan_id>/items", methods=["POST"])
@allow(SIGNED_IN)
def add_item(plan_id):
    plan = _plan_or_404(plan_id)
    _checked_form()
    kind, _sep, ref = (request.form.get("what") or "").partition(":")
    goal = next((g for g in plan.goals if g.id == request.form.get("goal", type=int)), None)
    try:
        due = _date(request.form.get("due_on"))
        if kind == "action":
            ops.add_item(current_user, plan, "action", goal=goal, text=request.form.get("text") or "", due_on=due)
        else:
            thing = ops.assignable(kind, ref)
            if thing is None:
                raise DomainError("nothing_chosen")
            ops.add_item(current_user, plan, kind, goal=goal, module=thing if kind == "module" else None,
                         quiz=thing if kind == "quiz" else None, scenario=thing if kind == "scenario" else None,
                         due_on=due)
        ops._event(plan, current_user, "edited")
    except ValueError:
        flash(_("Give dates as YYYY-MM-DD."), "error")
        return redirect(url_for("plans.edit", plan_id=plan.id))
    except DomainError as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for("plans.edit", plan_id=plan.id))
    db.session.commit()
    flash(_("Activity added."), "success")
    return redirect(url_for("plans.edit", plan_id=plan.id))


@bp.route("/<int:plan_id>/items/<int:item_id>/remove", methods=["POST"])
@allow(SIGNED_IN)
def remove_item(plan_id, item_id):
    plan = _plan_or_404(plan_id)
    item = _item_or_404(plan, item_id)
    _checked_form()
    try:
        ops.remove_item(current_user, plan, item)
    except DomainError as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for("plans.edit", plan_id=plan.id))
    db.session.commit()
    flash(_("Activity removed."), "success")
    return redirect(url_for("plans.edit", plan_id=plan.id))


@bp.route("/<int:plan_id>/items/<int:item_id>/tick", methods=["POST"])
@allow(SIGNED_IN)
def tick(plan_id, item_id):
    plan = _plan_or_404(plan_id)
    item = _item_or_404(plan, item_id)
    _checked_form()
    try:
        ops.tick(current_user, plan, item, done=request.form.get("done") == "1")
    except DomainError as error:
        return _refused(plan, error)
    return _done(plan, _("Action marked done.") if item.done_at else _("Action marked not done."))


@bp.route("/<int:plan_id>/agree", methods=["POST"])
@allow(SIGNED_IN)
def agree(plan_id):
    plan = _plan_or_404(plan_id)
    _checked_form()
    try:
        ops.agree(current_user, plan, request.form.get("comment") or "")
    except DomainError as error:
        return _refused(plan, error)
    return _done(plan, _("You agreed to the plan. Your team leader will approve it."))


@bp.route("/<int:plan_id>/reopen", methods=["POST"])
@allow(SIGNED_IN)
def reopen(plan_id):
    plan = _plan_or_404(plan_id)
    _checked_form()
    try:
        ops.reopen(current_user, plan, request.form.get("comment") or "")
    except DomainError as error:
        return _refused(plan, error)
    return _done(plan, _("The plan is a draft again: change it, then agree to it again."))


@bp.route("/<int:plan_id>/approve", methods=["POST"])
@allow(*LEADS)
def approve(plan_id):
    plan = _plan_or_404(plan_id)
    _checked_form()
    try:
        ops.approve(current_user, plan, request.form.get("comment") or "", ip=client_ip())
    except DomainError as error:
        return _refused(plan, error)
    return _done(plan, _("Plan approved."))


@bp.route("/<int:plan_id>/send-back", methods=["POST"])
@allow(*LEADS)
def send_back(plan_id):
    plan = _plan_or_404(plan_id)
    _checked_form()
    try:
        ops.send_back(current_user, plan, request.form.get("comment") or "", ip=client_ip())
    except DomainError as error:
        return _refused(plan, error)
    return _done(plan, _("Plan sent back to the trainee with your comment."))


@bp.route("/<int:plan_id>/review", methods=["POST"])
@allow(*LEADS)
def review(plan_id):
    plan = _plan_or_404(plan_id)
    _checked_form()
    try:
        new = ops.review(current_user, plan, request.form.get("outcome") or "", request.form.get("note") or "",
                         ip=client_ip())
    except DomainError as error:
        return _refused(plan, error)
    db.session.commit()
    if new is not None:
        flash(_("Plan renewed: a new draft for the next period was generated from the current gaps."), "success")
        return redirect(url_for("plans.view", plan_id=new.id))
    flash(_("Plan reviewed and closed."), "success")
    return redirect(url_for("plans.view", plan_id=plan.id))


@bp.route("/<int:plan_id>/pdf")
@allow(SIGNED_IN)
def pdf(plan_id):
    from kamtrain.development.pdf import plan_pdf

    plan = _plan_or_404(plan_id)
    data = plan_pdf(plan, lang=current_language())
    name = f"development-plan-{plan.user.username}-{plan.id}.pdf"
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
