"""Issuing, listing and revoking API tokens, and authenticating a request's Bearer token.
The token itself is shown once, when it is made; only its SHA-256 is stored."""

from datetime import timedelta

from kamtrain.accounts.operations import audit
from kamtrain.accounts.roles import Role
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError
from kamtrain.records.models import TOKEN_PREFIX, ApiToken, new_token, token_hash

API_ROLES = frozenset({Role.HR, Role.ADMIN})
MAX_DAYS = 730


def create_token(user, name, days=365, ip=None):
    """(ApiToken, the token text). ``days`` None or 0: no expiry."""
    if not user.roles & API_ROLES:
        raise DomainError("not_hr")
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required")
    token = new_token()
    row = ApiToken(user_id=user.id, name=name[:80], token_hash=token_hash(token), hint=token[:10],
                   created_at=utcnow(), expires_at=utcnow() + timedelta(days=int(days)) if days else None)
    db.session.add(row)
    db.session.flush()
    audit("api_token_created", actor=user, subject=user, ip=ip, token=row.id, name=row.name,
          expires=row.expires_at.isoformat() if row.expires_at else None)
    return row, token


def revoke_token(actor, row, ip=None):
    if row.revoked_at is not None:
        raise DomainError("already_revoked")
    row.revoked_at = utcnow()
    row.revoked_by_id = actor.id
    audit("api_token_revoked", actor=actor, subject=row.user, ip=ip, token=row.id, name=row.name)
    db.session.flush()


def authenticate(header_value, now=None):
    """(user, token row, None) for a good ``Authorization`` header, else (None, row or None, reason):
    missing | malformed | unknown | expired | revoked | inactive."""
    if not header_value:
        return None, None, "missing"
    scheme, _, token = header_value.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None, None, "malformed"
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None:
        return None, None, "unknown"
    now = now or utcnow()
    if row.revoked_at is not None:
        return None, row, "revoked"
    if row.expires_at is not None and now >= row.expires_at:
        return None, row, "expired"
    if not row.user.active:
        return None, row, "inactive"
    return row.user, row, None  # a user who lost the HR role is refused by the views' @allow (403)
