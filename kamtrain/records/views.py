"""HR's certification records: search, a person's history, exports (CSV/XLSX, batch PDFs) and the
API tokens page. Team leaders may open the history of members of their own teams."""

import math
import tempfile

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kamtrain.accounts.models import OrgUnit, Team, User
from kamtrain.accounts.operations import audit
from kamtrain.accounts.roles import Role
from kamtrain.certification import awarding, jobs
from kamtrain.certification.common import local_today, public_base_url
from kamtrain.certification.forms import EmptyForm
from kamtrain.certification.models import AwardRequest, Certificate
from kamtrain.core.access import allow
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError, ValidationFailed
from kamtrain.core.i18n import current_language
from kamtrain.core.web import client_ip
from kamtrain.records import export, search, tokens
from kamtrain.records.forms import TokenForm
from kamtrain.records.models import ApiToken

bp = Blueprint("records", __name__, url_prefix="/records")
PER_PAGE = 50
DIRECT_EXPORT_ROWS = 20000  # more than this goes to a background job with a progress page


def _filter_or_refuse():
    try:
        return search.parse_filter(request.args)
    except ValidationFailed as e:
        audit("export_refused" if request.endpoint == "records.export_file" else "records_filter_refused",
              actor=current_user, ip=client_ip(), problems=e.problems[:10])
        db.session.commit()
        return e


def _choices():
    units = db.session.scalars(db.select(OrgUnit).order_by(OrgUnit.id)).all()
    teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    return sorted(units, key=lambda u: u.path), teams


@bp.route("/")
@allow(Role.HR, Role.ADMIN)
def index():
    flt = _filter_or_refuse()
    units, teams = _choices()
    if isinstance(flt, ValidationFailed):
        return render_template("records/index.html", problems=flt.problems, flt=search.RecordFilter(), rows=[],
                               total=0, page=1, pages=1, units=units, teams=teams, today=local_today(),
                               form=EmptyForm()), 400
    today = local_today()
    total = search.count(flt, today)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    rows = db.session.scalars(search.certificates(flt, today).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    pending = db.session.scalar(db.select(db.func.count(AwardRequest.id)).where(AwardRequest.state == "pending"))
    return render_template("records/index.html", flt=flt, rows=rows, total=total, page=page, pages=pages,
                           units=units, teams=teams, today=today, problems=None, pending=pending, form=EmptyForm())


@bp.route("/export")
@allow(Role.HR, Role.ADMIN)
def export_file():
    """Download the records matching the filter: CSV streamed as it is read, XLSX written row by row.
    Beyond DIRECT_EXPORT_ROWS rows it becomes a background job with a progress page."""
    flt = _filter_or_refuse()
    fmt = request.args.get("format", "csv")
    if isinstance(flt, ValidationFailed) or fmt not in ("csv", "xlsx"):
        problems = flt.problems if isinstance(flt, ValidationFailed) else ["format: must be csv or xlsx"]
        return render_template("records/refused.html", problems=problems), 400
    today = local_today()
    total = search.count(flt, today)
    audit("records_exported", actor=current_user, ip=client_ip(), format=fmt, rows=total, filter=flt.as_args())
    db.session.commit()
    params = {"filter": flt.as_args(), "format": fmt, "base_url": public_base_url(), "lang": current_language()}
    if total > DIRECT_EXPORT_ROWS:
        job = jobs.enqueue("records_export", params, current_user)
        return redirect(url_for("jobs.page", job_id=job.id))
    # written to a temporary file batch by batch (flat memory), then sent from it in chunks
    out = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes (and so deletes) it
    try:
        if fmt == "csv":
            for chunk in export.csv_chunks(flt, today=today, base_url=params["base_url"], lang=params["lang"]):
                out.write(chunk)
            mimetype = "text/csv; charset=utf-8"
        else:
            export.write_xlsx(out, flt, today=today, base_url=params["base_url"], lang=params["lang"])
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return send_file(out, mimetype=mimetype, as_attachment=True,
                     download_name=f"certificates-{today.isoformat()}.{fmt}")


@bp.route("/export-job", methods=["POST"])
@allow(Role.HR, Role.ADMIN)
def export_job():
    """Start a background export (CSV, XLSX, or every matching certificate's PDF in a ZIP)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    args = {k: v for k, v in request.form.items() if k not in ("csrf_token", "kind", "format")}
    try:
        flt = search.parse_filter(args)
    except ValidationFailed as e:
        audit("export_refused", actor=current_user, ip=client_ip(), problems=e.problems[:10])
        db.session.commit()
        return render_template("records/refused.html", problems=e.problems), 400
    what = request.form.get("kind")
    params = {"filter": flt.as_args(), "base_url": public_base_url(), "lang": current_language()}
    if what == "pdfs":
        job = jobs.enqueue("certificate_pdfs", params, current_user)
    elif what in ("csv", "xlsx"):
        job = jobs.enqueue("records_export", {**params, "format": what}, current_user)
    else:
        abort(400)
    audit("records_exported", actor=current_user, ip=client_ip(), format=what, job=job.id, filter=flt.as_args())
    db.session.commit()
    return redirect(url_for("jobs.page", job_id=job.id))


@bp.route("/people/<int:user_id>")
@allow(Role.LEADER, Role.HR, Role.ADMIN)
def person(user_id):
    """A person's certification history: every certificate, request and reminder."""
    user = db.session.get(User, user_id)
    overseer = bool(current_user.roles & {Role.HR, Role.ADMIN})
    if user is None or not (overseer or current_user.leads(user)):
        abort(404)
    certs = db.session.scalars(db.select(Certificate).where(Certificate.user_id == user.id)
                               .order_by(Certificate.issued_on.desc(), Certificate.id.desc())).all()
    requests_ = db.session.scalars(db.select(AwardRequest).where(AwardRequest.user_id == user.id)
                                   .order_by(AwardRequest.requested_at.desc())).all()
    progress = awarding.progress(user) if user.track else []
    return render_template("records/person.html", person=user, certs=certs, requests=requests_, progress=progress,
                           today=local_today(), overseer=overseer)


# ---------------------------------------------------------------------------- API tokens

@bp.route("/api-tokens", methods=["GET", "POST"])
@allow(Role.HR, Role.ADMIN)
def api_tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            row, new_token = tokens.create_token(current_user, form.name.data, int(form.days.data), ip=client_ip())
        except DomainError:
            db.session.rollback()
            flash(_("The token could not be made."), "error")
        else:
            db.session.commit()
            flash(_("Token “%(name)s” made. Copy it now: it is not shown again.", name=row.name), "success")
            form = TokenForm(formdata=None)
    overseer = Role.ADMIN in current_user.roles
    query = db.select(ApiToken).order_by(ApiToken.created_at.desc())
    if not overseer:
        query = query.where(ApiToken.user_id == current_user.id)
    return render_template("records/api_tokens.html", form=form, rows=db.session.scalars(query).all(),
                           new_token=new_token, revoke_form=EmptyForm(), now=utcnow())


@bp.route("/api-tokens/<int:token_id>/revoke", methods=["POST"])
@allow(Role.HR, Role.ADMIN)
def revoke_api_token(token_id):
    row = db.session.get(ApiToken, token_id)
    if row is None or not (row.user_id == current_user.id or Role.ADMIN in current_user.roles):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        tokens.revoke_token(current_user, row, ip=client_ip())
    except DomainError:
        db.session.rollback()
        flash(_("This token is already revoked."), "error")
    else:
        db.session.commit()
        flash(_("Token revoked."), "success")
    return redirect(url_for("records.api_tokens"))
