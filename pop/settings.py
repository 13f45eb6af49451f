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
CREATE_UNKNOWN_ON_LOGIN = Choice("nieuwe_personen_bij_eerste_login", False, bool)
# How long a leaver's plans and answers are kept after their last plan (or after they left, when they
# had none), in months; then `flask retention` erases them (pop/retention.py).
RETENTION_MONTHS = Choice("bewaartermijn_maanden", 24, int)


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
