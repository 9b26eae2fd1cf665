"""Benchmark: a signed-in trainee's question page in an exam attempt (issue 6, CONTRACT §5).

product  — kamtrain under gunicorn (2 sync workers) on SQLite: ``GET /attempts/<id>?page=N`` for the 40
           questions of a sales-4 certification attempt in turn (some answered), signed in: the full
           request (session, access rule, the attempt, the navigator, the pinned question version,
           the shuffled presentation, the page with its layout).
baseline — a bare Flask app under the same gunicorn settings on the same database file: one indexed
           SELECT (the question version by primary key) and a Jinja render of its text and options.

Both are driven by the same load generator (16 connections; bench/_http.py) in interleaved runs; the
medians of requests per second are compared. ratio = product ÷ baseline (higher is better); the issue
asks for at least 0.7.

    python bench/exam_page.py [--quick]
"""

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._http import (  # noqa: E402
    PASSWORD,
    compare_pages,
    fresh_site,
    page_arguments,
    request_bytes,
    sign_in,
    site_env,
    sqlite_per_worker,
    start_gunicorn,
    stop,
)

BASELINE_TEMPLATE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ name }}</title></head>
<body><main><h1>{{ name }}</h1><div class="qtext">{{ text }}</div>
<ul>{% for a in answers %}<li><label><input type="radio" name="q" value="{{ loop.index0 }}"> {{ a.text }}</label></li>
{% endfor %}</ul></main></body></html>"""


def baseline_app():
    """The bare Flask app (gunicorn 'bench.exam_page:baseline_app()'): one indexed SELECT, one render of a
    template compiled once, one SQLite connection per worker (a sync worker serves one request at a time)."""
    from flask import Flask, abort

    app = Flask(__name__)
    path = os.environ["BENCH_SQLITE_PATH"]
    template = app.jinja_env.from_string(BASELINE_TEMPLATE)
    connection = sqlite_per_worker(path)

    @app.route("/healthz")
    def healthz():
        return "ok"

    @app.route("/q/<int:version_id>")
    def question(version_id):
        row = connection().execute("SELECT name, text, data FROM question_versions WHERE id = ?",
                                   (version_id,)).fetchone()
        if row is None:
            abort(404)
        data = json.loads(row[2])
        return template.render(name=row[0], text=row[1], answers=data.get("answers", []))

    return app


def prepare(tmp):
    """A database with the content, one trainee with a sales-4 exam attempt in progress (a third answered)."""
    from kamtrain.accounts import operations
    from kamtrain.accounts.roles import Role
    from kamtrain.assessment import delivery, grading, presentation, quiz_operations
    from kamtrain.assessment.demo import _response
    from kamtrain.assessment.quizzes import QuizAssignment
    from kamtrain.content.models import Syllabus
    from kamtrain.core.db import db

    app, db_path = fresh_site(tmp)
    with app.app_context():
        user = operations.create_user(None, username="bench", full_name="压测学员", roles=[Role.TRAINEE],
                                      password=PASSWORD, track="sales", target_level=4)
        syllabus = db.session.scalar(db.select(Syllabus).filter_by(code="sales-4"))
        quiz = quiz_operations.create_exam(None, syllabus, time_limit_minutes=600)
        db.session.add(QuizAssignment(quiz_id=quiz.id, user_id=user.id))
        db.session.commit()
        attempt = delivery.start_attempt(quiz, user, seed=42)
        db.session.commit()
        import random

        rng = random.Random(1)
        for slot in attempt.slots[::3]:
            question = grading.question_of(slot.version)
            slot.response = _response(question, rng.random() < 0.6, rng)
            slot.answer_key = presentation.answer_key(question, slot.response)
        db.session.commit()
        positions = [s.position for s in attempt.slots]
        version_ids = [s.version_id for s in attempt.slots]
        attempt_id = attempt.id
        db.session.remove()
        db.engine.dispose()
    return db_path, attempt_id, positions, version_ids


def main():
    args, seconds, repeat = page_arguments(__doc__.splitlines()[0], connections=16)

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db_path, attempt_id, positions, version_ids = prepare(tmp)
        env = site_env(tmp, db_path)
        product, product_port = start_gunicorn("kamtrain:create_app()", env)
        baseline, baseline_port = start_gunicorn("bench.exam_page:baseline_app()", env)
        try:
            cookie = sign_in(product_port, "bench", PASSWORD)
            product_requests = [request_bytes(f"/attempts/{attempt_id}?page={p}", product_port, cookie)
                                for p in positions]
            baseline_requests = [request_bytes(f"/q/{v}", baseline_port) for v in version_ids]
            product_median, baseline_median = compare_pages(product_port, product_requests, baseline_port,
                                                            baseline_requests, seconds, repeat, args.connections)
        finally:
            stop(product)
            stop(baseline)
    print(json.dumps({"bench": "exam_page", "ratio": round(product_median / baseline_median, 4), "goal": 0.7,
                      "product": round(product_median, 1), "baseline": round(baseline_median, 1), "unit": "req/s",
                      "connections": args.connections, "workers": 2, "database": "sqlite", "repeat": repeat,
                      "seconds": seconds}))


if __name__ == "__main__":
    main()
