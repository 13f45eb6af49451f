"""The POP cycle (shared/seeds 003 Uitgangspunten and phases I-IV, 004 §2.3-2.5): what each role may do
in each state, and the steps from one state to the next.

Voorbereiding (the employee's self-analysis, private until shared) -> Ontwikkelgesprek (shared: the
manager reads it and adds a reaction per phase) -> Vastgesteld (both akkoord: the POP-overeenkomst,
frozen as a version) -> Uitvoering (progress talks) -> Evaluatie (Fase IV) -> Afgerond. "Bijstellen"
(004 §2.5: "Daar waar nodig worden afspraken bijgesteld") opens a new version of an agreed plan, to be
agreed again. The RIGHTS table is the one place these rules live; the views ask it and the tests walk it.
"""
from __future__ import annotations

import hashlib
import json

from forms.kinds import Signature
from forms.limits import REACTION_CHARS, number

from . import answers, audit
from .access import is_hr, is_manager_of
from .db import lock_row, write_lock
from .models import STATUSES, Answer, Person, Plan, PlanVersion, now

EMPLOYEE, MANAGER, HR = "medewerker", "leidinggevende", "hr"

# Rights: lezen (open the plan's content), plan / voortgang / evaluatie (edit the parts of that cycle
# stage), ritme (the next talk), reactie (the manager's reaction per phase), akkoord (give or withdraw
# one's own akkoord), gesprek (the manager's conversation checklist, seed 001: ticked per conversation
# from the first talk on, which is once the plan is shared), and the steps: delen, evalueren, afronden,
# bijstellen, nieuw.
_AGREED = {EMPLOYEE: {"lezen", "voortgang", "ritme", "bijstellen", "evalueren"},
           MANAGER: {"lezen", "reactie", "voortgang", "ritme", "gesprek", "bijstellen", "evalueren"},
           HR: {"lezen"}}
RIGHTS: dict[str, dict[str, set[str]]] = {
    "voorbereiding": {EMPLOYEE: {"lezen", "plan", "ritme", "delen"}, MANAGER: set(), HR: set()},
    "ontwikkelgesprek": {EMPLOYEE: {"lezen", "plan", "ritme", "akkoord"},
                         MANAGER: {"lezen", "reactie", "ritme", "gesprek", "akkoord"},
                         HR: {"lezen"}},
    "vastgesteld": _AGREED,
    "uitvoering": _AGREED,
    "evaluatie": {EMPLOYEE: {"lezen", "evaluatie", "ritme"},
                  MANAGER: {"lezen", "reactie", "ritme", "gesprek", "afronden"},
                  HR: {"lezen"}},
    "afgerond": {EMPLOYEE: {"lezen", "nieuw"}, MANAGER: {"lezen", "nieuw"}, HR: {"lezen", "nieuw"}},
}
assert set(RIGHTS) == set(STATUSES)

# The steps a person takes on the overview page: (right, button label, the explanation beside it).
STEPS = {
    "delen": ("Delen met leidinggevende",
              "Uw leidinggevende kan het plan dan lezen en erop reageren. U kunt daarna nog wijzigen "
              "tot u allebei akkoord geeft."),
    "evalueren": ("Evaluatie starten", "Aan het eind van de looptijd: {evaluatie}het evaluatiegesprek."),
    "afronden": ("POP afronden", "Sluit dit POP af{ingevuld}."),
    "bijstellen": ("Bijstellen", "De afspraken aanpassen: er komt een nieuwe versie, waarvoor u allebei "
                                 "opnieuw akkoord geeft. De vastgestelde versie blijft bewaard."),
    "nieuw": ("Nieuw POP", "Start de volgende cyclus; de doelen en de evaluatie van dit POP staan "
                           "ernaast ter referentie."),
}




def _evaluation_words(definition) -> dict[str, str]:
    """How the steps name the evaluation of this form: "Fase IV" in the extended form, its own part
    in another, nothing where a form has no evaluation part (the compact POP reflects in its check-ins)."""
    parts = definition.parts_in("evaluatie")
    if not parts:
        return {"evaluatie": "", "ingevuld": "", "open": "Het evaluatiegesprek kan beginnen.",
                "na": "aan het eind van de looptijd"}
    name = parts[0].nav_title
    return {"evaluatie": f"{name}, ", "ingevuld": f"; de evaluatie ({name}) moet zijn ingevuld",
            "open": f"{name} staat open.", "na": f"nadat de evaluatie ({name}) is ingevuld"}


