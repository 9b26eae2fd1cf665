"""Scenarios in the database: the files as synced (one row per scenario, one per version of its file),
the trainees' runs with every step, and trainers' marks of free-text replies.

A run pins the version it started on, so a changed file never corrupts a running or finished run:
its state is rebuilt by replaying its recorded steps with the engine on that version's definition.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kamtrain.core.db import db, utcnow

if TYPE_CHECKING:
    from kamtrain.accounts.models import User


class ScenarioRecord(db.Model):
    """A scenario file as last synced: what lists and filters need, and the current version."""

    __tablename__ = "scenarios"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # the file name, e.g. bank-price-sla-negotiation
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    tracks: Mapped[list] = mapped_column(db.JSON)  # ["sales", …]
    levels: Mapped[list] = mapped_column(db.JSON)  # [4, 3]
    categories: Mapped[list] = mapped_column(db.JSON)  # category codes it assesses
    minutes: Mapped[int | None] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the current file
    version: Mapped[int] = mapped_column()  # the current version's number
    retired: Mapped[bool] = mapped_column(default=False)  # the file is gone: no new runs; history kept
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list["ScenarioVersion"]] = relationship(back_populates="scenario",
                                                             order_by="ScenarioVersion.number")

    def __repr__(self):
        return f"<ScenarioRecord {self.id} v{self.version}>"

    @property
    def current(self):
        return next((v for v in self.versions if v.number == self.version), None)


class ScenarioVersion(db.Model):
    """One version of a scenario file: its parsed definition as JSON (see store.py), numbered 1, 2, …"""

    __tablename__ = "scenario_versions"
    __table_args__ = (UniqueConstraint("scenario_id", "number"), UniqueConstraint("scenario_id", "content_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id"), index=True)
    number: Mapped[int] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict] = mapped_column(db.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    scenario: Mapped[ScenarioRecord] = relationship(back_populates="versions")

    def __repr__(self):
        return f"<ScenarioVersion {self.scenario_id} v{self.number}>"


class ScenarioRun(db.Model):
    """One play of a scenario by a trainee. The steps are the truth; the columns after ``node`` are a
    summary kept in step with them (for lists, statistics and the pass rule in results.py)."""

    __tablename__ = "scenario_runs"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),
        CheckConstraint("quality IS NULL OR quality IN ('good', 'mixed', 'poor')", name="quality"),
        Index(None, "user_id", "scenario_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id"), index=True)
    level: Mapped[int | None] = mapped_column()  # the level the trainee worked towards at the start (statistics)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    node: Mapped[str] = mapped_column(String(40))  # where the run waits (a decision, free text or the ending)
    steps_count: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str | None] = mapped_column(String(20))  # the ending's outcome, once finished
    quality: Mapped[str | None] = mapped_column(String(10))  # the ending's quality: good | mixed | poor
    points: Mapped[int | None] = mapped_column()  # decision points scored (finished runs)
    best_points: Mapped[int | None] = mapped_column()  # the best achievable at the decisions met
    percent: Mapped[int | None] = mapped_column()  # 0–100
    passed: Mapped[bool] = mapped_column(default=False)  # results.run_passes

    user: Mapped["User"] = relationship()
    scenario: Mapped[ScenarioRecord] = relationship()
    version: Mapped[ScenarioVersion] = relationship()
    steps: Mapped[list["ScenarioStep"]] = relationship(back_populates="run", order_by="ScenarioStep.position",
                                                      cascade="all, delete-orphan")

    def __repr__(self):
        return f"<ScenarioRun {self.id} user={self.user_id} {self.scenario_id}>"

    @property
    def finished(self):
        return self.finished_at is not None


class ScenarioStep(db.Model):
    """One choice of a run, with its time: a response id at a decision, or ``text`` and the reply at a
    free-text node. A free-text step also carries its final mark (see marking.py)."""

    __tablename__ = "scenario_steps"
    __table_args__ = (UniqueConstraint("run_id", "position"), Index(None, "node", "choice"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scenario_runs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()  # 0, 1, 2 … in the order played
    node: Mapped[str] = mapped_column(String(40))
    choice: Mapped[str] = mapped_column(String(40))  # response id, or "text"
    text: Mapped[str | None] = mapped_column(Text)  # the free-text reply
    at: Mapped[datetime] = mapped_column(default=utcnow)
    final_points: Mapped[float | None] = mapped_column()  # free text: the reply's final mark
    disagreement: Mapped[bool] = mapped_column(default=False)  # free text: two marks too far apart

    run: Mapped[ScenarioRun] = relationship(back_populates="steps")
    marks: Mapped[list["ReplyMark"]] = relationship(back_populates="step", order_by="ReplyMark.marked_at",
                                                    cascade="all, delete-orphan")

    def __repr__(self):
        return f"<ScenarioStep run={self.run_id} #{self.position} {self.node}.{self.choice}>"


class ReplyMark(db.Model):
    """One trainer's mark of a free-text reply against its rubric (points per criterion)."""

    __tablename__ = "scenario_reply_marks"
    __table_args__ = (UniqueConstraint("step_id", "marker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("scenario_steps.id", ondelete="CASCADE"), index=True)
    marker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    criteria: Mapped[list] = mapped_column(db.JSON)  # points awarded per rubric criterion, in order
    points: Mapped[int] = mapped_column()  # their sum
    comment: Mapped[str] = mapped_column(Text, default="")
    decisive: Mapped[bool] = mapped_column(default=False)  # a third marker settling a disagreement
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)

    step: Mapped[ScenarioStep] = relationship(back_populates="marks")
    marker: Mapped["User"] = relationship()

    def __repr__(self):
        return f"<ReplyMark step={self.step_id} by={self.marker_id} {self.points}>"
