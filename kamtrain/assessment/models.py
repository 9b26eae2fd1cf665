"""The question bank: a category tree (Moodle-style paths), questions with their versions, tags and
files, and imports waiting for a trainer's confirmation.

A question is an identity (idnumber, category, competency category, level, difficulty, tags); what
it asks and how it is scored lives in its versions. Every edit adds a version, and attempts point
at the version they showed, so a correction never changes what a trainee was asked.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kamtrain.competency.models import Category
from kamtrain.core.db import db, utcnow


class QuestionCategory(db.Model):
    """A folder of the bank, e.g. ``top/kamtrain/information`` (path segments separated by ``/``)."""

    __tablename__ = "question_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("question_categories.id"), index=True)
    info: Mapped[str] = mapped_column(Text, default="")

    @property
    def name(self):
        from kamtrain.assessment.formats.common import split_category_path

        return split_category_path(self.path)[-1]

    @property
    def depth(self):
        from kamtrain.assessment.formats.common import split_category_path

        return len(split_category_path(self.path)) - 1

    def __repr__(self):
        return f"<QuestionCategory {self.path}>"


class QuestionTag(db.Model):
    __tablename__ = "question_tags"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class Question(db.Model):
    """A question in the bank. ``qtype``, ``name`` and ``latest_version`` mirror the newest version so
    that lists need no join; the competency category, tracks, levels and difficulty drive exam
    blueprints and competency evidence."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("question_categories.id"), index=True)
    idnumber: Mapped[str | None] = mapped_column(String(100), unique=True)
    qtype: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(255))
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competency_categories.id"), index=True)
    tracks: Mapped[list] = mapped_column(db.JSON, default=list)  # ["sales", "marketing"]; empty = both
    levels: Mapped[list] = mapped_column(db.JSON, default=list)  # certification levels, e.g. [4, 3]
    difficulty: Mapped[int | None] = mapped_column()  # 1 easy, 2 medium, 3 hard
    latest_version: Mapped[int] = mapped_column(default=1)
    origin: Mapped[str] = mapped_column(String(20), default="import")  # content | import | web
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[QuestionCategory] = relationship(lazy="joined")
    competency: Mapped[Category | None] = relationship(lazy="joined")
    tag_rows: Mapped[list[QuestionTag]] = relationship(
        order_by=QuestionTag.tag, cascade="all, delete-orphan", lazy="selectin")

    @property
    def tags(self):
        return [row.tag for row in self.tag_rows]

    def __repr__(self):
        return f"<Question {self.idnumber or self.id} v{self.latest_version}>"


class QuestionVersion(db.Model):
    """What a question asked at one point: the full interchange data (see assessment/questions.py)."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))  # unique below
    number: Mapped[int] = mapped_column()
    qtype: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)  # the stem, kept apart for search
    data: Mapped[dict] = mapped_column(db.JSON)  # answers, pairs, fields, feedback, marks…
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(255), default="")  # "question_banks/01-x.gift:12", "web"…
    note: Mapped[str] = mapped_column(String(255), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship()
    author = relationship("User")


class QuestionFile(db.Model):
    """An image or other file a version's text refers to as ``@@PLUGINFILE@@/name``."""

    __tablename__ = "question_files"

    version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id", ondelete="CASCADE"),
                                            primary_key=True)
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PendingImport(db.Model):
    """An uploaded file between the preview and the trainer's confirmation. Kept in the database (not
    in a worker's memory) so that any app server can finish the import."""

    __tablename__ = "pending_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(20))  # as asked: auto | gift | moodlexml | aiken
    category: Mapped[str | None] = mapped_column(String(500))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    report: Mapped[dict] = mapped_column(db.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column()

