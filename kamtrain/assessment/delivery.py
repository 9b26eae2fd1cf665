"""Delivering quizzes and exams: starting an attempt, saving answers one by one, submitting, and
closing attempts whose time is up. Writes flush; the caller commits (views commit once per request).

Concurrency. Every write that depends on the attempt still being open starts with a conditional
UPDATE of the attempt row (``… WHERE state = 'in_progress' AND deadline not passed``). On
PostgreSQL that row lock orders a save against a concurrent submit (the submit grades what the save
committed, or the save is refused); on SQLite writers are serialised anyway. Before that first
write the read transaction of the request is ended (``_fresh_transaction``): a SQLite reader cannot
become a writer once another connection has committed.
"""

import random
import secrets
from dataclasses import dataclass, field

from sqlalchemy import and_, func, insert, or_, update
from sqlalchemy.exc import IntegrityError

from kamtrain.accounts.operations import audit
from kamtrain.assessment import blueprints, grading, presentation
from kamtrain.assessment.attempts import IN_PROGRESS, Attempt, AttemptSlot
from kamtrain.assessment.eligibility import check_may_start, open_attempt
from kamtrain.assessment.models import Question, QuestionVersion
from kamtrain.assessment.quizzes import QuizRefused
from kamtrain.competency.models import Category
from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError


class AnswerRefused(DomainError):
    """An answer that may not be stored; ``code``: unknown_slot | deadline | submitted | forged | other_user."""

    def __init__(self, code, **details):
        super().__init__(code)
        self.code = code
        self.details = details


def _fresh_transaction():
    db.session.commit()


# ------------------------------------------------------------------------------ starting

def candidates(codes):
    rows = db.session.execute(
        db.select(Question.id, Category.code, Question.difficulty, Question.levels, Question.tracks)
        .join(Category, Question.competency_id == Category.id)
        .where(Question.retired.is_(False), Question.qtype != "description", Category.code.in_(codes))).all()
    return [blueprints.Candidate(r.id, r.code, r.difficulty, tuple(r.levels or ()), tuple(r.tracks or ()))
            for r in rows]


def seen_questions(user):
    return set(db.session.scalars(db.select(AttemptSlot.question_id).join(Attempt).where(
        Attempt.user_id == user.id).distinct()))


def coverage(quiz):
    """The blueprint against the bank at the quiz's track and level: [blueprints.Cell]."""
    codes = {row["category"] for row in quiz.blueprint}
    return blueprints.coverage(quiz.blueprint, candidates(codes), quiz.track, quiz.level)


def start_attempt(quiz, user, now=None, seed=None):
    """The user's attempt in progress at ``quiz``, or a new one with its questions drawn. A double click
    on "start" (two requests at once) ends with one attempt: the loser of the unique (quiz, user, number)
    race returns the winner's."""
    now = now or utcnow()
    existing = open_attempt(quiz, user)
    if existing is not None:
        if existing.is_overdue(now):
            submit(existing, by="deadline", now=now)
        else:
            return existing
    check_may_start(quiz, user, now)
    drawn = draw_for(quiz, user, seed)
    _fresh_transaction()
    try:
        with db.session.begin_nested():
            return create_attempt(quiz, user, drawn, now)
    except IntegrityError:
        other = open_attempt(quiz, user)
        if other is None:
            raise
        return other


@dataclass
class Draw:
    seed: int
    drawn: blueprints.Drawn
    number: int


def draw_for(quiz, user, seed=None):
    """The questions of a new attempt (no rules checked, nothing written)."""
    seed = seed if seed is not None else secrets.randbits(31)
    codes = {row["category"] for row in quiz.blueprint}
    try:
        drawn = blueprints.draw(quiz.blueprint, candidates(codes), random.Random(seed), track=quiz.track,
                                level=quiz.level, seen=seen_questions(user), allow_short=not quiz.is_exam)
    except blueprints.BlueprintShortage as e:
        raise QuizRefused("shortage", shortages=e.shortages) from None
    if not drawn.ids:
        raise QuizRefused("no_questions")
    number = db.session.scalar(db.select(func.coalesce(func.max(Attempt.number), 0)).where(
        Attempt.quiz_id == quiz.id, Attempt.user_id == user.id)) + 1
    return Draw(seed, drawn, number)


def create_attempt(quiz, user, draw, now):
    """Write the attempt and its slots (the latest version of each drawn question is pinned)."""
    versions = _latest_versions(draw.drawn.ids)
    category_ids = dict(db.session.execute(db.select(Category.code, Category.id)).all())
    difficulty = dict(db.session.execute(db.select(Question.id, Question.difficulty).where(
        Question.id.in_(draw.drawn.ids))).all())
    attempt = Attempt(quiz_id=quiz.id, user_id=user.id, number=draw.number, seed=draw.seed, state=IN_PROGRESS,
                      started_at=now, deadline=quiz.deadline_for(now), max_score=0.0)
    db.session.add(attempt)
    db.session.flush()
    slots = []
    for position, (question_id, (category, _key)) in enumerate(zip(draw.drawn.ids, draw.drawn.cells, strict=True), 1):
        version_id, data = versions[question_id]
        slots.append({"attempt_id": attempt.id, "position": position, "question_id": question_id,
                      "version_id": version_id, "category_id": category_ids.get(category),
                      "difficulty": difficulty.get(question_id), "mark": float(data.get("default_mark") or 1.0),
                      "seq": 0, "needs_marking": False, "comment": ""})
    db.session.execute(insert(AttemptSlot), slots)
    attempt.max_score = sum(s["mark"] for s in slots)
    db.session.flush()
    return attempt


