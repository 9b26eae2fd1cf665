"""Writing questions into the bank and reading them back as interchange ``Question`` objects.

Imports are all-or-nothing: ``import_files`` parses every file first and stores nothing when any
file has an error. A question is matched by its idnumber; an unchanged question is left alone, a
changed one gets a new version (attempts keep the version they showed).

Bulk writes use SQLAlchemy Core ``insert`` with executemany — a 10,000-question file is one
statement per table, not 10,000 ORM objects (see bench/import_bank.py).
"""

import base64
import contextlib
import dataclasses
import functools
import gc
import hashlib
import mimetypes

import orjson
from sqlalchemy import JSON, insert

from kamtrain.assessment import questions as qmodel
from kamtrain.assessment.formats import parse
from kamtrain.assessment.formats.common import assemble_category_path, normalise_category, split_category_path
from kamtrain.assessment.models import (
    Question,
    QuestionCategory,
    QuestionFile,
    QuestionTag,
    QuestionVersion,
)
from kamtrain.competency.models import Category
from kamtrain.config import json_dumps
from kamtrain.core.db import db, utcnow

#: Question fields kept on the bank row rather than in a version.
IDENTITY_FIELDS = ("category", "idnumber", "tags", "files", "line")


# ------------------------------------------------------------------------------ data conversion

_VERSION_FIELDS = tuple(f.name for f in dataclasses.fields(qmodel.Question) if f.name not in IDENTITY_FIELDS)
_NESTED = ("answers", "pairs", "units")


def version_data(question: qmodel.Question) -> dict:
    """The JSON a version stores: everything that defines what is asked and how it is scored.
    (What ``dataclasses.asdict`` gives, written out because imports do this 10,000 times.)"""
    data = {name: getattr(question, name) for name in _VERSION_FIELDS}
    for name in _NESTED:
        data[name] = [dict(vars(item)) for item in data[name]]
    data["fields"] = [{**vars(f), "answers": [dict(vars(a)) for a in f.answers]} for f in question.fields]
    return data


def content_hash(data: dict) -> str:
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)).hexdigest()


def to_question(row: Question, version: QuestionVersion, files=None) -> qmodel.Question:
    """The interchange object for one stored version (files loaded only when asked for)."""
    data = dict(version.data)
    data["answers"] = [qmodel.Answer(**a) for a in data.get("answers", [])]
    data["pairs"] = [qmodel.MatchPair(**p) for p in data.get("pairs", [])]
    data["units"] = [qmodel.Unit(**u) for u in data.get("units", [])]
    data["fields"] = [qmodel.ClozeField(**{**f, "answers": [qmodel.Answer(**a) for a in f.get("answers", [])]})
                      for f in data.get("fields", [])]
    known = {f.name for f in dataclasses.fields(qmodel.Question)}
    data = {k: v for k, v in data.items() if k in known}
    return qmodel.Question(**data, category=row.category.path, idnumber=row.idnumber, tags=list(row.tags),
                           files=dict(files or {}))


def current_version(row: Question) -> QuestionVersion:
    return db.session.scalar(db.select(QuestionVersion).filter_by(question_id=row.id, number=row.latest_version))


def load_questions(rows, with_files=True):
    """Interchange objects for the latest versions of ``rows``, in the same order."""
    rows = list(rows)
    if not rows:
        return []
    versions = {}
    for chunk in _chunks([r.id for r in rows], 500):
        for v in db.session.scalars(db.select(QuestionVersion).join(Question).where(
                Question.id.in_(chunk), QuestionVersion.number == Question.latest_version)):
            versions[v.question_id] = v
    files = {}
    if with_files:
        version_ids = [v.id for v in versions.values()]
        for chunk in _chunks(version_ids, 500):
            for f in db.session.scalars(db.select(QuestionFile).where(QuestionFile.version_id.in_(chunk))):
                files.setdefault(f.version_id, {})[f.name] = f.data
    return [to_question(r, versions[r.id], files.get(versions[r.id].id)) for r in rows]


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# ------------------------------------------------------------------------------ categories

def normalise_category_path(path: str | None) -> str:
    """``$course$/top/A/B`` → ``top/A/B``, as Moodle ≥ 3.5 files it (``//`` stays a literal slash)."""
    return normalise_category(path or "")


def category_names(path: str) -> list[str]:
    return split_category_path(path)


def parent_path(path: str) -> str | None:
    names = split_category_path(path)
    return assemble_category_path(names[:-1]) if len(names) > 1 else None


