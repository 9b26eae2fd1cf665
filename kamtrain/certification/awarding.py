"""Awarding, approving, revoking and reissuing certificates. Each function changes rows, flushes
(the caller commits), writes the audit log and the in-app notices.

When is a trainee evaluated? Whenever a transaction that completes a module, passes an exam or
passes a scenario commits (``install_award_hook``: the certificate is awarded in the same
transaction, so "finished the last requirement" and "holds the certificate" never disagree), and by
``kamtrain cert award-due`` for everyone (after content changes, or to catch up).
"""

import logging

from sqlalchemy import event, func, inspect
from sqlalchemy.orm import Session

from kamtrain.accounts.models import User
from kamtrain.accounts.operations import audit
from kamtrain.accounts.roles import Role
from kamtrain.assessment.attempts import Attempt
from kamtrain.assessment.quizzes import EXAM, Quiz
from kamtrain.certification import rules
from kamtrain.certification.common import local_today
from kamtrain.certification.models import AwardRequest, Certificate, Notice
from kamtrain.certification.serials import next_serial
from kamtrain.content.models import ModuleProgress, Syllabus
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError
from kamtrain.scenarios.models import ScenarioRun
from kamtrain.scenarios.results import passed_scenarios

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- facts and decisions

def syllabus_rules():
    """{syllabus id: (Syllabus, SyllabusRule)} for every syllabus."""
    result = {}
    for s in db.session.scalars(db.select(Syllabus)):
        result[s.id] = (s, rules.SyllabusRule(
            id=s.id, code=s.code, requires_id=s.requires_id,
            module_ids=frozenset(link.module_id for link in s.module_links),
            scenario_ids=frozenset(s.required_scenarios or ()), award=s.award))
    return result


def held_certificate(cert, today):
    return rules.HeldCertificate(syllabus_id=cert.syllabus_id, status=cert.status(today),
                                 created_at=cert.created_at, expires_on=cert.expires_on)


def gather_facts(user_id, today):
    completed = set(db.session.scalars(db.select(ModuleProgress.module_id).where(
        ModuleProgress.user_id == user_id, ModuleProgress.completed_at.is_not(None))))
    passes = {}
    rows = db.session.execute(
        db.select(Attempt.id, func.coalesce(Attempt.submitted_at, Attempt.started_at), Quiz.syllabus_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.user_id == user_id, Attempt.passed.is_(True), Quiz.kind == EXAM,
               Quiz.syllabus_id.is_not(None))
        .order_by(Attempt.id.desc()))
    for attempt_id, at, syllabus_id in rows:
        passes.setdefault(syllabus_id, []).append(rules.ExamPass(attempt_id=attempt_id, at=at))
    certificates = db.session.scalars(db.select(Certificate).where(Certificate.user_id == user_id)).all()
    used = set(db.session.scalars(db.select(AwardRequest.award_key).where(AwardRequest.user_id == user_id)))
    used |= {c.award_key for c in certificates if c.award_key}
    return rules.Facts(user_id=user_id, completed_modules=completed, exam_passes=passes,
                       passed_scenarios=passed_scenarios(user_id),
                       certificates=[held_certificate(c, today) for c in certificates], used_award_keys=used)


def progress(user, syllabus_ids=None):
    """[(Syllabus, Decision)] for the given syllabi (default: the user's track), entry level first."""
    from flask import current_app

    today = local_today()
    all_rules = syllabus_rules()
    facts = gather_facts(user.id, today)
    chosen = [(s, r) for s, r in all_rules.values()
              if (s.id in syllabus_ids if syllabus_ids is not None else s.track == user.track)]
    chosen.sort(key=lambda pair: -pair[0].level)
    return [(s, rules.decide(r, facts, today, current_app.config["CERT_RENEWAL_DAYS"])) for s, r in chosen]


def evaluate(user, now=None):
    """Award (or ask HR to approve) every certificate ``user`` now qualifies for, entry level first
    (so a level 4 awarded now counts for level 3 at once). Returns the new Certificates and AwardRequests."""
    from flask import current_app

    today = local_today(now)
    all_rules = syllabus_rules()
    facts = gather_facts(user.id, today)
    made = []
    for syllabus, rule in sorted((all_rules[sid] for sid in facts.exam_passes if sid in all_rules),
                                 key=lambda pair: -pair[0].level):
        decision = rules.decide(rule, facts, today, current_app.config["CERT_RENEWAL_DAYS"])
        if not decision.eligible:
            continue
        facts.used_award_keys.add(decision.award_key)
        if rule.award == "auto":
            cert = issue(user, syllabus, award_key=decision.award_key, today=today)
            facts.certificates.append(held_certificate(cert, today))
            made.append(cert)
        else:
            made.append(request_approval(user, syllabus, decision.award_key))
    return made


