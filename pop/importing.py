"""Import of people from an export of the HR system (HR → Mensen → Importeren).

Three steps, and nothing is written before the last: read the file (CSV with a comma, semicolon or tab,
UTF-8 with or without BOM, Windows-1252 as Dutch Excel saves it, or .xlsx) into a table of text; map
its columns to a person's fields (recognised by their Dutch and English names, HR corrects); plan what
the import does (who is created, what changes per field, who is left alone, who is deactivated, and
each row that cannot be imported with its reason). Confirming plans again inside one transaction and
writes the plan with a handful of bulk statements.

People are matched by personeelsnummer first, then by e-mail, so a re-import never makes a second
person. A manager is named by e-mail or by personeelsnummer, of someone in the file or already in POP.
Plans go along with a new manager by themselves: access follows Person.manager (pop.access.is_manager_of),
exactly as when HR changes the manager on the people page. Every cell is text: a cell that starts with
'=' is stored as those characters, never evaluated."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from peewee import Case

from . import departments
from .db import write_lock
from .models import ROLES, Person, now
from .people import EMAIL, control_characters

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000  # an organisation's export; 400 people here, far more would be another kind of file
MAX_COLUMNS = 200
MAX_CELL = 1000  # longer than any field of a person; a longer cell is refused with its row
MAX_UNPACKED = 100 * 1024 * 1024  # an .xlsx of 20,000 rows unpacks to a few MB; far more is a zip bomb
BATCH = 500  # rows per bulk statement: below SQLite's limit on variables with every column set

# What a column can be, in the order of the mapping page's select.
FIELDS = {
    "voornaam": "Voornaam",
    "tussenvoegsel": "Tussenvoegsel",
    "achternaam": "Achternaam",
    "email": "E-mailadres",
    "personeelsnummer": "Personeelsnummer",
    "functie": "Functie",
    "afdeling": "Afdeling",
    "manager_email": "Leidinggevende (e-mailadres)",
    "manager_nummer": "Leidinggevende (personeelsnummer)",
    "role": "Rol",
    "": "Niet importeren",
}
PERSON_FIELDS = ("voornaam", "tussenvoegsel", "achternaam", "email", "personeelsnummer", "functie",
                 "afdeling")
# Labels of what the preview shows as changed.
CHANGE_LABELS = {**{k: FIELDS[k] for k in PERSON_FIELDS}, "manager": "Leidinggevende", "role": "Rol",
                 "active": "Actief"}

# Column names as HR systems write them, compared without case, accents, spaces and punctuation.
_NAMES = {
    "voornaam": ["voornaam", "roepnaam", "first name", "firstname", "given name", "forename"],
    "tussenvoegsel": ["tussenvoegsel", "tussenvoegsels", "voorvoegsel", "prefix", "infix",
                      "name prefix", "middle name"],
    "achternaam": ["achternaam", "geslachtsnaam", "familienaam", "last name", "lastname", "surname",
                   "family name"],
    "email": ["e-mail", "email", "e-mailadres", "emailadres", "mail", "e-mail address", "email address",
              "mailadres", "zakelijk e-mailadres", "work email"],
    "personeelsnummer": ["personeelsnummer", "personeelsnr", "medewerkernummer", "werknemernummer",
                         "employee id", "employee number", "personnel number", "staff number",
                         "employee no", "emp id", "employeeid"],
    "functie": ["functie", "functienaam", "job title", "jobtitle", "title", "position", "function"],
    "afdeling": ["afdeling", "department", "dept", "team", "organisatie-eenheid", "unit"],
    "manager_email": ["leidinggevende", "manager", "manager e-mail", "manager email",
                      "e-mail leidinggevende", "email leidinggevende", "leidinggevende e-mail",
                      "leidinggevende e-mailadres", "e-mailadres leidinggevende", "manager email address",
                      "supervisor", "line manager", "reports to"],
    "manager_nummer": ["personeelsnummer leidinggevende", "leidinggevende personeelsnummer",
                       "manager employee id", "manager id", "manager number", "manager personnel number",
                       "supervisor id", "leidinggevende nummer", "nummer leidinggevende"],
    "role": ["rol", "role", "rol in pop", "pop rol", "pop-rol"],
}
ROLE_WORDS = {"medewerker": "medewerker", "employee": "medewerker", "werknemer": "medewerker",
              "leidinggevende": "leidinggevende", "manager": "leidinggevende",
              "hr": "hr", "personeelszaken": "hr", "p&o": "hr"}


class ImportProblem(Exception):
    """The file cannot be read as a table: a Dutch sentence for HR."""


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9&]", "", text)


_RECOGNISED = {_key(name): field for field, names in _NAMES.items() for name in names}


# ---------------------------------------------------------------- reading the file

@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as HR sees it in the file, cells)
    kind: str  # a Dutch description: "CSV (UTF-8, puntkomma)"


def read_table(data: bytes, filename: str = "") -> Table:
    """The file as a table of text. Raises ImportProblem with a Dutch message when it cannot be."""
    if len(data) > MAX_BYTES:
        raise ImportProblem(f"Het bestand is {len(data) / 1024 / 1024:.1f} MB; een bestand om te "
                            "importeren mag hoogstens 10 MB zijn.")
    if not data.strip():
        raise ImportProblem("Het bestand is leeg.")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if filename.lower().endswith((".xls", ".xlsm", ".ods")) or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportProblem("Dit bestandstype wordt niet gelezen. Sla het in Excel op als Excel-werkmap "
                            "(.xlsx) of als CSV.")
    return _read_csv(data)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode-tekst"
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise ImportProblem("De tekens in dit bestand zijn niet te lezen. Sla het op als CSV UTF-8 "
                            "(in Excel: Opslaan als → CSV UTF-8) of als Excel-werkmap (.xlsx).") from None


def _separator(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


SEPARATOR_NAMES = {";": "puntkomma", ",": "komma", "\t": "tab"}


def _read_csv(data: bytes) -> Table:
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError:
        raise ImportProblem("De tekens in dit bestand zijn niet te lezen. Sla het op als CSV UTF-8.") from None
    if "\x00" in text:
        raise ImportProblem("Dit is geen tekstbestand (het bevat NUL-tekens). Kies de CSV- of "
                            "Excel-export van het HR-systeem.")
    separator = _separator(text)
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        for cells in reader:
            if len(cells) > MAX_COLUMNS:
                raise ImportProblem(f"Rij {reader.line_num} heeft {len(cells)} kolommen; een bestand om te "
                                    f"importeren heeft er hoogstens {MAX_COLUMNS}.")
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS + 1:
                raise ImportProblem(f"Het bestand heeft meer dan {MAX_ROWS:,} rijen; importeer het in "
                                    "delen.".replace(",", "."))
    except csv.Error as exc:
        # A cell past the csv module's field limit (131,072 characters): no HR export holds that.
        raise ImportProblem(f"Rij {reader.line_num + 1} is niet te lezen als CSV (een cel is veel te lang "
                            "of een aanhalingsteken wordt niet gesloten).") from exc
    return _table(rows, f"CSV ({encoding}, {SEPARATOR_NAMES[separator]})")


def _read_xlsx(data: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise ImportProblem("Dit bestand is geen geldige Excel-werkmap (.xlsx).") from None
    # openpyxl unpacks what the workbook says: a small file that unpacks to gigabytes is refused first.
    if len(members) > 2000 or sum(m.file_size for m in members) > MAX_UNPACKED:
        raise ImportProblem("Deze Excel-werkmap is uitgepakt veel te groot voor een lijst met mensen.")
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken or non-Excel package
        raise ImportProblem("Dit bestand is geen geldige Excel-werkmap (.xlsx).") from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            while cells and cells[-1] == "":
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise ImportProblem(f"Rij {number} heeft {len(cells)} kolommen; een bestand om te "
                                    f"importeren heeft er hoogstens {MAX_COLUMNS}.")
            rows.append((number, cells))
            if len(rows) > MAX_ROWS + 1:
                raise ImportProblem(f"Het blad heeft meer dan {MAX_ROWS:,} rijen; importeer het in "
                                    "delen.".replace(",", "."))
    except ImportProblem:
        raise
    except Exception:
        raise ImportProblem("Het eerste blad van deze Excel-werkmap is niet te lezen.") from None
    finally:
        book.close()
    return _table(rows, f"Excel-werkmap, blad ‘{sheet.title}’")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a personeelsnummer typed as a number
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _table(rows, kind: str) -> Table:
    rows = [(n, [c.strip() for c in cells]) for n, cells in rows]
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        raise ImportProblem("Het bestand is leeg.")
    (_, headers), body = rows[0], rows[1:]
    if not body:
        raise ImportProblem("Het bestand heeft alleen een kopregel; er staan geen mensen in.")
    width = max(len(headers), *(len(c) for _, c in body))
    headers = [h or f"Kolom {i + 1}" for i, h in enumerate(headers + [""] * (width - len(headers)))]
    body = [(n, cells + [""] * (width - len(cells))) for n, cells in body]
    return Table(headers, body, kind)


# ---------------------------------------------------------------- the columns

def recognise(table: Table) -> list[str]:
    """A proposed field for each column, by its name; each field at most once (the first column)."""
    taken, mapping = set(), []
    for index, header in enumerate(table.headers):
        found = _RECOGNISED.get(_key(header), "")
        if found == "manager_email" and _looks_like_numbers(table, index):
            found = "manager_nummer"  # "Leidinggevende" holding numbers names the manager's number
        if found in taken:
            found = ""
        taken.add(found)
        mapping.append(found)
    return mapping


def _looks_like_numbers(table: Table, index: int) -> bool:
    values = [cells[index] for _, cells in table.rows[:50] if cells[index]]
    return bool(values) and not any("@" in v for v in values)


def mapping_problems(mapping: list[str]) -> dict[int, str]:
    """{column index: message} for a mapping that cannot be imported; {-1: message} for the whole."""
    problems, seen = {}, {}
    for index, chosen in enumerate(mapping):
        if chosen not in FIELDS:
            problems[index] = "Kies wat deze kolom is."
        elif chosen and chosen in seen:
            problems[index] = f"‘{FIELDS[chosen]}’ is al gekozen bij een andere kolom."
        seen.setdefault(chosen, index)
    if "email" not in mapping:
        problems[-1] = ("Kies welke kolom het e-mailadres is: iedereen in POP heeft er een, en een persoon "
                        "wordt er (na het personeelsnummer) aan herkend.")
    elif "manager_email" in mapping and "manager_nummer" in mapping:
        problems[mapping.index("manager_nummer")] = "Kies één kolom voor de leidinggevende."
    return problems


# ---------------------------------------------------------------- the plan

@dataclass
class Row:
    number: int
    values: dict  # field -> text, for the fields mapped
    reasons: list[str] = field(default_factory=list)
    person: dict | None = None  # the existing person it matches (a row of _people())
    manager_key: tuple | None = None  # ("email"|"nummer", value) or None for "no manager"
    manager_ref: object = None  # after resolving: a person id, a Row (new in this file) or None

    @property
    def shown_name(self) -> str:
        v = self.values
        return " ".join(p for p in (v.get("voornaam"), v.get("tussenvoegsel"), v.get("achternaam")) if p) \
            or v.get("email") or "(geen naam)"


@dataclass
class Plan:
    created: list = field(default_factory=list)  # Row
    changed: list = field(default_factory=list)  # (Row, [(label, old, new)])
    unchanged: list = field(default_factory=list)  # Row
    refused: list = field(default_factory=list)  # Row with reasons
    deactivated: list = field(default_factory=list)  # person dicts
    missing: list = field(default_factory=list)  # active people not in the file, when not deactivated
    kept_active: list = field(default_factory=list)  # not in the file, but not deactivated (you)
    rows: list = field(default_factory=list)
    # Departments the file names that HR's list (pop/departments.py) lacks: added when HR confirms.
    new_departments: list = field(default_factory=list)

    def digest(self) -> str:
        """What HR saw: confirming checks that the plan made again is the same one."""
        summary = [[r.number for r in self.created],
                   [(r.number, changes) for r, changes in self.changed],
                   [(r.number, r.reasons) for r in self.refused],
                   sorted(p["id"] for p in self.deactivated), self.new_departments]
        return hashlib.sha256(json.dumps(summary, default=str).encode()).hexdigest()[:32]


PERSON_COLUMNS = (Person.id, Person.voornaam, Person.tussenvoegsel, Person.achternaam, Person.email,
                  Person.personeelsnummer, Person.functie, Person.afdeling, Person.manager, Person.role,
                  Person.active, Person.session_version)


def _people() -> list[dict]:
    """Everyone, in one query."""
    return list(Person.select(*PERSON_COLUMNS).dicts())


def make_plan(table: Table, mapping: list[str], deactivate_missing: bool, acting_id: int) -> Plan:
    people = _people()
    by_id = {p["id"]: p for p in people}
    by_email = {p["email"].lower(): p for p in people}
    by_number = {p["personeelsnummer"]: p for p in people if p["personeelsnummer"]}
    columns = [(i, f) for i, f in enumerate(mapping) if f]
    plan = Plan()

    rows = []
    for number, cells in table.rows:
        values = {f: cells[i] for i, f in columns}
        if "email" in values:
            values["email"] = values["email"].lower()
        rows.append(Row(number, values))
    plan.rows = rows
    _departments(rows, plan)

    # Each value once in the file: an e-mail or number twice leaves it unclear which row is right.
    for key, label in (("email", "Dit e-mailadres"), ("personeelsnummer", "Dit personeelsnummer")):
        first_of = {}
        for row in rows:
            value = row.values.get(key)
            if value:
                first_of.setdefault(value, []).append(row)
        for same in first_of.values():
            if len(same) > 1:
                for row in same:
                    others = ", ".join(str(o.number) for o in same if o is not row)
                    row.reasons.append(f"{label} staat ook in rij {others}.")

    for row in rows:
        _check_row(row, by_email, by_number, acting_id)

    # Managers: someone in this file (by what the file says) or already in POP.
    file_email = {r.values["email"]: r for r in rows if r.values.get("email")}
    file_number = {r.values["personeelsnummer"]: r for r in rows if r.values.get("personeelsnummer")}
    manager_field = "manager_email" if "manager_email" in mapping else (
        "manager_nummer" if "manager_nummer" in mapping else None)
    for row in rows:
        if manager_field is None:
            row.manager_ref = row.person["manager"] if row.person else None
            continue
        wanted = row.values.get(manager_field, "")
        if not wanted:
            row.manager_ref = None
            continue
        if manager_field == "manager_email":
            wanted = wanted.lower()
            ref = file_email.get(wanted) or by_email.get(wanted)
        else:
            ref = file_number.get(wanted) or by_number.get(wanted)
        if ref is None:
            row.reasons.append(f"Leidinggevende ‘{wanted}’ is onbekend: niet in dit bestand en niet in POP.")
        elif ref is row or (isinstance(ref, dict) and row.person and ref["id"] == row.person["id"]):
            row.reasons.append("Deze persoon is als eigen leidinggevende opgegeven.")
        else:
            row.manager_ref = ref
    # A Row that refers to an existing person is that person: the row says who they become.
    row_of_person = {r.person["id"]: r for r in rows if r.person}
    for row in rows:
        if isinstance(row.manager_ref, dict):
            row.manager_ref = row_of_person.get(row.manager_ref["id"], row.manager_ref["id"])

    _refuse_loops(rows, by_id, row_of_person)
    # A manager who cannot be imported (and is not in POP yet) cannot be anyone's manager; repeat, as
    # that can refuse the rows under them in turn.
    changed = True
    while changed:
        changed = False
        for row in rows:
            ref = row.manager_ref
            if not row.reasons and isinstance(ref, Row) and ref.reasons and ref.person is None:
                row.reasons.append(f"De leidinggevende in rij {ref.number} kan niet worden geïmporteerd.")
                changed = True

    # A person who becomes someone's manager needs the role to act as one (pop.access.acts_as_manager).
    managers = set()
    for row in rows:
        if not row.reasons and row.manager_ref is not None:
            managers.add(id(row.manager_ref) if isinstance(row.manager_ref, Row) else row.manager_ref)

    for row in rows:
        if row.reasons:
            plan.refused.append(row)
            continue
        role = row.values.get("role_key")
        is_manager = id(row) in managers or (row.person and row.person["id"] in managers)
        if row.person is None:
            row.values["role_key"] = role or ("leidinggevende" if is_manager else "medewerker")
            plan.created.append(row)
            continue
        person = row.person
        if not role:
            role = "leidinggevende" if is_manager and person["role"] == "medewerker" else person["role"]
        row.values["role_key"] = role
        changes = []
        for name in PERSON_FIELDS:
            if name in row.values and row.values[name] != (person[name] or ""):
                changes.append((CHANGE_LABELS[name], person[name] or "", row.values[name]))
        new_manager = _manager_id(row.manager_ref)
        if new_manager != person["manager"]:
            changes.append((CHANGE_LABELS["manager"], _name_of(by_id.get(person["manager"])),
                            _ref_name(row.manager_ref, by_id)))
        if role != person["role"]:
            changes.append((CHANGE_LABELS["role"], ROLES[person["role"]], ROLES[role]))
        if not person["active"]:
            changes.append((CHANGE_LABELS["active"], "nee", "ja"))
        (plan.changed.append((row, changes)) if changes else plan.unchanged.append(row))

    in_file = {r.person["id"] for r in rows if r.person}
    for person in people:
        if person["active"] and person["id"] not in in_file:
            if person["id"] == acting_id:
                plan.kept_active.append(person)  # HR who imports never locks themselves out
            elif deactivate_missing:
                plan.deactivated.append(person)
            else:
                plan.missing.append(person)
    # Only a department a row that will be imported names is new (not one of a refused row alone).
    used = {r.values.get("afdeling") for r in plan.created} | {r.values.get("afdeling") for r, _ in plan.changed}
    plan.new_departments = [name for name in plan.new_departments if name in used]
    return plan


def _departments(rows: list[Row], plan: Plan) -> None:
    """Each row's department as HR's list spells it, whatever the file's case and spaces; a department
    not in the list yet takes the file's first spelling (spaces collapsed) and is named in the preview as
    a new department, added when HR confirms."""
    known = {departments.key(name): name for name in departments.names()}
    for row in rows:
        typed = departments.clean(row.values.get("afdeling", ""))
        if "afdeling" not in row.values:
            continue
        if typed and departments.key(typed) not in known:
            known[departments.key(typed)] = typed
            plan.new_departments.append(typed)
        row.values["afdeling"] = known[departments.key(typed)] if typed else ""


def _check_row(row: Row, by_email: dict, by_number: dict, acting_id: int) -> None:
    v, reasons = row.values, row.reasons
    for name, value in list(v.items()):
        if control_characters(value):
            reasons.append(f"{FIELDS[name]} bevat een regeleinde, tab of onzichtbaar teken.")
        limit = getattr(Person, name).max_length if name in PERSON_FIELDS else 254
        if len(value) > limit:
            reasons.append(f"{FIELDS[name]} is te lang: {len(value)} tekens, hoogstens {limit}.")
    email = v.get("email", "")
    if not email:
        reasons.append("Geen e-mailadres.")
    elif not EMAIL.match(email):
        reasons.append(f"‘{email[:100]}’ is geen geldig e-mailadres.")
    if "role" in v:
        word = v.pop("role")
        role = ROLE_WORDS.get(_key(word)) if word else None
        if word and role is None:
            reasons.append(f"Onbekende rol ‘{word[:50]}’: kies Medewerker, Leidinggevende of HR.")
        v["role_key"] = role
    number = v.get("personeelsnummer", "")
    person = by_number.get(number) if number else None
    by_mail = by_email.get(email) if email else None
    if person is not None and by_mail is not None and by_mail["id"] != person["id"]:
        reasons.append(f"Het e-mailadres hoort in POP bij {_name_of(by_mail)}, het personeelsnummer bij "
                       f"{_name_of(person)}.")
    person = person or by_mail
    if person is not None and number and person["personeelsnummer"] and person["personeelsnummer"] != number:
        reasons.append(f"In POP heeft {_name_of(person)} personeelsnummer {person['personeelsnummer']}, "
                       f"niet {number}.")
    row.person = person
    if person is None:
        for name in ("voornaam", "achternaam"):
            if not v.get(name):
                reasons.append(f"Geen {FIELDS[name].lower()}: nodig voor een nieuwe persoon.")
    elif person["id"] == acting_id and v.get("role_key") not in (None, "hr"):
        reasons.append("Uw eigen rol HR kan niet via een import worden afgenomen.")


def _refuse_loops(rows, by_id, row_of_person) -> None:
    """Refuse every row in a manager chain that comes back to itself, after the import: the file's
    managers for its people, POP's for everyone else."""
    def next_of(node):
        if isinstance(node, Row):
            return node.manager_ref
        row = row_of_person.get(node)
        if row is not None:
            return row
        person = by_id.get(node)
        return person["manager"] if person else None

    def key(node):
        return ("r", id(node)) if isinstance(node, Row) else ("p", node)

    done = set()
    for start in rows:
        path, position, node = [], {}, start
        while node is not None and key(node) not in done and key(node) not in position:
            position[key(node)] = len(path)
            path.append(node)
            node = next_of(node)
        if node is not None and key(node) in position:
            loop = path[position[key(node)]:]
            names = " → ".join(_node_name(n, by_id) for n in loop + loop[:1])
            for member in loop:
                if isinstance(member, Row) and not any("kring" in r for r in member.reasons):
                    member.reasons.append(f"De leidinggevenden vormen een kring: {names}.")
        done.update(key(n) for n in path)


