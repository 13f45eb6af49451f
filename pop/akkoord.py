"""The akkoord as a step on the plan's overview: this person's own akkoord, given or withdrawn without
opening the part that holds the signature lines.

It goes through the same rules as a save of that part (pop/saving.py save): who may sign which line
(`_values_to_store`, access.may_sign), the version check under the write lock, the log, and the cycle's
consequences in cycle.after_save (both akkoorden: vastgesteld and a frozen version). Only the one
signature changes; the other answers of the part are not touched."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field

from forms.kinds import Signature, smart_summary

from . import answers, audit, cycle
from .access import may_sign
from .db import lock_row, write_lock
from .models import Person, Plan
from .plans import SavedMeanwhile, _values_to_store, part_name, part_progress, part_version


def own_signature(user: Person, plan: Plan, definition=None):
    """(part, field) of the akkoord line this person signs on this plan, or None. A manager's own
    plan makes him its employee: he signs the employee's line, never the manager's."""
    definition = definition or answers.form_of(plan)
    for part in definition.parts:
        for item in part.fields:
            if isinstance(item, Signature) and may_sign(user, plan, item.signer):
                return part, item
    return None


def open_points(plan: Plan, definition, values: dict) -> dict:
    """What is still empty in the content the akkoord fixes: per part of the plan the questions not yet
    answered, and per goal the SMART letters not yet explained."""
    parts = []
    for part in definition.parts_in("plan"):
        done, total = part_progress(part, values)
        if done < total:
            parts.append({"part": part, "name": part_name(plan, part), "open": total - done,
                          "total": total})
    smart = [goal for goal in smart_summary(definition, values) if goal["missing"]]
    return {"parts": parts, "smart": smart}


@dataclass
class Step:
    """The akkoord section of the overview, for one person."""
    lines: list = dc_field(default_factory=list)  # (label, value or None) of every akkoord line
    own: object = None  # this person's Signature field, None when they sign nothing on this plan
    given: object = None  # their akkoord as stored, None when not given
    may_give: bool = False
    may_withdraw: bool = False
    open: dict = dc_field(default_factory=dict)
    version: str = ""


def for_overview(user: Person, plan: Plan, snapshot: answers.Snapshot) -> Step | None:
    """What the overview shows about the akkoorden: None for a form without akkoord lines, or before
    anyone could give one (in the voorbereiding). snapshot: the read the page shows; the version the
    akkoord is given on comes from the same rows, so it never fixes content the page did not show."""
    values = snapshot.values
    definition = answers.form_of(plan)
    signatures = [definition.field(key) for key in definition.signature_fields]
    if not signatures or plan.status == "voorbereiding":
        return None
    step = Step(lines=[(f.label, values.get(f.key)) for f in signatures])
    own = own_signature(user, plan, definition)
    if own is None:
        return step
    part, step.own = own
    step.given = values.get(step.own.key)
    allowed = cycle.may(user, plan, "akkoord")
    step.may_give = allowed and not step.given
    step.may_withdraw = allowed and bool(step.given)
    if step.may_give:
        step.open = open_points(plan, definition, values)
    step.version = part_version(plan, part, snapshot)
    return step


def give(plan: Plan, user: Person, agree: bool, expected_version: str | None = None) -> list[str]:
    """Give (agree=True) or withdraw this person's own akkoord. Returns the notices to show; raises
    cycle.NotAllowed for someone who signs nothing on this plan, cycle.Refused when the cycle does not
    allow it now, SavedMeanwhile when the plan changed after the page that asked was built (an akkoord
    must be on the content its giver saw)."""
    with write_lock():
        plan = lock_row(Plan.select().where(Plan.id == plan.id)).get()
        definition = answers.form_of(plan)
        own = own_signature(user, plan, definition)
        if own is None:
            raise cycle.NotAllowed("Akkoord geven de medewerker en diens leidinggevende.")
        part, line = own
        if not cycle.may(user, plan, "akkoord"):
            state = cycle.STATUSES.get(plan.status, plan.status).lower()
            if plan.status in ("vastgesteld", "uitvoering", "evaluatie") and not agree:
                raise cycle.Refused("Het POP is vastgesteld; een akkoord intrekken kan niet meer. Wilt u "
                                    "de afspraken wijzigen, kies dan ‘Bijstellen’.")
            raise cycle.Refused(f"Akkoord geven kan in het ontwikkelgesprek; dit plan staat op {state}.")
        snapshot = answers.read(plan)
        if expected_version is not None and part_version(plan, part, snapshot) != expected_version:
            raise SavedMeanwhile()
        current = snapshot.values
        values = _values_to_store(plan, part, {line.key: agree}, user, current, {line.key})
        if not values:
            return ["U had al akkoord gegeven." if agree else "U had nog geen akkoord gegeven."]
        answers.save(plan, values)
        audit.record(plan, user, "akkoord_gegeven" if agree else "akkoord_ingetrokken", line.label)
        notices = ["Uw akkoord is gegeven." if agree else "Uw akkoord is ingetrokken."]
        return notices + cycle.after_save(plan, part, user, current, {**current, **values})
