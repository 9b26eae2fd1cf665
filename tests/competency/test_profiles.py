"""Profiles from the evidence table: the database's GROUP BY gives the method's figures; assessments
and observations become evidence; team and org reports; exports."""

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from kamtrain.accounts.roles import Role
from kamtrain.competency import operations, profiles, reports
from kamtrain.competency.exports import BOM, csv_stream, xlsx_bytes
from kamtrain.competency.models import Evidence
from kamtrain.competency.proficiency import Piece, figure, stored_weights
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError
from tests.competency.helpers import add_evidence, category, trainee
from tests.factories import create_team, create_user


def test_stored_weights_follow_every_write():
    user = trainee()
    row = add_evidence(user, "information", 0.5, kind="leader", days=10)
    w, p = stored_weights(1.0, "leader", row.occurred_at, 0.5)
    assert row.profile_weight == pytest.approx(w) and row.profile_points == pytest.approx(p)
    # a regrade changes the score and the date: the stored columns follow on flush
    row.score, row.occurred_at = 1.0, utcnow()
    db.session.flush()
    db.session.refresh(row)
    w, p = stored_weights(1.0, "leader", row.occurred_at, 1.0)
    assert row.profile_weight == pytest.approx(w) and row.profile_points == pytest.approx(p)


def test_the_database_computes_the_methods_figure():
    user = trainee()
    rows = [("information", 1.0, "exam", 3, 1.0), ("information", 0.0, "quiz", 40, 1.0),
            ("information", 2 / 3, "leader", 100, 1.0), ("information", 0.25, "essay", 400, 4.0),
            ("communication", 0.5, "scenario", 5, 3.0)]
    for code, score, kind, days, weight in rows:
        add_evidence(user, code, score, kind=kind, days=days, weight=weight)
    now = utcnow()
    prof = profiles.profile(user, as_of=now)
    pieces = [Piece(s, w, k, now - timedelta(days=d)) for c, s, k, d, w in rows if c == "information"]
    expected = figure(pieces, now)
    got = prof.row(category("information").id).figure
    assert got.value == pytest.approx(expected.value, abs=1e-6)
    assert got.amount == pytest.approx(expected.amount, rel=1e-6)
    assert got.pieces == 4
    assert prof.row(category("communication").id).figure.value == pytest.approx(2.5)
    assert prof.row(category("it_knowledge").id).figure.state == "none"
    # targets of sales level 3
    assert prof.row(category("consultative_selling").id).target == 3


def test_profile_as_of_an_earlier_date_leaves_later_evidence_out():
    user = trainee()
    add_evidence(user, "information", 0.0, days=100)
    add_evidence(user, "information", 1.0, days=10)
    then = profiles.profile(user, as_of=utcnow() - timedelta(days=50))
    assert then.row(category("information").id).figure.value == pytest.approx(1.0)
    assert then.row(category("information").id).figure.pieces == 1
    points = profiles.trend(user, 6)
    assert len(points) == 6 and points[-1][1][category("information").id].pieces == 2


def test_evidence_lines_explain_the_figure():
    user = trainee()
    add_evidence(user, "sharing", 1.0, kind="observation", days=180)
    lines = profiles.evidence_lines(user, category("sharing"))
    assert len(lines) == 1
    assert lines[0].kept == pytest.approx(0.5, abs=0.01) and lines[0].effective == pytest.approx(1.0, abs=0.02)
    assert lines[0].step_equivalent == 4.0


