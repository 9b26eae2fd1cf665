"""Development plans: generation from the gaps, the workflow with its history, progress read from
the trainee's records, reviews, and work assigned from the team report."""

from datetime import timedelta

import pytest

from kamtrain.accounts.roles import Role
from kamtrain.assessment.attempts import GRADED, Attempt
from kamtrain.assessment.quizzes import EXAM, Quiz, QuizAssignment
from kamtrain.content.models import ModuleProgress
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError
from kamtrain.development import operations as ops
from kamtrain.development.models import Assignment, PlanItem
from kamtrain.development.progress import plan_state
from kamtrain.scenarios.models import ScenarioRecord, ScenarioRun
from tests.competency.helpers import add_evidence, trainee
from tests.factories import create_user


def weak_trainee(team=None):
    """Sales level 3: consultative selling and communication well below target (3), problem solving
    a little below (2), information above (target 2)."""
    user = trainee(team=team)
    for _ in range(5):
        add_evidence(user, "consultative_selling", 0.1, days=4)
        add_evidence(user, "communication", 0.2, days=4)
        add_evidence(user, "problem_solving", 0.25, days=4)
        add_evidence(user, "information", 0.9, days=4)
    for code in ("it_knowledge", "customer_service", "project_management", "teamwork", "sharing", "learning",
                 "review_innovation", "career_planning"):
        for _ in range(5):
            add_evidence(user, code, 0.95, days=4)
    return user


def test_generated_from_the_largest_gaps():
    user = weak_trainee()
    plan = ops.generate_plan(user, user, lang="zh")
    assert plan.status == "draft" and plan.level == 3 and plan.track == "sales"
    assert plan.review_on == plan.starts_on + timedelta(days=91)
    # shortfalls: consultative 3 − 1.3 = 1.7, communication 3 − 1.6 = 1.4, problem solving 2 − 1.75 = 0.2 (shown 1.8)
    assert [g.category.code for g in plan.goals] == ["consultative_selling", "communication", "problem_solving"]
    goal = plan.goals[0]
    assert goal.baseline == pytest.approx(1.3) and goal.target == 3 and "顾问式销售" in goal.text
    kinds = [i.kind for i in plan.items if i.goal_id == goal.id]
    assert kinds[:1] == ["module"] and "quiz" in kinds and "action" in kinds
    quiz_item = next(i for i in plan.items if i.goal_id == goal.id and i.kind == "quiz")
    assert quiz_item.quiz.code == "practice-category-consultative_selling"
    assert all(i.due_on <= plan.review_on for i in plan.items)
    assert [e.action for e in plan.events] == ["generated"]
    with pytest.raises(DomainError, match="plan_exists"):
        ops.generate_plan(user, user)


def test_target_met_plans_towards_the_next_level():
    user = trainee(level=4)
    for code in ("information", "consultative_selling", "communication", "customer_service"):
        for _ in range(5):
            add_evidence(user, code, 0.4, days=2)  # 2.2: meets level 4's targets of 1 and 2
    plan = ops.generate_plan(user, user)
    assert plan.level == 3 and plan.goals
    assert plan.events[0].action == "generated_next"


def test_no_target_no_plan():
    user = create_user(roles=[Role.TRAINEE])
    with pytest.raises(DomainError, match="no_target"):
        ops.generate_plan(user, user)


def test_workflow_and_history(team_with_leader):
    team, leader = team_with_leader
    user = weak_trainee(team)
    stranger = create_user(roles=[Role.LEADER])
    plan = ops.generate_plan(user, user)
    with pytest.raises(DomainError, match="not_allowed"):
        ops.agree(leader, plan)
    with pytest.raises(DomainError, match="plan_wrong_state"):
        ops.approve(leader, plan)
    goal = plan.goals[0]
    ops.edit_plan(user, plan, goals={goal.id: ("我要在三个月内拿下两个方案型项目。", goal.due_on + timedelta(days=3))})
    assert goal.text == "我要在三个月内拿下两个方案型项目。"
    ops.agree(user, plan, "同意")
    assert plan.status == "agreed" and plan.agreed_at is not None
    with pytest.raises(DomainError, match="plan_not_editable"):
        ops.edit_plan(user, plan, goals={goal.id: ("改", None)})
    with pytest.raises(DomainError, match="not_allowed"):
        ops.approve(stranger, plan)
    with pytest.raises(DomainError, match="comment_needed"):
        ops.send_back(leader, plan, "")
    ops.send_back(leader, plan, "请加一个现场观察的行动")
    assert plan.status == "draft"
    ops.add_item(user, plan, "action", goal=goal, text="请班组长陪访一次银行客户并观察需求挖掘")
    ops.agree(user, plan)
    ops.approve(leader, plan, "好")
    assert plan.status == "approved" and plan.approved_by_id == leader.id
    ops.reopen(user, plan, "想调整日期")
    assert plan.status == "draft" and plan.approved_at is None
    ops.agree(user, plan)
    ops.approve(leader, plan)
    assert [e.action for e in plan.events] == ["generated", "edited", "agreed", "sent_back", "agreed", "approved",
                                               "reopened", "agreed", "approved"]
    assert plan.events[3].comment == "请加一个现场观察的行动" and plan.events[3].actor_id == leader.id


