"""Writes of development plans: generate, edit, agree, approve, send back, reopen, review (close or
renew), and work assigned from the gap reports. Each flushes (never commits) and records a
``PlanEvent``; approvals, reviews and assignments are also audited."""

from datetime import timedelta

from kamtrain.accounts.models import User
from kamtrain.accounts.operations import audit
from kamtrain.accounts.roles import Role
from kamtrain.assessment import quiz_operations
from kamtrain.competency.models import Category, Indicator
from kamtrain.competency.profiles import profile
from kamtrain.content.models import Module, ModuleProgress
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError
from kamtrain.development import generate as gen
from kamtrain.development.models import (
    APPROVED,
    OPEN_STATUSES,
    Assignment,
    DevelopmentPlan,
    PlanEvent,
    PlanGoal,
    PlanItem,
)
from kamtrain.scenarios.models import ScenarioRecord
from kamtrain.scenarios.results import passed_scenarios

OVERSEERS = {Role.HR, Role.ADMIN}


# ------------------------------------------------------------------------------ who may do what


def is_leader_of(actor, user):
    return actor is not None and actor.id != user.id and actor.leads(user)


def may_view(actor, plan_user):
    return actor.id == plan_user.id or is_leader_of(actor, plan_user) or bool(actor.roles & OVERSEERS)


def may_lead(actor, plan_user):
    """Approve, send back, review, assign: the trainee's team leader (or an administrator)."""
    return is_leader_of(actor, plan_user) or Role.ADMIN in actor.roles


def _require(condition, code="not_allowed"):
    if not condition:
        raise DomainError(code)


def _event(plan, actor, action, comment=""):
    event = PlanEvent(plan=plan, actor_id=actor.id if actor else None, action=action, comment=comment or "",
                      at=utcnow())
    db.session.add(event)
    return event


# ------------------------------------------------------------------------------ reading


def current_plan(user):
    """The trainee's open plan (draft, agreed or approved), newest first; None when there is none."""
    return db.session.scalar(db.select(DevelopmentPlan)
                             .where(DevelopmentPlan.user_id == user.id, DevelopmentPlan.status.in_(OPEN_STATUSES))
                             .order_by(DevelopmentPlan.created_at.desc(), DevelopmentPlan.id.desc()).limit(1))


def latest_plan(user):
    """The open plan, else the most recent closed one (for the PDF of someone between plans)."""
    return current_plan(user) or db.session.scalar(
        db.select(DevelopmentPlan).where(DevelopmentPlan.user_id == user.id)
        .order_by(DevelopmentPlan.created_at.desc(), DevelopmentPlan.id.desc()).limit(1))


def plans_of(user):
    return db.session.scalars(db.select(DevelopmentPlan).where(DevelopmentPlan.user_id == user.id)
                              .order_by(DevelopmentPlan.created_at.desc(), DevelopmentPlan.id.desc())).all()


# ------------------------------------------------------------------------------ generating


def catalogue(user):
    """Modules, scenarios and indicators as the pure generator takes them."""
    completed = set(db.session.scalars(db.select(ModuleProgress.module_id).where(
        ModuleProgress.user_id == user.id, ModuleProgress.completed_at.is_not(None))))
    modules = [gen.ModuleOption(m.id, m.code, tuple(link.category_id for link in m.category_links),
                                tuple(m.tracks or ()), tuple(m.levels or ()), m.minutes, m.id in completed)
               for m in db.session.scalars(db.select(Module).where(Module.retired.is_(False)).order_by(Module.code))]
    passed = passed_scenarios(user.id)
    scenarios = [gen.ScenarioOption(s.id, tuple(s.categories or ()), tuple(s.tracks or ()), tuple(s.levels or ()),
                                    s.id in passed)
                 for s in db.session.scalars(db.select(ScenarioRecord).where(ScenarioRecord.retired.is_(False))
                                             .order_by(ScenarioRecord.id))]
    indicators = [gen.IndicatorOption(i.category_id, i.step, (i.text_zh, i.text_en))
                  for i in db.session.scalars(db.select(Indicator).where(Indicator.retired.is_(False))
                                              .order_by(Indicator.category_id, Indicator.step, Indicator.position))]
    return modules, scenarios, indicators


