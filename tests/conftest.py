"""Fixtures in the manner of the Flask tutorial: a fresh app and SQLite database per test, and a
client that logs in and posts forms the way a browser does, CSRF token included (CSRF stays on)."""
import html
import re

import pytest

from app import create_app
from databases import drop_database_url, fresh_database_url, new_database_url, on_postgres, release_database_url
from pop.models import Person
from pop.people import save_person
from pop.plans import start_plan

PASSWORD = "wachtwoord-123"

# What these files test does not depend on the database: what Chromium shows and does, LibreOffice's
# PDFs, the upload check's packages, the confined template child, docxtpl's templates and the blank-form
# mapper. They run on SQLite only: CI runs both suites at once on 2 cores within 15 minutes, and here
# they took about a fifth of the PostgreSQL run. The journeys behind the browser tests run over HTTP on
# both databases (test_cycle, test_fill_save, test_access, ...), as do every export and upload test that
# stores something.
SQLITE_ONLY = frozenset({
    "test_browser.py", "test_browser_layout.py", "test_browser_blank_forms.py", "test_browser_feedback.py",
    "test_exports_pdf.py", "test_pdf_limits.py", "test_template_isolation.py", "test_template_corpus.py",
    "test_blank_corpus.py", "test_package_check.py", "test_docxtpl_compat.py",
})


def pytest_collection_modifyitems(config, items):
    if not on_postgres():
        return
    skip = pytest.mark.skip(reason="does not depend on the database: runs in the SQLite suite")
    for item in items:
        if item.path.name in SQLITE_ONLY:
            item.add_marker(skip)
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _database(tmp_path, migrated):
    url = fresh_database_url(tmp_path) if migrated else new_database_url(tmp_path, migrated=False)
    yield url
    from pop.db import database
    if getattr(database, "obj", None) is not None and not database.is_closed():
        database.close()
    release_database_url(url) if migrated else drop_database_url(url)


@pytest.fixture
def database_url(tmp_path):
    """An empty database, for tests that build an older schema in it: SQLite, or a fresh PostgreSQL
    database with POP_TEST_POSTGRES (see tests/databases.py)."""
    yield from _database(tmp_path, migrated=False)


@pytest.fixture
def app(tmp_path):
    for url in _database(tmp_path, migrated=True):
        yield create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "DATABASE_URL": url})


class Client:
    """A logged-in (or not) user of the site, seen through the Flask test client."""

    def __init__(self, app):
        self.http = app.test_client()

    def login(self, email, password=PASSWORD):
        page = self.http.get("/login")
        return self.http.post("/login", data={"email": email, "password": password,
                                              "csrf_token": csrf_from(page)})

    def get(self, url, **kw):
        return self.http.get(url, **kw)

    def post(self, url, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:  # not setdefault: its default would be fetched anyway
            data["csrf_token"] = csrf_from(self.http.get("/"))
        return self.http.post(url, data=data, **kw)


def csrf_from(response) -> str:
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, "page has no CSRF token"
    return match.group(1)


def text_of(response) -> str:
    """The page's text with tags removed and entities decoded, whitespace collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def make_person(email, voornaam, achternaam, role="medewerker", manager=None, **extra):
    errors = save_person(None, dict(email=email, voornaam=voornaam, achternaam=achternaam, role=role,
                                    manager=manager.id if manager else None, password=PASSWORD,
                                    active=True, **extra), new_department=True)
    assert not errors, errors
    return Person.get(Person.email == email)


@pytest.fixture
def org(app):
    """HR, two managers, an employee under each, and one plan per employee."""
    with app.app_context():
        hr = make_person("hr@test.nl", "Hanna", "HR", role="hr", afdeling="HR")
        m1 = make_person("m1@test.nl", "Marco", "Een", role="leidinggevende", functie="Manager A",
                         afdeling="A")
        m2 = make_person("m2@test.nl", "Mira", "Twee", role="leidinggevende", functie="Manager B",
                         afdeling="B")
        a = make_person("a@test.nl", "Anna", "Alfa", manager=m1, functie="Adviseur", afdeling="A")
        b = make_person("b@test.nl", "Bram", "Beta", manager=m2, functie="Planner", afdeling="B")
        plan_a = start_plan(a, "pop-uitgebreid", "2026")
        plan_b = start_plan(b, "pop-uitgebreid", "2026")
        return dict(hr=hr.email, m1=m1.email, m2=m2.email, a=a.email, b=b.email,
                    plan_a=plan_a.id, plan_b=plan_b.id)


@pytest.fixture
def hash_checks(monkeypatch):
    """The password hashes checked, wherever they are checked (real or wasted)."""
    from pop import models

    calls = []
    real = models.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    return calls


@pytest.fixture
def client(app):
    return Client(app)


@pytest.fixture
def login(app):
    """login(email) -> a Client logged in as that person."""
    def _login(email):
        c = Client(app)
        response = c.login(email)
        assert response.status_code == 302, f"login as {email} failed"
        return c
    return _login
