"""What a document template can say about a plan: the placeholders, generated from the form definition.
Each field kind says what its placeholders hold (exports/kind_placeholders.py); this adds the people
and the plan, and the example plan of previews and the help page. For the seeds' kinds:

    {{ medewerker.naam }}  {{ leidinggevende.functie }}  {{ plan.periode }}
    {{ meer_doen }}                              one placeholder per question, named by its field key
    {%tr for r in kwaliteiten %} {{ r.sterk }}   tables are lists of rows
    {{ on_the_job.coaching.past }}               a grid cell: the mark chosen (+, ±, –, ja, nee)
    {{ on_the_job.coaching.past_vakjes }}        the same cell as on paper: ☐ + ☒ ± ☐ –
    {{ on_the_job.coaching.past_plus }}          one option of it: "X" when chosen, else empty
    {{ evaluatie_optie_achteraf }}               likewise for a choice: "X" or empty
    {{ akkoord_medewerker.naam }} / .datum       an akkoord line
    {{ r.termijn_vakjes }} / {{ r.termijn_kort }}  a choice in a table row: likewise, per row
    {{ besproken }} / {{ besproken_vakje }}      a tick box (Check): "ja" or empty / ☒ or ☐;
                                                 besproken_ja / _nee: "X" when ticked / not
    {{ budget }}                                 an amount: "€ 1.250,50", "12,5 uur" (Excel: the number)
    {{ smart }} / {{ smart.s }} / .s_vakje        SMART: all five letters as text / one letter's
                                                 explanation / ☒ when it is explained; .ontbreekt
                                                 names the letters left empty
    {{ kosten.opleiding.euro }} / .uren          a cost grid's cell; kosten.totaal_euro / .totaal_uren;
    {%tr for k in kosten.rijen %}                its rows as a list (k.omschrijving, k.groep, k.euro)
    {{ lijst.agenda.vakje }} / .af / .notitie     a checklist item: ☒ or ☐ / "ja" or empty / the note;
    {%p for g in lijst.groepen %}                its groups (g.titel, g.punten: items as above)

A SMART check, a cost grid and a checklist print as text as a whole ({{ smart }}), one line each.

Dates are text (dd-mm-jjjj) for Word and real dates for Excel. Empty answers are empty strings, never
"None", so an empty answer prints as an empty box.

A chosen mark or option is a Mark: it prints as on paper, and an {% if %} may compare it with what HR
types, which is rarely what is stored: "-" for "–", "+/-" for "±", "Ja" for "ja", or the option's key
("achteraf") for its label. Without this such a comparison can never be true, silently.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pop import clock

# What each kind prints, and the values' own types, are the kinds' (exports/kind_placeholders.py);
# the names are kept here for the exports that read them from this module.
from exports.kind_placeholders import (  # noqa: F401
    CHECKED, CHOSEN, DASHES, MARKS_AT_END, PLUS_MINUS, UNCHECKED, Group, Mark, PaddedRows, alike, amount_text,
    amount_value, check_extras, checklist_groups, date_value, field_value, kind_of, placeholders_of,
    smart_letters, tick_boxes, with_colon)


def labelled(label: str, text: str) -> str:
    """"Label: text", without a second mark after a label that ends in one ("…conversation?");
    the label alone when there is no text."""
    label = label.rstrip()
    if not text:
        return label
    return f"{label} {text}" if label.endswith(MARKS_AT_END) else f"{label}: {text}"


@dataclass(frozen=True)
class PersonFacts:
    naam: str
    voornaam: str
    tussenvoegsel: str
    achternaam: str
    email: str
    functie: str
    afdeling: str


@dataclass(frozen=True)
class PlanFacts:
    """What a document shows of a plan and its people, without the database: sent to the processes
    that render a bulk export (exports/render_pool.py) in place of the Plan row."""
    id: int
    form_key: str
    period: str
    status_label: str
    updated_at: object
    employee: PersonFacts | None
    manager: PersonFacts | None

    @classmethod
    def of(cls, plan) -> "PlanFacts":
        return cls(plan.id, plan.form_key, plan.period, plan.status_label, plan.updated_at,
                   _facts(plan.employee), _facts(plan.manager))


def _facts(person) -> PersonFacts | None:
    if person is None:
        return None
    return PersonFacts(*(getattr(person, k) or "" for k in PERSON_KEYS))


PERSON_KEYS = ("naam", "voornaam", "tussenvoegsel", "achternaam", "email", "functie", "afdeling")


def _person(person) -> dict:
    return {k: (getattr(person, k) or "") if person is not None else "" for k in PERSON_KEYS}


def build_context(plan, definition, values: dict, excel=False, pad_tables=True) -> dict:
    context = {f.key: field_value(f, values.get(f.key, f.empty()), excel, pad_tables)
               for f in definition.fields}
    context.update(
        medewerker=_person(plan.employee),
        leidinggevende=_person(plan.manager),
        plan={"periode": plan.period, "status": plan.status_label, "formulier": definition.title,
              "bijgewerkt": date_value(clock.local(plan.updated_at).date() if plan.updated_at else None,
                                       excel)},
    )
    for f in definition.fields:
        for name, extra in kind_of(f).extras(f.key, values.get(f.key)).items():
            context.setdefault(name, extra)  # a question of the form may carry this name: it wins
    return context


def example_plan_context(definition, excel=False) -> tuple[dict, dict]:
    """The demo plan (Eva's, as in `flask demo`) with every answer it leaves open filled with an
    example, for template previews, upload checks and the placeholder help page."""
    from types import SimpleNamespace

    employee, manager, period, demo_values = _demo_example(definition)
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
        values[f.key] = given if _fits(f, given) else f.example(today)
    return build_context(plan, definition, values, excel=excel), values


def _demo_example(definition):
    """The demo plan of this form: pop.demo's, for the form it was written for. A demo that knows
    one plan per form is asked for this form's (form_key=...)."""
    import inspect

    from pop import demo

    if "form_key" in inspect.signature(demo.demo_example).parameters:
        return demo.demo_example(form_key=definition.key)
    return demo.demo_example()


def _fits(field, value) -> bool:
    """Whether a demo answer is a filled answer of this field's kind: the demo plan of another form
    may use the same key for another question (its answer is then left out, not misprinted)."""
    return field.is_filled(value) and kind_of(field).fits(value)