# ---------------------------------------------------------------------------- issuing

def notify(user_id, kind, certificate=None, **params):
    if certificate is not None:
        params.setdefault("serial", certificate.serial)
        params.setdefault("title_zh", certificate.title_zh)
        params.setdefault("title_en", certificate.title_en)
    notice = Notice(user_id=user_id, kind=kind, params=params,
                    certificate_id=certificate.id if certificate is not None else None)
    db.session.add(notice)
    return notice


def _new_certificate(user, syllabus, issued_on, expires_on, holder_name, serial_year, **fields):
    cert = Certificate(serial=next_serial(serial_year),
                       check_code=rules.new_check_code(), user_id=user.id, syllabus_id=syllabus.id,
                       track=syllabus.track, level=syllabus.level, holder_name=holder_name,
                       title_zh=syllabus.title_zh, title_en=syllabus.title_en, issued_on=issued_on,
                       expires_on=expires_on, created_at=utcnow(), **fields)
    db.session.add(cert)
    db.session.flush()
    return cert


def issue(user, syllabus, *, award_key, approved_by=None, today=None, ip=None):
    """A new certificate for ``user`` of ``syllabus``, valid from today for the syllabus's months."""
    issued_on, expires_on = rules.validity(today or local_today(), syllabus.validity_months)
    cert = _new_certificate(user, syllabus, issued_on, expires_on, user.full_name, issued_on.year,
                            award_key=award_key, approved_by_id=approved_by.id if approved_by is not None else None)
    audit("certificate_awarded", actor=approved_by, subject=user, ip=ip, serial=cert.serial,
          syllabus=syllabus.code, approval="hr" if approved_by is not None else "auto",
          expires=cert.expires_on.isoformat())
    notify(user.id, "certificate_awarded", cert, expires=cert.expires_on.isoformat())
    _raise_level(user, syllabus)
    db.session.flush()
    return cert


def _raise_level(user, syllabus):
    """The holder's current level follows their best certificate of their track (4 entry … 1)."""
    if user.track != syllabus.track:
        return
    if user.current_level is None or syllabus.level < user.current_level:
        before = user.current_level
        user.current_level = syllabus.level
        if user.target_level is not None and user.target_level >= syllabus.level:
            user.target_level = syllabus.level - 1 if syllabus.level > 1 else None
        audit("level_changed", subject=user, before=before, after=user.current_level, reason="certificate")


def request_approval(user, syllabus, award_key):
    req = AwardRequest(user_id=user.id, syllabus_id=syllabus.id, award_key=award_key, requested_at=utcnow())
    db.session.add(req)
    db.session.flush()
    audit("award_requested", subject=user, syllabus=syllabus.code, request=req.id)
    notify(user.id, "award_requested", title_zh=syllabus.title_zh, title_en=syllabus.title_en)
    return req


def approve(actor, req, ip=None):
    """HR approves: the certificate is issued now (if the level below is still held and valid)."""
    if req.state != "pending":
        raise DomainError("already_decided")
    syllabus, user = req.syllabus, req.user
    if syllabus.requires_id is not None:
        today = local_today()
        below = db.session.scalars(db.select(Certificate).where(
            Certificate.user_id == user.id, Certificate.syllabus_id == syllabus.requires_id)).all()
        if not any(c.status(today) == rules.VALID for c in below):
            raise DomainError("level_below_not_valid")
    req.decide(actor, True)
    cert = issue(user, syllabus, award_key=req.award_key, approved_by=actor, ip=ip)
    req.certificate_id = cert.id
    audit("award_approved", actor=actor, subject=user, ip=ip, request=req.id, serial=cert.serial)
    db.session.flush()
    return cert


def reject(actor, req, reason, ip=None):
    req.decide(actor, False, note=reason)
    audit("award_rejected", actor=actor, subject=req.user, ip=ip, request=req.id, syllabus=req.syllabus.code,
          reason=req.note)
    notify(req.user_id, "award_rejected", title_zh=req.syllabus.title_zh, title_en=req.syllabus.title_en,
           reason=req.note)
    db.session.flush()
    return req


# ---------------------------------------------------------------------------- revoking and reissuing

def revoke(actor, cert, reason, ip=None):
    cert.revoke(actor, reason)
    audit("certificate_revoked", actor=actor, subject=cert.user, ip=ip, serial=cert.serial, reason=cert.revoke_reason)
    notify(cert.user_id, "certificate_revoked", cert, reason=cert.revoke_reason)
    _recompute_level(cert.user)
    db.session.flush()
    return cert


