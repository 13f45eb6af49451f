"""HR's choices for the whole organisation, stored in the setting table by key. Each setting names its
default here, so a database without the row behaves as documented; values are stored as text and read
back through the setting's own type."""
from __future__ import annotations

from dataclasses import dataclass

from .models import Person, Setting, now


@dataclass(frozen=True)
class Choice:
    key: str
    default: object
    kind: type  # bool or int
    label: str = ""  # as HR reads it, on the settings page and in the security log

    def shown(self, value) -> str:
        if self.kind is bool:
            return "aan" if value else "uit"
        return str(value)

    def read(self, text: str):
        if self.kind is bool:
            return text == "1"
        return self.kind(text)

    def write(self, value) -> str:
        if self.kind is bool:
            return "1" if value else "0"
        return str(self.kind(value))


# A person who logs in with the directory or single sign-on and is not in POP yet: refused (the
# default: HR imports or adds people), or created as a medewerker when HR allows it.
CREATE_UNKNOWN_ON_LOGIN = Choice("nieuwe_personen_bij_eerste_login", False, bool,
                                 "Onbekende mensen aanmaken bij hun eerste log-in")
# How long a leaver's plans and answers are kept after their last plan (or after they left, when they
# had none), in months; then `flask retention` erases them (pop/retention.py).
RETENTION_MONTHS = Choice("bewaartermijn_maanden", 24, int, "Bewaartermijn na vertrek (maanden)")


def get(choice: Choice):
    row = Setting.get_or_none(Setting.key == choice.key)
    if row is None:
        return choice.default
    try:
        return choice.read(row.value)
    except ValueError:  # a value typed into the database by hand: the documented default holds
        return choice.default


def put(choice: Choice, value, by: Person | None) -> None:
    text = choice.write(value)
    updated = (Setting.update(value=text, changed_by=by, changed_at=now())
               .where(Setting.key == choice.key).execute())
    if not updated:
        Setting.create(key=choice.key, value=text, changed_by=by)


def change(choice: Choice, value, by: Person | None) -> bool:
    """Store HR's new value and write the change (old → new) to the security log, in one transaction;
    False, and nothing written, when it is the value already in force."""
    from . import security_log
    from .db import write_lock

    with write_lock():
        old = get(choice)
        if choice.read(choice.write(value)) == old:
            return False
        put(choice, value, by)
        security_log.record("instelling_gewijzigd", by, None,
                            f"{choice.label}: van ‘{choice.shown(old)}’ naar ‘{choice.shown(value)}’")
    return True
