"""Reminder mails, sent by `flask --app app reminders` from cron or a systemd timer: before a talk (7 days
and 1 day before), when a talk is overdue, and when one akkoord waits for the other.

Each reminder is sent at most once: its key (plan, kind, date) is claimed in the reminder table just before
the mail goes out, so a second run, or two runs at once, find it taken. A mail that could not be made or
sent gives its claim back, so the next run tries again, and the run goes on with the others."""
from __future__ import annotations

import datetime as dt
import smtplib
import ssl
import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from peewee import JOIN, IntegrityError

from . import answers, rhythm
from .db import database
from .models import Person, Plan, Reminder

# Days before a talk on which it is announced; a run that missed a day sends the nearest one only.
TALK_DAYS = (7, 1)
# A talk further in the past is left to the to-do page: the first run after installing must not mail
# every old date at once.
OVERDUE_WINDOW = 28


@dataclass(frozen=True)
class Due:
    plan: Plan
    kind: str  # gesprek-7, gesprek-1, gesprek-verstreken, akkoord
    day: dt.date  # the talk's date, or the date of the akkoord given
    to: tuple[Person, ...]
    talk: rhythm.Talk | None = None
    signed: dict | None = None  # akkoord: the signature that waits for the other one

    @property
    def key(self) -> tuple[int, str, dt.date]:
        return self.plan.id, self.kind, self.day


def due(plans, values: dict[int, dict], today: dt.date, akkoord_days: int) -> list[Due]:
    """The reminders these plans (joined with employee and manager) call for today. Pure: whether one
    was sent already is for send() to find out."""
    found = []
    for plan in plans:
        employee = plan.employee
        if not employee.active:
            continue
        manager = rhythm.current_manager(employee)
        definition, v = answers.form_of(plan), values[plan.id]
        talk = rhythm.open_talk(plan, definition, v, today)
        if talk is not None:
            days = rhythm.days_until(talk, today)
            if -OVERDUE_WINDOW <= days < 0:
                kind = "gesprek-verstreken"
            else:
                kind = next((f"gesprek-{n}" for n in sorted(TALK_DAYS) if 0 <= days <= n), None)
            # In the voorbereiding the plan is the employee's alone, its dates too.
            people = (employee,) if plan.status == "voorbereiding" or manager is None else (employee, manager)
            if kind:
                found.append(Due(plan, kind, talk.date, people, talk=talk))
        if plan.status == "ontwikkelgesprek":
            mine, theirs = (v.get(f.key) if f else None for f in (definition.signature("employee"),
                                                                    definition.signature("manager")))
            if bool(mine) != bool(theirs):
                given = mine or theirs
                waiting = manager if mine else employee
                if waiting is not None and (today - given["datum"]).days > akkoord_days:
                    found.append(Due(plan, "akkoord", given["datum"], (waiting,), signed=given))
    return found


# ---------------------------------------------------------------- the texts

def one_line(text: str) -> str:
    """A name as a mail header can carry it: a line break or other control character (stored before
    the people form refused them) becomes a space, instead of failing the mail."""
    return " ".join("".join(" " if unicodedata.category(c) in ("Cc", "Cf") else c for c in text).split())


