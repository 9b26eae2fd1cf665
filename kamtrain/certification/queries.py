"""Reading certificates: by code, with their status in SQL, as printed data, as a PDF."""

from flask import current_app
from sqlalchemy import case, literal

from kamtrain.certification import rules
from kamtrain.certification.common import local_today, public_base_url, verify_url
from kamtrain.certification.models import Certificate
from kamtrain.certification.pdf import CertificateData, renderer
from kamtrain.competency.models import TrackInfo, TrackLevel
from kamtrain.core.db import db


def status_sql(today):
    """The status as an SQL expression (same rule as rules.certificate_status), for filters and exports."""
    return case(
        (Certificate.revoked_at.is_not(None), literal(rules.REVOKED)),
        (Certificate.replaced_by_id.is_not(None), literal(rules.REISSUED)),
        (Certificate.expires_on < today, literal(rules.EXPIRED)),
        else_=literal(rules.VALID),
    )


def where_status(query, status, today):
    """Filter a query on certificates by status, in terms an index can use."""
    if status == rules.REVOKED:
        return query.where(Certificate.revoked_at.is_not(None))
    if status == rules.REISSUED:
        return query.where(Certificate.revoked_at.is_(None), Certificate.replaced_by_id.is_not(None))
    live = query.where(Certificate.revoked_at.is_(None), Certificate.replaced_by_id.is_(None))
    if status == rules.EXPIRED:
        return live.where(Certificate.expires_on < today)
    if status == rules.VALID:
        return live.where(Certificate.expires_on >= today)
    raise ValueError(status)


def by_serial(serial):
    return db.session.scalar(db.select(Certificate).where(Certificate.serial == (serial or "").strip().upper()))


def by_code(code):
    """The certificate a verification code names, or None: unknown serial, wrong or missing check code
    (compared in constant time; a bare serial is refused, so serials can't be walked)."""
    import hmac

    parsed = rules.parse_code(code)
    if parsed is None:
        return None
    serial, check = parsed
    cert = by_serial(serial)
    if cert is None or not hmac.compare_digest(cert.check_code, check):
        return None
    return cert


def names(track, level):
    """((track zh, track en), (level zh, level en)) from the content; codes when missing."""
    info = db.session.get(TrackInfo, track)
    tl = db.session.scalar(db.select(TrackLevel).filter_by(track=track, level=level))
    return ((info.name_zh, info.name_en) if info else (track, track),
            (tl.name_zh, tl.name_en) if tl else (f"{level}级", f"Level {level}"))


def certificate_data(cert, base_url=None, today=None):
    (track_zh, track_en), (level_zh, level_en) = names(cert.track, cert.level)
    return CertificateData(serial=cert.serial, holder=cert.holder_name, title_zh=cert.title_zh,
                           title_en=cert.title_en, track_zh=track_zh, track_en=track_en, level_zh=level_zh,
                           level_en=level_en, issued_on=cert.issued_on, expires_on=cert.expires_on,
                           verify_url=verify_url(cert, base_url), status=cert.status(today or local_today()))


def certificate_pdf(cert, base_url=None):
    return renderer(current_app.config.get("CERT_TEMPLATE")).render(certificate_data(cert, base_url))


def pdf_filename(cert):
    return f"{cert.serial}.pdf"


def public_record(cert, today=None):
    """What anyone may know about a certificate (CONTRACT §3): no e-mail, no employee number."""
    today = today or local_today()
    (track_zh, track_en), (level_zh, level_en) = names(cert.track, cert.level)
    return {
        "serial": cert.serial,
        "status": cert.status(today),
        "holder": cert.holder_name,
        "track": cert.track,
        "level": cert.level,
        "issued": cert.issued_on.isoformat(),
        "expires": cert.expires_on.isoformat(),
        "track_name": {"zh": track_zh, "en": track_en},
        "level_name": {"zh": level_zh, "en": level_en},
        "title": {"zh": cert.title_zh, "en": cert.title_en},
        "replaced_by": cert.replaced_by.serial if cert.replaced_by is not None else None,
        "revoked_on": cert.revoked_at.date().isoformat() if cert.revoked_at else None,
    }


__all__ = ["status_sql", "where_status", "by_serial", "by_code", "names", "certificate_data", "certificate_pdf",
           "public_record", "public_base_url"]
