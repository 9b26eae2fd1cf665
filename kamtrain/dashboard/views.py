"""The home page: one panel for each role the signed-in person holds, most urgent first."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from kamtrain.accounts.models import AuditEntry, Team, User, UserRole
from kamtrain.accounts.roles import Role
from kamtrain.assessment.models import Question
from kamtrain.competency.models import Category, Indicator, TrackInfo, TrackLevel
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.db import db

bp = Blueprint("dashboard", __name__)


def trainee_panel(user):
    level = None
    if user.track and user.target_level:
        level = db.session.scalar(db.select(TrackLevel).filter_by(track=user.track, level=user.target_level))
    track = db.session.get(TrackInfo, user.track) if user.track else None
    categories = db.session.scalars(db.select(Category).order_by(Category.number)).all()
    return {"track": track, "target": level, "categories": categories}


def leader_panel(user):
    teams = db.session.scalars(db.select(Team).filter_by(leader_id=user.id).order_by(Team.name)
                               .options(selectinload(Team.members))).all()
    return {"teams": teams}


def trainer_panel(user):
    return {
        "categories": db.session.scalar(db.select(func.count(Category.id))),
        "indicators": db.session.scalar(db.select(func.count(Indicator.id)).where(Indicator.retired.is_(False))),
        "track_levels": db.session.scalar(db.select(func.count(TrackLevel.id))),
        "questions": db.session.scalar(db.select(func.count(Question.id)).where(Question.retired.is_(False))),
    }


def hr_panel(user):
    rows = db.session.execute(
        db.select(User.track, User.current_level, func.count())
        .join(UserRole, UserRole.user_id == User.id).where(UserRole.role == Role.TRAINEE.value)
        .where(User.active.is_(True)).group_by(User.track, User.current_level)).all()
    grid = {}
    for track, level, n in rows:
        grid[(track or "", level or 0)] = n
    tracks = db.session.scalars(db.select(TrackInfo).order_by(TrackInfo.code.desc())).all()
    return {"grid": grid, "tracks": tracks, "total": sum(grid.values())}


def admin_panel(user):
    return {
        "users": db.session.scalar(db.select(func.count(User.id)).where(User.active.is_(True))),
        "inactive": db.session.scalar(db.select(func.count(User.id)).where(User.active.is_(False))),
        "recent": db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                     .limit(8)).all(),
    }


PANELS = [
    (Role.TRAINEE, trainee_panel),
    (Role.LEADER, leader_panel),
    (Role.TRAINER, trainer_panel),
    (Role.HR, hr_panel),
    (Role.ADMIN, admin_panel),
]


@bp.route("/")
@allow(SIGNED_IN)
def home():
    panels = [(role.value, build(current_user)) for role, build in PANELS if role in current_user.roles]
    return render_template("dashboard/home.html", panels=panels)
