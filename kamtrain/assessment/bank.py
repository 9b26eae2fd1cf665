"""Writing questions into the bank and reading them back as interchange ``Question`` objects.

Imports are all-or-nothing: ``import_files`` parses every file first and stores nothing when any
file has an error. A question is matched by its idnumber; an unchanged question is left alone, a
changed one gets a new version (attempts keep the version they showed).

Bulk writes are one executemany per table, not 10,000 ORM objects (see bench/import_bank.py): new
rows are built as tuples already converted for the driver (``_Values``); what many questions share
(category, competency, levels, tracks, tags) is worked out once per distinct combination.
"""

import base64
import contextlib
import dataclasses
import functools
import gc
import hashlib
import mimetypes
import operator

import orjson
from sqlalchemy import JSON, DateTime, insert

from kamtrain.assessment import questions as qmodel
from kamtrain.assessment.formats import parse
from kamtrain.assessment.formats.common import (
    N_,
    Finding,
    Message,
    assemble_category_path,
    normalise_category,
    split_category_path,
)
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


_version_values = operator.itemgetter(*_VERSION_FIELDS)
_ALL_FIELDS = tuple(f.name for f in dataclasses.fields(qmodel.Question))


def version_data(question: qmodel.Question) -> dict:
    """The JSON a version stores: everything that defines what is asked and how it is scored.
    (What ``dataclasses.asdict`` gives, written out because imports do this 10,000 times.)"""
    attributes = question.__dict__
    if tuple(attributes) == _ALL_FIELDS:  # as __init__ left it: a copy without the bank's fields
        data = attributes.copy()
        for name in IDENTITY_FIELDS:
            del data[name]
    else:
        data = dict(zip(_VERSION_FIELDS, _version_values(attributes), strict=True))
    for name in _NESTED:
        items = data[name]
        data[name] = [item.__dict__.copy() for item in items] if items else []
    fields = data["fields"]
    data["fields"] = [{**vars(f), "answers": [a.__dict__.copy() for a in f.answers]} for f in fields] if fields else []
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
    return _competency_in_path(question.category, codes if isinstance(codes, frozenset) else frozenset(codes))


@functools.lru_cache(maxsize=1024)
def _competency_in_path(path, codes):
    for segment in reversed(category_names(normalise_category_path(path))):
        if segment in codes:
            return segment
    return None


# ------------------------------------------------------------------------------ import

def import_files(sources, format="auto", category=None, dry_run=False, author=None, origin="import",
                 translatable=False):
    """Parse every ``(display_path, bytes)`` source; unless any has errors (or ``dry_run``), store all
    questions. Returns the CONTRACT §2 report dict; the caller commits. ``translatable``: every
    finding also carries its message's ``template`` and ``params`` (see ``formats.common.Message``),
    so that a page can show it in the reader's language."""
    with _no_gc_pauses():
        return _import_files(sources, format, category, dry_run, author, origin, translatable)


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


def _import_files(sources, format, category, dry_run, author, origin, translatable):
    parsed = [parse(data, path, format=format, category=category) for path, data in sources]
    report = {"files": [p.report(translatable) for p in parsed], "imported": 0, "dry_run": bool(dry_run)}
    if dry_run or any(p.errors for p in parsed):
        return report
    questions = [q for p in parsed for q in p.questions]
    duplicates = _duplicate_idnumbers(parsed, translatable)
    if duplicates:
        for file_report, problems in zip(report["files"], duplicates, strict=True):
            file_report["errors"].extend(problems)
        return report
    source_of = {id(q): f"{p.path}:{q.line}" if q.line else p.path for p in parsed for q in p.questions}
    stats = store_questions(questions, source_of=source_of, author=author, origin=origin)
    report["imported"] = stats["created"] + stats["updated"]
    report["created"], report["updated"], report["unchanged"] = stats["created"], stats["updated"], stats["unchanged"]
    return report


def _duplicate_idnumbers(parsed, translatable=False):
    """Per file, an error for each idnumber used twice across the import."""
    idnumbers = [q.idnumber for p in parsed for q in p.questions if q.idnumber]
    if len(set(idnumbers)) == len(idnumbers):  # the usual case: none is, no need to say where each is
        return None
    seen, problems = {}, []
    for p in parsed:
        mine = []
        for q in p.questions:
            if not q.idnumber:
                continue
            if q.idnumber in seen:
                path, line = seen[q.idnumber]
                message = Message(N_("idnumber %(idnumber)s is used twice (first at %(first)s)"), idnumber=q.idnumber,
                                  first=f"{path}:{line}")
                mine.append(Finding(q.line, message, q.name).as_dict(translatable))
            else:
                seen[q.idnumber] = (p.path, q.line)
        problems.append(mine)
    return problems if any(problems) else None


