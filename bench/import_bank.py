"""Benchmark: importing a 10,000-question GIFT file into the bank on SQLite (issue 5, CONTRACT §5).

product  — ``kamtrain.assessment.bank.import_files``: decode, parse, validate and store the file
           (questions, versions, tags) in one transaction, as ``kamtrain bank import`` does.
baseline — a raw ``sqlite3`` ``executemany`` of exactly the rows the product stored (read back
           from the database after a product run), into the same tables, in one transaction.

Repetitions are interleaved (product, baseline, product, …) and the medians compared; the
tables are emptied before every repetition. ratio = baseline ÷ product (higher is better);
the issue asks for at least 1/3, i.e. the import takes at most three times the raw insert.

    python bench/import_bank.py [--quick] [--questions N]
"""

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TABLES = ("question_tags", "question_files", "question_versions", "questions")  # children first


def generate_gift(count, seed=7):
    """A GIFT file of ``count`` questions of the auto-graded types and essays, with kamtrain's tags."""
    rng = random.Random(seed)
    codes = ["information", "consultative_selling", "it_knowledge", "communication", "customer_service",
             "project_management", "problem_solving", "teamwork", "sharing", "learning", "review_innovation",
             "career_planning"]
    out = []
    per_category = -(-count // len(codes))
    n = 0
    for code in codes:
        out.append(f"$CATEGORY: $course$/top/bench/{code}\n")
        for _ in range(per_category):
            if n >= count:
                break
            n += 1
            level, diff = rng.randint(1, 4), rng.randint(1, 3)
            out.append(f"// [id:BENCH-{n:05d}] [tag:level-{level}] [tag:difficulty-{diff}] [tag:track-sales]")
            kind = n % 6
            name = f"::BENCH-{n:05d} 第{n}题::"
            if kind == 0:
                out.append(f"{name}客户经理拜访第{n}家企业客户前，最应该先做哪一项准备？{{\n"
                           f"=整理客户的基础信息和拜访目标#对，先有客户画像再设计提问。\n"
                           f"~直接带报价单上门#在不了解需求时报价，容易陷入价格战。\n"
                           f"~等客户主动联系#被动等待会错失时机。\n"
                           f"~只看客户的历史账单#账单只是信息的一部分。\n"
                           f"####信息收集是营销工作的起点。\n}}")
            elif kind == 1:
                out.append(f"{name}客户流失通常会经历想法、诱因、决定和行动四个阶段（第{n}题）。"
                           "{T#想一想流失的阶段。#对。}")
            elif kind == 2:
                out.append(f"{name}向客户了解需求时，先问开放式问题、再逐步收窄的提问方式叫什么？{{"
                           f"=漏斗式提问#对。 =%50%漏斗*#基本正确。}}")
            elif kind == 3:
                out.append(f"{name}10380 乘以 1.153 等于多少（保留两位小数，第{n}题）？"
                           "{#=11968.14:0.01#对。 ~#再算一遍。}")
            elif kind == 4:
                out.append(f"{name}把信息与档案类别配对（第{n}题）。{{\n"
                           f"=员工人数 -> 基础信息\n=谁拍板 -> 客户关系信息\n=专线数量 -> 网络与业务信息\n}}")
            else:
                out.append(f"{name}结合第{n}家客户的情况，说明你会如何制定年度客户规划。{{}}")
            out.append("\n")
    return "\n".join(out).encode("utf-8")


def make_app(db_path):
    os.environ["KAMTRAIN_INSTANCE_PATH"] = str(Path(db_path).parent)
    from flask_migrate import upgrade

    from kamtrain import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "TESTING": True})
    with app.app_context():
        upgrade()
    return app


def empty_tables(db_path):
    con = sqlite3.connect(db_path)
    with con:
        for table in TABLES:
            con.execute(f"DELETE FROM {table}")  # noqa: S608 — fixed table names
        con.execute("DELETE FROM question_categories")
    con.close()


def run_product(app, data):
    from kamtrain.assessment.bank import import_files
    from kamtrain.core.db import db

    with app.app_context():
        start = time.perf_counter()
        report = import_files([("bench.gift", data)])
        db.session.commit()
        elapsed = time.perf_counter() - start
        db.session.remove()
    assert not report["files"][0]["errors"], report["files"][0]["errors"][:3]
    return elapsed, report["imported"]


def snapshot_rows(db_path):
    """Every row the product wrote, per table, to be inserted again by the baseline."""
    con = sqlite3.connect(db_path)
    rows = {}
    for table in ("question_categories", "questions", "question_versions", "question_tags"):
        cursor = con.execute(f"SELECT * FROM {table}")  # noqa: S608
        columns = [d[0] for d in cursor.description]
        rows[table] = (columns, cursor.fetchall())
    con.close()
    return rows


def run_baseline(db_path, rows):
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA foreign_keys=ON")
    start = time.perf_counter()
    con.execute("BEGIN")
    for table in ("question_categories", "questions", "question_versions", "question_tags"):
        columns, values = rows[table]
        marks = ", ".join("?" for _ in columns)
        con.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)  # noqa: S608
    con.execute("COMMIT")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (under a minute)")
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args()
    repeat = args.repeat or (3 if args.quick else 7)

    data = generate_gift(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = str(Path(tmp) / "bench.sqlite")
        app = make_app(db_path)
        product_times, baseline_times = [], []
        warm, imported = run_product(app, data)  # warm-up, and the rows the baseline will insert
        rows = snapshot_rows(db_path)
        print(f"{imported} questions, {len(data) / 1e6:.1f} MB of GIFT; warm-up import {warm:.3f} s", file=sys.stderr)
        for i in range(repeat):
            empty_tables(db_path)
            product, _ = run_product(app, data)
            empty_tables(db_path)
            baseline = run_baseline(db_path, rows)
            product_times.append(product)
            baseline_times.append(baseline)
            print(f"rep {i + 1}: product {product:.3f} s, baseline {baseline:.3f} s", file=sys.stderr)
    product, baseline = statistics.median(product_times), statistics.median(baseline_times)
    print(json.dumps({"bench": "import_bank", "ratio": round(baseline / product, 4), "goal": round(1 / 3, 4),
                      "product": round(product, 4), "baseline": round(baseline, 4), "unit": "s",
                      "questions": args.questions, "repeat": repeat}))


if __name__ == "__main__":
    main()