def _recompute_level(user):
    """After a revocation: the holder's level is that of their best valid certificate of their track."""
    today = local_today()
    held = [c.level for c in db.session.scalars(db.select(Certificate).where(
        Certificate.user_id == user.id, Certificate.track == user.track)) if c.status(today) == rules.VALID]
    best = min(held, default=None)
    if user.current_level is not None and (best is None or best > user.current_level):
        before = user.current_level
        user.current_level = best
        audit("level_changed", subject=user, before=before, after=best, reason="revocation")


def reissue(actor, cert, holder_name, reason, ip=None):
    """A new paper (e.g. a corrected name) with a new serial and the same award and validity; the old
    certificate stays on record with status ``reissued``, pointing to the new one."""
    holder_name = (holder_name or "").strip()
    if not holder_name:
        raise DomainError("name_required")
    if not (reason or "").strip():
        raise DomainError("reason_required")
    if cert.revoked_at is not None:
        raise DomainError("revoked_cannot_reissue")
    if cert.replaced_by_id is not None:
        raise DomainError("already_reissued")
    new = _new_certificate(cert.user, cert.syllabus, cert.issued_on, cert.expires_on, holder_name,
                           local_today().year, award_key=None, approved_by_id=cert.approved_by_id,
                           reissue_reason=reason.strip())
    cert.mark_replaced(new)
    audit("certificate_reissued", actor=actor, subject=cert.user, ip=ip, serial=cert.serial, new_serial=new.serial,
          holder_before=cert.holder_name, holder_after=new.holder_name, reason=new.reissue_reason)
    notify(cert.user_id, "certificate_reissued", new, old_serial=cert.serial)
    db.session.flush()
    return new


def lineage(cert):
    """Every certificate of this award, oldest first (a reissue chain)."""
    chain = [cert]
    while chain[0].replaces is not None:
        chain.insert(0, chain[0].replaces)
    while chain[-1].replaced_by is not None:
        chain.append(chain[-1].replaced_by)
    return chain


def award_due(user_ids=None):
    """Evaluate every active trainee (or the given ones) with a passed exam; returns what was made."""
    query = db.select(User).where(User.active.is_(True)).where(
        User.id.in_(db.select(Attempt.user_id).where(Attempt.passed.is_(True))))
    if user_ids is not None:
        query = query.where(User.id.in_(user_ids))
    made = []
    for user in db.session.scalars(query.order_by(User.id)).all():
        made.extend(evaluate(user))
    return made


def hr_user_ids():
    from kamtrain.accounts.models import UserRole

    return set(db.session.scalars(db.select(UserRole.user_id).join(User).where(
        UserRole.role.in_([Role.HR.value]), User.active.is_(True))))


# ---------------------------------------------------------------------------- the commit hook

_PENDING = "kamtrain_award_users"
_RUNNING = "kamtrain_awarding"


def _changed(obj, attr):
    return inspect(obj).attrs[attr].history.has_changes()


def _collect(session, flush_context):
    """after_flush: note the trainees whose module, exam or scenario has just been passed."""
    users = None
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, ModuleProgress):
            hit = obj.completed_at is not None and (obj in session.new or _changed(obj, "completed_at"))
        elif isinstance(obj, Attempt):
            hit = obj.passed is True and (obj in session.new or _changed(obj, "passed"))
        elif isinstance(obj, ScenarioRun):
            hit = bool(obj.passed) and (obj in session.new or _changed(obj, "passed"))
        else:
            continue
        if hit and obj.user_id is not None:
            users = users if users is not None else session.info.setdefault(_PENDING, set())
            users.add(obj.user_id)


def _award_before_commit(session):
    """before_commit: evaluate the noted trainees inside the committing transaction. A failure rolls
    back only the award (a savepoint) and is logged; ``kamtrain cert award-due`` catches up later."""
    from flask import has_app_context

    if session.info.get(_RUNNING) or not has_app_context():
        return
    session.flush()
    user_ids = session.info.pop(_PENDING, None)
    if not user_ids:
        return
    session.info[_RUNNING] = True
    try:
        for user_id in sorted(user_ids):
            try:
                with session.begin_nested():
                    user = session.get(User, user_id)
                    if user is not None and user.active:
                        evaluate(user)
            except Exception:  # noqa: BLE001 - the trainee's own work must still commit
                log.exception("awarding certificates to user %s failed; it will be retried by cert award-due",
                              user_id)
    finally:
        session.info.pop(_RUNNING, None)


def _forget(session, *args):
    session.info.pop(_PENDING, None)


_installed = False


def install_award_hook():
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _collect)
    event.listen(Session, "before_commit", _award_before_commit)
    event.listen(Session, "after_rollback", _forget)
    _installed = True


__all__ = ["evaluate", "issue", "approve", "reject", "revoke", "reissue", "award_due", "progress", "lineage",
           "install_award_hook"]
