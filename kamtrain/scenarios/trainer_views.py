"""Trainer pages for scenarios: the graph of the stored version (and of a changed file) with its
validation problems, per-decision statistics, the review queue of free-text replies, marking against
the rubric, and the inter-rater check."""

import hashlib
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from kamtrain.accounts.roles import Role
from kamtrain.competency.models import Category
from kamtrain.core.access import allow
from kamtrain.core.db import db
from kamtrain.core.web import client_ip, get_or_404
from kamtrain.scenarios import engine, marking, stats, store, transcript
from kamtrain.scenarios.checks import check_scenario
from kamtrain.scenarios.files import SCENARIO_CODE, read_scenario
from kamtrain.scenarios.forms import MarkForm
from kamtrain.scenarios.graph import problems_by_node, render_svg
from kamtrain.scenarios.messages import MARK_ERRORS
from kamtrain.scenarios.models import ScenarioRecord, ScenarioStep
from kamtrain.scenarios.views import bp

STAFF = (Role.TRAINER, Role.ADMIN)


def _content_dir():
    return Path(current_app.config["CONTENT_DIR"]) / "content"


def _labels():
    return {"say": _("customer line"), "note": _("situation note"), "decision": _("decision"),
            "free_text": _("free text"), "ending": _("ending"), "good": _("ending: good"), "mixed": _("mixed"),
            "poor": _("poor"), "problem": _("problem")}


@bp.route("/scenarios/<code>/graph")
@allow(*STAFF)
def graph(code):
    """The graph of the scenario's stored current version (what trainees play; content sync keeps the
    versions in the database, so this works on a server without the content directory), with the
    problems the checks find in it. When this server has the scenario's file and it differs from the
    stored version (content sync has not loaded it, or refuses it), the file is read and checked too,
    and drawn with its problems highlighted; a scenario that was never stored is drawn from its file."""
    if not SCENARIO_CODE.match(code):
        abort(404)
    record = db.session.get(ScenarioRecord, code)
    path = _content_dir() / "scenarios" / f"{code}.yaml"
    has_file = path.is_file()
    if record is None and not has_file:
        abort(404)
    stored = None
    if record is not None:
        version = store.current_version(record)
        scenario = store.scenario_of(version)
        problems = check_scenario(scenario, explore=True)
        stored = _drawing(scenario, problems, version=version)
    pending = None
    if has_file:
        text = path.read_text(encoding="utf-8", errors="replace")
        if record is None or hashlib.sha256(text.encode("utf-8")).hexdigest() != record.content_hash:
            categories = db.session.scalars(db.select(Category.code)).all()
            modules = {p.stem for p in (_content_dir() / "modules").glob("*.md")}
            scenario, problems = read_scenario(path, f"content/scenarios/{code}.yaml", categories, modules)
            if scenario is not None:
                problems = problems + check_scenario(scenario, explore=not problems)
            pending = _drawing(scenario, problems)
    others = set(db.session.scalars(db.select(ScenarioRecord.id).where(ScenarioRecord.retired.is_(False))))
    if (_content_dir() / "scenarios").is_dir():
        others |= {p.stem for p in (_content_dir() / "scenarios").glob("*.yaml")}
    return render_template("scenarios/graph.html", code=code, record=record, stored=stored, pending=pending,
                           others=sorted(others))


def _drawing(scenario, problems, version=None):
    """What the graph page shows of one definition: the scenario, its problems (sorted by line), the
    SVG and the problems no node carries."""
    problems = sorted(problems, key=lambda p: p.line or 0)
    svg, elsewhere = None, problems
    if scenario is not None and scenario.nodes:
        svg = Markup(render_svg(scenario, problems, labels=_labels()))  # noqa: S704 - graph.py escapes every text
        elsewhere = problems_by_node(scenario, problems)[1]
    return {"scenario": scenario, "problems": problems, "svg": svg, "elsewhere": elsewhere, "version": version}


@bp.route("/scenarios/<code>/stats")
@allow(*STAFF)
def decision_stats(code):
    record = db.session.get(ScenarioRecord, code)
    if record is None:
        abort(404)
    scenario = store.scenario_of(store.current_version(record))
    decisions = stats.decision_stats(scenario, stats.count_choices(code))
    return render_template("scenarios/stats.html", record=record, scenario=scenario, decisions=decisions,
                           columns=stats.COLUMNS, min_sample=stats.MIN_SAMPLE, easy=stats.EASY,
                           confusing=stats.CONFUSING)


@bp.route("/scenarios/review")
@allow(*STAFF)
def review():
    first, third, second = marking.review_queue(current_user)
    return render_template("scenarios/review.html", first=first, third=third, second=second,
                           node_of=lambda step: marking.reply_node(step)[1])


@bp.route("/scenarios/review/<int:step_id>", methods=["GET", "POST"])
@allow(*STAFF)
def mark(step_id):
    step = get_or_404(ScenarioStep, step_id)
    if step.choice != engine.TEXT:
        abort(404)
    scenario, node = marking.reply_node(step)
    if node is None or node.kind != "free_text":
        abort(404)
    mine = next((m for m in step.marks if m.marker_id == current_user.id), None)
    form = MarkForm()
    refusal = marking.may_mark(step, current_user)
    if request.method == "GET" and mine is not None:
        form.comment.data = mine.comment
    given = list(mine.criteria) if mine is not None else [None] * len(node.rubric)
    if request.method == "POST" and form.validate_on_submit():
        raw = [request.form.get(f"c{i}", "").strip() for i in range(len(node.rubric))]
        given = [int(v) if v.isdigit() else None for v in raw]
        try:
            marking.mark_reply(step, current_user, given, form.comment.data or "", ip=client_ip())
            db.session.commit()
        except marking.MarkError as error:
            db.session.rollback()
            flash(MARK_ERRORS[str(error)], "error")
        else:
            flash(_("Mark saved."), "success")
            step = db.session.get(ScenarioStep, step_id)
            if step.disagreement and not any(m.decisive for m in step.marks):
                flash(_("The two marks differ by more than %(pct)d%% of the maximum: the reply goes to a third "
                        "marker, whose mark decides.", pct=round(marking.THRESHOLD * 100)), "error")
            return redirect(url_for("scenarios.review"))
    # Blind second marking: other trainers' marks are shown to someone who has marked the reply, to a
    # third marker settling a disagreement, and once the marking is over.
    show_others = (mine is not None or refusal in ("enough_marks", "decided")
                   or (step.disagreement and refusal is None))
    state = engine.replay(scenario, [engine.Step(s.node, s.choice, s.at, s.text) for s in step.run.steps
                                     if s.position < step.position])
    context = [e for e in transcript.entries(scenario, state) if e.kind in ("line", "note", "choice")][-4:]
    return render_template("scenarios/mark.html", step=step, run=step.run, scenario=scenario, node=node, form=form,
                           given=given, refusal=refusal, refusal_text=MARK_ERRORS.get(refusal), mine=mine,
                           show_others=show_others, context=context,
                           threshold=marking.THRESHOLD)


@bp.route("/scenarios/review/agreement")
@allow(*STAFF)
def agreement():
    pairs = marking.double_marked()
    return render_template("scenarios/agreement.html", pairs=pairs, summary=marking.agreement_summary(pairs),
                           threshold=marking.THRESHOLD)
