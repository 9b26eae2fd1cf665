"""User-facing text of the certification domain: statuses, refusals, notices, audit events."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kamtrain.accounts.messages import EVENTS
from kamtrain.core.i18n import current_language

STATUS_NAMES = {
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    "reissued": _l("Reissued"),
}

STATUS_CLASSES = {"valid": "ok", "expired": "warn", "revoked": "bad", "reissued": "warn"}

ERRORS = {
    "already_revoked": _l("This certificate is already revoked"),
    "replaced_cannot_revoke": _l("This certificate has been reissued; revoke the new certificate instead"),
    "revoked_cannot_reissue": _l("A revoked certificate cannot be reissued"),
    "already_reissued": _l("This certificate has already been reissued"),
    "reason_required": _l("Give a reason"),
    "name_required": _l("Give the name to print"),
    "already_decided": _l("This request has already been decided"),
    "level_below_not_valid": _l("The trainee no longer holds a valid certificate of the level below"),
}

MISSING = {
    "level_below": _l("a valid certificate of the level below"),
    "modules": _l("every required module completed"),
    "exam": _l("the certification exam passed"),
    "scenarios": _l("every required scenario passed"),
    "already_certified": _l("already certified (renewal opens near the expiry date)"),
    "already_requested": _l("awaiting HR approval"),
}

EVENTS.update({
    "certificate_awarded": _l("Certificate awarded"),
    "award_requested": _l("Certificate awaiting approval"),
    "award_approved": _l("Certificate approved"),
    "award_rejected": _l("Certificate request rejected"),
    "certificate_revoked": _l("Certificate revoked"),
    "certificate_reissued": _l("Certificate reissued"),
    "level_changed": _l("Level changed"),
    "expiry_reminder_sent": _l("Expiry reminder sent"),
    "verification_refused": _l("Certificate verification refused"),
    "badge_refused": _l("Badge verification refused"),
    "api_token_created": _l("API token created"),
    "api_token_revoked": _l("API token revoked"),
    "api_token_refused": _l("API token refused"),
    "records_exported": _l("Records exported"),
    "export_refused": _l("Export refused"),
    "records_filter_refused": _l("Records search refused"),
})


def error_text(error):
    return ERRORS.get(str(error), str(error))


def notice_text(notice):
    """A notice in the reader's language, from its kind and parameters."""
    p = dict(notice.params or {})
    title = p.get("title_en") if current_language() == "en" else p.get("title_zh")
    p["title"] = title or ""
    texts = {
        "certificate_awarded": _("You have been awarded the certificate %(title)s (%(serial)s), valid until "
                                 "%(expires)s.", **_safe(p, "title", "serial", "expires")),
        "award_requested": _("You have met every requirement of %(title)s; the certificate will be issued once HR "
                             "approves it.", **_safe(p, "title")),
        "award_rejected": _("HR did not approve the certificate %(title)s: %(reason)s", **_safe(p, "title", "reason")),
        "certificate_revoked": _("Your certificate %(serial)s has been revoked: %(reason)s",
                                 **_safe(p, "serial", "reason")),
        "certificate_reissued": _("Your certificate %(old)s has been reissued as %(serial)s.",
                                  old=p.get("old_serial", ""), serial=p.get("serial", "")),
        "expiry_reminder": _("Your certificate %(serial)s (%(title)s) expires on %(expires)s, in %(days)s days. "
                             "Plan your recertification.", **_safe(p, "serial", "title", "expires", "days")),
        "team_expiry_reminder": _("%(holder)s's certificate %(serial)s expires on %(expires)s, in %(days)s days.",
                                  **_safe(p, "holder", "serial", "expires", "days")),
    }
    return texts.get(notice.kind, notice.kind)


def _safe(params, *names):
    return {name: params.get(name, "") for name in names}
