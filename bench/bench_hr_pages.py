"""HR's pages at 100 and at 10,000 employees, side by side: run `.venv/bin/python bench/bench_hr_pages.py`
(options --sizes 100 10000, --runs 5, --pages search dashboard, --database postgresql://.../postgres for a PostgreSQL server, on
which it makes and drops a database of its own per size).

Each organisation is made by the demo command's own code (pop/demo_organisation.py, as `flask --app app
demo --employees N`), in a database of its own. Then, logged in as HR (and as a manager for their list)
through Flask's test client, each page is asked for `runs` times after one warm-up at one size, then at
the other, `rounds` times over (--rounds, 3): the median time is the server's time for the page (the test
client has no network), with the CPU time the process spent in it (which other work on a shared machine
does not lengthen), beside the page's size. With --after-change each timed request follows a change of
what HR's figures count, committed just before it (not timed): a plan of the current period, another one
each time, moved between two shared states, as a manager's akkoord or an employee's evaluation would.
Then nothing the figures and their pages keep while unchanged (pop/changes.py) still holds: this is the
first look after a change, which in a busy season is most looks. Measured in turn, the sizes share
whatever else the machine does at the time, so their ratio is fair where the times themselves are not. The table shows
both sizes, the ratios of 10,000 to 100, and the figures of issue 18 from before the lists were
paginated (the same machine, the same measure). It prints figures; it does not fail on a slow machine."""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from app import create_app  # noqa: E402
from conftest import Client  # noqa: E402
from pop.db import database  # noqa: E402
from pop.demo import DEMO_PASSWORD  # noqa: E402
from pop.demo_organisation import load_organisation  # noqa: E402

# (label, who, address); who: "hr" or "manager" (a generated leidinggevende's team).
PAGES = [
    ("/", "hr", "/"),
    ("/mensen/", "hr", "/mensen/"),
    ("/budget", "hr", "/budget"),
    ("/matrix", "hr", "/matrix"),
    ("/ manager", "manager", "/"),
    ("/ status, page 40", "hr", "/?sorteer=status&richting=af&pagina=40"),
    ("/ search", "hr", "/?zoek=de+vries"),
    ("/mensen/ manager", "hr", "/mensen/?sorteer=leidinggevende&pagina=100"),
    ("/budget remaining", "hr", "/budget?sorteer=resterend-euro"),
    ("/matrix group", "hr", "/matrix?sorteer=groep&groep=high-potentials"),
    ("/dashboard", "hr", "/dashboard"),
    ("/dashboard overdue", "hr", "/dashboard/gesprekken-verlopen"),
    ("/afdelingen/", "hr", "/afdelingen/"),
]
# Issue 18's figures before this change (median of 5, 10,000 employees): ms, MB.
BEFORE = {"/": (502, 3.6), "/mensen/": (2400, 2.0), "/budget": (1000, 3.6), "/matrix": (330, 4.5)}


def build(size: int, database_url: str):
    """The organisation of `size` in its own database, and clients logged in to it as HR and as a
    manager. Returns (the database handle, the clients)."""
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": database_url})
    with app.app_context():
        database.connect(reuse_if_open=True)
        started = time.perf_counter()
        made = load_organisation(size)
        print(f"{size} employees: {made['plans']} plans, {made['budgets']} budgets, "
              f"{made['placements']} placements, made in {time.perf_counter() - started:.1f} s", flush=True)
        from pop.models import Person
        manager = (Person.select().where(Person.role == "leidinggevende")
                   .order_by(Person.id.desc()).first().email)
        database.close()
    clients = {}
    for who, email in (("hr", "hr@voorbeeld.nl"), ("manager", manager)):
        clients[who] = Client(app)
        assert clients[who].login(email, DEMO_PASSWORD).status_code == 302
    return database.obj, clients


class Changes:
    """A counted change before each timed request (--after-change): a plan of the period, taken in a fixed
    random order, moved from the one shared state to the other (and back the next time it comes round),
    with a cent more of planned costs."""

    MOVES = {"uitvoering": "evaluatie", "evaluatie": "uitvoering"}

    def __init__(self, size: int):
        from pop.models import Plan
        from pop.plans import current_period

        self.states = dict(Plan.select(Plan.id, Plan.status).where(
            (Plan.period == current_period()) & Plan.status.in_(list(self.MOVES))).tuples())
        self.order = sorted(self.states)
        random.Random(size).shuffle(self.order)
        self.turn = 0

    def __call__(self) -> None:
        from peewee import fn

        from pop.models import Plan

        plan_id = self.order[self.turn % len(self.order)]
        self.turn += 1
        self.states[plan_id] = self.MOVES[self.states[plan_id]]
        # And a cent more planned each time: the figures never come back to ones seen before (at 100
        # employees a few plans moved back and forth would find whole pages kept for those).
        with database.connection_context():
            Plan.update(status=self.states[plan_id], costs_euro=fn.COALESCE(Plan.costs_euro, 0) + Decimal("0.01")
                        ).where(Plan.id == plan_id).execute()


