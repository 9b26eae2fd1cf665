"""Certification settings, read from the environment when the app starts (tests override them).

KAMTRAIN_PUBLIC_URL          https://kamtrain.example.com — the address QR codes, verify URLs and
                             badges carry. Unset: the address of the request (development).
KAMTRAIN_CERT_TEMPLATE       a YAML file overriding the certificate's template (issuer, signatory,
                             colours, logo); see kamtrain/certification/certificate.yaml
KAMTRAIN_BADGE_KEY_FILE      PEM file of the Ed25519 key that signs Open Badges; unset: generated
                             once into instance/badge_signing_key.pem (share it between servers)
KAMTRAIN_CERT_REMINDER_DAYS  days before expiry to remind holder and leader (default "90,30")
KAMTRAIN_CERT_RENEWAL_DAYS   how long before expiry a holder may recertify (default 90)
KAMTRAIN_SMTP_HOST / _PORT / _USER / _PASSWORD / _STARTTLS, KAMTRAIN_MAIL_FROM
                             the mail server for reminders; no host: in-app notices only
KAMTRAIN_VERIFY_RATE_LIMIT   public verification per client address (default "30 per minute;300 per hour")
KAMTRAIN_API_RATE_LIMIT      REST API per token (default "600 per minute")
KAMTRAIN_JOBS                "rq" (default when KAMTRAIN_REDIS_URL is set), "thread" (in-process,
                             the default without Redis) or "inline" (run at once; tests)
"""

import os


def _days(text, default):
    try:
        values = sorted({int(v) for v in (text or "").replace(" ", "").split(",") if v}, reverse=True)
    except ValueError:
        return default
    return tuple(v for v in values if v > 0) or default


def configure(app):
    env = os.environ.get
    defaults = {
        "PUBLIC_URL": env("KAMTRAIN_PUBLIC_URL") or None,
        "CERT_TEMPLATE": env("KAMTRAIN_CERT_TEMPLATE") or None,
        "BADGE_KEY_FILE": env("KAMTRAIN_BADGE_KEY_FILE") or None,
        "CERT_REMINDER_DAYS": _days(env("KAMTRAIN_CERT_REMINDER_DAYS"), (90, 30)),
        "CERT_RENEWAL_DAYS": int(env("KAMTRAIN_CERT_RENEWAL_DAYS") or 90),
        "SMTP_HOST": env("KAMTRAIN_SMTP_HOST") or None,
        "SMTP_PORT": int(env("KAMTRAIN_SMTP_PORT") or 25),
        "SMTP_USER": env("KAMTRAIN_SMTP_USER") or None,
        "SMTP_PASSWORD": env("KAMTRAIN_SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": (env("KAMTRAIN_SMTP_STARTTLS") or "").lower() in {"1", "true", "yes", "on"},
        "MAIL_FROM": env("KAMTRAIN_MAIL_FROM") or "kamtrain@localhost",
        "VERIFY_RATE_LIMIT": env("KAMTRAIN_VERIFY_RATE_LIMIT") or "30 per minute;300 per hour",
        "API_RATE_LIMIT": env("KAMTRAIN_API_RATE_LIMIT") or "600 per minute",
        "JOBS": env("KAMTRAIN_JOBS") or None,  # None: rq with Redis, thread without
        "JOBS_QUEUE": env("KAMTRAIN_JOBS_QUEUE") or "kamtrain",
    }
    for key, value in defaults.items():
        app.config.setdefault(key, value)
