"""What the exam benchmarks share: a small HTTP load generator (wrk is not installed everywhere) and
starting gunicorn.

The generator keeps ``connections`` requests in flight for a fixed time: several processes (so the
client is not held back by one interpreter's lock), each with threads that send prepared requests
over raw sockets and read the answer to the end (gunicorn's sync workers close every connection).
"""

import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret-key-not-for-production"
PASSWORD = "bench-password-1"  # the bench trainee's


def fresh_site(tmp):
    """kamtrain on a new SQLite file in ``tmp`` with the schema and the content: (app, database path).
    The environment is set as the gunicorn workers will have it (``site_env``)."""
    import warnings

    from flask_migrate import upgrade

    from kamtrain import create_app
    from kamtrain.content.sync import sync_content

    os.environ["KAMTRAIN_INSTANCE_PATH"] = str(tmp / "instance")
    os.environ["KAMTRAIN_SECRET_KEY"] = SECRET
    db_path = tmp / "bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
    with app.app_context():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            upgrade()
        assert sync_content(app.config["CONTENT_DIR"]).ok
    return app, db_path


def site_env(tmp, db_path, **extra):
    """The environment of the gunicorn servers of a page benchmark: kamtrain and the baseline on the
    same SQLite file (``BENCH_SQLITE_PATH``), sign-in not rate-limited."""
    return {"KAMTRAIN_DATABASE_URL": f"sqlite:///{db_path}", "KAMTRAIN_INSTANCE_PATH": str(tmp / "instance"),
            "KAMTRAIN_SECRET_KEY": SECRET, "KAMTRAIN_LOGIN_RATE_LIMIT": "1000 per minute",
            "BENCH_SQLITE_PATH": str(db_path), **extra}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(app_spec, env, workers=2, port=None):
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--backlog", "2048", "--timeout", "120", "--log-level", "warning", app_spec],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {app_spec} exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        raise RuntimeError("gunicorn did not start")
    return process, port


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


def request_bytes(path, port, cookie=None):
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "User-Agent: kamtrain-bench", "Accept: text/html",
             "Connection: close"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _one(port, payload):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(payload)
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    head = b"".join(chunks[:1])[:12]
    return int(head[9:12]) if head.startswith(b"HTTP/") else 0


def _worker(port, payloads, seconds, threads, queue):
    stop_at = time.perf_counter() + seconds
    lock = threading.Lock()
    totals = {"ok": 0, "errors": 0, "latencies": []}

    def loop(offset):
        i = offset
        ok = errors = 0
        latencies = []
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                status = _one(port, payloads[i % len(payloads)])
            except OSError:
                status = 0
            latencies.append(time.perf_counter() - started)
            if status == 200:
                ok += 1
            else:
                errors += 1
            i += 1
        with lock:
            totals["ok"] += ok
            totals["errors"] += errors
            totals["latencies"] += latencies

    pool = [threading.Thread(target=loop, args=(n * 7,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    queue.put(totals)


def load(port, payloads, seconds, connections=16, processes=2):
    """Requests per second (status 200) with ``connections`` in flight for ``seconds``; errors; p50/p99 ms."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    per = connections // processes
    procs = [ctx.Process(target=_worker, args=(port, payloads[i::processes] or payloads, seconds, per, queue))
             for i in range(processes)]
    started = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    ok = sum(r["ok"] for r in results)
    latencies = sorted(x for r in results for x in r["latencies"])
    return {"rps": ok / elapsed, "ok": ok, "errors": sum(r["errors"] for r in results),
            "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
            "p99_ms": 1000 * latencies[int(len(latencies) * 0.99) - 1] if latencies else None}


def sign_in(port, username, password):
    """Sign in through the login form (CSRF token and all); the session cookie as a Cookie header."""
    import http.cookiejar
    import re
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", "kamtrain-bench")]
    base = f"http://127.0.0.1:{port}"
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    opener.open(base + "/login", urllib.parse.urlencode(
        {"csrf_token": token, "username": username, "password": password}).encode()).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def sqlite_per_worker(path):
    """For a baseline app: a function giving this worker's own SQLite connection (gunicorn forks the
    workers after loading the app; a sync worker serves one request at a time)."""
    import sqlite3

    connections = {}

    def connection():
        pid = os.getpid()
        if pid not in connections:
            connections[pid] = sqlite3.connect(path, check_same_thread=False)
        return connections[pid]

    return connection


def page_arguments(description, connections):
    """--quick / --seconds / --repeat / --connections of the page benchmarks: (args, seconds, repeat)."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="shorter runs (under a minute)")
    parser.add_argument("--seconds", type=float, default=None, help="length of each run")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--connections", type=int, default=connections)
    args = parser.parse_args()
    return args, args.seconds or (3.0 if args.quick else 10.0), args.repeat or (3 if args.quick else 5)


def interleave(pages, seconds, repeat, connections):
    """Medians of requests per second for several pages measured in turn, ``repeat`` times over.

    ``pages`` maps a name to (port, requests); each page is checked to answer 200 and warmed up
    first, then every repetition runs each page once in the given order, so that a noisy moment
    touches them all alike. Returns {name: median req/s}."""
    for name, (port, requests) in pages.items():
        check = load(port, requests[:2], 0.5, connections=2)
        if check["errors"] or not check["ok"]:
            raise RuntimeError(f"{name} does not answer 200: {check}")
    for port, requests in pages.values():
        load(port, requests, 1.0, connections)  # warm-up
    runs = {name: [] for name in pages}
    for i in range(repeat):
        line = []
        for name, (port, requests) in pages.items():
            result = load(port, requests, seconds, connections)
            if result["errors"]:
                raise RuntimeError(f"errors under load: {name} {result['errors']}")
            runs[name].append(result["rps"])
            line.append(f"{name} {result['rps']:.0f} req/s (p50 {result['p50_ms']:.1f} ms, "
                        f"p99 {result['p99_ms']:.1f} ms)")
        print(f"rep {i + 1}: " + ", ".join(line), file=sys.stderr)
    return {name: statistics.median(values) for name, values in runs.items()}


def compare_pages(product_port, product_requests, baseline_port, baseline_requests, seconds, repeat, connections):
    """The product page against its baseline, interleaved; the medians of requests per second as
    (product, baseline)."""
    medians = interleave({"baseline": (baseline_port, baseline_requests),
                          "product": (product_port, product_requests)}, seconds, repeat, connections)
    return medians["product"], medians["baseline"]
