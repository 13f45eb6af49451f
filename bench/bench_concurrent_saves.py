"""Many people saving the same answer at once, as browsers do, against a real server: is any save that
was answered "Opgeslagen." lost later without a word? Run `.venv/bin/python bench/bench_concurrent_saves.py`
(options: --users 20 --saves 15 --think 0.05 --plans 2, --database-url postgresql://... for PostgreSQL;
default a fresh SQLite file).

Every user opens the part page in their own session, waits a short think time, and posts the page back
as a browser does (its hidden inputs, the page's `versie`) with a unique mark appended to the answer it
was shown. A save that was based on the latest text keeps every earlier mark; one based on an older page
must get the conflict page (409). So at the end every mark of a save answered "Opgeslagen." must still
be in the stored answer: the count of missing marks is the count of silently lost saves, and must be 0.
It prints figures (saves, conflicts, lost, p50/p95 ms per save); it does not fail on a slow machine."""
from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from app import create_app  # noqa: E402
from conftest import make_person  # noqa: E402
from pop import answers  # noqa: E402
from pop.db import database  # noqa: E402
from pop.models import Plan  # noqa: E402
from pop.plans import start_plan  # noqa: E402
from support import Browser, as_post, served, values_of  # noqa: E402

FIELD, PART = "meer_doen", "fase-1"


def page_post(body: str) -> dict:
    form = lxml.html.fromstring(body).xpath('//form[contains(concat(" ", @class, " "), " paper-form ")]')[0]
    data = as_post(values_of(form))
    data["versie"] = re.search(r'name="versie" value="([0-9a-f]*)"', body).group(1)
    data["csrf_token"] = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)
    data["go"] = "stay"
    return data


def run(args) -> dict:
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        app = create_app({"SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                          "DATABASE_URL": url})
        with app.app_context():
            database.connect(reuse_if_open=True)
            plans = []
            for n in range(args.plans):
                person = make_person(f"medewerker{n}@bench.nl", "Bench", f"Mens {n}")
                plans.append(start_plan(person, "pop-uitgebreid", "2026").id)
            database.close()
        acknowledged: dict[int, list[str]] = {p: [] for p in plans}
        outcomes = {"opgeslagen": 0, "conflict": 0, "anders": 0}
        latencies: list[float] = []
        lock = threading.Lock()
        with served(app) as base:
            def user(number: int) -> None:
                plan_id = plans[number % len(plans)]
                browser = Browser(base)
                browser.login(f"medewerker{number % len(plans)}@bench.nl")
                path = f"/plans/{plan_id}/{PART}"
                rng = random.Random(number)
                for save in range(args.saves):
                    data = page_post(browser.get(path))
                    time.sleep(rng.uniform(0, args.think))
                    mark = f"[{number}.{save}]"
                    data[FIELD] = (data.get(FIELD) or "") + mark
                    started = time.perf_counter()
                    status, body = browser.post(path + "#meldingen", data)
                    elapsed = (time.perf_counter() - started) * 1000
                    with lock:
                        latencies.append(elapsed)
                        if status == 200 and "Opgeslagen." in body:
                            outcomes["opgeslagen"] += 1
                            acknowledged[plan_id].append(mark)
                        elif status == 409:
                            outcomes["conflict"] += 1
                        else:
                            outcomes["anders"] += 1

            threads = [threading.Thread(target=user, args=(n,)) for n in range(args.users)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        with app.app_context(), database.connection_context():
            lost = 0
            for plan_id, marks in acknowledged.items():
                text = answers.load(Plan.get_by_id(plan_id))[FIELD] or ""
                lost += sum(1 for m in marks if m not in text)
        return {**outcomes, "verloren": lost, "wall": wall, "latencies": latencies}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--saves", type=int, default=15)
    parser.add_argument("--think", type=float, default=0.05, help="longest think time, seconds")
    parser.add_argument("--plans", type=int, default=2)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    result = run(args)
    lat = sorted(result["latencies"])
    p95 = lat[int(0.95 * (len(lat) - 1))] if lat else 0
    print(f"{args.users} gebruikers x {args.saves} keer opslaan op {args.plans} plan(nen), "
          f"denktijd tot {args.think * 1000:.0f} ms, {result['wall']:.1f} s")
    print(f"  opgeslagen: {result['opgeslagen']}  conflict (409): {result['conflict']}  "
          f"anders: {result['anders']}")
    print(f"  per opslag: p50 {statistics.median(lat) if lat else 0:.0f} ms, p95 {p95:.0f} ms")
    print(f"  'Opgeslagen.' gezegd en later stil verloren: {result['verloren']}")


if __name__ == "__main__":
    main()
