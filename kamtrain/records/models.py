"""API tokens issued to HR users for the REST API (/api/v1/). Only a hash of each token is kept."""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kamtrain.core.db import db, utcnow

TOKEN_PREFIX = "kt_"


def new_token():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # whose rights the token carries
    name: Mapped[str] = mapped_column(String(80))  # what it is for, e.g. "HR system nightly sync"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token
    hint: Mapped[str] = mapped_column(String(16))  # the token's first characters, to recognise it in a list
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()  # None: does not expire
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user = relationship("User", foreign_keys=[user_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    def __repr__(self):
        return f"<ApiToken {self.id} {self.hint}… user={self.user_id}>"

    def usable(self, now=None):
        now = now or utcnow()
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
