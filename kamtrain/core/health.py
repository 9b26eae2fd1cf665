"""GET /healthz for load balancers: the app answers and the database does."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from kamtrain.core.access import ANYONE, allow
from kamtrain.core.db import db
from kamtrain.extensions import limiter

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@allow(ANYONE)
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as e:
        db.session.rollback()
        current_app.logger.warning("health check: database unreachable: %s", type(e).__name__)
        return jsonify({"status": "error", "database": "error"}), 503
    return jsonify({"status": "ok", "database": "ok"})
