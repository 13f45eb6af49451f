"""Feedback from colleagues (seed 003, Fase I: "Vraag voorleggen aan collega’s"; pop/feedback.py), through
HTTP with mail received by a real SMTP server on loopback: the employee asks a colleague in POP and
someone without an account, the one answers in the app, the other through the mailed link; the answers
stand beside the Sterke punten / Verbeterpunten for the employee alone until one is shared, and then the
manager and HR see that one and no other. Links that expired, were tampered with or were used are
refused in Dutch; nobody else asks on or reads a plan's feedback; nothing typed is lost; one reminder;
and the feedback in Mijn gegevens."""
import datetime as dt
import hashlib
import io
import json
import re
import zipfile

import pytest
from aiosmtpd.controller import Controller
from itsdangerous import URLSafeSerializer

from conftest import Client, make_person, text_of
from forms import get_form
from forms.definition import AskColleagues, FormDefinition, Part, Section
from forms.feedback_forms import NOTHING_ANSWERED
from forms.kinds import Table, Text
from pop import answers, clock, feedback
from pop.models import FeedbackRequest, Person, Plan, now
from pop.plans import start_plan
from support import doc, set_state
from test_reminders import BASE, Inbox, body, free_port, mail_on

ASKING = get_form("pop-uitgebreid").colleague_feedback[1]
QUESTIONS = ASKING.questions
STERK_CEES = "CEES-STERK: houdt het overzicht in drukke weken"
BETER_CEES = "CEES-BETER: vaker nee zeggen"
STERK_OLGA = "OLGA-STERK: heldere mails"
BETER_OLGA = "OLGA-BETER: eerder om hulp vragen"
ANNA_OWN = "ANNA-EIGEN-STERK-PUNT"
ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture(scope="module")
def smtp():
    """One mail server for the module; each test starts with an empty inbox and refuses nobody."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()

    class Server:
        port = controller.port

    server = Server()
    server.inbox = inbox
    yield server
    controller.stop()


@pytest.fixture
def mail(app, smtp):
    smtp.inbox.mails.clear()
    smtp.inbox.refuse.clear()
    mail_on(app, smtp)
    return smtp.inbox


@pytest.fixture
def people(app, org):
    """Anna's plan (pop-uitgebreid, voorbereiding) with a strength of her own; Cees, a colleague in POP."""
    with app.app_context():
        m1 = Person.get(Person.email == org["m1"])
        cees = make_person("cees@test.nl", "Cees", "Collega", manager=m1, afdeling="A")
        answers.save(Plan.get_by_id(org["plan_a"]), {"kwaliteiten": [{"sterk": ANNA_OWN, "verbeter": ""}]})
        return {**org, "cees": cees.email, "cees_id": cees.id}


def ask(client, plan_id, **data):
    return client.post(f"/plans/{plan_id}/feedback/vragen", data=data)


def request_of(app, email) -> FeedbackRequest:
    with app.app_context():
        return FeedbackRequest.get(FeedbackRequest.email == email)


def path_of(url: str) -> str:
    assert url.startswith(BASE + "/"), url
    return url[len(BASE):]


def link_in(mail) -> str:
    urls = re.findall(r"https://pop\.test/\S+", body(mail))
    assert len(urls) == 1, body(mail)
    return path_of(urls[0])


def mails_to(inbox, address):
    return [m for to, m in inbox.mails if to == [address]]


def answer_data(sterk, verbeteren):
    return {"sterk": sterk, "verbeteren": verbeteren}


def feedback_block(response):
    blocks = doc(response).xpath('//section[@id="feedback"]')
    return blocks[0] if blocks else None


def block_text(response) -> str:
    block = feedback_block(response)
    return " ".join(block.text_content().split()) if block is not None else ""


# ---------------------------------------------------------------- the whole journey

