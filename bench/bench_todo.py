"""Speed of the first page after log-in (the to-do list above the plan lists), measured: run
`.venv/bin/python bench/bench_todo.py` (options --sizes 200 2000, --runs 30).

For each size it generates an organisation (tests/organisation.py: a manager per twenty people, plans in
every state with the demo plan's answers), logs in as a manager and as HR through the test client and
prints p50/p95 of GET / in milliseconds, and separately of the to-do list alone (pop.todo.for_user).
It prints figures; it does not fail on a slow machine."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from bench_exports import percentiles, timed  # noqa: E402 - the same timing (ms) as the exports bench

from app import create_app  # noqa: E402
from conftest import Client  # noqa: E402
from organisation import PASSWORD, build  # noqa: E402
from pop import todo  # noqa: E402
from pop.db import database  # noqa: E402
from pop.models import Person, Plan  # noqa: E402
from pop.plans import current_period  # noqa: E402


def measure(size: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                          "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"})
        today = dt.date.today()
        with app.app_context():
            database.connect(reuse_if_open=True)
            started = time.perf_counter()
            build(size, today, current_period(today))
            made = time.perf_counter() - started
            plans = Plan.select().count()
            manager = Person.get(Person.email == "manager1@org.test")
            hr = Person.get(Person.email == "hr@org.test")
            reports = Person.select().where(Person.manager == manager.id).count()
            database.close()
        print(f"\n{size} people, {plans} plans (made in {made:.1f} s); manager1 has {reports} reports")
        for label, email, user in (("manager", "manager1@org.test", manager), ("HR", "hr@org.test", hr)):
            client = Client(app)
            assert client.login(email, PASSWORD).status_code == 302

            def page():
                response = client.get("/")
                assert response.status_code == 200

            p50, p95 = percentiles(timed(page, runs))
            print(f"  GET / as {label:<7}  p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
            with app.app_context():
                database.connect(reuse_if_open=True)
                p50, p95 = percentiles(timed(lambda: todo.for_user(user, today), runs))
                database.close()
            print(f"  to-do only {label:<7} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    for size in args.sizes:
        measure(size, args.runs)


if __name__ == "__main__":
    main()
