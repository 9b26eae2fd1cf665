"""Demo certificates (CONTRACT §4): every trainee who holds a level has the certificates for it, and
the demo shows every status — valid, expired, revoked, reissued — plus two certificates expiring
soon and one award waiting for HR's approval. Idempotent: each demo award has a fixed award key;
what exists is left alone."""

from datetime import timedelta

from kamtrain.accounts.operations import audit
from kamtrain.certification import rules
from kamtrain.certification.common import local_today
from kamtrain.certification.models import AwardRequest, Certificate
from kamtrain.certification.serials import next_serial
from kamtrain.content.models import Syllabus
from kamtrain.core.db import db, utcnow

EXPIRED_LEVEL_4 = 8  # trainee08: marketing level 4 from 40 months ago (expired), level 3 since
EXPIRING = {5: 20, 15: 70}  # trainee05 and trainee15: level 4 expiring in 20 and 70 days
REISSUED = (4, "刘小燕",
            "证书姓名有误（“晓”误为“小”），更正后换发 / The name was misspelt; reissued with the correct name")
REVOKED = (7, "复核发现认证考试存在违规作答，撤销该证书 / Exam misconduct found on review; certificate revoked")
AWAITING_APPROVAL = 6  # trainee06 holds sales level 3 and waits for HR to approve level 2


def _months_ago(today, months, days=0):
    return rules.add_months(today, -months) - timedelta(days=days)


def _certificate(user, syllabus, issued_on, key, holder_name=None):
    cert = db.session.scalar(db.select(Certificate).filter_by(award_key=key))
    if cert is not None:
        return cert, False
    issued_on, expires_on = rules.validity(issued_on, syllabus.validity_months)
    cert = Certificate(serial=next_serial(issued_on.year), check_code=rules.new_check_code(), user_id=user.id,
                       syllabus_id=syllabus.id, track=syllabus.track, level=syllabus.level,
                       holder_name=holder_name or user.full_name, title_zh=syllabus.title_zh,
                       title_en=syllabus.title_en, issued_on=issued_on, expires_on=expires_on, award_key=key,
                       created_at=utcnow().replace(year=issued_on.year, month=issued_on.month, day=issued_on.day))
    db.session.add(cert)
    db.session.flush()
    audit("certificate_awarded", subject=user, serial=cert.serial, syllabus=syllabus.code, approval="demo")
    return cert, True


def create_demo_certificates(trainees, staff):
    """``trainees``: {number: User}; ``staff``: {username: User}. Returns the number of certificates made."""
    syllabi = {(s.track, s.level): s for s in db.session.scalars(db.select(Syllabus))}
    if not syllabi:
        return 0
    today = local_today()
    hr = staff.get("hr")
    made = 0
    for number, user in sorted(trainees.items()):
        if user.track is None:
            continue
        held = user.current_level
        levels = [lv for lv in (4, 3, 2, 1) if held is not None and lv >= held]
        if number == REVOKED[0]:
            levels = [4]
        for level in levels:
            syllabus = syllabi.get((user.track, level))
            if syllabus is None:
                continue
            if level == 4 and number == EXPIRED_LEVEL_4:
                issued = _months_ago(today, 40)
            elif level == 4 and number in EXPIRING:
                issued = _months_ago(today, syllabus.validity_months) + timedelta(days=EXPIRING[number] + 1)
            elif level == 4:
                issued = _months_ago(today, 8 + (number * 5) % 22)
            else:
                issued = _months_ago(today, 2 + number % 5, days=number)
            name = REISSUED[1] if (number == REISSUED[0] and level == 4) else None
            cert, new = _certificate(user, syllabus, issued, f"demo:{user.username}:{syllabus.code}", name)
            made += new
            if new and number == REISSUED[0] and level == 4:
                reissued = Certificate(
                    serial=next_serial(today.year), check_code=rules.new_check_code(), user_id=user.id,
                    syllabus_id=syllabus.id, track=syllabus.track, level=syllabus.level, holder_name=user.full_name,
                    title_zh=syllabus.title_zh, title_en=syllabus.title_en, issued_on=cert.issued_on,
                    expires_on=cert.expires_on, reissue_reason=REISSUED[2], created_at=utcnow())
                db.session.add(reissued)
                db.session.flush()
                cert.mark_replaced(reissued)
                audit("certificate_reissued", actor=hr, subject=user, serial=cert.serial, new_serial=reissued.serial,
                      reason=REISSUED[2])
                made += 1
            if new and number == REVOKED[0]:
                cert.revoke(hr, REVOKED[1])
                audit("certificate_revoked", actor=hr, subject=user, serial=cert.serial, reason=REVOKED[1])
    waiting = trainees.get(AWAITING_APPROVAL)
    if waiting is not None and waiting.track is not None:
        syllabus = syllabi.get((waiting.track, 2))
        key = f"demo:{waiting.username}:{syllabus.code}" if syllabus else None
        if key and db.session.scalar(db.select(AwardRequest.id).filter_by(award_key=key)) is None:
            db.session.add(AwardRequest(user_id=waiting.id, syllabus_id=syllabus.id, award_key=key,
                                        requested_at=utcnow() - timedelta(days=2)))
    db.session.flush()
    return made
