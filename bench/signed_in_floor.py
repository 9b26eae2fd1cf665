"""Benchmark: how fast can any signed-in page be on this stack? (the ceiling behind issues 6 and 8)

The page benchmarks (exam_page, trainee_report_page) compare a signed-in kamtrain page against a bare
Flask app that has no sign-in at all. This one measures, in the same interleaved runs and against the
same baseline as bench/exam_page.py (one indexed SELECT on a worker's own sqlite3 connection and a
Jinja render), the steps in between:

  flask_session_cookie      a Flask route reading the user id from Flask's signed session cookie and
                            answering one line: no database, no Flask-Login.
  flask_login_sqlalchemy    the product owner's fixed stack and nothing else: Flask + Flask-Login +
                            Flask-SQLAlchemy, a @login_required route answering one line, the user
                            loaded by one plain SQL statement through the request's session.
  flask_login_sqlalchemy_25kb  the same route answering a constant page of 25 KB, the size of a
                            trainee's gap page (bench/trainee_report_page.py): what sending it costs.
  kamtrain_signed_in_empty  kamtrain's whole request pipeline with an empty page: session token check
                            with the user's roles, access rule, rate limiter, locale, security headers.
  kamtrain_exam_page        the real question page of bench/exam_page.py, for reference.

All run under gunicorn with 2 sync workers on the same SQLite file, driven by bench/_http.py with
16 connections. ratio = kamtrain_signed_in_empty ÷ baseline: no signed-in kamtrain page can do
better, so it bounds the exam page's goal (0.7, issue 6) and the gap page's (0.5, issue 8). The last
line also carries every step's ratio ("ladder").

    python bench/signed_in_floor.py [--quick]
"""

import http.cookiejar
import json
import os
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._http import (  # noqa: E402
    PASSWORD,
    SECRET,
    interleave,
    page_arguments,
    request_bytes,
    sign_in,
    site_env,
    start_gunicorn,
    stop,
)
from bench.exam_page import prepare  # noqa: E402


def fixed_stack_app():
    """Flask + Flask-Login + Flask-SQLAlchemy and nothing of kamtrain's (gunicorn
    'bench.signed_in_floor:fixed_stack_app()')."""
    from flask import Flask, abort, session
    from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy import text

    app = Flask(__name__)
    app.config.update(SECRET_KEY=SECRET, SQLALCHEMY_DATABASE_URI=f"sqlite:///{os.environ['BENCH_SQLITE_PATH']}")
    db = SQLAlchemy(app)
    login_manager = LoginManager(app)

    class User(UserMixin):
        def __init__(self, id, username):
            self.id, self.username = id, username

    @login_manager.user_loader
    def load_user(user_id):
        row = db.session.execute(text("SELECT id, username FROM users WHERE id = :id AND active"),
                                 {"id": int(user_id)}).first()
        return User(*row) if row else None

    @app.route("/healthz")
    def healthz():
        return "ok"

    @app.route("/sign-in")
    def sign_in_bench_user():
        row = db.session.execute(text("SELECT id, username FROM users WHERE username = 'bench'")).first()
        login_user(User(*row))
        return "signed in"

    @app.route("/session-cookie")
    def session_cookie():
        user_id = session.get("_user_id")
        if user_id is None:
            abort(401)
        return f"user {user_id}"

    @app.route("/signed-in")
    @login_required
    def signed_in():
        return f"user {current_user.username}"

    page_25kb = "<!doctype html>\n" + ("<p>" + "能力差距报告" * 70 + "</p>\n") * 20  # 25 KB of UTF-8

    @app.route("/signed-in-25kb")
    @login_required
    def signed_in_25kb():
        return page_25kb

    return app


def kamtrain_app():
    """kamtrain with one extra, empty signed-in page (gunicorn 'bench.signed_in_floor:kamtrain_app()')."""
    from flask_login import current_user

    from kamtrain import create_app
    from kamtrain.core.access import SIGNED_IN, allow

    app = create_app()

    @allow(SIGNED_IN)
    def bench_empty_page():
        return f"user {current_user.username}"

    app.add_url_rule("/bench/signed-in", "bench_empty_page", bench_empty_page)
    return app


def cookie_of(port, path):
    jar = http.cookiejar.CookieJar()
    urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)).open(
        f"http://127.0.0.1:{port}{path}").read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def main():
    args, seconds, repeat = page_arguments(__doc__.splitlines()[0], connections=16)
    if args.quick and not args.seconds:
        seconds = 1.5

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db_path, attempt_id, positions, version_ids = prepare(tmp)
        env = site_env(tmp, db_path)
        servers = []
        try:
            for spec in ("bench.exam_page:baseline_app()", "bench.signed_in_floor:fixed_stack_app()",
                         "bench.signed_in_floor:kamtrain_app()"):
                servers.append(start_gunicorn(spec, env))
            (_, baseline), (_, fixed), (_, product) = servers
            fixed_cookie = cookie_of(fixed, "/sign-in")
            product_cookie = sign_in(product, "bench", PASSWORD)
            pages = {
                "baseline": (baseline, [request_bytes(f"/q/{v}", baseline) for v in version_ids]),
                "flask_session_cookie": (fixed, [request_bytes("/session-cookie", fixed, fixed_cookie)]),
                "flask_login_sqlalchemy": (fixed, [request_bytes("/signed-in", fixed, fixed_cookie)]),
                "flask_login_sqlalchemy_25kb": (fixed, [request_bytes("/signed-in-25kb", fixed, fixed_cookie)]),
                "kamtrain_signed_in_empty": (product, [request_bytes("/bench/signed-in", product, product_cookie)]),
                "kamtrain_exam_page": (product, [request_bytes(f"/attempts/{attempt_id}?page={p}", product,
                                                               product_cookie) for p in positions]),
            }
            medians = interleave(pages, seconds, repeat, args.connections)
        finally:
            for process, _ in servers:
                stop(process)
    base = medians["baseline"]
    ladder = {name: round(rps / base, 4) for name, rps in medians.items() if name != "baseline"}
    print(json.dumps({"bench": "signed_in_floor", "ratio": ladder["kamtrain_signed_in_empty"], "goal": 0.7,
                      "product": round(medians["kamtrain_signed_in_empty"], 1), "baseline": round(base, 1),
                      "unit": "req/s", "ladder": ladder, "connections": args.connections, "workers": 2,
                      "database": "sqlite", "repeat": repeat, "seconds": seconds}))


if __name__ == "__main__":
    main()
