"""The competency model (4 aspects, 12 categories, behavioural indicators on a 4-step scale) and
the certification tracks with each level's target proficiency per category.

All of it is content: `kamtrain content sync` loads it from content/competency.yaml and
content/tracks.yaml, matching rows by their codes so ids stay stable across syncs.

``Evidence`` is not content: it is what each trainee has shown, category by category (graded quiz
and exam answers, marked essays, scenario runs, self- and leader assessments, observations).
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kamtrain.core.db import db, utcnow


class ProficiencyStep(db.Model):
    """One step of the proficiency scale: 1 Foundation (what level 4 asks) … 4 Expert (level 1)."""

    __tablename__ = "proficiency_steps"

    value: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(40))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self):
        return f"<ProficiencyStep {self.value}>"


class Aspect(db.Model):
    __tablename__ = "competency_aspects"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column()
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    motto_zh: Mapped[str] = mapped_column(String(200), default="")
    motto_en: Mapped[str] = mapped_column(String(200), default="")

    categories: Mapped[list["Category"]] = relationship(back_populates="aspect", order_by="Category.number")

    def __repr__(self):
        return f"<Aspect {self.code}>"


class Category(db.Model):
    """One of the 12 competency categories (e.g. 顾问式销售 consultative selling)."""

    __tablename__ = "competency_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    number: Mapped[int] = mapped_column(unique=True)  # 1…12 as in the model
    aspect_id: Mapped[int] = mapped_column(ForeignKey("competency_aspects.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")

    aspect: Mapped[Aspect] = relationship(back_populates="categories")
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="category", order_by="(Indicator.step, Indicator.position)"
    )

    def __repr__(self):
        return f"<Category {self.number} {self.code}>"

    def indicators_at(self, step):
        return [i for i in self.indicators if i.step == step]


class Indicator(db.Model):
    """An observable behaviour that shows a category at a proficiency step."""

    __tablename__ = "competency_indicators"
    __table_args__ = (
        UniqueConstraint("category_id", "step", "position"),
        CheckConstraint("step BETWEEN 1 AND 4", name="step_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("competency_categories.id"), index=True)
    step: Mapped[int] = mapped_column()  # proficiency step 1…4
    position: Mapped[int] = mapped_column()
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    retired: Mapped[bool] = mapped_column(default=False)  # dropped from the file; kept for old assessments

    category: Mapped[Category] = relationship(back_populates="indicators")

    def __repr__(self):
        return f"<Indicator {self.category_id}/{self.step}/{self.position}>"


class TrackLevel(db.Model):
    """A certification level of a track, e.g. 大客户销售经理 三级."""

    __tablename__ = "track_levels"
    __table_args__ = (
        UniqueConstraint("track", "level"),
        CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    track: Mapped[str] = mapped_column(ForeignKey("tracks.code"))
    level: Mapped[int] = mapped_column()  # 4 entry … 1 expert
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")

    targets: Mapped[list["LevelTarget"]] = relationship(
        back_populates="track_level", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self):
        return f"<TrackLevel {self.track}-{self.level}>"

    def target_for(self, category_code):
        for t in self.targets:
            if t.category.code == category_code:
                return t.proficiency
        return None


class TrackInfo(db.Model):
    """A track's names and description."""

    __tablename__ = "tracks"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self):
        return f"<TrackInfo {self.code}>"


class LevelTarget(db.Model):
    """The proficiency a track level expects in one category (the gap report's target profile)."""

    __tablename__ = "level_targets"

    track_level_id: Mapped[int] = mapped_column(ForeignKey("track_levels.id"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("competency_categories.id"), primary_key=True)
    proficiency: Mapped[int] = mapped_column()  # 1…4

    track_level: Mapped[TrackLevel] = relationship(back_populates="targets")
    category: Mapped[Category] = relationship(lazy="joined")


EVIDENCE_KINDS = ("quiz", "exam", "essay", "scenario", "self", "leader", "observation")


class Evidence(db.Model):
    """One piece of competency evidence: a score 0…1 a trainee showed in one category, with its weight,
    date and source. Gap reports aggregate it; every graded exam or quiz answer writes one row (a
    regrade or a re-marking updates that row: one row per source and category)."""

    __tablename__ = "competency_evidence"
    __table_args__ = (
        UniqueConstraint("source_kind", "source_id", "category_id"),
        CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
        CheckConstraint("source_kind IN ('quiz', 'exam', 'essay', 'scenario', 'self', 'leader', 'observation')",
                        name="source_kind"),
        # Covers the gap reports' GROUP BY user, category (and a trainee's trend by date): the sums are
        # read from the index alone (kamtrain/competency/profiles.py). The id, the newest of which is
        # the fingerprint of a trainee's evidence, is in every SQLite index and INCLUDEd on PostgreSQL.
        Index("ix_competency_evidence_profile", "user_id", "category_id", "occurred_at", "profile_weight",
              "profile_points", "score", postgresql_include=["id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the trainee
    category_id: Mapped[int] = mapped_column(ForeignKey("competency_categories.id"), index=True)
    score: Mapped[float] = mapped_column()  # 0…1
    weight: Mapped[float] = mapped_column(default=1.0)  # e.g. the question's marks
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)  # when it was shown (not recorded)
    source_kind: Mapped[str] = mapped_column(String(20))  # one of EVIDENCE_KINDS
    source_id: Mapped[int | None] = mapped_column()  # e.g. attempt_slots.id for quiz, exam and essay
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # a marker, leader or observer
    note: Mapped[str] = mapped_column(String(255), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # weight × source weight × recency growth, and that × score: kept up to date on every insert and
    # update by set_profile_weights below (the method: kamtrain/competency/proficiency.py)
    profile_weight: Mapped[float] = mapped_column()
    profile_points: Mapped[float] = mapped_column()

    category: Mapped[Category] = relationship()

    def __repr__(self):
        return f"<Evidence user={self.user_id} {self.category_id} {self.score:.2f} {self.source_kind}:{self.source_id}>"


@event.listens_for(Evidence, "before_insert")
@event.listens_for(Evidence, "before_update")
def set_profile_weights(mapper, connection, row):
    """Whoever writes evidence (grading, scenario runs, assessments), the stored weights follow."""
    from kamtrain.competency.proficiency import stored_weights

    if row.occurred_at is None:
        row.occurred_at = utcnow()
    if row.weight is None:
        row.weight = 1.0
    row.profile_weight, row.profile_points = stored_weights(row.weight, row.source_kind, row.occurred_at, row.score)
