"""Grading attempts on the server: every slot with ``questions.grade`` (Moodle's semantics), essays to
a trainer's marking queue, attempt totals and pass/fail, competency evidence for every graded answer,
and regrading every attempt of a corrected question. Writes flush; the caller commits."""

from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload

from kamtrain.accounts.operations import audit
from kamtrain.assessment import bank
from kamtrain.assessment import questions as qm
from kamtrain.assessment.attempts import GRADED, IN_PROGRESS, NEEDS_MARKING, Attempt, AttemptSlot
from kamtrain.assessment.models import QuestionVersion
from kamtrain.competency.models import Category, Evidence
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError

PASS_EPSILON = 1e-9


class _NoRow:
    """``bank.to_question`` wants the bank row only for the category path, idnumber and tags, which an
    attempt neither shows nor grades by."""

    class category:  # noqa: N801 — stands in for the row's category relationship
        path = "top"

    idnumber = None
    tags = ()


def question_of(version):
    """The interchange Question of a stored version."""
    return bank.to_question(_NoRow, version)


def scoring_version(slot):
    """The version that scores a slot: the corrected one after a regrade, else the one shown."""
    if slot.graded_version_id and slot.graded_version_id != slot.version_id:
        return db.session.get(QuestionVersion, slot.graded_version_id)
    return slot.version


# ------------------------------------------------------------------------------ one slot

def slot_fraction(question, response):
    """(fraction or None, needs a trainer?) for a response — pure."""
    if question.qtype == "essay":
        if response is None or not str(response).strip():
            return 0.0, False  # nothing written: nothing to mark
        return None, True
    fraction = qm.grade(question, response)
    return (0.0 if fraction is None else fraction), False


def grade_slot(attempt, slot, question, evidence=None):
    fraction, pending = slot_fraction(question, slot.response)
    slot.fraction = fraction
    slot.earned = None if fraction is None else fraction * slot.mark
    slot.needs_marking = pending
    if fraction is not None:
        record_evidence(attempt, slot, question.qtype, existing=evidence)


def evidence_kind(attempt, qtype):
    if qtype == "essay":
        return "essay"
    return "exam" if attempt.quiz.is_exam else "quiz"


def record_evidence(attempt, slot, qtype, existing=None, recorded_by=None, at=None):
    """One evidence row per graded slot (updated, not duplicated, by a regrade or a re-marking)."""
    if slot.category_id is None or slot.fraction is None:
        return None
    kind = evidence_kind(attempt, qtype)
    row = existing.get(slot.id) if existing is not None else db.session.scalar(db.select(Evidence).filter_by(
        source_kind=kind, source_id=slot.id, category_id=slot.category_id))
    occurred = at or attempt.submitted_at or slot.checked_at or utcnow()
    if row is None:
        row = Evidence(user_id=attempt.user_id, category_id=slot.category_id, source_kind=kind, source_id=slot.id)
        db.session.add(row)
    row.score = max(0.0, min(1.0, slot.fraction))
    row.weight = slot.mark
    row.occurred_at = occurred
    row.recorded_by_id = recorded_by.id if recorded_by is not None else row.recorded_by_id
    row.note = f"{attempt.quiz.code} #{attempt.number} Q{slot.position}"[:255]
    return row


def _existing_evidence(slots):
    ids = [s.id for s in slots]
    if not ids:
        return {}
    rows = db.session.scalars(db.select(Evidence).where(Evidence.source_kind.in_(("quiz", "exam", "essay")),
                                                       Evidence.source_id.in_(ids))).all()
    return {r.source_id: r for r in rows}


# ------------------------------------------------------------------------------ the attempt

def grade_attempt(attempt):
    """Grade every slot not graded yet (practice questions checked during the attempt keep their
    mark), then the totals."""
    slots = db.session.scalars(db.select(AttemptSlot).where(AttemptSlot.attempt_id == attempt.id)
                               .options(selectinload(AttemptSlot.version)).order_by(AttemptSlot.position)).all()
    existing = _existing_evidence(slots)
    for slot in slots:
        if slot.checked_at is not None and slot.fraction is not None:
            continue
        grade_slot(attempt, slot, question_of(scoring_version(slot)), evidence=existing)
    update_totals(attempt, slots)
    db.session.flush()


def update_totals(attempt, slots=None):
    slots = slots if slots is not None else attempt.slots
    pending = any(s.needs_marking for s in slots)
    attempt.max_score = sum(s.mark for s in slots)
    attempt.score = sum(s.earned or 0.0 for s in slots)
    if attempt.state == IN_PROGRESS:
        return
    attempt.state = NEEDS_MARKING if pending else GRADED
    if pending or not attempt.max_score:
        attempt.percent = None if pending else 0.0
        attempt.passed = None if pending else False
        return
    attempt.percent = 100.0 * attempt.score / attempt.max_score
    attempt.passed = attempt.percent + PASS_EPSILON >= attempt.quiz.pass_mark


@dataclass
class CategoryResult:
    category: Category
    earned: float = 0.0
    available: float = 0.0
    questions: int = 0
    pending: int = 0

    @property
    def percent(self):
        return None if not self.available else 100.0 * self.earned / self.available


