"""Leaving and erasure (AVG: storage limitation, art. 5(1)(e), and the right to erasure, art. 17).

A leaver is deactivated (people page, import): their sessions end at once and person.left_at is set.
Their plans are kept for the retention period HR sets (pop.settings.RETENTION_MONTHS, 6 to 120 months,
default 24; on HR → Instellingen → Inloggen en bewaren); then `flask retention` erases them. HR can
erase earlier, on the person's request, from the person's page.

When the period starts. The latest moment POP knows of, as an erasure cannot be undone and keeping a
little longer is the safe side of a doubt:
- when they left (left_at, set at every deactivation since migration m0014);
- the last change of their last plan (Plan.updated_at): "two years after the last plan";
- the last "gedeactiveerd" line about them in the security log (people deactivated after m0013 but
  before m0014 have that, not left_at);
- when their account was made (created_at): for someone deactivated before the security log existed,
  without plans, the only moment known. (Before m0014 nobody recorded when people left; inventing a
  date there would start their period wrongly, so the count starts from what is known, and for them that
  is later than they really left, never earlier.)
The later of leaving and the last plan honours both ways of saying it: the issue's "two years after the
last plan" and the setting's "after leaving", as Dutch practice keeps a personnel file for two years
after someone leaves. A value of the setting outside 6..120 (typed into the database by hand) counts
as the default: a zero there must not erase everyone who left.

What erasing removes, in one transaction (a failure leaves everything as it was):
- every plan of theirs, with its answers, agreed versions, log (AuditEntry), reminders sent, drafts and
  feedback requests (asked and answered, shared or not);
- their matrix placements and budgets; drafts they typed on others' plans; their one-time links
  (AccountToken); the log-in throttle rows counted on their address; feedback requests to them that
  are still unanswered (nothing of the other's is in them but who was asked, and the link would still
  let them answer);
- of the person row: name, e-mail address, personeelsnummer, functie, afdeling, password hash and their
  manager. The name becomes "Gewiste persoon #<id>", the address gewist-<id>@invalid (unique, never
  deliverable: .invalid is reserved, and our e-mail check refuses it, so no import or page can match
  it), the number NULL; erased_at is set and the sessions end. Such a row cannot be changed or
  reactivated again.
- their name and e-mail address wherever POP kept them as a reference to them: in the security log
  (the name columns of lines about them or by them, and any detail naming them or their address), in
  the log of others' plans (what they did there as a manager) and among a reminder's recipients. Those
  lines read "Gewiste persoon #<id>" from then on.

What stays, and why:
- the person row itself, without anything that identifies them: other rows point to it (the plans
  they managed, the log lines, who placed whom in the matrix, who set a budget) and then read "Gewiste
  persoon #<id>" instead of breaking or pointing to nobody. Kept: id, role, created_at, left_at and
  erased_at, the record that the rule was followed.
- the security log's lines themselves (what happened, when, from which network address), with the name
  replaced: they serve the organisation's security and have their own use; only the name goes. This
  replacement is the one change the app ever makes to that log and to the plans' logs. One line
  "gegevens gewist" is added, with counts only and the reason: its subject is the pseudonym, as
  writing the erased name in it would defeat the erasure; nothing identifying, not the personeelsnummer.
- others' plans: when the person was a manager, their reports' plans are their reports' data. They stay,
  plan.manager still points to the (now nameless) row, and so does a report's person.manager until HR
  chooses a new manager: an inactive manager has no rights (pop/access.py). What the paper form holds as
  text, such as the manager's name in a report's header or an agreed version, is that employee's
  document and stays as written; by it, someone with the database could link the pseudonym back. The
  reactions they wrote on those plans stay too (part of that plan).
- feedback they gave on a colleague's plan, with the name they gave it under (the colleague's record of
  who said it); the address it was sent to is replaced.
- outside the database, out of this module's reach: the application log (logger pop.security) keeps
  its lines under the server's own retention, and backups until they age out. (HR's bulk export zips
  that hold their plans are in the database and go with them: pop/jobs.py forget_plans.)

People due are listed by due(); erase() erases one person."""
from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from peewee import fn

from forms import FORMS

from . import clock, jobs, listing, security_log, settings
from .db import lock_row, write_lock
from .login import _account, normal  # the throttle's key of an address
from .models import (AccountToken, Answer, AuditEntry, Budget, Department, Draft, FeedbackRequest, LoginThrottle,
                     Person, Placement, Plan, PlanVersion, Reminder, SecurityEvent, now)

MIN_MONTHS, MAX_MONTHS = 6, 120

BY_RETENTION = "bewaartermijn verstreken"
ON_REQUEST = "op verzoek"