def store_questions(questions, source_of=None, author=None, origin="import", note=""):
    """Create or version the given interchange questions. Returns counts and the rows' ids."""
    source_of = source_of or {}
    now = utcnow()
    categories = CategoryCache()
    codes = {c.code: c.id for c in db.session.scalars(db.select(Category))}
    code_set = frozenset(codes)
    by_idnumber, known = {}, []
    idnumbers = [q.idnumber for q in questions if q.idnumber]
    if idnumbers and db.session.get_bind().dialect.name == "sqlite":  # one statement, the list as a JSON array
        known = db.session.connection().exec_driver_sql(
            "SELECT id FROM questions WHERE idnumber IN (SELECT value FROM json_each(?))",
            (orjson.dumps(idnumbers).decode(),)).scalars().all()
    else:
        for chunk in _chunks(idnumbers, 2000):  # ids first (cheap), bank rows only for the ones there are
            known += db.session.scalars(db.select(Question.id).where(Question.idnumber.in_(chunk)))
    for chunk in _chunks(known, 500):
        for row in db.session.scalars(db.select(Question).where(Question.id.in_(chunk))):
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
    to_db = _Values()
    stamp, retired, get_category = to_db.datetime(now), to_db.value(Question.__table__.c.retired, False), categories.get
    bank_fields = {}  # (category, tags) → what the bank row takes from them; many questions share them
    for q in questions:
        data = version_data(q)
        data["files"] = sorted(q.files)  # part of the hash, not of the stored data
        digest = content_hash(data)
        del data["files"]
        existing = by_idnumber.get(q.idnumber) if q.idnumber else None
        if existing is None:  # a new question: its row as the driver takes it (_QUESTION_COLUMNS)
            key = (q.category, *q.tags)
            known_fields = bank_fields.get(key)
            if known_fields is None:
                meta = q.metadata()
                known_fields = bank_fields[key] = (
                    get_category(q.category).id, codes.get(competency_code_for(q, code_set)),
                    to_db.json(meta["tracks"]), to_db.json(meta["levels"]), meta["difficulty"],
                    tuple(sorted(set(q.tags))))
            category_id, competency_id, tracks, levels, difficulty, _tags = known_fields
            new_rows.append((category_id, q.qtype, q.name[:255], competency_id, tracks, levels, difficulty, stamp,
                             q.idnumber, 1, origin, retired, stamp))
            new_payloads.append((q, data, digest, known_fields[5]))
            created += 1
            continue
        meta = q.metadata()
        fields = {
            "category_id": get_category(q.category).id,
            "qtype": q.qtype, "name": q.name[:255],
            "competency_id": codes.get(competency_code_for(q, code_set)),
            "tracks": meta["tracks"], "levels": meta["levels"], "difficulty": meta["difficulty"],
            "updated_at": now,
        }
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

    versions = [to_db.row(QuestionVersion.__table__, _VERSION_COLUMNS, row) for row in version_rows]
    if new_rows:
        ids = _insert_returning_ids(Question.__table__, new_rows, _QUESTION_COLUMNS)
        author_id, note = (author.id if author else None), note[:255]
        get_source, json = source_of.get, to_db.json
        for question_id, (q, data, digest, tags) in zip(ids, new_payloads, strict=True):
            versions.append((question_id, 1, q.qtype, q.name[:255], q.text, json(data), digest,
                             get_source(id(q), "")[:255], note, author_id, stamp))
            if q.files:
                file_rows.append((len(versions) - 1, q.files))
            for tag in tags:
                tag_rows.append((question_id, tag))
    if versions:
        version_ids = _insert_returning_ids(QuestionVersion.__table__, versions, _VERSION_COLUMNS)
        files = [{"version_id": version_ids[i], "name": name, "data": blob,
                  "media_type": mimetypes.guess_type(name)[0] or "application/octet-stream"}
                 for i, named in file_rows for name, blob in named.items()]
        if files:
            _bulk_insert(QuestionFile.__table__, files)
    _bulk_insert(QuestionTag.__table__, tag_rows, columns=("question_id", "tag"))
    db.session.expire_all()
    return {"created": created, "updated": updated, "unchanged": unchanged}


_QUESTION_COLUMNS = ("category_id", "qtype", "name", "competency_id", "tracks", "levels", "difficulty",
                     "updated_at", "idnumber", "latest_version", "origin", "retired", "created_at")
_VERSION_COLUMNS = ("question_id", "number", "qtype", "name", "text", "data", "content_hash", "source", "note",
                    "author_id", "created_at")


