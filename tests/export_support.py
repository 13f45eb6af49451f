"""Helpers for the export tests: a plan filled in completely with awkward text, and readers for what
the Word and Excel exports contain."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile

import pytest
from docx import Document
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

from app import create_app
from databases import database_name, drop_database_url, new_database_url
from conftest import Client, make_person
from forms import DEFAULT_FORM, get_form
from pop import answers
from pop.db import database, open_database
from pop.models import ExportTemplate, Person, Plan
from pop.plans import start_plan

FORM = get_form(DEFAULT_FORM)
FORM_KEY = FORM.key
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# ---------------------------------------------------------------- the awkward answers

LONG_10K = ("Een heel lang antwoord. " * 500)[:9989] + "[EINDE-10K]"
assert len(LONG_10K) == 10_000
SCRIPT = "<script>alert(1)</script>"
AMP = "A & B <c>"
ACCENTS = "é ë ï ñ – Zoë’s café 😀🎉"
MULTILINE = "Eerste regel\nTweede regel\tmet een tab\n\nna een lege regel"
TAB_START = "\tbegint met een tab"
CR_START = "\rbegint met een CR"
TEMPLATE_CODE = "{{ 7*7 }} {% if true %}code{% endif %}"  # typed by an employee: text, not template

EMPLOYEE = dict(voornaam="Zoë", achternaam="van 't Hof/Test", functie="Adviseur é&ë",
                afdeling="Afdeling A")
EMPLOYEE_NAME = "Zoë van 't Hof/Test"
MANAGER_NAME = "Marco Één"
PERIOD = "2026"
SIGN_EMPLOYEE = dt.date(2026, 11, 2)
SIGN_MANAGER = dt.date(2026, 11, 3)
TALK_DATES = (dt.date(2026, 5, 15), dt.date(2026, 9, 1))
NEXT_TALK = dt.date(2026, 12, 1)
POP_TALK = dt.date(2026, 3, 15)


def tricky_values(employee_id: int, manager_id: int) -> dict:
    """A value for every field of the form, typed as pop.answers.load returns them (forms/kinds.py).
    Blank answers are deliberate: nieuwe_eisen, evaluatie_vooraf, hoe_geleerd, one grid cell each."""
    return {
        # Gegevens
        "medewerker_naam": EMPLOYEE_NAME,
        "medewerker_afdeling": AMP,
        "medewerker_functie": "@home",
        "datum_pop_gesprek": POP_TALK,
        "leidinggevende_naam": MANAGER_NAME,
        "leidinggevende_functie": "+31 6",
        # Fase I
        "kwaliteiten": [
            {"sterk": "=1+1", "verbeter": "-5"},
            {"sterk": ACCENTS, "verbeter": ""},
            {"sterk": "", "verbeter": "Regel een\nRegel twee\tna tab"},
        ],
        "meer_doen": SCRIPT,
        "nieuwe_ontwikkelingen": AMP,
        "werk_over_3_jaar": LONG_10K,
        "nieuwe_eisen": "",
        "voorbereiding_functie": MULTILINE,
        # stored out of order: the exports must list them by Belang
        "ontwikkeldoelen": [
            {"doel": "Doel met belang drie", "belang": 3},
            {"doel": "Doel met belang een", "belang": 1},
            {"doel": "Doel met belang twee", "belang": 2},
        ],
        # Fase II
        "on_the_job": {
            "projecten": {"past": "plus", "ligt": "matig"},
            "coaching": {"past": "min", "ligt": "plus"},
            "instructie": {"past": "matig", "ligt": "min"},
            "elkaar": {"past": "plus", "ligt": None},
        },
        "off_the_job": {
            "trainingen": {"past": "plus", "ligt": "plus"},
            "opleidingen": {"past": "min", "ligt": "min"},
            "andere_afdelingen": {"past": "matig", "ligt": "matig"},
            "zelfstudie": {"past": "min", "ligt": "matig"},
        },
        "pop_wat": "=1+1",
        "pop_hoe": "+31 6 12345678",
        "pop_wanneer_voldaan": "-5 procent fouten",
        "pop_ondersteuning": "@home werken",
        "kosten": {
            "werktijd": {"van_toepassing": "ja"},
            "vrije_tijd": {"van_toepassing": "nee"},
            "tijd_anderen": {"van_toepassing": "ja"},
            "materialen": {"van_toepassing": "nee"},
            "reis": {"van_toepassing": "ja"},
            "opleiding": {"van_toepassing": "ja"},
            "middelen": {"van_toepassing": "nee"},
            "coach": {"van_toepassing": None},
        },
        "kosten_antwoord": TAB_START,
        "wanneer_geleerd": CR_START,
        "evaluatie_optie": "achteraf",
        "evaluatie_vooraf": "",
        "evaluatie_achteraf": "Bewijzen: " + ACCENTS,
        # Fase III: stored in the wrong date order
        "voortgangsgesprekken": [
            {"datum": TALK_DATES[1], "gedaan": "Tweede gesprek gedaan", "opgeleverd": "Tweede opgeleverd",
             "tevreden": "Tweede tevreden", "verder": "Tweede verder"},
            {"datum": TALK_DATES[0], "gedaan": "Eerste gesprek gedaan\nmet tweede regel",
             "opgeleverd": "Eerste opgeleverd", "tevreden": "", "verder": "Eerste verder " + AMP},
        ],
        # Fase IV
        "doelen_gehaald": "Gehaald: " + SCRIPT + " " + AMP,
        "hoe_geleerd": "",
        "pop_afsluiten": "Afsluiten\tmet tab\nen regel " + TEMPLATE_CODE,
        # Afronding
        "volgend_gesprek": "voortgangsgesprek",
        "volgend_gesprek_datum": NEXT_TALK,
        "akkoord_medewerker": {"naam": EMPLOYEE_NAME, "datum": SIGN_EMPLOYEE, "person_id": employee_id},
        "akkoord_leidinggevende": {"naam": MANAGER_NAME, "datum": SIGN_MANAGER,
                                   "person_id": manager_id},
        # The parts every form shares (forms/common.py), left empty here: tests/test_exports_forms.py
        # fills the new kinds.
        "kosten_pob": {},
        "gesprekken": [],
    }


def assert_covers_every_field(values: dict) -> None:
    missing = {f.key for f in FORM.fields} - set(values)
    assert not missing, f"the test filling misses fields: {sorted(missing)}"


# ---------------------------------------------------------------- an organisation in one database

PASSWORD = "wachtwoord-123"


def new_app(tmp_path, **config):
    config.setdefault("DATABASE_URL", new_database_url(tmp_path, "exports"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      **config})
    # What is written under the instance folder (PDF slots) stays out of the project's.
    app.instance_path = str(tmp_path / "instance")
    os.makedirs(app.instance_path, exist_ok=True)
    return app


def demo_organisation(tmp_path):
    """The demo organisation (flask demo) in a database of its own, and its plan of each form:
    {form_key: id, email, status, manager, answers (what the demo typed)}. For a module fixture;
    the caller closes the database afterwards (close_database)."""
    from pop import clock
    from pop.demo import DEMO_FORMS, demo_start, load_demo
    from pop.models import Person, Plan

    app = new_app(tmp_path)
    with app.app_context():
        today = clock.today()
        load_demo(today)  # the demo's dates follow from the day it is loaded
        start = demo_start(today)
        plans = {}
        for form_key, (email, make_answers) in DEMO_FORMS.items():
            plan = Plan.get(Plan.employee == Person.get(Person.email == email))
            assert plan.form_key == form_key
            plans[form_key] = dict(id=plan.id, email=email, status=plan.status,
                                   manager=plan.manager.email, answers=make_answers(start))
    return app, plans


def close_database() -> None:
    if getattr(database, "obj", None) is not None and not database.is_closed():
        database.close()


def use_database(app) -> None:
    """Point the shared database proxy at this app's database again (another app may have taken it)."""
    current = getattr(database, "obj", None)
    if current is None or current.database != database_name(app.config["DATABASE_URL"]):
        if current is not None and not current.is_closed():
            current.close()
        open_database(app.config["DATABASE_URL"])


