"""Expiry reminders over a real SMTP server (aiosmtpd on the loopback), in-app notices, each sent
once; the "expiring soon" list; reminder runs as a background job."""

import socket
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from kamtrain.accounts.roles import Role
from kamtrain.certification.common import local_today
from kamtrain.certification.models import CertificateReminder, Notice
from kamtrain.certification.reminders import run_reminders
from kamtrain.core.db import db
from tests.certification.conftest import make_certificate, syllabus
from tests.factories import create_team, create_user


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {k: app.config[k] for k in ("SMTP_HOST", "SMTP_PORT")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    try:
        yield inbox
    finally:
        app.config.update(saved)
        controller.stop()


def expiring_in(user, days, code="sales-4"):
    syl = syllabus(code)
    from kamtrain.certification import rules

    last_day = local_today() + timedelta(days=days)
    issued = rules.add_months(last_day + timedelta(days=1), -syl.validity_months)
    cert = make_certificate(user, code, issued_on=issued)
    assert cert.expires_on == last_day
    return cert


@pytest.fixture
def team():
    leader = create_user(roles=[Role.LEADER], full_name="梁组长", email="leader@example.com")
    holder = create_user(full_name="陆持证", email="holder@example.com", track="sales")
    create_team(leader=leader, members=[holder])
    return holder, leader


def test_holder_and_leader_get_a_mail_and_a_notice_once(app, smtp, team):
    holder, leader = team
    soon = expiring_in(holder, 20)
    expiring_in(create_user(track="sales"), 200)  # not yet
    with app.app_context():
        counts = run_reminders()
    assert counts["sent"] == 1
    recipients = sorted(r for rcpt, _ in smtp.messages for r in rcpt)
    assert recipients == ["holder@example.com", "leader@example.com"]
    _, mail = smtp.messages[0]
    subject = str(make_header(decode_header(mail["Subject"])))
    body = mail.get_payload(decode=True).decode("utf-8")
    assert soon.serial in subject and soon.expires_on.isoformat() in body and f"/verify/{soon.code}" in body
    kinds = {n.user_id: n.kind for n in db.session.scalars(db.select(Notice).where(Notice.certificate_id == soon.id))}
    assert kinds == {holder.id: "expiry_reminder", leader.id: "team_expiry_reminder"}
    row = db.session.scalar(db.select(CertificateReminder).filter_by(certificate_id=soon.id))
    assert row.days_before == 30 and len(row.emails) == 2 and row.mail_error is None
    with app.app_context():
        assert run_reminders()["sent"] == 0  # already reminded
    assert len(smtp.messages) == 2


def test_the_90_day_reminder_then_the_30_day_one(app, smtp, team):
    holder, _ = team
    cert = expiring_in(holder, 60)
    with app.app_context():
        assert run_reminders()["sent"] == 1
        assert run_reminders(today=local_today() + timedelta(days=35))["sent"] == 1
        assert run_reminders(today=local_today() + timedelta(days=36))["sent"] == 0
    assert sorted(db.session.scalars(db.select(CertificateReminder.days_before).filter_by(
        certificate_id=cert.id))) == [30, 90]


def test_a_mail_server_that_is_down_still_leaves_the_notice(app, team):
    holder, _ = team
    cert = expiring_in(holder, 10)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    try:
        with app.app_context():
            assert run_reminders()["sent"] == 1
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)
    row = db.session.scalar(db.select(CertificateReminder).filter_by(certificate_id=cert.id))
    assert row.mail_error and db.session.scalar(db.select(Notice.id).filter_by(user_id=holder.id))


def test_revoked_reissued_and_expired_are_not_reminded(app, team):
    holder, _ = team
    make_certificate(holder, "sales-4", status="revoked", issued_on=local_today() - timedelta(days=1000))
    make_certificate(holder, "sales-4", status="expired")
    with app.app_context():
        assert run_reminders() == {"checked": 0, "sent": 0}


def test_expiring_list_and_the_reminder_job_from_the_page(app, client, login_as, team, smtp):
    holder, leader = team
    cert = expiring_in(holder, 15)
    other = expiring_in(create_user(track="sales"), 16)
    hr = create_user(roles=[Role.HR])
    html = login_as(hr).get("/certificates/expiring?days=30").get_data(as_text=True)
    assert cert.serial in html and other.serial in html
    response = client.post("/certificates/reminders")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    status = client.get(response.headers["Location"] + ".json").get_json()
    assert status["state"] == "done" and status["summary"]["sent"] == 2
    assert "/jobs/" in response.headers["Location"] and client.get(response.headers["Location"]).status_code == 200
    # a leader sees their own team only
    html = signed_in(app, leader).get("/certificates/expiring?days=30").get_data(as_text=True)
    assert cert.serial in html and other.serial not in html
    html = signed_in(app, holder).get("/certificates/").get_data(as_text=True)
    assert cert.serial in html and 'data-kind="expiry_reminder"' in html


def signed_in(app, user):
    from tests.conftest import login

    c = app.test_client()
    login(c, user.username)
    return c
