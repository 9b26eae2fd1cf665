"""Recording a trainee's progress through modules (writes; the caller commits)."""

from kamtrain.content.models import ModuleProgress
from kamtrain.core.db import db, utcnow

MAX_SECONDS_PER_REPORT = 30 * 60  # a page left open overnight is not study time


def progress_for(user, module, create=False):
    row = db.session.scalar(db.select(ModuleProgress).filter_by(user_id=user.id, module_id=module.id))
    if row is None and create:
        row = ModuleProgress(user_id=user.id, module_id=module.id, seconds_spent=0)
        db.session.add(row)
        db.session.flush()
    return row


def mark_complete(user, module):
    row = progress_for(user, module, create=True)
    if row.completed_at is None:
        row.completed_at = utcnow()
    db.session.flush()
    return row


def grade_self_check(module, answers):
    """Pure: answers maps question index → chosen option index (or None). Returns per-question
    results [(chosen, correct, is_right)] and the number right."""
    results = []
    for i, q in enumerate(module.self_check):
        chosen = answers.get(i)
        results.append((chosen, q["answer"], chosen == q["answer"]))
    return results, sum(1 for _, _, ok in results if ok)


def record_self_check(user, module, right):
    row = progress_for(user, module, create=True)
    row.self_check_correct = max(row.self_check_correct or 0, right)
    db.session.flush()
    return row


def add_study_time(user, module, seconds):
    row = progress_for(user, module, create=True)
    row.seconds_spent += max(0, min(int(seconds), MAX_SECONDS_PER_REPORT))
    db.session.flush()
    return row


def completed_module_ids(user):
    return set(db.session.scalars(db.select(ModuleProgress.module_id).where(
        ModuleProgress.user_id == user.id, ModuleProgress.completed_at.is_not(None))))
