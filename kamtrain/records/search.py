"""Searching certification records: one filter object, parsed from a query string (web, API, jobs)
and turned into SQL. A bad filter is refused with every problem named, never silently dropped."""

from dataclasses import asdict, dataclass, fields
from datetime import timedelta

from sqlalchemy import String, bindparam, cast, func, literal, or_
from sqlalchemy.orm import aliased

from kamtrain.accounts.models import OrgUnit, Team, User
from kamtrain.accounts.roles import LEVELS
from kamtrain.certification import rules
from kamtrain.certification.models import Certificate
from kamtrain.certification.queries import status_sql, where_status
from kamtrain.core.db import db
from kamtrain.core.errors import ValidationFailed

TRACKS = ("sales", "marketing")
MAX_EXPIRING_DAYS = 3660


@dataclass(frozen=True)
class RecordFilter:
    q: str | None = None  # person: name, user name, employee number, or a serial
    org_unit: int | None = None  # this unit and every unit under it
    team: int | None = None
    track: str | None = None
    level: int | None = None
    status: str | None = None  # valid | expired | revoked | reissued
    expiring_within: int | None = None  # days; valid certificates whose last day comes that soon
    user: int | None = None

    def as_args(self):
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    @property
    def empty(self):
        return not self.as_args()


MAX_ID = 2**31 - 1


def _int(value, name, problems, low=None, high=MAX_ID):
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        problems.append(f"{name}: not a whole number")
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        problems.append(f"{name}: out of range")
        return None
    return number


def parse_filter(args, problems=None):
    """A RecordFilter from a mapping of strings (request.args, job params); ValidationFailed lists
    every bad or unknown parameter (with any ``problems`` found before)."""
    known = {f.name for f in fields(RecordFilter)} | {"page", "per_page", "format", "lang"}
    problems = list(problems or ()) + [f"{name}: unknown filter" for name in args if name not in known]
    q = (args.get("q") or "").strip() or None
    if q is not None and len(q) > 100:
        problems.append("q: too long")
    track = (args.get("track") or "").strip() or None
    if track is not None and track not in TRACKS:
        problems.append("track: must be sales or marketing")
    status = (args.get("status") or "").strip() or None
    if status is not None and status not in rules.STATUSES:
        problems.append("status: must be valid, expired, revoked or reissued")
    level = _int(args.get("level"), "level", problems)
    if level is not None and level not in LEVELS:
        problems.append("level: must be 1, 2, 3 or 4")
        level = None
    result = RecordFilter(
        q=q, track=track, status=status, level=level,
        org_unit=_int(args.get("org_unit"), "org_unit", problems, low=1),
        team=_int(args.get("team"), "team", problems, low=1),
        expiring_within=_int(args.get("expiring_within"), "expiring_within", problems, low=0,
                             high=MAX_EXPIRING_DAYS),
        user=_int(args.get("user"), "user", problems, low=1),
    )
    if problems:
        raise ValidationFailed(problems)
    return result


def unit_and_descendants(unit_id):
    children = {}
    for uid, parent in db.session.execute(db.select(OrgUnit.id, OrgUnit.parent_id)):
        children.setdefault(parent, []).append(uid)
    found, todo = set(), [unit_id]
    while todo:
        uid = todo.pop()
        if uid not in found:
            found.add(uid)
            todo.extend(children.get(uid, ()))
    return found


def apply(query, flt, today):
    """Add the filter's conditions to a select over Certificate joined with User (and Team)."""
    if flt.q:
        like = f"%{flt.q.replace('%', '').replace('_', '')}%"
        query = query.where(or_(User.full_name.like(like), User.username.like(like.lower()),
                                User.employee_no.like(like), Certificate.serial == flt.q.upper(),
                                Certificate.holder_name.like(like)))
    if flt.user is not None:
        query = query.where(Certificate.user_id == flt.user)
    if flt.team is not None:
        query = query.where(User.team_id == flt.team)
    if flt.org_unit is not None:
        units = unit_and_descendants(flt.org_unit)
        query = query.where(User.team_id.in_(db.select(Team.id).where(Team.org_unit_id.in_(units))))
    if flt.track:
        query = query.where(Certificate.track == flt.track)
    if flt.level is not None:
        query = query.where(Certificate.level == flt.level)
    if flt.status:
        query = where_status(query, flt.status, today)
    if flt.expiring_within is not None:
        query = where_status(query, rules.VALID, today).where(
            Certificate.expires_on <= today + timedelta(days=flt.expiring_within))
    return query


