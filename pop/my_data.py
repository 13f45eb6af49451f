"""Mijn gegevens: everything POP stores about a person, in one zip for that person alone (AVG article 15,
the right of access, and article 20, data portability).

The zip holds, per plan of theirs, a folder with the plan as it is now and every agreed version
(PlanVersion), each as Word and Excel, made as a download makes them (the organisation's active
template, else the default layout); gegevens.json with the same in a machine-readable form (their
person record, every plan's answers, reactions, versions, log lines and reminders, the reactions they
wrote as a manager on others' plans, their budget); and README.txt, in Dutch, saying what each file
is.

Left out on purpose:
- the password hash, the session counter and one-time links: secrets, not information about them;
- the manager's placement in the performance/potential matrix (pop/matrix.py): the product's rule is
  that the employee never sees it on any page or in any export. The README says, the same for
  everyone (so it tells nothing about whether there is one), that it can be asked of HR, which serves
  the right of access without changing that rule;
- other people's answers: of the plans they reacted to as a manager only their own reaction, the plan's
  employee and period.
- feedback they gave colleagues (pop/feedback.py): it is about someone else, and is in the zip of
  whoever asked for it, under the giver's name. The feedback they received is in: every request on
  their plans, whom it went to and when, the answers and whether they shared them, in gegevens.json and
  readable in FEEDBACK_NAME.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

from exports.filenames import plan_filename, safe_part
from exports.templates import render_docx, render_xlsx
from exports.uploads.isolation import TemplateLimit

from . import answers, audit, clock, cycle, feedback
from .models import STATUSES, AuditEntry, Budget, Person, Plan, PlanVersion, Reminder, now

JSON_NAME = "gegevens.json"
README_NAME = "README.txt"
FEEDBACK_NAME = "Feedback_van_collegas.txt"
# After this many renders stopped at the template's time or memory limit (each may take
# POP_TEMPLATE_TIMEOUT seconds), the rest is made in the default layout straight away, as the bulk
# export does: the person gets their zip in seconds, not minutes.
LIMIT_HITS = 3
REACTION_PREFIX = "Reactie leidinggevende, "  # the detail pop.cycle.save_reaction logs

FEEDBACK_NOTE = ("De feedback die u collega's vroeg op uw plannen: aan wie, wanneer, hun antwoorden en of u "
                 "ze deelde met het plan. Feedback die u zelf aan anderen gaf, staat hier niet in: die gaat "
                 "over iemand anders en staat in de gegevens van wie erom vroeg.")
NOT_INCLUDED = [
    "Uw wachtwoord: POP bewaart alleen een onomkeerbare versleuteling ervan (een hash), die niets over "
    "u zegt en geheim blijft.",
    "Technische gegevens om in te loggen (sessies, eenmalige links, tellers van mislukte pogingen).",
    "Een indeling die uw leidinggevende voor teamgesprekken bijhoudt (de matrix): die kunt u bij HR "
    "opvragen.",
]


def zip_name(person: Person) -> str:
    achternaam = " ".join(p for p in (person.achternaam, person.tussenvoegsel) if p)
    return f"Mijn_gegevens_{safe_part(achternaam)}_{safe_part(person.voornaam)}.zip"


# ---------------------------------------------------------------- plain values for JSON

def moment(value) -> str | None:
    """A stored time (UTC) as ISO 8601 in the organisation's zone, with its offset; a date as a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return clock.local(value).isoformat()
    return value.isoformat()