def _node_name(node, by_id) -> str:
    return node.shown_name if isinstance(node, Row) else _name_of(by_id.get(node))


def _manager_id(ref):
    if isinstance(ref, Row):
        return ref.person["id"] if ref.person else ("new", id(ref))
    return ref


def _ref_name(ref, by_id) -> str:
    if ref is None:
        return "— geen —"
    return ref.shown_name if isinstance(ref, Row) else _name_of(by_id.get(ref))


def _name_of(person: dict | None) -> str:
    if not person:
        return "— geen —"
    return " ".join(p for p in (person["voornaam"], person["tussenvoegsel"], person["achternaam"]) if p)


# ---------------------------------------------------------------- writing

class Changed(Exception):
    """POP changed between the preview and the confirmation: the plan is not what HR saw."""


def apply(table: Table, mapping: list[str], deactivate_missing: bool, acting_id: int,
          expected_digest: str) -> Plan:
    """Plan again and write it, all in one transaction (under the write lock, so no save of the people
    page slips in between). Raises Changed when the plan differs from what HR confirmed."""
    with write_lock():
        plan = make_plan(table, mapping, deactivate_missing, acting_id)
        if plan.digest() != expected_digest:
            raise Changed()
        for name in plan.new_departments:
            departments.canonical(name, create=True)
        _create(plan)
        _update(plan)
        _deactivate(plan)
        _log(plan, acting_id)
    return plan


