"""Form pages against the framework's own speed, side by side in one run:
`.venv/bin/python bench/bench_pages.py` (--seconds 10 --clients 20).

Starts POP as start.sh does (gunicorn, 2 gthread workers of 4 threads, --preload) on a database of its
own with the demo organisation, and beside it a Flask hello-world page (a 50-line template compiled
once) under the same gunicorn settings. Then drives each page with `wrk` (apt-get install wrk; without
it a small load generator of Python threads does) for the same time with the same number of clients,
one page after the other, and prints the requests per second and each page's share of hello world's:

    hello world, the plan overview, the print view and the Fase II page (the form, filled, editable)

The plan is Daan's (voorbereiding), filled with the demo's answers, seen by Daan, so that every input
of Fase II is drawn. It prints figures; it does not fail on a slow machine. The load generator runs on
the same CPUs as the servers, for every page alike.

Beside the rate it prints the CPU time the server's workers spent per request (their utime and stime
from /proc, around each page's run), and hello world's as a share of it: on a machine shared with other
work the rates move with whatever else runs (hello world's from 900 to 4,800 req/s in one evening), the
CPU a request takes much less. --rounds N measures each page N times, each run right after a run of
hello world, and prints the median ratio: the load moves within one run of the script too.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HELLO = "\n".join(["<!doctype html>", "<html lang=\"nl\"><head><meta charset=\"utf-8\">",
                   "<title>{{ title }}</title></head><body>", "<h1>{{ title }}</h1>"]
                  + [f"<p class=\"r{i}\">Regel {i}: {{{{ items[{i % 5}] }}}} en {{{{ who }}}}.</p>"
                     for i in range(44)]
                  + ["</body></html>", ""])


# ---------------------------------------------------------------- the two apps, for gunicorn


def pop_app():
    """POP with an instance folder of the benchmark's own (BENCH_INSTANCE)."""
    import flask

    folder = os.environ["BENCH_INSTANCE"]
    flask.Flask.auto_find_instance_path = lambda self: folder
    from app import serve
    return serve()


def hello_app():
    from flask import Flask

    app = Flask("hello")
    template = app.jinja_env.from_string(HELLO)  # compiled once

    @app.route("/")
    def index():
        return template.render(title="Hallo wereld", who="Eva",
                               items=["een", "twee", "drie", "vier", "vijf"])
    return app


# ---------------------------------------------------------------- set-up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_database(instance: Path, url: str) -> int:
    """The demo organisation; Daan's plan filled with the demo's answers. Returns its id."""
    os.environ["BENCH_INSTANCE"] = str(instance)
    app = pop_app()
    from pop import answers, clock
    from pop.db import database
    from pop.demo import demo_answers, demo_start, load_demo
    from pop.models import Person, Plan

    with app.app_context():
        database.connect(reuse_if_open=True)
        load_demo()
        daan = Person.get(Person.email.startswith("daan.smit@"))
        plan = Plan.get(Plan.employee == daan)
        full = demo_answers(demo_start(clock.today()))
        answers.save(plan, {k: v for k, v in full.items() if k != "voortgangsgesprekken"})
        return plan.id


def gunicorn(target: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
               "--worker-class", "gthread", "--threads", "4", "--timeout", "60", "--preload",
               "--pythonpath", str(ROOT / "bench"), target]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except (OSError, urllib.error.URLError):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{url} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)


