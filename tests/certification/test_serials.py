"""Serial numbers stay unique when several app servers award at the same moment: separate
processes, each with its own app and connection pool, award certificates at once into one database
(run on PostgreSQL with KAMTRAIN_TEST_DATABASE_URL; on SQLite by default)."""

import multiprocessing
import re
import time
import warnings

import pytest

from kamtrain.core.db import db
from tests.dbutil import derived_database_url

PROCESSES, EACH = 4, 12


def _award_many(url, user_ids, year, start_at, queue):
    """In a child process: its own app and pool; award one certificate per user, each in its own
    transaction, held open a little after taking the number (as a real award would, with its audit
    rows and notices) so that the transactions overlap."""
    from datetime import date

    from sqlalchemy.exc import OperationalError

    from kamtrain import create_app
    from kamtrain.accounts.models import User
    from kamtrain.certification import awarding
    from kamtrain.content.models import Syllabus

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    serials = []
    with app.app_context():
        syllabus = db.session.scalar(db.select(Syllabus).filter_by(code="sales-4"))
        while time.time() < start_at:
            time.sleep(0.005)
        sqlite = db.engine.dialect.name == "sqlite"
        for uid in user_ids:
            for _ in range(200):
                try:
                    user = db.session.get(User, uid)
                    cert = awarding.issue(user, syllabus, award_key=f"race:{uid}", today=date(year, 6, 1))
                    time.sleep(0.01)
                    db.session.commit()
                    break
                except OperationalError:
                    # SQLite only: a reader can't become the writer once another connection committed
                    # ("database is locked" at once); the transaction is retried, as a request would be.
                    db.session.rollback()
                    if not sqlite:
                        raise
                    time.sleep(0.01)
            serials.append(cert.serial)
        db.session.remove()
        db.engine.dispose()
    queue.put(serials)


@pytest.mark.no_db
def test_parallel_awards_get_unique_consecutive_serials(database_url, tmp_path):
    from flask_migrate import upgrade

    from kamtrain import create_app
    from kamtrain.content.sync import sync_content
    from tests.factories import create_user

    url = derived_database_url(database_url, "serials", tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            upgrade()
        assert sync_content(app.config["CONTENT_DIR"]).ok
        ids = [create_user(username=f"racer{i}", track="marketing").id for i in range(PROCESSES * EACH)]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    start_at = time.time() + 4  # every process has its app by then
    workers = [ctx.Process(target=_award_many, args=(url, ids[i::PROCESSES], 2031, start_at, queue))
               for i in range(PROCESSES)]
    for w in workers:
        w.start()
    results = [queue.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(30)
        assert w.exitcode == 0
    serials = [s for batch in results for s in batch]
    assert len(serials) == len(set(serials)) == PROCESSES * EACH
    numbers = sorted(int(re.fullmatch(r"KT-2031-(\d{6})", s).group(1)) for s in serials)
    assert numbers == list(range(1, PROCESSES * EACH + 1))  # none lost, none twice

    with app.app_context():
        from kamtrain.certification.models import Certificate, SerialCounter

        assert db.session.get(SerialCounter, 2031).last == PROCESSES * EACH
        assert db.session.scalar(db.select(db.func.count(Certificate.id))) == PROCESSES * EACH
        db.session.remove()
        db.engine.dispose()
