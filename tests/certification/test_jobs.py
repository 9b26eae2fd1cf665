"""Background jobs on a real RQ queue (Redis at 127.0.0.1:6379, a burst worker in this process, so
no worker outlives the test) and in a thread of the app when no Redis is configured. Both on a
database of their own, committed as in production."""

import os
import threading
import time
import uuid
import warnings

import pytest

from kamtrain.core.db import db
from tests.dbutil import derived_database_url

REDIS = os.environ.get("KAMTRAIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_up():
    try:
        import redis

        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means: no Redis here
        return False


@pytest.fixture
def job_app(database_url, tmp_path):
    from flask_migrate import upgrade

    from kamtrain import create_app

    url = derived_database_url(database_url, "jobs", tmp_path)
    made = []

    def make(mode):
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "JOBS": mode, "REDIS_URL": REDIS,
                          "JOBS_QUEUE": f"kamtrain-test-{uuid.uuid4().hex[:8]}"})
        with app.app_context(), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            upgrade()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _seed_and_enqueue(app):
    from kamtrain.accounts.roles import Role
    from kamtrain.certification import jobs
    from tests.factories import create_user

    with app.app_context():
        hr = create_user(username=f"hr{uuid.uuid4().hex[:6]}", roles=[Role.HR])
        db.session.commit()
        job = jobs.enqueue("records_export", {"filter": {}, "format": "csv", "base_url": "http://x"}, hr)
        job_id = job.id
        db.session.remove()
    return job_id


def _job(app, job_id):
    from kamtrain.certification.models import BackgroundJob

    with app.app_context():
        job = db.session.get(BackgroundJob, job_id)
        state = (job.state, job.result_file, job.summary)
        db.session.remove()
    return state


@pytest.mark.no_db
@pytest.mark.skipif(not redis_up(), reason="no Redis at " + REDIS)
def test_a_job_runs_on_the_rq_queue(job_app):
    from rq import SimpleWorker

    from kamtrain.certification.jobs import queue, redis_connection

    app = job_app("rq")
    job_id = _seed_and_enqueue(app)
    assert _job(app, job_id)[0] == "queued"  # nothing ran it yet: it waits in Redis
    with app.app_context():
        q = queue()
        assert q.count == 1
        SimpleWorker([q], connection=redis_connection()).work(burst=True)
        assert q.count == 0
        q.delete(delete_jobs=True)
        db.session.remove()
    state, result_file, summary = _job(app, job_id)
    assert state == "done" and result_file.endswith(".csv") and summary == {"rows": 0}


@pytest.mark.no_db
def test_without_redis_a_thread_of_the_app_runs_it(job_app):
    app = job_app("thread")
    job_id = _seed_and_enqueue(app)
    deadline = time.time() + 20
    while _job(app, job_id)[0] not in ("done", "failed") and time.time() < deadline:
        time.sleep(0.1)
    assert _job(app, job_id)[0] == "done"
    for thread in threading.enumerate():  # the job's thread ends right after (nothing outlives the test)
        if thread.name.startswith("kamtrain-job-"):
            thread.join(10)
