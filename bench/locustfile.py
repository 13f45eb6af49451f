"""What the people of bench/load_test.py do, for Locust (run by that script, which logs them in first
and hands over who is who in LOAD_PEOPLE). Think times are those of people at work: an employee reads a
part and types for half a minute before saving; a manager reads; HR clicks through lists.

Every request's time and its failure (None when it went well) are written to LOAD_RESULTS at the end,
for load_test.py's exact percentiles. A request counts as failed when its status is not the one a
person expects, or when its page lacks what it must show: a save must come back with "Opgeslagen." and
the text typed; a download must be the file asked for.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import resource
import time

from http.client import RemoteDisconnected

from locust import HttpUser, between, events, task
from lxml import html
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ProtocolError
from urllib3.util.retry import Retry

PEOPLE = json.loads(open(os.environ["LOAD_PEOPLE"]).read())
# Think times times this (load_test.py --pace): 1 is people at work; less is the same people in a hurry,
# to find what breaks first.
PACE = float(os.environ.get("LOAD_PACE", 1))
RESENT: list = []  # the requests sent again on a fresh connection (BrowserResend)
RECORDS: list = []  # (name, ms, failure or None, seconds from the start when it ended)
STARTED = [time.time()]
_next = {role: itertools.count() for role in PEOPLE}


@events.request.add_listener
def _record(name, response_time, exception, **_):
    RECORDS.append((name, response_time, str(exception) if exception else None, time.time() - STARTED[0]))


@events.test_start.add_listener
def _start(**_):
    STARTED[0] = time.time()


@events.quitting.add_listener
def _write(**_):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(os.environ["LOAD_RESULTS"], "w") as out:
        json.dump({"requests": RECORDS, "resent": RESENT, "cpu_seconds": usage.ru_utime + usage.ru_stime}, out)


class BrowserResend(Retry):
    """Send a request once more when the connection it went out on was closed under it before any
    answer came, as browsers do (Chromium resends on a reused connection whatever the method): gunicorn
    closes a connection idle for 2 s (its --keep-alive), and a request sent at that moment is reset. A
    person never sees it; without this, such requests counted as errors (12 of 586 at --pace 0.1, none
    with --keep-alive 30). Every other error stays an error; each resend is counted and reported."""

    def increment(self, method=None, url=None, response=None, error=None, *args, **kwargs):
        if error is not None:
            cause = error.args[1] if isinstance(error, ProtocolError) and len(error.args) > 1 else None
            if not isinstance(cause, (ConnectionResetError, RemoteDisconnected)):
                raise error
            RESENT.append((method, url, repr(cause)))
        return super().increment(method, url, response, error, *args, **kwargs)


class Person(HttpUser):
    abstract = True
    role = ""

    def on_start(self):
        self.me = PEOPLE[self.role][next(_next[self.role])]
        self.client.headers["User-Agent"] = os.environ["LOAD_USER_AGENT"]
        resend = BrowserResend(total=1, connect=0, read=1, other=0, status=0, redirect=0, allowed_methods=None)
        self.client.mount("http://", HTTPAdapter(max_retries=resend))
        for name, value, domain, path in self.me["cookies"]:
            self.client.cookies.set(name, value, domain=domain, path=path)

    def page(self, url: str, name: str, must: str | None = None):
        """GET a page; it must answer 200 (after redirects) and, given, contain `must`."""
        with self.client.get(url, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"status {answer.status_code}" + (f": {answer.error}" if answer.error else ""))
            elif "/login" in answer.url:
                answer.failure("sent to the log-in page")
            elif must and must not in answer.text:
                answer.failure(f"page without {must!r}")
            return answer

    def download(self, url: str, name: str, magic: bytes):
        with self.client.get(url, name=name, catch_response=True) as answer:
            if answer.status_code != 200 or not answer.content.startswith(magic):
                answer.failure(f"status {answer.status_code}, not the file "
                               f"({answer.headers.get('Content-Type')})")


def think(least: float, most: float) -> None:
    time.sleep(random.uniform(least, most) * PACE)


def form_values(page: str, marker: str) -> tuple[html.FormElement, dict]:
    """The form holding an input named `marker`, and what a browser posts from it: every named input,
    the checked boxes and buttons only, each select's chosen option (lxml's form_values)."""
    tree = html.fromstring(page)
    form = next(f for f in tree.forms if f.xpath(f".//*[@name='{marker}']"))
    return form, form.form_values()


def _texts(values) -> dict:
    return {name: " ".join(value.split()) for name, value in values
            if name not in ("csrf_token", "versie", "basis", "go")}


def _lost(posted: list, page: str) -> list[str]:
    """The inputs whose text the page after the save does not show as it was posted (whitespace aside):
    a save must keep every answer of the part, not only the one typed."""
    _, shown = form_values(page, "versie")
    before, after = _texts(posted), _texts(shown)
    return [name for name, text in before.items() if text and after.get(name) != text]


class Employee(Person):
    """Opens their plan and writes it, part after part."""
    role = "employees"
    fixed_count = int(os.environ.get("LOAD_EMPLOYEES", 34))
    wait_time = between(5 * PACE, 20 * PACE)
    saves = 0

    @task(1)
    def first_page(self):
        self.page("/", "GET / (employee)")

    @task(2)
    def overview(self):
        self.page(f"/plans/{self.me['plan']}", "GET /plans/<id> (own)")

    @task(5)
    def write_a_part(self):
        part, keys = random.choice(list(self.me["parts"].items()))
        url = f"/plans/{self.me['plan']}/{part}"
        answer = self.page(url, "GET /plans/<id>/<part> (own)", must='name="versie"')
        if not answer.ok or 'name="versie"' not in answer.text:
            return
        _, values = form_values(answer.text, "versie")
        key = random.choice(keys)
        think(10, 40)  # reading and typing
        self.saves += 1
        typed = f"Belastingtest {self.me['plan']} {self.saves} {random.randrange(10**6)}"
        values = [(name, typed if name == key else value) for name, value in values]
        if not any(name == key for name, _ in values):
            values.append((key, typed))
        values.append(("go", "stay"))
        with self.client.post(url, data=values, name="POST /plans/<id>/<part> (save)",
                              catch_response=True) as saved:
            if saved.status_code != 200:
                notice = re.search(r"Niet opgeslagen[^<]*", saved.text or "")
                saved.failure(f"status {saved.status_code}: "
                              f"{notice.group(0) if notice else saved.error or saved.text[:200]}")
            elif "Opgeslagen." not in saved.text:
                saved.failure("no 'Opgeslagen.'")
            elif typed not in saved.text:
                saved.failure("the text typed is not shown back")
            elif lost := _lost(values, saved.text):
                saved.failure(f"answers not shown back as posted: {lost[:3]}")

    @task(1)
    def print_view(self):
        self.page(f"/plans/{self.me['plan']}/afdrukken", "GET /plans/<id>/afdrukken (own)")


class Manager(Person):
    """Reads the team's list and the plans of the team."""
    role = "managers"
    fixed_count = int(os.environ.get("LOAD_MANAGERS", 10))
    wait_time = between(3 * PACE, 15 * PACE)

    @task(2)
    def team(self):
        self.page("/", "GET / (manager)")

    @task(3)
    def a_plan(self):
        plan, part = random.choice(self.me["plans"])
        self.page(f"/plans/{plan}", "GET /plans/<id> (manager)")
        think(3, 10)
        self.page(f"/plans/{plan}/{part}", "GET /plans/<id>/<part> (manager)")

    @task(1)
    def print_view(self):
        plan, _ = random.choice(self.me["plans"])
        self.page(f"/plans/{plan}/afdrukken", "GET /plans/<id>/afdrukken (manager)")

    @task(1)
    def matrix(self):
        self.page("/matrix", "GET /matrix (manager)")


