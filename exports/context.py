"""What a document template can say about a plan: the placeholders, generated from the form definition.

    {{ medewerker.naam }}  {{ leidinggevende.functie }}  {{ plan.periode }}
    {{ meer_doen }}                              one placeholder per question, named by its field key
    {%tr for r in kwaliteiten %} {{ r.sterk }}   tables are lists of rows
    {{ on_the_job.coaching.past }}               a grid cell: the mark chosen (+, ±, –, ja, nee)
    {{ on_the_job.coaching.past_vakjes }}        the same cell as on paper: ☐ + ☒ ± ☐ –
    {{ akkoord_medewerker.naam }} / .datum       an akkoord line

Dates are text (dd-mm-jjjj) for Word and real dates for Excel. Empty answers are empty strings, never
"None", so an empty answer prints as an empty box.
"""
from __future__ import annotations

import datetime as dt

from forms.kinds import Choice, Date, Matrix, Signature, Table

CHECKED, UNCHECKED = "☒", "☐"


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
        return field.as_text(value)
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
                cells[col_key] = dict(field.scale).get(chosen, "")
                cells[f"{col_key}_vakjes"] = tick_boxes(field.scale, chosen)
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
            context[f"{f.key}_vakjes"] = tick_boxes(f.options, values.get(f.key))
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
