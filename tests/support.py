"""Helpers shared by the HTTP tests: reading a rendered part form back into the values a browser would
submit, and reading a plan's stored answers."""
import contextlib
import logging
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import lxml.html
import pytest

from forms import DEFAULT_FORM, get_form
from pop import answers
from pop.models import Plan

FORM = get_form(DEFAULT_FORM)
PART_KEYS = [p.key for p in FORM.parts]


def part_url(plan_id: int, part_key: str) -> str:
    return f"/plans/{plan_id}/{part_key}"


def doc(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def paper_form(response):
    """The part's form element (not the log-out form in the top bar)."""
    forms = doc(response).xpath('//form[contains(concat(" ", @class, " "), " paper-form ")]')
    assert len(forms) == 1, "page has no (single) part form"
    return forms[0]


def textarea_value(element) -> str:
    # Browsers drop one newline right after <textarea>; WTForms writes one there.
    text = element.text or ""
    return text[1:] if text.startswith("\n") else text


def shown_values(response) -> dict:
    """What the part page shows in its inputs, keyed by input name, as a browser would submit it:
    text/date/number inputs and textareas -> their text, radio groups -> the checked value or None,
    checkboxes -> True/False."""
    return values_of(paper_form(response))


def card_values(response) -> dict:
    """The same for the simple forms (log-in, people, new plan)."""
    forms = doc(response).xpath('//form[contains(concat(" ", @class, " "), " card ")]')
    assert len(forms) == 1, "page has no (single) form"
    return values_of(forms[0])


def values_of(form) -> dict:
    values = {}
    for el in form.xpath(".//input | .//textarea | .//select"):
        name = el.get("name")
        if not name or name in ("csrf_token", "versie", "basis"):  # bookkeeping, not answers
            continue
        if el.tag == "textarea":
            values[name] = textarea_value(el)
        elif el.tag == "select":
            chosen = el.xpath(".//option[@selected]")
            values[name] = chosen[0].get("value") if chosen else None
        elif el.get("type") == "radio":
            values.setdefault(name, None)
            if el.get("checked") is not None:
                values[name] = el.get("value")
        elif el.get("type") == "checkbox":
            values[name] = el.get("checked") is not None
        else:
            values[name] = el.get("value", "")
    return values


def row_count(response, table_key: str) -> int:
    """How many rows a table (or progress-talk blocks) shows: the highest row index plus one."""
    indexes = {int(m.group(1)) for name in shown_values(response)
               for m in [re.match(rf"{re.escape(table_key)}-(\d+)-", name)] if m}
    return max(indexes) + 1 if indexes else 0


def stored(app, plan_id: int) -> dict:
    """The plan's answers as pop.answers.load returns them (typed values)."""
    with app.app_context():
        return answers.load(Plan.get_by_id(plan_id))


def plan_count(app) -> int:
    with app.app_context():
        return Plan.select().count()


def error_text(response, field_id: str) -> str:
    """The text of the error list that belongs to one input (id `<field id>-error`), '' if none."""
    found = doc(response).xpath(f'//*[@id="{field_id}-error"]')
    if not found:
        return ""
    items = found[0].xpath(".//li") or [found[0]]
    return " ".join(" ".join(li.text_content().split()) for li in items)


# A complete filling of the form, as a browser would post it, part by part. Every field of the
# definition gets a value here (test_fill_save checks that), with every kind of field: text, date,
# long text, choice, a table with several rows and ranks, the +/±/– grids, the ja/nee cost grid,
# two progress talks each with a date, and the signature.
def _long(key: str) -> str:
    return f"Antwoord bij {key}.\nTweede regel van {key}."


FILL = {
    "gegevens": {
        "medewerker_naam": "Anna Alfa",
        "medewerker_afdeling": "Afdeling A & B",
        "medewerker_functie": "Senior adviseur",
        "datum_pop_gesprek": "2027-03-15",
        "leidinggevende_naam": "Marco Een",
        "leidinggevende_functie": "Manager A",
    },
    "fase-1": {
        "kwaliteiten-0-sterk": "Plannen en organiseren\nook onder druk",
        "kwaliteiten-0-verbeter": "Nee zeggen",
        "kwaliteiten-1-sterk": "Luisteren",
        "kwaliteiten-1-verbeter": "",
        "kwaliteiten-2-sterk": "",
        "kwaliteiten-2-verbeter": "Delegeren",
        "kwaliteiten-3-sterk": "Cijfers lezen",
        "kwaliteiten-3-verbeter": "Presenteren voor grote groepen",
        "meer_doen": _long("meer_doen"),
        "nieuwe_ontwikkelingen": _long("nieuwe_ontwikkelingen"),
        "werk_over_3_jaar": _long("werk_over_3_jaar"),
        "nieuwe_eisen": _long("nieuwe_eisen"),
        "voorbereiding_functie": _long("voorbereiding_functie"),
        "ontwikkeldoelen-0-doel": "Stakeholders managen",
        "ontwikkeldoelen-0-belang": "2",
        "ontwikkeldoelen-1-doel": "Helder presenteren",
        "ontwikkeldoelen-1-belang": "1",
        # SMART (004 §2.4.1) for one goal, four letters of five: the T is left open.
        "ontwikkeldoelen-1-smart-s": "Voor het team, in het werkoverleg",
        "ontwikkeldoelen-1-smart-m": "Twee collega's geven feedback",
        "ontwikkeldoelen-1-smart-a": "Mijn leidinggevende steunt het",
        "ontwikkeldoelen-1-smart-r": "Eén presentatie per maand",
        "ontwikkeldoelen-2-doel": "Werken met draaitabellen",
        "ontwikkeldoelen-2-belang": "3",
    },
    "fase-2": {
        "on_the_job-projecten__past": "plus", "on_the_job-projecten__ligt": "matig",
        "on_the_job-coaching__past": "min", "on_the_job-coaching__ligt": "plus",
        "on_the_job-instructie__past": "matig", "on_the_job-instructie__ligt": "min",
        "on_the_job-elkaar__past": "plus",  # on_the_job-elkaar__ligt left open
        "off_the_job-trainingen__past": "plus", "off_the_job-trainingen__ligt": "plus",
        "off_the_job-opleidingen__past": "min", "off_the_job-opleidingen__ligt": "min",
        "off_the_job-andere_afdelingen__past": "matig", "off_the_job-andere_afdelingen__ligt": "matig",
        "off_the_job-zelfstudie__past": "min", "off_the_job-zelfstudie__ligt": "matig",
        "pop_wat": _long("pop_wat"),
        "pop_hoe": _long("pop_hoe"),
        "pop_wanneer_voldaan": _long("pop_wanneer_voldaan"),
        "pop_ondersteuning": _long("pop_ondersteuning"),
        "kosten-werktijd__van_toepassing": "ja",
        "kosten-vrije_tijd__van_toepassing": "nee",
        "kosten-tijd_anderen__van_toepassing": "ja",
        "kosten-materialen__van_toepassing": "nee",
        "kosten-reis__van_toepassing": "ja",
        "kosten-opleiding__van_toepassing": "ja",
        "kosten-middelen__van_toepassing": "nee",
        # kosten-coach__van_toepassing left open
        "kosten_antwoord": _long("kosten_antwoord"),
        # The planned costs against the POB, as people type amounts.
        "kosten_pob-opleiding__euro": "1.250,50",
        "kosten_pob-opleiding__uren": "16",
        "kosten_pob-werktijd__uren": "12,5",
        "kosten_pob-reis__euro": "€ 80",
        "wanneer_geleerd": _long("wanneer_geleerd"),
        "evaluatie_optie": "achteraf",
        "evaluatie_vooraf": _long("evaluatie_vooraf"),
        "evaluatie_achteraf": _long("evaluatie_achteraf"),
    },
    "fase-3": {
        "voortgangsgesprekken-0-datum": "2027-09-01",
        "voortgangsgesprekken-0-gedaan": "Tweede gesprek: gedaan",
        "voortgangsgesprekken-0-opgeleverd": "Tweede gesprek: opgeleverd",
        "voortgangsgesprekken-0-tevreden": "Tweede gesprek: tevreden",
        "voortgangsgesprekken-0-verder": "Tweede gesprek: verder",
        "voortgangsgesprekken-1-datum": "15-05-2027",  # typed by hand, the Dutch way
        "voortgangsgesprekken-1-gedaan": "Eerste gesprek: gedaan",
        "voortgangsgesprekken-1-opgeleverd": "Eerste gesprek: opgeleverd",
        "voortgangsgesprekken-1-tevreden": "Eerste gesprek: tevreden",
        "voortgangsgesprekken-1-verder": "Eerste gesprek: verder\nmet een tweede regel",
    },
    "fase-4": {
        "doelen_gehaald": _long("doelen_gehaald"),
        "hoe_geleerd": _long("hoe_geleerd"),
        "pop_afsluiten": _long("pop_afsluiten"),
    },
    "afronding": {
        "volgend_gesprek": "beoordelingsgesprek",
        "volgend_gesprek_datum": "2027-12-01",
        "akkoord_medewerker": "y",
    },
}


# What the manager adds: the co-signature, and the checklist of the POP-gesprek (seed 001).
FILL_MANAGER = {
    "afronding": {"akkoord_leidinggevende": "y"},
    "gesprekken": {
        "gesprekken-0-datum": "2027-03-15",
        "gesprekken-0-gesprek": "POP-gesprek",
        "gesprekken-0-checklist-doelen": "y",
        "gesprekken-0-checklist-doelen__notitie": "Korte en lange termijn besproken",
        "gesprekken-0-checklist-carrieredoelen": "y",
    },
}


def as_post(shown: dict) -> dict:
    """A page's shown values as the browser posts them: open radios and unticked boxes are left out."""
    data = {}
    for name, value in shown.items():
        if value is None or value is False:
            continue
        data[name] = "y" if value is True else value
    return data


# The state of the cycle in which each kind of part is filled (pop/cycle.py).
STATE_FOR = {"plan": "voorbereiding", "voortgang": "uitvoering", "evaluatie": "evaluatie",
             "afronding": "ontwikkelgesprek", "gesprek": "ontwikkelgesprek"}


def set_state(app, plan_id: int, state: str) -> None:
    """Put a plan in a state of the cycle directly, for tests about what happens in that state."""
    from pop.models import Plan
    with app.app_context():
        Plan.update(status=state).where(Plan.id == plan_id).execute()


def state_for_part(app, plan_id: int, part_key: str) -> None:
    from forms import FORMS
    part = next(p for f in FORMS.values() for p in f.parts if p.key == part_key)
    set_state(app, plan_id, STATE_FOR[part.cycle])


def fill_plan(client, plan_id: int, manager=None) -> None:
    """Fill every part of a plan through the web form as the employee (FILL), each in the state of the
    cycle where it is filled; with a manager's client, the manager then opens the akkoord part and
    co-signs, posting the page as shown (FILL_MANAGER): the plan is then vastgesteld; then the manager
    ticks the checklist of the POP-gesprek."""
    for part_key, data in FILL.items():
        state_for_part(client.http.application, plan_id, part_key)
        response = client.post(part_url(plan_id, part_key), data={**data, "go": "stay"})
        assert response.status_code == 302, (part_key, response.status_code,
                                              response.get_data(as_text=True)[:2000])
    if manager is not None:
        for part_key, data in FILL_MANAGER.items():
            shown = as_post(shown_values(manager.get(part_url(plan_id, part_key))))
            response = manager.post(part_url(plan_id, part_key), data={**shown, **data, "go": "stay"})
            assert response.status_code == 302, (part_key, response.status_code)


# ---------------------------------------------------------------- a running server, for parallel requests

@contextlib.contextmanager
def served(app):
    """The app on a free loopback port in a thread, as a real browser's requests reach it: parallel
    requests really run at the same time (the test client runs them one by one). Yields its address."""
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class Browser:
    """One person's browser against served(): its own cookies, CSRF tokens read from the pages."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path) -> str:
        return self.opener.open(self.base + path).read().decode()

    def post(self, path, data) -> tuple[int, str]:
        try:
            response = self.opener.open(self.base + path, urllib.parse.urlencode(data).encode())
            return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, path) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)).group(1)

    def login(self, email, password=None) -> str:
        from conftest import PASSWORD
        return self.post("/login", {"email": email, "password": password or PASSWORD,
                                    "csrf_token": self.token("/login")})[1]


# ---------------------------------------------------------------- the queries a page takes


class Queries(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        # (sql, params) of each query; peewee logs other things too (its connection pool on PostgreSQL)
        if isinstance(record.msg, tuple) and len(record.msg) == 2 and isinstance(record.msg[0], str):
            self.sql.append(record.msg)


@pytest.fixture
def queries():
    """The (sql, params) of every query peewee runs while the test holds it (queries.sql)."""
    logger = logging.getLogger("peewee")
    handler, level = Queries(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def every_page(client, url: str, shown) -> list:
    """Every page of ten of a list (url with its query), in turn, joined: shown(response) gives a page's
    rows. The page after the last shows the last again."""
    ids, number = [], 1
    while True:
        page = shown(client.get(f"{url}&aantal=10&pagina={number}"))
        if number > 1 and (not page or page[0] in ids):
            assert page == ids[-len(page):], "the page after the last is the last"
            return ids
        ids += page
        number += 1
