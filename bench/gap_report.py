"""Benchmark: the company gap report (issue 8, CONTRACT §5).

Data: 10,000 active trainees in 40 teams (two tracks, four levels), 12 competency categories and
2.4 million evidence rows (20 per trainee and category, every source kind, dated over the last two
and a half years), written with the stored profile weights the application keeps.

product  — ``kamtrain.competency.reports.company_matrix()``: every trainee × every category with
           the proficiency (source weights, recency, reliability amount) and the target of the
           trainee's target level, grouped per trainee — what the XLSX/CSV export writes.
baseline — the raw ``SELECT user_id, category_id, AVG(score), COUNT(*) FROM competency_evidence
           GROUP BY user_id, category_id`` on the same data, fetched through the same connection.

Repetitions are interleaved (product, baseline, product, …) after one warm-up of each; medians are
compared. ratio = baseline ÷ product (higher is better); the issue asks for at least 0.67 (the
report takes at most 1.5× the raw query) on SQLite and on PostgreSQL. Both databases are measured
when PostgreSQL is reachable (``--pg-url``, default a scratch database ``kamtrain_bench_gap`` on
127.0.0.1); the last line's ratio is the lower of the two.

    python bench/gap_report.py [--quick] [--db sqlite|postgresql|both] [--pg-url URL]

``--quick`` uses 2,500 trainees (600,000 evidence rows) and fewer repetitions (under 60 s).
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._pg import drop_database, fresh_database  # noqa: E402

KINDS = ("quiz", "exam", "essay", "scenario", "self", "leader", "observation")
PER_CELL = 20  # evidence rows per trainee and category
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/kamtrain_bench_gap"
BASELINE_SQL = ("SELECT user_id, category_id, AVG(score), COUNT(*) FROM competency_evidence "
                "GROUP BY user_id, category_id")


def make_app(url, instance):
    os.environ["KAMTRAIN_INSTANCE_PATH"] = str(instance)
    os.environ.setdefault("KAMTRAIN_SECRET_KEY", "bench-secret-key")
    from kamtrain import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_STORAGE_URI": "memory://"})


def postgres_reachable(url):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    try:
        engine = create_engine(make_url(url).set(database="postgres"), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def build(app, trainees, seed=11):
    """Schema by the migrations, the competency model and tracks from content/, then the bench rows."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, text

    from kamtrain.accounts.models import OrgUnit, Team, User, UserRole
    from kamtrain.competency.models import Category
    from kamtrain.competency.proficiency import stored_weights
    from kamtrain.competency.sync import apply_competency, apply_tracks, read_competency, read_tracks
    from kamtrain.core.db import db

    with app.app_context():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            upgrade()
        content = Path(app.config["CONTENT_DIR"]) / "content"
        model, problems = read_competency(content / "competency.yaml", "competency.yaml")
        tracks, more = read_tracks(content / "tracks.yaml", "tracks.yaml", model.category_codes)
        assert not problems and not more, problems + more
        apply_competency(model)
        apply_tracks(tracks)
        db.session.commit()
        rng = random.Random(seed)
        city = OrgUnit(name="基准市分公司", kind="city")
        db.session.add(city)
        db.session.flush()
        branches = [OrgUnit(name=f"基准支局{i + 1}", kind="branch", parent_id=city.id) for i in range(8)]
        db.session.add_all(branches)
        db.session.flush()
        teams = [Team(name=f"基准班组{i + 1}", org_unit_id=branches[i % 8].id) for i in range(40)]
        db.session.add_all(teams)
        db.session.flush()
        team_ids = [t.id for t in teams]
        db.session.commit()
        users = [{"id": 1000 + i, "username": f"bench{i:05d}", "full_name": f"基准学员{i:05d}",
                  "session_token": f"bench-token-{i:05d}", "active": True, "must_change_password": False,
                  "track": "sales" if i % 3 else "marketing", "target_level": 4 - i % 4, "current_level": None,
                  "team_id": team_ids[i % len(team_ids)], "created_at": datetime(2026, 1, 1)}
                 for i in range(trainees)]
        db.session.execute(insert(User), users)
        db.session.execute(insert(UserRole), [{"user_id": u["id"], "role": "trainee"} for u in users])
        db.session.commit()
        category_ids = [c.id for c in db.session.scalars(db.select(Category).order_by(Category.number))]
        now = datetime.now().replace(microsecond=0)
        columns = ("user_id", "category_id", "score", "weight", "occurred_at", "source_kind", "source_id",
                   "note", "recorded_at", "profile_weight", "profile_points")
        engine = db.engine
        n = 0

        def rows():
            nonlocal n
            for u in users:
                for cid in category_ids:
                    for _ in range(PER_CELL):
                        n += 1
                        kind = KINDS[rng.randrange(7)]
                        when = now - timedelta(minutes=rng.randrange(1_300_000))
                        score = rng.random()
                        weight = 1.0 if kind not in ("essay", "scenario") else float(rng.randint(1, 4))
                        pw, pp = stored_weights(weight, kind, when, score)
                        yield (u["id"], cid, score, weight, when, kind, n, "", when, pw, pp)

        index_sql = ("CREATE INDEX ix_competency_evidence_profile ON competency_evidence "
                     "(user_id, category_id, occurred_at, profile_weight, profile_points, score)")
        db.session.remove()
        with engine.begin() as conn:  # load first, index after: much faster on both databases
            conn.execute(text("DROP INDEX ix_competency_evidence_profile"))
        if engine.dialect.name == "postgresql":
            raw = engine.raw_connection()
            try:
                with raw.cursor() as cur, cur.copy(f"COPY competency_evidence ({', '.join(columns)}) FROM STDIN") as cp:
                    for row in rows():
                        cp.write_row(row)
                raw.commit()
            finally:
                raw.close()
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(index_sql))
                conn.execute(text("VACUUM ANALYZE"))
        else:
            raw = engine.raw_connection()
            try:
                cur = raw.cursor()
                cur.execute("PRAGMA synchronous=OFF")  # a scratch database; durability is not measured
                cur.execute("BEGIN")  # the app's connections are in autocommit mode (kamtrain/core/db.py)
                placeholders = ", ".join("?" for _ in columns)
                sql = f"INSERT INTO competency_evidence ({', '.join(columns)}) VALUES ({placeholders})"
                batch = []
                for row in rows():
                    batch.append(row[:4] + (row[4].isoformat(sep=" "),) + row[5:8] + (row[8].isoformat(sep=" "),)
                                 + row[9:])
                    if len(batch) >= 100_000:
                        cur.executemany(sql, batch)
                        batch.clear()
                cur.executemany(sql, batch)
                cur.execute("COMMIT")
                cur.execute(index_sql)
                cur.execute("ANALYZE")
            finally:
                raw.close()
        return n