def worker(target: str, env: dict, log: Path) -> subprocess.Popen:
    """The queue's worker beside gunicorn, as start.sh starts it, without its daily tasks (reminder mails)."""
    return subprocess.Popen([str(ROOT / ".venv/bin/flask"), "--app", target, "worker", "--zonder-dagtaken"],
                            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(servers: list[subprocess.Popen]) -> None:
    """End the servers and their children (each leads its own process group)."""
    for server in servers:
        try:
            os.killpg(server.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for server in servers:
        server.wait(30)


# Every request carries the log-in's User-Agent, as a browser's do: Flask-Login's session protection
# marks a session whose agent changed as not fresh, and so rewrote (and re-signed) the cookie on every
# request wrk made without one, a cost no browser causes.
AGENT = "POP-bench/1"


def log_in(base: str, email: str, password: str) -> str:
    """The session cookie of a log-in through the page, as a browser gets it."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", AGENT)]
    page = opener.open(base + "/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    response = opener.open(base + "/login", data=data, timeout=30)
    if "/login" in response.url:
        raise SystemExit(f"log-in as {email} failed")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


# ---------------------------------------------------------------- load


def drive(url: str, cookie: str, seconds: float, clients: int) -> tuple[float, int, int]:
    """(requests per second, requests, of which not 200)."""
    if shutil.which("wrk"):
        out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{max(1, round(seconds))}s", "-H", f"Cookie: {cookie}",
                              "-H", f"User-Agent: {AGENT}", url], capture_output=True, text=True, check=True).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        total = int(re.search(r"(\d+) requests in", out).group(1))
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        return rate, total, int(bad.group(1)) if bad else 0
    return _drive_threads(url, cookie, seconds, clients)


def _drive_threads(url, cookie, seconds, clients):
    counts, bad = [0] * clients, [0] * clients
    stop = time.monotonic() + seconds

    def client(i):
        while time.monotonic() < stop:
            request = urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": AGENT})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    bad[i] += response.status != 200
            except OSError:
                bad[i] += 1
            counts[i] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started), sum(counts), sum(bad)


def cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user and system) of a gunicorn master's workers so far, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for child in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split():
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def check(url: str, cookie: str, needle: str) -> None:
    """The page is the page (not the log-in page, not an error) before it is measured."""
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": AGENT})) as response:
        body = response.read().decode()
    if response.status != 200 or needle not in body:
        raise SystemExit(f"{url} is not the page to measure ({response.status})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure each page this many times, each right after a run of hello world, and "
                             "print the median of the ratios (on a shared machine the load moves within a run)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pop-bench-pages-"))
    instance = tmp / "instance"
    instance.mkdir(mode=0o700)
    url = f"sqlite:///{tmp / 'pop.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "POP_SECRET_KEY": "bench-pages", "BENCH_INSTANCE": str(instance),
           "POP_LOG_LEVEL": "WARNING"}
    os.environ.update({"DATABASE_URL": url, "POP_SECRET_KEY": "bench-pages"})
    plan_id = make_database(instance, url)
    pop_port, hello_port = free_port(), free_port()
    servers = [gunicorn("bench_pages:pop_app()", pop_port, env, tmp / "pop.log"),
               gunicorn("bench_pages:hello_app()", hello_port, env, tmp / "hello.log")]
    try:
        pop, hello = f"http://127.0.0.1:{pop_port}", f"http://127.0.0.1:{hello_port}/"
        wait_up(pop + "/login", servers[0], tmp / "pop.log")
        wait_up(hello, servers[1], tmp / "hello.log")
        from pop.demo import DEMO_PASSWORD, DOMAIN
        cookie = log_in(pop, f"daan.smit@{DOMAIN}", DEMO_PASSWORD)
        pages = [("hello world", hello, "Hallo wereld", servers[1]),
                 ("plan overview", f"{pop}/plans/{plan_id}", "Daan", servers[0]),
                 ("print view", f"{pop}/plans/{plan_id}/afdrukken", "Fase II", servers[0]),
                 ("Fase II (the form)", f"{pop}/plans/{plan_id}/fase-2", 'name="csrf_token"', servers[0])]
        for label, page, needle, server in pages:
            check(page, cookie, needle)
            drive(page, cookie, 1, args.clients)  # warm: every thread and template once

        def measure(page, server):
            before = cpu_seconds(server)
            rate, total, bad = drive(page, cookie, args.seconds, args.clients)
            return rate, total, bad, (cpu_seconds(server) - before) / max(total, 1)

        if args.rounds > 1:
            paired = {label: [] for label, *_ in pages[1:]}
            for _ in range(args.rounds):
                for label, page, _needle, server in pages[1:]:
                    paired[label].append((measure(hello, servers[1]), measure(page, server)))
        else:
            results = [(label, *measure(page, server)) for label, page, _needle, server in pages]
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)

    if args.rounds > 1:
        print_paired(paired, args)
        return
    base, base_cpu = results[0][1], results[0][4]
    print(f"gunicorn -w 2 gthread (4 threads each), {args.clients} clients, {args.seconds:g} s a page "
          f"({'wrk' if shutil.which('wrk') else 'Python threads'}):")
    print(f"  {'':22} {'req/s':>8} {'of hello':>9} {'requests':>9} {'not 200':>8} {'CPU ms/req':>11} {'hello/this':>11}")
    for label, rate, total, bad, cpu in results:
        print(f"  {label:22} {rate:8.0f} {rate / base:8.0%} {total:9d} {bad:8d} {cpu * 1000:11.2f} "
              f"{base_cpu / cpu if cpu else 0:10.0%}")


def print_paired(paired: dict, args) -> None:
    """Each page's runs against the hello-world run just before each: the median and the range of the
    ratios, and of the CPU per request."""
    from statistics import median

    print(f"gunicorn -w 2 gthread (4 threads each), {args.clients} clients, {args.seconds:g} s a run, "
          f"{args.rounds} rounds of hello world then the page "
          f"({'wrk' if shutil.which('wrk') else 'Python threads'}); median (lowest-highest):")
    print(f"  {'':22} {'of hello (req/s)':>22} {'hello/this (CPU)':>22} {'CPU ms/req':>19} {'not 200':>8}")
    for label, runs in paired.items():
        rates = [page[0] / hello[0] for hello, page in runs]
        cpus = [hello[3] / page[3] if page[3] else 0 for hello, page in runs]
        ms = [page[3] * 1000 for _, page in runs]
        bad = sum(page[2] + hello[2] for hello, page in runs)
        print(f"  {label:22} {median(rates):8.0%} ({min(rates):4.0%}-{max(rates):4.0%})  "
              f"{median(cpus):8.0%} ({min(cpus):4.0%}-{max(cpus):4.0%})  "
              f"{median(ms):6.2f} ({min(ms):.2f}-{max(ms):.2f}) {bad:8d}")


if __name__ == "__main__":
    main()