class CategoryCache:
    """Category rows by path, created with their parents on first use."""

    def __init__(self):
        self.by_path = {c.path: c for c in db.session.scalars(db.select(QuestionCategory))}
        self.by_written = {}  # the path as a file wrote it → row

    def get(self, written):
        if written in self.by_written:
            return self.by_written[written]
        path = normalise_category_path(written)
        if path in self.by_path:
            self.by_written[written] = self.by_path[path]
            return self.by_path[path]
        parent = self.get(parent_path(path)) if parent_path(path) else None
        row = QuestionCategory(path=path, parent_id=parent.id if parent else None)
        db.session.add(row)
        db.session.flush()
        self.by_path[path] = self.by_written[written] = row
        return row


def competency_code_for(question: qmodel.Question, codes) -> str | None:
    """kamtrain's convention: the category path names the competency category
    (``top/kamtrain/information``), or a tag ``competency-<code>`` does."""
    for tag in question.tags:
        if tag.startswith("competency-") and tag[len("competency-"):] in codes:
            return tag[len("competency-"):]
    return _competency_in_path(question.category, frozenset(codes))


@functools.lru_cache(maxsize=1024)
def _competency_in_path(path, codes):
    for segment in reversed(category_names(normalise_category_path(path))):
        if segment in codes:
            return segment
    return None


# ------------------------------------------------------------------------------ import

def import_files(sources, format="auto", category=None, dry_run=False, author=None, origin="import"):
    """Parse every ``(display_path, bytes)`` source; unless any has errors (or ``dry_run``), store all
    questions. Returns the CONTRACT §2 report dict; the caller commits."""
    with _no_gc_pauses():
        return _import_files(sources, format, category, dry_run, author, origin)


@contextlib.contextmanager
def _no_gc_pauses():
    """A 10,000-question file makes a few hundred thousand small objects that all stay alive until
    the end; the cyclic collector would scan them again and again (a third of the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_files(sources, format, category, dry_run, author, origin):
    parsed = [parse(data, path, format=format, category=category) for path, data in sources]
    report = {"files": [p.report() for p in parsed], "imported": 0, "dry_run": bool(dry_run)}
    if dry_run or any(p.errors for p in parsed):
        return report
    questions = [q for p in parsed for q in p.questions]
    duplicates = _duplicate_idnumbers(parsed)
    if duplicates:
        for file_report, problems in zip(report["files"], duplicates, strict=True):
            file_report["errors"].extend(problems)
        return report
    source_of = {id(q): f"{p.path}:{q.line}" if q.line else p.path for p in parsed for q in p.questions}
    stats = store_questions(questions, source_of=source_of, author=author, origin=origin)
    report["imported"] = stats["created"] + stats["updated"]
    report["created"], report["updated"], report["unchanged"] = stats["created"], stats["updated"], stats["unchanged"]
    return report


def _duplicate_idnumbers(parsed):
    """Per file, an error for each idnumber used twice across the import."""
    seen, problems = {}, []
    for p in parsed:
        mine = []
        for q in p.questions:
            if not q.idnumber:
                continue
            if q.idnumber in seen:
                mine.append({"line": q.line, "column": None, "question": q.name,
                             "message": f"idnumber {q.idnumber} is used twice (first at {seen[q.idnumber]})"})
            else:
                seen[q.idnumber] = f"{p.path}:{q.line}"
        problems.append(mine)
    return problems if any(problems) else None


def store_questions(questions, source_of=None, author=None, origin="import", note=""):
    """Create or version the given interchange questions. Returns counts and the rows' ids."""
    source_of = source_of or {}
    now = utcnow()
    categories = CategoryCache()
    codes = {c.code: c.id for c in db.session.scalars(db.select(Category))}
    by_idnumber = {}
    idnumbers = [q.idnumber for q in questions if q.idnumber]
    for chunk in _chunks(idnumbers, 500):
        for row in db.session.scalars(db.select(Question).where(Question.idnumber.in_(chunk))):
            by_idnumber[row.idnumber] = row
    latest_hash = {}
    if by_idnumber:
        ids = [r.id for r in by_idnumber.values()]
        for chunk in _chunks(ids, 500):
            latest_hash.update(db.session.execute(
                db.select(QuestionVersion.question_id, QuestionVersion.content_hash).join(Question).where(
                    Question.id.in_(chunk), QuestionVersion.number == Question.latest_version)).all())

    new_rows, new_payloads, version_rows, tag_rows, file_rows = [], [], [], [], []
    created = updated = unchanged = 0
    for q in questions:
        data = version_data(q)
        digest = content_hash({**data, "files": sorted(q.files)})
        meta = q.metadata()
        fields = {
            "category_id": categories.get(q.category).id,
            "qtype": q.qtype, "name": q.name[:255],
            "competency_id": codes.get(competency_code_for(q, codes)),
            "tracks": meta["tracks"], "levels": meta["levels"], "difficulty": meta["difficulty"],
            "updated_at": now,
        }
        existing = by_idnumber.get(q.idnumber) if q.idnumber else None
        if existing is None:
            new_rows.append({**fields, "idnumber": q.idnumber, "latest_version": 1, "origin": origin,
                             "retired": False, "created_at": now})
            new_payloads.append((q, data, digest))
            created += 1
            continue
        changed_identity = (existing.category_id, existing.competency_id, existing.tracks, existing.levels,
                            existing.difficulty, existing.retired) != (
            fields["category_id"], fields["competency_id"], fields["tracks"], fields["levels"],
            fields["difficulty"], False)
        if latest_hash.get(existing.id) == digest and sorted(existing.tags) == sorted(set(q.tags)):
            if changed_identity:
                _set_fields(existing, fields)
            unchanged += 1
            continue
        _set_fields(existing, fields)
        if latest_hash.get(existing.id) != digest:
            existing.latest_version += 1
            version_rows.append(_version_row(existing.id, existing.latest_version, q, data, digest,
                                             source_of.get(id(q), ""), author, note, now))
            file_rows.append((len(version_rows) - 1, q.files))
        existing.tag_rows = [QuestionTag(tag=t) for t in sorted(set(q.tags))]
        updated += 1
    db.session.flush()

    if new_rows:
        ids = _insert_returning_ids(Question.__table__, new_rows)
        for question_id, (q, data, digest) in zip(ids, new_payloads, strict=True):
            version_rows.append(_version_row(question_id, 1, q, data, digest, source_of.get(id(q), ""),
                                             author, note, now))
            if q.files:
                file_rows.append((len(version_rows) - 1, q.files))
            tag_rows.extend({"question_id": question_id, "tag": t} for t in sorted(set(q.tags)))
    if version_rows:
        version_ids = _insert_returning_ids(QuestionVersion.__table__, version_rows)
        files = [{"version_id": version_ids[i], "name": name, "data": blob,
                  "media_type": mimetypes.guess_type(name)[0] or "application/octet-stream"}
                 for i, named in file_rows for name, blob in named.items()]
        if files:
            _bulk_insert(QuestionFile.__table__, files)
    _bulk_insert(QuestionTag.__table__, tag_rows)
    db.session.expire_all()
    return {"created": created, "updated": updated, "unchanged": unchanged}


