"""The schema comes only from the migrations: they must produce exactly what the models say."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kamtrain.core.db import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_downgrade_and_upgrade_again(app, database_url, tmp_path):
    """Every migration can be undone and redone on a fresh database of the same kind."""
    import warnings

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from kamtrain import create_app
    from tests.dbutil import derived_database_url

    url = derived_database_url(database_url, "migrations", tmp_path)
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context(), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        db.engine.dispose()