def build_org(app) -> dict:
    """HR (two), a manager with the awkwardly named employee Zoë, a second manager with employee Bram,
    and a plan each; Zoë's plan is filled with every awkward answer."""
    with app.app_context():
        hr = make_person("hr@test.nl", "Hanna", "HR", role="hr", afdeling="HR")
        hr2 = make_person("hr2@test.nl", "Henk", "Personeelszaken", role="hr", afdeling="HR")
        m1 = make_person("m1@test.nl", "Marco", "Één", role="leidinggevende", functie="Manager A",
                         afdeling="Afdeling A")
        m2 = make_person("m2@test.nl", "Mira", "Twee", role="leidinggevende", functie="Manager B",
                         afdeling="Afdeling B")
        zoe = make_person("zoe@test.nl", manager=m1, **EMPLOYEE)
        bram = make_person("b@test.nl", "Bram", "Beta", manager=m2, functie="Planner",
                           afdeling="Afdeling B")
        plan = start_plan(zoe, FORM_KEY, PERIOD)
        plan_b = start_plan(bram, FORM_KEY, PERIOD)
        values = tricky_values(zoe.id, m1.id)
        assert_covers_every_field(values)
        answers.save(plan, values)
        # Signed by both, with progress talks: a running plan, which its manager and HR may read.
        Plan.update(status="uitvoering").where(Plan.id == plan.id).execute()
        return dict(hr=hr.email, hr2=hr2.email, m1=m1.email, m2=m2.email, zoe=zoe.email, b=bram.email,
                    plan=plan.id, plan_b=plan_b.id, zoe_id=zoe.id, m1_id=m1.id)


def client_for(app, email) -> Client:
    c = Client(app)
    response = c.login(email)
    assert response.status_code == 302, f"login as {email} failed"
    return c


