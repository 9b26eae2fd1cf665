"""Demo learning activity: several demo trainees have finished modules of their syllabus, with
plausible reading time and self-check results, and one module under way. Idempotent: rows that
exist (demo or real) are left alone; missing ones are created."""

from datetime import timedelta

from kamtrain.content.models import ModuleProgress, Syllabus
from kamtrain.core.db import db, utcnow

# trainee number → modules of their syllabus finished (in syllabus order); the next one is under way
FINISHED = {1: 4, 2: 6, 3: 2, 4: 3, 5: 5, 6: 7, 8: 2, 11: 5, 12: 3, 13: 1, 14: 4, 16: 6, 18: 2, 19: 3}


def create_demo_progress(trainees):
    """``trainees``: {number: User}. Returns the number of progress rows created."""
    syllabi = {(s.track, s.level): s for s in db.session.scalars(db.select(Syllabus))}
    if not syllabi:
        return 0  # content not synced yet
    now = utcnow().replace(second=0, microsecond=0)
    created = 0
    for number, user in sorted(trainees.items()):
        finished = FINISHED.get(number, 0)
        syllabus = syllabi.get((user.track, user.target_level))
        if not finished or syllabus is None:
            continue
        have = set(db.session.scalars(db.select(ModuleProgress.module_id).filter_by(user_id=user.id)))
        modules = syllabus.modules[:finished + 1]
        for i, module in enumerate(modules):
            if module.id in have:
                continue
            # spread over the last weeks: earlier modules first, a day or two apart
            started = now - timedelta(days=3 * (len(modules) - i) + number % 3, hours=9 + (number + i) % 8)
            reading = module.minutes * 60 * (80 + (number * 7 + i * 13) % 50) // 100
            done = i < finished
            row = ModuleProgress(user_id=user.id, module_id=module.id, started_at=started,
                                 seconds_spent=reading if done else reading // 3,
                                 self_check_correct=(3 if (number + i) % 3 else 2) if done else None,
                                 completed_at=started + timedelta(minutes=module.minutes + 5) if done else None)
            row.last_active_at = row.completed_at or started + timedelta(minutes=15)
            db.session.add(row)
            created += 1
    db.session.flush()
    return created