ACTIVE = "Deze persoon is nog actief. Deactiveer eerst het account; daarna kunnen de gegevens worden gewist."
SELF = "U kunt uw eigen gegevens niet wissen. Vraag een andere HR-medewerker."
ALREADY = "De gegevens van deze persoon zijn al gewist."


class NotErasable(Exception):
    """The person may not be erased (now): the Dutch reason is the message."""


def pseudonym(person_id: int) -> str:
    return f"Gewiste persoon #{person_id}"


def placeholder_email(person_id: int) -> str:
    return f"gewist-{person_id}@invalid"


def refusal(person: Person | None, actor: Person | None) -> str:
    """Why this person cannot be erased by actor (None: the scheduled command), or '' when they can."""
    if person is None:
        return "Deze persoon bestaat niet (meer)."
    if person.erased_at is not None:
        return ALREADY
    if actor is not None and actor.id == person.id:
        return SELF
    if person.active:
        return ACTIVE
    return ""


# ---------------------------------------------------------------- who is due

def retention_months() -> int:
    months = settings.get(settings.RETENTION_MONTHS)
    if isinstance(months, int) and MIN_MONTHS <= months <= MAX_MONTHS:
        return months
    return settings.RETENTION_MONTHS.default


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day so many months later; the month's last day when it has no such day (31 → 30)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass
class Leaver:
    person: Person
    start: dt.datetime  # when the retention period started (stored UTC)
    until: dt.date  # the first day they are due (the organisation's calendar)
    plans: int
    last_plan: dt.datetime | None


def _latest(rows) -> dict[int, dt.datetime]:
    return {person_id: moment for person_id, moment in rows if moment is not None}


def leavers(months: int | None = None, only: int | None = None) -> list[Leaver]:
    """Everyone inactive whose data is not erased yet (only: the person with that id), with when their
    retention period started and ends, oldest first. A fixed number of queries, whatever their number."""
    months = retention_months() if months is None else months
    query = Person.select().where((Person.active == False) & Person.erased_at.is_null())  # noqa: E712
    people = list(query if only is None else query.where(Person.id == only))
    if not people:
        return []
    ids = [p.id for p in people]
    last_change = fn.MAX(Plan.updated_at).python_value(Plan.updated_at.python_value)
    plans = {pid: (count, last) for pid, count, last in (
        Plan.select(Plan.employee, fn.COUNT(Plan.id), last_change)
        .where(Plan.employee.in_(ids)).group_by(Plan.employee).tuples())}
    deactivated = _latest(
        SecurityEvent.select(SecurityEvent.subject, fn.MAX(SecurityEvent.created_at)
                             .python_value(SecurityEvent.created_at.python_value))
        .where((SecurityEvent.kind == "gedeactiveerd") & SecurityEvent.subject.in_(ids))
        .group_by(SecurityEvent.subject).tuples())
    found = []
    for person in people:
        count, last_plan = plans.get(person.id, (0, None))
        start = max(m for m in (person.created_at, person.left_at, last_plan, deactivated.get(person.id))
                    if m is not None)
        found.append(Leaver(person, start, add_months(clock.local(start).date(), months), count,
                            last_plan))
    return sorted(found, key=lambda leaver: (leaver.until, leaver.person.id))


def leaver(person: Person) -> Leaver | None:
    """The person's retention period, while they are a leaver whose data is still there."""
    found = leavers(only=person.id)
    return found[0] if found else None


def due(today: dt.date | None = None, months: int | None = None) -> list[Leaver]:
    """The leavers whose retention period has passed on today (the organisation's today by default)."""
    today = clock.today() if today is None else today
    return [leaver for leaver in leavers(months) if leaver.until <= today]


# ---------------------------------------------------------------- what erasing removes

@dataclass
class PlanLine:
    id: int
    period: str
    form: str
    status: str


@dataclass
class Inventory:
    """What erasing a person removes (and, last, what of theirs stays), counted before it happens or as
    it happened."""

    plans: list[PlanLine] = field(default_factory=list)
    answers: int = 0
    versions: int = 0
    log_entries: int = 0
    reminders: int = 0
    feedback_requests: int = 0  # asked on their plans
    drafts: int = 0
    placements: int = 0
    budgets: int = 0
    links: int = 0
    feedback_unanswered: int = 0  # asked of them by colleagues, never answered
    # What stays (see the module's docstring)
    reports: int = 0  # people who have them as their manager
    managed_plans: int = 0  # others' plans they were the manager of
    feedback_given: int = 0  # answered requests of colleagues
    log_lines: int = 0  # security log lines about or by them, which get the pseudonym

    def summary(self) -> str:
        """Counts only, for the security log: never a period, a form or an answer."""
        parts = [_count(len(self.plans), "plan", "plannen"), _count(self.answers, "antwoord", "antwoorden")]
        for number, one, many in ((self.versions, "versie", "versies"),
                                  (self.feedback_requests, "feedbackverzoek", "feedbackverzoeken"),
                                  (self.placements, "matrixplaatsing", "matrixplaatsingen"),
                                  (self.budgets, "budget", "budgetten")):
            if number:
                parts.append(_count(number, one, many))
        return ", ".join(parts)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _their_plans(person: Person):
    return Plan.select(Plan.id).where(Plan.employee == person.id)


