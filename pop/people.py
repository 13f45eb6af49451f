"""Creating and changing people, shared by the HR pages and the command line."""
import re
import unicodedata

from . import departments as departments_
from .db import database
from .models import ROLES, Person, now

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TEXT_FIELDS = ("voornaam", "tussenvoegsel", "achternaam", "functie", "afdeling")
ONE_LINE = "Dit veld is één regel: haal het regeleinde, de tab of het onzichtbare teken weg."
ERASED = "De gegevens van deze persoon zijn gewist; er valt niets meer aan te wijzigen."


def control_characters(text: str) -> bool:
    """True when the text holds a line break, tab or other control or format character (Unicode Cc,
    Cf). Names go into mail headers, file names and one-line cells: a line break there broke the
    reminder run (and could add a header); an invisible character makes two names look alike."""
    return any(unicodedata.category(c) in ("Cc", "Cf") for c in text or "")


def save_person(person: Person | None, data: dict, actor: Person | None = None,
                local_passwords: bool = True, new_department: bool = False) -> dict:
    """Create (person None) or update a person. Returns {field: message} for what cannot be saved.
    The department is one of HR's list (pop/departments.py), found whatever its case and spaces; a name
    not in it is refused, or with new_department (the command line) added to it.
    actor: who does it (HR on the people page; None from the command line), for the security log.
    Deactivating sets left_at (from then the retention period counts, pop/retention.py); reactivating
    clears it."""
    if person is not None and person.erased_at is not None:
        # The row stays only for the lines that point to it (pop/retention.py): no new life for it.
        return {"active": ERASED}
    for name in TEXT_FIELDS + ("email",):
        # The web form checks this too (forms.accounts); the command line and crafted posts do not.
        if control_characters(data.get(name) or ""):
            return {name: ONE_LINE}
    email = (data.get("email") or "").strip().lower()
    if not EMAIL.match(email):
        return {"email": "Dit is geen geldig e-mailadres."}
    clash = Person.select().where(Person.email == email)
    if person is not None:
        clash = clash.where(Person.id != person.id)
    if clash.exists():
        return {"email": "Er is al iemand met dit e-mailadres."}
    number = (data.get("personeelsnummer") or "").strip() or None
    if number is not None:
        if control_characters(number):
            return {"personeelsnummer": ONE_LINE}
        if len(number) > Person.personeelsnummer.max_length:
            return {"personeelsnummer": f"Dit is te lang: hoogstens {Person.personeelsnummer.max_length} tekens."}
        taken = Person.select().where(Person.personeelsnummer == number)
        if person is not None:
            taken = taken.where(Person.id != person.id)
        if taken.exists():
            return {"personeelsnummer": "Er is al iemand met dit personeelsnummer."}
    if data.get("role") not in ROLES:
        return {"role": "Kies een rol."}
    for name in TEXT_FIELDS + ("email",):
        limit = getattr(Person, name).max_length
        # The web form checks this too, but the command line does not; PostgreSQL would refuse the
        # row with an error where SQLite silently stores it.
        if len((data.get(name) or "").strip()) > limit:
            return {name: f"Dit is te lang: hoogstens {limit} tekens."}
    manager_id = data.get("manager") or None
    if person is not None and manager_id and _reports_to(manager_id, person.id):
        return {"manager": "Deze persoon valt (indirect) onder de gekozen leidinggevende zelf."}
    stays_hr = data.get("role") == "hr" and bool(data.get("active", True))
    if person is not None and person.role == "hr" and person.active and not stays_hr and not (
            Person.select().where((Person.role == "hr") & (Person.active == True)  # noqa: E712
                                  & (Person.id != person.id)).exists()):
        # Without an active HR account nobody can manage people any more (not even undo this).
        return {"role" if data.get("role") != "hr" else "active":
                "Dit is het laatste actieve HR-account. Geef eerst iemand anders de rol HR."}
    if local_passwords and person is None and not data.get("password") and not data.get("invite"):
        # With "invite" the person chooses it through the invitation's link (pop.passwords). Without
        # POP's own passwords (POP_LOCAL_PASSWORDS=0) the directory or single sign-on logs them in.
        return {"password": "Geef een nieuw account een wachtwoord."}
    with database.atomic():
        department = departments_.canonical(data.get("afdeling") or "", create=new_department)
        if department is None:
            return {"afdeling": departments_.UNKNOWN}
        before = None if person is None else (person.role, person.manager_id, person.active)
        person = person or Person()
        for name in TEXT_FIELDS + ("role",):
            setattr(person, name, (data.get(name) or "").strip())
        person.afdeling = department
        person.email = email
        if "personeelsnummer" in data:  # the command line does not ask for it: left as it is
            person.personeelsnummer = number
        person.manager = manager_id
        active = bool(data.get("active", True))
        if person.id is not None and active != person.active:
            # The cookie checks active, but only now: reactivated, an old cookie (a shared PC, a stolen
            # one) would work again. A new session version ends them for good.
            person.session_version = (person.session_version or 0) + 1
            person.left_at = None if active else now()
        person.active = active
        if data.get("password"):
            person.set_password(data["password"])
        person.save()
        if before is not None:
            _log_changes(actor, person, *before)
    return {}


def _log_changes(actor: Person | None, person: Person, role: str, manager_id: int | None,
                 active: bool) -> None:
    """The security log's lines for a changed role, manager or active state (old → new)."""
    from . import security_log  # imports the models, as this module does

    if role != person.role:
        security_log.record("rol_gewijzigd", actor, person,
                            f"van ‘{ROLES.get(role, role)}’ naar ‘{person.role_label}’")
    if (manager_id or None) != (person.manager_id or None):
        security_log.record("leidinggevende_gewijzigd", actor, person,
                            f"van ‘{_name(manager_id)}’ naar ‘{_name(person.manager_id)}’")
    if active != person.active:
        security_log.record("geactiveerd" if person.active else "gedeactiveerd", actor, person,
                            "" if person.active else "sessies beëindigd")


def _name(person_id: int | None) -> str:
    if not person_id:
        return "geen"
    found = Person.get_or_none(Person.id == person_id)
    return found.naam if found else "geen"


def _reports_to(manager_id: int, person_id: int) -> bool:
    """True when manager_id is person_id or sits somewhere below them: that would make a loop."""
    seen = set()
    current = Person.get_or_none(Person.id == manager_id)
    while current is not None and current.id not in seen:
        if current.id == person_id:
            return True
        seen.add(current.id)
        current = current.manager
    return False


def departments() -> list[str]:
    """Every department of HR's list (pop/departments.py), for filters and for choosing one."""
    return departments_.names()