def steps_for(definition) -> dict[str, tuple[str, str]]:
    """STEPS with the explanations in the words of this plan's form."""
    words = _evaluation_words(definition)
    return {key: (label, text.format(**words)) for key, (label, text) in STEPS.items()}


class Refused(Exception):
    """A step or change that this person may not take in this state; the message says why, in Dutch."""


class NotAllowed(Refused):
    """Refused because of who asks, not because of what was asked (a 403 rather than a 400)."""


def role_of(user: Person, plan: Plan) -> str | None:
    if plan.employee_id == user.id:
        return EMPLOYEE
    if is_manager_of(user, plan):
        return MANAGER
    if is_hr(user):
        return HR
    return None


def rights(user: Person, plan: Plan) -> set[str]:
    role = role_of(user, plan)
    return set(RIGHTS.get(plan.status, {}).get(role, set())) if role else set()


def may(user: Person, plan: Plan, right: str) -> bool:
    return right in rights(user, plan)


def part_right(part) -> str:
    """The right needed to change a part; the afronding part has its own rules per field."""
    return {"plan": "plan", "voortgang": "voortgang", "evaluatie": "evaluatie",
            "afronding": "ritme", "gesprek": "gesprek"}[part.cycle]


def editable_fields(user: Person, plan: Plan, part) -> set[str]:
    """The fields of this part this person may change now."""
    granted = rights(user, plan)
    keys = set()
    for field in part.fields:
        if isinstance(field, Signature):
            if "akkoord" in granted:
                keys.add(field.key)
        elif part_right(part) in granted:
            keys.add(field.key)
    return keys


def why_read_only(user: Person, plan: Plan, part) -> str:
    """Why this person cannot change this part now: shown on the page, instead of buttons."""
    role = role_of(user, plan)
    if role == HR:
        return ("HR leest mee maar schrijft niet in plannen: een POP is van de medewerker en de "
                "leidinggevende.")
    state = plan.status
    if state == "afgerond":
        return "Dit POP is afgerond en kan niet meer worden gewijzigd."
    if part.cycle == "plan":
        if state in ("vastgesteld", "uitvoering", "evaluatie"):
            return (f"Dit deel is vastgesteld in de POP-overeenkomst (versie {plan.version}). Wijzigen "
                    "kan alleen via ‘Bijstellen’ op de overzichtspagina; daarna geeft u allebei opnieuw "
                    "akkoord.")
        if role == MANAGER:
            return ("Dit is de inbreng van de medewerker. Uw reactie op deze fase geeft u in het vak "
                    "‘Reactie leidinggevende’ hieronder.")
    if part.cycle == "gesprek":
        return "Deze checklist houdt uw leidinggevende per gesprek bij; u kunt haar lezen."
    if part.cycle == "voortgang":
        return "Voortgangsgesprekken volgen zodra het POP is vastgesteld: als u allebei akkoord heeft gegeven."
    if part.cycle == "evaluatie":
        if state == "evaluatie":
            return ("De evaluatie schrijft de medewerker; uw reactie geeft u in het vak ‘Reactie "
                    "leidinggevende’ hieronder.")
        return ("De evaluatie volgt aan het eind van de looptijd: kies dan ‘Evaluatie starten’ op de "
                "overzichtspagina.")
    if part.cycle == "afronding":  # a part of only the akkoorden (the POP table's Ondertekening)
        if state in ("vastgesteld", "uitvoering", "evaluatie"):
            return (f"Het POP is vastgesteld (versie {plan.version}): u heeft allebei akkoord gegeven. "
                    "Wijzigen kan alleen via ‘Bijstellen’ op de overzichtspagina.")
        if state == "voorbereiding":
            return ("Akkoord geven kan zodra het plan gedeeld is met de leidinggevende: kies ‘Delen met "
                    "leidinggevende’ op de overzichtspagina.")
    return "U kunt dit deel nu niet wijzigen."


# ---------------------------------------------------------------- steps


