"""Gap report pages: a trainee's own report, the same report of a team member for their leader (and
for trainers and HR), the evidence behind each figure, self- and leader assessments, observations,
the team heatmap with assignments, and the org-unit report with its exports."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy.orm import joinedload

from kamtrain.accounts.models import OrgUnit, Team, User
from kamtrain.accounts.roles import LEVELS, Role
from kamtrain.competency import charts, operations, profiles, reports
from kamtrain.competency.exports import csv_stream, xlsx_bytes
from kamtrain.competency.models import Category, Indicator, TrackInfo
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.cache import KeptPerProcess
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError
from kamtrain.core.i18n import current_language, localized
from kamtrain.core.web import client_ip
from kamtrain.development import operations as plans
from kamtrain.development.messages import FIGURE_STATES, error_text, template_globals
from kamtrain.development.progress import plan_rows, plan_state, plan_summary

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


# ------------------------------------------------------------------------------ the report page

_LABELS = {}  # locale → the report's translated texts (immutable per process: translations do not change)


def labels():
    """The texts the report draws many times, translated once per process and locale (a format
    string's placeholders are filled per use, as ``gettext(text, **values)`` would)."""
    key = str(get_locale())
    found = _LABELS.get(key)
    if found is None:
        found = _LABELS[key] = {
            "meets": str(escape(_("Meets"))),
            "none": str(escape(str(FIGURE_STATES["none"]))),
            "provisional": str(escape(str(FIGURE_STATES["provisional"]))),
            "profile": _("Proficiency now"),
            "target": _("Target: %(level)s"),
            "current": _("Level held: %(level)s"),
            "title": _("Competency profile of %(name)s against the target profile"),
            "spark": _("%(category)s over the last six months"),
            "mean_spark": _("Mean proficiency over six months"),
        }
    return found


def figure_html(fig, texts=None):
    """A figure as the report shows it: value with one decimal, marked when provisional, a dash when
    there is no evidence (the ``figure_value`` macro of competency/_gap_macros.html). ``texts``: the
    ``labels()`` when the caller has them."""
    texts = texts or labels()
    if fig.value is None:
        return Markup(f'<span class="fig none" title="{texts["none"]}">—</span>')  # noqa: S704 - escaped texts
    mark = "" if fig.reliable else f'<span class="prov-mark" aria-label="{texts["provisional"]}">*</span>'
    return Markup(f'<span class="fig {fig.state}">{fig.shown:.1f}{mark}</span>')  # noqa: S704 - no user text


def gap_html(gap, texts=None):
    """A gap as a badge: "meets", or how far below the target (the ``gap_badge`` macro)."""
    if gap is None:
        return Markup('<span class="muted">—</span>')
    if gap <= 0:
        return Markup(f'<span class="gap ok">{(texts or labels())["meets"]}</span>')  # noqa: S704 - escaped
    return Markup(f'<span class="gap {"large" if gap > 1.0 else "small"}">−{gap:.1f}</span>')  # noqa: S704


@bp.record_once
def _report_globals(state):
    state.app.jinja_env.globals.update(figure_html=figure_html, gap_html=gap_html)


def radar_for(prof, ident="radar"):
    texts = labels()
    names = {r.category.id: f"{r.category.number} {localized(r.category, 'name')}" for r in prof.rows}
    return _radar(prof, [names[r.category.id] for r in prof.rows], texts, ident)


def _radar(prof, names, texts, ident="radar"):
    target = [r.target for r in prof.rows] if prof.target_level else None
    current = [r.current_target for r in prof.rows] if prof.current_level else None
    geometry = charts.radar_geometry(names, [r.figure.value for r in prof.rows], target, current)
    legend = {"profile": texts["profile"]}
    if prof.target_level:
        legend["target"] = texts["target"] % {"level": localized(prof.target_level, "name")}
    if prof.current_level:
        legend["current"] = texts["current"] % {"level": localized(prof.current_level, "name")}
    title = texts["title"] % {"name": prof.user.full_name}
    return Markup(charts.radar_svg(geometry, title, legend, ident))  # noqa: S704 - charts.py escapes every text


@lru_cache(maxsize=512)
def _month_label(moment, locale, timezone):
    """A trend column's heading: the month's short name in the reader's time zone ("Jul", "7月"), so
    the months and "now" fit a phone's width; the locale and the time zone the current request
    formats with are part of the key."""
    return format_date(moment, "MMM")


def trend_for(prof, points, texts=None, names=None):
    """Per category a sparkline of the last six months, and per month (moment, the mean over the
    categories, the column's heading). ``names``: {category id: name} when the caller has them."""
    texts = texts or labels()
    sparks, means = {}, []
    for row in prof.rows:
        cid = row.category.id
        values = [figs[cid].value if cid in figs else None for _m, figs in points]
        name = names[cid] if names else localized(row.category, "name")
        title = texts["spark"] % {"category": name}
        sparks[cid] = Markup(charts.sparkline_svg(values, title))  # noqa: S704 - escaped in charts.py
    locale, timezone = str(get_locale()), str(get_timezone())
    for i, (moment, figs) in enumerate(points):
        known = [f.value for f in figs.values() if f.value is not None]
        last = i == len(points) - 1  # "now", headed as such
        means.append((moment, round(sum(known) / len(known), 1) if known else None,
                      None if last else _month_label(moment, locale, timezone)))
    mean_spark = Markup(charts.sparkline_svg([m for _d, m, _l in means], texts["mean_spark"],  # noqa: S704
                                             width=240, height=48))
    return sparks, means, mean_spark


@dataclass
class ReportRow:
    """A category's line of the report, ready to draw: the ``CategoryRow`` and its markup."""

    row: object  # profiles.CategoryRow
    name: str  # "7 问题分析与处理"
    url: str  # the evidence behind the figure
    figure: Markup
    gap: Markup
    spark: Markup


@lru_cache(maxsize=1)
def _latest_assessments_statement():
    from kamtrain.competency.assessments import Assessment

    a = Assessment.__table__.c
    return (select(a.kind, func.max(a.assessed_at))
            .where(a.user_id == bindparam("user_id"),
                   a.kind.in_([literal_column("'self'"), literal_column("'leader'")]))  # constants, not parameters
            .group_by(a.kind))


def _latest_assessments(user_id):
    """{kind: when} of the trainee's latest self- and leader assessment (one GROUP BY)."""
    return dict(db.session.connection().execute(_latest_assessments_statement(), {"user_id": user_id}).all())


# Per process: rendered report bodies (competency/_report_body.html) under the complete list of
# what they show — the trainee's evidence sums up to now and each figure's state (reliable or not
# changes with time alone), the month starts of the trend, the content rows (categories, targets,
# track and level names), the plan's rows (plan, goals, activities and what of them is done), the
# latest assessments, the person's names and levels, the viewer's relation to them, the language,
# the time zone and the URL root. All of it is read from the database for every request, so a kept
# body is exactly what rendering again would give, on any app server; a change anywhere is a new
# key. Bounded, oldest entries dropped.
_bodies = KeptPerProcess(size=256)


def _report(user, own):
    """The gap report page. Four Core queries read everything it shows: the trainee's sums up to now
    (the profile's figures), the content rows (categories with both levels' targets, track and level
    names), the plan's rows and the latest assessments. The report below the page head is rendered
    from them — the trend's earlier months (one more GROUP BY, only when the evidence or the month
    changed: ``profiles.trend``), the radar (fixed parts drawn once per process), the sparklines, the
    rows ready to draw — and kept per process under those rows (``_bodies``)."""
    moments = profiles.month_ends(6)
    now = moments[-1]
    now_rows = profiles.now_sums(user.id, now)
    found = profiles.figures_from_rows(now_rows, now)
    content = profiles.content_rows(user)
    prof, track = profiles.report_profile(user, found, now, rows=content)
    planned = plan_rows(user.id)
    assessed = _latest_assessments(user.id)
    may_assess = not own and operations.may_assess(current_user, user)
    # without an open plan the owner's report carries the "generate" form and its CSRF token: not kept
    keep = bool(planned) or not own or prof.target_level is None
    key = (user.id, user.full_name, user.track, user.target_level, user.current_level, own,
           str(get_locale()), str(get_timezone()), request.script_root, tuple(moments[:-1]),
           tuple(tuple(row) for row in now_rows), tuple((cid, f.state) for cid, f in found.items()),
           tuple(tuple(row) for row in content), tuple(tuple(row) for row in planned),
           tuple(sorted(assessed.items())))
    body = _bodies.get(key) if keep else None
    if body is None:
        body = _report_body(user, own, prof, found, moments, now_rows, planned, assessed)
        if keep:
            _bodies.put(key, body)
    return render_template("competency/report.html", person=user, own=own, may_assess=may_assess, track=track,
                           as_of=now, has_target=prof.target_level is not None, body=body)


def _report_body(user, own, prof, found, moments, now_rows, planned, assessed):
    points = profiles.trend(user, len(moments), now=moments[-1], now_rows=now_rows)
    texts = labels()
    names = {r.category.id: localized(r.category, "name") for r in prof.rows}
    sparks, means, mean_spark = trend_for(prof, points, texts, names)
    endpoint = "gaps.my_evidence" if own else "gaps.person_evidence"
    url_template = url_for(endpoint, code="__code__", **({} if own else {"user_id": user.id}))
    rows = {}
    for r in prof.rows:
        name = f"{r.category.number} {names[r.category.id]}"
        rows[r.category.id] = ReportRow(r, name, url_template.replace("__code__", quote(r.category.code, safe="")),
                                        figure_html(r.figure, texts), gap_html(r.gap, texts), sparks[r.category.id])
    return Markup(render_template(  # noqa: S704 - a rendered (autoescaped) template
        "competency/_report_body.html", person=user, own=own, profile=prof,
        rows=[rows[r.category.id] for r in prof.rows],
        weakest=[(rows[r.category.id], gap_html(r.gap if r.figure.value is not None else r.shortfall, texts))
                 for r in prof.weakest],
        strongest=[rows[r.category.id] for r in prof.strongest],
        radar=_radar(prof, [row.name for row in rows.values()], texts), means=means, mean_spark=mean_spark,
        plan=plan_summary(user.id, found, rows=planned),
        self_assessed=assessed.get("self"), leader_assessed=assessed.get("leader")))


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
    lines = profiles.evidence_lines(user, category)
    return render_template("competency/evidence.html", person=user, own=own, category=category,
                           row=prof.row(category.id), lines=lines, notes=evidence_notes(lines))


def evidence_notes(lines):
    """{evidence id: what the piece was, for people} — the quiz and question, the scenario, the step
    an assessment gave — in the current language. The stored note is a code for the logs (e.g.
    "practice-category-information #1 Q3"); it is shown only when the source is gone."""
    from kamtrain.assessment.attempts import Attempt, AttemptSlot
    from kamtrain.assessment.quizzes import Quiz
    from kamtrain.competency.assessments import AssessmentRating
    from kamtrain.development.messages import STEP_NAMES
    from kamtrain.scenarios.engine import TEXT
    from kamtrain.scenarios.models import ScenarioRun, ScenarioStep

    def ids(*kinds):
        return {line.evidence.source_id for line in lines if line.evidence.source_kind in kinds} - {None}

    slot_ids, step_ids, assessment_ids = ids("quiz", "exam", "essay"), ids("scenario"), ids("self", "leader")
    slots = {row.id: row for row in db.session.execute(
        db.select(AttemptSlot.id, AttemptSlot.position, Attempt.number, Quiz.title_zh, Quiz.title_en)
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id).join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(AttemptSlot.id.in_(slot_ids)))} if slot_ids else {}
    steps = {step.id: step for step in db.session.scalars(
        db.select(ScenarioStep).where(ScenarioStep.id.in_(step_ids))
        .options(joinedload(ScenarioStep.run).joinedload(ScenarioRun.scenario)))} if step_ids else {}
    ratings = {(r.assessment_id, r.category_id): r for r in db.session.scalars(
        db.select(AssessmentRating).where(AssessmentRating.assessment_id.in_(assessment_ids)))} \
        if assessment_ids else {}
    notes = {}
    for line in lines:
        e = line.evidence
        text = e.note
        if e.source_kind in ("quiz", "exam", "essay") and e.source_id in slots:
            row = slots[e.source_id]
            text = _("%(quiz)s, attempt %(number)d, question %(position)d",
                     quiz=(row.title_en if current_language() == "en" else "") or row.title_zh,
                     number=row.number, position=row.position)
        elif e.source_kind == "scenario" and e.source_id in steps:
            step = steps[e.source_id]
            title = localized(step.run.scenario, "title")
            text = (_("%(scenario)s: a written reply, marked by a trainer", scenario=title)
                    if step.choice == TEXT else _("%(scenario)s: the decisions made in one run", scenario=title))
        elif e.source_kind in ("self", "leader") and (e.source_id, e.category_id) in ratings:
            rating = ratings[(e.source_id, e.category_id)]
            text = _("Step %(step)d: %(name)s", step=rating.step, name=STEP_NAMES.get(rating.step, ""))
            if rating.comment:
                text += " — " + rating.comment
        elif e.source_kind == "observation" and e.note == "observation":
            text = ""
        notes[e.id] = text
    return notes


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
