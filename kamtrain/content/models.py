"""Course modules, the certification syllabi, and each trainee's progress through modules."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kamtrain.competency.models import Category
from kamtrain.core.db import db, utcnow

if TYPE_CHECKING:
    from kamtrain.accounts.models import User


class ModuleCategory(db.Model):
    """A competency category a module teaches; position 0 is the module's primary category."""

    __tablename__ = "module_categories"

    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("competency_categories.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column()

    category: Mapped[Category] = relationship(lazy="joined")


class ModulePrerequisite(db.Model):
    __tablename__ = "module_prerequisites"

    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True)
    prerequisite_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), primary_key=True)


class Module(db.Model):
    """A course module: teaching text in Markdown (rendered and sanitised once, at sync) with its
    objectives and a three-question self-check."""

    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)  # the file name, e.g. market-forecast-methods
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    summary_zh: Mapped[str] = mapped_column(Text)
    summary_en: Mapped[str] = mapped_column(Text)
    minutes: Mapped[int] = mapped_column()  # estimated study time
    tracks: Mapped[list] = mapped_column(db.JSON)  # ["sales", "marketing"]
    levels: Mapped[list] = mapped_column(db.JSON)  # certification levels served, e.g. [4, 3]
    objectives: Mapped[list] = mapped_column(db.JSON)  # [{"zh": …, "en": …}]
    sources: Mapped[list] = mapped_column(db.JSON)  # source documents it is traceable to
    self_check: Mapped[list] = mapped_column(db.JSON)  # [{"question", "options", "answer", "explanation"}]
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # sanitised HTML rendered from body_markdown
    search_text: Mapped[str] = mapped_column(Text)  # titles, summary and body as plain text, for search
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the source file
    retired: Mapped[bool] = mapped_column(default=False)  # gone from content/; kept for progress history
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    category_links: Mapped[list[ModuleCategory]] = relationship(
        order_by=ModuleCategory.position, cascade="all, delete-orphan", lazy="selectin")
    prerequisites: Mapped[list["Module"]] = relationship(
        secondary="module_prerequisites", primaryjoin="Module.id == ModulePrerequisite.module_id",
        secondaryjoin="Module.id == ModulePrerequisite.prerequisite_id", order_by="Module.code")

    def __repr__(self):
        return f"<Module {self.code}>"

    @property
    def categories(self):
        return [link.category for link in self.category_links]

    @property
    def primary_category(self):
        return self.category_links[0].category if self.category_links else None


class SyllabusModule(db.Model):
    __tablename__ = "syllabus_modules"

    syllabus_id: Mapped[int] = mapped_column(ForeignKey("syllabi.id", ondelete="CASCADE"), primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column()

    module: Mapped[Module] = relationship(lazy="joined")


class Syllabus(db.Model):
    """The certification syllabus of one track level: what to learn, the exam, the scenarios."""

    __tablename__ = "syllabi"
    __table_args__ = (UniqueConstraint("track", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. sales-4
    track: Mapped[str] = mapped_column(ForeignKey("tracks.code"))
    level: Mapped[int] = mapped_column()
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    audience_zh: Mapped[str] = mapped_column(Text)
    audience_en: Mapped[str] = mapped_column(Text)
    prerequisites_zh: Mapped[str] = mapped_column(Text)
    prerequisites_en: Mapped[str] = mapped_column(Text)
    requires_id: Mapped[int | None] = mapped_column(ForeignKey("syllabi.id"))  # the level below
    exam: Mapped[dict] = mapped_column(db.JSON)  # duration_minutes, pass_mark, max_attempts, wait_days, blueprint
    required_scenarios: Mapped[list] = mapped_column(db.JSON)  # scenario ids
    validity_months: Mapped[int] = mapped_column()
    award: Mapped[str] = mapped_column(String(20))  # auto | hr_approval

    requires: Mapped["Syllabus | None"] = relationship(remote_side=[id])
    module_links: Mapped[list[SyllabusModule]] = relationship(
        order_by=SyllabusModule.position, cascade="all, delete-orphan", lazy="selectin")

    def __repr__(self):
        return f"<Syllabus {self.code}>"

    @property
    def modules(self):
        return [link.module for link in self.module_links]

    @property
    def exam_questions(self):
        return sum(row["easy"] + row["medium"] + row["hard"] for row in self.exam["blueprint"])


class ModuleProgress(db.Model):
    """One trainee's reading of one module: when started and completed, time spent, self-check."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column()
    seconds_spent: Mapped[int] = mapped_column(default=0)  # reading time reported by the page, capped per visit
    self_check_correct: Mapped[int | None] = mapped_column()  # best number of self-check answers right
    last_active_at: Mapped[datetime | None] = mapped_column()  # last reading heartbeat, self-check or completion

    module: Mapped[Module] = relationship()

    def __repr__(self):
        return f"<ModuleProgress user={self.user_id} module={self.module_id}>"


class ModuleVersion(db.Model):
    """One saved state of a module's editable fields: a trainer's web edit ("web", with its author)
    or a changed module file seen by ``content sync`` ("file", no author). Numbered 1, 2, … per module."""

    __tablename__ = "module_versions"
    __table_args__ = (UniqueConstraint("module_id", "number"),
                      CheckConstraint("source IN ('web', 'file')", name="source_kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # NULL: file sync
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(10))  # web | file
    note: Mapped[str] = mapped_column(String(200), default="")
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    summary_zh: Mapped[str] = mapped_column(Text)
    summary_en: Mapped[str] = mapped_column(Text)
    minutes: Mapped[int] = mapped_column()
    objectives: Mapped[list] = mapped_column(db.JSON)  # [{"zh": …, "en": …}]
    body_markdown: Mapped[str] = mapped_column(Text)
    file_hash: Mapped[str | None] = mapped_column(String(64))  # sha256 of the module file (file versions)

    module: Mapped[Module] = relationship()
    author: Mapped["User | None"] = relationship()

    def __repr__(self):
        return f"<ModuleVersion {self.module_id} v{self.number} {self.source}>"
