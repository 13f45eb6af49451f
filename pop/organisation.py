"""The organisation's choice of forms (HR, /instellingen/formulieren): which forms a new plan may use,
and which one the new-plan page offers first. A plan keeps the form it was started with: switching a
form off only takes it out of the new-plan page; its plans still open, move through the cycle and
export.

Nothing chosen yet (no rows, as after the upgrade): every form is in use and forms.DEFAULT_FORM is the
default. Once HR has saved, a form HR has not seen (added to forms.FORMS later) is off until HR ticks it:
what HR chose stays what the organisation uses."""
from __future__ import annotations

from forms import DEFAULT_FORM, FORMS, FormDefinition

from .db import write_lock
from .models import FormSetting, Person, now

NONE_ENABLED = "Kies minstens één formulier dat de organisatie gebruikt."
DEFAULT_NOT_ENABLED = "Het standaardformulier moet een formulier zijn dat de organisatie gebruikt: vink het aan of kies een ander."
DEFAULT_MISSING = "Kies het standaardformulier voor een nieuw POP."
NOT_IN_USE = ("Dit formulier gebruikt de organisatie niet (meer) voor nieuwe plannen. Kies een van de "
              "formulieren in de lijst.")


def _settings() -> dict[str, FormSetting]:
    return {s.form_key: s for s in FormSetting.select() if s.form_key in FORMS}


def is_configured() -> bool:
    return bool(_settings())


def enabled_keys() -> list[str]:
    """The keys of the forms in use, in the order of forms.FORMS."""
    settings = _settings()
    if not settings:
        return list(FORMS)
    keys = [k for k in FORMS if k in settings and settings[k].enabled]
    # Every form HR had chosen has since left the code: rather all forms than none.
    return keys or list(FORMS)


def enabled_forms() -> list[FormDefinition]:
    return [FORMS[k] for k in enabled_keys()]


def default_form() -> str:
    enabled = enabled_keys()
    chosen = [s.form_key for s in _settings().values() if s.is_default]
    if chosen and chosen[0] in enabled:
        return chosen[0]
    return DEFAULT_FORM if DEFAULT_FORM in enabled else enabled[0]


def is_enabled(form_key: str) -> bool:
    return form_key in enabled_keys()


def check_choice(enabled: list[str], default: str) -> dict[str, str]:
    """Errors per field name ('enabled', 'default'), Dutch; {} when the choice may be saved."""
    errors = {}
    enabled = [k for k in enabled if k in FORMS]
    if not enabled:
        errors["enabled"] = NONE_ENABLED
    if not default or default not in FORMS:
        errors["default"] = DEFAULT_MISSING
    elif enabled and default not in enabled:
        errors["default"] = DEFAULT_NOT_ENABLED
    return errors


def save_choice(enabled: list[str], default: str, by: Person) -> dict[str, str]:
    """Store HR's choice in one transaction (a row for every form); returns the errors, if any, and
    then stores nothing."""
    errors = check_choice(enabled, default)
    if errors:
        return errors
    with write_lock():
        FormSetting.delete().execute()
        FormSetting.insert_many([
            {"form_key": key, "enabled": key in enabled, "is_default": key == default,
             "changed_by": by.id, "changed_at": now()} for key in FORMS]).execute()
    return {}