def _names(people) -> str:
    names = [one_line(p.naam) for p in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


FOOTER = ("\n-- \nDit is een automatisch bericht van POP, het Persoonlijk Ontwikkelplan. U krijgt deze "
          "herinnering één keer.\n")


def texts(item: Due, link, today: dt.date) -> tuple[str, str]:
    """(subject, body) in Dutch; link(endpoint, **args) gives an absolute URL."""
    plan, employee = item.plan, item.plan.employee
    name = one_line(employee.naam)
    definition = answers.form_of(plan)
    greeting = f"Beste {_names(item.to)},\n\n"
    if item.talk is not None:
        talk = item.talk
        what = talk.label.lower()
        when = rhythm.dutch_long_date(talk.date)
        where = rhythm.talk_part(definition, plan.status)
        part_url = link("plans.part", plan_id=plan.id, part_key=where.key)
        calendar_url = link("rhythm.calendar", plan_id=plan.id)
        if item.kind == "gesprek-verstreken":
            afronding = definition.parts_in("afronding")
            subject = f"{talk.label} van {rhythm.dutch_date(talk.date)} nog niet vastgelegd (POP {name})"
            body = (f"Het {what} over het POP {plan.period} van {name} stond gepland op {when}, "
                    "maar is nog niet vastgelegd.\n\n"
                    f"Is het gesprek gehouden? Leg het dan vast in het POP:\n{part_url}\n")
            if afronding:
                body += ("\nIs het niet doorgegaan? Plan dan een nieuwe datum in "
                         f"‘{afronding[0].title}’:\n"
                         f"{link('plans.part', plan_id=plan.id, part_key=afronding[0].key)}\n")
            return subject, greeting + body + FOOTER
        days = rhythm.days_until(talk, today)
        soon = {0: "Vandaag", 1: "Morgen"}.get(days, f"Over {days} dagen")
        subject = f"Herinnering: {what} op {when} (POP {name})"
        body = (f"{soon}, op {when}, staat het {what} over het POP {plan.period} van {name} "
                "gepland.\n\n"
                f"Bereid het gesprek voor en leg het daarna vast in het POP:\n{part_url}\n\n"
                f"In uw agenda zetten:\n{calendar_url}\n")
        return subject, greeting + body + FOOTER
    # akkoord
    url = link("plans.part", plan_id=plan.id, part_key=definition.signature_part.key)
    given = item.signed
    if item.to[0].id == employee.id:
        subject = f"Uw akkoord op uw POP {plan.period} ontbreekt nog"
        body = (f"{one_line(given['naam'])} gaf op {rhythm.dutch_date(given['datum'])} akkoord op uw POP "
                f"{plan.period}. Uw akkoord ontbreekt nog; met uw beider akkoord is het POP vastgesteld.\n\n"
                f"Lees het plan na en geef uw akkoord:\n{url}\n")
    else:
        subject = f"Uw akkoord op het POP van {name} ontbreekt nog"
        body = (f"{name} gaf op {rhythm.dutch_date(given['datum'])} akkoord op het POP "
                f"{plan.period}. Uw akkoord ontbreekt nog; met uw beider akkoord is het POP vastgesteld.\n\n"
                f"Lees het plan, geef eventueel uw reactie en geef uw akkoord:\n{url}\n")
    return subject, greeting + body + FOOTER


# ---------------------------------------------------------------- gathering and sending

def open_plans():
    """Open plans with their employee and the employee's manager, in one query."""
    manager = Person.alias()
    return (Plan.select(Plan, Person, manager)
            .join(Person, on=(Plan.employee == Person.id))
            .join(manager, JOIN.LEFT_OUTER, on=(Person.manager == manager.id))
            .where(Plan.status.in_(rhythm.OPEN_STATES) & (Person.active == True))  # noqa: E712
            .order_by(Plan.id))


def pending(today: dt.date, akkoord_days: int) -> list[Due]:
    """What is due today and not sent yet, in a fixed number of queries."""
    plans = list(open_plans())
    found = due(plans, answers.load_many(plans), today, akkoord_days)
    ids = sorted({d.plan.id for d in found})
    sent = set()
    for start in range(0, len(ids), 500):
        sent |= set(Reminder.select(Reminder.plan, Reminder.kind, Reminder.day)
                    .where(Reminder.plan.in_(ids[start:start + 500])).tuples())
    return [d for d in found if d.key not in sent]


class MailFailed(Exception):
    """The mail server could not be reached or refused us; the message says what to check, in Dutch."""


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    user: str
    password: str
    sender: str
    starttls: bool
    base_url: str

    @classmethod
    def from_config(cls, config) -> "Settings":
        return cls(config.get("POP_SMTP_HOST", ""), int(config.get("POP_SMTP_PORT") or 587),
                   config.get("POP_SMTP_USER", ""), config.get("POP_SMTP_PASSWORD", ""),
                   config.get("POP_SMTP_FROM", ""), bool(config.get("POP_SMTP_STARTTLS", True)),
                   (config.get("POP_BASE_URL") or "").rstrip("/"))

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    def missing(self) -> list[str]:
        return [name for name, value in (("POP_SMTP_FROM", self.sender), ("POP_BASE_URL", self.base_url))
                if not value]


def message(item: Due, settings: Settings, link, today: dt.date) -> EmailMessage:
    subject, body = texts(item, link, today)
    return mail_to(settings, [(p.naam, p.email) for p in item.to], subject, body)


def mail_to(settings: Settings, recipients: list[tuple[str, str]], subject: str, body: str) -> EmailMessage:
    """A plain-text mail from POP to (name, address) pairs: every mail POP sends is made here."""
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = ", ".join(formataddr((one_line(name), address)) for name, address in recipients)
    mail["Subject"] = one_line(subject)
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    # RFC 3834: out-of-office replies and the like are not sent back to a machine.
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(body)
    return mail


def _connect(settings: Settings) -> smtplib.SMTP:
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=30)
    except OSError as exc:
        raise MailFailed(f"De mailserver {settings.host}:{settings.port} is niet bereikbaar ({exc}).") from exc
    try:
        smtp.ehlo()
        if settings.starttls:
            if not smtp.has_extn("starttls"):
                raise MailFailed(f"De mailserver {settings.host} biedt geen STARTTLS. Zet POP_SMTP_STARTTLS=0 "
                                 "alleen voor een server die niet versleutelt, zoals een relay op dezelfde "
                                 "machine.")
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password)
    except smtplib.SMTPAuthenticationError as exc:
        smtp.close()
        raise MailFailed("De mailserver weigert de inlog: controleer POP_SMTP_USER en "
                         "POP_SMTP_PASSWORD.") from exc
    except (smtplib.SMTPException, OSError) as exc:  # ssl.SSLError is an OSError
        smtp.close()
        raise MailFailed(f"De mailserver {settings.host} gaf een fout: {exc}") from exc
    except MailFailed:
        smtp.close()
        raise
    return smtp


