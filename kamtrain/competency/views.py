"""Browsing the competency model and the tracks' target profiles (every signed-in user)."""

from flask import Blueprint, abort, render_template
from sqlalchemy.orm import selectinload

from kamtrain.competency.models import Aspect, Category, ProficiencyStep, TrackInfo, TrackLevel
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.db import db

bp = Blueprint("competency", __name__, url_prefix="/competency")


def load_model():
    return db.session.scalars(db.select(Aspect).order_by(Aspect.position)
                              .options(selectinload(Aspect.categories))).all()


@bp.route("/")
@allow(SIGNED_IN)
def index():
    return render_template("competency/index.html", aspects=load_model(),
                           steps=db.session.scalars(db.select(ProficiencyStep).order_by(ProficiencyStep.value)).all())


@bp.route("/<code>")
@allow(SIGNED_IN)
def category(code):
    cat = db.session.scalar(db.select(Category).filter_by(code=code)
                            .options(selectinload(Category.indicators)))
    if cat is None:
        abort(404)
    steps = db.session.scalars(db.select(ProficiencyStep).order_by(ProficiencyStep.value)).all()
    levels = db.session.scalars(db.select(TrackLevel).order_by(TrackLevel.track, TrackLevel.level.desc())).all()
    return render_template("competency/category.html", category=cat, steps=steps, levels=levels)


@bp.route("/tracks")
@allow(SIGNED_IN)
def tracks():
    tracks = db.session.scalars(db.select(TrackInfo).order_by(TrackInfo.code.desc())).all()
    levels = db.session.scalars(db.select(TrackLevel).order_by(TrackLevel.level.desc())).all()
    categories = db.session.scalars(db.select(Category).order_by(Category.number)).all()
    by_track = {t.code: [lv for lv in levels if lv.track == t.code] for t in tracks}
    return render_template("competency/tracks.html", tracks=tracks, by_track=by_track, categories=categories)
