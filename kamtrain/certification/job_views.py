"""A background job's page: progress while it runs (jobs.js polls the JSON), then its result."""

from flask import Blueprint, abort, jsonify, render_template, send_file, url_for
from flask_login import current_user

from kamtrain.accounts.roles import Role
from kamtrain.certification import jobs
from kamtrain.certification.models import BackgroundJob
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.db import db

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


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
                           download_url=_download_url(job))


@bp.route("/<job_id>.json")
@allow(SIGNED_IN)
def status(job_id):
    job = _job_or_404(job_id)
    return jsonify(jobs.as_json(job, _download_url(job)))


@bp.route("/<job_id>/download")
@allow(SIGNED_IN)
def download(job_id):
    job = _job_or_404(job_id)
    path = jobs.result_path(job) if job.state == "done" else None
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=job.result_name or path.name)