class HR(Person):
    """Lists, searches, reads plans, downloads them, and now and then exports a department."""
    role = "hr"
    fixed_count = int(os.environ.get("LOAD_HR", 6))
    wait_time = between(3 * PACE, 12 * PACE)

    @task(3)
    def overview(self):
        page = random.choice(["", "?pagina=2", "?sorteer=status&richting=af", "?sorteer=naam&pagina=3",
                              "?status=uitvoering"])
        self.page(f"/{page}", "GET / (HR, a page of plans)")

    @task(2)
    def search(self):
        name = random.choice(self.me["names"])
        self.page(f"/?zoek={name}", "GET /?zoek= (HR)")
        think(2, 5)
        self.page(f"/mensen/?zoek={name}", "GET /mensen/?zoek= (HR)")

    @task(2)
    def people(self):
        self.page(random.choice(["/mensen/", "/mensen/?pagina=5", "/mensen/?sorteer=afdeling"]),
                  "GET /mensen/ (HR)")

    @task(1)
    def budget(self):
        self.page("/budget", "GET /budget (HR)")

    @task(1)
    def matrix(self):
        self.page("/matrix", "GET /matrix (HR)")

    @task(1)
    def dashboard(self):
        self.page("/dashboard", "GET /dashboard (HR)")

    @task(2)
    def a_plan(self):
        plan = random.choice(self.me["plans"])
        self.page(f"/plans/{plan}", "GET /plans/<id> (HR)")
        think(2, 6)
        if random.random() < 0.5:
            self.download(f"/plans/{plan}/download.docx", "GET /plans/<id>/download.docx", b"PK")
        else:
            self.download(f"/plans/{plan}/download.xlsx", "GET /plans/<id>/download.xlsx", b"PK")

    @task(1)
    def bulk_export(self):
        if random.random() > 0.5:  # now and then: about once in 2 minutes per HR person
            return
        answer = self.page("/export", "GET /export", must="afdeling")
        if not answer.ok:
            return
        _, values = form_values(answer.text, "afdeling")
        department = random.choice(self.me["departments"])
        values = [(n, department if n == "afdeling" else v) for n, v in values]
        with self.client.post("/export", data=values, name="POST /export", catch_response=True) as started:
            if started.status_code != 200 or "/export/" not in started.url:
                said = re.findall(r'class="flash[^"]*"[^>]*>([^<]+)', started.text or "")
                started.failure(f"status {started.status_code}, no job for {department}: {said}")
                return
            job = started.url.split("?")[0]
        for _ in range(60):
            time.sleep(2)
            status = self.page(job, "GET /export/<id> (waiting)")
            if "Klaar:" in status.text or "mislukt" in status.text.lower():
                break
        if "Klaar:" not in status.text:
            problem = "failed" if "mislukt" in status.text.lower() else "did not finish within 120 s"
            self.environment.events.request.fire(
                request_type="GET", name="bulk export done", response_time=0, response_length=0,
                exception=Exception(f"the export {problem}"), context={})
            return
        self.download(job + "/download", "GET /export/<id>/download", b"PK")