def test_leader_assessment_and_observation_become_evidence(team_with_leader):
    team, leader = team_with_leader
    user = trainee(team=team)
    info, comm = category("information"), category("communication")
    a = operations.record_assessment(leader, user, "leader", {info.id: (3, "很好"), comm.id: (1, "")})
    rows = db.session.scalars(db.select(Evidence).filter_by(source_kind="leader", source_id=a.id)).all()
    assert sorted((r.category_id, round(r.score, 4)) for r in rows) == sorted([(info.id, 0.6667), (comm.id, 0.0)])
    assert all(r.recorded_by_id == leader.id for r in rows)
    o = operations.record_observation(leader, user, info, 4, date.today() - timedelta(days=2), customer="某银行",
                                      note="主动梳理决策链")
    row = db.session.scalar(db.select(Evidence).filter_by(source_kind="observation", source_id=o.id))
    assert row.score == 1.0 and "某银行" in row.note
    prof = profiles.profile(user)
    # leader step 3 (weight 3, score 2/3) and an observation at step 4 (weight 2, score 1): (2 + 2) / 5 = 0.8 → 3.4
    assert prof.row(info.id).figure.value == pytest.approx(3.4, abs=0.02)


def test_who_may_assess(team_with_leader):
    team, leader = team_with_leader
    member, outsider = trainee(team=team), trainee()
    info = category("information")
    with pytest.raises(DomainError, match="not_your_member"):
        operations.record_assessment(leader, outsider, "leader", {info.id: (2, "")})
    with pytest.raises(DomainError, match="assess_self_only"):
        operations.record_assessment(leader, member, "self", {info.id: (2, "")})
    with pytest.raises(DomainError, match="nothing_rated"):
        operations.record_assessment(member, member, "self", {})
    with pytest.raises(DomainError, match="observed_in_future"):
        operations.record_observation(leader, member, info, 2, date.today() + timedelta(days=3))
    other_indicator = category("communication").indicators[0]
    with pytest.raises(DomainError, match="indicator_of_other_category"):
        operations.record_observation(leader, member, info, 2, date.today(), indicator=other_indicator)
    operations.record_assessment(member, member, "self", {info.id: (2, "")})


def _team_of_three():
    leader = create_user(roles=[Role.LEADER])
    team = create_team(leader=leader)
    a, b, c = (trainee(f"member{i}_{team.id}", team=team) for i in range(3))
    return team, leader, (a, b, c)


def test_team_report_weakest_categories_and_who_needs_them():
    team, _leader, (a, b, c) = _team_of_three()
    # project_management (target 2): a 1.0, b 1.0, c 2.5 → shortfalls 1.0, 1.0, 0 → mean 0.67
    # communication (target 3): a 2.5, b 1.9, c 3.1 → 0.5, 1.1, 0 → mean 0.53
    # information (target 2): everyone 2.5 → no gap
    for user, pm, comm in ((a, 0.0, 0.5), (b, 0.0, 0.3), (c, 0.5, 0.7)):
        for _ in range(4):
            add_evidence(user, "project_management", pm, days=5)
            add_evidence(user, "communication", comm, days=5)
            add_evidence(user, "information", 0.5, days=5)
    # and a quarter ago, communication was lower for a
    add_evidence(a, "communication", 0.0, days=200, weight=0.1)
    report = reports.team_report(team)
    assert [m.user.id for m in report.members] == sorted([a.id, b.id, c.id], key=lambda i: db.session.get(
        type(a), i).username)
    codes = [w.category.code for w in report.weakest]
    # categories with no evidence count as Foundation: targets of 2 or 3 make them weak too, but
    # project_management and communication have shortfalls from evidence; rank by mean shortfall
    by_code = {w.category.code: w for w in report.summary}
    assert by_code["project_management"].mean_shortfall == pytest.approx(0.67, abs=0.01)
    assert by_code["project_management"].below == 2
    assert [u.id for u, _cell in by_code["communication"].neediest] == [b.id, a.id]
    assert by_code["information"].mean_shortfall == 0
    assert "information" not in codes and len(report.weakest) == 3
    assert report.weakest[0].mean_shortfall >= report.weakest[1].mean_shortfall >= report.weakest[2].mean_shortfall
    # change since last quarter: only a had communication evidence then
    cell = next(c for c in next(m for m in report.members if m.user.id == a.id).cells
                if c.category.code == "communication")
    assert cell.before.value == pytest.approx(1.0) and cell.change == pytest.approx(1.5)


