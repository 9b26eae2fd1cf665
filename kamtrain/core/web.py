"""Small helpers shared by request handlers."""

from urllib.parse import urlsplit

from flask import abort, request

from kamtrain.core.db import db


def client_ip():
    return request.remote_addr


def get_or_404(model, ident):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def safe_next(target, default):
    """Only same-site relative paths may be redirected to after sign-in."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