def _insert_returning_ids(table, rows):
    """Insert ``rows`` with one executemany and return their new ids in the order of ``rows``.

    PostgreSQL returns the ids in parameter order from SQLAlchemy's batched INSERT … RETURNING.
    SQLite cannot order RETURNING across a multi-row insert (SQLAlchemy would fall back to one
    statement per row), and needs none: inside our write transaction nobody else inserts, and SQLite
    gives each new row max(id) + 1, so our rows are exactly the last ``len(rows)`` ids, in order."""
    if db.session.get_bind().dialect.name != "sqlite":
        return db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                  rows).scalars().all()
    _bulk_insert(table, rows)
    ids = db.session.scalars(db.select(table.c.id).order_by(table.c.id.desc()).limit(len(rows))).all()
    return ids[::-1]


def _bulk_insert(table, rows):
    """One executemany of ``rows`` (dicts with the same keys) into ``table``.

    On SQLite straight through the driver — JSON columns serialised here, the way a bulk loader
    would — because SQLAlchemy's per-row parameter processing costs more than the insert itself
    (bench/import_bank.py); elsewhere a Core insert."""
    if not rows:
        return
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(insert(table), rows)
        return
    connection = db.session.connection()
    columns = list(rows[0])
    values = [list(row.values()) for row in rows]  # every row has the keys in the same order
    for index, name in enumerate(columns):
        column_type = table.c[name].type
        process = json_dumps if isinstance(column_type, JSON) else column_type.bind_processor(connection.dialect)
        if process is not None:  # JSON text, datetimes in SQLAlchemy's storage format
            for row in values:
                row[index] = process(row[index])
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    connection.exec_driver_sql(sql, [tuple(row) for row in values])


def _set_fields(row, fields):
    for key, value in fields.items():
        setattr(row, key, value)
    row.retired = False


