"""Creating and changing quizzes and exams, and assigning exams. Writes flush and audit; the caller commits.

Practice quizzes need no trainer: the first trainee who asks for one (per competency category or
per course module) creates it. Certification exams are sittings a trainer creates for a syllabus;
the blueprint, time limit, attempt limit, waiting period and pass mark come from the syllabus's
``exam`` section and may be changed per sitting.
"""

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from kamtrain.accounts.models import Team, User, UserRole
from kamtrain.accounts.operations import audit
from kamtrain.accounts.roles import Role
from kamtrain.assessment.quizzes import EXAM, PRACTICE, Quiz, QuizAssignment
from kamtrain.competency.models import Category
from kamtrain.core.db import db
from kamtrain.core.errors import DomainError

PRACTICE_QUESTIONS = 10  # per competency category
MODULE_PRACTICE_QUESTIONS = 8
SETTINGS = ("title_zh", "title_en", "opens_at", "closes_at", "time_limit_minutes", "max_attempts", "wait_days",
            "pass_mark", "review_policy", "layout", "active")


def _get_or_create(code, **fields):
    quiz = db.session.scalar(db.select(Quiz).filter_by(code=code))
    if quiz is not None:
        return quiz
    try:
        with db.session.begin_nested():
            quiz = Quiz(code=code, **fields)
            db.session.add(quiz)
            db.session.flush()
    except IntegrityError:  # another trainee created it a moment ago
        quiz = db.session.scalar(db.select(Quiz).filter_by(code=code))
    return quiz


def practice_for_category(category):
    return _get_or_create(
        f"practice-category-{category.code}", kind=PRACTICE, category_id=category.id,
        title_zh=f"{category.name_zh}练习", title_en=f"{category.name_en}: practice",
        blueprint=[{"category": category.code, "any": PRACTICE_QUESTIONS}], review_policy="immediate",
        instant_feedback=True, layout="paged", pass_mark=60, wait_days=0)


def practice_for_module(module):
    """Questions of the module's categories, at the module's first level; the primary category
    gets the larger share."""
    codes = [c.code for c in module.categories] or []
    if not codes:
        raise DomainError("module_without_categories")
    shares = [MODULE_PRACTICE_QUESTIONS // len(codes)] * len(codes)
    shares[0] += MODULE_PRACTICE_QUESTIONS - sum(shares)
    return _get_or_create(
        f"practice-module-{module.code}"[:80], kind=PRACTICE, module_id=module.id,
        title_zh=f"{module.title_zh}：练习", title_en=f"{module.title_en}: practice",
        blueprint=[{"category": code, "any": n} for code, n in zip(codes, shares, strict=True) if n],
        level=(module.levels or [None])[0], review_policy="immediate", instant_feedback=True, layout="paged",
        pass_mark=60, wait_days=0)


def exam_defaults(syllabus):
    exam = syllabus.exam or {}
    return {
        "title_zh": f"{syllabus.title_zh} 认证考试", "title_en": f"{syllabus.title_en}: certification exam",
        "time_limit_minutes": exam.get("duration_minutes"), "max_attempts": exam.get("max_attempts"),
        "wait_days": exam.get("wait_days") or 0, "pass_mark": exam.get("pass_mark", 60),
        "review_policy": "never", "layout": "paged", "active": True, "opens_at": None, "closes_at": None,
    }


def create_exam(actor, syllabus, ip=None, **settings):
    """A new sitting of the syllabus's certification exam."""
    fields = {**exam_defaults(syllabus), **{k: v for k, v in settings.items() if k in SETTINGS}}
    count = db.session.scalar(db.select(func.count(Quiz.id)).where(Quiz.syllabus_id == syllabus.id))
    code = f"exam-{syllabus.code}-{count + 1}"
    while db.session.scalar(db.select(Quiz.id).filter_by(code=code)):
        count += 1
        code = f"exam-{syllabus.code}-{count + 1}"
    quiz = Quiz(code=code, kind=EXAM, syllabus_id=syllabus.id, track=syllabus.track, level=syllabus.level,
                blueprint=[dict(row) for row in syllabus.exam["blueprint"]], instant_feedback=False,
                created_by_id=actor.id if actor else None, **fields)
    db.session.add(quiz)
    db.session.flush()
    audit("exam_created", actor=actor, ip=ip, quiz=quiz.id, code=quiz.code, syllabus=syllabus.code)
    return quiz


def update_exam(actor, quiz, ip=None, **settings):
    changed = {}
    for key, value in settings.items():
        if key in SETTINGS and getattr(quiz, key) != value:
            changed[key] = str(value) if value is not None else None
            setattr(quiz, key, value)
    if changed:
        audit("exam_changed", actor=actor, ip=ip, quiz=quiz.id, code=quiz.code, changed=changed)
    db.session.flush()
    return changed


def refresh_blueprint(actor, quiz, ip=None):
    """Take the syllabus's current blueprint (after a content change); attempts already drawn keep theirs."""
    if quiz.syllabus is None:
        return False
    quiz.blueprint = [dict(row) for row in quiz.syllabus.exam["blueprint"]]
    audit("exam_changed", actor=actor, ip=ip, quiz=quiz.id, code=quiz.code, changed={"blueprint": "syllabus"})
    db.session.flush()
    return True


# ------------------------------------------------------------------------------ assignments

def is_staff(actor):
    return bool(actor.roles & {Role.TRAINER, Role.ADMIN})


def assignable_teams(actor):
    query = db.select(Team).order_by(Team.name)
    if not is_staff(actor):
        query = query.where(Team.leader_id == actor.id)
    return db.session.scalars(query).all()


def assignable_trainees(actor):
    query = (db.select(User).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == Role.TRAINEE.value, User.active.is_(True)).order_by(User.username))
    if not is_staff(actor):
        query = query.where(User.team_id.in_(db.select(Team.id).where(Team.leader_id == actor.id)))
    return db.session.scalars(query).all()