def test_progress_updates_itself(team_with_leader):
    team, leader = team_with_leader
    user = weak_trainee(team)
    plan = ops.generate_plan(user, user)
    ops.agree(user, plan)
    ops.approve(leader, plan)
    before = plan_state(plan)
    assert before.done == 0 and before.percent >= 0
    goal = plan.goals[0]
    items = [i for i in plan.items if i.goal_id == goal.id]
    module_item = next(i for i in items if i.kind == "module")
    quiz_item = next(i for i in items if i.kind == "quiz")
    action = next(i for i in items if i.kind == "action")
    # a module completed, a quiz attempt finished after the item was added, an action ticked
    db.session.add(ModuleProgress(user_id=user.id, module_id=module_item.module_id, completed_at=utcnow()))
    db.session.add(Attempt(quiz_id=quiz_item.quiz_id, user_id=user.id, number=1, seed=1, state=GRADED,
                           started_at=utcnow(), submitted_at=utcnow() + timedelta(seconds=1), percent=80.0,
                           max_score=10, score=8))
    ops.tick(user, plan, action)
    db.session.flush()
    after = plan_state(plan)
    states = after.items
    assert states[module_item.id].done and states[quiz_item.id].done and states[action.id].done
    assert states[quiz_item.id].percent == 80.0
    assert after.done == 3 and after.percent > before.percent
    # an attempt from before the item was added does not count
    old_quiz = Attempt(quiz_id=quiz_item.quiz_id, user_id=user.id, number=2, seed=1, state=GRADED,
                       started_at=utcnow() - timedelta(days=9), submitted_at=utcnow() - timedelta(days=9))
    db.session.add(old_quiz)
    quiz_item.created_at = utcnow() + timedelta(minutes=5)
    db.session.flush()
    assert not plan_state(plan).items[quiz_item.id].done
    # evidence moves the goal: consultative selling rises from 1.3 towards 3
    goal_before = next(g for g in after.goals if g.goal.id == goal.id).progress
    for _ in range(10):
        add_evidence(user, "consultative_selling", 0.9, days=0)
    goal_after = next(g for g in plan_state(plan).goals if g.goal.id == goal.id).progress
    assert goal_after > goal_before
    with pytest.raises(DomainError, match="not_an_action"):
        ops.tick(user, plan, module_item)


def _finished_run(user, scenario_id, quality="good"):
    record = db.session.get(ScenarioRecord, scenario_id)
    run = ScenarioRun(user_id=user.id, scenario_id=scenario_id, version_id=record.current.id, node="end",
                      finished_at=utcnow() + timedelta(seconds=2), quality=quality, passed=quality == "good")
    db.session.add(run)
    db.session.flush()
    return run