def _feedback_to(person_id: int, email: str):
    """Requests colleagues sent to them: to their account or to their address."""
    return (FeedbackRequest.colleague == person_id) | (fn.LOWER(FeedbackRequest.email) == email.lower())


def _form_name(form_key: str) -> str:
    form = FORMS.get(form_key)
    return (form.short_title or form.title) if form else form_key


def inventory(person: Person) -> Inventory:
    plans = list(Plan.select().where(Plan.employee == person.id).order_by(Plan.created_at, Plan.id))
    ids = _their_plans(person)
    to_them = FeedbackRequest.select().where(_feedback_to(person.id, person.email)
                                             & FeedbackRequest.plan.not_in(ids))
    return Inventory(
        plans=[PlanLine(p.id, p.period, _form_name(p.form_key), p.status_label) for p in plans],
        answers=Answer.select().where(Answer.plan.in_(ids)).count(),
        versions=PlanVersion.select().where(PlanVersion.plan.in_(ids)).count(),
        log_entries=AuditEntry.select().where(AuditEntry.plan.in_(ids)).count(),
        reminders=Reminder.select().where(Reminder.plan.in_(ids)).count(),
        feedback_requests=FeedbackRequest.select().where(FeedbackRequest.plan.in_(ids)).count(),
        drafts=Draft.select().where(Draft.plan.in_(ids) | (Draft.person == person.id)).count(),
        placements=Placement.select().where(Placement.person == person.id).count(),
        budgets=Budget.select().where(Budget.person == person.id).count(),
        links=AccountToken.select().where(AccountToken.person == person.id).count(),
        feedback_unanswered=to_them.where(FeedbackRequest.answered_at.is_null()).count(),
        reports=Person.select().where(Person.manager == person.id).count(),
        managed_plans=Plan.select().where((Plan.manager == person.id) & (Plan.employee != person.id)).count(),
        feedback_given=to_them.where(FeedbackRequest.answered_at.is_null(False)).count(),
        log_lines=SecurityEvent.select().where((SecurityEvent.subject == person.id)
                                               | (SecurityEvent.actor == person.id)).count())


def confirms(person: Person, typed: str) -> bool:
    """HR typed the person's name or e-mail address (case and spaces aside) to confirm the erasure."""
    typed = " ".join((typed or "").split()).casefold()
    return bool(typed) and typed in (" ".join(person.naam.split()).casefold(), person.email.casefold())


# ---------------------------------------------------------------- erasing

def erase(person_id: int, actor: Person | None, reason: str) -> Inventory:
    """Erase one person's data (above), in one transaction, and write one "gegevens gewist" line with
    the counts and the reason (BY_RETENTION or ON_REQUEST). actor: HR on the page, None for the command.
    Raises NotErasable with the Dutch reason, and then changes nothing."""
    with write_lock():
        # Locked and read again inside the transaction: a reactivation in between must win.
        person = lock_row(Person.select().where(Person.id == person_id)).first()
        problem = refusal(person, actor)
        if problem:
            raise NotErasable(problem)
        found = inventory(person)
        names, email = _names_of(person), person.email
        _remove(person)
        _scrub(person)
        _pseudonymise(person, names, email)
        listing.merge_search_index()  # the old name's trigrams out of the search index's file too
        security_log.record("gegevens_gewist", actor, person, f"{found.summary()}; {reason}")
    return found



def erase_all_due(today: dt.date, echo, leavers: list[Leaver] | None = None) -> tuple[int, int]:
    """Erase everyone due on `today` (`flask retention`, the worker's daily task); returns (erased,
    failed). Says per person only the number and the counts: the output may be kept (cron's mail, the
    journal) after the names are gone. One failure leaves that person as they were and the others go
    on; the next run tries again."""
    erased, failed = 0, 0
    for leaver in due(today) if leavers is None else leavers:
        try:
            found = erase(leaver.person.id, None, BY_RETENTION)
        except NotErasable as exc:  # reactivated, or erased by HR, since the list was made
            echo(f"Niet gewist: #{leaver.person.id}: {exc}")
            continue
        except Exception as exc:  # noqa: BLE001 - one failure must not keep the others
            failed += 1
            logging.getLogger(__name__).exception("Wissen van persoon #%s mislukt", leaver.person.id)
            echo(f"Mislukt: #{leaver.person.id}: {type(exc).__name__}; er is niets van gewist.")
            continue
        erased += 1
        echo(f"Gewist: #{leaver.person.id} ({found.summary()}).")
    return erased, failed

