"""Benchmark: exporting 1,000,000 certification records to CSV on PostgreSQL (issue 9, CONTRACT §5).

product  — ``kamtrain.records.export.write_csv`` in a child process (a fresh interpreter and app, as
           a job worker would): one SELECT joining certificates, holders, teams and org units whose
           rows come out of the database as finished CSV lines, read through a named (server-side)
           cursor in batches, so memory stays flat; peak memory is reported.
baseline — ``psql -c "\\copy (<the same SELECT>) TO STDOUT CSV"`` on the same data (the product's
           query compiled with literal values, as tuples: psql formats the CSV itself).

The database is KAMTRAIN_BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/
kamtrain_bench), dropped and created afresh. Repetitions are interleaved and the medians compared.
ratio = baseline ÷ product (higher is better); the issue asks for at least 0.5.

    python bench/export_records_pg.py [--quick] [--rows N]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from _pg import DEFAULT_URL, fresh_database, libpq_url
from export_records import (
    BASE_URL,
    CERT_COLUMNS,
    check_same,
    export_sql,
    generated_rows,
    make_app,
    prepare_schema,
    run_product,
)


def load_pg(url, rows, syllabi):
    import psycopg

    units, teams, users, certificates = generated_rows(rows, syllabi)
    with psycopg.connect(libpq_url(url)) as con, con.cursor() as cur:
        with cur.copy("COPY org_units (id, name, kind, parent_id) FROM STDIN") as copy:
            for row in units:
                copy.write_row(row)
        with cur.copy("COPY teams (id, name, org_unit_id) FROM STDIN") as copy:
            for row in teams:
                copy.write_row(row)
        with cur.copy("COPY users (id, username, employee_no, full_name, session_token, team_id, created_at, "
                      "must_change_password, active, track) FROM STDIN") as copy:
            for row in users:
                copy.write_row((*row, False, True, "sales"))
        with cur.copy(f"COPY certificates ({CERT_COLUMNS}) FROM STDIN") as copy:
            for row in certificates():
                copy.write_row(row)
        con.commit()
        con.autocommit = True
        cur.execute("VACUUM ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rows (under a minute)")
    parser.add_argument("--rows", type=int, help="certification rows (default 1,000,000; --quick 200,000)")
    parser.add_argument("--repeat", type=int)
    args = parser.parse_args()
    if not shutil.which("psql"):
        sys.exit("psql is needed (apt-get install postgresql-client)")
    url = os.environ.get("KAMTRAIN_BENCH_DATABASE_URL", DEFAULT_URL)
    rows = args.rows or (200_000 if args.quick else 1_000_000)
    repeat = args.repeat or 3
    fresh_database(url)
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(url, tmp)
        syllabi = prepare_schema(app)
        t = time.perf_counter()
        load_pg(url, rows, syllabi)
        print(f"{rows} rows loaded in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        sql = export_sql(app, "postgresql").replace("\n", " ")
        products, baselines, peaks = [], [], []
        for i in range(repeat):
            out = f"{tmp}/product.csv"
            result = run_product(url, out, tmp)
            products.append(result["seconds"])
            peaks.append(result["peak_mb"])
            base_out = f"{tmp}/baseline.csv"
            start = time.perf_counter()
            with open(base_out, "wb") as f:
                subprocess.run(["psql", "-X", "-q", libpq_url(url), "-c", f"\\copy ({sql}) TO STDOUT CSV"],
                               stdout=f, check=True)
            baselines.append(time.perf_counter() - start)
            if i == 0:
                check_same(out, base_out, rows)
            print(f"rep {i + 1}: product {products[-1]:.3f} s (peak {peaks[-1]:.0f} MB), "
                  f"baseline {baselines[-1]:.3f} s", file=sys.stderr)
    product, baseline = statistics.median(products), statistics.median(baselines)
    print(f"peak memory of the product's export: {max(peaks):.0f} MB (goal < 300 MB)", file=sys.stderr)
    print(json.dumps({"bench": "export_records_pg", "ratio": round(baseline / product, 3), "goal": 0.5,
                      "product": round(product, 3), "baseline": round(baseline, 3),
                      "unit": f"seconds for {rows} rows to CSV", "peak_memory_mb": round(max(peaks), 1),
                      "base_url": BASE_URL}))


if __name__ == "__main__":
    main()
