"""Helpers for gap-report and plan tests: trainees with a track and level, a team with its leader,
and evidence written as the application writes it (through the ORM, so the stored weights follow)."""

from datetime import timedelta

from kamtrain.accounts.roles import Role
from kamtrain.competency.models import Category, Evidence
from kamtrain.core.db import db, utcnow
from tests.factories import create_user

_source_ids = iter(range(10_000_000, 20_000_000))


def category(code):
    return db.session.scalar(db.select(Category).filter_by(code=code))


def add_evidence(user, code, score, kind="exam", days=1, weight=1.0, at=None):
    row = Evidence(user_id=user.id, category_id=category(code).id, score=score, weight=weight, source_kind=kind,
                   source_id=next(_source_ids), occurred_at=at or utcnow() - timedelta(days=days), note="test")
    db.session.add(row)
    db.session.flush()
    return row


def trainee(username=None, track="sales", level=3, current=None, team=None):
    user = create_user(username, roles=[Role.TRAINEE], track=track, target_level=level, current_level=current)
    if team is not None:
        user.team = team
        db.session.flush()
    return user
