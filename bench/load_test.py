"""Load: 50 people using POP at once for 120 s, as they do on a working day, on SQLite or PostgreSQL:
`.venv/bin/python bench/load_test.py` (--database postgres, --seconds 120, --users 50, --employees
10000; `pip install -e ".[bench]"` brings Locust). Issue 18's bar: 0 errors and p95 under 500 ms.

It starts POP as start.sh does (gunicorn -w 2 gthread --preload, and the queue's worker beside it; the
worker without its daily tasks, which would mail reminders) on a database of its own: the demo
organisation at --employees people, made by the demo command's own code (pop/demo_organisation.py, as
`flask --app app demo --employees N`), plus HR colleagues of hr@voorbeeld.nl so that every simulated
person has a log-in of their own. With --database postgres it runs itself again inside
tests/with_postgres.sh, the throwaway server the tests use, on a database of its own there.

Who is who (bench/locustfile.py holds what each does, with think times):
- employees (the most) whose plan is theirs to write: they open the first page, their plan, a part of
  it, type for a while and save what the form really posts (CSRF token, the version of the conflict
  check, every input), and check that the save was accepted: "Opgeslagen." and their text shown back;
- managers read their team's list, their reports' plans, parts and print views and the matrix;
- HR pages through, sorts and searches the plan overview and the people list, reads the budget, the
  matrix and the dashboard, downloads a plan's Word and Excel and now and then exports a department
  (the queue's worker makes the zip) and downloads the zip.

Everyone logs in before the 120 s start (a log-in checks an scrypt hash of 128 MB on purpose, ~0.5 s of
a CPU; real people log in once a day, not during every minute measured). Then Locust drives them, and
this script prints per request type the count, errors, p50, p95 and max (exact, from every request's
time), the verdict against the bar, the failures by kind, what the servers logged (tracebacks,
"database is locked") and the load average during the run. The load generator runs on the same CPUs as
the servers. It prints figures; it exits 1 when the bar is missed, which a shared machine may cause.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pages import free_port, gunicorn, pop_app, stop, wait_up, worker  # noqa: E402

USER_AGENT = "POP-load-test"  # the log-in and Locust's requests look like one browser per person
P95_BAR_MS = 500
TEXT_KINDS = ("text", "longtext")
# Requests whose time is a wait on purpose, shown but not held to the bar (their errors still count).
WAITS_ON_PURPOSE = {"POST /export": "waits up to 2 s for a small export to finish (pop/jobs.start)"}
SERVER_TROUBLE = re.compile(r"Traceback|database is locked|deadlock|ERROR|CRITICAL|could not serialize",
                            re.IGNORECASE)


# ---------------------------------------------------------------- the organisation and who plays whom


def make_organisation(employees: int, hr_count: int) -> None:
    """The demo organisation at `employees` people and hr_count - 1 more HR accounts, in the database
    DATABASE_URL names (the app made by pop_app(), as the servers will)."""
    app = pop_app()
    from pop.db import database
    from pop.demo import DOMAIN
    from pop.demo_organisation import load_organisation
    from pop.models import Person

    with app.app_context():
        database.connect(reuse_if_open=True)
        started = time.perf_counter()
        made = load_organisation(employees)
        hr = Person.get(Person.email == f"hr@{DOMAIN}")
        with database.atomic():
            for k in range(2, hr_count + 1):
                Person.create(voornaam="HR", achternaam=f"Collega {k}", email=f"hr{k}@{DOMAIN}", role="hr",
                              afdeling=hr.afdeling, functie=hr.functie, password_hash=hr.password_hash,
                              active=True, session_version=0)
        print(f"{made['people']} people, {made['plans']} plans, made in {time.perf_counter() - started:.1f} s",
              flush=True)
        database.close()


def cast(counts: dict[str, int]) -> dict:
    """Who each simulated person is and what they may open: employees whose plan has a part they may
    write in a text field now, managers with shared plans in their team, HR; chosen at random with a
    fixed seed among everyone who fits."""
    import random

    app = pop_app()
    from pop import answers, cycle
    from pop.db import database
    from pop.demo import DOMAIN
    from pop.models import Person, Plan

    rng = random.Random(18)
    with app.app_context():
        database.connect(reuse_if_open=True)
        writable = []
        candidates = list(Plan.select().where(Plan.status == "voorbereiding").order_by(Plan.id))
        rng.shuffle(candidates)
        for plan in candidates:
            person = plan.employee
            if person.role != "medewerker" or any(e["email"] == person.email for e in writable):
                continue
            definition = answers.form_of(plan)
            parts = {}
            for part in definition.parts:
                keys = cycle.editable_fields(person, plan, part)
                text = [f.key for f in part.fields if f.key in keys and f.kind in TEXT_KINDS]
                if text:
                    parts[part.key] = text
            if parts:
                writable.append({"email": person.email, "plan": plan.id, "parts": parts})
            if len(writable) == counts["employees"]:
                break
        managers = []
        bosses = list(Person.select().where(Person.role == "leidinggevende").order_by(Person.id))
        rng.shuffle(bosses)
        for boss in bosses:
            plans = [(p.id, answers.form_of(p).parts[0].key) for p in
                     Plan.select().join(Person, on=(Plan.employee == Person.id))
                     .where(Person.manager == boss.id, Plan.status != "voorbereiding").order_by(Plan.id)]
            if plans:
                managers.append({"email": boss.email, "plans": [list(p) for p in plans]})
            if len(managers) == counts["managers"]:
                break
        shared = [p.id for p in Plan.select(Plan.id).where(Plan.status != "voorbereiding").order_by(Plan.id)]
        names = sorted({p.achternaam for p in Person.select(Person.achternaam).limit(2000)})
        # The departments with shared plans: HR's export of one with none makes no job, rightly.
        departments = sorted({p.afdeling for p in Person.select(Person.afdeling).join(
            Plan, on=(Plan.employee == Person.id)).where(Plan.status != "voorbereiding", Person.afdeling != "")})
        hr = [{"email": f"hr@{DOMAIN}" if k == 1 else f"hr{k}@{DOMAIN}", "plans": rng.sample(shared, 40),
               "names": names, "departments": departments} for k in range(1, counts["hr"] + 1)]
        database.close()
    if len(writable) < counts["employees"] or len(managers) < counts["managers"]:
        raise SystemExit(f"too few people to play: {len(writable)} employees, {len(managers)} managers; "
                         "use more --employees")
    return {"employees": writable, "managers": managers, "hr": hr}


def log_in_everyone(base: str, cast_list: dict) -> float:
    """Every person logged in through the log-in page; their cookies are kept with them. Returns the
    median log-in time in ms (two at a time: the scrypt check is a CPU's work each)."""
    import requests
    from pop.demo import DEMO_PASSWORD

    def log_in(person: dict) -> float:
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        page = session.get(base + "/login", timeout=60).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        start = time.perf_counter()
        answer = session.post(base + "/login", timeout=60, allow_redirects=False,
                              data={"email": person["email"], "password": DEMO_PASSWORD, "csrf_token": token})
        took = time.perf_counter() - start
        if answer.status_code != 302 or "/login" in answer.headers.get("Location", "/login"):
            raise SystemExit(f"log-in as {person['email']} failed: {answer.status_code}")
        # With their domain and path: a cookie the server sets again later (the session, when a page
        # first makes a CSRF token) must replace this one, not stand beside it.
        person["cookies"] = [(c.name, c.value, c.domain, c.path) for c in session.cookies]
        return took

    everyone = [p for group in cast_list.values() for p in group]
    with ThreadPoolExecutor(2) as pool:
        times = list(pool.map(log_in, everyone))
    return statistics.median(times) * 1000


# ---------------------------------------------------------------- the figures


def percentile(sorted_ms: list[float], share: float) -> float:
    """The nearest-rank percentile: the value below which `share` of the requests fall."""
    rank = max(1, -(-len(sorted_ms) * share // 1))
    return sorted_ms[int(rank) - 1]


def report(records: list, seconds: float, loads: list[float], logs: dict[str, Path]) -> bool:
    by_name: dict[str, list] = {}
    for name, ms, error, _ in records:
        by_name.setdefault(name, []).append((ms, error))
    # The last row: every request's errors, the times of all but the waits on purpose.
    everything = [(ms if name not in WAITS_ON_PURPOSE else None, error) for name, ms, error, _ in records]
    print(f"\n{'request':<36} {'count':>6} {'errors':>6} {'p50':>7} {'p95':>7} {'max':>7}  verdict (ms)")
    passed = True
    for name, rs in sorted(by_name.items()) + [("all requests (times: but the waits)", everything)]:
        times = sorted(ms for ms, _ in rs if ms is not None)
        errors = sum(1 for _, e in rs if e)
        p95 = percentile(times, 0.95)
        ok = errors == 0 and (p95 < P95_BAR_MS or name in WAITS_ON_PURPOSE)
        passed &= ok
        verdict = "ok" if ok else "MISSED"
        if name in WAITS_ON_PURPOSE:
            verdict += f" (its time: {WAITS_ON_PURPOSE[name]})"
        print(f"{name:<36} {len(rs):>6} {errors:>6} {percentile(times, 0.5):>7.0f} {p95:>7.0f} {times[-1]:>7.0f}  "
              f"{verdict}")
    print(f"{len(records) / seconds:.1f} requests/s over {seconds:.0f} s")
    failures: dict[str, int] = {}
    for name, _, error, _ in records:
        if error:
            failures[f"{name}: {error[:160]}"] = failures.get(f"{name}: {error[:160]}", 0) + 1
    if failures:
        print("\nfailures:")
        for text, count in sorted(failures.items(), key=lambda item: -item[1])[:15]:
            print(f"  {count:>5} x {text}")
    for label, path in logs.items():
        lines = [line for line in path.read_text(errors="replace").splitlines() if SERVER_TROUBLE.search(line)]
        locked = sum("database is locked" in line for line in lines)
        print(f"\n{label} log: {len(lines)} lines of trouble, {locked} 'database is locked'")
        for line in lines[:8]:
            print("  " + line[:200])
    if loads:
        print(f"\nload average (1 min) during the run: mean {statistics.mean(loads):.1f}, max {max(loads):.1f} "
              f"on {len(os.sched_getaffinity(0))} CPUs (a machine shared with other work: the figures are worse "
              "than a quiet machine's)")
    print(f"\nverdict: {'PASSED' if passed else 'MISSED'} — 0 errors and p95 under {P95_BAR_MS} ms for every "
          "request type")
    return passed


# ---------------------------------------------------------------- the run


def postgres_database() -> tuple[str, callable]:
    """A database of its own on the throwaway server tests/with_postgres.sh started."""
    from bench_hr_pages import database_for

    return database_for(os.environ["POP_TEST_POSTGRES"], 0, "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--warm-up", type=int, default=15,
                        help="seconds before the measured ones, left out of the figures (default 15)")
    parser.add_argument("--managers", type=int, default=10, help="of --users (default 10)")
    parser.add_argument("--hr", type=int, default=6, help="of --users (default 6); the rest are employees")
    parser.add_argument("--employees", type=int, default=10_000, help="people in the organisation")
    parser.add_argument("--pace", type=float, default=1,
                        help="think times times this: 1 is people at work, 0.2 people in a hurry (default 1)")
    args = parser.parse_args()
    if args.database == "postgres" and not os.environ.get("POP_TEST_POSTGRES"):
        # The tests' throwaway server, started and removed by their own script around this run.
        script = str(ROOT / "tests" / "with_postgres.sh")
        os.execv(script, [script, "--", sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]])
    if not shutil.which("locust", path=str(ROOT / ".venv" / "bin")):
        raise SystemExit('Locust is missing: .venv/bin/pip install -e ".[bench]"')
    counts = {"managers": args.managers, "hr": args.hr, "employees": args.users - args.managers - args.hr}

    tmp = Path(tempfile.mkdtemp(prefix="pop-load-"))
    instance = tmp / "instance"
    instance.mkdir(mode=0o700)
    drop = lambda: None  # noqa: E731
    url = f"sqlite:///{tmp / 'pop.sqlite3'}"
    if args.database == "postgres":
        url, drop = postgres_database()
    env = {**os.environ, "DATABASE_URL": url, "POP_SECRET_KEY": "bench-load", "BENCH_INSTANCE": str(instance),
           "POP_LOG_LEVEL": "WARNING", "POP_QUEUE_URL": f"sqlite:///{tmp / 'queue.sqlite3'}",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")])}
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "POP_SECRET_KEY", "POP_QUEUE_URL", "BENCH_INSTANCE")})
    servers: list[subprocess.Popen] = []
    try:
        print(f"{args.database}: making the organisation ({args.employees} people) ...", flush=True)
        make_organisation(args.employees, counts["hr"])
        people = cast(counts)
        port = free_port()
        logs = {"web server": tmp / "pop.log", "worker": tmp / "worker.log"}
        servers.append(gunicorn("bench_pages:pop_app()", port, env, logs["web server"]))
        servers.append(worker("bench_pages:pop_app()", env, logs["worker"]))
        base = f"http://127.0.0.1:{port}"
        wait_up(base + "/login", servers[0], logs["web server"])
        took = log_in_everyone(base, people)
        print(f"{args.users} people logged in (median {took:.0f} ms a log-in, not part of the figures); "
              f"{counts['employees']} employees, {counts['managers']} managers, {counts['hr']} HR", flush=True)
        (tmp / "people.json").write_text(json.dumps(people))

        loads: list[float] = []
        done = threading.Event()

        def sample():
            while not done.wait(5):
                loads.append(os.getloadavg()[0])

        sampler = threading.Thread(target=sample)
        sampler.start()
        locust = subprocess.run(
            [str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "--users", str(args.users), "--spawn-rate", "10", "--run-time", f"{args.seconds + args.warm_up}s",
             "--host", base, "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env={**env, "LOAD_PEOPLE": str(tmp / "people.json"), "LOAD_RESULTS": str(tmp / "results.json"),
                           "LOAD_USER_AGENT": USER_AGENT, "LOAD_PACE": str(args.pace), **{f"LOAD_{k.upper()}": str(v) for k, v in counts.items()}},
            capture_output=True, text=True)
        done.set()
        sampler.join()
        if not (tmp / "results.json").exists():
            raise SystemExit(f"Locust wrote no results:\n{locust.stdout[-3000:]}\n{locust.stderr[-3000:]}")
        results = json.loads((tmp / "results.json").read_text())
        # A request counts when it started after the warm-up (the first pages of each server process
        # compile their templates and fill their caches once).
        records = [r for r in results["requests"] if r[3] - r[1] / 1000 >= args.warm_up]
        print(f"\n{args.database}, {args.employees} people, {args.users} users at pace {args.pace:g}, "
              f"{args.seconds} s after "
              f"{args.warm_up} s of warm-up ({len(results['requests']) - len(records)} requests, not counted); "
              f"Locust used {results['cpu_seconds']:.0f} CPU-seconds of the same machine")
        passed = report(records, args.seconds, loads[args.warm_up // 5:], logs)
        if results["resent"]:
            print(f"\n{len(results['resent'])} requests sent again after the server closed their kept-alive "
                  f"connection under them, as a browser does (not counted as errors): {results['resent'][0]}")
    finally:
        stop(servers)
        drop()
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