class _Values:
    """Values as the bulk inserts hand them to the driver. On SQLite they go straight to sqlite3
    (SQLAlchemy's per-row parameter processing costs more than the insert itself, see
    bench/import_bank.py), so they are converted here the way SQLAlchemy would: JSON as text,
    datetimes in SQLAlchemy's storage format. Elsewhere they stay as they are, for a Core insert."""

    def __init__(self):
        self.dialect = db.session.get_bind().dialect
        self.sqlite = self.dialect.name == "sqlite"
        self.json = json_dumps if self.sqlite else _same

    def datetime(self, value):
        if not self.sqlite or value is None:
            return value
        return DateTime().dialect_impl(self.dialect).bind_processor(self.dialect)(value)

    def value(self, column, value):
        """Any other column's value (booleans, …) through its type's bind processor."""
        process = column.type.bind_processor(self.dialect) if self.sqlite else None
        return process(value) if process else value

    def row(self, table, columns, row: dict) -> tuple:
        """A row given as a dict, as a tuple in the order of ``columns``."""
        out = []
        for name in columns:
            value, column_type = row[name], table.c[name].type
            if isinstance(column_type, JSON):
                out.append(self.json(value))
            elif isinstance(column_type, DateTime):
                out.append(self.datetime(value))
            else:
                out.append(self.value(table.c[name], value))
        return tuple(out)


def _same(value):
    return value


def _insert_returning_ids(table, rows, columns):
    """Insert ``rows`` (tuples in the order of ``columns``, see ``_Values``) with one executemany
    and return their new ids in the order of ``rows``.

    PostgreSQL returns the ids in parameter order from SQLAlchemy's batched INSERT … RETURNING.
    SQLite cannot order RETURNING across a multi-row insert (SQLAlchemy would fall back to one
    statement per row), and needs none: inside our write transaction nobody else inserts, and SQLite
    gives each new row max(id) + 1, so our rows are exactly the last ``len(rows)`` ids, in order, one
    after the other: the ``len(rows)`` ids up to the largest (read as one value, not 10,000 rows)."""
    if db.session.get_bind().dialect.name != "sqlite":
        return db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                  [dict(zip(columns, row, strict=True)) for row in rows]).scalars().all()
    _bulk_insert(table, rows, columns)
    last = db.session.connection().exec_driver_sql(f"SELECT max(id) FROM {table.name}").scalar()  # noqa: S608
    return list(range(last - len(rows) + 1, last + 1))


def _bulk_insert(table, rows, columns=None):
    """One executemany of ``rows`` into ``table``: dicts with the same keys, or tuples in the order
    of ``columns`` already converted for the driver (``_Values``)."""
    if not rows:
        return
    if columns is None:
        to_db = _Values()
        columns = tuple(rows[0])  # every row has the keys in the same order
        rows = [to_db.row(table, columns, row) for row in rows]
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
    db.session.connection().exec_driver_sql(sql, rows)


def _set_fields(row, fields):
    for key, value in fields.items():
        setattr(row, key, value)
    row.retired = False


def _version_row(question_id, number, q, data, digest, source, author, note, now):
    return {"question_id": question_id, "number": number, "qtype": q.qtype, "name": q.name[:255],
            "text": q.text, "data": data, "content_hash": digest, "source": source[:255],
            "note": note[:255], "author_id": author.id if author else None, "created_at": now}


# ------------------------------------------------------------------------------ edits

def save_edit(row: Question, edited: qmodel.Question, author, note="", files=None, **identity):
    """A trainer's edit. What is asked and scored goes into a new version when it changed (attempts keep
    the old one); the bank fields (category, tags, competency_id, tracks, levels, difficulty) change in place.
    ``files`` (name → bytes) are the version's images; None keeps ``edited.files`` or else the current ones."""
    data = version_data(edited)
    current = current_version(row)
    if files is None:
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
            db.session.add(QuestionFile(version_id=version.id, name=name, data=blob, media_type=media_type(name, blob)))
    db.session.flush()
    return changed


def create_question(edited: qmodel.Question, author, files=None, **identity):
    """A question written in the web editor."""
    row = Question(category_id=CategoryCache().get(edited.category).id, idnumber=edited.idnumber or None,
                   qtype=edited.qtype, name=edited.name[:255], latest_version=0, origin="web", **identity)
    db.session.add(row)
    db.session.flush()
    save_edit(row, edited, author, note="created", files=files)
    return row


def media_type(name, blob) -> str:
    """What a question file is: an image by its first bytes, anything else by its name."""
    from kamtrain.assessment.editor import image_kind

    kind = image_kind(blob)
    return kind[0] if kind else mimetypes.guess_type(name)[0] or "application/octet-stream"


def files_of(version):
    """The files of a stored version, name → bytes."""
    return _files_of(version)


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
