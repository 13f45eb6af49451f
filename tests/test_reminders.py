"""Reminder mails (flask reminders), received by a real SMTP server on loopback (aiosmtpd): before a
talk, when it is overdue, when one akkoord waits; each exactly once however often the command runs; with
SMTP off nothing is sent; a server that refuses gives the reminder back for the next run."""
import datetime as dt
import email
import os
import socket
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from conftest import make_person
from pop import answers
from pop.models import Person, Plan, Reminder
from pop.plans import start_plan

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date.today()
BASE = "https://pop.test"


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self, refuse=()):
        self.mails = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Onbekende ontvanger"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        mail = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.mails.append((sorted(envelope.rcpt_tos), mail))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    """A mail server on loopback; smtp.start(**controller options) once the test knows what it wants."""
    started = []

    class Server:
        inbox = Inbox()
        port = free_port()

        def start(self, **options):
            controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
            controller.start()
            started.append(controller)
            return self

    server = Server()
    yield server
    for controller in started:
        controller.stop()


def mail_on(app, smtp, **extra):
    app.config.update({"POP_SMTP_HOST": "127.0.0.1", "POP_SMTP_PORT": smtp.port, "POP_SMTP_STARTTLS": False,
                       "POP_SMTP_FROM": "pop@org.test", "POP_BASE_URL": BASE, **extra})


def run(app):
    # The command is told the test's day: a test that crosses midnight must not see a different one.
    result = app.test_cli_runner().invoke(args=["reminders", "--datum", TODAY.isoformat()])
    return result.exit_code, result.output


def signature(person, when):
    return {"naam": person.naam, "datum": when, "person_id": person.id}


def plan_in(person, state, **values):
    plan = start_plan(person, "pop-uitgebreid", "2026")
    answers.save(plan, values)
    Plan.update(status=state).where(Plan.id == plan.id).execute()
    return plan.id


def talk(offset, kind="voortgangsgesprek"):
    return {"volgend_gesprek": kind, "volgend_gesprek_datum": day(offset)}


@pytest.fixture
def world(app, org):
    """Plans in every situation that calls for a reminder, and beside each one that does not."""
    with app.app_context():
        m1, m2 = (Person.get(Person.email == org[k]) for k in ("m1", "m2"))
        anna, bram = (Person.get(Person.email == org[k]) for k in ("a", "b"))
        people = {key: make_person(f"{key}@test.nl", name, "Test", manager=manager)
                  for key, name, manager in (("cees", "Cees", m1), ("dirk", "Dirk", m1), ("els", "Els", m1),
                                             ("fleur", "Fleur", m1), ("gijs", "Gijs", m2),
                                             ("hans", "Hans", m2), ("ines", "Ines", m1), ("joost", "Joost", m1),
                                             ("karel", "Karel", m1),
                                             ("lars", "Lars", m1), ("mees", "Mees", m1))}
        answers.save(Plan.get_by_id(org["plan_a"]), talk(7))
        Plan.update(status="uitvoering").where(Plan.id == org["plan_a"]).execute()
        # Bram agreed eight days ago (more than the seven allowed); a talk in 20 days is not due yet.
        answers.save(Plan.get_by_id(org["plan_b"]), {"akkoord_medewerker": signature(bram, day(-8)), **talk(20)})
        Plan.update(status="ontwikkelgesprek").where(Plan.id == org["plan_b"]).execute()
        p = people
        ids = dict(
            a=org["plan_a"], b=org["plan_b"],
            cees=plan_in(p["cees"], "vastgesteld", **talk(-2, "beoordelingsgesprek")),
            dirk=plan_in(p["dirk"], "uitvoering", **talk(1)),
            # Held: the progress talk on the planned day is recorded.
            els=plan_in(p["els"], "uitvoering", **talk(-3), voortgangsgesprekken=[
                {"datum": day(-3), "gedaan": "Besproken", "opgeleverd": "", "tevreden": "", "verder": ""}]),
            fleur=plan_in(p["fleur"], "afgerond", **talk(1)),
            gijs=plan_in(p["gijs"], "ontwikkelgesprek", akkoord_medewerker=signature(p["gijs"], day(-7))),
            hans=plan_in(p["hans"], "ontwikkelgesprek", akkoord_leidinggevende=signature(m2, day(-10))),
            ines=plan_in(p["ines"], "voorbereiding", **talk(1)),
            joost=plan_in(p["joost"], "uitvoering", **talk(-40)),
            karel=plan_in(p["karel"], "uitvoering", **talk(8)),
            # Three days ahead: the week's reminder, as a run that missed a few days still sends it.
            lars=plan_in(p["lars"], "uitvoering", **talk(3)),
            mees=plan_in(p["mees"], "uitvoering", **talk(0)),
        )
        # Marco and Anna's names, for the expected greetings.
        return {"plans": ids, "m1": m1.naam, "m2": m2.naam, "anna": anna.naam, "bram": bram.naam}


def received(smtp):
    """{frozenset of recipients: mail}, each To once (a duplicate would fail the count check)."""
    return [(tuple(to), mail) for to, mail in smtp.inbox.mails]


def subject(mail) -> str:
    # Python folds some long subjects right after "Subject:" (valid RFC 5322 folding) and then reads
    # the folding space back as part of the text; mail programs drop it.
    return str(mail["Subject"]).strip()


def body(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")  # CRLF on the wire


def test_each_reminder_arrives_once_with_its_dutch_text_and_link(app, world, smtp):
    smtp.start()
    mail_on(app, smtp)
    plans = world["plans"]
    code, output = run(app)
    assert code == 0, output
    assert "8 herinneringen verstuurd." in output
    by_to = {}
    for to, mail in received(smtp):
        by_to.setdefault(to, []).append(mail)
    assert sorted(by_to) == sorted([
        ("a@test.nl", "m1@test.nl"),  # a week before Anna's talk: both of them
        ("m2@test.nl",),  # Bram's akkoord waits for Mira
        ("cees@test.nl", "m1@test.nl"),  # Cees's talk two days ago is not recorded
        ("dirk@test.nl", "m1@test.nl"),  # the day before Dirk's talk
        ("hans@test.nl",),  # Mira agreed, Hans's akkoord waits
        ("ines@test.nl",),  # in the voorbereiding the plan is Ines's alone: not to her manager
        ("lars@test.nl", "m1@test.nl"),
        ("m1@test.nl", "mees@test.nl"),
    ])
    assert all(len(mails) == 1 for mails in by_to.values())

    anna = by_to[("a@test.nl", "m1@test.nl")][0]
    assert anna["From"] == "pop@org.test"
    assert anna["Auto-Submitted"] == "auto-generated"
    when = f"{['maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag'][day(7).weekday()]} " \
           f"{day(7):%d-%m-%Y}"
    assert subject(anna) == f"Herinnering: voortgangsgesprek op {when} (POP Anna Alfa)"
    text = body(anna)
    assert text.startswith(f"Beste Anna Alfa en {world['m1']},")
    assert f"Over 7 dagen, op {when}, staat het voortgangsgesprek over het POP 2026 van Anna Alfa gepland." in text
    assert f"{BASE}/plans/{plans['a']}/fase-3\n" in text  # where the talk is put on paper
    assert f"{BASE}/plans/{plans['a']}/volgend-gesprek.ics\n" in text

    dirk = body(by_to[("dirk@test.nl", "m1@test.nl")][0])
    assert "Morgen, op " in dirk and f"{BASE}/plans/{plans['dirk']}/fase-3" in dirk
    assert "Over 3 dagen, op " in body(by_to[("lars@test.nl", "m1@test.nl")][0])
    assert "Vandaag, op " in body(by_to[("m1@test.nl", "mees@test.nl")][0])
    # Before the plan is agreed the talk's page is the Afronding part, where its date is set.
    assert f"{BASE}/plans/{plans['ines']}/afronding\n" in body(by_to[("ines@test.nl",)][0])

    cees = by_to[("cees@test.nl", "m1@test.nl")][0]
    assert subject(cees) == f"Beoordelingsgesprek van {day(-2):%d-%m-%Y} nog niet vastgelegd (POP Cees Test)"
    assert "is nog niet vastgelegd" in body(cees)
    assert f"{BASE}/plans/{plans['cees']}/fase-3\n" in body(cees)
    assert f"{BASE}/plans/{plans['cees']}/afronding\n" in body(cees)  # or plan a new date

    mira = by_to[("m2@test.nl",)][0]
    assert subject(mira) == "Uw akkoord op het POP van Bram Beta ontbreekt nog"
    assert f"Bram Beta gaf op {day(-8):%d-%m-%Y} akkoord op het POP 2026." in body(mira)
    assert f"{BASE}/plans/{plans['b']}/afronding\n" in body(mira)

    hans = by_to[("hans@test.nl",)][0]
    assert subject(hans) == "Uw akkoord op uw POP 2026 ontbreekt nog"
    assert f"{world['m2']} gaf op {day(-10):%d-%m-%Y} akkoord op uw POP 2026." in body(hans)

    with app.app_context():
        rows = {(r.plan_id, r.kind, r.day) for r in Reminder.select()}
    assert rows == {(plans["a"], "gesprek-7", day(7)), (plans["b"], "akkoord", day(-8)),
                    (plans["cees"], "gesprek-verstreken", day(-2)), (plans["dirk"], "gesprek-1", day(1)),
                    (plans["hans"], "akkoord", day(-10)), (plans["ines"], "gesprek-1", day(1)),
                    (plans["lars"], "gesprek-7", day(3)), (plans["mees"], "gesprek-1", day(0))}

    # The next run (cron, tomorrow or in a minute) sends none of them again.
    code, output = run(app)
    assert code == 0, output
    assert "Geen herinneringen te versturen." in output
    assert len(smtp.inbox.mails) == 8

    # Anna's talk moved to tomorrow: that is another date, so it is announced again.
    with app.app_context():
        answers.save(Plan.get_by_id(plans["a"]), talk(1))
    code, output = run(app)
    assert code == 0 and "1 herinnering verstuurd." in output, output
    to, mail = smtp.inbox.mails[-1]
    assert to == ["a@test.nl", "m1@test.nl"] and "Morgen, op " in body(mail)


def test_with_smtp_off_the_command_says_so_and_sends_nothing(app, world, smtp):
    smtp.start()
    assert app.config["POP_SMTP_HOST"] == ""  # off by default
    code, output = run(app)
    assert code == 0
    assert "E-mail staat uit: POP_SMTP_HOST is niet ingesteld. Er is niets verstuurd." in output
    assert smtp.inbox.mails == []
    with app.app_context():
        assert Reminder.select().count() == 0  # so that they go out once mail is switched on


def test_dry_run_lists_without_sending_or_recording(app, world, smtp):
    smtp.start()
    mail_on(app, smtp)
    result = app.test_cli_runner().invoke(args=["reminders", "--dry-run", "--datum", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "8 herinneringen te versturen; er is niets verstuurd (--dry-run)." in result.output
    assert f"Zou versturen: akkoord wacht sinds {day(-8):%d-%m-%Y}, POP 2026 van Bram Beta " \
           f"(plan {world['plans']['b']}), aan m2@test.nl" in result.output
    assert smtp.inbox.mails == []
    with app.app_context():
        assert Reminder.select().count() == 0


def test_a_refused_mail_is_given_back_for_the_next_run(app, world, smtp):
    smtp.inbox.refuse = {"m2@test.nl"}
    smtp.start()
    mail_on(app, smtp)
    code, output = run(app)
    assert code == 1
    assert "Niet verstuurd: akkoord wacht sinds" in output and "m2@test.nl" in output
    assert "7 herinneringen verstuurd." in output
    assert "1 herinnering is niet verstuurd; de volgende keer opnieuw." in output
    smtp.inbox.refuse = set()
    code, output = run(app)
    assert code == 0 and "1 herinnering verstuurd." in output, output
    assert smtp.inbox.mails[-1][0] == ["m2@test.nl"]
    assert len(smtp.inbox.mails) == 8


def test_starttls_is_required_unless_switched_off(app, world, smtp):
    smtp.start()  # aiosmtpd without a certificate offers no STARTTLS
    mail_on(app, smtp, POP_SMTP_STARTTLS=True)
    code, output = run(app)
    assert code == 1
    assert "biedt geen STARTTLS" in output
    assert smtp.inbox.mails == []
    with app.app_context():
        assert Reminder.select().count() == 0


# Plain AUTH is fine on loopback; the test server has no certificate for STARTTLS.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_it_logs_in_with_the_configured_account(app, world, smtp):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        # handled=False: aiosmtpd then answers 535 itself (with True it expects the handler to).
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"pop", b"geheim"),
                          handled=False)

    smtp.start(authenticator=authenticator, auth_require_tls=False, auth_required=True)
    mail_on(app, smtp, POP_SMTP_USER="pop", POP_SMTP_PASSWORD="fout")
    code, output = run(app)
    assert code == 1 and "weigert de inlog" in output, output
    assert smtp.inbox.mails == []
    with app.app_context():
        assert Reminder.select().count() == 0
    app.config["POP_SMTP_PASSWORD"] = "geheim"
    code, output = run(app)
    assert code == 0 and "8 herinneringen verstuurd." in output, output
    assert logins[-1] == (b"pop", b"geheim") and len(smtp.inbox.mails) == 8


def test_links_need_the_base_url(app, world, smtp):
    smtp.start()
    mail_on(app, smtp, POP_BASE_URL="")
    code, output = run(app)
    assert code == 1 and "Stel ook POP_BASE_URL in; er is niets verstuurd." in output
    assert smtp.inbox.mails == []


def test_the_flask_command_reads_the_settings_from_the_environment(app, world, smtp):
    """As cron runs it: `flask --app app reminders`, configured only through POP_SMTP_* variables."""
    smtp.start()
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "POP_SMTP_HOST": "127.0.0.1",
           "POP_SMTP_PORT": str(smtp.port), "POP_SMTP_STARTTLS": "0", "POP_SMTP_FROM": "pop@org.test",
           "POP_BASE_URL": "https://pop.intranet.test/", "POP_SECRET_KEY": "x"}
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run([str(flask), "--app", "app", "reminders", "--datum", TODAY.strftime("%d-%m-%Y")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 herinneringen verstuurd." in result.stdout
    assert len(smtp.inbox.mails) == 8
    assert all("https://pop.intranet.test/plans/" in body(mail) for _, mail in smtp.inbox.mails)


def test_a_name_with_a_line_break_from_old_data_still_gets_its_reminder(app, world, smtp):
    """Stored before the people form refused it: the run crashed with a traceback after recording the
    reminder as sent, so it never went out. Now the name is written on one line."""
    smtp.start()
    mail_on(app, smtp)
    with app.app_context():
        Person.update(achternaam="Test\nBcc: iedereen@test.nl").where(Person.email == "dirk@test.nl").execute()
    code, output = run(app)
    assert code == 0, output
    assert "8 herinneringen verstuurd." in output
    dirk = [mail for to, mail in received(smtp) if to == ("dirk@test.nl", "m1@test.nl")]
    assert len(dirk) == 1 and dirk[0]["Bcc"] is None
    assert subject(dirk[0]).endswith("(POP Dirk Test Bcc: iedereen@test.nl)")
    assert body(dirk[0]).startswith("Beste Dirk Test Bcc: iedereen@test.nl en ")
    assert all("iedereen@test.nl" not in to for to, _ in received(smtp))


def test_one_bad_address_does_not_stop_the_other_reminders(app, world, smtp):
    smtp.start()
    mail_on(app, smtp)
    with app.app_context():
        Person.update(email="hans@test.nl\nBcc: iedereen@test.nl").where(Person.email == "hans@test.nl").execute()
    code, output = run(app)
    assert code == 1
    assert "7 herinneringen verstuurd." in output
    assert "Niet verstuurd: akkoord wacht sinds" in output and "de mail kon niet worden gemaakt" in output
    assert "1 herinnering is niet verstuurd; de volgende keer opnieuw." in output
    assert "Traceback" not in output
    assert len(smtp.inbox.mails) == 7
    with app.app_context():
        assert not Reminder.select().where(Reminder.plan == world["plans"]["hans"]).exists()
        assert Reminder.select().count() == 7
        Person.update(email="hans@test.nl").where(Person.email.startswith("hans@")).execute()
    code, output = run(app)
    assert code == 0 and "1 herinnering verstuurd." in output, output
    assert smtp.inbox.mails[-1][0] == ["hans@test.nl"]


@pytest.mark.parametrize("failure", [
    __import__("smtplib").SMTPServerDisconnected("Connection unexpectedly closed"),
    TimeoutError("timed out"),
    __import__("smtplib").SMTPDataError(451, b"Tijdelijk niet"),
], ids=["disconnect", "time-out", "refused"])
def test_a_failing_send_is_not_recorded_and_the_others_still_go(app, world, smtp, monkeypatch, failure):
    import smtplib

    smtp.start()
    mail_on(app, smtp)
    real = smtplib.SMTP.send_message

    def flaky(self, mail, *args, **kwargs):
        if "dirk@test.nl" in str(mail["To"]):
            if isinstance(failure, smtplib.SMTPServerDisconnected):
                self.close()  # as a dropped connection leaves it
            raise failure
        return real(self, mail, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "send_message", flaky)
    code, output = run(app)
    assert code == 1, output
    assert "7 herinneringen verstuurd." in output
    assert "1 herinnering is niet verstuurd; de volgende keer opnieuw." in output
    assert len(smtp.inbox.mails) == 7 and all("dirk@test.nl" not in to for to, _ in smtp.inbox.mails)
    with app.app_context():
        assert not Reminder.select().where(Reminder.plan == world["plans"]["dirk"]).exists()
    monkeypatch.setattr(smtplib.SMTP, "send_message", real)
    code, output = run(app)
    assert code == 0 and "1 herinnering verstuurd." in output, output
    assert smtp.inbox.mails[-1][0] == ["dirk@test.nl", "m1@test.nl"]
