"""The save of a part of a plan, as one story: what a person posted goes in, one outcome comes out.

The page (pop/views/plans.py `part`) builds the part's form from the post and hands it over with the
version of the part it was built from and the digests of the cells it showed (its basis). save() then,
in this order, under one lock:

1. Locks the plan (pop/db.py write_lock, the plan's row) and reads its answers, once. Everything below
   is decided on that one read, and nothing can change it before the write: of two saves from the same
   page one is stored, the other meets the first (3).
2. The rights: which of the part's answers this person may change in the plan's state now
   (pop/cycle.py RIGHTS). None: **Refused**, with the reason (cycle.why_read_only).
3. The version: the page's version of the part against the stored one. Someone else (or this person,
   in another window) saved the part after the page was opened: **Conflict**. Answers this person did
   not touch take the other's text, cell by cell; beside each answer both changed stands the other's.
   The outcome carries the stored version, so a second Opslaan deliberately keeps this person's text.
4. Validation (each kind's checks, forms/kinds.py, and the limits against what is stored) and 5. the
   size of the whole plan (forms/limits.py): **Invalid**, with every message at once (both kinds
   together, not one per save).
6. The save: what this person may change, a signature only by its own signer, a table row keeping its
   author while unchanged (pop/plans.py _values_to_store); the stored cells as they are now are taken
   from the read, not read again (answers.Snapshot.saved).
7. The log (pop/audit.py), in the same transaction: "gewijzigd" only when an answer really changed, a
   line per akkoord given or withdrawn.
8. The cycle (cycle.after_save): a change withdraws a given akkoord, both akkoorden fix the plan (a
   frozen version, from the same answers), the first progress talk starts the uitvoering. **Saved**,
   with the notices that tell the person so and the advice where more rows were filled than the paper
   advises (stored all the same).

Nothing typed is lost: every outcome but Saved carries the form as it was posted (after a conflict with
the other's text only where this person changed nothing) and the answers the page shows beside it, so
the page comes back with everything typed in it and says why it was not stored. What is not typed
cannot be lost by a save either: a save changes only the answers this person may change, and only
after the version check has shown that the page held what is stored."""
from __future__ import annotations

import json
from dataclasses import dataclass, field as dc_field

from forms.kinds import AUTHOR, Signature
from forms.web import error_list, plan_too_long, read_part_form, validate_part_form

from . import answers, audit, clock, cycle
from .db import lock_row, write_lock
from .models import AuditEntry, Person, Plan
from .plans import _values_to_store, part_name, part_version


@dataclass
class Posted:
    """What the page sent: the part's form as typed (a WTForms form built from the post), the version
    of the part the page was built from ("" from a page that carries none), and its basis (JSON: per
    answer the digests of the cells it showed; None when it sent none)."""
    form: object
    version: str = ""
    basis: str | None = None


@dataclass
class Saved:
    """Stored. notices: what the save meant for the cycle; advice: a friendly word per table with more
    rows than the paper advises."""
    notices: list[str] = dc_field(default_factory=list)
    advice: list[str] = dc_field(default_factory=list)


@dataclass
class NotSaved:
    """Nothing was stored. plan: as it is now (its state may have moved on since the page was opened);
    snapshot: the stored answers the page shows, from the save's one read; form: the part's form with
    everything typed; notice: why it was not stored, for the person."""
    plan: Plan
    snapshot: answers.Snapshot
    form: object
    notice: str


@dataclass
class Refused(NotSaved):
    """This person may not change this part now."""


@dataclass
class Conflict(NotSaved):
    """The part was saved by someone else after the page was opened. theirs: per answer both changed
    (field key), what the other stored."""
    theirs: dict = dc_field(default_factory=dict)


@dataclass
class Invalid(NotSaved):
    """An answer has a message (problems: error_list's, per input), or the plan would become too long
    (too_long: the message). version: the version the page goes on carrying."""
    problems: list = dc_field(default_factory=list)
    too_long: str | None = None
    version: str = ""


def save(plan: Plan, part, user: Person, posted: Posted) -> Saved | Refused | Conflict | Invalid:
    """Store a post of one part of the plan, or say why not (the module's story, steps 1-8)."""
    definition = answers.form_of(plan)
    with write_lock():
        plan = lock_row(Plan.select().where(Plan.id == plan.id)).get()  # 1. the lock
        snapshot = answers.read(plan)  # the one read of the answers
        current = snapshot.values

        editable = cycle.editable_fields(user, plan, part)  # 2. the rights
        if not editable:
            return Refused(plan, snapshot, posted.form,
                           "Niet opgeslagen: " + cycle.why_read_only(user, plan, part))

        before = part_version(plan, part, snapshot)  # 3. the version
        if posted.version and posted.version != before:
            return _conflict(plan, part, user, snapshot, posted)

        fields_ok = validate_part_form(part, posted.form, current)  # 4. validation
        typed = read_part_form(part, posted.form)
        # 5. the size; also when an answer has a message: the person then learns both at once.
        too_long = plan_too_long(definition, current, typed)
        if not fields_ok or too_long:
            return _invalid(plan, snapshot, posted, too_long, version=posted.version or before)

        values = _values_to_store(plan, part, typed, user, current, editable)  # 6. the save
        answers.save(plan, values)
        stored = snapshot.saved(values)

        if part_version(plan, part, stored) != before:  # 7. the log
            audit.record(plan, user, "gewijzigd", part_name(plan, part))
        for field in part.fields:
            if isinstance(field, Signature) and field.key in values:  # only when its signer changed it
                action = "akkoord_gegeven" if values[field.key] else "akkoord_ingetrokken"
                audit.record(plan, user, action, field.label)

        notices = cycle.after_save(plan, part, user, current, {**current, **values}, stored)  # 8.
    return Saved(notices, _advice(part, typed))


