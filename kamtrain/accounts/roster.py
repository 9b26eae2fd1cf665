"""HR roster upload: a CSV or XLSX sheet of account managers, applied all-or-nothing.

Columns (header row; Chinese or English names): employee no., name, email, org unit ('城市/支局'),
team, track, level, and optionally target level and username. A row is matched to a user by
employee number: new numbers create trainees (no password: an administrator sets one), known
numbers update name, e-mail, team, track and levels. Users missing from the sheet are left alone.

Every bad cell is reported as ``row N, column X: message``; one bad row means nothing is written.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from kamtrain.accounts import operations
from kamtrain.accounts.models import Team, User
from kamtrain.accounts.roles import Role, Track
from kamtrain.core.db import db

COLUMNS = {
    "employee_no": ("employee_no", "employee no", "employee number", "工号", "员工编号"),
    "name": ("name", "full name", "姓名"),
    "email": ("email", "e-mail", "邮箱", "电子邮箱", "电子邮件"),
    "org_unit": ("org_unit", "org unit", "组织", "单位", "所属单位", "组织单元"),
    "team": ("team", "班组", "团队"),
    "track": ("track", "序列", "岗位序列", "认证方向"),
    "level": ("level", "级别", "等级", "当前级别"),
    "target_level": ("target_level", "target level", "目标级别"),
    "username": ("username", "用户名", "登录名"),
}
REQUIRED = ("employee_no", "name", "email", "org_unit", "team", "track", "level")
TRACK_WORDS = {
    "sales": Track.SALES, "销售": Track.SALES, "大客户销售经理": Track.SALES, "销售经理": Track.SALES,
    "marketing": Track.MARKETING, "市场": Track.MARKETING, "大客户市场经理": Track.MARKETING,
    "市场经理": Track.MARKETING,
}
LEVEL_WORDS = {"1": 1, "2": 2, "3": 3, "4": 4, "一级": 1, "二级": 2, "三级": 3, "四级": 4,
               "一": 1, "二": 2, "三": 3, "四": 4}
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@dataclass
class RosterProblem:
    row: int
    column: str | None  # spreadsheet letter
    header: str | None
    message: str

    def __str__(self):
        if self.column:
            return _("row %(row)d, column %(col)s (%(header)s): %(message)s",
                     row=self.row, col=self.column, header=self.header, message=self.message)
        return _("row %(row)d: %(message)s", row=self.row, message=self.message)


@dataclass
class RosterRow:
    number: int  # the row number a spreadsheet shows
    values: dict


@dataclass
class RosterResult:
    problems: list = field(default_factory=list)
    encoding: str | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    applied: bool = False


def read_sheet(filename, data):
    """Rows of cells from CSV (UTF-8, with or without BOM, or GB18030 as Excel saves it in China)
    or XLSX. Returns (rows, encoding); raises ValueError with a message for unreadable files."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds for a damaged file
            raise ValueError(_("not a readable XLSX workbook (%(error)s)", error=type(e).__name__)) from e
        sheet = wb.worksheets[0]
        rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
        wb.close()
        return rows, "xlsx"
    if name.endswith(".csv"):
        first_error = None
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError as e:
                first_error = first_error or e
        else:
            raise ValueError(_("the file is neither UTF-8 nor GB18030 (byte offset %(offset)d)",
                               offset=first_error.start))
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
        return rows, "utf-8" if encoding == "utf-8-sig" else "gb18030"
    raise ValueError(_("choose a .csv or .xlsx file"))


def _header_map(header, problems):
    found = {}
    for index, cell in enumerate(header):
        key = cell.strip().lower()
        for column, names in COLUMNS.items():
            if key in names:
                if column in found:
                    problems.append(RosterProblem(1, get_column_letter(index + 1), cell,
                                                  _("this column appears twice")))
                found[column] = index
    for column in REQUIRED:
        if column not in found:
            problems.append(RosterProblem(1, None, None, _("missing column %(name)s (%(zh)s)",
                                          name=column, zh=COLUMNS[column][-1])))
    return found


