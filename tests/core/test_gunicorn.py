"""kamtrain under gunicorn with several workers: a session started on one worker is honoured by
the others (no per-process state), including when the secret key is generated on first start."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.dbutil import demo_site

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.no_db
def test_sessions_work_across_gunicorn_workers(database_url, tmp_path):

    _app, url = demo_site(database_url, "gunicorn", tmp_path, content=False)

    instance = tmp_path / "instance"
    env = {k: v for k, v in os.environ.items() if k != "KAMTRAIN_SECRET_KEY"}
    env.update(KAMTRAIN_DATABASE_URL=url, KAMTRAIN_INSTANCE_PATH=str(instance))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "3", "--bind", f"127.0.0.1:{port}",
         "kamtrain:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        def fetch(path, data=None):
            with opener.open(base + path, data=data) as response:
                return response.read().decode()

        page = fetch("/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrf_token": token, "username": "trainee01",
                                       "password": "kamtrain-demo"}).encode()
        home = fetch("/login", form)
        assert "王海涛" in home
        # Many requests, spread by the kernel over the three workers: all signed in.
        for _ in range(30):
            assert "王海涛" in fetch("/")
        assert len((instance / "secret_key").read_text().strip()) == 64
        assert not [p for p in instance.iterdir() if p.name.startswith(".secret_key")]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)