def test_assigning_a_scenario_to_the_whole_team(team_with_leader):
    team, leader = team_with_leader
    with_plan, without_plan = weak_trainee(team), weak_trainee(team)
    plan = ops.generate_plan(with_plan, with_plan)
    scenario = db.session.scalar(db.select(ScenarioRecord).where(ScenarioRecord.retired.is_(False))
                                 .order_by(ScenarioRecord.id))
    communication = next(g for g in plan.goals if g.category.code == "communication").category
    (assignment,) = ops.assign(leader, "scenario", scenario, team=team, category=communication, note="本周完成")
    assert assignment.team_id == team.id and assignment.scenario_id == scenario.id
    item = next(i for i in plan.items if i.origin == "leader")
    assert item.scenario_id == scenario.id and item.goal.category_id == communication.id
    assert item.assignment_id == assignment.id and item.text == "本周完成"
    assert plan.events[-1].action == "assigned"
    # the member without a plan got a draft with the assigned scenario in it
    new = ops.current_plan(without_plan)
    assert new is not None and any(i.scenario_id == scenario.id and i.origin == "leader" for i in new.items)
    # playing it marks it done
    assert not plan_state(plan).items[item.id].done
    _finished_run(with_plan, scenario.id, "mixed")
    state = plan_state(plan).items[item.id]
    assert state.done and state.quality == "mixed"
    # the trainee cannot remove what the leader assigned
    with pytest.raises(DomainError, match="assigned_item"):
        ops.remove_item(with_plan, plan, item)


def test_assign_refused_outside_own_team(team_with_leader):
    team, leader = team_with_leader
    other_leader = create_user(roles=[Role.LEADER])
    member = weak_trainee(team)
    module_thing = ops.assignable("quiz", "category:information")
    with pytest.raises(DomainError, match="not_your_team"):
        ops.assign(other_leader, "quiz", module_thing, team=team)
    with pytest.raises(DomainError, match="not_your_team"):
        ops.assign(other_leader, "quiz", module_thing, users=[member])
    with pytest.raises(DomainError, match="nothing_chosen"):
        ops.assign(leader, "quiz", None, team=team)
    assert db.session.scalar(db.select(Assignment).filter_by(team_id=team.id)) is None


def test_assigning_an_exam_also_assigns_it_as_an_exam(team_with_leader):
    from kamtrain.assessment import quiz_operations
    from kamtrain.content.models import Syllabus

    team, leader = team_with_leader
    member = weak_trainee(team)
    trainer = create_user(roles=[Role.TRAINER])
    exam = quiz_operations.create_exam(trainer, db.session.scalar(db.select(Syllabus).filter_by(code="sales-3")))
    assert exam.kind == EXAM
    ops.assign(leader, "quiz", ops.assignable("quiz", str(exam.id)), users=[member])
    assert db.session.scalar(db.select(QuizAssignment).filter_by(quiz_id=exam.id, user_id=member.id)) is not None
    assert any(i.quiz_id == exam.id for i in ops.current_plan(member).items)
    assert db.session.get(Quiz, exam.id).assignments


def test_review_close_or_renew(team_with_leader):
    team, leader = team_with_leader
    user = weak_trainee(team)
    plan = ops.generate_plan(user, user)
    module_thing = ops.assignable("quiz", "category:teamwork")
    ops.assign(leader, "quiz", module_thing, users=[user])
    ops.agree(user, plan)
    with pytest.raises(DomainError, match="plan_wrong_state"):
        ops.review(leader, plan, "close")
    ops.approve(leader, plan)
    assert not plan.review_due(plan.starts_on)
    assert plan.review_due(plan.review_on)
    with pytest.raises(DomainError, match="not_allowed"):
        ops.review(user, plan, "close")
    new = ops.review(leader, plan, "renew", "两个目标已完成，第三个继续")
    assert plan.status == "renewed" and plan.closed_at is not None and plan.review_note.startswith("两个")
    assert new.previous_id == plan.id and new.status == "draft"
    # the assigned practice quiz, not done, carries over
    assert any(i.origin == "leader" and i.quiz_id == module_thing.id for i in new.items)
    assert [e.action for e in new.events] == ["generated", "renewed_from"]
    assert ops.current_plan(user).id == new.id
    ops.agree(user, new)
    ops.approve(leader, new)
    assert ops.review(leader, new, "close", "结束") is None
    assert new.status == "closed" and ops.current_plan(user) is None
    assert ops.latest_plan(user).id == new.id


def test_removing_and_editing_items():
    user = weak_trainee()
    plan = ops.generate_plan(user, user)
    item = plan.items[0]
    count = len(plan.items)
    ops.remove_item(user, plan, item)
    assert len(plan.items) == count - 1 and db.session.get(PlanItem, item.id) is None
    action = next(i for i in plan.items if i.kind == "action")
    ops.edit_plan(user, plan, items={action.id: (None, "换成我自己的行动")})
    assert action.text == "换成我自己的行动"
    with pytest.raises(DomainError, match="action_needs_text"):
        ops.add_item(user, plan, "action", text="  ")
