"""What the PostgreSQL benchmarks share: a scratch database dropped and created afresh for each run."""

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/kamtrain_bench"


def _as_admin(url, *statements):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    u = make_url(url)
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement.format(name=u.database)))
    finally:
        admin.dispose()


def fresh_database(url):
    """Drop the database of ``url`` (closing its connections) and create it empty."""
    _as_admin(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', 'CREATE DATABASE "{name}"')


def drop_database(url):
    _as_admin(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def libpq_url(url):
    """The SQLAlchemy URL as psql and psycopg.connect want it."""
    return url.replace("postgresql+psycopg://", "postgresql://")