def validate(rows):
    """Check the sheet; returns (RosterRow list, problems). Reads the database, writes nothing."""
    problems = []
    if not rows:
        return [], [RosterProblem(1, None, None, _("the file is empty"))]
    columns = _header_map(rows[0], problems)
    if problems:
        return [], problems
    seen_numbers, seen_emails, seen_usernames, good = {}, {}, {}, []
    for offset, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        values, row_problems = {}, []

        def cell(column, cells=cells):
            index = columns.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        def bad(column, message, row_problems=row_problems, offset=offset):
            index = columns[column]
            header = rows[0][index]
            row_problems.append(RosterProblem(offset, get_column_letter(index + 1), header, message))

        for column in ("employee_no", "name", "email", "org_unit", "team", "track"):
            if not cell(column):
                bad(column, _("required"))
        number = cell("employee_no")
        duplicate_number = number in seen_numbers
        if number:
            if duplicate_number:
                bad("employee_no", _("employee number %(no)s also in row %(other)d", no=number,
                                     other=seen_numbers[number]))
            seen_numbers.setdefault(number, offset)
            values["employee_no"] = number
        existing = db.session.scalar(db.select(User).filter_by(employee_no=number)) if number else None
        values["name"] = cell("name")
        email = cell("email")
        if email:
            try:
                email = validate_email(email, check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                bad("email", _("not a valid e-mail address"))
                email = None
            if email:
                if email in seen_emails:
                    bad("email", _("e-mail also in row %(other)d", other=seen_emails[email]))
                seen_emails.setdefault(email, offset)
                owner = db.session.scalar(db.select(User).filter_by(email=email))
                if owner is not None and owner is not existing:
                    bad("email", _("e-mail already belongs to user %(user)s", user=owner.username))
                values["email"] = email
        values["org_unit"] = cell("org_unit")
        values["team"] = cell("team")
        track = cell("track")
        if track:
            values["track"] = TRACK_WORDS.get(track.lower())
            if values["track"] is None:
                bad("track", _("%(value)s is not a track (sales / marketing / 销售 / 市场)", value=track))
        for column in ("level", "target_level"):
            raw = cell(column)
            if raw:
                level = LEVEL_WORDS.get(raw.removesuffix(".0"))
                if level is None:
                    bad(column, _("%(value)s is not a level from 4 (entry) to 1 (expert)", value=raw))
                values[column] = level
            else:
                values[column] = None
        if values.get("level") and values.get("target_level") and values["target_level"] > values["level"]:
            bad("target_level", _("the target level must be the current level or higher (a smaller number)"))
        username = cell("username").lower() or (number.lower() if number else "")
        if username:
            if not USERNAME.match(username):
                target = "username" if "username" in columns and cell("username") else "employee_no"
                bad(target, _("%(value)s cannot be a user name (letters, digits, . _ -)", value=username))
            elif username in seen_usernames and not duplicate_number:
                bad("employee_no", _("user name %(name)s also in row %(other)d", name=username,
                                     other=seen_usernames[username]))
            elif not duplicate_number:
                seen_usernames[username] = offset
                owner = db.session.scalar(db.select(User).filter_by(username=username))
                if owner is not None and owner is not existing:
                    bad("employee_no", _("user name %(name)s already belongs to another person", name=username))
        values["username"] = username
        problems += row_problems
        if not row_problems:
            good.append(RosterRow(offset, values))
    return good, problems


def import_roster(actor, filename, data, dry_run=False, ip=None):
    """Validate the whole sheet; when nothing is wrong (and not a dry run) apply every row.

    The caller commits on ``result.applied``; on any problem nothing has been written."""
    result = RosterResult()
    try:
        rows, result.encoding = read_sheet(filename, data)
    except ValueError as e:
        result.problems.append(RosterProblem(1, None, None, str(e)))
        return result
    good, result.problems = validate(rows)
    result.rows = len(good)
    if result.problems or dry_run:
        return result
    for row in good:
        v = row.values
        unit = operations.org_unit_by_path(v["org_unit"], create=True)
        team = db.session.scalar(db.select(Team).filter_by(org_unit_id=unit.id, name=v["team"]))
        if team is None:
            team = operations.save_team(actor, None, name=v["team"], org_unit=unit, leader=None, ip=ip)
        target = v["target_level"] or (max(v["level"] - 1, 1) if v["level"] else 4)
        user = db.session.scalar(db.select(User).filter_by(employee_no=v["employee_no"]))
        if user is None:
            operations.create_user(actor, username=v["username"], full_name=v["name"], email=v["email"],
                                   employee_no=v["employee_no"], roles={Role.TRAINEE}, track=v["track"].value,
                                   current_level=v["level"], target_level=target, team=team, ip=ip)
            result.created += 1
        else:
            operations.update_user(actor, user, full_name=v["name"], email=v["email"], team=team,
                                   track=v["track"].value, current_level=v["level"], target_level=target,
                                   roles=user.roles | {Role.TRAINEE}, ip=ip)
            result.updated += 1
    operations.audit("roster_imported", actor=actor, ip=ip, file=filename[:200], created=result.created,
                     updated=result.updated)
    result.applied = True
    return result
