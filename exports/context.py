"""What a document template can say about a plan: the placeholders, generated from the form definition.

    {{ medewerker.naam }}  {{ leidinggevende.functie }}  {{ plan.periode }}
    {{ meer_doen }}                              one placeholder per question, named by its field key
    {%tr for r in kwaliteiten %} {{ r.sterk }}   tables are lists of rows
    {{ on_the_job.coaching.past }}               a grid cell: the mark chosen (+, ±, –, ja, nee)
    {{ on_the_job.coaching.past_vakjes }}        the same cell as on paper: ☐ + ☒ ± ☐ –
    {{ on_the_job.coaching.past_plus }}          one option of it: "X" when chosen, else empty
    {{ evaluatie_optie_achteraf }}               likewise for a choice: "X" or empty
    {{ akkoord_medewerker.naam }} / .datum       an akkoord line

Dates are text (dd-mm-jjjj) for Word and real dates for Excel. Empty answers are empty strings, never
"None", so an empty answer prints as an empty box.

A chosen mark or option is a Mark: it prints as on paper, and an {% if %} may compare it with what HR
types, which is rarely what is stored: "-" for "–", "+/-" for "±", "Ja" for "ja", or the option's key
("achteraf") for its label. Without this such a comparison can never be true, silently.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

from forms.kinds import Choice, Date, Matrix, Signature, Table

CHECKED, UNCHECKED = "☒", "☐"
CHOSEN = "X"  # a per-option placeholder of the option chosen; the others are ""
# Dashes and minus signs people type for the paper's "–", and ways to write its "±".
DASHES = dict.fromkeys(map(ord, "-‐‑‒–—―−"), "–")
PLUS_MINUS = ("+/-", "+-", "+/–", "+–")


def alike(text) -> str:
    """text as compared: dashes as one, ± however typed, case and surrounding spaces ignored."""
    text = unicodedata.normalize("NFC", str(text)).translate(DASHES).strip().casefold()
    return "±" if text.replace(" ", "") in PLUS_MINUS else text


class Mark(str):
    """A chosen mark or option as printed ("–", "Achteraf ‘bewijzen’ leveren"), equal in a comparison
    to any text that is alike (see alike) and to its stored value ("min", "achteraf").
    Module level and a plain str subclass: contexts are pickled to the render's child process."""

    def __new__(cls, text: str, value: str | None = None):
        mark = super().__new__(cls, text)
        mark.value = value
        return mark

    def __reduce__(self):
        return Mark, (str(self), self.value)

    def __eq__(self, other):
        if not isinstance(other, str):
            return NotImplemented
        other = alike(other)
        return other == alike(self) or (self.value is not None and other == alike(self.value))

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self):
        return hash(alike(self))


class PaddedRows(list):
    """A table's rows where an index past the end reads as an empty row, as an empty line on paper:
    a template may name kwaliteiten[4] or voortgangsgesprekken[1] for a plan that has fewer."""

    def __init__(self, rows, blank):
        super().__init__(rows)
        self.blank = blank

    def __getitem__(self, index):
        if isinstance(index, int) and index >= len(self):
            return dict(self.blank)
        return super().__getitem__(index)


def tick_boxes(options, chosen) -> str:
    return "   ".join(f"{CHECKED if value == chosen else UNCHECKED} {label}" for value, label in options)


def _date(value, excel: bool):
    if value is None:
        return "" if not excel else None
    return value if excel else value.strftime("%d-%m-%Y")


def field_value(field, value, excel=False, pad_tables=True):
    if isinstance(field, Date):
        return _date(value, excel)
    if isinstance(field, Choice):
        return Mark(field.as_text(value), value)
    if isinstance(field, Table):
        rows = [{c.key: field_value(c, row.get(c.key), excel) for c in field.columns} for row in value]
        blank = {c.key: field_value(c, c.empty(), excel) for c in field.columns}
        if pad_tables:  # as on paper: a few empty lines to write on, even when nothing is filled in
            rows += [dict(blank) for _ in range(max(field.min_rows - len(rows), 0))]
        return PaddedRows(rows, blank)
    if isinstance(field, Matrix):
        out: dict = {}
        for row in field.rows:
            cells = {}
            for col_key, _ in field.columns:
                chosen = value.get(row.key, {}).get(col_key)
                cells[col_key] = Mark(dict(field.scale).get(chosen, ""), chosen)
                cells[f"{col_key}_vakjes"] = tick_boxes(field.scale, chosen)
                for option, _ in field.scale:
                    cells[f"{col_key}_{option}"] = CHOSEN if option == chosen else ""
            out[row.key] = cells
        return out
    if isinstance(field, Signature):
        return {"naam": value["naam"] if value else "",
                "datum": _date(value["datum"] if value else None, excel)}
    if value is None:
        return ""
    return value


def _person(person) -> dict:
    keys = ("naam", "voornaam", "tussenvoegsel", "achternaam", "email", "functie", "afdeling")
    return {k: (getattr(person, k) or "") if person is not None else "" for k in keys}


def build_context(plan, definition, values: dict, excel=False, pad_tables=True) -> dict:
    context = {f.key: field_value(f, values.get(f.key, f.empty()), excel, pad_tables)
               for f in definition.fields}
    context.update(
        medewerker=_person(plan.employee),
        leidinggevende=_person(plan.manager),
        plan={"periode": plan.period, "status": plan.status_label, "formulier": definition.title,
              "bijgewerkt": _date(plan.updated_at.date() if plan.updated_at else None, excel)},
    )
    for f in definition.fields:
        if isinstance(f, Choice):
            chosen = values.get(f.key)
            context[f"{f.key}_vakjes"] = tick_boxes(f.options, chosen)
            for option, _ in f.options:
                # A question of the form may already carry this name: the question wins.
                context.setdefault(f"{f.key}_{option}", CHOSEN if option == chosen else "")
    return context


def example_plan_context(definition, excel=False) -> tuple[dict, dict]:
    """The demo plan (Eva's, as in `flask demo`) with every answer it leaves open filled with an
    example, for template previews, upload checks and the placeholder help page."""
    from types import SimpleNamespace

    from pop.demo import demo_example

    employee, manager, period, demo_values = demo_example()
    plan = SimpleNamespace(employee=employee, manager=manager, period=period, status_label="Uitvoering",
                           updated_at=dt.datetime(int(period), 3, 16, 9, 30))
    today = dt.date(int(period), 3, 16)
    sources = {"employee": employee, "manager": manager}
    values = {}
    for f in definition.fields:
        given = demo_values.get(f.key)
        if f.prefill and not f.is_filled(given):  # as a new plan's header is filled
            who, attribute = f.prefill.split(".")
            given = getattr(sources[who], attribute, "")
        values[f.key] = given if f.is_filled(given) else _example_value(f, today)
    return build_context(plan, definition, values, excel=excel), values


def _example_value(field, today):
    if isinstance(field, Date):
        return today
    if isinstance(field, Choice):
        return field.options[0][0]
    if isinstance(field, Table):
        return [{c.key: (i + 1 if c.kind == "rank" else _example_value(c, today))
                 for c in field.columns} for i in range(2)]
    if isinstance(field, Matrix):
        return {r.key: {c: field.scale[0][0] for c, _ in field.columns} for r in field.rows}
    if isinstance(field, Signature):
        return {"naam": "Eva Visser", "datum": today, "person_id": 0}
    if field.kind == "rank":
        return 1
    return f"Voorbeeldantwoord bij ‘{field.label.rstrip(':')}’"
