"""The trainee's gap report page as it is computed for speed (issue 8): the Core queries behind it
give the same profile, targets, plan progress and assessments as the ORM paths the other pages use,
the radar's cached frame draws the same SVG, and the figure and gap markup match the macros'."""

import re
from datetime import timedelta

import pytest

from kamtrain.assessment.attempts import GRADED, Attempt
from kamtrain.competency import charts, profiles
from kamtrain.competency.operations import record_assessment
from kamtrain.competency.proficiency import NO_EVIDENCE, Figure
from kamtrain.competency.report_views import figure_html, gap_html
from kamtrain.content.models import ModuleProgress
from kamtrain.core.db import db, utcnow
from kamtrain.development import operations as ops
from kamtrain.development.progress import plan_state, plan_summary
from kamtrain.scenarios.models import ScenarioRecord, ScenarioRun
from tests.competency.helpers import add_evidence, category, trainee
from tests.conftest import login


def _weak_trainee(team=None, current=None):
    user = trainee(team=team, current=current)
    for _ in range(5):
        add_evidence(user, "consultative_selling", 0.1, days=4)
        add_evidence(user, "communication", 0.2, days=4)
        add_evidence(user, "problem_solving", 0.25, days=4)
        add_evidence(user, "information", 0.9, days=40)
    return user


def _figures(user):
    return profiles.figures([user.id])[user.id]


def test_report_profile_matches_the_orm_profile():
    user = _weak_trainee(current=4)
    found = _figures(user)
    orm = profiles.profile(user, found=found)
    fast, track = profiles.report_profile(user, found)
    assert track is not None and track.name_zh and track.name_en
    assert (fast.target_level.level, fast.current_level.level) == (3, 4)
    assert fast.target_level.name_zh == orm.target_level.name_zh
    assert fast.current_level.name_en == orm.current_level.name_en
    assert [(r.category.id, r.category.code, r.category.number, r.category.name_zh, r.figure, r.target,
             r.current_target) for r in fast.rows] == [
        (r.category.id, r.category.code, r.category.number, r.category.name_zh, r.figure, r.target, r.current_target)
        for r in orm.rows]
    assert [r.category.code for r in fast.weakest] == [r.category.code for r in orm.weakest]
    assert [r.category.code for r in fast.strongest] == [r.category.code for r in orm.strongest]
    # level 3 asks more of consultative selling than level 4 does
    row = fast.row(category("consultative_selling").id)
    assert row.target == 3 and row.current_target < row.target


def test_report_profile_without_a_track_has_no_targets():
    user = trainee(track=None, level=None)
    add_evidence(user, "information", 1.0)
    prof, track = profiles.report_profile(user, _figures(user))
    assert track is None and prof.target_level is None and prof.current_level is None
    assert all(r.target is None and r.current_target is None for r in prof.rows)
    assert prof.row(category("information").id).figure.value == pytest.approx(4.0)


def test_trend_counts_evidence_up_to_each_month():
    user = trainee()
    add_evidence(user, "information", 0.0, days=100)
    add_evidence(user, "information", 1.0, days=0)
    points = profiles.trend(user, 6)
    info = category("information").id
    now, direct = points[-1][1][info], _figures(user)[info]
    assert (now.value, now.pieces) == (direct.value, 2) and now.amount == pytest.approx(direct.amount)
    # each earlier point is the profile as of that month's start: only the old piece, or nothing yet
    pieces = []
    for moment, figs in points[:-1]:
        then = profiles.figures([user.id], as_of=moment)[user.id].get(info, NO_EVIDENCE)
        assert figs.get(info, NO_EVIDENCE).value == then.value and figs.get(info, NO_EVIDENCE).pieces == then.pieces
        pieces.append(then.pieces)
    assert pieces[-1] == 1 and pieces[0] == 0 and pieces == sorted(pieces)


def test_trend_earlier_points_follow_changed_evidence():
    """The earlier months are kept per process under the evidence's fingerprint: evidence added for a
    past month, changed or removed shows at once."""
    user = trainee()
    info = category("information").id
    add_evidence(user, "information", 0.0, days=75)
    first = profiles.trend(user, 6)
    assert profiles.trend(user, 6)[:-1] == first[:-1]  # the same answer, from the kept points
    backdated = add_evidence(user, "information", 1.0, days=70)
    second = profiles.trend(user, 6)
    for (moment, _before), (_same, after) in zip(first[:-1], second[:-1], strict=True):
        expected = profiles.figures([user.id], as_of=moment)[user.id].get(info, NO_EVIDENCE)
        assert after.get(info, NO_EVIDENCE).value == expected.value
        assert after.get(info, NO_EVIDENCE).pieces == expected.pieces
    assert [f.get(info, NO_EVIDENCE).pieces for _m, f in second[:-1]] != [
        f.get(info, NO_EVIDENCE).pieces for _m, f in first[:-1]]
    # a changed score: same number of pieces, another value
    backdated.score = 0.5
    db.session.flush()
    third = profiles.trend(user, 6)
    changed = [(a.get(info), b.get(info)) for (_m, a), (_n, b) in zip(second[:-1], third[:-1], strict=True)
               if b.get(info) is not None and b.get(info).pieces == 2]
    assert changed and all(b.value < a.value for a, b in changed)
    # removed: back to the first answer
    db.session.delete(backdated)
    db.session.flush()
    assert [f.get(info) for _m, f in profiles.trend(user, 6)[:-1]] == [f.get(info) for _m, f in first[:-1]]


