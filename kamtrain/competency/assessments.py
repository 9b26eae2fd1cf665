"""Assessments against the behavioural indicators, and observations from customer visits.

A trainee assesses themself, or their team leader assesses them: for each category rated, the
step of the scale (1–4) whose indicators in content/competency.yaml describe the person best. A
leader also records what they saw on a real customer visit: the category, the step the behaviour
showed, and what happened. Each rating and each observation is written as competency evidence
(source ``self``, ``leader`` or ``observation``; see operations.py), so the gap reports weigh them
with every other piece (kamtrain/competency/proficiency.py).
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kamtrain.competency.models import Category, Indicator
from kamtrain.core.db import db, utcnow

ASSESSMENT_KINDS = ("self", "leader")


class Assessment(db.Model):
    __tablename__ = "competency_assessments"
    __table_args__ = (CheckConstraint("kind IN ('self', 'leader')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # the person assessed
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # themself, or their leader
    kind: Mapped[str] = mapped_column(String(10))  # self | leader
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User", foreign_keys=[user_id])
    assessor = relationship("User", foreign_keys=[assessor_id])
    ratings: Mapped[list["AssessmentRating"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="AssessmentRating.category_id")

    def __repr__(self):
        return f"<Assessment {self.id} {self.kind} user={self.user_id}>"


class AssessmentRating(db.Model):
    """One category of an assessment: the step whose indicators fit best (categories not judged are left out)."""

    __tablename__ = "competency_assessment_ratings"
    __table_args__ = (CheckConstraint("step BETWEEN 1 AND 4", name="step_range"),)

    assessment_id: Mapped[int] = mapped_column(ForeignKey("competency_assessments.id", ondelete="CASCADE"),
                                               primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("competency_categories.id"), primary_key=True)
    step: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(String(255), default="")

    assessment: Mapped[Assessment] = relationship(back_populates="ratings")
    category: Mapped[Category] = relationship(lazy="joined")


class Observation(db.Model):
    """A behaviour a leader saw on a customer visit (or a customer call), placed on the scale."""

    __tablename__ = "competency_observations"
    __table_args__ = (CheckConstraint("step BETWEEN 1 AND 4", name="step_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # the person observed
    observer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    observed_on: Mapped[date] = mapped_column()
    customer: Mapped[str] = mapped_column(String(120), default="")  # e.g. 某银行分行 — the visit
    category_id: Mapped[int] = mapped_column(ForeignKey("competency_categories.id"))
    step: Mapped[int] = mapped_column()  # the step of the scale the behaviour showed
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("competency_indicators.id"))  # the one seen, if any
    note: Mapped[str] = mapped_column(Text, default="")  # what happened
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    observer = relationship("User", foreign_keys=[observer_id])
    category: Mapped[Category] = relationship(lazy="joined")
    indicator: Mapped[Indicator | None] = relationship()

    def __repr__(self):
        return f"<Observation {self.id} user={self.user_id} cat={self.category_id} step={self.step}>"
