"""An exam under gunicorn (two workers, like production): killing every worker with SIGKILL in the middle
of an attempt loses no answer that was given, and a submission clicked many times at once grades once.

Runs on SQLite by default and on PostgreSQL with KAMTRAIN_TEST_DATABASE_URL (issue 6 asks for both)."""

import http.client
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kamtrain.core.db import db
from tests.core.test_gunicorn import free_port
from tests.dbutil import demo_site

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.no_db


@pytest.fixture(scope="module")
def live(database_url, tmp_path_factory):
    """gunicorn with 2 workers on its own database (content and the demo organisation loaded)."""

    tmp = tmp_path_factory.mktemp("exams_live")
    app, url = demo_site(database_url, "exams_live", tmp)
    env = dict(os.environ, KAMTRAIN_DATABASE_URL=url, KAMTRAIN_INSTANCE_PATH=str(tmp / "instance"),
               KAMTRAIN_LOGIN_RATE_LIMIT="1000 per minute")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
         "kamtrain:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    _wait_until_up(base)
    yield {"base": base, "server": server, "app": app, "url": url}
    server.send_signal(signal.SIGTERM)
    server.wait(15)
    with app.app_context():
        db.engine.dispose()


def _wait_until_up(base, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not come up")


class Browser:
    """Cookies, CSRF and form posts over plain HTTP (no redirects followed unless asked)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect)
        self.token = None

    def request(self, path, data=None, accept=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        if accept:
            req.add_header("Accept", accept)
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def get(self, path):
        status, headers, text = self.request(path)
        found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', text)
        if found:
            self.token = found.group(1)
        return status, headers, text

    def post(self, path, data=None, accept=None):
        return self.request(path, {"csrf_token": self.token, **(data or {})}, accept=accept)

    def sign_in(self, username):
        self.get("/login")
        status, headers, _ = self.post("/login", {"username": username, "password": "kamtrain-demo"})
        assert status == 302, status


def _exam_for(browser):
    _, _, html = browser.get("/quizzes/")
    quiz = re.search(r'action="/quizzes/(\d+)/start"', html)
    assert quiz, "the demo assigns this trainee an exam not started yet"
    status, headers, _ = browser.post(f"/quizzes/{quiz.group(1)}/start")
    assert status == 302
    return int(headers["Location"].rsplit("/", 1)[1])


def _answer_fields(html, position):
    """Some plausible answer for the question on this page, as form fields."""
    prefix = f"s{position}"
    fields = {}
    for name, value in re.findall(rf'type="(?:radio|checkbox)" name="({prefix}(?:-\d+)?)" value="([^"]+)"', html):
        fields.setdefault(name, value)
    for name, options in re.findall(rf'<select name="({prefix}(?:-\d+)?)"[^>]*>(.*?)</select>', html, re.S):
        values = [v for v in re.findall(r'<option value="([^"]*)"', options) if v]
        if values:
            fields[name] = values[-1]
    for name in re.findall(rf'<input type="text"[^>]*name="({prefix}(?:-\d+)?)"', html):
        fields[name] = f"答案{position}"
    for name in re.findall(rf'<textarea id="{prefix}-text" name="({prefix})"', html):
        fields[name] = f"第{position}题：先倾听客户，再给出处理时间表。"
    assert fields, f"no answer fields for question {position}"
    return fields


def _questions(browser, attempt_id):
    _, _, html = browser.get(f"/attempts/{attempt_id}")
    return [int(p) for p in re.findall(r'data-position="(\d+)"\s+class="navq', html)]


def _kill_workers(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    assert len(children) == 2
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)
    return children


def test_killing_the_workers_mid_attempt_loses_no_answer(live):
    browser = Browser(live["base"])
    browser.sign_in("trainee07")
    attempt_id = _exam_for(browser)
    positions = _questions(browser, attempt_id)
    assert len(positions) == 40  # sales-4: the syllabus's blueprint
    given = {}
    half = len(positions) // 2

    for position in positions[:half]:
        _, _, html = browser.get(f"/attempts/{attempt_id}?page={position}")
        fields = _answer_fields(html, position)
        status, _, body = browser.post(f"/attempts/{attempt_id}/answers",
                                       {**fields, "positions": str(position)}, accept="application/json")
        assert status == 200, body
        given[position] = fields

    # an answer in flight while every worker is killed: either it was stored, or the client retries
    position = positions[half]
    _, _, html = browser.get(f"/attempts/{attempt_id}?page={position}")
    fields = _answer_fields(html, position)
    outcome = {}

    def send():
        try:
            outcome["result"] = browser.post(f"/attempts/{attempt_id}/answers",
                                             {**fields, "positions": str(position)}, accept="application/json")
        except (OSError, http.client.HTTPException) as error:  # the worker died under the request
            outcome["error"] = error

    sender = threading.Thread(target=send)
    sender.start()
    killed = _kill_workers(live["server"])
    sender.join(30)
    given[position] = fields
    _wait_until_up(live["base"])
    for _ in range(50):  # the master starts new workers
        children = Path(f"/proc/{live['server'].pid}/task/{live['server'].pid}/children").read_text().split()
        if len(children) == 2 and not set(children) & set(killed):
            break
        time.sleep(0.1)
    if outcome.get("result", (None,))[0] != 200:
        status, _, body = browser.post(f"/attempts/{attempt_id}/answers", {**fields, "positions": str(position)},
                                       accept="application/json")
        assert status == 200, body

    # after the kill: every answer given is on its page again
    for position, fields in given.items():
        _, _, html = browser.get(f"/attempts/{attempt_id}?page={position}")
        for name, value in fields.items():
            if re.search(rf'name="{name}" value="{re.escape(value)}" checked', html):
                continue
            if re.search(rf'<option value="{re.escape(value)}" selected>', html):
                continue
            assert value in html, f"question {position}: {name}={value} lost after SIGKILL"

    for position in positions[half + 1:]:
        _, _, html = browser.get(f"/attempts/{attempt_id}?page={position}")
        fields = _answer_fields(html, position)
        status, _, _ = browser.post(f"/attempts/{attempt_id}/answers", {**fields, "positions": str(position)},
                                    accept="application/json")
        assert status == 200
    _, _, summary = browser.get(f"/attempts/{attempt_id}/summary")
    assert "flash info" not in summary  # nothing unanswered
    status, headers, _ = browser.post(f"/attempts/{attempt_id}/submit")
    assert status == 302 and headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    _, _, result = browser.get(f"/attempts/{attempt_id}/result")
    assert result.count('data-category="') == 12

    with live["app"].app_context():
        from kamtrain.assessment.attempts import Attempt

        attempt = db.session.get(Attempt, attempt_id)
        assert all(s.response is not None for s in attempt.slots)
        assert attempt.state in ("graded", "needs_marking")
        db.session.remove()


def test_a_submission_clicked_many_times_at_once_grades_once(live):
    browser = Browser(live["base"])
    browser.sign_in("trainee17")
    attempt_id = _exam_for(browser)
    for position in _questions(browser, attempt_id)[:10]:
        _, _, html = browser.get(f"/attempts/{attempt_id}?page={position}")
        browser.post(f"/attempts/{attempt_id}/answers", {**_answer_fields(html, position), "positions": str(position)})
    results = []
    barrier = threading.Barrier(8)

    def click():
        barrier.wait()
        results.append(browser.post(f"/attempts/{attempt_id}/submit"))

    threads = [threading.Thread(target=click) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 8
    assert {status for status, _, _ in results} == {302}, [r[0] for r in results]
    assert {headers["Location"] for _, headers, _ in results} == {f"/attempts/{attempt_id}/result"}
    # a retry after a time-out lands on the same result
    status, headers, _ = browser.post(f"/attempts/{attempt_id}/submit")
    assert status == 302 and headers["Location"].endswith("/result")

    with live["app"].app_context():
        from kamtrain.assessment.attempts import Attempt
        from kamtrain.competency.models import Evidence

        attempt = db.session.get(Attempt, attempt_id)
        graded = [s for s in attempt.slots if s.fraction is not None]
        evidence = db.session.scalars(db.select(Evidence).where(
            Evidence.source_id.in_([s.id for s in attempt.slots]), Evidence.source_kind == "exam")).all()
        assert len(evidence) == len([s for s in graded if s.version.qtype != "essay"])
        assert attempt.submitted_at is not None and attempt.closed_by == "trainee"
        db.session.remove()
