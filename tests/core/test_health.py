import pytest

from kamtrain import create_app
from tests.conftest import dispose


def test_healthz_reports_database_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.no_db
def test_healthz_reports_unreachable_database(tmp_path):
    app = create_app({"TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"})
    r = app.test_client().get("/healthz")
    dispose(app)
    assert r.status_code == 503
    assert r.get_json() == {"status": "error", "database": "error"}


def test_security_headers(client):
    r = client.get("/login")
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
