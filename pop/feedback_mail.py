"""The mails of colleagues' feedback (pop/feedback.py): the request, sent when the employee asks, and one
reminder for a request still unanswered POP_FEEDBACK_REMINDER_DAYS after it was made, sent by `flask
reminders` with the other reminders.

They go through the reminders' settings and connection (pop/reminders.py: POP_SMTP_*, POP_BASE_URL). A
colleague in POP gets the address of the answer page in the app (behind the log-in); someone without an
account a link that answers without one. Only a link's hash is kept, so a reminder to the latter
carries a link of its own (reminder_token_hash), and the first one keeps working beside it. A mail holds
the employee's name and the form's questions, nothing of the plan.

A reminder is claimed (reminded_at, with its link's hash) just before it goes out and given back when
it did not go, as pop/reminders.py does with its own: a second run, or two at once, sends it once, and
reminded_at stays only on reminders that were sent. Never one for a request answered, expired or on a
plan that is afgerond."""
from __future__ import annotations

import datetime as dt
import smtplib
from email.message import EmailMessage

from peewee import JOIN

from . import feedback, reminders
from .models import FeedbackRequest, Person, Plan, now
from .feedback import day
from .reminders import MailFailed, Settings, one_line

FOOTER = "\n-- \nDit is een automatisch bericht van POP, het Persoonlijk Ontwikkelplan.\n"


def reminder_days(config) -> int:
    return int(config.get("POP_FEEDBACK_REMINDER_DAYS") or feedback.REMIND_AFTER_DAYS)


def texts(request: FeedbackRequest, url: str, reminder: bool = False) -> tuple[str, str]:
    """(subject, body) in Dutch: who asks, the form's questions, where to answer and until when."""
    plan = request.plan
    employee = one_line(plan.employee.naam)
    questions = feedback.declared(plan)[1].questions
    until = day(request.expires_at)
    asked = "\n".join(f"  • {q}" for q in questions)
    if reminder:
        subject = f"Herinnering: {employee} vraagt uw feedback"
        opening = (f"Op {day(request.created_at)} vroeg {employee} u om feedback, ter "
                   "voorbereiding van het persoonlijk ontwikkelplan (POP). Uw antwoord is er nog niet; "
                   "misschien schiet het er zo bij in. Het gaat om twee vragen:\n")
    else:
        subject = f"{employee} vraagt uw feedback voor het POP"
        opening = (f"{employee} bereidt het persoonlijk ontwikkelplan (POP) voor en vraagt u, als collega, "
                   "om feedback. Het gaat om twee vragen:\n")
    if request.colleague_id:
        where = f"\nU beantwoordt ze in POP (log in met uw eigen account):\n{url}\n"
    else:
        where = (f"\nU beantwoordt ze via deze link, zonder in te loggen:\n{url}\n\nDe link is persoonlijk: "
                 "stuur hem niet door.")
        if reminder:
            where += " De link uit de eerste e-mail werkt ook nog."
        where += "\n"
    body = (f"Beste {one_line(request.colleague_name)},\n\n{opening}{asked}\n{where}\n"
            f"Dat kan tot en met {until}. Uw antwoorden zijn alleen voor {employee}, die zelf kiest of "
            "ze in het POP worden gedeeld met de leidinggevende.\n")
    return subject, body + FOOTER


def message(settings: Settings, request: FeedbackRequest, url: str, reminder: bool = False) -> EmailMessage:
    subject, body = texts(request, url, reminder)
    return reminders.mail_to(settings, [(request.colleague_name, request.email)], subject, body)


def send_request(config, request: FeedbackRequest, url: str) -> None:
    """The request to the colleague, at once; raises MailFailed with the reason in Dutch."""
    settings = Settings.from_config(config)
    mail = message(settings, request, url)
    smtp = reminders._connect(settings)  # STARTTLS, log-in, Dutch errors: the reminders' connection
    try:
        try:
            smtp.send_message(mail)
        except Exception as exc:  # noqa: BLE001 - a refused address or a dropped line: said in Dutch
            raise MailFailed(f"De mailserver nam de e-mail niet aan: {exc}") from exc
    finally:
        reminders._close(smtp)