def plain(value):
    """A typed answer (pop.answers.load) as JSON: dates ISO, amounts as text (no rounding)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return moment(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _answers(definition, values: dict) -> list[dict]:
    return [{"onderdeel": part.title,
             "vragen": [{"sleutel": f.key, "vraag": f.label or f.key, "antwoord": plain(values.get(f.key))}
                        for f in part.fields]}
            for part in definition.parts]


def _reactions(definition, text_of, writers: dict) -> list[dict]:
    found = []
    for part in definition.parts:
        text = text_of(cycle.reaction_key(part))
        if text:
            found.append({"onderdeel": part.title, "tekst": text,
                          "geschreven_door": writers.get(part.title)})
    return found


def _log_line(entry: AuditEntry) -> dict:
    return {"wanneer": moment(entry.created_at), "wie": entry.person_name or None,
            "wat": audit.label(entry.action), "bijzonderheden": entry.detail}


def _last_reaction_writers(entries) -> dict[tuple[int, str], AuditEntry]:
    """Per (plan, part title), the log line of the last change of its reaction (entries oldest first)."""
    last = {}
    for entry in entries:
        if entry.action == "gewijzigd" and entry.detail.startswith(REACTION_PREFIX):
            last[(entry.plan_id, entry.detail[len(REACTION_PREFIX):])] = entry
    return last


# ---------------------------------------------------------------- the documents

class _Renderer:
    """render_docx / render_xlsx as a download calls them, with the organisation's template failures
    collected as notes (for the README) and the template given up after LIMIT_HITS time-outs."""

    def __init__(self):
        self.notes: list[str] = []
        self.limit_hits = 0

    def __call__(self, fmt: str, plan, definition, values, what: str) -> bytes:
        render = render_docx if fmt == "docx" else render_xlsx
        if self.limit_hits >= LIMIT_HITS:
            return render(plan, definition, values, True)
        return render(plan, definition, values, False,
                      lambda note: self.notes.append(f"{what}: {note}"), on_problem=self._problem)

    def _problem(self, plan, exc) -> None:
        if isinstance(exc, TemplateLimit):
            self.limit_hits += 1


def folder_of(plan: Plan, definition) -> str:
    return f"{safe_part(plan.period)}_{safe_part(definition.short_title)}_plan-{plan.id}"


# ---------------------------------------------------------------- everything together

def build(person: Person) -> tuple[bytes, list[Plan]]:
    """The zip of everything stored about person, and their plans (for the log)."""
    plans = list(Plan.select().where(Plan.employee == person).order_by(Plan.created_at, Plan.id))
    plan_ids = [p.id for p in plans]
    versions: dict[int, list[PlanVersion]] = {p.id: [] for p in plans}
    log: dict[int, list[AuditEntry]] = {p.id: [] for p in plans}
    reminders: dict[int, list[Reminder]] = {p.id: [] for p in plans}
    for start in range(0, len(plan_ids), 500):
        ids = plan_ids[start:start + 500]
        for version in PlanVersion.select().where(PlanVersion.plan.in_(ids)).order_by(PlanVersion.number):
            versions[version.plan_id].append(version)
        for entry in AuditEntry.select().where(AuditEntry.plan.in_(ids)).order_by(
                AuditEntry.created_at, AuditEntry.id):
            log[entry.plan_id].append(entry)
        for reminder in Reminder.select().where(Reminder.plan.in_(ids)).order_by(Reminder.sent_at):
            reminders[reminder.plan_id].append(reminder)

    render = _Renderer()
    files: list[tuple[str, bytes]] = []
    plan_records = []
    for plan in plans:
        definition = answers.form_of(plan)
        snapshot = answers.read(plan)
        folder = folder_of(plan, definition)
        writers = {title: entry.person_name or None
                   for (_, title), entry in _last_reaction_writers(log[plan.id]).items()}
        names = []
        for fmt in ("docx", "xlsx"):
            name = f"{folder}/{plan_filename(plan, fmt)}"
            files.append((name, render(fmt, plan, definition, snapshot.values, f"{folder} (nu)")))
            names.append(name)
        version_records = []
        for version in versions[plan.id]:
            values = cycle.version_values(version)
            cells = {field: value for field, row, column, value in json.loads(version.cells)
                     if row == 0 and column == ""}
            for fmt in ("docx", "xlsx"):
                name = f"{folder}/{plan_filename(plan, fmt).replace(f'.{fmt}', f'_versie{version.number}.{fmt}')}"
                files.append((name, render(fmt, plan, definition, values,
                                           f"{folder} (versie {version.number})")))
                names.append(name)
            version_records.append({
                "versie": version.number, "vastgesteld_op": moment(version.agreed_at),
                "antwoorden": _answers(definition, values),
                "reacties_leidinggevende": _reactions(definition, lambda key: cells.get(key, ""), {}),
            })
        plan_records.append({
            "id": plan.id,
            "formulier": definition.title,
            "periode": plan.period,
            "status": STATUSES.get(plan.status, plan.status),
            "aangemaakt_op": moment(plan.created_at),
            "gewijzigd_op": moment(plan.updated_at),
            "versienummer_nu": plan.version,
            "vorig_plan": plan.previous_id,
            "leidinggevende": plan.manager.naam if plan.manager_id and plan.manager else None,
            "bestanden": names,
            "antwoorden": _answers(definition, snapshot.values),
            "reacties_leidinggevende": _reactions(definition, snapshot.text, writers),
            "vastgestelde_versies": version_records,
            "logboek": [_log_line(e) for e in log[plan.id]],
            "herinneringen": [{"soort": r.kind, "datum": moment(r.day), "verstuurd_op": moment(r.sent_at)}
                              for r in reminders[plan.id]],
        })

    received = _feedback(person)
    data = {
        "over_dit_bestand": ("Alle gegevens die POP over u bewaart, op uw verzoek gedownload "
                             "(AVG artikel 15 en 20). Tijden in de tijdzone van de organisatie."),
        "gemaakt_op": moment(now()),
        "persoon": _person_record(person),
        "plannen": plan_records,
        "geschreven_reacties": _written_reactions(person),
        "logboek_eigen_handelingen": _own_actions(person),
        "budget": [{"jaar": b.year, "euro": plain(b.euro), "uren": plain(b.uren),
                    "vastgesteld_op": moment(b.set_at)}
                   for b in Budget.select().where(Budget.person == person).order_by(Budget.year)],
        "feedback": received,
        "feedback_toelichting": FEEDBACK_NOTE,
        "niet_opgenomen": NOT_INCLUDED,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(README_NAME, readme(person, plan_records, render.notes, bool(received)))
        archive.writestr(JSON_NAME, json.dumps(data, ensure_ascii=False, indent=2))
        if received:
            archive.writestr(FEEDBACK_NAME, feedback_text(person, received))
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue(), plans


FEEDBACK_STATES = {"beantwoord": "beantwoord", "open": "nog niet beantwoord",
                   "verlopen": "verlopen zonder antwoord"}


def _feedback(person: Person) -> list[dict]:
    """The requests for feedback on person's plans (pop/feedback.py), with the questions as the form
    asked them."""
    found = []
    for request in feedback.received_by(person):
        declared = feedback.declared(request.plan)
        questions = declared[1].questions if declared else ("Sterke punten", "Verbeterpunten")
        found.append({
            "plan": request.plan_id,
            "periode": request.plan.period,
            "gevraagd_aan": request.colleague_name,
            "email": request.email,
            "hoe": "in POP" if request.colleague_id else "via een link",
            "gevraagd_op": moment(request.created_at),
            "geldig_tot": moment(request.expires_at),
            "herinnering_gestuurd_op": moment(request.reminded_at),
            "stand": FEEDBACK_STATES[feedback.state(request)],
            "beantwoord_op": moment(request.answered_at),
            "antwoorden": ([{"vraag": questions[0], "antwoord": request.sterk},
                            {"vraag": questions[1], "antwoord": request.verbeteren}]
                           if request.answered_at else []),
            "gedeeld_met_plan": request.shared_at is not None,
            "gedeeld_op": moment(request.shared_at),
        })
    return found


def feedback_text(person: Person, received: list[dict]) -> str:
    """The feedback received, to read: one block per request."""
    lines = [f"Feedback van collega's voor {person.naam}", ""]
    for record in received:
        lines += [f"{record['gevraagd_aan']} ({record['email']}, {record['hoe']}), POP {record['periode']}",
                  f"    gevraagd op {_day(record['gevraagd_op'])}, {record['stand']}"
                  + (f" op {_day(record['beantwoord_op'])}" if record["beantwoord_op"] else "")
                  + (f", herinnering gestuurd op {_day(record['herinnering_gestuurd_op'])}"
                     if record["herinnering_gestuurd_op"] else "")]
        if record["antwoorden"]:
            lines.append(f"    gedeeld met het plan sinds {_day(record['gedeeld_op'])}"
                         if record["gedeeld_met_plan"] else "    niet gedeeld: alleen voor u")
            for item in record["antwoorden"]:
                lines.append(f"    {item['vraag']}")
                lines += [f"        {line}" for line in (item["antwoord"] or "(niet ingevuld)").splitlines()]
        lines.append("")
    return "\r\n".join(lines) + "\r\n"


def _day(iso: str | None) -> str:
    """15-03-2026 from an ISO moment of moment()."""
    return dt.date.fromisoformat(iso[:10]).strftime("%d-%m-%Y") if iso else ""


def _person_record(person: Person) -> dict:
    manager = person.manager if person.manager_id else None
    return {
        "id": person.id,
        "voornaam": person.voornaam,
        "tussenvoegsel": person.tussenvoegsel,
        "achternaam": person.achternaam,
        "email": person.email,
        "personeelsnummer": person.personeelsnummer,
        "functie": person.functie,
        "afdeling": person.afdeling,
        "rol": person.role_label,
        "actief": person.active,
        "leidinggevende": ({"naam": manager.naam, "email": manager.email} if manager else None),
        "aangemaakt_op": moment(person.created_at),
        "wachtwoord_ingesteld": bool(person.password_hash),
    }


def _written_reactions(person: Person) -> list[dict]:
    """The reactions person wrote as a manager on other people's plans and that still stand (the last
    change of that reaction in the plan's log is theirs): their words, the plan's employee and period,
    never that employee's answers."""
    mine = (AuditEntry.select(AuditEntry.plan).distinct()
            .join(Plan, on=(AuditEntry.plan == Plan.id))
            .where((AuditEntry.person == person.id) & (AuditEntry.action == "gewijzigd")
                   & AuditEntry.detail.startswith(REACTION_PREFIX) & (Plan.employee != person.id)))
    plan_ids = [e.plan_id for e in mine]
    found = []
    for start in range(0, len(plan_ids), 500):
        ids = plan_ids[start:start + 500]
        entries = (AuditEntry.select().where(AuditEntry.plan.in_(ids) & (AuditEntry.action == "gewijzigd")
                                             & AuditEntry.detail.startswith(REACTION_PREFIX))
                   .order_by(AuditEntry.created_at, AuditEntry.id))
        plans = {p.id: p for p in Plan.select().where(Plan.id.in_(ids))}
        for (plan_id, title), entry in _last_reaction_writers(entries).items():
            if entry.person_id != person.id:
                continue  # changed or cleared since by someone else: no longer their words
            plan = plans[plan_id]
            part = next((p for p in answers.form_of(plan).parts if p.title == title), None)
            text = cycle.reaction(plan, part) if part else ""
            if text:
                found.append({"plan_van": plan.employee.naam, "periode": plan.period, "onderdeel": title,
                              "tekst": text, "laatst_gewijzigd_op": moment(entry.created_at)})
    return sorted(found, key=lambda r: (r["laatst_gewijzigd_op"] or "", r["plan_van"], r["onderdeel"]))