def test_company_matrix_and_org_report_agree_with_profiles():
    team, _leader, (a, b, c) = _team_of_three()
    add_evidence(a, "information", 1.0, days=3)
    add_evidence(b, "information", 0.0, days=3)
    for _ in range(5):
        add_evidence(c, "information", 0.5, days=3)
    filters = reports.Filters(team_id=team.id)
    lines = {line.user_id: line for line in reports.company_matrix(filters)}
    assert set(lines) == {a.id, b.id, c.id}
    info = category("information")
    index = [cat.id for cat in profiles.categories()].index(info.id)
    for user in (a, b, c):
        value, amount, target = lines[user.id].figures[index]
        fig = profiles.profile(user).row(info.id).figure
        assert value == pytest.approx(fig.value) and amount == pytest.approx(fig.amount, rel=1e-3) and target == 2
    report = reports.org_report(filters)
    s = report.overall[index]
    # values 4.0, 1.0, 2.5 against target 2: two meet it, one is below (shortfall 1.0)
    assert (s.trainees, s.measured, s.meeting, s.below) == (3, 3, 2, 1)
    assert s.buckets == [1, 0, 1, 1] and s.reliable == 1
    assert s.mean == pytest.approx(2.5) and s.mean_gap == pytest.approx(0.3)
    team_line = next(line for line in report.units if line.kind == "team")
    assert team_line.label == team.name and team_line.stats[index].trainees == 3
    unit_line = next(line for line in report.units if line.kind == "unit" and line.depth == 0)
    assert unit_line.stats[index].measured >= 3
    # a unit filter covers the branch under the city
    city = team.org_unit.parent
    assert reports.trainees_select(reports.Filters(unit_id=city.id)) is not None
    assert {line.user_id for line in reports.company_matrix(reports.Filters(unit_id=city.id))} >= {a.id, b.id, c.id}


def test_exports_csv_with_bom_and_xlsx(app):
    team, _leader, (a, _b, _c) = _team_of_three()
    a.employee_no = "HZ90001"
    add_evidence(a, "information", 1.0, days=3)
    with app.test_request_context():
        chunks = csv_stream(reports.Filters(team_id=team.id), lang="zh")
        data = xlsx_bytes(reports.Filters(team_id=team.id), lang="zh")
    text = "".join(chunks)
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows) == 4 and len(rows[0]) == 7 + 36 + 1
    assert "信息技能" in rows[0][7]
    row = next(r for r in rows if r[0] == "HZ90001")
    assert row[7:10] == ["4.0", "2", "-2.0"] and row[-1] == "1"  # 1 piece: provisional
    wb = load_workbook(io.BytesIO(data), read_only=True)
    values = list(wb.worksheets[0].iter_rows(values_only=True))
    assert len(values) == 4 and "信息技能" in values[0][7]
    row = next(v for v in values if v[0] == "HZ90001")
    assert row[7:10] == (4.0, 2, -2.0)
    summary = list(wb.worksheets[1].iter_rows(values_only=True))
    assert len(summary) == 13
    wb.close()


def test_a_trainees_sums_and_fingerprint_are_read_from_the_covering_index_alone():
    """The trainee report's per-category sums with the newest evidence id: an index-only read on both
    databases (SQLite keeps the row id in every index; PostgreSQL INCLUDEs it)."""
    conn = db.session.connection()
    compiled = profiles._now_statement().compile(dialect=conn.dialect)
    params = compiled.construct_params({"user_id": 1, "now": utcnow()})
    args = tuple(params[k] for k in compiled.positiontup) if compiled.positional else params
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a near-empty table: make the planner
        conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")  # show what the index can answer
        plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + compiled.string, args))
        assert "Index Only Scan using ix_competency_evidence_profile" in plan, plan
    else:
        plan = "\n".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled.string, args))
        assert "USING COVERING INDEX ix_competency_evidence_profile" in plan, plan
