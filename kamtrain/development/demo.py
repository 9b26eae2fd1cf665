"""Demo evidence and development plans: every demo trainee has a self-assessment, two leader
assessments (four months and one month ago) and a few observations from customer visits, so the
gap reports, the team heatmaps and the trends show real figures next to the evidence of the
demo's quiz, exam and scenario activity. Several trainees have plans: approved (with work done),
agreed and waiting for approval, and a draft. Idempotent: a trainee who has any assessment or plan
is left alone."""

from datetime import timedelta

from kamtrain.competency.assessments import Assessment
from kamtrain.competency.models import Category, TrackLevel
from kamtrain.competency.operations import record_assessment, record_observation
from kamtrain.core.db import db, utcnow
from kamtrain.development import operations as plans
from kamtrain.development.models import DevelopmentPlan

# how far each demo trainee stands from the target, per category: a spread a real team would show
OFFSETS = (-1.4, -0.9, -0.4, 0.0, 0.4)
CUSTOMERS = ("西湖区某银行支行", "滨江某物流园区", "某区政务服务中心", "某制造企业", "某中学")
NOTES = {
    "zh": ("拜访中主动梳理了客户的决策链，并约定了下一次技术交流。",
           "处理客户对专线中断的投诉时先安抚情绪再核实故障，事后主动回访。",
           "向客户信息部门介绍方案时能把带宽和安全需求讲清楚，但对报价依据准备不足。"),
}
# trainee number → the plan to leave them with
PLANS = {2: "approved", 4: "agreed", 6: "draft", 12: "approved", 15: "agreed", 1: "approved"}


def _true_level(number, category, target):
    offset = OFFSETS[(number * 7 + category.number * 3) % len(OFFSETS)]
    return max(1.0, min(4.0, target + offset))


def _step(value):
    return max(1, min(4, int(round(value))))


def create_demo_evidence(trainees, leaders, now=None):
    """``trainees``: {number: User}; ``leaders``: {team id: User}. Returns the assessments made."""
    now = now or utcnow()
    categories = db.session.scalars(db.select(Category).order_by(Category.number)).all()
    if not categories:
        return 0
    made = 0
    for number, user in sorted(trainees.items()):
        leader = leaders.get(user.team_id)
        if leader is None or db.session.scalar(db.select(Assessment.id).filter_by(user_id=user.id).limit(1)):
            continue
        level = db.session.scalar(db.select(TrackLevel).filter_by(track=user.track, level=user.target_level))
        targets = {t.category_id: t.proficiency for t in level.targets} if level else {}
        truth = {c.id: _true_level(number, c, targets.get(c.id, 2)) for c in categories}
        record_assessment(user, user, "self", {c.id: (_step(truth[c.id] + 0.4), "") for c in categories},
                          at=now - timedelta(days=150 + number % 9))
        record_assessment(leader, user, "leader", {c.id: (_step(truth[c.id] - 0.6), "") for c in categories},
                          at=now - timedelta(days=120 + number % 7))
        record_assessment(leader, user, "leader", {c.id: (_step(truth[c.id]), "") for c in categories},
                          note="季度评估" if number % 2 else "", at=now - timedelta(days=30 + number % 5))
        weakest = sorted(categories, key=lambda c: truth[c.id] - targets.get(c.id, 2))[:3]
        for k, category in enumerate(weakest):
            observed = (now - timedelta(days=12 + 9 * k + number % 4)).date()
            record_observation(leader, user, category, _step(truth[category.id] - 0.2), observed,
                               customer=CUSTOMERS[(number + k) % len(CUSTOMERS)],
                               note=NOTES["zh"][(number + k) % len(NOTES["zh"])])
        made += 3
    db.session.flush()
    return made


def create_demo_plans(trainees, leaders, now=None):
    """Plans in each state of the workflow for the trainees in ``PLANS``."""
    now = now or utcnow()
    made = 0
    for number, wanted in sorted(PLANS.items()):
        user = trainees.get(number)
        leader = leaders.get(user.team_id) if user else None
        if user is None or leader is None or not (user.track and user.target_level):
            continue
        if db.session.scalar(db.select(DevelopmentPlan.id).filter_by(user_id=user.id).limit(1)):
            continue
        plan = plans.generate_plan(user, user, lang="zh", now=now - timedelta(days=20))
        if not plan.goals and not plan.items:
            continue  # no content loaded (kamtrain content sync not run): a draft with nothing to agree to
        if wanted in ("agreed", "approved"):
            plans.agree(user, plan, "目标合理，我会按计划推进。")
        if wanted == "approved":
            plans.approve(leader, plan, "同意。每月跟进一次进度。")
            actions = [i for i in plan.items if i.kind == "action"]
            if actions:
                actions[0].done_at = now - timedelta(days=3)
        made += 1
    db.session.flush()
    return made


def create_demo_development(trainees, staff):
    """Entry point for kamtrain/demo.py: evidence first, then plans generated from it."""
    leaders = {}
    for user in trainees.values():
        if user.team is not None and user.team.leader is not None:
            leaders[user.team_id] = user.team.leader
    create_demo_evidence(trainees, leaders)
    return create_demo_plans(trainees, leaders)
