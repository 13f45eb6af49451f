"""Flask-WTF forms generated from a part of a form definition."""
from functools import lru_cache

from flask import has_request_context, request
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from wtforms import FieldList, FileField, FormField
from wtforms.fields.core import UnboundField

from .limits import characters, number


class OddFormData(BadRequest):
    """A post that no page of ours sends, refused whole (400) before anything of it is stored: a file
    where text belongs, or a body that is no form at all. Its description is the Dutch message."""

    def __init__(self, what: str):
        super().__init__(f"Dit formulier is niet verwerkt: {what} Er is niets opgeslagen. Ga terug, "
                         "vernieuw de pagina en vul het formulier opnieuw in.")


FILE_WHERE_TEXT_BELONGS = "het bevatte een bestand op een plek waar tekst hoort."


def refuse_odd_formdata(file_fields) -> None:
    """Files are accepted only under the names in file_fields. Flask-WTF puts request.files in the
    form data, so a file posted under a text field's name reaches that field's validators as a
    FileStorage, which they cannot take (a server error). And our forms are never sent as JSON:
    Flask-WTF would read JSON numbers and lists straight into text fields, and a JSON body with a
    field left out would empty that answer."""
    if not has_request_context():
        return
    if any(name not in file_fields for name in request.files):
        raise OddFormData(FILE_WHERE_TEXT_BELONGS)
    if request.is_json:
        raise OddFormData("het was niet als formulier verstuurd.")


def file_field_names() -> frozenset[str]:
    """Every name under which some form of ours takes a file, for posts that build no form (log-out,
    the template buttons): anything else posted as a file is refused there too."""
    names, classes = set(), [DutchForm]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        names |= {name for name in dir(cls) if isinstance(getattr(cls, name), UnboundField)
                  and issubclass(getattr(cls, name).field_class, FileField)}
    return frozenset(names)


class DutchForm(FlaskForm):
    class Meta:
        # WTForms ships Dutch messages; our own kinds add clearer ones where it matters.
        locales = ["nl_NL", "nl"]

        def wrap_formdata(self, form, formdata):
            # Every form of ours is read here, so the check covers every form at once, even one
            # built from request.form by hand (the bulk export); only a FileField takes a file.
            refuse_odd_formdata({field.name for field in form if isinstance(field, FileField)})
            return super().wrap_formdata(form, formdata)


@lru_cache(maxsize=None)
def part_form_class(form_key: str, part_key: str):
    from . import get_form

    part = get_form(form_key).part(part_key)
    attrs = {f.key: f.wtf_field() for f in part.fields}
    return type(f"PartForm_{form_key}_{part_key}", (DutchForm,), attrs)


def build_part_form(form_key: str, part, values: dict | None = None, formdata=None):
    """The part's web form: from the request when one was posted, otherwise from stored values.
    formdata: what was posted earlier and kept (a save made after the session had ended)."""
    cls = part_form_class(form_key, part.key)
    if formdata is not None:
        return cls(formdata=formdata)
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
