"""Flask-WTF forms generated from a part of a form definition."""
from functools import lru_cache

from flask_wtf import FlaskForm
from wtforms import FieldList, FormField

from .limits import characters, number


class DutchForm(FlaskForm):
    class Meta:
        # WTForms ships Dutch messages; our own kinds add clearer ones where it matters.
        locales = ["nl_NL", "nl"]


@lru_cache(maxsize=None)
def part_form_class(form_key: str, part_key: str):
    from . import get_form

    part = get_form(form_key).part(part_key)
    attrs = {f.key: f.wtf_field() for f in part.fields}
    return type(f"PartForm_{form_key}_{part_key}", (DutchForm,), attrs)


def build_part_form(form_key: str, part, values: dict | None = None):
    """The part's web form: from the request when one was posted, otherwise from stored values."""
    cls = part_form_class(form_key, part.key)
    if values is None:
        return cls()
    data = {f.key: f.form_data(values.get(f.key)) for f in part.fields}
    return cls(formdata=None, data=data)


def read_part_form(part, wtform) -> dict:
    return {f.key: f.from_form(wtform[f.key]) for f in part.fields}


def validate_part_form(part, wtform, stored: dict) -> bool:
    """WTForms' own checks, then the checks that need a whole answer (unique ranks in a table) or
    what is stored (the limits: an answer stored before a limit may keep its length, not grow).
    Every message is attached to the input it is about, so it shows next to that input."""
    ok = wtform.validate()
    for field in part.fields:
        for bound, message in field.form_errors(wtform[field.key], stored.get(field.key)):
            bound.errors = list(bound.errors) + [message]
            ok = False
    return ok


def plan_too_long(definition, stored: dict, submitted: dict) -> str | None:
    """The message when saving one part would make the whole plan longer than the definition allows,
    None when it fits. A plan stored before the limit may stay as long as it is, not grow."""
    before = definition.chars(stored)
    after = definition.chars({**stored, **submitted})
    if after <= max(definition.max_chars, before):
        return None
    message = (f"Een plan kan hoogstens {number(definition.max_chars)} tekens bevatten; met deze "
               f"wijziging zou dit plan er {number(after)} bevatten. ")
    if before > definition.max_chars:
        message += (f"Het bevatte er al {number(before)} van voordat deze grens gold: het mag korter "
                    f"worden, niet langer. Maak het geheel minstens {characters(after - before)} korter")
    else:
        message += f"Maak het geheel minstens {characters(after - definition.max_chars)} korter"
    return message + ", in dit of een ander onderdeel, en sla opnieuw op."


def error_list(wtform) -> list[tuple[str, str, list[str]]]:
    """(id to link to, label, messages) of every input with a message, in page order. Walks the
    fields themselves: a table's own `errors` is a copy made during validate(), so it misses the
    messages added afterwards (unique ranks)."""
    found = []

    def walk(field, context=""):
        if isinstance(field, FieldList):
            for number, entry in enumerate(field.entries, start=1):
                walk(entry, f"{field.label.text}, rij {number}")
        elif isinstance(field, FormField):
            for sub in field.form:
                walk(sub, context or field.label.text)
        elif field.errors:
            label = f"{context}: {field.label.text}" if context else field.label.text
            # Radio buttons are rendered one by one; the first carries the id a link can reach.
            target = f"{field.id}-0" if field.type == "RadioField" else field.id
            found.append((target, label.rstrip(":"), list(field.errors)))

    for field in wtform:
        walk(field)
    return found