def gap_inputs(user, now=None, level=None):
    """The profile's rows as the generator takes them, against the target of ``level`` (default: the
    level the user works towards)."""
    prof = profile(user, now, towards=level)
    return prof, [gen.GapInput(r.category.id, r.category.code, (r.category.name_zh, r.category.name_en),
                               r.figure.value, r.figure.reliable, r.target) for r in prof.rows]


def _practice_quiz(code):
    category = db.session.scalar(db.select(Category).filter_by(code=code))
    return quiz_operations.practice_for_category(category)


def generate_plan(actor, user, lang=None, now=None, previous=None):
    """A new draft plan from the user's largest gaps (a trainee for themself, or their leader). The
    goals are written in ``lang``, by default the trainee's own language (Chinese unless they chose
    English)."""
    lang = lang or user.locale or "zh"
    _require(actor.id == user.id or may_lead(actor, user))
    _require(user.track and user.target_level, "no_target")
    _require(current_plan(user) is None or previous is not None, "plan_exists")
    now = now or utcnow()
    today = now.date()
    level = user.target_level
    _prof, gaps = gap_inputs(user, now)
    if not gen.choose_gaps(gaps) and level > 1:  # the target is met: plan towards the next level up
        level -= 1
        _prof, gaps = gap_inputs(user, now, level)
    modules, scenarios, indicators = catalogue(user)
    drafts = gen.generate(gaps, modules, scenarios, indicators, user.track, level, today, lang)
    plan = DevelopmentPlan(user_id=user.id, status="draft", track=user.track, level=level,
                           starts_on=today, review_on=today + timedelta(days=gen.PERIOD_DAYS),
                           created_by_id=actor.id, created_at=now, previous_id=previous.id if previous else None)
    db.session.add(plan)
    for position, draft in enumerate(drafts):
        goal = PlanGoal(category_id=draft.category_id, position=position, baseline=draft.baseline,
                        target=draft.target, text=draft.text, due_on=draft.due_on)
        plan.goals.append(goal)
        for k, item in enumerate(draft.items):
            quiz = _practice_quiz(item.category_code) if item.kind == "quiz" else None
            plan.items.append(PlanItem(goal=goal, position=k, kind=item.kind, module_id=item.module_id,
                                       quiz_id=quiz.id if quiz else None, scenario_id=item.scenario_id,
                                       text=item.text, due_on=item.due_on, origin="plan", created_at=now))
    db.session.flush()
    _event(plan, actor, "generated" if level == user.target_level else "generated_next")
    db.session.flush()
    return plan


# ------------------------------------------------------------------------------ the trainee's edits


def _own_draft(actor, plan):
    _require(actor.id == plan.user_id or may_lead(actor, plan.user))
    if not plan.editable:
        raise DomainError("plan_not_editable")


def edit_plan(actor, plan, goals=None, items=None):
    """``goals``: {goal id: (text, due_on)}; ``items``: {item id: (due_on, text or None)}."""
    _own_draft(actor, plan)
    changed = 0
    by_goal = {g.id: g for g in plan.goals}
    for gid, (text, due) in (goals or {}).items():
        goal = by_goal.get(gid)
        if goal is None:
            continue
        text = (text or "").strip()
        if text and text != goal.text:
            goal.text, changed = text, changed + 1
        if due and due != goal.due_on:
            goal.due_on, changed = due, changed + 1
    by_item = {i.id: i for i in plan.items}
    for iid, (due, text) in (items or {}).items():
        item = by_item.get(iid)
        if item is None:
            continue
        if due and due != item.due_on:
            item.due_on, changed = due, changed + 1
        if text is not None and item.kind == "action" and text.strip() and text.strip() != item.text:
            item.text, changed = text.strip(), changed + 1
    if changed:
        _event(plan, actor, "edited")
    db.session.flush()
    return changed