def _same_progress(user, plan):
    summary = plan_summary(user.id, _figures(user))
    state = plan_state(plan)
    assert summary is not None and summary.id == plan.id and summary.status == plan.status
    assert summary.percent == state.percent
    return summary.percent


def test_plan_summary_follows_plan_state(team_with_leader):
    team, leader = team_with_leader
    user = _weak_trainee(team)
    assert plan_summary(user.id, _figures(user)) is None
    plan = ops.generate_plan(user, user)
    ops.agree(user, plan)
    ops.approve(leader, plan)
    start = _same_progress(user, plan)
    goal = plan.goals[0]
    items = [i for i in plan.items if i.goal_id == goal.id]
    module_item = next(i for i in items if i.kind == "module")
    quiz_item = next(i for i in items if i.kind == "quiz")
    action = next(i for i in items if i.kind == "action")
    db.session.add(ModuleProgress(user_id=user.id, module_id=module_item.module_id, completed_at=utcnow()))
    db.session.flush()
    after_module = _same_progress(user, plan)
    assert after_module > start
    db.session.add(Attempt(quiz_id=quiz_item.quiz_id, user_id=user.id, number=1, seed=1, state=GRADED,
                           started_at=utcnow(), submitted_at=utcnow() + timedelta(seconds=1), percent=80.0,
                           max_score=10, score=8))
    ops.tick(user, plan, action)
    db.session.flush()
    after_three = _same_progress(user, plan)
    assert after_three > after_module
    # an attempt from before the item was added does not count
    quiz_item.created_at = utcnow() + timedelta(minutes=5)
    db.session.flush()
    assert _same_progress(user, plan) < after_three
    # a scenario the leader assigns, then played: an item of the goal, done by a finished run
    scenario = db.session.scalar(db.select(ScenarioRecord).where(ScenarioRecord.retired.is_(False))
                                 .order_by(ScenarioRecord.id))
    ops.assign(leader, "scenario", scenario, users=[user], category=goal.category)
    db.session.flush()
    before_run = _same_progress(user, plan)
    db.session.add(ScenarioRun(user_id=user.id, scenario_id=scenario.id, version_id=scenario.current.id, node="end",
                               finished_at=utcnow() + timedelta(seconds=2), quality="good", passed=True))
    db.session.flush()
    assert _same_progress(user, plan) > before_run
    # evidence moves the goals
    before_evidence = _same_progress(user, plan)
    for _ in range(10):
        add_evidence(user, goal.category.code, 0.9, days=0)
    assert _same_progress(user, plan) > before_evidence


def test_the_page_shows_the_plan_progress_and_latest_assessments(app, login_as, team_with_leader):
    team, leader = team_with_leader
    user = _weak_trainee(team)
    plan = ops.generate_plan(user, user)
    action = next(i for i in plan.items if i.kind == "action")
    ops.tick(user, plan, action)
    record_assessment(user, user, "self", {category("teamwork").id: (3, "")})
    record_assessment(leader, user, "leader", {category("teamwork").id: (2, "")})
    db.session.commit()
    percent = plan_state(plan).percent
    assert percent > 0
    html = login_as(user).get("/gaps/").get_data(as_text=True)
    assert f'data-plan-progress="{percent}"' in html
    assert "最近一次自评：" in html or "Last self-assessment:" in html
    assert "最近一次班组长评估：" in html or "Last leader assessment:" in html
    # every category row links to its evidence
    for code in ("teamwork", "information", "career_planning"):
        assert f'href="/gaps/evidence/{code}"' in html
    # the leader's view links to the member's evidence pages
    other = app.test_client()
    login(other, leader.username)
    page = other.get(f"/gaps/people/{user.id}").get_data(as_text=True)
    assert f'href="/gaps/people/{user.id}/evidence/teamwork"' in page
    assert 'data-link="leader-assess"' in page


