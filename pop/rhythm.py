"""The rhythm of the cycle: the next talk as the Afronding part sets it (which talk, on which date),
whether it is due or overdue, and the calendar invitation for it.

Pure functions over a plan's answers (answers.load / load_many), so the to-do page and the reminders
judge every plan by the same rules without a query of their own."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from icalendar import Calendar, Event, vCalAddress

from .access import acts_as_manager
from .models import Person, Plan

# A talk this many days ahead or less is on the to-do list: two weeks leaves time to prepare it.
SOON_DAYS = 14
# A talk matters while the plan is open; an afgerond plan's next talk belongs to the next POP.
OPEN_STATES = ("voorbereiding", "ontwikkelgesprek", "vastgesteld", "uitvoering", "evaluatie")

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def dutch_date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def dutch_long_date(day: dt.date) -> str:
    """'dinsdag 12-05-2026': in a mail the weekday tells at a glance when it is."""
    return f"{WEEKDAYS[day.weekday()]} {dutch_date(day)}"


@dataclass(frozen=True)
class Talk:
    kind: str  # the option chosen (voortgangsgesprek, ...), "gesprek" when none was chosen
    label: str  # "Voortgangsgesprek"
    date: dt.date


# Before the plan is agreed the POP-gesprek itself is the next talk: its date in the form's header
# (Gegevens: "Datum POP-gesprek") counts until Afronding names another one.
BEFORE_AGREEMENT = ("voorbereiding", "ontwikkelgesprek")


def header_talk_field(definition) -> str:
    """The date of the POP-gesprek in the form's header: the date field of a header part (a plan part
    of names filled in at the start and dates only), "" when the form has none."""
    for part in definition.parts_in("plan"):
        if part.fields and all(f.prefill or f.asks_date for f in part.fields):
            for field in part.fields:
                if field.asks_date:
                    return field.key
    return ""


def next_talk(definition, values: dict, state: str | None = None,
              today: dt.date | None = None) -> Talk | None:
    """The next talk of a plan, or None when its date is not set: a type without a date is no
    appointment yet. With the plan's state: before the plan is agreed, a POP-gesprek dated in the
    header is the next talk when Afronding sets none; in the voorbereiding until it is held, once the
    plan is shared (the ontwikkelgesprek is that talk) only while its date has not passed (today)."""
    day = values.get(definition.next_talk_field) if definition.next_talk_field else None
    if not isinstance(day, dt.date):
        header = header_talk_field(definition)
        day = values.get(header) if header else None
        if state in BEFORE_AGREEMENT and isinstance(day, dt.date) and not (
                state == "ontwikkelgesprek" and today is not None and day < today):
            return Talk("pop-gesprek", "POP-gesprek", day)
        return None
    kind, label = "", ""
    if definition.next_talk_kind_field:
        kind = values.get(definition.next_talk_kind_field) or ""
        label = definition.field(definition.next_talk_kind_field).as_text(kind) if kind else ""
    return Talk(kind or "gesprek", label or "Gesprek", day)


def held(definition, values: dict, talk: Talk) -> bool:
    """A progress talk is recorded on or after the planned date: the talk took place, so it is neither
    due nor overdue any more, even before someone sets the next date."""
    return any(day >= talk.date for day in _talk_dates(definition, values))


def last_talk(definition, values: dict) -> dt.date | None:
    """The date of the latest progress talk recorded in the plan (the voortgang parts' tables), or None."""
    return max(_talk_dates(definition, values), default=None)


def _talk_dates(definition, values: dict) -> list[dt.date]:
    """The days of the talks recorded: every day the voortgang parts' answers hold (each kind knows its
    own, Field.dates: a table's are those of its date columns)."""
    return [day for part in definition.parts_in("voortgang") for field in part.fields
            for day in field.dates(values.get(field.key))]


def days_until(talk: Talk, today: dt.date) -> int:
    return (talk.date - today).days


def open_talk(plan: Plan, definition, values: dict, today: dt.date | None = None) -> Talk | None:
    """The next talk of an open plan that has not taken place yet; None otherwise."""
    if plan.status not in OPEN_STATES:
        return None
    talk = next_talk(definition, values, plan.status, today)
    if talk is None or held(definition, values, talk):
        return None
    return talk


def upcoming_talk(plan: Plan, definition, values: dict, today: dt.date) -> Talk | None:
    """The plan's next talk as an overview lists it: the talk of an open plan that is planned from today
    on and not held yet; None when none is (a past date not held is overdue, not next)."""
    talk = open_talk(plan, definition, values, today)
    return talk if talk is not None and talk.date >= today else None


def on_page(plan: Plan, definition, values: dict, today: dt.date) -> dict:
    """The next talk as the plan's page shows it: the talk (None without a date) and whether it is
    "verstreken" (past and not held), "vandaag", or "gehouden" (a progress talk recorded since)."""
    talk = next_talk(definition, values, plan.status, today)
    state = ""
    if talk is not None:
        if held(definition, values, talk):
            state = "gehouden"
        elif plan.status in OPEN_STATES and talk.date < today:
            state = "verstreken"
        elif talk.date == today:
            state = "vandaag"
    return {"talk": talk, "state": state}


def current_manager(employee: Person) -> Person | None:
    """Who holds the talk with the employee now: after a move the new manager, not plan.manager, and
    nobody once the manager is no longer leidinggevende."""
    manager = employee.manager
    return manager if manager is not None and acts_as_manager(manager) else None


def talk_part(definition, state: str):
    """The page where the talk is put on paper: the progress talks while the plan runs, the evaluation
    at the end, and before the plan is agreed the Afronding part, where its date is set."""
    cycle = {"vastgesteld": "voortgang", "uitvoering": "voortgang", "evaluatie": "evaluatie"}.get(
        state, "afronding")
    parts = definition.parts_in(cycle) or definition.parts_in("afronding")
    return parts[0]


# ---------------------------------------------------------------- the calendar invitation

def talk_uid(plan: Plan, talk: Talk, host: str) -> str:
    """The same talk gets the same UID on every download, so a calendar updates its event instead of
    adding a second one; another date is another talk."""
    return f"pop-{plan.id}-{talk.kind}-{talk.date:%Y%m%d}@{host}"


def invitation(plan: Plan, talk: Talk, employee: Person, manager: Person | None, plan_url: str,
               host: str, stamp: dt.datetime | None = None) -> bytes:
    """An RFC 5545 calendar with the talk as an all-day event: the form asks for the day only, and an
    invented hour would fill someone's agenda with a time nobody agreed on."""
    calendar = Calendar()
    calendar.add("prodid", "-//POP//Persoonlijk Ontwikkelplan//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    event = Event()
    event.add("uid", talk_uid(plan, talk, host))
    event.add("dtstamp", stamp or dt.datetime.now(dt.timezone.utc))
    event.add("dtstart", talk.date)
    event.add("dtend", talk.date + dt.timedelta(days=1))
    event.add("summary", f"{talk.label} POP – {employee.naam}")
    with_whom = f" met {manager.naam}" if manager else ""
    event.add("description", f"{talk.label} over het POP {plan.period} van {employee.naam}{with_whom}.\n"
                             f"Het POP: {plan_url}")
    event.add("url", plan_url)
    # A day-long event that does not mark the whole day as busy: the talk itself takes an hour or so.
    event.add("transp", "TRANSPARENT")
    people = [employee] + ([manager] if manager else [])
    # Attendees make it a group-scheduled event, which RFC 5545 requires to name its organizer: the
    # manager, who holds the talk.
    organizer = manager or employee
    event.add("organizer", vCalAddress(f"mailto:{organizer.email}"), parameters={"CN": organizer.naam})
    for person in people:
        event.add("attendee", vCalAddress(f"mailto:{person.email}"),
                  parameters={"CN": person.naam, "ROLE": "REQ-PARTICIPANT", "CUTYPE": "INDIVIDUAL"})
    calendar.add_component(event)
    return calendar.to_ical()
