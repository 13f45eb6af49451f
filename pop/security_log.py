"""The organisation's security log: failed and throttled log-ins, log-outs, passwords changed and reset,
invitations, role and manager changes, (de)activations, imports of people, and HR's templates. HR reads
and filters it on /beveiliging; every line also goes to the application log (logger "pop.security").

Like the plans' audit log (pop/audit.py) it is append-only: this module adds and reads, and nothing in
the app updates or deletes a line. Each line keeps the names as they were then. The one exception is an
erasure (pop/retention.py, AVG): the lines stay, but the erased person's name and address in them are
replaced by "Gewiste persoon #<id>".

Never a secret: record() is called with what happened and whom it was about, never with a password, a
token or a link, nor with a plan's answers. A detail is a short Dutch sentence made by the caller from
names, roles, counts and file names only.

Call record() where the thing happens, inside its transaction when there is one: the change and its
line are then stored together or not at all."""
from __future__ import annotations

import datetime as dt
import logging

from .models import Person, SecurityEvent, now

log = logging.getLogger("pop.security")

# The words HR reads, in one place. record() refuses a key that is not here, so a mistyped kind fails
# in the tests instead of writing a line nobody can read.
KINDS = {
    "ingelogd": "ingelogd",
    "inloggen_mislukt": "inloggen mislukt",
    "inloggen_tegengehouden": "inloggen tegengehouden (te veel pogingen)",
    "uitgelogd": "uitgelogd, alle sessies beëindigd",
    "wachtwoord_gewijzigd": "wachtwoord gewijzigd",
    "wachtwoord_wijzigen_mislukt": "wachtwoord wijzigen mislukt",
    "herstel_gevraagd": "nieuw wachtwoord gevraagd",
    "herstel_tegengehouden": "nieuw wachtwoord vragen tegengehouden (te veel pogingen)",
    "herstel_gebruikt": "nieuw wachtwoord ingesteld via herstellink",
    "uitnodiging_verstuurd": "uitnodiging verstuurd",
    "uitnodiging_gebruikt": "uitnodiging gebruikt, wachtwoord gekozen",
    "rol_gewijzigd": "rol gewijzigd",
    "leidinggevende_gewijzigd": "leidinggevende gewijzigd",
    "gedeactiveerd": "account gedeactiveerd",
    "geactiveerd": "account weer actief",
    "import_bevestigd": "import van mensen bevestigd",
    "sjabloon_geupload": "sjabloon geüpload",
    "sjabloon_geactiveerd": "sjabloon geactiveerd",
    "sjabloon_gedeactiveerd": "sjabloon gedeactiveerd",
    "sjabloon_verwijderd": "sjabloon verwijderd",
    "sjabloon_uitgeschakeld": "sjabloon uitgeschakeld na time-outs",
    "blanco_formulier_bevestigd": "blanco formulier als sjabloon bevestigd",
    "gegevens_gewist": "gegevens gewist",
    "instelling_gewijzigd": "instelling gewijzigd",
    "aangemaakt_bij_inloggen": "aangemaakt bij de eerste log-in (directory of single sign-on)",
    "afdeling_hernoemd": "afdeling hernoemd",
    "afdelingen_samengevoegd": "afdelingen samengevoegd",
}
# Failures go to the application log as warnings, so a monitor that watches warnings sees them.
WARNINGS = {"inloggen_mislukt", "inloggen_tegengehouden", "wachtwoord_wijzigen_mislukt",
            "herstel_tegengehouden", "sjabloon_uitgeschakeld"}

DETAIL_LENGTH = SecurityEvent.detail.max_length
NAME_LENGTH = SecurityEvent.actor_name.max_length
PAGE_SIZE = 50


def _address() -> str:
    try:
        from flask import has_request_context, request
    except ImportError:  # pragma: no cover
        return ""
    if not has_request_context():  # a command, a background job
        return ""
    return (request.remote_addr or "")[:100]