def _own_actions(person: Person) -> list[dict]:
    """The log lines of what person did on other people's plans (as a manager or HR): what and when,
    and whose plan; the plans' content is not theirs and stays out."""
    query = (AuditEntry.select(AuditEntry, Plan).join(Plan, on=(AuditEntry.plan == Plan.id))
             .where((AuditEntry.person == person.id) & (Plan.employee != person.id))
             .order_by(AuditEntry.created_at, AuditEntry.id))
    employees = {}
    lines = []
    for entry in query:
        plan = entry.plan
        if plan.employee_id not in employees:
            employees[plan.employee_id] = plan.employee.naam
        lines.append({**_log_line(entry), "plan_van": employees[plan.employee_id], "periode": plan.period})
    return lines


def readme(person: Person, plans: list[dict], notes: list[str], has_feedback: bool = False) -> str:
    lines = [
        f"Mijn gegevens in POP: {person.naam}",
        f"Gemaakt op {clock.format_time(now())}.",
        "",
        "Deze download bevat alle gegevens die POP (het Persoonlijk Ontwikkelplan) over u bewaart. U heeft",
        "recht op inzage in uw persoonsgegevens (AVG artikel 15) en op een kopie die u kunt meenemen naar",
        "een andere organisatie of een ander programma (AVG artikel 20, dataportabiliteit).",
        "",
        "Wat erin staat",
        "--------------",
        f"{README_NAME}",
        "    Dit bestand.",
        f"{JSON_NAME}",
        "    Alles hieronder in één bestand dat andere programma's kunnen lezen (JSON): uw gegevens als",
        "    persoon (naam, e-mailadres, personeelsnummer, functie, afdeling, rol, leidinggevende), elk",
        "    plan met al uw antwoorden, de reacties van uw leidinggevende, de vastgestelde versies, het",
        "    logboek van het plan (wie het maakte, wijzigde, bekeek of downloadde, en wanneer, met de naam",
        "    zoals die toen werd vastgelegd) en de herinneringen die POP erover mailde; de reacties die u",
        "    zelf als leidinggevende op plannen van anderen schreef (zonder de antwoorden van die",
        "    medewerker), wat u op plannen van anderen deed volgens hun logboek, en uw budget.",
        "    Datums en tijden staan in de vorm 2026-03-15 en 2026-03-15T14:30:00+01:00.",
    ]
    if plans:
        lines += ["Een map per plan, met daarin",
                  "    het plan zoals het nu is, als Word-document (.docx) en als Excel-werkmap (.xlsx), en",
                  "    elke vastgestelde versie (de afspraken waarvoor u en uw leidinggevende akkoord gaven)",
                  "    ook als Word en Excel, met _versie1, _versie2 ... in de naam.",
                  "    De documenten hebben de opmaak van het formulier; de reacties van uw leidinggevende",
                  "    staan niet in Word en Excel (die blijven het papieren formulier), wel in " + JSON_NAME + ".",
                  ""]
        for record in plans:
            lines.append(f"    {record['bestanden'][0].split('/')[0]}: {record['formulier']}, periode "
                         f"{record['periode']}, {record['status'].lower()}, "
                         f"{len(record['vastgestelde_versies'])} vastgestelde versie(s)")
    else:
        lines += ["U heeft (nog) geen plannen in POP; daarom staan er geen Word- of Excel-bestanden in."]
    lines += [
        "",
        "Feedback van collega's",
        "----------------------",
        FEEDBACK_NOTE,
        (f"Ze staan in {JSON_NAME} onder \"feedback\" en om te lezen in {FEEDBACK_NAME}." if has_feedback
         else "U heeft (nog) geen collega's om feedback gevraagd."),
        "",
        "Wat er niet in staat",
        "--------------------",
        *[f"- {text}" for text in NOT_INCLUDED],
        "",
        "Een indeling in de matrix wordt in POP nooit aan medewerkers getoond. U heeft wel recht op inzage:",
        "vraag HR erom, dan krijgt u wat daarover van u is vastgelegd.",
        "",
        "Vragen, of klopt er iets niet? Neem contact op met HR. U kunt HR ook vragen gegevens te",
        "verbeteren of te verwijderen.",
    ]
    if notes:
        lines += ["", "Opmerkingen bij de documenten", "-----------------------------", *notes]
    return "\r\n".join(lines) + "\r\n"
