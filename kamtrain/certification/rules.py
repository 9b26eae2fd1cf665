"""The certification rules as pure functions: no database, no request. Tested without HTTP.

A syllabus is met when (in the syllabus's own words, content/syllabi/*.yaml):
  * the level below (``requires``) is held with a valid certificate,
  * every required module is completed,
  * the syllabus's certification exam is passed,
  * every required scenario is passed.
A certificate that has been awarded needs fresh evidence to be awarded again: an exam passed after
the last certificate of that syllabus was made, and only once that certificate is expired, revoked,
or due to expire within the renewal window.
"""

import calendar
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

VALID, EXPIRED, REVOKED, REISSUED = "valid", "expired", "revoked", "reissued"
STATUSES = (VALID, EXPIRED, REVOKED, REISSUED)

SERIAL_PREFIX = "KT"
# Crockford-like alphabet: no 0/O, 1/I/L, U — nothing to misread from paper
CHECK_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_LENGTH = 8  # 30^8 ≈ 6.6e11 codes per serial
CODE_RE = re.compile(r"^(KT-(\d{4})-(\d{6,9}))-([" + CHECK_ALPHABET + r"]{" + str(CHECK_LENGTH) + r"})$")


def format_serial(year, number):
    return f"{SERIAL_PREFIX}-{year:04d}-{number:06d}"


def new_check_code():
    return "".join(secrets.choice(CHECK_ALPHABET) for _ in range(CHECK_LENGTH))


def parse_code(code):
    """(serial, check code) from what a QR code or URL carries, or None when it is not well formed.
    Case and surrounding blanks are forgiven (people type codes off paper)."""
    if not isinstance(code, str) or len(code) > 40:
        return None
    match = CODE_RE.match(code.strip().upper())
    if match is None:
        return None
    return match.group(1), match.group(4)


def certificate_status(*, revoked, replaced, expires_on, today):
    """revoked > reissued > expired > valid. ``expires_on`` is the last valid day."""
    if revoked:
        return REVOKED
    if replaced:
        return REISSUED
    if today > expires_on:
        return EXPIRED
    return VALID


def add_months(day, months):
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validity(issued_on, months):
    """(issued_on, last valid day): e.g. 2026-03-01 for 36 months → 2029-02-28."""
    return issued_on, add_months(issued_on, months) - timedelta(days=1)


# ---------------------------------------------------------------------------- deciding an award

@dataclass(frozen=True)
class SyllabusRule:
    id: int
    code: str
    requires_id: int | None
    module_ids: frozenset
    scenario_ids: frozenset
    award: str  # auto | hr_approval


@dataclass(frozen=True)
class HeldCertificate:
    syllabus_id: int
    status: str
    created_at: datetime
    expires_on: date


@dataclass(frozen=True)
class ExamPass:
    attempt_id: int
    at: datetime  # when the passing attempt was submitted


@dataclass
class Facts:
    """What is known about one trainee."""

    user_id: int
    completed_modules: set = field(default_factory=set)
    exam_passes: dict = field(default_factory=dict)  # syllabus id → [ExamPass], newest first
    passed_scenarios: set = field(default_factory=set)
    certificates: list = field(default_factory=list)  # [HeldCertificate]
    used_award_keys: set = field(default_factory=set)  # keys of certificates and approval requests


@dataclass
class Decision:
    eligible: bool
    missing: list  # codes: level_below, modules, exam, scenarios, already_certified, already_requested
    award_key: str | None = None
    modules_done: int = 0
    modules_total: int = 0
    scenarios_done: int = 0
    scenarios_total: int = 0
    exam_passed: bool = False
    level_below_held: bool = True


def award_key(user_id, syllabus_id, attempt_id):
    return f"{user_id}:{syllabus_id}:{attempt_id}"


def decide(rule, facts, today, renewal_days=90):
    """Whether ``facts`` meet ``rule`` now; what is missing otherwise."""
    missing = []
    held = [c for c in facts.certificates if c.syllabus_id == rule.id]
    level_below = rule.requires_id is None or any(
        c.syllabus_id == rule.requires_id and c.status == VALID for c in facts.certificates)
    if not level_below:
        missing.append("level_below")
    modules_done = len(rule.module_ids & facts.completed_modules)
    if modules_done < len(rule.module_ids):
        missing.append("modules")
    scenarios_done = len(rule.scenario_ids & facts.passed_scenarios)
    if scenarios_done < len(rule.scenario_ids):
        missing.append("scenarios")

    # the exam: the newest pass counts, and after a certificate only a pass made after it
    latest_made = max((c.created_at for c in held), default=None)
    passes = [p for p in facts.exam_passes.get(rule.id, []) if latest_made is None or p.at > latest_made]
    exam = max(passes, key=lambda p: p.at, default=None)
    if exam is None:
        missing.append("exam")

    live = [c for c in held if c.status == VALID]
    if live and all((c.expires_on - today).days > renewal_days for c in live):
        missing.insert(0, "already_certified")

    key = award_key(facts.user_id, rule.id, exam.attempt_id) if exam is not None else None
    if not missing and key in facts.used_award_keys:
        missing.append("already_requested")
    return Decision(eligible=not missing, missing=missing, award_key=key if not missing else None,
                    modules_done=modules_done, modules_total=len(rule.module_ids),
                    scenarios_done=scenarios_done, scenarios_total=len(rule.scenario_ids),
                    exam_passed=exam is not None or bool(live and "already_certified" in missing),
                    level_below_held=level_below)
