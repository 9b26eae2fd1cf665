"""Recording a trainee's progress through modules (writes; the caller commits)."""

from kamtrain.content.models import ModuleProgress
from kamtrain.core.db import db, utcnow

MAX_SECONDS_PER_REPORT = 30 * 60  # a page left open overnight is not study time
HEARTBEAT_SECONDS = 30  # module.js reports reading time this often while the page is visible
MAX_SECONDS_PER_BEAT = 45  # one beat never credits more, whatever the page claims


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
    row.last_active_at = utcnow()
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
    row.last_active_at = utcnow()
    db.session.flush()
    return row


def add_study_time(user, module, seconds):
    row = progress_for(user, module, create=True)
    row.seconds_spent += max(0, min(int(seconds), MAX_SECONDS_PER_REPORT))
    db.session.flush()
    return row


def beat_credit(reported, since_last_beat):
    """Pure: the seconds one heartbeat may add. At most MAX_SECONDS_PER_BEAT, and never more than
    the time since the previous activity (two open tabs, or a replayed request, do not count twice)."""
    try:
        seconds = int(reported)
    except (TypeError, ValueError):
        return 0
    seconds = max(0, min(seconds, MAX_SECONDS_PER_BEAT))
    if since_last_beat is not None:
        seconds = min(seconds, max(0, int(since_last_beat.total_seconds()) + 1))
    return seconds


def record_heartbeat(user, module, reported, now=None):
    """module.js reports reading time while the page is visible; returns the seconds credited."""
    now = now or utcnow()
    row = progress_for(user, module, create=True)
    since = now - row.last_active_at if row.last_active_at else None
    credit = beat_credit(reported, since)
    row.seconds_spent += credit
    row.last_active_at = now
    db.session.flush()
    return credit


def completed_module_ids(user):
    return set(db.session.scalars(db.select(ModuleProgress.module_id).where(
        ModuleProgress.user_id == user.id, ModuleProgress.completed_at.is_not(None))))