def take_step(plan: Plan, user: Person, step: str) -> str:
    """Take a step on the overview page; returns the message to show, or raises Refused."""
    if step not in STEPS:
        raise Refused("Deze stap bestaat niet.")
    with write_lock():
        plan = lock_row(Plan.select().where(Plan.id == plan.id)).get()
        if not may(user, plan, step):
            raise Refused(_refusal(plan, user, step))
        if step == "delen":
            audit.record(plan, user, "gedeeld", "met de leidinggevende")
            _set_state(plan, "ontwikkelgesprek", user)
            return "Het plan is gedeeld met uw leidinggevende."
        if step == "evalueren":
            _set_state(plan, "evaluatie", user)
            return "De evaluatie is gestart: " + _evaluation_words(answers.form_of(plan))["open"]
        if step == "afronden":
            missing = _empty_evaluation(plan)
            if missing:
                raise Refused("Afronden kan pas als de evaluatie is ingevuld. Nog leeg: "
                              + "; ".join(missing) + ".")
            _set_state(plan, "afgerond", user)
            return "Het POP is afgerond."
        if step == "bijstellen":
            values = answers.load(plan)
            cleared = {key: None for key in answers.form_of(plan).signature_fields if values.get(key)}
            if cleared:
                answers.save(plan, cleared)
            plan.version += 1
            audit.record(plan, user, "bijgesteld", f"versie {plan.version} geopend")
            _set_state(plan, "ontwikkelgesprek", user)
            return (f"Versie {plan.version} staat open voor bijstellen. Geef allebei opnieuw akkoord "
                    f"om haar vast te stellen; versie {plan.version - 1} blijft bewaard.")
    raise Refused("Deze stap bestaat niet.")  # "nieuw" makes another plan: start_next_cycle


# Who a refusal names: "Bijstellen kan alleen de medewerker of de leidinggevende."
_ROLE_NAMES = {EMPLOYEE: "de medewerker", MANAGER: "de leidinggevende", HR: "HR"}
_STEP_PHRASES = {"delen": "Het plan delen", "evalueren": "De evaluatie starten",
                 "afronden": "Het POP afronden", "bijstellen": "Bijstellen"}


def _who_may(step: str) -> list[str]:
    """The roles that may take this step in some state, in the order of RIGHTS."""
    return [role for role in (EMPLOYEE, MANAGER, HR) if any(step in by_role.get(role, ())
                                                            for by_role in RIGHTS.values())]


def _refusal(plan: Plan, user: Person, step: str) -> str:
    """Why this step is refused: first who may take it, when this person never may (HR asking to
    bijstellen is told it is for the employee and the manager, not about the plan's state); else what
    the state is waiting for."""
    state = STATUSES.get(plan.status, plan.status).lower()
    role = role_of(user, plan)
    who = _who_may(step)
    if step in _STEP_PHRASES and role not in who:
        names = " of ".join(_ROLE_NAMES[r] for r in who)
        when = (f", {_evaluation_words(answers.form_of(plan))['na']}" if step == "afronden" else "")
        return f"{_STEP_PHRASES[step]} kan alleen {names}{when}."
    if step == "delen":
        return f"Dit plan is al gedeeld (het staat op {state})."
    if step == "afronden":
        return f"Afronden kan pas in de evaluatie; dit plan staat op {state}."
    if step == "evalueren":
        return f"De evaluatie start na het vaststellen van het POP; dit plan staat op {state}."
    if step == "bijstellen":
        return f"Bijstellen kan alleen een vastgesteld POP; dit plan staat op {state}."
    return f"Dat kan niet in deze fase ({state})."


def _empty_evaluation(plan: Plan) -> list[str]:
    definition = answers.form_of(plan)
    values = answers.load(plan)
    return [f.label for p in definition.parts_in("evaluatie") for f in p.fields
            if not f.is_filled(values.get(f.key))]


def _set_state(plan: Plan, state: str, user: Person) -> None:
    audit.record_status(plan, user, plan.status, state)
    plan.status = state
    plan.updated_at = now()
    plan.save()


def after_save(plan: Plan, part, user: Person, before: dict, after: dict,
               stored: answers.Snapshot | None = None) -> list[str]:
    """What a save means for the cycle (called inside the save's lock). Returns notices for the user.

    - a change of the plan's content while one akkoord is given withdraws it: both must agree to the
      same content;
    - both akkoorden: the plan is vastgesteld and this version is frozen;
    - the first progress talk after vastgesteld: the plan is in uitvoering.

    stored: the plan's answers as the save left them (Snapshot.saved), which a version is then frozen
    from instead of reading them again; without it (the akkoord step) freeze reads them."""
    notices = []
    definition = answers.form_of(plan)
    signatures = definition.signature_fields
    if part.cycle == "plan":
        changed = any(f.as_text(before.get(f.key)) != f.as_text(after.get(f.key)) for f in part.fields)
        given = [key for key in signatures if after.get(key)]
        if changed and given:
            withdrawn = {key: None for key in given}
            answers.save(plan, withdrawn)
            stored = stored.saved(withdrawn) if stored is not None else None
            for key in given:
                after[key] = None
                audit.record(plan, user, "akkoord_vervallen",
                             f"{definition.field(key).label}, door deze wijziging van het plan")
            notices.append("Het plan is gewijzigd, dus het gegeven akkoord is vervallen: geef allebei "
                           "akkoord op deze versie.")
    if plan.status == "ontwikkelgesprek" and signatures and all(after.get(k) for k in signatures):
        freeze(plan, stored)
        _set_state(plan, "vastgesteld", user)
        notices.append(f"U heeft allebei akkoord gegeven: het POP is vastgesteld (versie {plan.version}).")
        talks = [f for p in definition.parts_in("voortgang") for f in p.fields]
        if any(f.is_filled(after.get(f.key)) for f in talks):
            # Bijgesteld during the execution: the talks held go on, so does the execution.
            _set_state(plan, "uitvoering", user)
    if (plan.status == "vastgesteld" and part.cycle == "voortgang"
            and any(f.is_filled(after.get(f.key)) for f in part.fields)):
        _set_state(plan, "uitvoering", user)
    return notices