def add_item(actor, plan, kind, goal=None, module=None, quiz=None, scenario=None, text="", due_on=None,
             origin=None, assignment=None):
    if origin == "leader":
        _require(may_lead(actor, plan.user) or (assignment is not None))
        _require(plan.is_open, "plan_not_editable")
    else:
        _own_draft(actor, plan)
        origin = "trainee" if actor.id == plan.user_id else "leader"
    if kind == "action" and not (text or "").strip():
        raise DomainError("action_needs_text")
    if {"module": module, "quiz": quiz, "scenario": scenario}.get(kind, kind) is None:
        raise DomainError("nothing_chosen")
    item = PlanItem(plan=plan, goal=goal, kind=kind, module_id=module.id if module else None,
                    quiz_id=quiz.id if quiz else None, scenario_id=scenario.id if scenario else None,
                    text=(text or "").strip(), due_on=due_on, origin=origin, created_at=utcnow(),
                    assignment_id=assignment.id if assignment else None,
                    position=max((i.position for i in plan.items), default=0) + 1)
    db.session.add(item)
    db.session.flush()
    return item


def remove_item(actor, plan, item):
    _own_draft(actor, plan)
    if item.plan_id != plan.id:
        raise DomainError("not_allowed")
    if item.origin == "leader" and actor.id == plan.user_id:
        raise DomainError("assigned_item")
    plan.items.remove(item)
    db.session.delete(item)
    _event(plan, actor, "edited")
    db.session.flush()


def tick(actor, plan, item, done=True):
    """The trainee ticks an on-the-job action as done (or not), while the plan is open."""
    _require(actor.id == plan.user_id)
    _require(item.plan_id == plan.id and item.kind == "action", "not_an_action")
    _require(plan.is_open, "plan_not_open")
    item.done_at = utcnow() if done else None
    db.session.flush()


# ------------------------------------------------------------------------------ the workflow


def agree(actor, plan, comment=""):
    _require(actor.id == plan.user_id)
    plan.agree(utcnow())
    _event(plan, actor, "agreed", comment)
    db.session.flush()


def reopen(actor, plan, comment=""):
    _require(actor.id == plan.user_id or may_lead(actor, plan.user))
    plan.reopen()
    _event(plan, actor, "reopened", comment)
    db.session.flush()


def approve(actor, plan, comment="", ip=None):
    _require(may_lead(actor, plan.user))
    plan.approve(actor, utcnow())
    _event(plan, actor, "approved", comment)
    audit("plan_approved", actor=actor, subject=plan.user, ip=ip, plan=plan.id)
    db.session.flush()


def send_back(actor, plan, comment="", ip=None):
    _require(may_lead(actor, plan.user))
    if not (comment or "").strip():
        raise DomainError("comment_needed")
    plan.send_back()
    _event(plan, actor, "sent_back", comment)
    db.session.flush()


def review(actor, plan, outcome, note="", ip=None):
    """Close the period's plan, or renew it: a new draft from the gaps as they are now, carrying over
    the assigned activities not done yet. Returns the new plan when renewed."""
    from kamtrain.development.progress import item_states

    _require(may_lead(actor, plan.user))
    if outcome not in ("close", "renew"):
        raise DomainError("unknown_outcome")
    if plan.status != APPROVED:
        raise DomainError("plan_wrong_state")
    states = item_states(plan)
    open_assigned = [i for i in plan.items if i.origin == "leader" and not states[i.id].done]
    plan.close(utcnow(), note, renewed=outcome == "renew")
    _event(plan, actor, "renewed" if outcome == "renew" else "closed", note)
    audit("plan_reviewed", actor=actor, subject=plan.user, ip=ip, plan=plan.id, outcome=outcome)
    db.session.flush()
    if outcome == "close":
        return None
    new = generate_plan(actor, plan.user, previous=plan)
    goals = {g.category_id: g for g in new.goals}
    for item in open_assigned:
        new.items.append(PlanItem(goal=goals.get(item.goal.category_id) if item.goal else None, kind=item.kind,
                                  module_id=item.module_id, quiz_id=item.quiz_id, scenario_id=item.scenario_id,
                                  text=item.text, due_on=item.due_on, origin="leader",
                                  assignment_id=item.assignment_id, created_at=item.created_at,
                                  position=len(new.items) + 1))
    _event(new, actor, "renewed_from", f"#{plan.id}")
    db.session.flush()
    return new