# ---------------------------------------------------------------- reminders

def pending(at: dt.datetime, days: int) -> list[FeedbackRequest]:
    """Requests due for their one reminder: unanswered, made at least `days` ago, not expired, not
    reminded, on a plan that is not afgerond of an active employee, to a colleague still active."""
    employee, colleague = Person.alias(), Person.alias()
    return list(FeedbackRequest.select(FeedbackRequest, Plan, employee)
                .join(Plan, on=(FeedbackRequest.plan == Plan.id))
                .join(employee, on=(Plan.employee == employee.id))
                .switch(FeedbackRequest)
                .join(colleague, JOIN.LEFT_OUTER, on=(FeedbackRequest.colleague == colleague.id))
                .where(FeedbackRequest.answered_at.is_null() & FeedbackRequest.reminded_at.is_null()
                       & (FeedbackRequest.created_at <= at - dt.timedelta(days=days))
                       & (FeedbackRequest.expires_at > at) & (Plan.status != "afgerond")
                       & (employee.active == True)  # noqa: E712
                       & (FeedbackRequest.colleague.is_null() | (colleague.active == True)))  # noqa: E712
                .order_by(FeedbackRequest.id))


def describe(request: FeedbackRequest) -> str:
    """One line for the command's output."""
    return (f"feedback gevraagd op {day(request.created_at)} door "
            f"{one_line(request.plan.employee.naam)}, nog niet beantwoord, aan {request.email}")


def _claim(request: FeedbackRequest, hashed: str | None) -> bool:
    return bool(FeedbackRequest.update(reminded_at=now(), reminder_token_hash=hashed).where(
        (FeedbackRequest.id == request.id) & FeedbackRequest.reminded_at.is_null()
        & FeedbackRequest.answered_at.is_null()).execute())


def _unclaim(request: FeedbackRequest) -> None:
    FeedbackRequest.update(reminded_at=None, reminder_token_hash=None).where(
        FeedbackRequest.id == request.id).execute()


def send_reminders(items: list[FeedbackRequest], settings: Settings, link, secret_key: str,
                   echo) -> tuple[int, int]:
    """Send each reminder once; (sent, failed). link(endpoint, **args) gives an absolute URL. A mail
    that cannot be made or sent is said, given back for the next run, and the others still go."""
    sent = failed = 0
    if not items:
        return 0, 0
    smtp = reminders._connect(settings)
    try:
        for request in items:
            token, hashed = ("", None) if request.colleague_id else feedback.new_token(secret_key)
            try:
                url = (link("feedback.answer", request_id=request.id) if request.colleague_id
                       else link("feedback.link", token=token))
                mail = message(settings, request, url, reminder=True)
            except Exception as exc:  # noqa: BLE001 - one odd request must not stop the run
                failed += 1
                echo(f"Niet verstuurd: {describe(request)}: de mail kon niet worden gemaakt ({exc}).")
                continue
            if not _claim(request, hashed):
                continue  # answered, or reminded by another run, in the meantime
            try:
                refused = smtp.send_message(mail)
            except Exception as exc:  # noqa: BLE001 - the claim goes back, the next run tries again
                _unclaim(request)
                failed += 1
                echo(f"Niet verstuurd: {describe(request)}: {exc}")
                if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                    reminders._close(smtp)
                    smtp = reminders._reconnect(settings, sent, failed)
                continue
            sent += 1
            echo(f"Verstuurd: {describe(request)}")
            if refused:
                echo(f"  Niet aangekomen bij {', '.join(sorted(refused))}: de mailserver weigerde het adres.")
    finally:
        reminders._close(smtp)
    return sent, failed
