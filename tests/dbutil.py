"""Test databases: SQLite by default, PostgreSQL when KAMTRAIN_TEST_DATABASE_URL says so.
Every test database is built from scratch by the Alembic migrations, never by create_all()."""

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def test_database_url(tmp_dir, name="kamtrain"):
    url = os.environ.get("KAMTRAIN_TEST_DATABASE_URL", "sqlite")
    if url == "postgresql":
        url = PG_DEFAULT
    if url == "sqlite":
        return "sqlite:///" + str(Path(tmp_dir) / f"{name}.sqlite")
    return url


def derived_database_url(base_url, suffix, tmp_dir):
    """A second, separate database next to the main test database (e.g. for a live server)."""
    url = make_url(base_url)
    if url.get_backend_name() == "sqlite":
        return "sqlite:///" + str(Path(tmp_dir) / f"kamtrain_{suffix}.sqlite")
    name = f"{url.database}_{suffix}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def reset_database(url):
    """Empty the database completely, so migrations start from nothing."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        path = Path(u.database)
        for p in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
            p.unlink(missing_ok=True)
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def is_postgres(url):
    return make_url(url).get_backend_name() == "postgresql"


LIVE_CONFIG = {"LOGIN_RATE_LIMIT": "1000 per minute", "RATELIMIT_STORAGE_URI": "memory://"}


def demo_site(database_url, suffix, tmp_dir, prepare=None, content=True, demo=True, **config):
    """An app on a database of its own (``derived_database_url``), built by the migrations, with the
    content and the demo organisation loaded, and ``prepare()`` run in its app context before the
    commit. Returns (app, url); the app holds no connection when this returns."""
    import warnings

    from flask_migrate import upgrade

    from kamtrain import create_app
    from kamtrain.core.db import db

    url = derived_database_url(database_url, suffix, tmp_dir)
    app = create_app({**LIVE_CONFIG, **config, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            upgrade()
        if content:
            from kamtrain.content.sync import sync_content

            assert sync_content(app.config["CONTENT_DIR"]).ok
        if demo:
            from kamtrain.demo import create_demo

            create_demo()
        result = prepare() if prepare else None
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    app.prepared = result
    return app, url
