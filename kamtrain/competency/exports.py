"""The company gap report as a spreadsheet: one row per trainee, per category the proficiency, the
target and the gap (XLSX with a summary sheet, written by openpyxl in write-only mode; CSV in
UTF-8 with a BOM so that Excel shows the Chinese correctly)."""

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from kamtrain.accounts.roles import LEVEL_NAMES
from kamtrain.competency import proficiency
from kamtrain.competency.models import TrackInfo
from kamtrain.competency.profiles import categories
from kamtrain.competency.reports import Filters, company_matrix, org_report, people_of
from kamtrain.core.db import db

BOM = "\ufeff"


def _name(obj, field, lang):
    return getattr(obj, f"{field}_{lang}", None) or getattr(obj, f"{field}_zh")


def header(cats, lang):
    cols = [_("Employee no."), _("Name"), _("User name"), _("Org unit"), _("Team"), _("Track"), _("Target level")]
    for c in cats:
        name = f"{c.number} {_name(c, 'name', lang)}"
        cols += [_("%(category)s: proficiency", category=name), _("%(category)s: target", category=name),
                 _("%(category)s: gap", category=name)]
    cols.append(_("Provisional figures (category numbers)"))
    return cols


def rows(filters=Filters(), lang="zh"):
    """(header, [row …]) — row values: text, then per category (value, target, gap), numbers or None."""
    cats = categories()
    tracks = {t.code: _name(t, "name", lang) for t in db.session.scalars(db.select(TrackInfo))}
    people = people_of(filters=filters)
    out = []
    for line in company_matrix(filters):
        user, team, unit = people[line.user_id]
        row = [user.employee_no or "", user.full_name, user.username, unit, team, tracks.get(user.track, ""),
               str(LEVEL_NAMES[user.target_level]) if user.target_level else ""]
        provisional = []
        for c, (value, amount, target) in zip(cats, line.figures, strict=True):
            shown = None if value is None else round(value, 1)
            row += [shown, target, proficiency.gap(value, target)]
            if value is not None and amount < proficiency.MIN_AMOUNT - 1e-9:
                provisional.append(str(c.number))
        row.append(", ".join(provisional))
        out.append(row)
    out.sort(key=lambda r: (r[3], r[4], r[2]))
    return header(cats, lang), out


def csv_stream(filters=Filters(), lang="zh"):
    """The CSV as a list of text chunks (BOM first); rows are read before the response starts."""
    head, body = rows(filters, lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    chunks = [BOM]
    writer.writerow(head)
    for i, row in enumerate(body, start=1):
        writer.writerow(["" if v is None else v for v in row])
        if i % 500 == 0:
            chunks.append(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    chunks.append(buffer.getvalue())
    return chunks


def xlsx_bytes(filters=Filters(), lang="zh"):
    head, body = rows(filters, lang)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Trainees"))
    bold = Font(bold=True)
    ws.append([_cell(ws, h, bold) for h in head])
    for row in body:
        ws.append(row)
    summary = wb.create_sheet(_("Summary"))
    report = org_report(filters)
    summary.append([_cell(summary, h, bold) for h in (
        _("Category"), _("Trainees"), _("With evidence"), _("Reliable"), _("Mean proficiency"),
        _("Meeting target (%)"), _("Below target"), _("Mean shortfall"), _("Step 1"), _("Step 2"), _("Step 3"),
        _("Step 4"), _("No evidence"))])
    for c, s in zip(report.categories, report.overall, strict=True):
        summary.append([f"{c.number} {_name(c, 'name', lang)}", s.trainees, s.measured, s.reliable, s.mean,
                        s.meeting_percent, s.below, s.mean_gap, *s.buckets, s.none])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(ws, value, font):
    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    return cell
