"""Attempts at quizzes and exams, and their question slots.

An attempt draws its questions once, when it starts: one ``AttemptSlot`` per question, pinning the
``QuestionVersion`` that was shown (a later correction never changes what a trainee was asked) and
holding the trainee's response as last saved. Each answer is written the moment it is given, so a
reload, a lost connection or a killed app server loses nothing that was acknowledged.

States: ``in_progress`` → ``needs_marking`` (an essay waits for a trainer) → ``graded``; or
``in_progress`` → ``graded`` directly. Submission is a conditional UPDATE on the state (see
delivery.submit), so a double click or a retry grades once.
"""

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kamtrain.assessment.quizzes import Quiz
from kamtrain.core.db import db, utcnow

IN_PROGRESS = "in_progress"
NEEDS_MARKING = "needs_marking"
GRADED = "graded"
FINISHED_STATES = (NEEDS_MARKING, GRADED)


class JSONText(TypeDecorator):
    """Any JSON value (also a bare number or ``true``) kept as text; SQL NULL for None.

    A JSON column is no good for a bare number on SQLite: the column's numeric affinity turns the
    text '2' into the integer 2, which then does not read back as JSON."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(value)


class Attempt(db.Model):
    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        CheckConstraint("state IN ('in_progress', 'needs_marking', 'graded')", name="state"),
        Index(None, "state", "deadline"),
        Index(None, "user_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    number: Mapped[int] = mapped_column()  # 1 for the user's first attempt at this quiz (item analysis uses it)
    seed: Mapped[int] = mapped_column()  # shuffles options and matching choices, per slot
    state: Mapped[str] = mapped_column(String(16), default=IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column()  # enforced on the server; None: untimed
    activity_at: Mapped[datetime | None] = mapped_column()  # last answer saved
    submitted_at: Mapped[datetime | None] = mapped_column()
    closed_by: Mapped[str | None] = mapped_column(String(10))  # trainee | deadline
    score: Mapped[float | None] = mapped_column()  # marks earned (graded slots)
    max_score: Mapped[float] = mapped_column(default=0.0)  # marks available
    percent: Mapped[float | None] = mapped_column()  # score ÷ max_score × 100, once fully graded
    passed: Mapped[bool | None] = mapped_column()  # None until fully graded

    quiz: Mapped[Quiz] = relationship()
    user = relationship("User")
    slots: Mapped[list["AttemptSlot"]] = relationship(
        back_populates="attempt", order_by="AttemptSlot.position", cascade="all, delete-orphan")

    def __repr__(self):
        return f"<Attempt {self.id} quiz={self.quiz_id} user={self.user_id} #{self.number} {self.state}>"

    @property
    def in_progress(self):
        return self.state == IN_PROGRESS

    @property
    def finished(self):
        return self.state in FINISHED_STATES

    def is_overdue(self, now=None):
        return self.in_progress and self.deadline is not None and (now or utcnow()) >= self.deadline

    def seconds_left(self, now=None):
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - (now or utcnow())).total_seconds()))


class AttemptSlot(db.Model):
    """One question of an attempt: the version shown, the response as last saved, the mark."""

    __tablename__ = "attempt_slots"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))  # unique above
    position: Mapped[int] = mapped_column()  # 1 … n, the question number
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)  # what was asked
    # the corrected version that scored it after a regrade; None: version_id scored it
    graded_version_id: Mapped[int | None] = mapped_column(ForeignKey("question_versions.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("competency_categories.id"))  # at draw time
    difficulty: Mapped[int | None] = mapped_column()
    mark: Mapped[float] = mapped_column(default=1.0)  # marks available (the question's default mark)
    response: Mapped[object | None] = mapped_column(JSONText)  # as questions.grade takes it (bank indexes)
    # the response in one comparable string (option index, "0,2", true/false, text), for item statistics
    answer_key: Mapped[str | None] = mapped_column(String(255))
    # which page load saved it and that page's save counter: a late, older save from the same page never wins
    page_token: Mapped[str | None] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(default=0)
    saved_at: Mapped[datetime | None] = mapped_column()
    checked_at: Mapped[datetime | None] = mapped_column()  # practice: checked (and locked) at once
    fraction: Mapped[float | None] = mapped_column()  # 0…1 once graded
    earned: Mapped[float | None] = mapped_column()  # fraction × mark
    needs_marking: Mapped[bool] = mapped_column(default=False)  # an essay waiting for a trainer
    marker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime | None] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")  # the marker's comment to the trainee

    attempt: Mapped[Attempt] = relationship(back_populates="slots")
    version = relationship("QuestionVersion", foreign_keys=[version_id])
    category = relationship("Category")
    marker = relationship("User", foreign_keys=[marker_id])

    def __repr__(self):
        return f"<AttemptSlot {self.attempt_id}/{self.position} v{self.version_id}>"

    @property
    def answered(self):
        return self.response is not None