def test_asked_answered_shared_and_seen_by_the_manager_and_hr_only_when_shared(app, people, login, mail):
    anna, plan = login(people["a"]), people["plan_a"]
    part = anna.get(f"/plans/{plan}/fase-1")
    assert "U heeft nog geen collega’s om feedback gevraagd." in block_text(part)
    # Beside the table of Sterke punten / Verbeterpunten: in the same section, right after it.
    block = feedback_block(part)
    table = block.getprevious()
    assert "Sterke punten" in table.text_content() and "Verbeterpunten" in table.text_content()

    page = anna.get(f"/plans/{plan}/feedback/vragen")
    assert page.status_code == 200
    assert [li.text_content() for li in doc(page).xpath('//ul[@class="feedback-questions"]/li')] == list(QUESTIONS)
    options = {o.text_content() for o in doc(page).xpath('//select[@name="colleague"]/option')}
    assert "Cees Collega (A)" in options and not any("Anna" in o for o in options)

    response = ask(anna, plan, colleague=people["cees_id"])
    assert response.status_code == 302 and response.headers["Location"].endswith("/fase-1#feedback")
    response = ask(anna, plan, colleague=0, name="Olga Buiten", email="Olga@Extern.nl")
    assert response.status_code == 302

    (to_cees,), (to_olga,) = mails_to(mail, "cees@test.nl"), mails_to(mail, "olga@extern.nl")
    cees_request, olga_request = request_of(app, "cees@test.nl"), request_of(app, "olga@extern.nl")
    assert cees_request.colleague_id == people["cees_id"] and cees_request.token_hash is None
    assert link_in(to_cees) == f"/feedback/{cees_request.id}"
    olga_link = link_in(to_olga)
    for mail_ in (to_cees, to_olga):
        text = body(mail_)
        assert "Anna Alfa" in text and all(q in text for q in QUESTIONS)
        assert ANNA_OWN not in text and "2026" not in str(mail_["Subject"])
    # Only the SHA-256 of the link's random token is stored.
    token = olga_link.rsplit("/", 1)[1]
    raw = URLSafeSerializer("test-secret", salt=feedback.SALT).loads(token)
    assert olga_request.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    with app.app_context():
        stored = json.dumps(list(FeedbackRequest.select().dicts()), default=str)
    assert raw not in stored and token not in stored

    # Cees: the request is on his to-do list; the page shows Anna's name and the questions, nothing else.
    cees = login(people["cees"])
    home = cees.get("/")
    item = doc(home).xpath(f'//a[@href="/feedback/{cees_request.id}"]')
    assert item and item[0].text_content() == "Geef feedback aan Anna Alfa"
    page = cees.get(f"/feedback/{cees_request.id}")
    assert page.status_code == 200
    shown = text_of(page)
    assert "Anna Alfa" in shown and all(q in shown for q in QUESTIONS)
    for private in (ANNA_OWN, "2026", "Adviseur", "Voorbereiding", "Marco"):
        assert private not in shown, private
    assert not doc(page).xpath('//a[starts-with(@href, "/plans/")]')
    assert cees.get(f"/plans/{plan}/fase-1").status_code == 404
    assert cees.get(f"/plans/{plan}").status_code == 404
    response = cees.post(f"/feedback/{cees_request.id}", data=answer_data(STERK_CEES, BETER_CEES))
    assert response.status_code == 302
    assert "Geef feedback aan" not in text_of(cees.get("/"))
    assert "al beantwoord" in text_of(cees.get(f"/feedback/{cees_request.id}"))

    # Olga, without an account: the link works without logging in and shows only Anna's name.
    olga = Client(app)
    page = olga.get(olga_link)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    shown = text_of(page)
    assert "Anna Alfa" in shown and all(q in shown for q in QUESTIONS)
    for private in (ANNA_OWN, "2026", "Adviseur", "a@test.nl", "Uitloggen"):
        assert private not in shown, private
    response = olga.post(olga_link, data={**answer_data(STERK_OLGA, BETER_OLGA),
                                          "csrf_token": _token(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/feedback/bedankt"
    assert "Dank u wel. Uw feedback is verstuurd naar Anna Alfa." in text_of(olga.get("/feedback/bedankt"))
    # Used once: the link now only says so, and a second answer changes nothing.
    again = olga.get(olga_link)
    assert again.status_code == 410 and "Deze vraag is al beantwoord" in text_of(again)
    assert STERK_OLGA not in text_of(again)
    again = olga.post(olga_link, data={**answer_data("TWEEDE-POGING", ""), "csrf_token": _token(page)})
    assert again.status_code == 410 and "TWEEDE-POGING" in again.get_data(as_text=True)  # kept to copy
    assert request_of(app, "olga@extern.nl").sterk == STERK_OLGA

    # Anna sees both answers beside her table, each hers alone; she shares Olga's.
    shown = block_text(anna.get(f"/plans/{plan}/fase-1"))
    for text in (STERK_CEES, BETER_CEES, STERK_OLGA, BETER_OLGA):
        assert text in shown
    assert shown.count("alleen voor u") == 2
    response = anna.post(f"/plans/{plan}/feedback/{olga_request.id}/delen")
    assert response.status_code == 302
    shown = block_text(anna.get(f"/plans/{plan}/fase-1"))
    assert shown.count("alleen voor u") == 1 and shown.count("gedeeld met het plan") == 1

    # In the voorbereiding the plan is Anna's alone, shared feedback too.
    marco, hr = login(people["m1"]), login(people["hr"])
    for reader in (marco, hr):
        assert reader.get(f"/plans/{plan}/fase-1").status_code == 403
        assert STERK_OLGA not in text_of(reader.get(f"/plans/{plan}"))
    set_state(app, plan, "ontwikkelgesprek")
    for reader in (marco, hr):
        page = reader.get(f"/plans/{plan}/fase-1")
        shown = block_text(page)
        assert STERK_OLGA in shown and BETER_OLGA in shown and "Olga Buiten" in shown
        assert STERK_CEES not in page.get_data(as_text=True) and BETER_CEES not in page.get_data(as_text=True)
        assert "olga@extern.nl" not in shown and "Niet meer delen" not in shown
        assert "Een collega om feedback vragen" not in shown
        # The print view and the exports stay the paper form: no feedback, shared or not.
        for url in (f"/plans/{plan}/afdrukken", f"/plans/{plan}/download.docx", f"/plans/{plan}/download.xlsx"):
            exported = reader.get(url)
            assert exported.status_code == 200, url
            assert not _contains(exported.data, (STERK_OLGA, STERK_CEES)), url
    # The managers of others see nothing of it.
    assert login(people["m2"]).get(f"/plans/{plan}/fase-1").status_code == 404

    # No longer shared: gone for the manager, still there for Anna.
    assert anna.post(f"/plans/{plan}/feedback/{olga_request.id}/niet-delen").status_code == 302
    assert feedback_block(marco.get(f"/plans/{plan}/fase-1")) is None
    assert STERK_OLGA in block_text(anna.get(f"/plans/{plan}/fase-1"))


def _token(page) -> str:
    return doc(page).xpath('//input[@name="csrf_token"]/@value')[0]


def _contains(data: bytes, needles) -> bool:
    """Whether any needle is in the bytes, or in any XML part of a Word or Excel package."""
    texts = [data.decode("utf-8", "replace")]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            texts += [package.read(n).decode("utf-8", "replace") for n in package.namelist()]
    return any(n in t for n in needles for t in texts)


# ---------------------------------------------------------------- the links

def _ask_olga(app, people, login, **data):
    anna = login(people["a"])
    response = ask(anna, people["plan_a"], colleague=0, name="Olga Buiten", email="olga@extern.nl", **data)
    assert response.status_code == 200, response.status_code  # mail is off: the link is shown
    url = doc(response).xpath('//input[@id="feedbacklink"]/@value')[0]
    return anna, url[len("http://localhost"):], request_of(app, "olga@extern.nl")


def test_without_mail_the_employee_gets_the_link_and_a_colleague_in_pop_finds_it_on_the_list(app, people,
                                                                                           login):
    anna, link, _ = _ask_olga(app, people, login)
    assert link.startswith("/feedback/link/")
    assert Client(app).get(link).status_code == 200
    response = ask(anna, people["plan_a"], colleague=people["cees_id"])
    assert response.status_code == 302
    assert ("E-mail is niet ingesteld in POP, dus de vraag is niet gemaild. Cees Collega ziet uw vraag wel "
            "in POP, bij Te doen.") in text_of(anna.get(response.headers["Location"]))
    assert "Geef feedback aan Anna Alfa" in text_of(login(people["cees"]).get("/"))


def test_a_request_the_mail_server_refuses_gives_the_employee_the_link(app, people, login, mail):
    mail.refuse.add("olga@extern.nl")
    response = ask(login(people["a"]), people["plan_a"], colleague=0, name="Olga Buiten",
                   email="olga@extern.nl")
    assert response.status_code == 200 and not mail.mails
    assert "De vraag kon niet worden gemaild: De mailserver nam de e-mail niet aan" in text_of(response)
    link = doc(response).xpath('//input[@id="feedbacklink"]/@value')[0]
    assert link.startswith(BASE + "/feedback/link/")  # the address people know, as in a mail
    assert Client(app).get(path_of(link)).status_code == 200


def test_an_expired_a_tampered_and_a_withdrawn_link_are_refused_in_dutch(app, people, login):
    anna, link, request = _ask_olga(app, people, login)
    olga = Client(app)
    page = olga.get(link)
    # Tampered: one character of the token changed. The first, not the last: the last character of a
    # base64 signature partly holds padding bits, and changing only those leaves it valid (this test
    # failed now and then so).
    token = link.rsplit("/", 1)[1]
    forged = ("A" if token[0] != "A" else "B") + token[1:]
    response = olga.get(f"/feedback/link/{forged}")
    assert response.status_code == 410 and "Deze link werkt niet" in text_of(response)
    # A token of the right shape signed with another key.
    other = URLSafeSerializer("een-andere-sleutel", salt=feedback.SALT).dumps("x" * 43)
    assert "Deze link werkt niet" in text_of(olga.get(f"/feedback/link/{other}"))

    # Expired while Olga was typing: refused, with her text on the page to keep.
    with app.app_context():
        FeedbackRequest.update(expires_at=now() - dt.timedelta(seconds=1)).where(
            FeedbackRequest.id == request.id).execute()
    response = olga.post(link, data={**answer_data("TE-LAAT-GETYPT", ""), "csrf_token": _token(page)})
    assert response.status_code == 410 and "Deze link is verlopen" in text_of(response)
    assert "TE-LAAT-GETYPT" in text_of(response)
    assert request_of(app, "olga@extern.nl").answered_at is None
    assert "verlopen" in block_text(anna.get(f"/plans/{people['plan_a']}/fase-1"))

    # Withdrawn: the request is gone, and its link says so.
    with app.app_context():
        FeedbackRequest.update(expires_at=now() + dt.timedelta(days=1)).where(
            FeedbackRequest.id == request.id).execute()
    assert anna.post(f"/plans/{people['plan_a']}/feedback/{request.id}/intrekken").status_code == 302
    response = olga.get(link)
    assert response.status_code == 410 and "ingetrokken" in text_of(response)
    with app.app_context():
        assert FeedbackRequest.select().count() == 0


def test_a_closed_plan_takes_no_more_answers_and_no_more_requests(app, people, login):
    anna, link, _ = _ask_olga(app, people, login)
    set_state(app, people["plan_a"], "afgerond")
    response = Client(app).get(link)
    assert response.status_code == 410 and "Deze vraag is gesloten" in text_of(response)
    response = ask(anna, people["plan_a"], colleague=people["cees_id"])
    assert response.status_code == 403
    assert "Dit POP is afgerond: er kan geen feedback meer bij worden gevraagd." in text_of(response)


# ---------------------------------------------------------------- who may do what

def test_nobody_else_asks_on_or_reads_a_plans_feedback(app, people, login):
    anna, plan = login(people["a"]), people["plan_a"]
    assert ask(anna, plan, colleague=people["cees_id"]).status_code == 302
    request = request_of(app, "cees@test.nl")
    bram, marco = login(people["b"]), login(people["m1"])
    # Another employee: the plan does not exist for him.
    assert bram.get(f"/plans/{plan}/feedback/vragen").status_code == 404
    assert ask(bram, plan, colleague=people["cees_id"]).status_code == 404
    for action in ("delen", "intrekken"):
        assert bram.post(f"/plans/{plan}/feedback/{request.id}/{action}").status_code == 404
    # Nor is another's request: not Bram's, not even Anna's own (she asked; Cees answers).
    assert bram.get(f"/feedback/{request.id}").status_code == 404
    assert anna.get(f"/feedback/{request.id}").status_code == 404
    assert bram.post(f"/feedback/{request.id}", data=answer_data("BRAM-ANTWOORD", "")).status_code == 404
    # The manager may read the plan, but the feedback is Anna's to ask and manage.
    set_state(app, plan, "ontwikkelgesprek")
    assert ask(marco, plan, colleague=people["cees_id"]).status_code == 403
    assert marco.post(f"/plans/{plan}/feedback/{request.id}/intrekken").status_code == 403
    with app.app_context():
        assert FeedbackRequest.select().count() == 1 and FeedbackRequest.get().answered_at is None
    # Nor does Bram read Anna's feedback anywhere: not her part, and not beside his own table.
    assert bram.get(f"/plans/{plan}/fase-1").status_code == 404
    assert "Cees" not in block_text(bram.get(f"/plans/{people['plan_b']}/fase-1"))


def test_the_rules_of_asking_each_with_its_message_and_what_was_typed_kept(app, people, login):
    anna, plan = login(people["a"]), people["plan_a"]

    def refused(expected, **data):
        response = ask(anna, plan, **data)
        assert response.status_code == 422, (response.status_code, data)
        assert expected in text_of(response), text_of(response)[:2000]
        values = {i.get("name"): i.get("value") for i in doc(response).xpath("//form[@class='card']//input")}
        for key in ("name", "email"):
            if data.get(key):
                assert values[key] == data[key]  # what was typed stays
        return response

    refused("Kies een collega uit de lijst, of vul de naam en het e-mailadres in", colleague=0)
    refused("Vul de naam in van wie u om feedback vraagt.", colleague=0, email="iemand@extern.nl")
    refused("Dit is geen geldig e-mailadres.", colleague=0, name="Iemand", email="geen-adres")
    refused("U kunt uzelf niet om feedback vragen.", colleague=0, name="Ik", email="A@test.nl")
    refused("óf vul naam en e-mailadres in, niet allebei", colleague=people["cees_id"], name="X",
            email="x@extern.nl")
    # An address of someone in POP makes them the colleague, under their own name.
    assert ask(anna, plan, colleague=0, name="Ceesje", email="CEES@test.nl").status_code == 302
    request = request_of(app, "cees@test.nl")
    assert request.colleague_id == people["cees_id"] and request.colleague_name == "Cees Collega"
    refused("U heeft Cees Collega al om feedback gevraagd; dat verzoek staat nog open tot",
            colleague=people["cees_id"])
    for n in range(4):
        assert ask(anna, plan, colleague=0, name=f"Extern {n}", email=f"e{n}@extern.nl").status_code == 200
    refused(f"U heeft al {feedback.OPEN_MAX} verzoeken om feedback openstaan.", colleague=0, name="Zes",
            email="zes@extern.nl")
    with app.app_context():
        assert FeedbackRequest.select().count() == feedback.OPEN_MAX


def test_only_a_form_that_asks_colleagues_has_feedback(app, people, login, monkeypatch):
    with app.app_context():
        anna = Person.get(Person.email == people["a"])
        compact = start_plan(anna, "pop-compact", "2027")
    client = login(people["a"])
    for part in get_form("pop-compact").parts:
        assert feedback_block(client.get(f"/plans/{compact.id}/{part.key}")) is None
    assert client.get(f"/plans/{compact.id}/feedback/vragen").status_code == 404
    assert ask(client, compact.id, colleague=people["cees_id"]).status_code == 404
    # The element checks what it declares: two questions, beside a table of its own part.
    table = Table("t", "Tabel", columns=(Text("a", "A"),))
    for wrong in (AskColleagues("Vraag", bullets=("Een?",), beside="t"),
                  AskColleagues("Vraag", bullets=("Een?", "Twee?"), beside="elders")):
        with pytest.raises(ValueError):
            FormDefinition("proef", "Proef", "Proef", parts=(Part("p", "P", "P", sections=(
                Section("S", items=(wrong, table)),)),))


# ---------------------------------------------------------------- nothing typed is lost

def test_an_answer_too_long_or_empty_comes_back_with_its_text_and_a_message(app, people, login):
    _, link, _ = _ask_olga(app, people, login)
    olga = Client(app)
    page = olga.get(link)
    too_long = "x" * (ASKING.max_length + 1)
    response = olga.post(link, data={**answer_data(too_long, BETER_OLGA), "csrf_token": _token(page)})
    assert response.status_code == 422
    assert "Dit antwoord is te lang: maximaal 4.000 tekens (nu 4.001)." in text_of(response)
    boxes = {t.get("name"): (t.text or "").lstrip("\n") for t in doc(response).xpath("//textarea")}
    assert boxes == {"sterk": too_long, "verbeteren": BETER_OLGA}
    response = olga.post(link, data={**answer_data("  ", ""), "csrf_token": _token(page)})
    assert response.status_code == 422 and NOTHING_ANSWERED in text_of(response)
    assert request_of(app, "olga@extern.nl").answered_at is None


def test_the_link_page_has_csrf_and_an_expired_form_keeps_the_text(app, people, login):
    _, link, _ = _ask_olga(app, people, login)
    olga = Client(app)
    olga.get(link)
    response = olga.post(link, data=answer_data(STERK_OLGA, BETER_OLGA), csrf=False)
    assert response.status_code == 400
    assert "het formulier was verlopen" in text_of(response)
    assert request_of(app, "olga@extern.nl").answered_at is None
    boxes = {t.get("name"): (t.text or "").lstrip("\n") for t in doc(response).xpath("//textarea")}
    assert boxes == {"sterk": STERK_OLGA, "verbeteren": BETER_OLGA}
    # One click on the page that came back sends it.
    response = olga.post(link, data={**answer_data(STERK_OLGA, BETER_OLGA), "csrf_token": _token(response)})
    assert response.status_code == 302 and request_of(app, "olga@extern.nl").sterk == STERK_OLGA


def test_an_answer_sent_after_the_session_ended_is_there_after_logging_in(app, people, login):
    anna = login(people["a"])
    assert ask(anna, people["plan_a"], colleague=people["cees_id"]).status_code == 302
    request = request_of(app, "cees@test.nl")
    cees = login(people["cees"])
    page = cees.get(f"/feedback/{request.id}")
    cees.post("/logout")
    response = cees.http.post(f"/feedback/{request.id}", headers=ORIGIN, data={
        **answer_data(STERK_CEES, BETER_CEES), "csrf_token": _token(page)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert request_of(app, "cees@test.nl").answered_at is None
    assert cees.login(people["cees"]).status_code == 302
    # A HEAD (a link checker) is answered as the page and leaves the kept text for the GET.
    head = cees.http.head(f"/feedback/{request.id}")
    assert head.status_code == 200 and request_of(app, "cees@test.nl").answered_at is None
    page = cees.get(f"/feedback/{request.id}")
    assert "Nog niet verstuurd: u was niet meer ingelogd" in text_of(page)
    boxes = {t.get("name"): (t.text or "").lstrip("\n") for t in doc(page).xpath("//textarea")}
    assert boxes == {"sterk": STERK_CEES, "verbeteren": BETER_CEES}
    # Another person logging in on that browser would not have found it: it was Cees's session.
    assert cees.post(f"/feedback/{request.id}", data=answer_data(STERK_CEES, BETER_CEES)).status_code == 302


# ---------------------------------------------------------------- reminders

def run_reminders(app):
    result = app.test_cli_runner().invoke(args=["reminders", "--datum", dt.date.today().isoformat()])
    return result.exit_code, result.output


def test_an_unanswered_request_is_reminded_once_with_a_link_that_works_beside_the_first(app, people, login,
                                                                                       mail):
    anna, plan = login(people["a"]), people["plan_a"]
    with app.app_context():
        dora = make_person("dora@test.nl", "Dora", "Drie")
    for data in ({"colleague": people["cees_id"]},
                 {"colleague": 0, "name": "Olga Buiten", "email": "olga@extern.nl"},
                 {"colleague": 0, "name": "Piet Klaar", "email": "piet@extern.nl"},
                 {"colleague": 0, "name": "Quinten Laat", "email": "quinten@extern.nl"},
                 {"colleague": dora.id}):
        assert ask(anna, plan, **data).status_code == 302
    with app.app_context():
        # Eight days ago, and Piet answered then; Rik is asked only now.
        FeedbackRequest.update(created_at=now() - dt.timedelta(days=8)).execute()
        FeedbackRequest.update(answered_at=now(), sterk="Klaar").where(
            FeedbackRequest.email == "piet@extern.nl").execute()
    assert ask(anna, plan, colleague=0, name="Rik Recent", email="rik@extern.nl").status_code == 302
    first_link = link_in(mails_to(mail, "olga@extern.nl")[0])
    mail.mails.clear()
    with app.app_context():
        # Quinten's expired and Dora left: neither is reminded, nor Piet nor Rik.
        FeedbackRequest.update(expires_at=now() - dt.timedelta(hours=1)).where(
            FeedbackRequest.email == "quinten@extern.nl").execute()
        Person.update(active=False).where(Person.id == dora.id).execute()
    result = app.test_cli_runner().invoke(
        args=["reminders", "--dry-run", "--datum", dt.date.today().isoformat()])
    lines = [line for line in result.output.splitlines() if line.startswith("Zou versturen: feedback")]
    assert len(lines) == 2, result.output
    assert "aan cees@test.nl" in lines[0] and "aan olga@extern.nl" in lines[1]
    assert not mail.mails and request_of(app, "cees@test.nl").reminded_at is None
    mail.refuse.add("olga@extern.nl")  # the server refuses her address at first

    code, output = run_reminders(app)
    assert code == 1 and "Niet verstuurd: feedback gevraagd op" in output, output
    assert [to for to, _ in mail.mails] == [["cees@test.nl"]]
    assert link_in(mail.mails[0][1]) == f"/feedback/{request_of(app, 'cees@test.nl').id}"
    assert "Herinnering: Anna Alfa vraagt uw feedback" in str(mail.mails[0][1]["Subject"])
    assert request_of(app, "olga@extern.nl").reminded_at is None  # not sent, so not marked

    mail.refuse.clear()
    code, output = run_reminders(app)
    assert code == 0, output
    assert [to for to, _ in mail.mails] == [["cees@test.nl"], ["olga@extern.nl"]]
    reminder_link = link_in(mail.mails[1][1])
    assert reminder_link != first_link and "De link uit de eerste e-mail werkt ook nog." in body(mail.mails[1][1])
    olga = request_of(app, "olga@extern.nl")
    assert olga.reminded_at is not None and olga.reminder_token_hash
    for link in (first_link, reminder_link):  # both links answer the same request
        assert Client(app).get(link).status_code == 200
    assert "herinnering gestuurd op" in block_text(anna.get(f"/plans/{plan}/fase-1"))

    code, output = run_reminders(app)
    assert code == 0 and len(mail.mails) == 2, output  # once


# ---------------------------------------------------------------- Mijn gegevens

def test_mijn_gegevens_holds_the_feedback_received_and_not_the_feedback_given(app, people, login, mail):
    anna, plan = login(people["a"]), people["plan_a"]
    assert ask(anna, plan, colleague=people["cees_id"]).status_code == 302
    assert ask(anna, plan, colleague=0, name="Olga Buiten", email="olga@extern.nl").status_code == 302
    cees_request = request_of(app, "cees@test.nl")
    cees = login(people["cees"])
    assert cees.post(f"/feedback/{cees_request.id}", data=answer_data(STERK_CEES, "")).status_code == 302
    assert anna.post(f"/plans/{plan}/feedback/{cees_request.id}/delen").status_code == 302

    files = _zip(anna)
    data = json.loads(files["gegevens.json"])
    received = {r["gevraagd_aan"]: r for r in data["feedback"]}
    assert set(received) == {"Cees Collega", "Olga Buiten"}
    given = received["Cees Collega"]
    assert given["hoe"] == "in POP" and given["stand"] == "beantwoord" and given["gedeeld_met_plan"] is True
    assert given["antwoorden"] == [{"vraag": QUESTIONS[0], "antwoord": STERK_CEES},
                                   {"vraag": QUESTIONS[1], "antwoord": ""}]
    with app.app_context():  # the organisation's day, not the machine's: they differ before midnight
        today = clock.today()
    assert given["beantwoord_op"][:10] == today.isoformat() and given["plan"] == plan
    olga = received["Olga Buiten"]
    assert olga["hoe"] == "via een link" and olga["stand"] == "nog niet beantwoord" and olga["antwoorden"] == []
    assert "Feedback die u zelf aan anderen gaf, staat hier niet in" in data["feedback_toelichting"]
    readable = files["Feedback_van_collegas.txt"].decode("utf-8")
    assert "Cees Collega (cees@test.nl, in POP)" in readable and STERK_CEES in readable
    assert "gedeeld met het plan sinds" in readable and "Olga Buiten" in readable
    assert "Feedback_van_collegas.txt" in files["README.txt"].decode("utf-8")

    # Cees's own zip: the feedback he gave is about Anna, and is not in it.
    files = _zip(cees)
    assert json.loads(files["gegevens.json"])["feedback"] == []
    assert not any(STERK_CEES in content.decode("utf-8", "replace") for content in files.values())
    assert "Feedback die u zelf aan anderen gaf, staat hier niet in" in files["README.txt"].decode("utf-8")


def _zip(client) -> dict:
    response = client.post("/mijn-gegevens/download")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