def _latest_versions(ids):
    rows = db.session.execute(
        db.select(QuestionVersion.question_id, QuestionVersion.id, QuestionVersion.data).join(
            Question, and_(Question.id == QuestionVersion.question_id,
                           QuestionVersion.number == Question.latest_version))
        .where(Question.id.in_(ids))).all()
    return {r.question_id: (r.id, r.data) for r in rows}


# ------------------------------------------------------------------------------ the questions of a page

@dataclass
class SlotView:
    """A slot ready for the page: the presented question and the saved response in page positions."""

    slot: AttemptSlot
    presented: presentation.Presented
    question: object  # the bank's Question (bank indexes), for grading and review
    page_response: object = None
    view: dict = field(default_factory=dict)


def prefix_of(position):
    return f"s{position}"


#: (version id, content hash, seed, prefix, with file URLs?) → (question, presented, view). A version never
#: changes once stored (a correction is a new version) and the rest of the key fixes the shuffle, so the
#: sanitised, shuffled view can be kept between requests; a worker keeps at most _CACHE_SIZE of them.
_PRESENTED = {}
_CACHE_SIZE = 4096


def slot_views(attempt, slots, file_url=None):
    out = []
    for slot in slots:
        seed = presentation.slot_seed(attempt.seed, slot.position)
        prefix = prefix_of(slot.position)
        content_hash = getattr(slot.version, "content_hash", None)
        key = (slot.version_id, content_hash, seed, prefix, file_url is not None)
        cached = _PRESENTED.get(key) if content_hash else None
        if cached is None:
            question = grading.question_of(slot.version)
            presented = presentation.present(question, seed)
            urls = file_url(slot.version_id) if file_url else None
            cached = (question, presented, presentation.view(presented, prefix, urls))
            if content_hash:
                if len(_PRESENTED) >= _CACHE_SIZE:
                    _PRESENTED.clear()
                _PRESENTED[key] = cached
        question, presented, view = cached
        out.append(SlotView(slot, presented, question, presentation.to_page(presented, slot.response), view))
    return out


def slots_at(attempt, positions):
    return db.session.scalars(db.select(AttemptSlot).where(
        AttemptSlot.attempt_id == attempt.id, AttemptSlot.position.in_(positions))
        .order_by(AttemptSlot.position)).all()


# ------------------------------------------------------------------------------ saving answers

@dataclass
class Saved:
    saved: list = field(default_factory=list)  # positions written
    unchanged: list = field(default_factory=list)
    locked: list = field(default_factory=list)  # practice questions already checked
    at: object = None


SKIP_FIELDS = frozenset({"csrf_token", "positions", "goto", "page", "page_token", "seq", "action", "view", "layout"})


def _positions_in(form):
    """The slot positions a form speaks about: listed in ``positions`` and named by its fields (s3, s3-1)."""
    listed, named = set(), set()
    for value in form.getlist("positions"):
        if not value.isdigit():
            raise AnswerRefused("forged", field="positions")
        listed.add(int(value))
    for name in form:
        if name in SKIP_FIELDS:
            continue
        head = name.split("-", 1)[0]
        if not (head.startswith("s") and head[1:].isdigit()):
            raise AnswerRefused("forged", field=name[:40])
        named.add(int(head[1:]))
    return listed | named