def category_results(slots):
    """The result per competency category, in the model's order."""
    by_id = {}
    for slot in slots:
        if slot.category_id is None:
            continue
        result = by_id.setdefault(slot.category_id, CategoryResult(slot.category))
        result.questions += 1
        if slot.needs_marking:
            result.pending += 1
            continue
        result.available += slot.mark
        result.earned += slot.earned or 0.0
    return sorted(by_id.values(), key=lambda r: r.category.number)


# ------------------------------------------------------------------------------ essays

def marking_queue():
    return db.session.scalars(
        db.select(AttemptSlot).join(Attempt).where(AttemptSlot.needs_marking.is_(True),
                                                   Attempt.state == NEEDS_MARKING)
        .order_by(Attempt.submitted_at, AttemptSlot.position)).all()


def mark_essay(slot, marker, fraction, comment="", ip=None, now=None):
    """A trainer's mark for an essay (0…1 of its marks); marking again replaces the mark."""
    attempt = slot.attempt
    if attempt.state == IN_PROGRESS:
        raise DomainError("attempt_in_progress")
    if slot.version.qtype != "essay":
        raise DomainError("not_an_essay")
    if not 0.0 <= fraction <= 1.0:
        raise DomainError("mark_out_of_range")
    before = slot.fraction
    slot.fraction = fraction
    slot.earned = fraction * slot.mark
    slot.needs_marking = False
    slot.marker_id = marker.id
    slot.marked_at = now or utcnow()
    slot.comment = (comment or "").strip()[:5000]
    record_evidence(attempt, slot, "essay", recorded_by=marker, at=attempt.submitted_at)
    update_totals(attempt)
    audit("essay_marked", actor=marker, subject=attempt.user, ip=ip, attempt=attempt.id, position=slot.position,
          mark=round(slot.earned, 4), out_of=slot.mark, before=before)
    db.session.flush()
    return attempt


# ------------------------------------------------------------------------------ regrading

def compatible(old, new):
    """Can responses given to ``old`` be scored by ``new``? (Same type and the same options, items or
    blanks to point at; the wording, weights, tolerances and accepted answers may differ.)"""
    if old.qtype != new.qtype or old.qtype in ("essay", "description"):
        return False
    if old.qtype == "multichoice":
        return old.single == new.single and len(old.answers) == len(new.answers)
    if old.qtype == "matching":
        return [bool(p.stem.strip()) for p in old.pairs] == [bool(p.stem.strip()) for p in new.pairs]
    if old.qtype == "cloze":
        return [(f.kind, f.multiple, len(f.answers) if f.kind == "multichoice" else 0) for f in old.fields] == [
            (f.kind, f.multiple, len(f.answers) if f.kind == "multichoice" else 0) for f in new.fields]
    return True


@dataclass
class RegradeReport:
    version: int = 0
    slots: int = 0
    changed: int = 0
    attempts: set = field(default_factory=set)
    results_changed: int = 0  # attempts whose pass/fail changed
    skipped: int = 0  # slots whose version cannot be scored by the correction
    changes: list = field(default_factory=list)  # (attempt, position, before, after)


def regrade_question(row, actor, dry_run=False, ip=None):
    """Score every attempt's answer to bank question ``row`` with its current (corrected) version.
    The slot keeps the version it showed and records the version that scored it; totals, pass/fail and
    evidence follow. Audited (unless ``dry_run``: then nothing is written and the report says what
    would change)."""
    latest = bank.current_version(row)
    new_question = question_of(latest)
    report = RegradeReport(version=latest.number)
    slots = db.session.scalars(db.select(AttemptSlot).where(AttemptSlot.question_id == row.id)
                               .options(selectinload(AttemptSlot.version), selectinload(AttemptSlot.attempt))
                               .order_by(AttemptSlot.attempt_id)).all()
    old_questions = {}
    touched = {}
    existing = _existing_evidence(slots)
    for slot in slots:
        if slot.version_id not in old_questions:
            old_questions[slot.version_id] = question_of(slot.version)
        if not compatible(old_questions[slot.version_id], new_question):
            report.skipped += 1
            continue
        report.slots += 1
        attempt = slot.attempt
        if slot.fraction is None:  # not graded yet (attempt in progress): the correction will score it
            if not dry_run:
                slot.graded_version_id = latest.id
            continue
        fraction, _pending = slot_fraction(new_question, slot.response)
        if abs((fraction or 0.0) - slot.fraction) > 1e-9:
            report.changed += 1
            report.attempts.add(attempt.id)
            report.changes.append((attempt, slot.position, slot.fraction, fraction))
            if not dry_run:
                slot.fraction = fraction
                slot.earned = fraction * slot.mark
                record_evidence(attempt, slot, new_question.qtype, existing=existing)
                touched[attempt.id] = attempt
        if not dry_run:
            slot.graded_version_id = latest.id
    if dry_run:
        return report
    db.session.flush()
    for attempt in touched.values():
        before = attempt.passed
        update_totals(attempt)
        if before != attempt.passed:
            report.results_changed += 1
    audit("question_regraded", actor=actor, ip=ip, question=row.id, idnumber=row.idnumber, version=latest.number,
          slots=report.slots, changed=report.changed, attempts=len(report.attempts),
          results_changed=report.results_changed, skipped=report.skipped)
    db.session.flush()
    return report


def attempts_of_question(row):
    return db.session.scalar(db.select(db.func.count(db.distinct(AttemptSlot.attempt_id))).where(
        AttemptSlot.question_id == row.id))

