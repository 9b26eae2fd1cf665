"""Expiry: the "expiring soon" list, and reminders to the holder and their team leader N days
before a certificate expires (an e-mail over SMTP and an in-app notice).

Each (certificate, threshold) is reminded once: the reminder row is inserted first (unique), so two
reminder runs at once, or a run repeated after a crash, never mail twice. Only the most urgent
threshold reached is sent: a certificate first seen 20 days before expiry gets the 30-day reminder,
not the 90-day one as well.
"""

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from sqlalchemy.exc import IntegrityError

from kamtrain.accounts.operations import audit
from kamtrain.certification.awarding import notify
from kamtrain.certification.common import local_today, verify_url
from kamtrain.certification.models import Certificate, CertificateReminder
from kamtrain.certification.queries import where_status
from kamtrain.certification.rules import VALID
from kamtrain.core.db import db

log = logging.getLogger(__name__)


def expiring(within_days, today=None):
    """Valid certificates whose last day is within ``within_days`` days, soonest first (a query)."""
    today = today or local_today()
    query = db.select(Certificate).where(Certificate.expires_on <= today + timedelta(days=within_days))
    return where_status(query, VALID, today).order_by(Certificate.expires_on, Certificate.serial)


def threshold_due(days_left, thresholds):
    """Pure: the most urgent threshold reached (the smallest ≥ days_left), or None."""
    reached = [t for t in thresholds if days_left <= t]
    return min(reached) if reached else None


def _mail_text(cert, days_left, link, to_leader):
    who_zh = f"您团队成员{cert.holder_name}的" if to_leader else "您的"
    who_en = f"{cert.holder_name}'s" if to_leader else "Your"
    subject = f"证书即将到期 / Certificate expiring: {cert.serial}"
    body = (
        f"{who_zh}证书「{cert.title_zh}」（编号 {cert.serial}）将于 {cert.expires_on.isoformat()} 到期，"
        f"还有 {days_left} 天。请及时安排复训和再认证考试。\n证书验证：{link}\n\n"
        f"{who_en} certificate \"{cert.title_en}\" ({cert.serial}) expires on {cert.expires_on.isoformat()}, "
        f"in {days_left} days. Please plan refresher training and the recertification exam.\n"
        f"Verify: {link}\n\n-- kamtrain\n"
    )
    return subject, body


def send_mail(messages):
    """Send EmailMessages over the configured SMTP server in one connection. Returns None or the error."""
    config = current_app.config
    if not config.get("SMTP_HOST") or not messages:
        return None
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
            for message in messages:
                smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as e:
        log.warning("reminder mail failed: %s", e)
        return f"{type(e).__name__}: {e}"
    return None


def _message(to_user, subject, body):
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = formataddr((to_user.full_name, to_user.email))
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="kamtrain")
    message.set_content(body)
    return message


def remind_one(cert, threshold, days_left, base_url=None):
    """Record, notify and mail one reminder. False when it was already sent (another run got it)."""
    try:
        with db.session.begin_nested():
            row = CertificateReminder(certificate_id=cert.id, days_before=threshold)
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return False
    holder = cert.user
    leader = holder.team.leader if holder.team is not None and holder.team.leader is not None else None
    link = verify_url(cert, base_url)
    notify(holder.id, "expiry_reminder", cert, expires=cert.expires_on.isoformat(), days=days_left)
    messages = []
    if holder.email and holder.active:
        messages.append(_message(holder, *_mail_text(cert, days_left, link, to_leader=False)))
    if leader is not None and leader.active and leader.id != holder.id:
        notify(leader.id, "team_expiry_reminder", cert, holder=cert.holder_name, expires=cert.expires_on.isoformat(),
               days=days_left)
        if leader.email:
            messages.append(_message(leader, *_mail_text(cert, days_left, link, to_leader=True)))
    row.emails = [str(m["To"]) for m in messages] if current_app.config.get("SMTP_HOST") else []
    row.mail_error = send_mail(messages)
    audit("expiry_reminder_sent", subject=holder, serial=cert.serial, days_before=threshold, days_left=days_left,
          emails=len(row.emails), mail_error=bool(row.mail_error))
    db.session.flush()
    return True


def run_reminders(today=None, progress=None, base_url=None):
    """Send every reminder that is due. ``progress(done, total)`` is called as it goes (background
    jobs show it); commits after each certificate so a long run keeps what it did. Returns counts."""
    today = today or local_today()
    thresholds = tuple(current_app.config["CERT_REMINDER_DAYS"])
    if not thresholds:
        return {"checked": 0, "sent": 0}
    ids = db.session.scalars(expiring(max(thresholds), today).with_only_columns(Certificate.id)).all()
    sent = 0
    for done, cert_id in enumerate(ids, 1):
        cert = db.session.get(Certificate, cert_id)
        days_left = (cert.expires_on - today).days
        threshold = threshold_due(days_left, thresholds)
        already = db.session.scalar(db.select(CertificateReminder.id).where(
            CertificateReminder.certificate_id == cert.id, CertificateReminder.days_before <= threshold).limit(1))
        if threshold is not None and already is None and remind_one(cert, threshold, days_left, base_url):
            sent += 1
        db.session.commit()
        if progress is not None:
            progress(done, len(ids))
    return {"checked": len(ids), "sent": sent}

