"""`kamtrain pdp …`: development plans from the command line (CONTRACT §2).

    kamtrain pdp pdf USERNAME -o FILE.pdf   the user's current plan as PDF (exit 1: unknown user or no plan)
    kamtrain pdp due [--days N]             approved plans due for review (today, or within N days)
"""

import sys
from datetime import timedelta

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from kamtrain.core.db import db, utcnow


@click.group()
def pdp():
    """Personal development plans."""


@pdp.command("pdf")
@click.argument("username")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the PDF.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@with_appcontext
def pdp_pdf(username, output, lang):
    """Write USERNAME's current development plan as a PDF."""
    from kamtrain.accounts.models import User
    from kamtrain.development.operations import latest_plan
    from kamtrain.development.pdf import plan_pdf

    user = db.session.scalar(db.select(User).filter_by(username=username.strip().lower()))
    if user is None:
        click.echo(f"no user {username!r}", err=True)
        sys.exit(1)
    plan = latest_plan(user)
    if plan is None:
        click.echo(f"{username} has no development plan", err=True)
        sys.exit(1)
    with force_locale(lang):
        data = plan_pdf(plan, lang=lang)
    with open(output, "wb") as f:
        f.write(data)
    click.echo(f"wrote {output} (plan {plan.id}, {plan.status}, {len(data)} bytes)")


@pdp.command("due")
@click.option("--days", type=int, default=0, show_default=True, help="Also list plans due within this many days.")
@with_appcontext
def pdp_due(days):
    """Approved plans whose review date has come: review them, then close or renew."""
    from kamtrain.development.models import APPROVED, DevelopmentPlan

    until = utcnow().date() + timedelta(days=days)
    plans = db.session.scalars(db.select(DevelopmentPlan).where(DevelopmentPlan.status == APPROVED,
                                                                DevelopmentPlan.review_on <= until)
                               .order_by(DevelopmentPlan.review_on)).all()
    for plan in plans:
        leader = plan.user.team.leader.username if plan.user.team and plan.user.team.leader else "-"
        click.echo(f"{plan.review_on.isoformat()}  {plan.user.username:<12} plan {plan.id:<6} leader {leader}")
    if not plans:
        click.echo("no plans due for review")