@pytest.fixture(scope="module")
def world(tmp_path_factory, request):
    """One app and organisation per test module (password hashing makes per-test set-up slow)."""
    world = World(tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2]))
    yield world
    from pop.db import database
    if getattr(database, "obj", None) is not None and not database.is_closed():
        database.close()
    drop_database_url(world.app.config["DATABASE_URL"])


@pytest.fixture(autouse=True)
def _no_templates(world):
    """No uploaded template before or after the test (imported by the template tests): one left active
    would change every other test's downloads."""
    use_database(world.app)
    yield
    use_database(world.app)
    with world.app.app_context():
        ExportTemplate.delete().execute()


@pytest.fixture(autouse=True)
def _db(world):
    """Every test talks to its module's database: modules share the one Peewee database proxy."""
    use_database(world.app)


class World:
    """One app and organisation shared by the tests of a module (creating people hashes passwords,
    which is slow), with logged-in clients made once."""

    def __init__(self, tmp_path):
        self.app = new_app(tmp_path)
        self.org = build_org(self.app)
        self._clients = {}

    def client(self, who: str) -> Client:
        if who not in self._clients:
            self._clients[who] = client_for(self.app, self.org[who])
        return self._clients[who]

    def values(self, plan_id=None) -> dict:
        with self.app.app_context():
            return answers.load(Plan.get_by_id(plan_id or self.org["plan"]))


# ---------------------------------------------------------------- reading Word documents


def docx_of(response) -> Document:
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == DOCX_MIME, response.mimetype
    return Document(io.BytesIO(response.data))


def body_items(doc):
    """The document body in reading order: Paragraph and Table objects interleaved."""
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, doc)
        elif tag == "tbl":
            yield DocxTable(child, doc)


def table_cells(table):
    """Each cell once (merged cells repeat in python-docx), row by row."""
    seen = []  # the elements themselves: an id() of a dropped lxml proxy can be reused
    for row in table.rows:
        for cell in row.cells:
            if any(cell._tc is tc for tc in seen):
                continue
            seen.append(cell._tc)
            yield cell


def body_texts(doc) -> list[str]:
    """The texts of the body in reading order: each paragraph, and each table cell, as one entry."""
    texts = []
    for item in body_items(doc):
        if isinstance(item, Paragraph):
            texts.append(item.text)
        else:
            texts.extend(cell.text for cell in table_cells(item))
    return texts


def body_tables(doc) -> list:
    return [item for item in body_items(doc) if isinstance(item, DocxTable)]


def rows_text(table) -> list[list[str]]:
    out = []
    for row in table.rows:
        cells, seen = [], []
        for cell in row.cells:
            if any(cell._tc is tc for tc in seen):
                continue
            seen.append(cell._tc)
            cells.append(cell.text)
        out.append(cells)
    return out


def all_docx_text(doc) -> str:
    parts = body_texts(doc)
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def docx_xml(data: bytes, part="word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(part).decode("utf-8")


# ---------------------------------------------------------------- reading workbooks


def workbook_of(response_or_bytes):
    data = response_or_bytes if isinstance(response_or_bytes, bytes) else response_or_bytes.data
    return load_workbook(io.BytesIO(data))


def find_label_row(ws, label: str, start: int = 1) -> int:
    for row in range(start, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == label:
            return row
    raise AssertionError(f"label {label!r} not in column A of sheet {ws.title!r} (from row {start})")


def sheet_xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n).decode("utf-8") for n in archive.namelist()
                if re.match(r"xl/worksheets/sheet\d+\.xml$", n)}


# ---------------------------------------------------------------- building files


def docx_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def simple_docx(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    return docx_bytes(doc)


def upload(client, data: bytes, filename: str, form_key=FORM_KEY):
    return client.post("/sjablonen", data={"form_key": form_key, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def upload_errors(response) -> str:
    """The message beside the upload's file field, "" when there is none."""
    import lxml.html
    found = lxml.html.fromstring(response.get_data(as_text=True)).xpath('//*[@id="file-error"]')
    return " ".join(found[0].text_content().split()) if found else ""


def stored(world) -> int:
    """How many templates are stored."""
    with world.app.app_context():
        return ExportTemplate.select().count()


def refused(world, data: bytes, fmt: str) -> str:
    """Upload as HR and check it is refused as HR sees it: 422, a message beside the file field,
    nothing stored. Returns the message."""
    from conftest import text_of
    response = upload(world.client("hr"), data, f"sjabloon.{fmt}")
    message = upload_errors(response)
    assert response.status_code == 422, (response.status_code, text_of(response)[:1500])
    assert message, "no message beside the file field"
    assert stored(world) == 0, "a refused template was stored"
    return message


def skip_or_fail(reason: str):
    import os
    if os.environ.get("POP_REQUIRE_PDF") == "1":
        pytest.fail(f"POP_REQUIRE_PDF=1 but {reason}")
    pytest.skip(reason)


def person_id(app, email) -> int:
    with app.app_context():
        return Person.get(Person.email == email).id
