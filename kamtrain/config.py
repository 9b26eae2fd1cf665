"""Configuration, read from the environment.

KAMTRAIN_DATABASE_URL   SQLAlchemy URL; default SQLite in the instance folder.
                        PostgreSQL: postgresql+psycopg://user@host:5432/dbname
KAMTRAIN_SECRET_KEY     session signing key. Several app servers must share one: set it.
                        When unset, a key is generated once into instance/secret_key.
KAMTRAIN_REDIS_URL      redis://host:6379/0 — shared storage for rate limits (and job queues).
KAMTRAIN_HTTPS          1 behind an HTTPS proxy: secure cookies, HSTS, X-Forwarded-* trusted.
"""

import contextlib
import os
import secrets
from pathlib import Path

import orjson


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def secret_key(instance_path):
    """The configured secret key, or one generated once and kept in the instance folder."""
    key = os.environ.get("KAMTRAIN_SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        # Several workers may start at once: write a private temporary file, then link it into
        # place; link() fails if another process got there first, and then its key is used.
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            with contextlib.suppress(FileExistsError):  # another worker's key won: use that one
                os.link(tmp, path)
        finally:
            tmp.unlink()
    return path.read_text().strip()


def from_environment(instance_path):
    https = env_flag("KAMTRAIN_HTTPS")
    redis_url = os.environ.get("KAMTRAIN_REDIS_URL") or None
    database_url = os.environ.get("KAMTRAIN_DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "kamtrain.sqlite")
    )
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "json_serializer": json_dumps,
                                      "json_deserializer": orjson.loads},
        "REDIS_URL": redis_url,
        "HTTPS": https,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_NAME": "kamtrain_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "MAX_CONTENT_LENGTH": 51 * 1024 * 1024,  # a 50 MB question file plus the form around it
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("KAMTRAIN_LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("KAMTRAIN_TIMEZONE", "Asia/Shanghai"),
        "CONTENT_DIR": os.environ.get("KAMTRAIN_CONTENT_DIR") or str(Path(__file__).resolve().parent.parent),
    }


def json_dumps(value):
    """JSON columns are written with orjson: a 10,000-question import serialises 30,000 documents.
    Integer dict keys become strings, as with the standard library."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
