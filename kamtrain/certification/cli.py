"""`kamtrain cert …` and `kamtrain jobs …` (CONTRACT §2).

    kamtrain cert list [--json]             serial, holder, track, level, status, issued, expires, verify_url
    kamtrain cert pdf SERIAL -o FILE.pdf    the certificate PDF (exit 1: unknown serial)
    kamtrain cert award-due                 evaluate everyone against the syllabus rules (catch-up)
    kamtrain cert remind                    send the expiry reminders that are due (cron, daily)
    kamtrain jobs worker [--burst]          an RQ worker for background jobs (needs KAMTRAIN_REDIS_URL)
"""

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from kamtrain.core.db import db


@click.group()
def cert():
    """Certificates."""


@cert.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array on stdout.")
@with_appcontext
def cert_list(as_json):
    """Every certificate, oldest first."""
    from kamtrain.certification.common import local_today, verify_url
    from kamtrain.certification.models import Certificate

    today = local_today()
    rows = []
    for c in db.session.scalars(db.select(Certificate).order_by(Certificate.id)):
        rows.append({"serial": c.serial, "holder": c.holder_name, "track": c.track, "level": c.level,
                     "status": c.status(today), "issued": c.issued_on.isoformat(),
                     "expires": c.expires_on.isoformat(), "verify_url": verify_url(c)})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['serial']}  {r['status']:<8}  {r['track']:<9} L{r['level']}  {r['issued']} → {r['expires']}  "
                   f"{r['holder']}  {r['verify_url']}")
    click.echo(f"{len(rows)} certificate(s)")


@cert.command("pdf")
@click.argument("serial")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="PDF file.")
@with_appcontext
def cert_pdf(serial, output):
    """Write the certificate SERIAL as a PDF."""
    from kamtrain.certification.queries import by_serial, certificate_pdf

    certificate = by_serial(serial)
    if certificate is None:
        click.echo(f"no certificate {serial!r}", err=True)
        sys.exit(1)
    data = certificate_pdf(certificate)
    with open(output, "wb") as f:
        f.write(data)
    click.echo(f"wrote {output} ({len(data)} bytes)")


@cert.command("award-due")
@with_appcontext
def cert_award_due():
    """Award every certificate (or HR request) that is due by the syllabus rules."""
    from kamtrain.certification.awarding import award_due

    made = award_due()
    db.session.commit()
    click.echo(f"{len(made)} certificate(s) or approval request(s) made")


@cert.command("remind")
@with_appcontext
def cert_remind():
    """Send the expiry reminders that are due (run it daily)."""
    from kamtrain.certification.reminders import run_reminders

    counts = run_reminders()
    db.session.commit()
    click.echo(f"checked {counts['checked']}, sent {counts['sent']}")


@click.group()
def jobs():
    """Background jobs."""


@jobs.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def jobs_worker(burst):
    """Run an RQ worker for kamtrain's queue (KAMTRAIN_REDIS_URL)."""
    if not current_app.config.get("REDIS_URL"):
        click.echo("KAMTRAIN_REDIS_URL is not set: jobs run inside the app server.", err=True)
        sys.exit(2)
    from rq import Worker

    from kamtrain.certification.jobs import queue, redis_connection

    Worker([queue()], connection=redis_connection()).work(burst=burst)