def _claim(item: Due) -> bool:
    try:
        with database.atomic():
            Reminder.create(plan=item.plan.id, kind=item.kind, day=item.day,
                            recipients=", ".join(p.email for p in item.to))
        return True
    except IntegrityError:  # another run claimed it in the meantime
        return False


def _unclaim(item: Due) -> None:
    Reminder.delete().where((Reminder.plan == item.plan.id) & (Reminder.kind == item.kind)
                            & (Reminder.day == item.day)).execute()


def send(items: list[Due], settings: Settings, link, today: dt.date, echo) -> tuple[int, int]:
    """Send what is pending. Returns (sent, failed). One mail that cannot be made or sent (an address
    the server refuses, a broken connection) is counted, said and left for the next run; the others
    still go. Each is claimed just before it goes out (so two runs at once send it once) and its claim
    given back when it did not go, so the table records only mails that were sent."""
    sent = failed = 0
    if not items:
        return 0, 0
    smtp = _connect(settings)
    try:
        for item in items:
            try:
                mail = message(item, settings, link, today)
            except Exception as exc:  # noqa: BLE001 - one odd plan or person must not stop the run
                failed += 1
                echo(f"Niet verstuurd: {describe(item)}: de mail kon niet worden gemaakt ({exc}).")
                continue
            if not _claim(item):
                continue
            try:
                refused = smtp.send_message(mail)
            except Exception as exc:  # noqa: BLE001 - idem; the claim goes back, the next run retries
                _unclaim(item)
                failed += 1
                echo(f"Niet verstuurd: {describe(item)}: {exc}")
                if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                    # The connection itself is gone (a disconnect, a time-out): a fresh one for the rest.
                    _close(smtp)
                    smtp = _reconnect(settings, sent, failed)
                continue
            sent += 1
            echo(f"Verstuurd: {describe(item)}")
            if refused:  # the others have it; sending it again would give them a second copy
                echo(f"  Niet aangekomen bij {', '.join(sorted(refused))}: de mailserver weigerde het adres.")
    finally:
        _close(smtp)
    return sent, failed


def _reconnect(settings: Settings, sent: int, failed: int) -> smtplib.SMTP:
    try:
        return _connect(settings)
    except MailFailed as exc:  # the server is gone: the rest waits for the next run
        raise MailFailed(f"{exc} Verstuurd: {sent}, niet verstuurd: {failed}.") from exc


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def describe(item: Due) -> str:
    """One line for the command's output: what, whose plan, to whom."""
    if item.kind == "akkoord":
        what = f"akkoord wacht sinds {rhythm.dutch_date(item.day)}"
    elif item.kind == "gesprek-verstreken":
        what = f"{item.talk.label.lower()} van {rhythm.dutch_date(item.day)} verstreken"
    else:
        what = f"{item.talk.label.lower()} op {rhythm.dutch_date(item.day)}"
    return (f"{what}, POP {item.plan.period} van {one_line(item.plan.employee.naam)} (plan {item.plan.id}), aan "
            + ", ".join(p.email for p in item.to))


# ---------------------------------------------------------------- one run: `flask reminders` and the daily task

def gather(config, today: dt.date) -> tuple[list[Due], list]:
    """What is due on `today` and not sent yet: (talk and akkoord reminders, colleagues' feedback
    requests to remind)."""
    from . import feedback_mail
    from .models import now

    items = pending(today, int(config.get("POP_REMINDER_AKKOORD_DAYS") or 7))
    # Colleagues' feedback still unanswered (pop/feedback_mail.py): this moment, moved to that day.
    at = now() + (today - dt.date.today())
    return items, feedback_mail.pending(at, feedback_mail.reminder_days(config))


def send_all(app, settings: Settings, items: list[Due], asks: list, today: dt.date, echo) -> tuple[int, int]:
    """Send both kinds; returns (sent, failed). Raises MailFailed when the mail server cannot be
    reached: what was not sent follows the next time."""
    from flask import url_for

    from . import feedback_mail

    if not items and not asks:
        return 0, 0
    # Mails link to the site as its users know it (POP_BASE_URL), also from a command line or the worker.
    with app.test_request_context(base_url=settings.base_url):
        def link(endpoint, **args):
            return url_for(endpoint, _external=True, **args)
        sent, failed = send(items, settings, link, today, echo)
        more_sent, more_failed = feedback_mail.send_reminders(asks, settings, link, app.secret_key, echo)
    return sent + more_sent, failed + more_failed
