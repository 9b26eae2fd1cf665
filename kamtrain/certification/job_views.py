"""A background job's page: progress while it runs (jobs.js polls the JSON), then its result: the
figures of the job's summary under translated labels (never the raw summary keys)."""

from flask import Blueprint, abort, jsonify, render_template, send_file, url_for
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kamtrain.accounts.roles import Role
from kamtrain.certification import jobs
from kamtrain.certification.models import BackgroundJob
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.db import db

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

# the summary keys of the job kinds (records/export.py, certification/reminders.py) and their labels
SUMMARY_LABELS = {
    "rows": _l("Rows exported"),
    "pdfs": _l("Certificates in the archive"),
    "checked": _l("Certificates checked"),
    "sent": _l("Reminders sent"),
}


def summary_items(job):
    """[(label, figure)] of the job's summary, in the order the job wrote it; a key without a label
    (a job kind added later) is shown in words rather than as an identifier."""
    items = []
    for key, value in (job.summary or {}).items():
        label = SUMMARY_LABELS.get(key)
        label = str(label) if label is not None else key.replace("_", " ").capitalize()
        figure = format_decimal(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
        items.append((label, figure))
    return items


def _job_or_404(job_id):
    job = db.session.get(BackgroundJob, job_id) if len(job_id) <= 32 else None
    if job is None or not (job.created_by_id == current_user.id or current_user.roles & {Role.HR, Role.ADMIN}):
        abort(404)
    return job


def _download_url(job):
    return url_for("jobs.download", job_id=job.id)


@bp.route("/<job_id>")
@allow(SIGNED_IN)
def page(job_id):
    job = _job_or_404(job_id)
    return render_template("certification/job.html", job=job, status_url=url_for("jobs.status", job_id=job.id),
                           download_url=_download_url(job), summary=summary_items(job))


@bp.route("/<job_id>.json")
@allow(SIGNED_IN)
def status(job_id):
    job = _job_or_404(job_id)
    doc = jobs.as_json(job, _download_url(job))
    doc["summary_items"] = [{"label": label, "value": figure} for label, figure in summary_items(job)]
    return jsonify(doc)


@bp.route("/<job_id>/download")
@allow(SIGNED_IN)
def download(job_id):
    job = _job_or_404(job_id)
    path = jobs.result_path(job) if job.state == "done" else None
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=job.result_name or path.name)