def certificates(flt, today):
    """Certificates (with their holders) matching the filter, newest first: a select to page or count."""
    query = db.select(Certificate).join(User, User.id == Certificate.user_id)
    return apply(query, flt, today).order_by(Certificate.created_at.desc(), Certificate.id.desc())


def count(flt, today):
    query = db.select(func.count(Certificate.id)).select_from(Certificate).join(User, User.id == Certificate.user_id)
    return db.session.scalar(apply(query, flt, today))


EXPORT_COLUMNS = ("serial", "status", "holder", "username", "employee_no", "org_unit", "team", "track", "level",
                  "issued", "expires", "verify_url")


def _export_columns(today, base_url):
    """(the FROM clause, [(column, free text?)]) of the export, as SQL expressions."""
    unit, parent = aliased(OrgUnit), aliased(OrgUnit)
    org_path = func.coalesce(parent.name + literal("/") + unit.name, unit.name, literal(""))
    columns = [
        (Certificate.serial, False), (status_sql(today), False), (Certificate.holder_name, True),
        (User.username, True), (func.coalesce(User.employee_no, literal("")), True), (org_path, True),
        (func.coalesce(Team.name, literal("")), True), (Certificate.track, False),
        (cast(Certificate.level, String), False), (cast(Certificate.issued_on, String), False),
        (cast(Certificate.expires_on, String), False),
        (literal(base_url + "/verify/") + Certificate.serial + literal("-") + Certificate.check_code, True),
    ]
    source = (Certificate.__table__.join(User, User.id == Certificate.user_id)
              .outerjoin(Team, Team.id == User.team_id)
              .outerjoin(unit, unit.id == Team.org_unit_id)
              .outerjoin(parent, parent.id == unit.parent_id))
    return source, columns


def export_select(flt, today, base_url):
    """The export's rows as one SELECT of plain strings (no per-row Python work beyond writing):
    formatting, status and the verify URL are computed by the database."""
    source, columns = _export_columns(today, base_url)
    query = db.select(*(c for c, _ in columns)).select_from(source)
    return apply(query, flt, today).order_by(Certificate.id)


def _csv_field(expression, free_text):
    if not free_text:
        return expression
    quote = literal('"')
    return quote + func.replace(expression, quote, literal('""')) + quote


def _csv_line(columns, dialect):
    if dialect == "sqlite":
        pattern = ",".join('"%w"' if free_text else "%s" for _, free_text in columns)
        return func.printf(literal(pattern), *(c for c, _ in columns))
    line = None
    for expression, free_text in columns:
        field = _csv_field(expression, free_text)
        line = field if line is None else line + literal(",") + field
    return line


def export_lines_select(flt, today, base_url, dialect="sqlite"):
    """The same rows as export_select, each already one CSV line (RFC 4180: free text quoted, quotes
    doubled) made by the database. On SQLite one printf() makes the line (its %w doubles double
    quotes); elsewhere the fields are concatenated."""
    source, columns = _export_columns(today, base_url)
    query = db.select(_csv_line(columns, dialect)).select_from(source)
    return apply(query, flt, today).order_by(Certificate.id)

def export_batches_select(flt, today, base_url, dialect="sqlite"):
    """Batches of finished CSV lines, one row per batch: ``(rows, last id, the lines joined by LF)``
    for the certificates after ``:after`` (by id), ``:batch`` at a time. The database builds each
    batch's text; Python receives one string per batch (SQLite: a keyset page aggregated by
    group_concat over the ordered page)."""
    source, columns = _export_columns(today, base_url)
    line = _csv_line(columns, dialect)
    page = (apply(db.select(Certificate.id.label("id"), line.label("line")).select_from(source), flt, today)
            .where(Certificate.id > bindparam("after")).order_by(Certificate.id).limit(bindparam("batch"))
            .subquery())
    return db.select(func.count(), func.max(page.c.id), func.group_concat(page.c.line, literal("\n")))
