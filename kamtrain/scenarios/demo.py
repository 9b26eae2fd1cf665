"""Demo scenario activity: several trainees with finished runs (good and poor endings), one run under
way, one free-text reply waiting for marking, one marked by a single trainer and one marked by two
trainers (the inter-rater check). Idempotent: a trainee who has any scenario run already (demo or
real) is left alone, so running it again adds nothing."""

from datetime import timedelta

from kamtrain.core.db import db, utcnow
from kamtrain.scenarios import engine, marking, runs, store
from kamtrain.scenarios.models import ScenarioRecord, ScenarioRun

# trainee number → [(scenario, "best" | "worst" | number of steps for a run under way, days ago)]
PLAN = {
    1: [("dedicated-line-outage-complaint", "best", 12), ("difficult-interviewees", "worst", 9),
        ("difficult-interviewees", "best", 8)],
    2: [("gov-it-needs-discovery", "best", 10), ("dedicated-line-outage-complaint", "worst", 6)],
    4: [("dedicated-line-outage-complaint", 4, 1)],
    5: [("factory-solution-presentation", "best", 7)],
    6: [("bank-price-sla-negotiation", "best", 5)],
    8: [("network-dept-resources", "best", 11), ("factory-solution-presentation", "worst", 4)],
    11: [("difficult-interviewees", "best", 3)],
    12: [("logistics-churn-retention", "best", 2)],
}

# the team's own demo replies to the free-text nodes met on these paths
REPLIES = {
    "minutes": "赵主任、孙总：感谢今天的时间。确认三点：一、合同三年，年费下调8%，以续签三年和新增两个灾备机柜为前提；"
               "二、30个重要网点加装无线备份，按成本价收取；三、故障到场2小时写入服务等级附件。本周五前发合同文本，"
               "我方联系人是我和周工。",
    "report": "需求事实：12个所专线扩容，视频会议卡顿。需要：执法终端现场回传数据，约80台，一季度上线，"
              "必须保证数据安全。驱动因素：智慧监管季度排名，年底要有亮点。下一步：下周二带方案交流；"
              "先和大数据中心沟通接入评估。",
    "script": "开场：王师傅您好，我是负责车队通信的客户经理，先给您赔个不是，山区那段信号让您受累了。"
              "说明：那段补盲下月底完成，流量型成员套餐每月多给20G。选择：您要是还想转也没关系，手续我帮您办。"
              "收尾：补盲完了我再给您打电话。",
}

# trainee number → [(marker, points per rubric criterion)]: the replies marked
MARKS = {
    2: [("trainer", [2, 2, 2, 1])],  # gov-it report: one mark
    6: [("trainer", [3, 1, 2, 1]), ("trainer2", [2, 1, 2, 1])],  # bank minutes: two marks, 7 and 6 of 8 → 6.5
}


def create_demo_scenarios(trainees, staff):
    """``trainees``: {number: User}; ``staff``: {username: User}. Returns the number of runs created."""
    records = {r.id: r for r in db.session.scalars(db.select(ScenarioRecord).filter_by(retired=False))}
    if not records:
        return 0  # content not synced yet
    have = set(db.session.scalars(db.select(ScenarioRun.user_id).distinct()))
    now = utcnow().replace(second=0, microsecond=0)
    created = 0
    for number, plan in sorted(PLAN.items()):
        user = trainees.get(number)
        if user is None or user.id in have or any(code not in records for code, _, _ in plan):
            continue
        for i, (code, how, days) in enumerate(plan):
            at = now - timedelta(days=days, hours=(number + i) % 6 + 9)
            run = runs.start_run(user, records[code], at=at)
            scenario = store.scenario_of(run.version)
            path = (engine.worst_path if how == "worst" else engine.best_path)(scenario).path
            if isinstance(how, int):
                path = path[:how]
            for position, step in enumerate(path):
                at += timedelta(seconds=35 + (position * 17 + number * 7) % 60)
                if step.choice == engine.TEXT:
                    at += timedelta(minutes=4)
                    text = REPLIES.get(step.node, "要点：先确认事实，再谈方案。")
                    runs.play(run, position, step.node, text=text, at=at)
                else:
                    runs.play(run, position, step.node, response=step.choice, at=at)
            created += 1
            for username, criteria in MARKS.get(number, []):
                marker = staff.get(username)
                reply = next((s for s in run.steps if s.choice == engine.TEXT), None)
                if marker is not None and reply is not None:
                    marking.mark_reply(reply, marker, criteria, "要点齐全，下一步可以写得更具体。")
    db.session.flush()
    return created
