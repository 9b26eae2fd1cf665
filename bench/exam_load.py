"""Benchmark: 200 simulated trainees take a certification exam at the same time (issue 6, CONTRACT §5).

kamtrain runs under gunicorn (2 sync workers) on PostgreSQL. Every simulated trainee, in its own
thread, starts the sales-4 exam, opens it (all questions on one page), answers questions one by one
as the page's autosave does (a POST per answer), and submits; then the database is read back.

* lost answers: answers the server acknowledged (200) that are not in the database as sent (must be 0);
* server errors: 5xx responses (must be 0);
* p50 / p99 latency of the answer saves.

product = answers stored as sent, baseline = answers sent; ratio = product ÷ baseline (goal 1.0).
Trainees are signed in with session cookies made with the app's key (a real sign-in per trainee would
measure the password hash, not the exam).

    python bench/exam_load.py [--quick] [--trainees 200] [--answers 40] [--database-url postgresql+psycopg://…]

--quick: 100 trainees answering 8 questions each (the full run: 200 trainees, all 40 questions).

The database (default: KAMTRAIN_BENCH_DATABASE_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/
kamtrain_bench) is dropped and created again.
"""

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._http import start_gunicorn, stop  # noqa: E402
from bench._pg import DEFAULT_URL, fresh_database  # noqa: E402

SECRET = "bench-secret-key-not-for-production"


def prepare(url, tmp, trainees):
    """Schema, content, the trainees (one team) and a sales-4 sitting assigned to the team; session cookies."""
    os.environ["KAMTRAIN_INSTANCE_PATH"] = str(tmp / "instance")
    os.environ["KAMTRAIN_SECRET_KEY"] = SECRET
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from kamtrain import create_app
    from kamtrain.accounts.models import Team, User, UserRole, new_session_token
    from kamtrain.accounts.operations import org_unit_by_path
    from kamtrain.accounts.passwords import hash_password
    from kamtrain.assessment import quiz_operations
    from kamtrain.assessment.quizzes import QuizAssignment
    from kamtrain.content.models import Syllabus
    from kamtrain.content.sync import sync_content
    from kamtrain.core.db import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            upgrade()
        assert sync_content(app.config["CONTENT_DIR"]).ok
        team = Team(name="压测班组", org_unit=org_unit_by_path("压测市/压测支局", create=True))
        db.session.add(team)
        db.session.flush()
        password = hash_password("bench-password-1")  # one hash for all: nobody signs in with it
        tokens = [new_session_token() for _ in range(trainees)]
        ids = db.session.execute(insert(User).returning(User.id, sort_by_parameter_order=True), [
            {"username": f"load{i:04d}", "full_name": f"压测学员{i}", "password_hash": password, "session_token": t,
             "active": True, "must_change_password": False, "track": "sales", "target_level": 4,
             "team_id": team.id} for i, t in enumerate(tokens)]).scalars().all()
        db.session.execute(insert(UserRole), [{"user_id": i, "role": "trainee"} for i in ids])
        syllabus = db.session.scalar(db.select(Syllabus).filter_by(code="sales-4"))
        quiz = quiz_operations.create_exam(None, syllabus, time_limit_minutes=120)
        db.session.add(QuizAssignment(quiz_id=quiz.id, team_id=team.id))
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        cookies = [f"kamtrain_session={serializer.dumps({'_user_id': t, '_fresh': False})}" for t in tokens]
        quiz_id = quiz.id
        db.session.remove()
        db.engine.dispose()
    return app, quiz_id, cookies


