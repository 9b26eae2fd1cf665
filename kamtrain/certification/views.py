"""Certificate pages: a trainee's own certificates and progress, one certificate with its history,
downloads (PDF, Open Badge), and HR's work: approvals, revocation, reissue, expiring soon, reminders."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kamtrain.accounts.models import Team, User
from kamtrain.accounts.roles import Role
from kamtrain.certification import awarding, badges, jobs, queries
from kamtrain.certification.common import local_today, public_base_url, verify_url
from kamtrain.certification.forms import DecisionForm, EmptyForm, ReissueForm, RevokeForm
from kamtrain.certification.messages import MISSING, STATUS_CLASSES, STATUS_NAMES, error_text, notice_text
from kamtrain.certification.models import AwardRequest, Certificate, CertificateReminder, Notice
from kamtrain.certification.reminders import expiring
from kamtrain.certification.settings import configure
from kamtrain.core.access import SIGNED_IN, allow
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError
from kamtrain.core.web import client_ip

bp = Blueprint("certificates", __name__, url_prefix="/certificates")
OVERSEERS = frozenset({Role.HR, Role.ADMIN})


@bp.record_once
def _setup(state):
    configure(state.app)
    awarding.install_award_hook()
    state.app.jinja_env.globals.update(CERT_STATUS_NAMES=STATUS_NAMES, CERT_STATUS_CLASSES=STATUS_CLASSES,
                                       notice_text=notice_text, CERT_MISSING=MISSING)


def may_see(cert, user):
    """The holder, their team leader, HR and administrators."""
    if user.roles & OVERSEERS or cert.user_id == user.id:
        return True
    return cert.user.team is not None and cert.user.team.leader_id == user.id


def _visible_or_404(cert_id):
    cert = db.session.get(Certificate, cert_id)
    if cert is None or not may_see(cert, current_user):
        abort(404)
    return cert


# ---------------------------------------------------------------------------- the holder

@bp.route("/")
@allow(SIGNED_IN)
def mine():
    today = local_today()
    certs = db.session.scalars(db.select(Certificate).where(Certificate.user_id == current_user.id)
                               .order_by(Certificate.issued_on.desc(), Certificate.id.desc())).all()
    notices = db.session.scalars(db.select(Notice).where(Notice.user_id == current_user.id, Notice.read_at.is_(None))
                                 .order_by(Notice.created_at.desc()).limit(20)).all()
    pending = db.session.scalars(db.select(AwardRequest).where(AwardRequest.user_id == current_user.id,
                                                               AwardRequest.state == "pending")).all()
    progress = next_steps(current_user, awarding.progress(current_user)) if current_user.track else []
    return render_template("certification/mine.html", certs=certs, today=today, notices=notices,
                           progress=progress, pending=pending, form=EmptyForm())


def next_steps(user, progress):
    """The syllabi worth showing: those not yet held up to the target level (at least the next one)."""
    open_ = [(s, d) for s, d in progress if "already_certified" not in d.missing]
    if user.target_level:
        wanted = [(s, d) for s, d in open_ if s.level >= user.target_level]
        if wanted:
            return wanted
    return open_[:1]


@bp.route("/notices/read", methods=["POST"])
@allow(SIGNED_IN)
def notices_read():
    if EmptyForm().validate_on_submit():
        db.session.execute(db.update(Notice).where(Notice.user_id == current_user.id, Notice.read_at.is_(None))
                           .values(read_at=utcnow()))
        db.session.commit()
    return redirect(url_for("certificates.mine"))


@bp.route("/<int:cert_id>")
@allow(SIGNED_IN)
def detail(cert_id):
    cert = _visible_or_404(cert_id)
    today = local_today()
    reminders = db.session.scalars(db.select(CertificateReminder).where(
        CertificateReminder.certificate_id == cert.id).order_by(CertificateReminder.sent_at)).all()
    manage = bool(current_user.roles & OVERSEERS)
    return render_template("certification/detail.html", cert=cert, today=today, chain=awarding.lineage(cert),
                           reminders=reminders, manage=manage, verify_link=verify_url(cert),
                           revoke_form=RevokeForm(prefix="revoke"),
                           reissue_form=ReissueForm(prefix="reissue", holder_name=cert.user.full_name))


@bp.route("/<int:cert_id>/pdf")
@allow(SIGNED_IN)
def pdf(cert_id):
    cert = _visible_or_404(cert_id)
    return Response(queries.certificate_pdf(cert), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{queries.pdf_filename(cert)}"'})


@bp.route("/<int:cert_id>/badge.jwt")
@allow(SIGNED_IN)
def badge(cert_id):
    cert = _visible_or_404(cert_id)
    return Response(badges.signed_credential(cert), mimetype="application/vc+jwt", headers={
        "Content-Disposition": f'attachment; filename="{cert.serial}.badge.jwt"'})


@bp.route("/<int:cert_id>/badge.json")
@allow(SIGNED_IN)
def badge_json(cert_id):
    cert = _visible_or_404(cert_id)
    return current_app.response_class(
        current_app.json.dumps(badges.credential(cert), ensure_ascii=False, indent=2), mimetype="application/ld+json",
        headers={"Content-Disposition": f'attachment; filename="{cert.serial}.badge.json"'})


# ---------------------------------------------------------------------------- HR: revoke, reissue

@bp.route("/<int:cert_id>/revoke", methods=["POST"])
@allow(Role.HR, Role.ADMIN)
def revoke(cert_id):
    cert = _visible_or_404(cert_id)
    form = RevokeForm(prefix="revoke")
    if not form.validate_on_submit():
        flash(_("Give a reason for revoking."), "error")
        return redirect(url_for("certificates.detail", cert_id=cert.id))
    try:
        awarding.revoke(current_user, cert, form.reason.data, ip=client_ip())
    except DomainError as e:
        db.session.rollback()
        flash(error_text(e), "error")
    else:
        db.session.commit()
        flash(_("Certificate %(serial)s revoked.", serial=cert.serial), "success")
    return redirect(url_for("certificates.detail", cert_id=cert.id))


@bp.route("/<int:cert_id>/reissue", methods=["POST"])
@allow(Role.HR, Role.ADMIN)
def reissue(cert_id):
    cert = _visible_or_404(cert_id)
    form = ReissueForm(prefix="reissue")
    if not form.validate_on_submit():
        flash(_("Give the name to print and a reason."), "error")
        return redirect(url_for("certificates.detail", cert_id=cert.id))
    try:
        new = awarding.reissue(current_user, cert, form.holder_name.data, form.reason.data, ip=client_ip())
    except DomainError as e:
        db.session.rollback()
        flash(error_text(e), "error")
        return redirect(url_for("certificates.detail", cert_id=cert.id))
    db.session.commit()
    flash(_("Reissued as %(serial)s.", serial=new.serial), "success")
    return redirect(url_for("certificates.detail", cert_id=new.id))


# ---------------------------------------------------------------------------- HR: approvals

@bp.route("/approvals")
@allow(Role.HR, Role.ADMIN)
def approvals():
    pending = db.session.scalars(db.select(AwardRequest).where(AwardRequest.state == "pending")
                                 .order_by(AwardRequest.requested_at)).all()
    decided = db.session.scalars(db.select(AwardRequest).where(AwardRequest.state != "pending")
                                 .order_by(AwardRequest.decided_at.desc()).limit(20)).all()
    return render_template("certification/approvals.html", pending=pending, decided=decided, form=DecisionForm())


@bp.route("/approvals/<int:request_id>", methods=["POST"])
@allow(Role.HR, Role.ADMIN)
def decide(request_id):
    req = db.session.get(AwardRequest, request_id)
    if req is None:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit() or form.decision.data not in ("approve", "reject"):
        abort(400)
    try:
        if form.decision.data == "approve":
            cert = awarding.approve(current_user, req, ip=client_ip())
            message = _("Approved: certificate %(serial)s issued to %(name)s.", serial=cert.serial,
                        name=cert.holder_name)
        else:
            awarding.reject(current_user, req, form.note.data or "", ip=client_ip())
            message = _("Request rejected.")
    except DomainError as e:
        db.session.rollback()
        flash(_("Give a reason for rejecting.") if str(e) == "reason_required" else error_text(e), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("certificates.approvals"))


# ---------------------------------------------------------------------------- expiring soon, reminders

@bp.route("/expiring")
@allow(Role.LEADER, Role.HR, Role.ADMIN)
def expiring_soon():
    days = request.args.get("days", default=90, type=int)
    days = max(1, min(days or 90, 3650))
    query = expiring(days)
    if not current_user.roles & OVERSEERS:  # a leader: the teams they lead
        query = query.join(User, User.id == Certificate.user_id).where(
            User.team_id.in_(db.select(Team.id).where(Team.leader_id == current_user.id)))
    certs = db.session.scalars(query.limit(500)).all()
    return render_template("certification/expiring.html", certs=certs, days=days, today=local_today(),
                           manage=bool(current_user.roles & OVERSEERS), form=EmptyForm(),
                           thresholds=current_app.config["CERT_REMINDER_DAYS"])


@bp.route("/reminders", methods=["POST"])
@allow(Role.HR, Role.ADMIN)
def send_reminders():
    if not EmptyForm().validate_on_submit():
        abort(400)
    job = jobs.enqueue("reminders", {"base_url": public_base_url()}, current_user)
    return redirect(url_for("jobs.page", job_id=job.id))
