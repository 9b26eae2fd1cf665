"""Public verification, no sign-in: /verify/<code> (a page) and /verify/<code>.json (CONTRACT §3),
checking a signed Open Badge, and the issuer's published documents (profile, keys, achievements).

Only the holder's name, the track, the level and the dates are shown: never an e-mail or an employee
number. A code that is malformed, unknown or whose check code is wrong is a 404, and is logged.
Every route here is rate-limited per client address."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kamtrain.accounts.operations import audit
from kamtrain.certification import badges, queries
from kamtrain.certification.common import local_today, public_base_url
from kamtrain.certification.forms import BadgeForm
from kamtrain.certification.rules import parse_code
from kamtrain.content.models import Syllabus
from kamtrain.core.access import ANYONE, allow
from kamtrain.core.db import db
from kamtrain.core.web import client_ip
from kamtrain.extensions import limiter

bp = Blueprint("verify", __name__)


def _limit():
    return current_app.config["VERIFY_RATE_LIMIT"]


def _refuse(code, reason):
    current_app.logger.info("verification refused (%s) for %r from %s", reason, code[:60], client_ip())
    audit("verification_refused", ip=client_ip(), code=code[:60], reason=reason)
    db.session.commit()
    abort(404)


def _certificate(code):
    if parse_code(code) is None:
        _refuse(code, "malformed")
    cert = queries.by_code(code)
    if cert is None:
        _refuse(code, "unknown")
    return cert


@bp.route("/verify/")
@allow(ANYONE)
@limiter.limit(_limit)
def index():
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("verify.page", code=code.upper()))
    return render_template("certification/verify_index.html")


@bp.route("/verify/<code>")
@allow(ANYONE)
@limiter.limit(_limit)
def page(code):
    if code.endswith(".json"):  # the JSON rule is the one meant (kept safe whatever the rule order)
        return json(code[:-5])
    cert = _certificate(code)
    record = queries.public_record(cert, local_today())
    return render_template("certification/verify.html", cert=cert, record=record)


@bp.route("/verify/<code>.json")
@allow(ANYONE)
@limiter.limit(_limit)
def json(code):
    cert = _certificate(code)
    return jsonify(queries.public_record(cert, local_today()))


@bp.route("/verify/badge", methods=["GET", "POST"])
@allow(ANYONE)
@limiter.limit(_limit, methods=["POST"])
def badge():
    """Check a signed Open Badge (VC-JWT) issued by this app: the signature, then the certificate's
    current status."""
    form = BadgeForm()
    result = None
    if form.validate_on_submit():
        token = (form.token.data or "").strip()
        if not token and form.file.data:
            token = form.file.data.read(20000).decode("utf-8", "replace").strip()
        try:
            claims = badges.verify(token)
        except badges.BadgeRefused as e:
            audit("badge_refused", ip=client_ip(), reason=e.code)
            db.session.commit()
            current_app.logger.info("badge refused (%s) from %s", e.code, client_ip())
            flash(_("This badge does not verify: it was changed after signing, or not signed by this issuer."),
                  "error")
            return render_template("certification/verify_badge.html", form=form, result=None), 422
        code = (claims.get("id") or "").rsplit("/", 1)[-1]
        cert = queries.by_code(code)
        result = {"claims": claims, "record": queries.public_record(cert) if cert is not None else None}
    return render_template("certification/verify_badge.html", form=form, result=result)


@bp.route("/badges/issuer")
@allow(ANYONE)
def issuer():
    profile = badges.issuer_profile()
    profile["verificationKeys"] = f"{public_base_url()}/badges/jwks.json"
    return jsonify(profile)


@bp.route("/badges/jwks.json")
@allow(ANYONE)
def jwks():
    return jsonify(badges.jwks())


@bp.route("/badges/achievements/<code>")
@allow(ANYONE)
def achievement(code):
    syllabus = db.session.scalar(db.select(Syllabus).filter_by(code=code))
    if syllabus is None:
        abort(404)
    doc = badges.achievement(syllabus)
    doc["@context"] = badges.CONTEXT
    return jsonify(doc)
