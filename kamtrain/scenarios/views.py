"""Scenario pages. Trainees: the list (required ones from their syllabus first, their runs and best
result), a scenario's introduction, the chat-like run page (plain form posts; scenario.js posts in
place when JavaScript runs) and the debrief. Trainer pages (graph, statistics, review) are in
trainer_views.py on the same blueprint."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from kamtrain.accounts.roles import LEVELS, Role
from kamtrain.competency.models import Category, TrackInfo
from kamtrain.content.models import Syllabus
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.db import db
from kamtrain.core.i18n import localized
from kamtrain.core.web import get_or_404
from kamtrain.scenarios import engine, runs, store, transcript
from kamtrain.scenarios.forms import PlayForm, StartForm
from kamtrain.scenarios.messages import RUN_ERRORS, template_globals
from kamtrain.scenarios.models import ScenarioRecord, ScenarioRun

bp = Blueprint("scenarios", __name__)
bp.record_once(template_globals)


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


def _record_or_404(code):
    record = db.session.get(ScenarioRecord, code)
    if record is None:
        abort(404)
    return record


def _syllabus():
    if not (current_user.track and current_user.target_level):
        return None
    return db.session.scalar(db.select(Syllabus).filter_by(track=current_user.track, level=current_user.target_level))


def may_view_run(run, user):
    """The trainee, trainers and administrators, and the trainee's team leader."""
    if run.user_id == user.id or user.roles & {Role.TRAINER, Role.ADMIN}:
        return True
    return Role.LEADER in user.roles and run.user.team is not None and run.user.team.leader_id == user.id


def _run_or_404(run_id, own=False):
    run = get_or_404(ScenarioRun, run_id)
    if own and run.user_id != current_user.id:
        abort(403)
    if not may_view_run(run, current_user):
        abort(403)
    return run


def _category_names():
    return {c.code: c for c in db.session.scalars(db.select(Category).order_by(Category.number))}


@bp.route("/scenarios")
@allow(SIGNED_IN)
def index():
    track = request.args.get("track") or ""
    level = request.args.get("level", type=int)
    records = runs.active_scenarios()
    if track:
        records = [r for r in records if track in r.tracks]
    if level:
        records = [r for r in records if level in r.levels]
    syllabus = _syllabus()
    required_codes = list(syllabus.required_scenarios) if syllabus else []
    by_code = {r.id: r for r in records}
    required = [by_code[c] for c in required_codes if c in by_code]
    others = [r for r in records if r.id not in required_codes]
    tracks = db.session.scalars(db.select(TrackInfo).order_by(TrackInfo.code)).all()
    return render_template("scenarios/index.html", required=required, others=others, syllabus=syllabus,
                           mine=runs.summary_by_scenario(current_user), tracks=tracks, levels=LEVELS,
                           track_names={t.code: localized(t, "name") for t in tracks},
                           track=track, level=level, start_form=StartForm())


@bp.route("/scenarios/<code>")
@allow(SIGNED_IN)
def scenario(code):
    record = _record_or_404(code)
    version = store.current_version(record)
    syllabus = _syllabus()
    return render_template("scenarios/scenario.html", record=record, scenario=store.scenario_of(version),
                           my_runs=runs.runs_of(current_user, record.id), start_form=StartForm(),
                           required=bool(syllabus and record.id in syllabus.required_scenarios),
                           categories=_category_names())


@bp.route("/scenarios/<code>/start", methods=["POST"])
@allow(SIGNED_IN)
def start(code):
    record = _record_or_404(code)
    form = StartForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        run = runs.start_run(current_user, record)
    except runs.RunError as error:
        flash(RUN_ERRORS[str(error)], "error")
        return redirect(url_for("scenarios.scenario", code=code))
    db.session.commit()
    return redirect(url_for("scenarios.run", run_id=run.id))


def _play_context(run):
    scenario = runs.scenario_of(run)
    state = runs.state_of(run, scenario)
    node = engine.current(scenario, state)
    form = PlayForm(formdata=None, position=len(state.path), node=state.node)
    options = runs.display_order(engine.options(scenario, state), run.id, state.node)
    return {"run": run, "scenario": scenario, "state": state, "node": node, "form": form, "options": options,
            "entries": transcript.entries(scenario, state), "own": run.user_id == current_user.id}


@bp.route("/scenarios/runs/<int:run_id>")
@allow(SIGNED_IN)
def run(run_id):
    run = _run_or_404(run_id)
    return render_template("scenarios/run.html", **_play_context(run))


@bp.route("/scenarios/runs/<int:run_id>/play", methods=["POST"])
@allow(SIGNED_IN)
def play(run_id):
    """One step: ``response`` (a decision's button) or ``text`` (a free-text reply), with the position
    and node the page showed. Redirects back to the run (JSON with the new chat for scenario.js)."""
    run = _run_or_404(run_id, own=True)
    form = PlayForm()
    error = None
    if not form.validate_on_submit():
        error = _("The form has expired; please try again.") if "csrf_token" in form.errors else RUN_ERRORS["moved_on"]
    else:
        response = request.form.get("response")
        text = (form.text.data or "") if response is None else None
        try:
            runs.play(run, form.position.data, form.node.data, response=response, text=text)
            db.session.commit()
        except runs.RunError as e:
            db.session.rollback()
            error = RUN_ERRORS[str(e)]
        except IntegrityError:  # another device recorded this step a moment earlier
            db.session.rollback()
            error = RUN_ERRORS["moved_on"]
    run = db.session.get(ScenarioRun, run_id)
    if _wants_json():
        context = _play_context(run)
        return jsonify({"ok": error is None, "error": error, "finished": run.finished,
                        "html": render_template("scenarios/_play.html", **context)})
    if error:
        flash(error, "error")
    return redirect(url_for("scenarios.run", run_id=run.id, _anchor="now"))


@bp.route("/scenarios/runs/<int:run_id>/debrief")
@allow(SIGNED_IN)
def debrief(run_id):
    run = _run_or_404(run_id)
    if not run.finished:
        return redirect(url_for("scenarios.run", run_id=run.id))
    scenario = runs.scenario_of(run)
    state = runs.state_of(run, scenario)
    replies = [s for s in run.steps if s.choice == engine.TEXT]
    grades = {s.node: s.final_points for s in replies if s.final_points is not None}
    report = engine.debrief(scenario, state.path, grades)
    taken = transcript.choices_made(scenario, state)
    best = transcript.choices_made(scenario, report.best_play) if report.best_play else []
    return render_template("scenarios/debrief.html", run=run, scenario=scenario, report=report, taken=taken,
                           best=best, same=[(n.code, r and r.code) for n, r in taken] == [(n.code, r.code)
                                                                                         for n, r in best],
                           replies=replies, categories=_category_names(), start_form=StartForm(),
                           own=run.user_id == current_user.id)


from kamtrain.scenarios import trainer_views  # noqa: E402, F401 - registers the trainer pages on bp
