"""Exports of certification records: CSV (UTF-8 with BOM, so Excel reads the Chinese) and XLSX
(openpyxl's write-only mode). Both stream: rows come from a database cursor in batches and leave as
they are written, so memory stays flat at a million rows.

The rows are plain tuples from the DBAPI cursor of search.export_select (on PostgreSQL a named,
server-side cursor), handed to ``csv.writer.writerows`` batch by batch.
"""

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

from flask import current_app
from openpyxl import Workbook

from kamtrain.certification.common import local_today, public_base_url
from kamtrain.certification.jobs import JobResult, jobs_dir, kind
from kamtrain.certification.models import Certificate
from kamtrain.certification.pdf import renderer
from kamtrain.certification.queries import certificate_data
from kamtrain.core.db import db
from kamtrain.records import search

BATCH = 5000
BOM = "\ufeff"

HEADERS = {
    "zh": ("证书编号", "状态", "持证人", "用户名", "工号", "机构", "班组", "序列", "等级", "发证日期", "有效期至",
           "验证地址"),
    "en": ("Serial", "Status", "Holder", "User name", "Employee no.", "Org unit", "Team", "Track", "Level", "Issued",
           "Expires", "Verify URL"),
}


def _sqlite_value(value):
    return value.isoformat() if isinstance(value, date) else value


def _dbapi_rows(select):
    """Batches of plain tuples for ``select``, from the session's connection (a server-side cursor on
    PostgreSQL, so the result is never held in memory)."""
    connection = db.session.connection()
    compiled = select.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    raw = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        cursor = raw.cursor(name="kamtrain_export")
        cursor.itersize = BATCH
        params = compiled.params
        sql = str(compiled)
    else:
        cursor = raw.cursor()
        # sqlite3's qmark style: the parameters in the order of their positions (dates as SQLAlchemy stores them)
        params = [_sqlite_value(compiled.params[name]) for name in compiled.positiontup]
        sql = str(compiled)
    try:
        cursor.execute(sql, params)
        while True:
            batch = cursor.fetchmany(BATCH)
            if not batch:
                break
            yield batch
    finally:
        cursor.close()


def _pg_copy_chunks(select):
    """PostgreSQL writes the CSV itself: ``COPY (SELECT …) TO STDOUT WITH CSV`` through psycopg's COPY
    protocol, read in chunks as the server sends them (flat memory; no Python object per row)."""
    connection = db.session.connection()
    compiled = select.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    raw = connection.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv)",
                                             compiled.params) as copy:
        yield from copy


def csv_chunks(flt, today=None, base_url=None, lang="zh", progress=None):
    """The CSV file (lines end with LF, as PostgreSQL's COPY writes them) as a sequence of UTF-8 byte
    chunks. The database makes the CSV: on PostgreSQL
    with COPY, on SQLite one line per row (search.export_lines_select), a batch joined at once."""
    today = today or local_today()
    base_url = base_url or public_base_url()
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(HEADERS.get(lang, HEADERS["zh"]))
    yield (BOM + header.getvalue()).encode("utf-8")
    dialect = db.session.get_bind().dialect.name
    done = 0
    if dialect == "postgresql":
        for chunk in _pg_copy_chunks(search.export_select(flt, today, base_url)):
            data = bytes(chunk)
            yield data
            done += data.count(b"\n")  # approximate (a field may hold a line break): progress only
            if progress is not None:
                progress(done)
        return
    batches = search.export_batches_select(flt, today, base_url, dialect)
    after = 0
    while True:
        rows, after, text = db.session.execute(batches, {"after": after, "batch": BATCH}).one()
        if not rows:
            break
        yield (text + "\n").encode("utf-8")
        done += rows
        if progress is not None:
            progress(done)


def write_csv(path, flt, **kwargs):
    with open(path, "wb") as f:
        for chunk in csv_chunks(flt, **kwargs):
            f.write(chunk)


def write_xlsx(path, flt, today=None, base_url=None, lang="zh", progress=None):
    """An XLSX file written row by row (openpyxl write-only: rows go to disk as they come)."""
    today = today or local_today()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("证书 Certificates" if lang == "zh" else "Certificates")
    sheet.append(list(HEADERS.get(lang, HEADERS["zh"])))
    done = 0
    for batch in _dbapi_rows(search.export_select(flt, today, base_url or public_base_url())):
        for row in batch:
            sheet.append(row)
        done += len(batch)
        if progress is not None:
            progress(done)
    workbook.save(path)


# ---------------------------------------------------------------------------- background jobs

@kind("records_export")
def export_job(job, progress):
    params = job.params
    flt = search.parse_filter(params.get("filter") or {})
    today = local_today()
    fmt = params.get("format", "csv")
    total = search.count(flt, today)
    progress(0, total, force=True)
    path = jobs_dir() / f"{job.id}.{fmt}"
    writer = write_xlsx if fmt == "xlsx" else write_csv
    writer(path, flt, today=today, base_url=params.get("base_url"), lang=params.get("lang", "zh"),
           progress=lambda done: progress(done, total))
    progress(total, total, force=True)
    return JobResult(file=path, name=f"certificates-{today.isoformat()}.{fmt}", summary={"rows": total})


@kind("certificate_pdfs")
def pdfs_job(job, progress):
    """Every matching certificate's PDF in one ZIP."""
    params = job.params
    flt = search.parse_filter(params.get("filter") or {})
    today = local_today()
    ids = db.session.scalars(search.certificates(flt, today).with_only_columns(Certificate.id)).all()
    progress(0, len(ids), force=True)
    render = renderer(current_app.config.get("CERT_TEMPLATE")).render
    path = jobs_dir() / f"{job.id}.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for done, cert_id in enumerate(ids, 1):
            cert = db.session.get(Certificate, cert_id)
            archive.writestr(f"{cert.serial}.pdf", render(certificate_data(cert, params.get("base_url"), today)))
            db.session.expunge(cert)
            progress(done, len(ids))
    progress(len(ids), len(ids), force=True)
    return JobResult(file=Path(path), name=f"certificates-{today.isoformat()}.zip", summary={"pdfs": len(ids)})
