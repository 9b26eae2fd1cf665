"""Background jobs for long work: batch certificate PDFs, big record exports, reminder runs.

The job's row (``BackgroundJob``) is the truth about it: state, progress, result file. Where it runs:
  * ``rq``      — an RQ queue on Redis (the default when KAMTRAIN_REDIS_URL is set); run workers with
                  ``kamtrain jobs worker``. Any app server can show any job's progress.
  * ``thread``  — a thread of the app server itself (the default without Redis: one machine).
  * ``inline``  — at once, in the request (tests; the default when the app is TESTING).
Kinds register themselves with ``@kind("name")``; a kind is ``fn(job, progress) -> JobResult``.
"""

import logging
import os
import secrets
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import update

from kamtrain.certification.models import BackgroundJob
from kamtrain.core.db import db, utcnow

log = logging.getLogger(__name__)
_LOADED_IN = os.getpid()  # the worker's process; RQ forks a work horse per job

KINDS = {}


@dataclass
class JobResult:
    file: Path | None = None  # written under jobs_dir()
    name: str | None = None  # the download's file name
    summary: dict = field(default_factory=dict)


def kind(name):
    def register(fn):
        KINDS[name] = fn
        return fn

    return register


def jobs_dir():
    path = Path(current_app.instance_path) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def backend():
    chosen = current_app.config.get("JOBS")
    if chosen in ("rq", "thread", "inline"):
        return chosen
    if current_app.testing:
        return "inline"
    return "rq" if current_app.config.get("REDIS_URL") else "thread"


def redis_connection():
    from redis import Redis

    return Redis.from_url(current_app.config["REDIS_URL"])


def queue():
    from rq import Queue

    return Queue(current_app.config["JOBS_QUEUE"], connection=redis_connection())


def enqueue(kind_name, params, user=None):
    """Create the job's row (committed, so a worker elsewhere can see it) and start it."""
    if kind_name not in KINDS:
        raise ValueError(f"unknown job kind {kind_name!r}")
    job = BackgroundJob(id=secrets.token_hex(16), kind=kind_name, params=params,
                        created_by_id=user.id if user is not None else None, created_at=utcnow())
    db.session.add(job)
    db.session.commit()
    mode = backend()
    if mode == "inline":
        run(job.id)
    elif mode == "rq":
        queue().enqueue_call("kamtrain.certification.jobs.run_in_worker", args=(job.id,), job_id=job.id,
                             timeout=6 * 3600, result_ttl=3600, failure_ttl=24 * 3600)
    else:
        app = current_app._get_current_object()
        threading.Thread(target=_run_in_thread, args=(app, job.id), name=f"kamtrain-job-{job.id[:8]}",
                         daemon=True).start()
    return job


def _run_in_thread(app, job_id):
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def run_in_worker(job_id):
    """What the RQ worker runs: inside the worker's app (``kamtrain jobs worker`` pushes one)."""
    from flask import has_app_context

    if has_app_context():
        if os.getpid() != _LOADED_IN:  # a work horse forked from the worker: drop (not close) the parent's pool
            db.engine.dispose(close=False)
        return run(job_id)
    from kamtrain import create_app

    with create_app().app_context():
        try:
            return run(job_id)
        finally:
            db.session.remove()


class Progress:
    """Writes done/total to the job's row as the work goes, through a short transaction of its own,
    so a job that streams from an open cursor (or a COPY) is not disturbed and the page polling the
    job sees it at once. Writes at most every ``every`` items. Inline (tests) nobody polls while the
    job runs: the figures are only kept, and written with the job's outcome."""

    def __init__(self, job_id, every=200):
        self.job_id, self.every, self.last = job_id, every, -1
        self.done, self.total = 0, None
        self.write = backend() != "inline"

    def __call__(self, done, total=None, force=False):
        self.done = done
        if total is not None:
            self.total = total
        if not self.write or (not force and self.last >= 0 and done - self.last < self.every and done != total):
            return
        self.last = done
        values = {"done": done} if total is None else {"done": done, "total": total}
        with db.engine.begin() as conn:
            conn.execute(update(BackgroundJob).where(BackgroundJob.id == self.job_id).values(**values))


def _claim(job_id):
    """queued → running, once (a retried RQ job or a second thread does nothing)."""
    won = db.session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id, BackgroundJob.state == "queued")
                             .values(state="running", started_at=utcnow())
                             .execution_options(synchronize_session=False))
    db.session.commit()
    return won.rowcount == 1


def _finish(job_id, **values):
    """Write the outcome in a transaction of its own whose first statement is the write (on SQLite a
    transaction that read before another connection wrote could not become the writer)."""
    db.session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id)
                       .values(finished_at=utcnow(), **values).execution_options(synchronize_session=False))
    db.session.commit()


def run(job_id):
    if not _claim(job_id):
        return None
    job = db.session.get(BackgroundJob, job_id)
    kind_name = job.kind
    progress = Progress(job_id)
    try:
        result = KINDS[kind_name](job, progress)
        db.session.commit()  # the kind's own writes, if any; ends its read transaction
    except Exception as e:  # noqa: BLE001 - a failed job is recorded on its row, never lost
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, kind_name)
        _finish(job_id, state="failed", error="".join(traceback.format_exception_only(type(e), e)).strip()[:2000])
        return None
    values = {"state": "done", "done": progress.done}
    if progress.total is not None:
        values["total"] = progress.total
    if result is not None:
        values.update(result_file=result.file.name if result.file is not None else None, result_name=result.name,
                      summary=result.summary)
    _finish(job_id, **values)
    return db.session.get(BackgroundJob, job_id)


def result_path(job):
    if not job.result_file:
        return None
    path = jobs_dir() / job.result_file
    return path if path.exists() else None


def as_json(job, download_url=None):
    return {"id": job.id, "kind": job.kind, "state": job.state, "done": job.done, "total": job.total,
            "percent": job.percent, "summary": job.summary, "error": job.error if job.state == "failed" else None,
            "download": download_url if job.state == "done" and job.result_file else None}


# ---------------------------------------------------------------------------- a kind of our own

@kind("reminders")
def _reminders(job, progress):
    from kamtrain.certification.reminders import run_reminders

    counts = run_reminders(progress=lambda done, total: progress(done, total), base_url=job.params.get("base_url"))
    return JobResult(summary=counts)
