"""`kamtrain bank import|export` (CONTRACT §2)."""

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from kamtrain.core.db import db

FORMATS = ("auto", "gift", "moodlexml", "aiken")
EXPORT_FORMATS = ("gift", "moodlexml", "aiken", "qti3")


@click.group()
def bank():
    """The question bank: import and export GIFT, Moodle XML, Aiken (and QTI 3 export)."""


@bank.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "format_", type=click.Choice(FORMATS), default="auto", show_default=True)
@click.option("--category", help="Category path for questions before any category switch, e.g. top/Sales.")
@click.option("--dry-run", is_flag=True, help="Parse and validate only; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@with_appcontext
def bank_import(paths, format_, category, dry_run, as_json):
    """Import question files. A file with any error imports nothing; exit 1 then."""
    from kamtrain.assessment.bank import import_files

    sources = [(str(path), path.read_bytes()) for path in paths]
    try:
        report = import_files(sources, format=format_, category=category, dry_run=dry_run)
        if report["imported"]:
            db.session.commit()
        else:
            db.session.rollback()
    except Exception:
        db.session.rollback()
        raise
    failed = any(f["errors"] for f in report["files"])
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        _print_report(report)
    sys.exit(1 if failed else 0)


def _print_report(report):
    for f in report["files"]:
        types = ", ".join(f"{k} {v}" for k, v in f["by_type"].items() if v)
        click.echo(f"{f['path']}: {f['format']}, {f['questions']} question(s) ({types or 'none'})")
        for w in f["warnings"]:
            click.echo(f"{f['path']}:{w['line']}: warning: {_named(w)}{w['message']}", err=True)
        for e in f["errors"]:
            where = f"{e['line']}:{e['column']}" if e.get("column") else f"{e['line']}"
            click.echo(f"{f['path']}:{where}: error: {_named(e)}{e['message']}", err=True)
    if any(f["errors"] for f in report["files"]):
        click.echo("errors found; nothing was imported.", err=True)
    elif report["dry_run"]:
        click.echo("dry run: the files can be imported; nothing was written.")
    else:
        click.echo(f"imported {report['imported']} question(s) "
                   f"({report.get('created', 0)} new, {report.get('updated', 0)} new versions, "
                   f"{report.get('unchanged', 0)} unchanged).")


def _named(finding):
    return f"[{finding['question']}] " if finding.get("question") else ""


@bank.command("export")
@click.option("--format", "format_", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option("--category", help="Only this category path and the categories below it.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--include-retired", is_flag=True)
@with_appcontext
def bank_export(format_, category, output, include_retired):
    """Export the bank (or one category) to a file."""
    from kamtrain.assessment.bank import export_bank, load_questions, losses, questions_in

    data, exported, skipped = export_bank(format_, category=category, include_retired=include_retired)
    output.write_bytes(data)
    click.echo(f"exported {exported} question(s) to {output}")
    lossy = [(q.idnumber or q.name, lost) for q in load_questions(questions_in(category, include_retired))
             if (lost := losses(q, format_)) and (q.idnumber or q.name) not in skipped]
    if lossy:
        click.echo(f"{len(lossy)} question(s) lose what {format_} cannot hold (use moodlexml for a full copy): "
                   + ", ".join(f"{name} ({', '.join(lost)})" for name, lost in lossy[:20])
                   + (" …" if len(lossy) > 20 else ""), err=True)
    if skipped:
        click.echo(f"{len(skipped)} question(s) do not fit {format_} and were left out: "
                   + ", ".join(skipped[:20]) + (" …" if len(skipped) > 20 else ""), err=True)