def test_radar_frame_is_cached_and_draws_the_same_svg():
    labels = [f"{i} 类别{i}" for i in range(1, 13)]
    values = [1.0 + (i % 4) * 0.7 for i in range(12)]
    values[3] = None
    target = [3] * 12
    one = charts.radar_geometry(labels, values, target, [2] * 12)
    two = charts.radar_geometry(labels, [2.0] * 12, target)
    assert one.frame is two.frame  # drawn once per process
    assert one.profile != two.profile and one.missing == [3]
    legend = {"profile": "当前能力", "target": "目标 <三级>", "current": "已获级别"}
    fresh = charts.RadarGeometry(**{**one.__dict__, "frame": None})
    assert charts.radar_svg(one, "标题 & 说明", legend) == charts.radar_svg(fresh, "标题 & 说明", legend)
    svg = charts.radar_svg(one, "标题 & 说明", legend)
    assert "标题 &amp; 说明" in svg and "目标 &lt;三级&gt;" in svg and svg.count("<circle") == 12


def test_figure_and_gap_markup(app):
    with app.test_request_context("/"):
        assert re.fullmatch(r'<span class="fig none" title="[^"]+">—</span>', str(figure_html(NO_EVIDENCE)))
        assert str(figure_html(Figure(2.25, 9.0, 5))) == '<span class="fig reliable">2.2</span>'
        provisional = str(figure_html(Figure(3.0, 1.0, 1)))
        assert provisional.startswith('<span class="fig provisional">3.0<span class="prov-mark" aria-label="')
        assert str(gap_html(None)) == '<span class="muted">—</span>'
        assert str(gap_html(1.5)) == '<span class="gap large">−1.5</span>'
        assert str(gap_html(0.4)) == '<span class="gap small">−0.4</span>'
        assert str(gap_html(-0.2)).startswith('<span class="gap ok">')


def _body(html):
    """The report below the page head, without the session's CSRF tokens."""
    start = html.index('<div class="gap-top">')
    return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "", html[start:html.index("</main>")])


def test_kept_report_bodies_follow_every_change(app, login_as, team_with_leader, monkeypatch):
    from kamtrain.competency import report_views

    team, leader = team_with_leader
    user = _weak_trainee(team)
    for _ in range(6):
        add_evidence(user, "teamwork", 0.5, days=1)  # weighs 6: reliable now, provisional in a year
    plan = ops.generate_plan(user, user)
    db.session.commit()
    client = login_as(user)
    first = client.get("/gaps/").get_data(as_text=True)
    kept = len(report_views._bodies.entries)
    again = client.get("/gaps/").get_data(as_text=True)
    assert _body(again) == _body(first) and len(report_views._bodies.entries) == kept  # drawn once
    assert 'data-category="teamwork" data-value="2.5" data-state="reliable"' in first
    # new evidence: new figures
    for _ in range(4):
        add_evidence(user, "teamwork", 1.0, days=0)
    db.session.commit()
    page = client.get("/gaps/").get_data(as_text=True)
    assert 'data-category="teamwork" data-value="3.1" data-state="reliable"' in page
    # a ticked action: the plan's progress moves
    before = re.search(r'data-plan-progress="(\d+)"', page).group(1)
    ops.tick(user, plan, next(i for i in plan.items if i.kind == "action"))
    db.session.commit()
    page = client.get("/gaps/").get_data(as_text=True)
    assert re.search(r'data-plan-progress="(\d+)"', page).group(1) != before
    assert f'data-plan-progress="{plan_state(plan).percent}"' in page
    # time alone, within one month: the same evidence weighs a little less and its figure turns
    # provisional (4.05 × 2^(−1/180) ≥ 4 on the 10th, 4.05 × 2^(−5/180) < 4 on the 14th)
    tenth = utcnow().replace(day=10, hour=12, minute=0, second=0, microsecond=0)
    add_evidence(user, "sharing", 0.5, weight=4.0 * 2 ** (3 / 180), at=tenth - timedelta(days=1))
    db.session.commit()
    for day, state in ((tenth, "reliable"), (tenth + timedelta(days=4), "provisional")):
        monkeypatch.setattr(profiles, "utcnow", lambda day=day: day)
        page = client.get("/gaps/").get_data(as_text=True)
        assert f'data-category="sharing" data-value="2.5" data-state="{state}"' in page
    monkeypatch.undo()
    # the leader sees the member's report with links to the member's pages, not the trainee's own
    other = app.test_client()
    login(other, leader.username)
    theirs = other.get(f"/gaps/people/{user.id}").get_data(as_text=True)
    assert f'href="/gaps/people/{user.id}/evidence/teamwork"' in theirs and 'href="/gaps/evidence/' not in theirs


def test_the_generate_form_is_never_kept(login_as):
    from kamtrain.competency import report_views

    user = _weak_trainee()
    db.session.commit()
    client = login_as(user)
    kept = len(report_views._bodies.entries)
    first = client.get("/gaps/").get_data(as_text=True)
    second = client.get("/gaps/").get_data(as_text=True)
    assert len(report_views._bodies.entries) == kept
    tokens = [re.search(r'action="/plan/generate".*?name="csrf_token" value="([^"]+)"', html, re.S)
              for html in (first, second)]
    assert all(tokens), "the page offers to generate a plan"