def _log(plan: Plan, acting_id: int) -> None:
    """The security log: the import's counts, and each role, manager and active state it changed (old
    → new), as the people page logs them. Never the file's other contents."""
    from . import security_log

    _, actor_name = security_log._who(acting_id)
    actor = (acting_id, actor_name)
    lines = [("import_bevestigd", actor, (None, ""),
              f"{len(plan.created)} nieuw, {len(plan.changed)} gewijzigd, {len(plan.deactivated)} "
              f"gedeactiveerd, {len(plan.unchanged)} ongewijzigd, {len(plan.refused)} rijen niet "
              "geïmporteerd")]
    kinds = {CHANGE_LABELS["role"]: "rol_gewijzigd", CHANGE_LABELS["manager"]: "leidinggevende_gewijzigd",
             CHANGE_LABELS["active"]: "geactiveerd"}
    for row, changes in plan.changed:
        subject = (row.person["id"], _name_of(row.person))
        for label, old, new in changes:
            if label in kinds:
                detail = "bij import" if label == CHANGE_LABELS["active"] else \
                    f"van ‘{old or 'geen'}’ naar ‘{new or 'geen'}’ bij import"
                lines.append((kinds[label], actor, subject, detail))
    for person in plan.deactivated:
        lines.append(("gedeactiveerd", actor, (person["id"], _name_of(person)),
                      "bij import: niet in het bestand; sessies beëindigd"))
    security_log.record_many(lines)


