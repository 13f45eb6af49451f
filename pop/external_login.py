"""Who a person is when the directory (LDAP / Active Directory, pop/directory.py) or single sign-on
(OpenID Connect, pop/sso.py) vouches for them: matched to a person in POP by e-mail address. Shared by
both, so the rules are the same whichever way someone logs in:

- a known, active person is logged in; an inactive one (someone who left) is refused, even when the
  directory still knows them;
- someone POP does not know is refused, unless HR allowed creating them (pop.settings
  CREATE_UNKNOWN_ON_LOGIN): then they are added as a medewerker without a manager or password, and HR
  finds them on the people page to place them.

Every outcome is written to the security log with how the person logged in."""
from __future__ import annotations

from dataclasses import dataclass

from peewee import IntegrityError

from . import security_log, settings
from .db import database
from .models import Person
from .people import EMAIL, control_characters

UNKNOWN = ("Uw organisatie kent u, maar POP nog niet. Vraag HR om u toe te voegen; daarna kunt u hier "
           "inloggen.")
INACTIVE = "Uw account in POP is niet actief. Neem contact op met HR als dat niet klopt."
NO_ADDRESS = ("Bij het inloggen kwam geen (geldig) e-mailadres van u mee, en POP herkent mensen aan hun "
              "e-mailadres. Vraag de beheerder van de directory of de inlogdienst om het in te vullen.")


@dataclass(frozen=True)
class Identity:
    """What the directory or the identity provider said about the person."""

    email: str
    voornaam: str = ""
    achternaam: str = ""
    source: str = ""  # how they logged in, for the log: "directory (LDAP)", "single sign-on (Keycloak)"


def person_for(identity: Identity) -> Person | str:
    """The active Person the identity belongs to, or the Dutch message that refuses the log-in."""
    email = (identity.email or "").strip().lower()
    how = f"via {identity.source}" if identity.source else ""
    if not EMAIL.match(email) or control_characters(email) or len(email) > Person.email.max_length:
        security_log.record("inloggen_mislukt", None, None,
                            f"{how}: geen geldig e-mailadres van de directory".strip(": "))
        return NO_ADDRESS
    person = Person.get_or_none(Person.email == email)
    if person is not None and not person.active:
        security_log.record("inloggen_mislukt", None, person, f"account is niet actief ({how})")
        return INACTIVE
    if person is None:
        if not settings.get(settings.CREATE_UNKNOWN_ON_LOGIN):
            security_log.record("inloggen_mislukt", None, None,
                                f"onbekend in POP: {email} ({how})"[:security_log.DETAIL_LENGTH])
            return UNKNOWN
        person = _create(identity, email, how)
        if isinstance(person, str):
            return person
    return person


def _create(identity: Identity, email: str, how: str) -> Person | str:
    local = email.split("@")[0]
    try:
        with database.atomic():
            # No password: they log in through the directory; HR can still invite them to choose one.
            person = Person.create(
                email=email, role="medewerker",
                voornaam=_clean(identity.voornaam, Person.voornaam.max_length) or local[:100],
                achternaam=_clean(identity.achternaam, Person.achternaam.max_length) or "-")
            security_log.record("aangemaakt_bij_inloggen", None, person, how)
    except IntegrityError:  # two first log-ins of the same person at once: the second finds the first
        person = Person.get_or_none(Person.email == email)
        return person if person is not None and person.active else UNKNOWN
    return person


def _clean(text: str, limit: int) -> str:
    # Names from a directory are not checked by our forms: one line, within the column.
    text = "".join(c for c in (text or "") if not control_characters(c)).strip()
    return text[:limit]