def freeze(plan: Plan, stored: answers.Snapshot | None = None) -> None:
    """Record the plan's answers now as its agreed version plan.version. stored: those answers as a
    save has them in hand (every cell, the reactions too), so they are not read again."""
    if stored is not None:
        cells = sorted((field, row, column, value) for field, by_cell in stored.cells.items()
                       for (row, column), value in by_cell.items())
    else:
        cells = (Answer.select(Answer.field, Answer.row, Answer.column, Answer.value)
                 .where(Answer.plan == plan).order_by(Answer.field, Answer.row, Answer.column).tuples())
    PlanVersion.delete().where((PlanVersion.plan == plan) & (PlanVersion.number == plan.version)).execute()
    PlanVersion.create(plan=plan, number=plan.version, cells=json.dumps([list(c) for c in cells]))


def version_values(version: PlanVersion) -> dict:
    """The answers of an agreed version, as answers.load() gives those of the plan now."""
    by_field: dict[str, dict] = {}
    for field, row, column, value in json.loads(version.cells):
        by_field.setdefault(field, {})[(row, column)] = value
    definition = answers.form_of(version.plan)
    return {f.key: f.from_cells(by_field.get(f.key, {})) for f in definition.fields}


def differences(definition, old: dict, new: dict) -> list[tuple]:
    """(part, field, old text, new text, changed) of every field, for a side-by-side comparison."""
    rows = []
    for part in definition.parts:
        for field in part.fields:
            a, b = field.as_text(old.get(field.key)), field.as_text(new.get(field.key))
            rows.append((part, field, a, b, a != b))
    return rows


# ---------------------------------------------------------------- reactions

def reaction_key(part) -> str:
    # Stored beside the answers, under a key no form field can have (field keys are identifiers).
    return f"reactie:{part.key}"




def reaction(plan: Plan, part) -> str:
    row = Answer.get_or_none((Answer.plan == plan) & (Answer.field == reaction_key(part)))
    return row.value if row else ""


def reaction_version(text: str) -> str:
    """The version of a reaction that a page carries, so a save can tell it was changed meanwhile."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class ReactionMeanwhile(Refused):
    """The reaction was changed after the page was opened (another tab, another manager)."""

    def __init__(self, stored: str):
        super().__init__("Iemand anders heeft de reactie gewijzigd nadat u deze pagina opende.")
        self.stored = stored


def save_reaction(plan: Plan, part, user: Person, text: str, expected_version: str | None = None) -> None:
    """Store the manager's reaction to a part. With expected_version (the version of the reaction the
    page showed) the check and the write happen under one lock: of two tabs saving from the same
    page, the second gets ReactionMeanwhile with what the first stored, never both "opgeslagen"."""
    if not may(user, plan, "reactie"):
        raise NotAllowed("Een reactie geeft de leidinggevende, zodra de medewerker het plan heeft gedeeld.")
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > REACTION_CHARS:
        raise Refused(f"Een reactie is hoogstens {number(REACTION_CHARS)} tekens.")
    with write_lock():
        lock_row(Plan.select(Plan.id).where(Plan.id == plan.id)).execute()  # one reaction at a time
        stored = reaction(plan, part)
        if expected_version and reaction_version(stored) != expected_version and stored != text:
            raise ReactionMeanwhile(stored)
        if text != stored:
            audit.record(plan, user, "gewijzigd", f"Reactie leidinggevende, {part.title}")
        Answer.delete().where((Answer.plan == plan) & (Answer.field == reaction_key(part))).execute()
        if text:
            Answer.create(plan=plan, field=reaction_key(part), row=0, column="", value=text)
        Plan.update(updated_at=now()).where(Plan.id == plan.id).execute()
