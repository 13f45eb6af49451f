"""Pages stay first: the log-in page's answer time while two PDFs of large plans are made and a bulk export
runs, on the same machine. `.venv/bin/python bench/bench_pages_under_load.py` (--plans 300,
--pdf-parallel 2 to make both PDFs at once whatever POP_PDF_MAX_PARALLEL says).

Starts POP as start.sh does (gunicorn -w 2 gthread --preload, and the queue's worker beside it) on a
database of its own: the demo organisation, a plan of Eva filled to the form's limits (bench_pdf.py's
limit_values; a LibreOffice run of several seconds), and --plans shared plans for the export. It probes
the log-in page every 0.25 s, first idle, then while Eva downloads her plan as PDF twice at once and
HR exports every plan (the demo's shared ones too), until all three are done, and prints the median and worst answer time of each
phase and how many probes took over a second. LibreOffice and the export's workers run niced (pop/
cpus.py); the usable CPUs and the PDF limit are printed. It prints figures; it does not fail on a
slow machine.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
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
sys.path.insert(0, str(ROOT / "bench"))

from bench_pages import free_port, gunicorn, pop_app, stop as stop_servers, wait_up, worker  # noqa: E402

PROBE_EVERY = 0.25


def make_database(instance: Path, plans: int) -> int:
    """The demo organisation, Eva's large plan (its id is returned) and `plans` plans to export."""
    os.environ["BENCH_INSTANCE"] = str(instance)
    app = pop_app()
    from bench_exports import filled_values
    from bench_pdf import limit_values
    from forms import DEFAULT_FORM, get_form
    from pop import answers
    from pop.db import database
    from pop.demo import EMPLOYEE_EMAIL, load_demo
    from pop.models import Person, Plan
    from pop.plans import start_plan

    definition = get_form(DEFAULT_FORM)
    with app.app_context():
        database.connect(reuse_if_open=True)
        load_demo()
        eva = Person.get(Person.email == EMPLOYEE_EMAIL)
        large = start_plan(eva, DEFAULT_FORM, "groot")
        answers.save(large, limit_values(definition))
        values = filled_values(definition)
        manager = eva.manager
        with database.atomic():
            for i in range(plans):
                person = Person.create(voornaam=f"Medewerker{i}", achternaam="Bench", email=f"m{i}@bench.nl",
                                       functie="Adviseur", afdeling="Bench", manager=manager)
                plan = start_plan(person, DEFAULT_FORM, "2026")
                answers.save(plan, values)
                Plan.update(status="uitvoering").where(Plan.id == plan.id).execute()
        return large.id


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str, timeout: float = 120):
        with self.opener.open(self.base + path, timeout=timeout) as response:
            return response.status, response.geturl(), response.read()

    def post(self, path: str, fields: dict, timeout: float = 60):
        page = self.get(path)[2].decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        with self.opener.open(self.base + path, data=data, timeout=timeout) as response:
            return response.status, response.geturl(), response.read()

    def login(self, email: str, password: str) -> "Browser":
        _, url, _ = self.post("/login", {"email": email, "password": password})
        if "/login" in url:
            raise SystemExit(f"log-in as {email} failed")
        return self


