"""The `kamtrain` command: the app's Flask CLI (so `flask --app kamtrain …` works too).

    kamtrain db upgrade                 Alembic migrations to head (Flask-Migrate)
    kamtrain content sync [--check] [--force]
                                        load or validate content/ and question_banks/
    kamtrain content export [--module CODE] [-o DIR]
                                        write web edits of modules back to content/modules/
    kamtrain demo                       demo organisation and activity (idempotent)
    kamtrain serve [--host H --port P]  development server
    kamtrain bank import|export         question files (GIFT, Moodle XML, Aiken; QTI 3 export)
    kamtrain exams close-overdue        submit and grade attempts whose time is up (cron)
    kamtrain cert list|pdf|award-due|remind
                                        certificates (CONTRACT §2); expiry reminders (cron)
    kamtrain jobs worker [--burst]      an RQ worker for background jobs
    kamtrain pdp pdf USERNAME -o FILE   a user's current development plan as PDF (CONTRACT §2)
    kamtrain pdp due [--days N]         development plans due for review
"""

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from kamtrain.assessment.cli import bank
from kamtrain.assessment.exam_cli import exams
from kamtrain.certification.cli import cert, jobs
from kamtrain.core.db import db
from kamtrain.development.cli import pdp


def _create_app():
    from kamtrain import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True, add_version_option=False)
def main():
    """kamtrain — training and certification for telecom key-account managers."""


def register_commands(app):
    app.cli.add_command(content)
    app.cli.add_command(demo)
    app.cli.add_command(serve)
    app.cli.add_command(bank)
    app.cli.add_command(exams)
    app.cli.add_command(cert)
    app.cli.add_command(jobs)
    app.cli.add_command(pdp)


@click.group()
def content():
    """Course content, the competency model and question banks."""


@content.command("sync")
@click.option("--check", is_flag=True, help="Validate only; write nothing.")
@click.option("--force", is_flag=True, help="Let changed module files overwrite newer web edits.")
@with_appcontext
def content_sync(check, force):
    """Load content/ into the database in one transaction (or only validate it).

    A changed module file never silently overwrites a newer web edit: sync stops (exit 1) until
    the edit is exported with `kamtrain content export`, or `--force` is given."""
    from kamtrain.content.sync import sync_content

    result = sync_content(current_app.config["CONTENT_DIR"], check_only=check, force=force)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    if not result.ok:
        click.echo(f"{len(result.problems)} problem(s); nothing was written.", err=True)
        sys.exit(1)
    if check:
        click.echo("content OK")
    else:
        click.echo("content synced: " + ", ".join(f"{k} {v}" for k, v in result.counts.items()))


@content.command("export")
@click.option("--module", "code", metavar="CODE", help="Only this module (default: every module with web edits).")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), help="Directory (default content/modules).")
@with_appcontext
def content_export(code, output):
    """Write modules edited on the web back to their Markdown files (front matter + body)."""
    from pathlib import Path

    from kamtrain.content.export import export_modules

    modules_dir = Path(current_app.config["CONTENT_DIR"]) / "content" / "modules"
    try:
        written = export_modules(modules_dir, output, code)
    except LookupError:
        click.echo(f"no module {code!r}", err=True)
        sys.exit(1)
    for item in written:
        what = f"web version {item.version}" if item.version else "current state"
        click.echo(f"wrote {item.path} ({what})")
    if not written:
        click.echo("no web edits to export")
    else:
        click.echo("now run: kamtrain content sync")


@click.command()
@with_appcontext
def demo():
    """Create the demo organisation and activity (safe to run again)."""
    from kamtrain.demo import DEMO_PASSWORD, create_demo

    accounts = create_demo()
    db.session.commit()
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for username, roles, name in accounts:
        click.echo(f"  {username:<10} {name:<6} {', '.join(roles)}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Reload on code changes and show tracebacks.")
@with_appcontext
def serve(host, port, debug):
    """Run the development server (use gunicorn in production)."""
    from werkzeug.serving import run_simple

    app = current_app._get_current_object()
    app.debug = debug
    click.echo(f"kamtrain on http://{host}:{port}/")
    run_simple(host, port, app, use_reloader=debug, use_debugger=debug, threaded=True)
