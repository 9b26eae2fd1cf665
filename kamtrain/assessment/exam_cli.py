"""`kamtrain exams close-overdue`: submit and grade every attempt whose time is up (run it from cron,
e.g. every minute; pages also close overdue attempts whenever they are read)."""

import click
from flask.cli import with_appcontext


@click.group()
def exams():
    """Quizzes and certification exams."""


@exams.command("close-overdue")
@with_appcontext
def close_overdue():
    """Close and grade attempts whose deadline has passed."""
    from kamtrain.assessment.delivery import close_overdue as close

    closed = close()
    click.echo(f"closed {closed} overdue attempt(s)")