def _version_row(question_id, number, q, data, digest, source, author, note, now):
    return {"question_id": question_id, "number": number, "qtype": q.qtype, "name": q.name[:255],
            "text": q.text, "data": data, "content_hash": digest, "source": source[:255],
            "note": note[:255], "author_id": author.id if author else None, "created_at": now}


# ------------------------------------------------------------------------------ edits

def save_edit(row: Question, edited: qmodel.Question, author, note="", **identity):
    """A trainer's edit. What is asked and scored goes into a new version when it changed (attempts keep
    the old one); the bank fields (category, tags, competency_id, tracks, levels, difficulty) change in place."""
    data = version_data(edited)
    current = current_version(row)
    files = dict(edited.files) or _files_of(current)
    digest = content_hash({**data, "files": sorted(files)})
    row.category_id = CategoryCache().get(edited.category).id
    row.tag_rows = [QuestionTag(tag=t) for t in sorted(set(edited.tags))]
    for key, value in identity.items():
        setattr(row, key, value)
    changed = current is None or current.content_hash != digest
    if changed:
        row.qtype, row.name, row.updated_at = edited.qtype, edited.name[:255], utcnow()
        row.latest_version += 1
        version = QuestionVersion(question_id=row.id, number=row.latest_version, qtype=edited.qtype,
                                  name=edited.name[:255], text=edited.text, data=data, content_hash=digest,
                                  source="web", note=note[:255], author=author)
        db.session.add(version)
        db.session.flush()
        for name, blob in files.items():
            db.session.add(QuestionFile(version_id=version.id, name=name, data=blob,
                                        media_type=mimetypes.guess_type(name)[0] or "application/octet-stream"))
    db.session.flush()
    return changed


def create_question(edited: qmodel.Question, author, **identity):
    """A question written in the web editor."""
    row = Question(category_id=CategoryCache().get(edited.category).id, idnumber=edited.idnumber or None,
                   qtype=edited.qtype, name=edited.name[:255], latest_version=0, origin="web", **identity)
    db.session.add(row)
    db.session.flush()
    save_edit(row, edited, author, note="created")
    return row


def _files_of(version):
    if version is None:
        return {}
    return {f.name: f.data for f in db.session.scalars(db.select(QuestionFile).filter_by(version_id=version.id))}


def data_uri(name, blob):
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"data:{media};base64,{base64.b64encode(blob).decode()}"


# ------------------------------------------------------------------------------ export

def in_category(path):
    """SQL condition: the category ``path`` or any category below it (``top/A//B`` is not below ``top/A``)."""
    below = QuestionCategory.path.startswith(path + "/", autoescape=True) & ~QuestionCategory.path.startswith(
        path + "//", autoescape=True)
    return (QuestionCategory.path == path) | below


def questions_in(category=None, include_retired=False):
    """Bank rows in a category and its subcategories (all when None), ordered by category then idnumber."""
    query = db.select(Question).join(QuestionCategory).order_by(QuestionCategory.path, Question.idnumber,
                                                                  Question.id)
    if category:
        path = normalise_category_path(category)
        query = query.where(in_category(path))
    if not include_retired:
        query = query.where(Question.retired.is_(False))
    return db.session.scalars(query).all()


def export_bank(format, category=None, include_retired=False):
    """(file bytes, number exported, names of questions that do not fit the format)."""
    from kamtrain.assessment.formats import export, exportable

    questions = load_questions(questions_in(category, include_retired))
    fitting = [q for q in questions if exportable(q, format)]
    skipped = [q.idnumber or q.name for q in questions if not exportable(q, format)]
    return export(fitting, format), len(fitting), skipped


def losses(question: qmodel.Question, format: str) -> list[str]:
    """What an export to ``format`` cannot carry for this question (Moodle XML carries everything).
    Re-importing such a file would make a new version without it, so exports say so."""
    if format == "moodlexml":
        return []
    lost = []
    if abs(question.default_mark - 1) > 1e-9:
        lost.append("mark")
    if question.qtype == "essay" and (question.grader_info or question.response_template):
        lost.append("rubric")
    if question.files:
        lost.append("files")
    if question.qtype == "numerical" and question.units:
        lost.append("units")
    if question.qtype == "multichoice" and (question.correct_feedback or question.partially_correct_feedback
                                            or question.incorrect_feedback):
        lost.append("combined feedback")
    if format in ("aiken", "qti3") and (question.general_feedback or any(a.feedback for a in question.answers)):
        lost.append("feedback")
    return lost