def may_manage_assignment(actor, assignment):
    if is_staff(actor):
        return True
    if assignment.team is not None:
        return assignment.team.leader_id == actor.id
    return assignment.user is not None and actor.leads(assignment.user)


def assign(actor, quiz, users=(), teams=(), ip=None):
    """Assign the exam to trainees and/or whole teams; a leader only within the teams they lead.
    Returns the new assignments (existing ones are left as they are)."""
    if not quiz.is_exam:
        raise DomainError("not_an_exam")
    if not users and not teams:
        raise DomainError("nothing_chosen")
    if not is_staff(actor):
        led = {t.id for t in actor.led_teams}
        if any(t.id not in led for t in teams) or any(u.team_id not in led for u in users):
            raise DomainError("not_your_team")
    have_users = set(db.session.scalars(db.select(QuizAssignment.user_id).where(
        QuizAssignment.quiz_id == quiz.id, QuizAssignment.user_id.is_not(None))))
    have_teams = set(db.session.scalars(db.select(QuizAssignment.team_id).where(
        QuizAssignment.quiz_id == quiz.id, QuizAssignment.team_id.is_not(None))))
    created = []
    for user in users:
        if user.id not in have_users:
            created.append(QuizAssignment(quiz=quiz, user_id=user.id, assigned_by_id=actor.id))
    for team in teams:
        if team.id not in have_teams:
            created.append(QuizAssignment(quiz=quiz, team_id=team.id, assigned_by_id=actor.id))
    db.session.add_all(created)
    db.session.flush()
    if created:
        audit("exam_assigned", actor=actor, ip=ip, quiz=quiz.id, code=quiz.code,
              users=[u.username for u in users if u.id not in have_users],
              teams=[t.name for t in teams if t.id not in have_teams])
    return created


def unassign(actor, assignment, ip=None):
    if not may_manage_assignment(actor, assignment):
        raise DomainError("not_your_team")
    audit("exam_unassigned", actor=actor, ip=ip, quiz=assignment.quiz_id,
          user=assignment.user.username if assignment.user else None,
          team=assignment.team.name if assignment.team else None)
    db.session.delete(assignment)
    db.session.flush()


def exams_for(user):
    """Active exams assigned to the user directly or through their team, newest first."""
    conditions = [QuizAssignment.user_id == user.id]
    if user.team_id:
        conditions.append(QuizAssignment.team_id == user.team_id)
    return db.session.scalars(
        db.select(Quiz).where(Quiz.kind == EXAM, Quiz.active.is_(True), Quiz.id.in_(
            db.select(QuizAssignment.quiz_id).where(db.or_(*conditions))))
        .order_by(Quiz.created_at.desc(), Quiz.id.desc())).all()


def categories():
    return db.session.scalars(db.select(Category).order_by(Category.number)).all()
