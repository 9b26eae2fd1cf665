"""Learning progress for team leaders (each member of their teams) and HR (completion per org unit)."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from kamtrain.accounts.models import Team
from kamtrain.accounts.roles import LEVELS, Role
from kamtrain.competency.models import TrackInfo
from kamtrain.content import reports
from kamtrain.core.access import allow
from kamtrain.core.db import db

bp = Blueprint("progress", __name__, url_prefix="/progress")

OVERSEERS = {Role.HR, Role.ADMIN}  # may see every team


@bp.route("/team")
@allow(Role.LEADER, Role.HR, Role.ADMIN)
def team():
    """A leader's teams (or, for HR and administrators, the team chosen with ?team=ID): each member's
    modules completed, syllabus progress, time spent and last activity."""
    oversees = bool(current_user.roles & OVERSEERS)
    team_id = request.args.get("team", type=int)
    if team_id is not None:
        chosen = db.session.get(Team, team_id)
        if chosen is None:
            abort(404)
        if chosen.leader_id != current_user.id and not oversees:
            abort(403)
        teams = [chosen]
    else:
        teams = db.session.scalars(db.select(Team).filter_by(leader_id=current_user.id).order_by(Team.name)).all()
    all_teams = db.session.scalars(db.select(Team).order_by(Team.name)).all() if oversees and not teams else []
    return render_template("content/team_progress.html",
                           teams=[(t, reports.team_members_progress(t)) for t in teams], all_teams=all_teams)


@bp.route("/org-units")
@allow(Role.HR, Role.ADMIN)
def org_units():
    track = request.args.get("track") or None
    level = request.args.get("level", type=int)
    tracks = db.session.scalars(db.select(TrackInfo).order_by(TrackInfo.code.desc())).all()
    if track not in {t.code for t in tracks}:
        track = None
    if level not in LEVELS:
        level = None
    return render_template("content/org_progress.html", rows=reports.org_unit_progress(track, level),
                           tracks=tracks, track=track, level=level)
