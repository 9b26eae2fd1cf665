"""Quizzes and exams: what a trainee may attempt, and who it is assigned to.

A ``Quiz`` is either a **practice** quiz (per course module or per competency category, open to
every trainee, instant feedback per question) or a **certification exam** for a syllabus (a
sitting: the syllabus's blueprint, time limit, attempt limit, waiting period, pass mark, window and
review policy, assigned to trainees or whole teams by a trainer or a team leader).

The blueprint says how many questions of each competency category and difficulty an attempt
draws: ``[{"category": "information", "easy": 2, "medium": 1, "hard": 0}]``; a practice quiz uses
``"any"`` (any difficulty) instead.
"""

from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kamtrain.core.db import db, utcnow
from kamtrain.core.errors import DomainError

PRACTICE = "practice"
EXAM = "exam"

REVIEW_POLICIES = ("immediate", "after_close", "never")
LAYOUTS = ("paged", "single")  # one question per screen | all on one page
DIFFICULTY_KEYS = (("easy", 1), ("medium", 2), ("hard", 3))


class Quiz(db.Model):
    __tablename__ = "quizzes"
    __table_args__ = (
        CheckConstraint("kind IN ('practice', 'exam')", name="kind"),
        CheckConstraint("review_policy IN ('immediate', 'after_close', 'never')", name="review_policy"),
        CheckConstraint("layout IN ('paged', 'single')", name="layout"),
        CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)  # practice-category-<c>, exam-sales-4-1 …
    kind: Mapped[str] = mapped_column(String(10))
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    syllabus_id: Mapped[int | None] = mapped_column(ForeignKey("syllabi.id"), index=True)  # exams
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"), index=True)  # practice per module
    category_id: Mapped[int | None] = mapped_column(ForeignKey("competency_categories.id"), index=True)
    # the track and level questions are drawn for (levels nearest to it are preferred)
    track: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[int | None] = mapped_column()
    blueprint: Mapped[list] = mapped_column(db.JSON)  # [{"category", "easy", "medium", "hard", "any"}]
    time_limit_minutes: Mapped[int | None] = mapped_column()  # None: untimed
    max_attempts: Mapped[int | None] = mapped_column()  # None: unlimited
    wait_days: Mapped[int] = mapped_column(default=0)  # between two attempts
    pass_mark: Mapped[int] = mapped_column(default=60)  # percent
    opens_at: Mapped[datetime | None] = mapped_column()  # the window (UTC); None: always open
    closes_at: Mapped[datetime | None] = mapped_column()
    review_policy: Mapped[str] = mapped_column(String(12), default="never")
    instant_feedback: Mapped[bool] = mapped_column(default=False)  # practice: check each question at once
    layout: Mapped[str] = mapped_column(String(10), default="paged")
    active: Mapped[bool] = mapped_column(default=True)  # False: withdrawn, no new attempts
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    syllabus = relationship("Syllabus")
    module = relationship("Module")
    category = relationship("Category")
    assignments: Mapped[list["QuizAssignment"]] = relationship(
        back_populates="quiz", cascade="all, delete-orphan", order_by="QuizAssignment.id")

    def __repr__(self):
        return f"<Quiz {self.code}>"

    @property
    def is_exam(self):
        return self.kind == EXAM

    @property
    def question_count(self):
        return sum(blueprint_row_total(row) for row in self.blueprint or [])

    def window_state(self, now=None):
        """'not_open', 'open' or 'closed'."""
        now = now or utcnow()
        if self.opens_at and now < self.opens_at:
            return "not_open"
        if self.closes_at and now >= self.closes_at:
            return "closed"
        return "open"

    def deadline_for(self, started_at):
        """When an attempt started at ``started_at`` must end: the time limit, cut at the window's close."""
        ends = []
        if self.time_limit_minutes:
            ends.append(started_at + timedelta(minutes=self.time_limit_minutes))
        if self.closes_at:
            ends.append(self.closes_at)
        return min(ends) if ends else None

    def review_open(self, now=None):
        """May a finished attempt show its answers, marks and feedback?"""
        if self.review_policy == "immediate":
            return True
        if self.review_policy == "after_close":
            return self.closes_at is not None and (now or utcnow()) >= self.closes_at
        return False


def blueprint_row_total(row):
    return sum(int(row.get(key) or 0) for key in ("easy", "medium", "hard", "any"))


class QuizAssignment(db.Model):
    """An exam assigned to one trainee or to a whole team (its members at the time of the attempt)."""

    __tablename__ = "quiz_assignments"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id"),
        UniqueConstraint("quiz_id", "team_id"),
        CheckConstraint("(user_id IS NULL) <> (team_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    quiz: Mapped[Quiz] = relationship(back_populates="assignments")
    user = relationship("User", foreign_keys=[user_id])
    team = relationship("Team")
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])

    def __repr__(self):
        target = f"user={self.user_id}" if self.user_id else f"team={self.team_id}"
        return f"<QuizAssignment quiz={self.quiz_id} {target}>"


class QuizRefused(DomainError):
    """An attempt may not start; ``code`` names the rule (see exam_messages.REFUSALS)."""

    def __init__(self, code, **details):
        super().__init__(code)
        self.code = code
        self.details = details