def _create(plan: Plan) -> None:
    new = [{"voornaam": r.values.get("voornaam", ""), "tussenvoegsel": r.values.get("tussenvoegsel", ""),
            "achternaam": r.values.get("achternaam", ""), "email": r.values["email"],
            "personeelsnummer": r.values.get("personeelsnummer") or None,
            "functie": r.values.get("functie", ""), "afdeling": r.values.get("afdeling", ""),
            "role": r.values["role_key"], "password_hash": "", "active": True, "session_version": 0}
           for r in plan.created]
    # No password: a new person logs in through an invitation (or the directory), never with an empty
    # one (Person.check_password refuses an empty hash).
    for start in range(0, len(new), BATCH):
        Person.insert_many(new[start:start + BATCH]).execute()
    if plan.created:
        ids = dict(Person.select(Person.email, Person.id).where(
            Person.email.in_([r.values["email"] for r in plan.created])).tuples())
        for row in plan.created:
            row.person = {"id": ids[row.values["email"]], "new": True}


def _update(plan: Plan) -> None:
    """Every changed field of existing people, and the managers of everyone in the file (new people's
    managers need the ids made by _create)."""
    updates = []
    for row, changes in plan.changed:
        person = row.person
        values = {name: (row.values.get(name, person[name] or "") or None) if name == "personeelsnummer"
                  else row.values.get(name, person[name]) for name in PERSON_FIELDS}
        values["role"] = row.values["role_key"]
        if not person["active"]:
            # As the people page does (pop.people.save_person): a new session version, so an old
            # cookie of this person does not come back to life with the account.
            values["active"] = True
            values["session_version"] = (person["session_version"] or 0) + 1
        updates.append((person["id"], values))
    for row in plan.created:
        if row.manager_ref is not None:
            updates.append((row.person["id"], {}))
    manager_of = {}
    for row in list(plan.created) + [r for r, _ in plan.changed]:
        ref = row.manager_ref
        manager_of[row.person["id"]] = ref.person["id"] if isinstance(ref, Row) else ref
    # One UPDATE per person would be 10,000 statements; rows with the same columns go in one statement
    # per batch (CASE id WHEN ... per column).
    groups = {}
    for person_id, values in updates:
        values = {**values, "manager": manager_of[person_id]}
        groups.setdefault(tuple(sorted(values)), []).append((person_id, values))
    for names, items in groups.items():
        for start in range(0, len(items), BATCH):
            chunk = items[start:start + BATCH]
            ids = [pid for pid, _ in chunk]
            sets = {}
            for name in names:
                case = Case(Person.id, [(pid, v[name]) for pid, v in chunk])
                # On PostgreSQL a CASE of only NULLs is text, which an integer column refuses.
                sets[getattr(Person, name)] = case.cast("INTEGER") if name == "manager" else case
            Person.update(sets).where(Person.id.in_(ids)).execute()
    # Back from leaving: their retention period no longer runs (pop/retention.py).
    back = [row.person["id"] for row, _ in plan.changed if not row.person["active"]]
    for start in range(0, len(back), BATCH):
        Person.update(left_at=None).where(Person.id.in_(back[start:start + BATCH])).execute()


def _deactivate(plan: Plan) -> None:
    ids = [p["id"] for p in plan.deactivated]
    for start in range(0, len(ids), BATCH):
        # A new session version ends their sessions at once, as deactivating on the people page does;
        # left_at starts their retention period (pop/retention.py).
        Person.update(active=False, session_version=Person.session_version + 1, left_at=now()).where(
            Person.id.in_(ids[start:start + BATCH])).execute()
