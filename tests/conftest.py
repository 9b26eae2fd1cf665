"""Shared fixtures. The database is built once per run by the migrations and loaded with the real
content; each test runs inside a transaction that is rolled back afterwards."""

import contextvars
import os
import warnings

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import scoped_session, sessionmaker

from kamtrain import create_app
from kamtrain.core.db import db
from tests.dbutil import reset_database, test_database_url
from tests.factories import PASSWORD

os.environ.setdefault("KAMTRAIN_SECRET_KEY", "test-secret-key-not-for-production")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return test_database_url(tmp_path_factory.mktemp("db"))


class IsolatedClient(FlaskClient):
    """Each request runs as in production: its own app context (fresh ``g``, its own database
    session, teardown run). The test's pending changes are flushed first, so the request sees them,
    and the test's objects are expired afterwards, so the test sees what the request wrote."""

    def open(self, *args, **kwargs):
        db.session.flush()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    reset_database(database_url)
    os.environ["KAMTRAIN_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "1000 per minute",
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            upgrade()
        from kamtrain.content.sync import sync_content

        result = sync_content(app.config["CONTENT_DIR"])
        assert result.ok, result.problems
    return app


@pytest.fixture(scope="session", autouse=True)
def _close_database_connections():
    """Pooled connections are closed at the end, not left to the garbage collector."""
    yield
    for engines in list(db._app_engines.values()):
        for engine in engines.values():
            engine.dispose()


def dispose(app):
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Run each test in a transaction rolled back at the end (commits become savepoints)."""
    if "no_db" in request.keywords:
        yield
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        # A plain SQLAlchemy session bound to the test's connection (Flask-SQLAlchemy's own Session
        # picks the engine itself and would bypass the outer transaction).
        db.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
                                    scopefunc=_app_ctx_id)
        from kamtrain.extensions import limiter

        limiter.reset()
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, username, password=PASSWORD):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, f"login as {username} failed"
    return response


@pytest.fixture
def login_as(client):
    def _login(user, password=PASSWORD):
        login(client, user.username, password)
        return client

    return _login
