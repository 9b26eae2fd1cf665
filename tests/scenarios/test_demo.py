"""Demo scenario activity: finished runs good and poor, one run under way, one reply waiting for a mark,
one marked by two trainers; running it again adds nothing."""

from kamtrain.accounts.roles import Role
from kamtrain.core.db import db
from kamtrain.scenarios import engine, marking
from kamtrain.scenarios.demo import PLAN, create_demo_scenarios
from kamtrain.scenarios.models import ReplyMark, ScenarioRun, ScenarioStep
from kamtrain.scenarios.results import passed_scenarios
from tests.factories import create_user


def test_demo_runs_replies_and_marks():
    trainees = {n: create_user(f"demo_t{n:02d}", track="sales", current_level=4, target_level=3) for n in PLAN}
    staff = {name: create_user(f"demo_{name}", roles=[Role.TRAINER]) for name in ("trainer", "trainer2")}
    created = create_demo_scenarios(trainees, staff)
    assert created == sum(len(p) for p in PLAN.values())
    all_runs = db.session.scalars(db.select(ScenarioRun)).all()
    assert {r.quality for r in all_runs if r.finished} == {"good", "poor"}
    assert any(not r.finished for r in all_runs)
    assert passed_scenarios(trainees[1].id) == {"dedicated-line-outage-complaint", "difficult-interviewees"}
    replies = db.session.scalars(db.select(ScenarioStep).filter_by(choice=engine.TEXT)).all()
    marks = {s.id: len(s.marks) for s in replies}
    assert sorted(marks.values()) == [0, 1, 2]
    waiting = marking.review_queue(create_user(roles=[Role.TRAINER]))[0]
    assert len(waiting) == 1
    [pair] = marking.double_marked()
    assert not pair.flagged and pair.step.final_points == 6.5
    # steps are spread in time, in order
    for run in all_runs:
        times = [s.at for s in run.steps]
        assert times == sorted(times) and times[0] > run.started_at

    assert create_demo_scenarios(trainees, staff) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(ScenarioRun)) == len(all_runs)
    assert db.session.scalar(db.select(db.func.count()).select_from(ReplyMark)) == 3