def measure(app, reps):
    from sqlalchemy import text

    from kamtrain.competency.reports import company_matrix
    from kamtrain.core.db import db

    with app.app_context():
        def product():
            lines = company_matrix()
            db.session.rollback()
            return sum(len(line.figures) for line in lines)

        def baseline():
            rows = db.session.execute(text(BASELINE_SQL)).all()
            db.session.rollback()
            return len(rows)

        cells = product()
        groups = baseline()
        times = {"product": [], "baseline": []}
        for _ in range(reps):
            for name, fn in (("product", product), ("baseline", baseline)):
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
        db.session.remove()
        db.engine.dispose()
    return cells, groups, {k: statistics.median(v) for k, v in times.items()}


def run(kind, trainees, reps, pg_url):
    with tempfile.TemporaryDirectory(prefix="kt-bench-gap-") as tmp:
        url = "sqlite:///" + str(Path(tmp) / "bench.sqlite") if kind == "sqlite" else pg_url
        if kind == "postgresql":
            fresh_database(url)
        try:
            app = make_app(url, tmp)
            start = time.perf_counter()
            rows = build(app, trainees)
            built = time.perf_counter() - start
            cells, groups, medians = measure(app, reps)
        finally:
            if kind == "postgresql":
                drop_database(url)
    result = {"evidence_rows": rows, "trainees": trainees, "cells": cells, "groups": groups,
              "product": round(medians["product"], 4), "baseline": round(medians["baseline"], 4),
              "ratio": round(medians["baseline"] / medians["product"], 3), "build_seconds": round(built, 1)}
    print(f"{kind}: {json.dumps(result)}", flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("KAMTRAIN_BENCH_PG_URL", PG_DEFAULT))
    parser.add_argument("--trainees", type=int)
    args = parser.parse_args()
    trainees = args.trainees or (2_500 if args.quick else 10_000)
    reps = 3 if args.quick else 7
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    if "postgresql" in kinds and not postgres_reachable(args.pg_url):
        if args.db == "postgresql":
            sys.exit("PostgreSQL is not reachable at " + args.pg_url)
        print("PostgreSQL not reachable; measuring SQLite only", flush=True)
        kinds = ["sqlite"]
    results = {kind: run(kind, trainees, reps, args.pg_url) for kind in kinds}
    worst = min(results, key=lambda k: results[k]["ratio"])
    print(json.dumps({"bench": "gap_report", "ratio": results[worst]["ratio"], "goal": 0.67,
                      "product": results[worst]["product"], "baseline": results[worst]["baseline"],
                      "unit": "s", "database": worst, "databases": results}))


if __name__ == "__main__":
    main()
