"""The `kamtrain` command: the app's Flask CLI (so `flask --app kamtrain …` works too).

    kamtrain db upgrade                 Alembic migrations to head (Flask-Migrate)
    kamtrain content sync [--check]     load or validate content/ and question_banks/
    kamtrain demo                       demo organisation and activity (idempotent)
    kamtrain serve [--host H --port P]  development server
"""

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from kamtrain.core.db import db


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


@click.group()
def content():
    """Course content, the competency model and question banks."""


@content.command("sync")
@click.option("--check", is_flag=True, help="Validate only; write nothing.")
@with_appcontext
def content_sync(check):
    """Load content/ into the database in one transaction (or only validate it)."""
    from kamtrain.content.sync import sync_content

    result = sync_content(current_app.config["CONTENT_DIR"], check_only=check)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    if not result.ok:
        click.echo(f"{len(result.problems)} problem(s); nothing was written.", err=True)
        sys.exit(1)
    if check:
        click.echo("content OK")
    else:
        click.echo("content synced: " + ", ".join(f"{k} {v}" for k, v in result.counts.items()))


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
