"""Benchmark: a trainee's gap report page (issue 8, CONTRACT §5).

product  — kamtrain under gunicorn (2 sync workers) on SQLite: ``GET /gaps/`` signed in as a trainee
           with 40 pieces of evidence per category over two years and an approved development plan:
           the full request (session, access rule, the profile against the target and the held
           level, strongest and weakest, six months of trend, the plan's progress, the radar chart
           and sparklines drawn as SVG, the page with its layout).
baseline — a bare Flask app under the same gunicorn settings on the same database file: one
           ``SELECT … GROUP BY category`` of the trainee's evidence and a Jinja render of the table.

The evidence table also holds 300 other trainees' rows (72,000), so the indexes matter. Both are
driven by the same load generator (bench/_http.py) in interleaved runs; the medians of requests per
second are compared. ratio = product ÷ baseline (higher is better); the issue asks for at least 0.5.

    python bench/trainee_report_page.py [--quick]
"""

import json
import os
import random
import sys
import tempfile
from datetime import timedelta
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

BASELINE_SQL = ("SELECT category_id, 1.0 + 3.0 * SUM(profile_points) / SUM(profile_weight), SUM(profile_weight) "
                "FROM competency_evidence WHERE user_id = ? GROUP BY category_id ORDER BY category_id")
BASELINE_TEMPLATE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>差距报告</title></head>
<body><main><h1>差距报告</h1><table><tr><th>类别</th><th>能力值</th><th>权重</th></tr>
{% for cid, value, weight in rows %}<tr><td>{{ cid }}</td><td>{{ '%.1f' % value }}</td>
<td>{{ '%.1f' % weight }}</td></tr>{% endfor %}</table></main></body></html>"""


def baseline_app():
    """The bare Flask app (gunicorn 'bench.trainee_report_page:baseline_app()'): one GROUP BY, one render."""
    from flask import Flask

    app = Flask(__name__)
    path = os.environ["BENCH_SQLITE_PATH"]
    user_id = int(os.environ["BENCH_USER_ID"])
    template = app.jinja_env.from_string(BASELINE_TEMPLATE)
    connection = sqlite_per_worker(path)

    @app.route("/healthz")
    def healthz():
        return "ok"

    @app.route("/report")
    def report():
        return template.render(rows=connection().execute(BASELINE_SQL, (user_id,)).fetchall())

    return app


def prepare(tmp):
    from sqlalchemy import insert

    from kamtrain.accounts import operations
    from kamtrain.accounts.models import User, UserRole
    from kamtrain.accounts.roles import Role
    from kamtrain.competency.models import Category, Evidence
    from kamtrain.competency.proficiency import stored_weights
    from kamtrain.core.db import db, utcnow
    from kamtrain.development import operations as plans

    app, db_path = fresh_site(tmp)
    with app.app_context():
        leader = operations.create_user(None, username="benchlead", full_name="压测组长", roles=[Role.LEADER],
                                        password=PASSWORD)
        unit = operations.org_unit_by_path("压测市/压测支局", create=True)
        team = operations.save_team(None, None, name="压测班组", org_unit=unit, leader=leader)
        user = operations.create_user(None, username="bench", full_name="压测学员", roles=[Role.TRAINEE],
                                      password=PASSWORD, track="sales", target_level=3, current_level=4)
        user.team = team
        db.session.commit()
        others = [{"id": 5000 + i, "username": f"other{i:04d}", "full_name": f"学员{i:04d}",
                   "session_token": f"bench-other-{i:04d}", "active": True, "must_change_password": False,
                   "track": "sales", "target_level": 3, "created_at": utcnow()} for i in range(300)]
        db.session.execute(insert(User), others)
        db.session.execute(insert(UserRole), [{"user_id": o["id"], "role": "trainee"} for o in others])
        categories = [c.id for c in db.session.scalars(db.select(Category).order_by(Category.number))]
        rng = random.Random(5)
        kinds = ("quiz", "exam", "scenario", "self", "leader", "observation")
        now = utcnow()
        rows, n = [], 0
        for uid, per_cell in [(user.id, 40)] + [(o["id"], 20) for o in others]:
            for cid in categories:
                for _ in range(per_cell):
                    n += 1
                    kind = kinds[rng.randrange(len(kinds))]
                    when = now - timedelta(minutes=rng.randrange(1_000_000))
                    score = rng.random() * 0.8
                    w, p = stored_weights(1.0, kind, when, score)
                    rows.append({"user_id": uid, "category_id": cid, "score": score, "weight": 1.0,
                                 "occurred_at": when, "source_kind": kind, "source_id": 10_000_000 + n, "note": "",
                                 "recorded_at": when, "profile_weight": w, "profile_points": p})
        db.session.execute(insert(Evidence), rows)
        db.session.commit()
        plan = plans.generate_plan(user, user, lang="zh")
        plans.agree(user, plan)
        plans.approve(leader, plan)
        db.session.commit()
        user_id = user.id
        db.session.remove()
        db.engine.dispose()
    return db_path, user_id


def main():
    args, seconds, repeat = page_arguments(__doc__.splitlines()[0], connections=8)

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db_path, user_id = prepare(tmp)
        env = site_env(tmp, db_path, BENCH_USER_ID=str(user_id))
        product, product_port = start_gunicorn("kamtrain:create_app()", env)
        baseline, baseline_port = start_gunicorn("bench.trainee_report_page:baseline_app()", env)
        try:
            cookie = sign_in(product_port, "bench", PASSWORD)
            product_requests = [request_bytes("/gaps/", product_port, cookie)]
            baseline_requests = [request_bytes("/report", baseline_port)]
            product_median, baseline_median = compare_pages(product_port, product_requests, baseline_port,
                                                            baseline_requests, seconds, repeat, args.connections)
        finally:
            stop(product)
            stop(baseline)
    print(json.dumps({"bench": "trainee_report_page", "ratio": round(product_median / baseline_median, 4),
                      "goal": 0.5, "product": round(product_median, 1), "baseline": round(baseline_median, 1),
                      "unit": "req/s", "connections": args.connections, "workers": 2, "database": "sqlite",
                      "repeat": repeat, "seconds": seconds}))


if __name__ == "__main__":
    main()
