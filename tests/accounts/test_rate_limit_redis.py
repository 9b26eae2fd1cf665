"""With KAMTRAIN_REDIS_URL set, failed sign-ins are counted in Redis, so every app server behind a
load balancer sees the same count (two app instances stand in for two servers)."""

import uuid

import pytest
import redis

from kamtrain import create_app
from tests.conftest import dispose

REDIS = "redis://127.0.0.1:6379/15"


@pytest.mark.no_db
def test_login_limit_is_shared_through_redis(database_url, monkeypatch):
    redis.Redis.from_url(REDIS).ping()
    monkeypatch.setenv("KAMTRAIN_REDIS_URL", REDIS)
    overrides = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
                 "LOGIN_RATE_LIMIT": "3 per minute"}
    first, second = create_app(overrides), create_app(overrides)
    assert first.config["RATELIMIT_STORAGE_URI"] == REDIS
    address = {"REMOTE_ADDR": f"10.{uuid.uuid4().int % 250}.0.1"}  # a fresh client address for this run
    codes = []
    try:
        for app in (first, second, first, second):
            response = app.test_client().post("/login", data={"username": "nobody", "password": "wrong-password"},
                                              environ_base=address)
            codes.append(response.status_code)
    finally:
        dispose(first)
        dispose(second)
    assert codes == [200, 200, 200, 429]