def _remove(person: Person) -> None:
    ids = _their_plans(person)
    jobs.forget_plans([p.id for p in ids])  # HR's bulk export zips that hold their plans (kept a day otherwise)
    Draft.delete().where(Draft.plan.in_(ids) | (Draft.person == person.id)).execute()
    for model in (Answer, PlanVersion, AuditEntry, Reminder, FeedbackRequest):
        model.delete().where(model.plan.in_(ids)).execute()
    # Their plans point to each other (previous); ON DELETE SET NULL takes care of that within the set.
    Plan.delete().where(Plan.employee == person.id).execute()
    FeedbackRequest.delete().where(_feedback_to(person.id, person.email)
                                   & FeedbackRequest.answered_at.is_null()).execute()
    Placement.delete().where(Placement.person == person.id).execute()
    Budget.delete().where(Budget.person == person.id).execute()
    AccountToken.delete().where(AccountToken.person == person.id).execute()
    # Every count on their address, for log-ins and reset mails alike (pop.login.keys_for); counts per
    # network address alone are not about them and stay.
    LoginThrottle.delete().where(LoginThrottle.key.contains(_account(normal(person.email)))).execute()


def _scrub(person: Person) -> None:
    person.voornaam, person.tussenvoegsel, person.achternaam = "Gewiste", "", f"persoon #{person.id}"
    person.email = placeholder_email(person.id)
    person.personeelsnummer = None
    department = person.afdeling
    person.functie = person.afdeling = person.password_hash = ""
    person.manager = None
    person.active = False
    person.session_version = (person.session_version or 0) + 1
    person.erased_at = now()
    person.save()
    if department and not Person.select().where(Person.afdeling == department).exists():
        # A department only they were in would name them in HR's list (pop/departments.py).
        Department.delete().where(Department.name == department).execute()


def _names_of(person: Person) -> list[str]:
    """Every name they went by in the logs: now, and as each line about or by them wrote it then (a
    rename keeps the old name on older lines), with and without the tussenvoegsel."""
    names = {person.naam, " ".join(p for p in (person.voornaam, person.achternaam) if p)}
    for column, fk in ((SecurityEvent.subject_name, SecurityEvent.subject),
                       (SecurityEvent.actor_name, SecurityEvent.actor)):
        names |= {n for (n,) in SecurityEvent.select(column).where(fk == person.id).distinct().tuples()}
    names |= {n for (n,) in AuditEntry.select(AuditEntry.person_name)
              .where(AuditEntry.person == person.id).distinct().tuples()}
    # Two letters would match inside many words; a name that short is not replaced in free text.
    return sorted((n for n in names if len(n.strip()) >= 3), key=len, reverse=True)


def _pseudonymise(person: Person, names: list[str], email: str) -> None:
    name = pseudonym(person.id)
    SecurityEvent.update(subject_name=name).where(SecurityEvent.subject == person.id).execute()
    SecurityEvent.update(actor_name=name).where(SecurityEvent.actor == person.id).execute()
    AuditEntry.update(person_name=name).where(AuditEntry.person == person.id).execute()
    # Free text: whole names only (Anna Alfa, not the start of Anna Alfaro), any case; the address too.
    pattern = re.compile("|".join([rf"(?<!\w){re.escape(n)}(?!\w)" for n in names]
                                  + [re.escape(email)]), re.IGNORECASE)
    mentions = None
    for text in names + [email]:
        clause = SecurityEvent.detail.contains(text)
        mentions = clause if mentions is None else mentions | clause
    for event in SecurityEvent.select(SecurityEvent.id, SecurityEvent.detail).where(mentions):
        detail = pattern.sub(name, event.detail)
        if detail != event.detail:
            SecurityEvent.update(detail=detail).where(SecurityEvent.id == event.id).execute()
    # A reminder on a report's plan names the addresses it went to ("a@org.nl, b@org.nl").
    address = re.compile(re.escape(email), re.IGNORECASE)
    placeholder = placeholder_email(person.id)
    for reminder in Reminder.select(Reminder.id, Reminder.recipients).where(
            Reminder.recipients.contains(email)):
        Reminder.update(recipients=address.sub(placeholder, reminder.recipients)).where(
            Reminder.id == reminder.id).execute()
    # Feedback they gave stays (the colleague's record, under the name they gave it); the address goes.
    FeedbackRequest.update(email=placeholder, token_hash=None, reminder_token_hash=None).where(
        _feedback_to(person.id, email)).execute()