class Trainee:
    def __init__(self, port, cookie, quiz_id, answers):
        self.port, self.cookie, self.quiz_id, self.answers = port, cookie, quiz_id, answers
        self.sent, self.acknowledged, self.latencies, self.statuses = {}, {}, [], []
        self.timings = []  # (kind of request, seconds)
        self.attempt_id = None
        self.error = None

    def request(self, method, path, form=None, accept="text/html", kind="other"):
        started = time.perf_counter()
        try:
            return self._request(method, path, form, accept)
        finally:
            self.timings.append((kind, time.perf_counter() - started))

    def _request(self, method, path, form, accept):
        body = urllib.parse.urlencode(form, doseq=True) if form is not None else None
        headers = {"Cookie": self.cookie, "Accept": accept, "User-Agent": "kamtrain-bench"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            self.statuses.append(response.status)
            for name, value in response.getheaders():  # the session gains its CSRF secret on the first page
                if name.lower() == "set-cookie" and value.startswith("kamtrain_session="):
                    self.cookie = value.split(";", 1)[0]
            return response.status, response.getheader("Location"), text
        finally:
            conn.close()

    def run(self):
        try:
            # the exam's page, with its start button
            _, _, html = self.request("GET", f"/quizzes/{self.quiz_id}", kind="quiz page")
            token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
            status, location, _ = self.request("POST", f"/quizzes/{self.quiz_id}/start", {"csrf_token": token},
                                                 kind="start")
            assert status == 302 and "/attempts/" in location, (status, location)
            self.attempt_id = int(location.rsplit("/", 1)[1])
            _, _, html = self.request("GET", f"/attempts/{self.attempt_id}?view=all", kind="all questions")
            token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
            page_token = re.search(r'name="page_token" value="([^"]+)"', html).group(1)
            questions = _answerable(html)
            for seq, (position, fields) in enumerate(questions[:self.answers], 1):
                form = {"csrf_token": token, "page_token": page_token, "seq": str(seq), "positions": str(position),
                        **fields}
                self.sent[position] = fields
                started = time.perf_counter()
                status, _, _ = self.request("POST", f"/attempts/{self.attempt_id}/answers", form,
                                            accept="application/json", kind="save")
                self.latencies.append(time.perf_counter() - started)
                if status == 200:
                    self.acknowledged[position] = fields
            self.request("POST", f"/attempts/{self.attempt_id}/submit", {"csrf_token": token}, kind="submit")
        except Exception as error:  # noqa: BLE001 — reported, not raised, so the other trainees go on
            self.error = repr(error)


def _answerable(html):
    """[(position, {field: value})] — one plausible answer per question on an all-questions page."""
    out = []
    starts = [(m.start(), int(m.group(1))) for m in re.finditer(r'<div class="slot" id="q(\d+)"', html)]
    for (start, position), end in zip(starts, [s for s, _ in starts[1:]] + [len(html)], strict=True):
        part = html[start:end]
        prefix = f"s{position}"
        fields = {}
        for name, value in re.findall(rf'type="(?:radio|checkbox)" name="({prefix}(?:-\d+)?)" value="([^"]+)"', part):
            fields.setdefault(name, value)
        for name, options in re.findall(rf'<select name="({prefix}(?:-\d+)?)"[^>]*>(.*?)</select>', part, re.S):
            values = [v for v in re.findall(r'<option value="([^"]*)"', options) if v]
            if values:
                fields[name] = values[0]
        for name in re.findall(rf'<input type="text"[^>]*name="({prefix}(?:-\d+)?)"', part):
            fields[name] = f"答{position}"
        for name in re.findall(rf'<textarea id="{prefix}-text" name="({prefix})"', part):
            fields[name] = f"第{position}题的回答：先确认客户的影响范围，再给出处理时间表。"
        if fields:
            out.append((position, fields))
    return out


def stored_answers(app, attempt_ids):
    """{attempt id: {position: response in the bank's indexes}} read back from the database."""
    from kamtrain.assessment.attempts import AttemptSlot
    from kamtrain.core.db import db

    with app.app_context():
        rows = db.session.execute(db.select(AttemptSlot.attempt_id, AttemptSlot.position, AttemptSlot.response)
                                  .where(AttemptSlot.attempt_id.in_(attempt_ids))).all()
        db.session.remove()
        db.engine.dispose()
    out = {}
    for attempt_id, position, response in rows:
        out.setdefault(attempt_id, {})[position] = response
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 trainees answering 8 questions (under a minute)")
    parser.add_argument("--trainees", type=int, default=None)
    parser.add_argument("--answers", type=int, default=None)
    parser.add_argument("--database-url", default=os.environ.get("KAMTRAIN_BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    answers = args.answers or (8 if args.quick else 40)
    args.trainees = args.trainees or (100 if args.quick else 200)
    if not args.database_url.startswith("postgresql"):
        sys.exit("exam_load runs on PostgreSQL (--database-url postgresql+psycopg://…)")
    fresh_database(args.database_url)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        app, quiz_id, cookies = prepare(args.database_url, tmp, args.trainees)
        env = {"KAMTRAIN_DATABASE_URL": args.database_url, "KAMTRAIN_INSTANCE_PATH": str(tmp / "instance"),
               "KAMTRAIN_SECRET_KEY": SECRET}
        server, port = start_gunicorn("kamtrain:create_app()", env)
        try:
            trainees = [Trainee(port, cookie, quiz_id, answers) for cookie in cookies]
            threads = [threading.Thread(target=t.run) for t in trainees]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
        finally:
            stop(server)
        stored = stored_answers(app, [t.attempt_id for t in trainees if t.attempt_id])

    sent = sum(len(t.sent) for t in trainees)
    acknowledged = sum(len(t.acknowledged) for t in trainees)
    kept = lost = 0
    for t in trainees:
        in_db = stored.get(t.attempt_id, {})
        for position in t.sent:
            if in_db.get(position) is not None:
                kept += 1
            elif position in t.acknowledged:
                lost += 1
    server_errors = sum(1 for t in trainees for s in t.statuses if s >= 500)
    failures = [t.error for t in trainees if t.error]
    latencies = sorted(x for t in trainees for x in t.latencies)
    p50 = 1000 * statistics.median(latencies) if latencies else None
    p99 = 1000 * latencies[max(0, int(len(latencies) * 0.99) - 1)] if latencies else None
    print(f"{args.trainees} trainees, {answers} answers each, {elapsed:.1f} s: sent {sent}, acknowledged "
          f"{acknowledged}, stored {kept}", file=sys.stderr)
    print(f"lost answers: {lost}", file=sys.stderr)
    print(f"server errors: {server_errors}", file=sys.stderr)
    print(f"answer saves: p50 {p50:.0f} ms, p99 {p99:.0f} ms" if latencies else "no answers", file=sys.stderr)
    kinds = {}
    for t in trainees:
        for kind, seconds in t.timings:
            kinds.setdefault(kind, []).append(seconds)
    print("median by request: " + ", ".join(f"{k} {1000 * statistics.median(v):.0f} ms" for k, v in kinds.items()),
          file=sys.stderr)
    if failures:
        print(f"{len(failures)} trainee(s) failed: {failures[:3]}", file=sys.stderr)
    print(json.dumps({"bench": "exam_load", "ratio": round(kept / sent, 4) if sent else 0.0, "goal": 1.0,
                      "product": kept, "baseline": sent, "unit": "answers", "lost_answers": lost,
                      "server_errors": server_errors, "p50_ms": round(p50, 1) if p50 else None,
                      "p99_ms": round(p99, 1) if p99 else None, "trainees": args.trainees,
                      "answers_per_trainee": answers, "seconds": round(elapsed, 1), "failed_trainees": len(failures),
                      "workers": 2, "database": "postgresql"}))


if __name__ == "__main__":
    main()
