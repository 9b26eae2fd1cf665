"""Small shared helpers: the local date, the public address certificates point to."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"


def local_today(now=None):
    """Today's date where the company is (KAMTRAIN_TIMEZONE, default Asia/Shanghai)."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")
    now = now or datetime.now(UTC)
    if now.tzinfo is None:  # naive datetimes in kamtrain are UTC
        now = now.replace(tzinfo=UTC)
    return now.astimezone(zone).date()


def public_base_url():
    """Where certificates' QR codes and badges point: KAMTRAIN_PUBLIC_URL when set (set it in
    production), else the address of the current request, else the development server's."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return DEFAULT_PUBLIC_URL


def verify_url(certificate, base=None):
    return f"{(base or public_base_url())}/verify/{certificate.code}"
