"""Certificates and what goes with them: the per-year serial counter, HR approval requests, expiry
reminders, in-app notices and background jobs.

A certificate is never deleted or edited after issue: it is revoked (with a reason) or reissued (a
new certificate with its own serial replaces it; the old one stays, with status ``reissued``, so a
paper copy still in someone's drawer says what happened to it).
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kamtrain.certification.rules import STATUSES, certificate_status
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError

__all__ = ["STATUSES", "Certificate", "SerialCounter", "AwardRequest", "CertificateReminder", "Notice",
           "BackgroundJob"]


class SerialCounter(db.Model):
    """The last serial number handed out in a year. Incremented with one ``UPDATE … RETURNING``, which
    locks the row until the awarding transaction ends, so app servers awarding at once never collide."""

    __tablename__ = "certificate_serial_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)

    def __repr__(self):
        return f"<SerialCounter {self.year}: {self.last}>"


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),
        CheckConstraint("expires_on >= issued_on", name="dates_in_order"),
        Index(None, "user_id", "syllabus_id"),
        Index(None, "track", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(24), unique=True)  # KT-2026-000123
    # random, printed in the QR code and verify URL next to the serial: serials can't be walked
    check_code: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # indexed with syllabus_id below
    syllabus_id: Mapped[int] = mapped_column(ForeignKey("syllabi.id"), index=True)
    track: Mapped[str] = mapped_column(String(20))  # copied from the syllabus at issue (filters, exports)
    level: Mapped[int] = mapped_column()
    # what the paper says, as printed (content and names may change later; the paper does not)
    holder_name: Mapped[str] = mapped_column(String(120))
    title_zh: Mapped[str] = mapped_column(String(200))  # e.g. 大客户销售经理岗位技能认证 三级（中级）
    title_en: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)  # start of validity (the original award date on a reissue)
    expires_on: Mapped[date] = mapped_column(Date, index=True)  # last day of validity
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # when this paper was made
    # the user and syllabus and exam attempt that earned it: unique, so two app servers evaluating the
    # same trainee at once award once. NULL on reissues (they carry the original's award).
    award_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # HR approval; NULL: automatic
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    # set on the old certificate when a new one replaces it (e.g. a corrected name)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), unique=True)
    replaced_at: Mapped[datetime | None] = mapped_column()
    reissue_reason: Mapped[str | None] = mapped_column(Text)  # on the new certificate: why it was reissued

    user = relationship("User", foreign_keys=[user_id])
    syllabus = relationship("Syllabus")
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])
    replaced_by: Mapped["Certificate | None"] = relationship(
        remote_side=[id], foreign_keys=[replaced_by_id], back_populates="replaces")
    replaces: Mapped["Certificate | None"] = relationship(
        foreign_keys=[replaced_by_id], back_populates="replaced_by", uselist=False)

    def __repr__(self):
        return f"<Certificate {self.serial} {self.track}-{self.level} user={self.user_id}>"

    @property
    def code(self):
        """What the QR code and verify URL carry: the serial and its check code."""
        return f"{self.serial}-{self.check_code}"

    def status(self, today):
        return certificate_status(revoked=self.revoked_at is not None, replaced=self.replaced_by_id is not None,
                                  expires_on=self.expires_on, today=today)

    def revoke(self, by, reason, now=None):
        if self.revoked_at is not None:
            raise DomainError("already_revoked")
        if self.replaced_by_id is not None:
            raise DomainError("replaced_cannot_revoke")
        if not (reason or "").strip():
            raise DomainError("reason_required")
        self.revoked_at = now or utcnow()
        self.revoked_by_id = by.id if by is not None else None
        self.revoke_reason = reason.strip()

    def mark_replaced(self, new, now=None):
        if self.revoked_at is not None:
            raise DomainError("revoked_cannot_reissue")
        if self.replaced_by_id is not None:
            raise DomainError("already_reissued")
        self.replaced_by = new
        self.replaced_at = now or utcnow()


class AwardRequest(db.Model):
    """A trainee met every rule of a syllabus whose award needs HR approval; HR approves (a
    certificate is issued) or rejects it with a reason. One request per qualifying exam attempt."""

    __tablename__ = "award_requests"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'approved', 'rejected')", name="state"),
        Index(None, "state", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    syllabus_id: Mapped[int] = mapped_column(ForeignKey("syllabi.id"), index=True)
    award_key: Mapped[str] = mapped_column(String(80), unique=True)  # as Certificate.award_key
    state: Mapped[str] = mapped_column(String(10), default="pending")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")  # the reason of a rejection
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    user = relationship("User", foreign_keys=[user_id])
    syllabus = relationship("Syllabus")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    certificate = relationship("Certificate")

    def __repr__(self):
        return f"<AwardRequest {self.id} user={self.user_id} syllabus={self.syllabus_id} {self.state}>"

    def decide(self, by, approve, note="", now=None):
        if self.state != "pending":
            raise DomainError("already_decided")
        if not approve and not (note or "").strip():
            raise DomainError("reason_required")
        self.state = "approved" if approve else "rejected"
        self.decided_by_id = by.id if by is not None else None
        self.decided_at = now or utcnow()
        self.note = (note or "").strip()


class CertificateReminder(db.Model):
    """One expiry reminder sent for a certificate at one threshold (e.g. 90 and 30 days before).
    The row is written before the mail goes out: two reminder runs at once send it once."""

    __tablename__ = "certificate_reminders"
    __table_args__ = (UniqueConstraint("certificate_id", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"))
    days_before: Mapped[int] = mapped_column()  # the threshold this reminder is for
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    emails: Mapped[list] = mapped_column(db.JSON, default=list)  # addresses the mail went to
    mail_error: Mapped[str | None] = mapped_column(Text)  # the SMTP error, when sending failed

    certificate = relationship("Certificate")

    def __repr__(self):
        return f"<CertificateReminder {self.certificate_id} -{self.days_before}d>"


NOTICE_KINDS = ("certificate_awarded", "award_requested", "award_rejected", "certificate_revoked",
                "certificate_reissued", "expiry_reminder", "team_expiry_reminder")


class Notice(db.Model):
    """An in-app message to one person (shown on their certificates page until read). The text is
    made from ``kind`` and ``params`` when shown, in the reader's language."""

    __tablename__ = "notices"
    __table_args__ = (Index(None, "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))  # one of NOTICE_KINDS
    params: Mapped[dict] = mapped_column(db.JSON, default=dict)  # serial, holder, dates, days …
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()

    certificate = relationship("Certificate")

    def __repr__(self):
        return f"<Notice {self.id} user={self.user_id} {self.kind}>"


JOB_STATES = ("queued", "running", "done", "failed")


class BackgroundJob(db.Model):
    """Long work (batch PDFs, big exports, reminder runs) done by an RQ worker, or by a thread of the
    app when no Redis is configured. Progress lives here, so any app server can show it."""

    __tablename__ = "background_jobs"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        Index(None, "created_by_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex, also the RQ job id
    kind: Mapped[str] = mapped_column(String(32))  # a key of jobs.KINDS
    params: Mapped[dict] = mapped_column(db.JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(default=0)  # items finished so far
    total: Mapped[int | None] = mapped_column()  # items in all, once known
    result_file: Mapped[str | None] = mapped_column(String(255))  # file name under instance/jobs/
    result_name: Mapped[str | None] = mapped_column(String(255))  # the download's name
    summary: Mapped[dict] = mapped_column(db.JSON, default=dict)  # e.g. {"sent": 3}
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()

    created_by = relationship("User")

    def __repr__(self):
        return f"<BackgroundJob {self.id} {self.kind} {self.state} {self.done}/{self.total}>"

    @property
    def percent(self):
        if self.state == "done":
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))
