"""Gap report pages: a trainee's own report, the same report of a team member for their leader (and
for trainers and HR), the evidence behind each figure, self- and leader assessments, observations,
the team heatmap with assignments, and the org-unit report with its exports."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from kamtrain.accounts.models import OrgUnit, Team, User
from kamtrain.accounts.roles import LEVELS, Role
from kamtrain.competency import charts, operations, profiles, reports
from kamtrain.competency.exports import csv_stream, xlsx_bytes
from kamtrain.competency.models import Category, Indicator, TrackInfo
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError
from kamtrain.core.i18n import current_language, localized
from kamtrain.core.web import client_ip
from kamtrain.development import operations as plans
from kamtrain.development.messages import error_text, template_globals
from kamtrain.development.progress import plan_state

bp = Blueprint("gaps", __name__, url_prefix="/gaps")
bp.record_once(template_globals)

VIEWERS = (Role.LEADER, Role.TRAINER, Role.HR, Role.ADMIN)
OVERSEERS = {Role.TRAINER, Role.HR, Role.ADMIN}


def _person_or_404(user_id):
    """A trainee whose report the current user may see: their leader, a trainer, HR, an admin.
    Anyone else gets 404 (whether the person exists is not theirs to know)."""
    user = db.session.get(User, user_id)
    if user is None or not (current_user.leads(user) or current_user.roles & OVERSEERS):
        abort(404)
    return user


def _member_or_404(user_id):
    """A member of a team the current leader leads."""
    user = db.session.get(User, user_id)
    if user is None or not operations.may_assess(current_user, user):
        abort(404)
    return user


def _category_or_404(code):
    category = db.session.scalar(db.select(Category).filter_by(code=code))
    if category is None:
        abort(404)
    return category


def radar_for(prof, ident="radar"):
    labels = [f"{r.category.number} {localized(r.category, 'name')}" for r in prof.rows]
    target = [r.target for r in prof.rows] if prof.target_level else None
    current = [r.current_target for r in prof.rows] if prof.current_level else None
    geometry = charts.radar_geometry(labels, [r.figure.value for r in prof.rows], target, current)
    legend = {"profile": _("Proficiency now")}
    if prof.target_level:
        legend["target"] = _("Target: %(level)s", level=localized(prof.target_level, "name"))
    if prof.current_level:
        legend["current"] = _("Level held: %(level)s", level=localized(prof.current_level, "name"))
    title = _("Competency profile of %(name)s against the target profile", name=prof.user.full_name)
    return Markup(charts.radar_svg(geometry, title, legend, ident))  # noqa: S704 - charts.py escapes every text


def trend_for(prof, points):
    """Per category a sparkline of the last six months, and the mean over categories per month."""
    sparks, means = {}, []
    for row in prof.rows:
        values = [figs.get(row.category.id).value if figs.get(row.category.id) else None for _m, figs in points]
        title = _("%(category)s over the last six months", category=localized(row.category, "name"))
        sparks[row.category.id] = Markup(charts.sparkline_svg(values, title))  # noqa: S704 - escaped in charts.py
    for moment, figs in points:
        known = [f.value for f in figs.values() if f.value is not None]
        means.append((moment, round(sum(known) / len(known), 1) if known else None))
    mean_spark = Markup(charts.sparkline_svg([m for _d, m in means], _("Mean proficiency over six months"),  # noqa: S704
                                             width=240, height=48))
    return sparks, means, mean_spark


def _report(user, own):
    points = profiles.trend(user, 6)  # the last point is now: the profile's figures
    prof = profiles.profile(user, found=points[-1][1])
    sparks, means, mean_spark = trend_for(prof, points)
    plan = plans.current_plan(user)
    return render_template("competency/report.html", person=user, own=own, profile=prof,
                           radar=radar_for(prof), sparks=sparks, means=means, mean_spark=mean_spark, plan=plan,
                           plan_state=plan_state(plan, current=points[-1][1]) if plan else None,
                           may_assess=operations.may_assess(current_user, user),
                           track=db.session.get(TrackInfo, user.track) if user.track else None,
                           self_assessed=operations.latest_assessment(user, "self"),
                           leader_assessed=operations.latest_assessment(user, "leader"))


@bp.route("/")
@allow(SIGNED_IN)
def mine():
    return _report(current_user, own=True)


@bp.route("/people/<int:user_id>")
@allow(*VIEWERS)
def person(user_id):
    return _report(_person_or_404(user_id), own=False)


def _evidence(user, code, own):
    category = _category_or_404(code)
    prof = profiles.profile(user)
    return render_template("competency/evidence.html", person=user, own=own, category=category,
                           row=prof.row(category.id), lines=profiles.evidence_lines(user, category))


@bp.route("/evidence/<code>")
@allow(SIGNED_IN)
def my_evidence(code):
    return _evidence(current_user, code, own=True)


@bp.route("/people/<int:user_id>/evidence/<code>")
@allow(*VIEWERS)
def person_evidence(user_id, code):
    return _evidence(_person_or_404(user_id), code, own=False)


# ------------------------------------------------------------------------------ assessments


def parse_ratings(form, category_ids):
    """{category_id: (step, comment)} from the assessment form (pure: any mapping of form fields)."""
    ratings = {}
    for cid in category_ids:
        raw = (form.get(f"step-{cid}") or "").strip()
        if raw in ("1", "2", "3", "4"):
            ratings[cid] = (int(raw), (form.get(f"comment-{cid}") or "").strip()[:255])
    return ratings


def _assess(user, kind):
    form = FlaskForm()
    cats = profiles.categories()
    if form.validate_on_submit():
        try:
            operations.record_assessment(current_user, user, kind, parse_ratings(request.form, [c.id for c in cats]),
                                         note=(request.form.get("note") or "").strip()[:2000], ip=client_ip())
        except DomainError as error:
            flash(error_text(error), "error")
        else:
            db.session.commit()
            flash(_("Assessment saved. It now counts in the gap report."), "success")
            return redirect(url_for("gaps.mine") if kind == "self" else url_for("gaps.person", user_id=user.id))
    previous = operations.latest_assessment(user, kind)
    chosen = {r.category_id: r.step for r in previous.ratings} if previous else {}
    return render_template("competency/assess.html", form=form, person=user, kind=kind, categories=cats,
                           indicators=operations.indicators_by_category(), chosen=chosen, previous=previous)


@bp.route("/assess", methods=["GET", "POST"])
@allow(SIGNED_IN)
def self_assess():
    return _assess(current_user, "self")


@bp.route("/people/<int:user_id>/assess", methods=["GET", "POST"])
@allow(Role.LEADER)
def leader_assess(user_id):
    return _assess(_member_or_404(user_id), "leader")


@bp.route("/people/<int:user_id>/observe", methods=["GET", "POST"])
@allow(Role.LEADER)
def observe(user_id):
    user = _member_or_404(user_id)
    form = FlaskForm()
    cats = profiles.categories()
    if form.validate_on_submit():
        try:
            category = db.session.get(Category, request.form.get("category", type=int) or 0)
            step = request.form.get("step", type=int)
            if category is None or step not in (1, 2, 3, 4):
                raise DomainError("nothing_rated")
            indicator = db.session.get(Indicator, request.form.get("indicator", type=int) or 0)
            observed_on = date.fromisoformat(request.form.get("observed_on") or utcnow().date().isoformat())
            operations.record_observation(current_user, user, category, step, observed_on,
                                          customer=(request.form.get("customer") or "").strip(),
                                          note=(request.form.get("note") or "").strip()[:2000],
                                          indicator=indicator, ip=client_ip())
        except ValueError:
            flash(_("Give the visit date as YYYY-MM-DD."), "error")
        except DomainError as error:
            flash(error_text(error), "error")
        else:
            db.session.commit()
            flash(_("Observation saved. It now counts in the gap report."), "success")
            return redirect(url_for("gaps.person", user_id=user.id))
    return render_template("competency/observe.html", form=form, person=user, categories=cats,
                           indicators=operations.indicators_by_category(), today=utcnow().date())


# ------------------------------------------------------------------------------ team leaders


def _teams_for_page():
    oversees = bool(current_user.roles & OVERSEERS)
    team_id = request.args.get("team", type=int)
    if team_id is not None:
        team = db.session.get(Team, team_id)
        if team is None or (team.leader_id != current_user.id and not oversees):
            abort(404)
        return [team], []
    led = db.session.scalars(db.select(Team).filter_by(leader_id=current_user.id).order_by(Team.name)).all()
    others = db.session.scalars(db.select(Team).order_by(Team.name)).all() if oversees and not led else []
    return led, others


def assign_options(category):
    """What a leader may assign for a category: its modules, its practice quiz, the open exams, its scenarios."""
    from kamtrain.assessment.quizzes import EXAM, Quiz
    from kamtrain.content.models import Module, ModuleCategory
    from kamtrain.scenarios.models import ScenarioRecord

    modules = db.session.scalars(
        db.select(Module).join(ModuleCategory, ModuleCategory.module_id == Module.id)
        .where(ModuleCategory.category_id == category.id, Module.retired.is_(False))
        .order_by(ModuleCategory.position, Module.code)).all()
    scenarios = [s for s in db.session.scalars(db.select(ScenarioRecord).where(ScenarioRecord.retired.is_(False))
                                               .order_by(ScenarioRecord.id)) if category.code in (s.categories or [])]
    exams = db.session.scalars(db.select(Quiz).where(Quiz.kind == EXAM, Quiz.active.is_(True))
                               .order_by(Quiz.created_at.desc()).limit(20)).all()
    return {"modules": modules, "scenarios": scenarios, "exams": exams}


@bp.route("/team")
@allow(Role.LEADER, Role.TRAINER, Role.HR, Role.ADMIN)
def team():
    teams, others = _teams_for_page()
    team_reports = []
    for t in teams:
        report = reports.team_report(t)
        member_plans = {m.user.id: plans.current_plan(m.user) for m in report.members}
        states = {uid: plan_state(p) for uid, p in member_plans.items() if p is not None}
        team_reports.append((report, member_plans, states,
                             {w.category.id: assign_options(w.category) for w in report.weakest}))
    return render_template("competency/team.html", team_reports=team_reports, others=others,
                           may_assign=lambda t: t.leader_id == current_user.id or Role.ADMIN in current_user.roles,
                           today=utcnow().date())


@bp.route("/team/<int:team_id>/assign", methods=["POST"])
@allow(Role.LEADER, Role.ADMIN)
def assign(team_id):
    team = db.session.get(Team, team_id)
    if team is None or (team.leader_id != current_user.id and Role.ADMIN not in current_user.roles):
        abort(404)
    form = FlaskForm()
    back = url_for("gaps.team", team=team.id) if team.leader_id != current_user.id else url_for("gaps.team")
    if not form.validate_on_submit():
        abort(400)
    what = request.form.get("what") or ""
    kind, _sep, ref = what.partition(":")
    category = db.session.get(Category, request.form.get("category", type=int) or 0)
    due_raw = request.form.get("due_on") or ""
    try:
        due_on = date.fromisoformat(due_raw) if due_raw else None
        thing = plans.assignable(kind, ref)
        target = request.form.get("to") or "team"
        members = {m.id: m for m in reports.team_members(team)}
        if target == "team":
            plans.assign(current_user, kind, thing, team=team, category=category, due_on=due_on,
                         note=request.form.get("note") or "", ip=client_ip())
        else:
            member = members.get(int(target)) if target.isdigit() else None
            if member is None:
                raise DomainError("nothing_chosen")
            plans.assign(current_user, kind, thing, users=[member], category=category, due_on=due_on,
                         note=request.form.get("note") or "", ip=client_ip())
    except ValueError:
        flash(_("Give the due date as YYYY-MM-DD."), "error")
        return redirect(back)
    except DomainError as error:
        flash(error_text(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Assigned. It is in the development plan of everyone it was assigned to."), "success")
    return redirect(back)


# ------------------------------------------------------------------------------ HR and trainers


def _filters():
    track = request.args.get("track") or None
    level = request.args.get("level", type=int)
    unit_id = request.args.get("unit", type=int)
    tracks = db.session.scalars(db.select(TrackInfo).order_by(TrackInfo.code.desc())).all()
    if track not in {t.code for t in tracks}:
        track = None
    if level not in LEVELS:
        level = None
    if unit_id is not None and db.session.get(OrgUnit, unit_id) is None:
        unit_id = None
    return reports.Filters(unit_id=unit_id, track=track, level=level), tracks


@bp.route("/org")
@allow(Role.TRAINER, Role.HR, Role.ADMIN)
def org():
    filters, tracks = _filters()
    names = {t.code: localized(t, "name") for t in tracks}
    report = reports.org_report(filters, track_names=names)
    units = db.session.scalars(db.select(OrgUnit).order_by(OrgUnit.name)).all()
    dists = {}
    for i, stats in enumerate(report.overall):
        counts = stats.buckets + [stats.none]
        dists[i] = Markup(charts.distribution_svg(  # noqa: S704 - distribution_svg escapes its title
            counts, _("Trainees per step 1–4 and without evidence: %(counts)s",
                      counts=" / ".join(str(c) for c in counts))))
    return render_template("competency/org.html", report=report, filters=filters, tracks=tracks,
                           units=sorted(units, key=lambda u: u.path), dists=dists)


def _export_name(ext):
    return f"gap-report-{utcnow().date().isoformat()}.{ext}"


@bp.route("/org/export.xlsx")
@allow(Role.TRAINER, Role.HR, Role.ADMIN)
def export_xlsx():
    filters, _tracks = _filters()
    data = xlsx_bytes(filters, lang=current_language())
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{_export_name("xlsx")}"'})


@bp.route("/org/export.csv")
@allow(Role.TRAINER, Role.HR, Role.ADMIN)
def export_csv():
    filters, _tracks = _filters()
    return Response(csv_stream(filters, lang=current_language()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{_export_name("csv")}"'})
