"""Form pages against the framework's own speed, side by side in one run:
`.venv/bin/python bench/bench_pages.py` (--seconds 3 --rounds 5 --clients 20).

Starts POP as start.sh does (gunicorn, 2 gthread workers of 4 threads, --preload) on a database of its
own with the demo organisation, and beside it a Flask hello-world page (a 50-line template compiled
once) under the same gunicorn settings. Then drives each page with `wrk` (apt-get install wrk; without
it a small load generator of Python threads does) for the same time with the same number of clients:

    hello world, the plan overview, the print view and the Fase II page (the form, filled, editable)

The plan is Daan's (voorbereiding), filled with the demo's answers, seen by Daan, so that every input
of Fase II is drawn. The load generator runs on the same CPUs as the servers, for every page alike.

The pages take turns with hello world in short runs, --rounds times: hello world, the overview, hello
world, the print view, hello world, Fase II, hello world, and again. Each page's run is compared with
the hello-world runs on either side of it, and the script prints per page the median of those ratios
over the rounds (issue 18's measure: its share of hello world's requests per second) and whether it
reaches issue 18's bar. On this shared machine the load of other work moves within one run of the
script (hello world's rate from 900 to 4,800 req/s in one evening): short interleaved runs and the
median keep a burst of it from deciding the verdict.

Beside the rate it prints the CPU time the server's workers spent per request (their utime and stime
from /proc, around each run, every thread of the process) and hello world's as a share of it, which
other work moves less than the rate; how much of the machine's CPU other work took during the runs;
and in how many runs one worker did over three quarters of the work. That happens: wrk keeps its 20
connections open, each gthread worker keeps the connections it accepted, and now and then one worker
accepts all of them, so that the run is served by one process (one CPU's worth under the GIL) and its
rate halves. Such a run measures one worker, not the two of the issue: it is run again (three tries at
most) and the script says how often; it befalls hello world and the pages alike. It prints figures; it
does not fail on a slow machine.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
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


def cpu_seconds(server: subprocess.Popen) -> dict[int, float]:
    """CPU time (user and system) of each of a gunicorn master's workers so far, from /proc: the whole
    process, every thread of it (the one that accepts and polls, the four that answer, the collector)."""
    tick = os.sysconf("SC_CLK_TCK")
    times = {}
    for child in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split():
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        times[int(child)] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return times


def machine_busy() -> tuple[float, float]:
    """(CPU seconds every process on the machine spent, seconds of the whole machine) so far: what
    else ran beside the benchmark."""
    tick = os.sysconf("SC_CLK_TCK")
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / tick, sum(values) / tick  # all but idle and iowait


def check(url: str, cookie: str, needle: str) -> None:
    """The page is the page (not the log-in page, not an error) before it is measured."""
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": AGENT})) as response:
        body = response.read().decode()
    if response.status != 200 or needle not in body:
        raise SystemExit(f"{url} is not the page to measure ({response.status})")


class Run:
    """One page driven for --seconds: its rate, requests, failures, the workers' CPU per request, the
    share of that CPU the busiest worker spent, and the machine's CPU spent by other work meanwhile."""

    def __init__(self, url: str, server: subprocess.Popen, cookie: str, seconds: float, clients: int):
        before, (busy, wall) = cpu_seconds(server), machine_busy()
        own = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk
        self.rate, self.requests, self.bad = drive(url, cookie, seconds, clients)
        after, (busy_after, wall_after) = cpu_seconds(server), machine_busy()
        wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
        spent = [after[pid] - before.get(pid, 0) for pid in after]
        self.cpu = sum(spent) / max(self.requests, 1)
        self.busiest = max(spent) / sum(spent) if sum(spent) else 1
        wrk_seconds = wrk.ru_utime - own.ru_utime + wrk.ru_stime - own.ru_stime
        self.others = (busy_after - busy - sum(spent) - wrk_seconds) / max(wall_after - wall, 1e-9)


# Issue 18's bars: each page's requests per second as a share of hello world's in the same run.
BARS = {"plan overview": 0.40, "Fase II (the form)": 0.25}
# A run where one worker did more than this share of the work was served by one process: not the two
# workers the issue measures. It is run again, at most TRIES times in all, and counted.
LOPSIDED = 0.75
TRIES = 3


