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