# ------------------------------------------------------------------------------ assigned work


def assignable(kind, ref):
    """The module, quiz or scenario an assignment form names ("module:<id>", "quiz:<id>",
    "quiz:category:<code>", "scenario:<id>"); None when unknown."""
    if kind == "module":
        module = db.session.get(Module, int(ref)) if str(ref).isdigit() else None
        return module if module is not None and not module.retired else None
    if kind == "scenario":
        record = db.session.get(ScenarioRecord, str(ref))
        return record if record is not None and not record.retired else None
    if kind == "quiz":
        if str(ref).startswith("category:"):
            category = db.session.scalar(db.select(Category).filter_by(code=str(ref).split(":", 1)[1]))
            return quiz_operations.practice_for_category(category) if category else None
        from kamtrain.assessment.quizzes import Quiz

        quiz = db.session.get(Quiz, int(ref)) if str(ref).isdigit() else None
        return quiz if quiz is not None and quiz.active else None
    return None


def assign(actor, kind, thing, users=(), team=None, category=None, due_on=None, note="", ip=None):
    """Assign a module, quiz or scenario to members (``users``) or to a whole ``team``: an Assignment
    row, and an activity in each member's open plan (a draft plan is generated for a member who has
    none). A certification exam is also assigned through the exams' own assignment."""
    from kamtrain.competency.reports import team_members

    if kind not in ("module", "quiz", "scenario") or thing is None:
        raise DomainError("nothing_chosen")
    if team is not None:
        _require(team.leader_id == actor.id or Role.ADMIN in actor.roles, "not_your_team")
        members = team_members(team)
        targets = [Assignment(kind=kind, team_id=team.id)]
    else:
        users = list(users)
        if not users:
            raise DomainError("nothing_chosen")
        for u in users:
            _require(may_lead(actor, u), "not_your_team")
        members = users
        targets = [Assignment(kind=kind, user_id=u.id) for u in users]
    for a in targets:
        a.module_id = thing.id if kind == "module" else None
        a.quiz_id = thing.id if kind == "quiz" else None
        a.scenario_id = thing.id if kind == "scenario" else None
        a.category_id = category.id if category else None
        a.assigned_by_id, a.assigned_at, a.due_on, a.note = actor.id, utcnow(), due_on, (note or "")[:255]
        db.session.add(a)
    db.session.flush()
    if kind == "quiz" and thing.is_exam:
        quiz_operations.assign(actor, thing, users=[] if team else members, teams=[team] if team else [], ip=ip)
    by_user = {a.user_id: a for a in targets if a.user_id}
    for member in members:
        assignment = by_user.get(member.id, targets[0])
        plan = current_plan(member)
        if plan is None:
            plan = generate_plan(actor, member) if member.track and member.target_level else None
        if plan is None:
            continue
        goal = next((g for g in plan.goals if category is not None and g.category_id == category.id), None)
        add_item(actor, plan, kind, goal=goal, module=thing if kind == "module" else None,
                 quiz=thing if kind == "quiz" else None, scenario=thing if kind == "scenario" else None,
                 text=note, due_on=due_on, origin="leader", assignment=assignment)
        _event(plan, actor, "assigned", note)
    audit("work_assigned", actor=actor, ip=ip, kind=kind, thing=str(thing.id),
          team=team.name if team else None, users=[u.username for u in members] if team is None else None)
    db.session.flush()
    return targets


def members_of(user_ids):
    return db.session.scalars(db.select(User).where(User.id.in_(list(user_ids)))).all()