def measured(url: str, server: subprocess.Popen, cookie: str, args, repeated: list) -> Run:
    for _ in range(TRIES):
        run = Run(url, server, cookie, args.seconds, args.clients)
        if run.busiest <= LOPSIDED:
            break
        repeated.append(run)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3, help="each run of a page (wrk: whole seconds)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5,
                        help="runs of each page, each between two runs of hello world; the medians are printed")
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
    load_before = os.getloadavg()
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

        # Hello world, page, hello world, page, ..., hello world: each page's run is compared with the
        # hello-world runs right before and right after it, so that load that rises or falls during the
        # pair moves both sides alike.
        runs: dict[str, list[tuple[Run, Run, Run]]] = {label: [] for label, *_ in pages[1:]}
        repeated: list[Run] = []
        previous = measured(hello, servers[1], cookie, args, repeated)
        for _ in range(args.rounds):
            for label, page, _needle, server in pages[1:]:
                run = measured(page, server, cookie, args, repeated)
                following = measured(hello, servers[1], cookie, args, repeated)
                runs[label].append((previous, run, following))
                previous = following
    finally:
        stop(servers)
        shutil.rmtree(tmp, ignore_errors=True)
    report(runs, repeated, args, load_before, os.getloadavg())


def report(runs: dict, repeated: list, args, load_before, load_after) -> None:
    """Per page the median (lowest-highest) over the rounds of: its requests per second as a share of
    the hello-world runs around it (issue 18's measure), hello world's CPU per request as a share of the
    page's (the same comparison by the CPU the workers spent, which other work on the machine moves much
    less than the rate), the page's CPU per request and rate."""
    from statistics import median

    def spread(values, fmt):
        return f"{fmt(median(values))} ({fmt(min(values))}-{fmt(max(values))})"

    def percent(v):
        return f"{v:.0%}"

    def ms(v):
        return f"{v * 1000:.2f}"

    def whole(v):
        return f"{v:.0f}"

    # Each hello-world run between two pages counts once.
    hellos = list({id(run): run for pairs in runs.values() for before, _, after in pairs
                   for run in (before, after)}.values())
    every = hellos + [page for pairs in runs.values() for _, page, _ in pairs]
    print(f"gunicorn -w 2 gthread (4 threads each), {args.clients} clients, {args.rounds} rounds of each page "
          f"between two {args.seconds:g} s runs of hello world "
          f"({'wrk' if shutil.which('wrk') else 'Python threads'}); median (lowest-highest) over the rounds:")
    print(f"  {'':20} {'of hello (req/s)':>17} {'hello/this (CPU)':>17} {'CPU ms/req':>17} {'req/s':>17}")
    print(f"  {'hello world':20} {'':>17} {'':>17} {spread([r.cpu for r in hellos], ms):>17} "
          f"{spread([r.rate for r in hellos], whole):>17}")
    verdicts = []
    for label, pairs in runs.items():
        rates = [page.rate / ((before.rate + after.rate) / 2) for before, page, after in pairs]
        cpus = [(before.cpu + after.cpu) / 2 / page.cpu if page.cpu else 0 for before, page, after in pairs]
        print(f"  {label:20} {spread(rates, percent):>17} {spread(cpus, percent):>17} "
              f"{spread([p.cpu for _, p, _ in pairs], ms):>17} {spread([p.rate for _, p, _ in pairs], whole):>17}")
        if label in BARS:
            verdicts.append(f"  {label}: {median(rates):.0%} of hello world's req/s (CPU: {median(cpus):.0%}); "
                            f"issue 18 asks at least {BARS[label]:.0%}: "
                            f"{'reached' if median(rates) >= BARS[label] else 'NOT reached'}")
    print("\n".join(verdicts))
    lopsided = sum(r.busiest > LOPSIDED for r in every)
    print(f"  not 200: {sum(r.bad for r in every + repeated)}; runs again because one worker did over "
          f"{LOPSIDED:.0%} of the work (wrk's keep-alive connections went to one): {len(repeated)}, still so "
          f"after {TRIES} tries: {lopsided} of the {len(every)} counted; other work on the machine: "
          f"{spread([r.others for r in every], percent)} of its CPUs; load average {load_before[0]:.1f} "
          f"before, {load_after[0]:.1f} after")


if __name__ == "__main__":
    main()