def probe(base: str, stop: threading.Event, times: list[float]) -> None:
    while not stop.is_set():
        start = time.monotonic()
        try:
            urllib.request.urlopen(base + "/login", timeout=30).read()
            times.append(time.monotonic() - start)
        except OSError:
            times.append(float("inf"))
        stop.wait(max(0.0, PROBE_EVERY - (time.monotonic() - start)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=300, help="plans in the bulk export")
    parser.add_argument("--pdf-parallel", type=int, default=None,
                        help="POP_PDF_MAX_PARALLEL for this run (default: the app's own)")
    parser.add_argument("--idle-seconds", type=float, default=3)
    args = parser.parse_args()
    if not shutil.which("soffice"):
        raise SystemExit("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")

    tmp = Path(tempfile.mkdtemp(prefix="pop-bench-load-"))
    instance = tmp / "instance"
    instance.mkdir(mode=0o700)
    url = f"sqlite:///{tmp / 'pop.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "POP_SECRET_KEY": "bench-load", "BENCH_INSTANCE": str(instance),
           "POP_LOG_LEVEL": "WARNING", "POP_QUEUE_URL": f"sqlite:///{tmp / 'queue.sqlite3'}",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")])}
    if args.pdf_parallel:
        env["POP_PDF_MAX_PARALLEL"] = str(args.pdf_parallel)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "POP_SECRET_KEY", "POP_QUEUE_URL")})
    print(f"Making the database ({args.plans} plans to export) ...", flush=True)
    large = make_database(instance, args.plans)
    port = free_port()
    log = tmp / "pop.log"
    servers = [gunicorn("bench_pages:pop_app()", port, env, log),
               worker("bench_pages:pop_app()", env, tmp / "worker.log")]
    base = f"http://127.0.0.1:{port}"
    results: dict = {}
    try:
        wait_up(base + "/login", servers[0], log)
        from exports.pdf import convert
        from pop.demo import DEMO_PASSWORD, DOMAIN, EMPLOYEE_EMAIL

        eva = [Browser(base).login(EMPLOYEE_EMAIL, DEMO_PASSWORD) for _ in range(2)]
        hr = Browser(base).login(f"hr@{DOMAIN}", DEMO_PASSWORD)

        idle: list[float] = []
        stop = threading.Event()
        prober = threading.Thread(target=probe, args=(base, stop, idle))
        prober.start()
        time.sleep(args.idle_seconds)
        stop.set()
        prober.join()

        def pdf(name, browser):
            start = time.monotonic()
            try:
                status, _, body = browser.get(f"/plans/{large}/download.pdf")
                results[name] = (f"{status}, {'PDF' if body.startswith(b'%PDF') else 'no PDF'}",
                                 time.monotonic() - start)
            except urllib.error.HTTPError as exc:
                results[name] = (f"{exc.code} (busy or too slow)", time.monotonic() - start)

        def export():
            start = time.monotonic()
            _, where, _ = hr.post("/export", {"afdeling": "", "periode": "", "status": "", "formulier": ""})
            job = urllib.parse.urlsplit(where).path
            if not re.fullmatch(r"/export/\d+", job):
                results["bulk export"] = (f"not started ({job})", time.monotonic() - start)
                return
            while time.monotonic() - start < 600:
                page = hr.get(job)[2].decode()
                if "Klaar:" in page or "mislukt" in page.lower():
                    results["bulk export"] = ("klaar" if "Klaar:" in page else "mislukt", time.monotonic() - start)
                    return
                time.sleep(0.2)
            results["bulk export"] = (f"not done after 600 s ({job})", time.monotonic() - start)

        loaded: list[float] = []
        stop = threading.Event()
        prober = threading.Thread(target=probe, args=(base, stop, loaded))
        work = [threading.Thread(target=pdf, args=(f"PDF {i + 1}", b)) for i, b in enumerate(eva)]
        work.append(threading.Thread(target=export))
        prober.start()
        for w in work:
            w.start()
        for w in work:
            w.join()
        stop.set()
        prober.join()
    finally:
        stop_servers(servers)
        shutil.rmtree(tmp, ignore_errors=True)

    limit = args.pdf_parallel or convert.settings().max_parallel
    try:
        from pop import cpus
        print(f"{cpus.usable()} usable CPUs; PDFs at once: {limit}; bulk export workers: "
              f"{os.environ.get('POP_EXPORT_WORKERS') or cpus.usable()}")
    except ImportError:  # a release before pop/cpus.py, measured for comparison
        print(f"{os.cpu_count()} CPUs (os.cpu_count()); PDFs at once: {limit}")
    for name, (outcome, seconds) in results.items():
        print(f"  {name:12} {outcome:28} {seconds:6.1f} s")
    print(f"  {'log-in page':22} {'probes':>7} {'median':>8} {'worst':>8} {'over 1 s':>9}")
    for label, times in (("idle", idle), ("under load", loaded)):
        finite = [t for t in times if t != float("inf")]
        print(f"  {label:22} {len(times):7d} {statistics.median(finite) * 1000:6.0f} ms "
              f"{max(times) * 1000:6.0f} ms {sum(t > 1 for t in times):9d}")


if __name__ == "__main__":
    main()
