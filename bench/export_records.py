"""Benchmark: exporting 1,000,000 certification records to CSV on SQLite (issue 9, CONTRACT §5).

product  — ``kamtrain.records.export.write_csv`` (what the records page and the background export
           job run): one SELECT joining certificates, holders, teams and org units, with the
           status, dates and verify URL computed by the database, streamed from the cursor in
           batches through ``csv.writer`` into a UTF-8 file with a BOM. It runs in a child process
           (a fresh interpreter and app, as a job worker would) whose peak memory is reported.
baseline — the ``sqlite3 -csv`` command-line shell running the very same SELECT (the product's
           query compiled with literal values) on the same database, output to a file.

Repetitions are interleaved (product, baseline, …) and the medians compared. ratio = baseline ÷
product (higher is better); the issue asks for at least 0.4. Peak memory goal: < 300 MB.

    python bench/export_records.py [--quick] [--rows N]
"""

import argparse
import contextlib
import csv
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASE_URL = "https://kamtrain.example.com"
TODAY = date(2026, 11, 24)  # fixed, so product and baseline compute the same statuses
PEOPLE_PER_TEAM, TEAMS_PER_BRANCH = 12, 10


def make_app(url, tmp):
    os.environ.setdefault("KAMTRAIN_SECRET_KEY", "bench")
    os.environ["KAMTRAIN_INSTANCE_PATH"] = tmp
    from kamtrain import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "PUBLIC_URL": BASE_URL})


def prepare_schema(app):
    from flask_migrate import upgrade

    from kamtrain.content.models import Syllabus
    from kamtrain.content.sync import sync_content
    from kamtrain.core.db import db

    with app.app_context():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            upgrade()
        assert sync_content(app.config["CONTENT_DIR"]).ok
        syllabi = [(s.id, s.track, s.level, s.title_zh, s.title_en, s.validity_months)
                   for s in db.session.scalars(db.select(Syllabus).order_by(Syllabus.id))]
        db.session.remove()
        db.engine.dispose()
    return syllabi


SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "海涛思琪建国晓燕文博雪梅志远丽娜明辉婷婷振华佳怡国栋晓玲宇航静怡俊杰美玲天翔诗涵"


