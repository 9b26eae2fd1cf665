"""Serial numbers KT-<year>-<number>, unique across app servers awarding at the same moment.

One counter row per year is incremented with ``UPDATE … SET last = last + 1 … RETURNING last``. On
PostgreSQL the UPDATE takes the row's lock, held until the awarding transaction commits or rolls
back, so a second server's UPDATE waits and then sees the new value; a rolled-back award gives its
number back. On SQLite the first write takes the database's write lock, with the same effect. The
serial column is unique as well: a bug could never hand one number out twice silently.
"""

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kamtrain.certification.models import SerialCounter
from kamtrain.certification.rules import format_serial
from kamtrain.core.db import db


def _insert_ignoring_conflict(year):
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(SerialCounter).values(year=year, last=0).on_conflict_do_nothing(index_elements=["year"])


def next_number(year):
    bump = (update(SerialCounter).where(SerialCounter.year == year).values(last=SerialCounter.last + 1)
            .returning(SerialCounter.last).execution_options(synchronize_session=False))
    number = db.session.execute(bump).scalar_one_or_none()
    if number is None:  # the year's first certificate: create the counter (or find another server's)
        db.session.execute(_insert_ignoring_conflict(year))
        number = db.session.execute(bump).scalar_one()
    return number


def next_serial(year):
    return format_serial(year, next_number(year))
