"""Learning progress: the reading-time heartbeat (capped on the server), the instant self-check,
leaders' view of each member, HR's completion per org unit (SQL aggregates), and demo activity."""

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from kamtrain.accounts.models import OrgUnit
from kamtrain.accounts.roles import Role
from kamtrain.content import progress, reports
from kamtrain.content.models import Module, ModuleProgress, Syllabus
from kamtrain.core.db import db
from tests.factories import create_team, create_user


def syllabus(code):
    return db.session.scalar(db.select(Syllabus).filter_by(code=code))


def finish(user, modules, seconds=600, when=None):
    for m in modules:
        row = progress.mark_complete(user, m)
        row.seconds_spent = seconds
        if when:
            row.last_active_at = when


def test_beat_credit_is_capped():
    assert progress.beat_credit(30, None) == 30
    assert progress.beat_credit(3600, None) == progress.MAX_SECONDS_PER_BEAT
    assert progress.beat_credit(30, timedelta(seconds=5)) == 6  # not more than the time since the last beat
    assert progress.beat_credit(-5, None) == 0
    assert progress.beat_credit("junk", None) == 0


def test_heartbeat_endpoint_adds_capped_reading_time(login_as):
    user = create_user("reader_hb")
    client = login_as(user)
    m = db.session.scalar(db.select(Module).filter_by(code="okct-competitive-marketing"))
    r = client.post(f"/modules/{m.code}/time", json={"seconds": 10_000}, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.get_json() == {"credited": progress.MAX_SECONDS_PER_BEAT}
    again = client.post(f"/modules/{m.code}/time", json={"seconds": 30}).get_json()["credited"]
    assert again <= 2  # a replayed or second-tab beat right after the first counts (almost) nothing
    row = progress.progress_for(user, m)
    assert row.seconds_spent == progress.MAX_SECONDS_PER_BEAT + again and row.last_active_at is not None
    assert row.completed_at is None
    later = row.last_active_at + timedelta(seconds=31)
    assert progress.record_heartbeat(user, m, 30, now=later) == 30
    assert client.post("/modules/no-such-module/time", json={"seconds": 30}).status_code == 404


def test_module_page_loads_the_script_and_token(login_as):
    html = login_as(create_user("reader_js")).get("/modules/okct-competitive-marketing").get_data(as_text=True)
    assert '<meta name="csrf-token"' in html and "/static/js/module.js" in html
    assert 'data-time-url="/modules/okct-competitive-marketing/time"' in html and "data-instant" in html
    assert "<script>" not in html  # CSP: no inline script


def test_self_check_answers_in_json_when_asked(login_as):
    user = create_user("reader_json")
    client = login_as(user)
    m = db.session.scalar(db.select(Module).filter_by(code="okct-competitive-marketing"))
    answers = {"q0": str(m.self_check[0]["answer"]), "q1": str((m.self_check[1]["answer"] + 1) % 4)}
    r = client.post(f"/modules/{m.code}/self-check", data=answers, headers={"Accept": "application/json"})
    data = r.get_json()
    assert r.status_code == 200 and data["right"] == 1 and data["total"] == 3 and data["summary"] == "3 题中答对 1 题。"
    assert [q["correct"] for q in data["questions"]] == [True, False, False]
    assert data["questions"][2]["chosen"] is None and data["questions"][1]["explanation"] == m.self_check[1][
        "explanation"]
    # without the header (no JavaScript) the same post gives the page back
    assert "text/html" in client.post(f"/modules/{m.code}/self-check", data=answers).content_type


@pytest.fixture
def team_with_progress():
    leader = create_user("lead_p", roles=[Role.LEADER])
    a = create_user("member_a", track="sales", target_level=4, full_name="甲")
    b = create_user("member_b", track="marketing", target_level=3, full_name="乙")
    c = create_user("member_c", full_name="丙")  # no track: no syllabus
    team = create_team("进度班组", leader=leader, members=[a, b, c], unit_path="进度市/进度支局")
    sales4 = syllabus("sales-4").modules
    when = datetime(2026, 11, 20, 9, 30)
    finish(a, sales4[:3], seconds=900, when=when)
    finish(b, syllabus("marketing-3").modules[:1], seconds=300)
    extra = next(m for m in db.session.scalars(db.select(Module).order_by(Module.code)) if m not in sales4)
    finish(a, [extra], seconds=100)  # outside the syllabus: counts as a module, not as syllabus progress
    progress.add_study_time(c, sales4[0], 120)  # started, not completed
    return team, leader, (a, b, c), len(sales4), len(syllabus("marketing-3").modules)


def test_team_members_progress(team_with_progress):
    team, _leader, (a, b, c), n_sales4, n_mkt3 = team_with_progress
    rows = {r.username: r for r in reports.team_members_progress(team)}
    assert (rows["member_a"].completed, rows["member_a"].syllabus_done, rows["member_a"].syllabus_size) == (
        4, 3, n_sales4)
    assert rows["member_a"].percent == round(300 / n_sales4) and rows["member_a"].seconds == 2800
    assert rows["member_a"].last_active >= datetime(2026, 11, 20, 9, 30)
    assert (rows["member_b"].syllabus_done, rows["member_b"].syllabus_size) == (1, n_mkt3)
    assert (rows["member_c"].completed, rows["member_c"].seconds, rows["member_c"].percent) == (0, 120, None)


def test_reports_are_single_grouped_queries(app, team_with_progress):
    """The figures come from GROUP BY queries: more members or progress rows add no statements."""
    team = team_with_progress[0]
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        reports.team_members_progress(team)
        assert len(statements) == 1 and "GROUP BY" in statements[0].upper()
        statements.clear()
        reports.org_unit_progress()
        assert len(statements) == 3  # figures per team; the org units; the teams
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_org_unit_progress_rolls_branches_into_the_city(team_with_progress):
    team, *_ = team_with_progress
    other = create_team("进度二组", members=[create_user("member_d", track="sales", target_level=4)],
                        unit_path="进度市/另一支局")
    rows = reports.org_unit_progress()
    by_unit = {r.unit.path: r for r in rows if r.unit and not r.team}
    by_team = {r.team.id: r for r in rows if r.team}
    branch, city = by_unit["进度市/进度支局"], by_unit["进度市"]
    assert (branch.trainees, branch.completed, branch.with_syllabus) == (3, 5, 2)
    assert by_team[team.id].trainees == 3 and by_team[other.id].trainees == 1
    assert (city.trainees, city.completed) == (4, 5)
    assert city.depth == 0 and branch.depth == 1 and by_team[team.id].depth == 2
    assert rows.index(city) < rows.index(branch) < rows.index(by_team[team.id])
    sales = {r.unit.path: r for r in reports.org_unit_progress(track="sales") if r.unit and not r.team}
    assert sales["进度市"].trainees == 2  # member_a and member_d
    level3 = {r.unit.path: r for r in reports.org_unit_progress(level=3) if r.unit and not r.team}
    assert level3["进度市/进度支局"].trainees == 1


def test_leader_sees_own_team_and_hr_sees_org_units(login_as, client, team_with_progress):
    team, leader, *_ = team_with_progress
    login_as(leader)
    html = client.get("/progress/team").get_data(as_text=True)
    assert 'data-member="member_a"' in html and "进度班组" in html
    other = create_team("别人的班组", members=[create_user("not_mine")])
    assert client.get(f"/progress/team?team={other.id}").status_code == 403
    assert client.get("/progress/org-units").status_code == 403
    assert 'data-link="team-progress"' in client.get("/").get_data(as_text=True)
    client.post("/logout")

    login_as(create_user("hr_p", roles=[Role.HR]))
    assert 'data-link="org-progress"' in client.get("/").get_data(as_text=True)
    html = client.get("/progress/org-units?track=sales&level=4").get_data(as_text=True)
    unit = db.session.scalar(db.select(OrgUnit).filter_by(name="进度支局"))
    assert f'data-unit="{unit.id}"' in html and f'data-team="{team.id}"' in html
    assert 'data-member="member_a"' in client.get(f"/progress/team?team={team.id}").get_data(as_text=True)
    assert client.get("/progress/team?team=999999").status_code == 404


def test_trainee_cannot_see_progress_of_others(login_as):
    client = login_as(create_user("curious"))
    assert client.get("/progress/team").status_code == 403
    assert client.get("/progress/org-units").status_code == 403


def test_demo_activity_gives_several_trainees_finished_modules(app):
    from kamtrain.demo import create_demo

    create_demo()
    finished = db.session.execute(
        db.select(ModuleProgress.user_id, db.func.count()).where(ModuleProgress.completed_at.is_not(None))
        .group_by(ModuleProgress.user_id)).all()
    assert len(finished) >= 10
    total = db.session.scalar(db.select(db.func.count()).select_from(ModuleProgress))
    seconds = db.session.scalar(db.select(db.func.sum(ModuleProgress.seconds_spent)))
    create_demo()
    assert db.session.scalar(db.select(db.func.count()).select_from(ModuleProgress)) == total  # idempotent
    assert db.session.scalar(db.select(db.func.sum(ModuleProgress.seconds_spent))) == seconds
    assert json.dumps(sorted(n for _, n in finished))  # plausible: a spread, not everyone the same
    assert len({n for _, n in finished}) >= 4