def _advice(part, typed: dict) -> list[str]:
    # Only a kind that advises has advice_for (a table: more rows than the paper advises).
    return [advice for field in part.fields
            if hasattr(field, "advice_for") and (advice := field.advice_for(typed.get(field.key)))]


def _invalid(plan, snapshot, posted: Posted, too_long: str | None, version: str) -> Invalid:
    problems = error_list(posted.form)
    count = len(problems)
    if problems:
        notice = (f"Niet opgeslagen: {count} "
                  f"{'antwoord vraagt' if count == 1 else 'antwoorden vragen'} aandacht. Uw invoer "
                  "staat er nog; pas het gemarkeerde aan en sla opnieuw op.")
    else:
        notice = "Niet opgeslagen: het plan wordt te lang. Uw invoer staat er nog."
    return Invalid(plan, snapshot, posted.form, notice, problems=problems, too_long=too_long,
                   version=version)


# ---------------------------------------------------------------- a conflict

def _conflict(plan, part, user, snapshot, posted: Posted) -> Conflict:
    """Saving now would silently throw the other's answers away. The form keeps what was typed;
    answers this person did not touch take the other's text (merge_after_conflict)."""
    typed = read_part_form(part, posted.form)
    merged, clashes, taken = merge_after_conflict(part, typed, snapshot, _basis(posted.basis))
    for field in taken:
        posted.form[field.key].process(None, data=field.form_data(merged[field.key]))
    writer = last_writer(plan, part)
    at = clock.format_time(plan.updated_at, "%H:%M")
    by = ""
    if writer is not None and abs((writer.created_at - plan.updated_at).total_seconds()) <= 1:
        # The log names the last save only when it is the plan's last change: a save that logs
        # nothing for this part (an akkoord, another part that this one covers) stays anonymous.
        by = (" door uzelf, in een ander venster of op een ander apparaat"
              if writer.person_id == user.id else f" door {writer.person_name or 'iemand anders'}")
    notice = (f"Niet opgeslagen: dit onderdeel is gewijzigd{by} (om {at}), nadat u deze pagina opende. "
              "Uw invoer staat er nog.")
    if taken:
        which = ("antwoord dat u niet had gewijzigd is" if len(taken) == 1
                 else "antwoorden die u niet had gewijzigd zijn")
        notice += f" {len(taken)} {which} bijgewerkt met de nieuwe tekst."
    if clashes:
        notice += (" Wat er intussen is opgeslagen bij de vragen die u ook wijzigde, staat hierboven. Neem "
                   "over wat u wilt houden en klik op Opslaan om uw versie te bewaren.")
    else:
        notice += " Controleer het en klik op Opslaan om uw wijzigingen te bewaren."
    return Conflict(plan, snapshot, posted.form, notice,
                    theirs={f.key: snapshot.values.get(f.key) for f in clashes})


def _basis(posted: str | None) -> dict | None:
    try:
        basis = json.loads(posted or "null")
    except ValueError:
        return None
    return basis if isinstance(basis, dict) else None


def merge_after_conflict(part, typed: dict, snapshot, basis: dict | None):
    """What the conflict page shows when someone else saved this part after the page was opened.
    basis: per answer, a digest of each cell the page was built from. Cell by cell (a table's row and
    column, a grid's cell): what this person did not touch takes the other's text, so a second
    Opslaan cannot blank what the other wrote; what only this person changed stays theirs; a cell
    both changed stays theirs and makes its answer a clash, shown with the other's text beside it.
    Without a basis (a page from before it existed) every differing answer clashes.
    Returns (the answers to show, the clashing fields, the fields that took text from the other)."""
    stored = snapshot.values
    merged, clashes, taken = dict(typed), [], []
    for field in part.fields:
        if isinstance(field, Signature):
            continue
        mine, theirs = typed.get(field.key), stored.get(field.key)
        if field.as_text(mine) == field.as_text(theirs):
            continue
        if not isinstance(basis, dict):
            clashes.append(field)
            continue
        base = _base_cells(basis.get(field.key))
        if base is None:
            clashes.append(field)
            continue
        mine_cells, their_cells = answers.cells_of(field, mine), snapshot.cells.get(field.key, {})
        result, took, clash = {}, False, False
        for cell in set(mine_cells) | set(their_cells) | set(base):
            m, t, b = mine_cells.get(cell), their_cells.get(cell), base.get(cell)
            if cell[1] == AUTHOR:  # who wrote a row is the save's to decide (_with_authors), not a text
                value = t
            elif _digest(m) == b:
                value, took = t, took or t != m
            elif _digest(t) == b or m == t:
                value = m
            else:
                value, clash = m, True
            if value is not None:
                result[cell] = value
        if took:
            merged[field.key] = field.from_cells(result)
            taken.append(field)
        if clash:
            clashes.append(field)
    return merged, clashes, taken


def _digest(text: str | None) -> str | None:
    return None if text is None else answers.cell_digest(text)


def _base_cells(posted) -> dict | None:
    """The posted digests of one answer's cells, {(row, column): digest}; None when unreadable."""
    if posted is None:
        return {}
    try:
        return {(int(row), str(column)): str(d) for row, column, d in posted}
    except (TypeError, ValueError):
        return None


def last_writer(plan: Plan, part):
    """The log's last change of this part: who saved it last (None when nobody did)."""
    return (AuditEntry.select().where((AuditEntry.plan == plan) & (AuditEntry.action == "gewijzigd")
                                      & (AuditEntry.detail == part_name(plan, part)))
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).first())