def generated_rows(rows, syllabi):
    """(org units, teams, users, certificates) as tuples for bulk loading: about 2 certificates per
    person, in every status."""
    people = max(1, rows // 2)
    teams = -(-people // PEOPLE_PER_TEAM)
    branches = -(-teams // TEAMS_PER_BRANCH)
    units = [(1, "杭州市分公司", "city", None)] + [(2 + b, f"第{b + 1}政企支局", "branch", 1) for b in range(branches)]
    team_rows = [(t + 1, f"政企客户{t + 1}组", 2 + t // TEAMS_PER_BRANCH) for t in range(teams)]
    now = "2026-11-24 08:00:00.000000"
    users = []
    for p in range(people):
        name = SURNAMES[p % len(SURNAMES)] + GIVEN[(p * 2) % len(GIVEN):(p * 2) % len(GIVEN) + 2]
        users.append((p + 1, f"u{p:07d}", f"E{p:07d}", name, f"tok{p:09d}", 1 + p // PEOPLE_PER_TEAM, now))

    def certificates():
        for i in range(rows):
            p = i % people
            syl = syllabi[i % len(syllabi)]
            issued = TODAY - timedelta(days=(i * 37) % 1500)
            expires = issued + timedelta(days=365 * syl[5] // 12 - 1)
            revoked = now if i % 97 == 0 else None
            yield (i + 1, f"KT-{issued.year}-{i + 1:06d}", "ABCDEFGH"[i % 8] * 8, p + 1, syl[0], syl[1], syl[2],
                   users[p][3], syl[3], syl[4], issued.isoformat(), expires.isoformat(), now, f"b:{i}", revoked,
                   "bench" if revoked else None)

    return units, team_rows, users, certificates


USER_SQL = ("INSERT INTO users (id, username, employee_no, full_name, session_token, team_id, created_at, "
            "must_change_password, active, track) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1, 'sales')")
CERT_COLUMNS = ("id, serial, check_code, user_id, syllabus_id, track, level, holder_name, title_zh, title_en, "
                "issued_on, expires_on, created_at, award_key, revoked_at, revoke_reason")


def load_sqlite(path, rows, syllabi):
    units, teams, users, certificates = generated_rows(rows, syllabi)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    with con:
        con.executemany("INSERT INTO org_units (id, name, kind, parent_id) VALUES (?, ?, ?, ?)", units)
        con.executemany("INSERT INTO teams (id, name, org_unit_id) VALUES (?, ?, ?)", teams)
        con.executemany(USER_SQL, users)
        con.executemany(f"INSERT INTO certificates ({CERT_COLUMNS}) VALUES ({', '.join('?' * 16)})", certificates())
    con.execute("ANALYZE")
    con.close()


def export_sql(app, dialect_name):
    """The product's SELECT with its values written in, for the command-line baseline."""
    from kamtrain.records import search

    with app.app_context():
        select = search.export_select(search.RecordFilter(), TODAY, BASE_URL)
        from kamtrain.core.db import db

        compiled = select.compile(dialect=db.engine.dialect,
                                  compile_kwargs={"literal_binds": True, "render_postcompile": True})
        db.engine.dispose()
    return str(compiled)


def child_product(url, out, tmp):
    """In a fresh process: export everything with the product's code; report time and peak memory."""
    from kamtrain.core.db import db
    from kamtrain.records import export, search

    app = make_app(url, tmp)
    with app.app_context():
        start = time.perf_counter()
        export.write_csv(out, search.RecordFilter(), today=TODAY, base_url=BASE_URL)
        elapsed = time.perf_counter() - start
        db.session.remove()
        db.engine.dispose()
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_memory_mb()}))


def peak_memory_mb():
    """This process's peak resident memory. VmHWM belongs to the process image (getrusage's maxrss
    would carry over the parent's peak across fork and exec)."""
    # no /proc (not Linux): fall back to getrusage below
    with contextlib.suppress(OSError), open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_product(url, out, tmp):
    result = subprocess.run([sys.executable, __file__, "--child-product", url, out, tmp], capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def count_lines(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f))


def check_same(product_csv, baseline_csv, rows):
    """Same rows in both files (the product adds a BOM and a header)."""
    assert count_lines(product_csv) == rows + 1, "product row count"
    assert count_lines(baseline_csv) == rows, "baseline row count"
    with open(product_csv, encoding="utf-8-sig", newline="") as a, open(baseline_csv, encoding="utf-8",
                                                                          newline="") as b:
        ra, rb = csv.reader(a), csv.reader(b)
        next(ra)
        for _, x, y in zip(range(1000), ra, rb, strict=False):
            assert x == y, (x, y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rows and repetitions (under a minute)")
    parser.add_argument("--rows", type=int, help="certification rows (default 1,000,000; --quick 300,000)")
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--child-product", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_product:
        return child_product(*args.child_product)
    if not shutil.which("sqlite3"):
        sys.exit("the sqlite3 command-line shell is needed (apt-get install sqlite3)")
    rows = args.rows or (300_000 if args.quick else 1_000_000)
    repeat = args.repeat or 3
    with tempfile.TemporaryDirectory() as tmp:
        db_path = f"{tmp}/bench.sqlite"
        url = f"sqlite:///{db_path}"
        app = make_app(url, tmp)
        syllabi = prepare_schema(app)
        t = time.perf_counter()
        load_sqlite(db_path, rows, syllabi)
        print(f"{rows} rows loaded in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        sql = export_sql(app, "sqlite")
        products, baselines, peaks = [], [], []
        for i in range(repeat):
            out = f"{tmp}/product.csv"
            result = run_product(url, out, tmp)
            products.append(result["seconds"])
            peaks.append(result["peak_mb"])
            base_out = f"{tmp}/baseline.csv"
            start = time.perf_counter()
            with open(base_out, "wb") as f:
                subprocess.run(["sqlite3", "-csv", db_path, sql], stdout=f, check=True)
            baselines.append(time.perf_counter() - start)
            if i == 0:
                check_same(out, base_out, rows)
            print(f"rep {i + 1}: product {products[-1]:.3f} s (peak {peaks[-1]:.0f} MB), "
                  f"baseline {baselines[-1]:.3f} s", file=sys.stderr)
    product, baseline = statistics.median(products), statistics.median(baselines)
    print(f"peak memory of the product's export: {max(peaks):.0f} MB (goal < 300 MB)", file=sys.stderr)
    print(json.dumps({"bench": "export_records", "ratio": round(baseline / product, 3), "goal": 0.4,
                      "product": round(product, 3), "baseline": round(baseline, 3),
                      "unit": f"seconds for {rows} rows to CSV", "peak_memory_mb": round(max(peaks), 1)}))


if __name__ == "__main__":
    main()