def _who(person) -> tuple[int | None, str]:
    """(id, name then) of a Person, or of an id; (None, "") for nobody."""
    if person is None:
        return None, ""
    if hasattr(person, "_get_current_object"):  # flask_login's current_user
        person = person._get_current_object()
    if not isinstance(person, Person):
        person = Person.select(Person.id, Person.voornaam, Person.tussenvoegsel, Person.achternaam) \
            .where(Person.id == person).first()
        if person is None:
            return None, ""
    return person.id, person.naam[:NAME_LENGTH]


def record(kind: str, actor=None, subject=None, detail: str = "") -> SecurityEvent:
    """Add a line: kind a key of KINDS; actor who did it (a Person, an id, or None: nobody logged in, or
    the system); subject whom it is about (likewise); detail the Dutch particulars, without secrets."""
    if kind not in KINDS:
        raise ValueError(f"Onbekende soort voor het beveiligingslogboek: {kind!r}")
    actor_id, actor_name = _who(actor)
    subject_id, subject_name = _who(subject)
    detail = " ".join((detail or "").split())[:DETAIL_LENGTH]  # one line, here and in the app's log
    event = SecurityEvent.create(created_at=now(), kind=kind, actor=actor_id, actor_name=actor_name,
                                 subject=subject_id, subject_name=subject_name, address=_address(),
                                 detail=detail)
    log.log(logging.WARNING if kind in WARNINGS else logging.INFO,
            "%s; door: %s; betreft: %s; adres: %s%s", KINDS[kind],
            f"{actor_name} (#{actor_id})" if actor_id else "—",
            f"{subject_name} (#{subject_id})" if subject_id else "—", event.address or "—",
            f"; {detail}" if detail else "")
    return event


INSERT_BATCH = 100  # rows per INSERT: 8 values each, well under SQLite's limit on variables


def record_many(lines: list[tuple[str, tuple[int | None, str], tuple[int | None, str], str]]) -> int:
    """Many lines at once (an import of thousands of people), each (kind, (actor id, name),
    (subject id, name), detail): a few INSERTs instead of one per line. One summary line goes to the
    application log per kind; the lines themselves are in the table."""
    at, address = now(), _address()
    rows = []
    for kind, (actor_id, actor_name), (subject_id, subject_name), detail in lines:
        if kind not in KINDS:
            raise ValueError(f"Onbekende soort voor het beveiligingslogboek: {kind!r}")
        rows.append({"created_at": at, "kind": kind, "actor": actor_id,
                     "actor_name": actor_name[:NAME_LENGTH], "subject": subject_id,
                     "subject_name": subject_name[:NAME_LENGTH], "address": address,
                     "detail": " ".join((detail or "").split())[:DETAIL_LENGTH]})
    for start in range(0, len(rows), INSERT_BATCH):
        SecurityEvent.insert_many(rows[start:start + INSERT_BATCH]).execute()
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    for kind, count in counts.items():
        log.info("%s: %d keer; door: %s; adres: %s", KINDS[kind], count,
                 rows[0]["actor_name"] or "—", address or "—")
    return len(rows)


def label(kind: str) -> str:
    return KINDS.get(kind, kind)


def events(kind: str = "", person: str = "", start: dt.datetime | None = None,
           end: dt.datetime | None = None):
    """The log, newest first, filtered: kind a key of KINDS; person a piece of a name or e-mail address
    (the name then on the line, or a person whose current name or address matches, or an address typed
    at a failed log-in); start/end stored (UTC) moments, end excluded."""
    query = SecurityEvent.select()
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    person = " ".join(person.split())
    if person:
        full = (Person.voornaam.concat(" ").concat(Person.tussenvoegsel).concat(" ")
                .concat(Person.achternaam))
        ids = Person.select(Person.id).where(Person.email.contains(person) | full.contains(person)
                                             | (Person.voornaam.concat(" ").concat(Person.achternaam))
                                             .contains(person))
        query = query.where(SecurityEvent.actor_name.contains(person)
                            | SecurityEvent.subject_name.contains(person)
                            | SecurityEvent.actor.in_(ids) | SecurityEvent.subject.in_(ids)
                            | SecurityEvent.detail.contains(person))
    if start is not None:
        query = query.where(SecurityEvent.created_at >= start)
    if end is not None:
        query = query.where(SecurityEvent.created_at < end)
    return query.order_by(SecurityEvent.created_at.desc(), SecurityEvent.id.desc())