def save_answers(attempt, user, form, now=None):
    """Store the responses a page sent (only the slots it lists or names). Refuses the whole form —
    nothing stored — when any part is wrong: AnswerRefused(code). The caller commits."""
    now = now or utcnow()
    if attempt.user_id != user.id:
        raise AnswerRefused("other_user")
    positions = _positions_in(form)
    slots = {s.position: s for s in slots_at(attempt, positions)} if positions else {}
    missing = sorted(positions - set(slots))
    if missing:
        raise AnswerRefused("unknown_slot", positions=missing[:10])
    if not attempt.in_progress:
        raise AnswerRefused("submitted")
    if attempt.is_overdue(now):
        raise AnswerRefused("deadline")
    page_token = (form.get("page_token") or "")[:16] or None
    seq = form.get("seq", "")
    seq = int(seq) if seq.isdigit() and len(seq) < 12 else None
    writes, result = [], Saved(at=now)
    for view in slot_views(attempt, [slots[p] for p in sorted(slots)]):
        slot = view.slot
        prefix = prefix_of(slot.position)
        problems = presentation.form_problems(view.presented, form, prefix)
        if problems:
            raise AnswerRefused("forged", problems=problems[:5])
        if slot.checked_at is not None:
            result.locked.append(slot.position)
            continue
        response = presentation.read(view.presented, form, prefix)
        if response == _comparable(slot.response) and slot.saved_at is not None:
            result.unchanged.append(slot.position)
            continue
        writes.append((slot.id, slot.position, response, presentation.answer_key(view.question, response)))
    if not writes:
        return result
    attempt_id = attempt.id
    _fresh_transaction()
    opened = db.session.execute(
        update(Attempt).where(Attempt.id == attempt_id, Attempt.state == IN_PROGRESS,
                              or_(Attempt.deadline.is_(None), Attempt.deadline > now))
        .values(activity_at=now).execution_options(synchronize_session=False))
    if opened.rowcount != 1:
        db.session.rollback()
        current = db.session.get(Attempt, attempt_id)
        raise AnswerRefused("submitted" if current is None or not current.in_progress else "deadline")
    for slot_id, position, response, key in writes:
        stale = and_(AttemptSlot.page_token == page_token, AttemptSlot.seq >= seq) if (page_token and seq) else None
        statement = update(AttemptSlot).where(AttemptSlot.id == slot_id, AttemptSlot.checked_at.is_(None))
        if stale is not None:
            statement = statement.where(~stale | AttemptSlot.page_token.is_(None))
        done = db.session.execute(statement.values(
            response=response, answer_key=key, saved_at=now, page_token=page_token, seq=seq or 0)
            .execution_options(synchronize_session=False))
        (result.saved if done.rowcount == 1 else result.unchanged).append(position)
    db.session.flush()
    db.session.expire_all()
    return result


def _comparable(stored):
    """A stored JSON response in the shape ``read`` returns (JSON turned int keys into strings)."""
    if isinstance(stored, dict):
        return {int(k) if str(k).isdigit() else k: v for k, v in stored.items()}
    return stored


def refuse(error, attempt_id, user, ip=None):
    """Log a refused answer (after the request's changes were rolled back); the caller commits."""
    audit("attempt_answer_refused", actor=user, subject=user, ip=ip, attempt=attempt_id, reason=error.code,
          **{k: v for k, v in error.details.items() if k in ("positions", "problems", "field")})


# ------------------------------------------------------------------------------ submitting

def submit(attempt, by="trainee", now=None):
    """Finish and grade the attempt, once: True when this call did it, False when it was already
    finished (a double click, a retry, or the deadline got there first). The caller commits."""
    now = now or utcnow()
    attempt_id = attempt.id
    overdue = attempt.is_overdue(now)
    at = attempt.deadline if overdue else now
    by = "deadline" if overdue else by
    _fresh_transaction()
    won = db.session.execute(
        update(Attempt).where(Attempt.id == attempt_id, Attempt.state == IN_PROGRESS)
        .values(state="graded", submitted_at=at, closed_by=by)
        .execution_options(synchronize_session=False))
    db.session.expire_all()
    if won.rowcount != 1:
        return False
    attempt = db.session.get(Attempt, attempt_id)
    grading.grade_attempt(attempt)
    return True


def close_if_overdue(attempt, now=None):
    """Lazily close an attempt whose time is up (called whenever one is read). True when it closed it."""
    if attempt is not None and attempt.is_overdue(now):
        return submit(attempt, by="deadline", now=now)
    return False


def close_overdue(now=None, user=None):
    """Close every attempt whose deadline has passed (``kamtrain exams close-overdue``, and lazily for
    one user's list). Returns how many this call closed; commits after each one."""
    now = now or utcnow()
    query = db.select(Attempt.id).where(Attempt.state == IN_PROGRESS, Attempt.deadline.is_not(None),
                                        Attempt.deadline <= now)
    if user is not None:
        query = query.where(Attempt.user_id == user.id)
    closed = 0
    for attempt_id in db.session.scalars(query).all():
        attempt = db.session.get(Attempt, attempt_id)
        if attempt is not None and submit(attempt, by="deadline", now=now):
            closed += 1
        db.session.commit()
    return closed


# ------------------------------------------------------------------------------ practice: check one question

def check_slot(attempt, user, position, form, now=None):
    """Practice with instant feedback: save this question's answer, grade it and lock it."""
    now = now or utcnow()
    if not attempt.quiz.instant_feedback:
        raise AnswerRefused("forged", field="check")
    save_answers(attempt, user, form, now)
    attempt = db.session.get(Attempt, attempt.id)
    slot = slots_at(attempt, [position])
    if not slot:
        raise AnswerRefused("unknown_slot", positions=[position])
    slot = slot[0]
    if slot.checked_at is None:
        grading.grade_slot(attempt, slot, grading.question_of(grading.scoring_version(slot)))
        slot.checked_at = now
        db.session.flush()
    return slot