def measure(organisations: dict, runs: int, rounds: int, changes: dict | None = None
            ) -> dict[int, dict[str, tuple[float, float, int]]]:
    """Each page at every size in turn, `rounds` times over (the database handle switched between the
    sizes, each a warm-up first): other work on a shared machine then weighs on both sizes alike, and
    their ratio holds where the times themselves vary by a factor of three from minute to minute."""
    samples = {size: {label: ([], []) for label, _, _ in PAGES} for size in organisations}
    sizes = {}
    for _ in range(rounds):
        for label, who, url in PAGES:
            for size, (handle, clients) in organisations.items():
                database.initialize(handle)
                client = clients[who]
                response = client.get(url)  # warm-up: the first render compiles the template
                assert response.status_code == 200, (url, response.status_code)
                times, cpu = samples[size][label]
                for _ in range(runs):
                    if changes:
                        changes[size]()
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    times.append(time.perf_counter() - start)
                    cpu.append(time.process_time() - start_cpu)
                sizes[(size, label)] = len(response.get_data())
    return {size: {label: (statistics.median(times) * 1000, statistics.median(cpu) * 1000, sizes[(size, label)])
                   for label, (times, cpu) in pages.items()} for size, pages in samples.items()}


def database_for(base: str, size: int, folder: str) -> tuple[str, callable]:
    """A new database for one organisation: a file in folder, or a database on the PostgreSQL server."""
    if not base:
        return f"sqlite:///{folder}/hr-{size}.sqlite3", lambda: None
    import psycopg2
    from urllib.parse import urlsplit, urlunsplit

    name = f"pop_bench_hr_{size}"

    def admin(sql):
        connection = psycopg2.connect(base)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
        connection.close()

    admin(f'DROP DATABASE IF EXISTS "{name}"')
    admin(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base)
    return (urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, "")),
            lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[100, 10_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="times each page is measured at both sizes in turn")
    parser.add_argument("--database", default="", help="PostgreSQL admin URL; default: SQLite files")
    parser.add_argument("--pages", nargs="*", default=[], help="only the pages whose label holds one of these")
    parser.add_argument("--after-change", action="store_true",
                        help="a counted change (a plan's state) committed before each timed request")
    args = parser.parse_args()
    if args.pages:
        PAGES[:] = [p for p in PAGES if any(w in p[0] for w in args.pages)]
    small, large = args.sizes
    organisations, drops = {}, []
    with tempfile.TemporaryDirectory() as folder:
        try:
            for size in (small, large):
                url, drop = database_for(args.database, size, folder)
                drops.append(drop)
                organisations[size] = build(size, url)
            changes = None
            if args.after_change:
                changes = {}
                for size, (handle, _) in organisations.items():
                    database.initialize(handle)
                    with database.connection_context():
                        changes[size] = Changes(size)
            results = measure(organisations, args.runs, args.rounds, changes)
        finally:
            for handle, _ in organisations.values():
                handle.close_all() if hasattr(handle, "close_all") else handle.close()
            for drop in drops:
                drop()
    if args.after_change:
        print("\neach timed request right after a change of a plan's state (the first look after a change)")
    print(f"\nmedian of {args.runs} x {args.rounds} in ms, the sizes measured in turn: the time of the request "
          "(cpu: this process's CPU time in it, which other work on the machine does not lengthen) and the "
          "page's size")
    print(f"{'page':<20} {small:>24} {large:>25} {'ratio':>6} {'cpu':>5}   {'before, ' + str(large):>18}")
    for label, _, _ in PAGES:
        (t1, c1, b1), (t2, c2, b2) = results[small][label], results[large][label]
        before = BEFORE.get(label)
        was = f"{before[0]:>6.0f} ({before[1]:.1f} MB)" if before and large == 10_000 else ""
        print(f"{label:<20} {t1:6.1f} cpu {c1:5.1f} {b1 / 1024:4.0f} kB {t2:7.1f} cpu {c2:5.1f} {b2 / 1024:4.0f} kB "
              f"{t2 / t1:5.1f}x {c2 / c1:4.1f}x   {was:>18}")


if __name__ == "__main__":
    main()
