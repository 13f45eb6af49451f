"""The names HR gives fields in Word ("Naam", «Datum_POPgesprek», a content control titled "Afdeling")
matched to the placeholders of exports/context.py, by the labels of the form definition.

Names are compared loosely: case, accents, punctuation, spaces and underscores do not count, because
Word's mail merge writes «Datum_POPgesprek» for a column "Datum POP-gesprek" and HR types what the paper
says. What a name means, in this order:

1. a placeholder path as the help page lists it (medewerker.naam, on_the_job.coaching.past_plus);
2. a question's label on the form ("Datum POP-gesprek:" → datum_pop_gesprek); a grid cell by its row and
   column ("Coaching past", "Coaching Past bij mijn leerdoel?"); an akkoord line by its label (the name),
   or its label and "datum";
3. a person or the plan by meaning ("Naam", "Functie leidinggevende", "Periode", "E-mail").

The header of a plan: "Naam", "Afdeling" and "Functie" mean what the plan's own header says (the
form's questions medewerker_naam, medewerker_afdeling, ...: taken from the personnel record when the
plan was started and corrected by the employee where it was wrong), not what the personnel record says
today. A plan is a record of its year: last year's plan of someone who has since moved keeps last
year's afdeling. A form without such a question falls back to the record (medewerker.afdeling).

An option (a checkbox content control, or a merge field printing "X") is named by its field and option:
"evaluatie_optie=achteraf", "on_the_job.coaching.past=plus", "Coaching past +", "Reis ja" (a grid with
one column needs no column), the option's own label ("Achteraf ‘bewijzen’ leveren"), or the per-option
placeholder itself (on_the_job.coaching.past_plus).
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from forms.kinds import Choice, Matrix, Signature, Table

PEOPLE = {"naam": "Naam", "voornaam": "Voornaam", "tussenvoegsel": "Tussenvoegsel",
          "achternaam": "Achternaam", "email": "E-mailadres", "functie": "Functie",
          "afdeling": "Afdeling"}
PLAN = {"periode": "Periode", "status": "Status", "formulier": "Formulier",
        "bijgewerkt": "Laatst bijgewerkt"}
ROLES = {"medewerker": ("employee", "Medewerker"), "leidinggevende": ("manager", "Leidinggevende")}
# Other words HR uses for the same thing.
SYNONYMS = {"email": ("E-mail", "Email", "Mail", "E-mailadres"), "naam": ("Volledige naam", "Name"),
            "afdeling": ("Department", "Team", "Afd"), "functie": ("Job title", "Functietitel", "Position")}
ROLE_WORDS = {"medewerker": ("Medewerker", "Werknemer", "Employee"),
              "leidinggevende": ("Leidinggevende", "Manager", "Chef", "Teamleider")}
PLAN_WORDS = {"periode": ("Periode", "Jaar", "POP-periode", "Planperiode"), "status": ("Status",),
              "formulier": ("Formulier",), "bijgewerkt": ("Laatst bijgewerkt", "Bijgewerkt")}
MARKS = {"+": "+", "±": "±", "+/-": "±", "+-": "±", "-": "–", "–": "–", "—": "–", "−": "–"}
OPTION_AT_END = re.compile(r"\s*(\+/-|\+-|[+±–\-—−])\s*$")
STOPWORDS = {"de", "het", "een", "van", "en", "op", "in", "uw", "mijn", "ik", "is", "of", "aan", "voor",
             "met", "te", "dat", "die", "wat", "hoe", "bij"}


def loose(text: str) -> str:
    """A name as compared: letters and digits only, lower case, without accents."""
    text = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return [w for w in re.split(r"[^0-9a-z]+", text) if w and w not in STOPWORDS]


@dataclass
class Names:
    """Everything one form lets a name mean, built once per definition."""

    paths: dict[str, str] = field(default_factory=dict)  # printable path -> what it is, in Dutch
    exact: dict[str, str] = field(default_factory=dict)  # path.casefold() -> path
    by_name: dict[str, str | None] = field(default_factory=dict)  # loose name -> path (None: ambiguous)
    options: dict[str, dict[str, str]] = field(default_factory=dict)  # loose field name -> {loose option: path}
    option_names: dict[str, str | None] = field(default_factory=dict)  # loose option label -> path
    option_paths: set[str] = field(default_factory=set)  # the per-option placeholders
    with_options: dict[str, str] = field(default_factory=dict)  # a choice or grid cell -> an option
    tables: dict[str, tuple[str, str]] = field(default_factory=dict)  # loose name -> (key, label)
    grids: dict[str, tuple[str, str]] = field(default_factory=dict)
    columns: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # -> (table, column, label)
    meaning: dict[str, set[str]] = field(default_factory=dict)  # path -> its words


def _add(table: dict, name: str, path: str | None) -> None:
    key = loose(name)
    if not key:
        return
    if key in table and table[key] != path:
        table[key] = None  # two things answer to this name: neither is meant for sure
    else:
        table[key] = path


_CACHE: dict[int, tuple[object, Names]] = {}


def names_of(definition) -> Names:
    cached = _CACHE.get(id(definition))
    if cached is None or cached[0] is not definition:
        cached = (definition, _build(definition))
        _CACHE[id(definition)] = cached
    return cached[1]


def _build(definition) -> Names:
    names = Names()
    labels: dict[str, str | None] = {}  # step 2
    meanings: dict[str, str | None] = {}  # step 3

    def printable(path: str, what: str, *meaning: str) -> None:
        names.paths[path] = what
        names.exact[path.casefold()] = path
        names.meaning[path] = set(words(" ".join((path.replace("_", " "), what) + meaning)))

    prefilled = {f.prefill: f.key for f in definition.fields if f.prefill}
    for role, (source, role_label) in ROLES.items():
        for attribute, label in PEOPLE.items():
            printable(f"{role}.{attribute}", f"{role_label}: {label.lower()}", *SYNONYMS.get(attribute, ()))
            # The plan's own header question for this, where the form has one (see the docstring).
            target = prefilled.get(f"{source}.{attribute}", f"{role}.{attribute}")
            for word in (label, *SYNONYMS.get(attribute, ())):
                for role_word in ROLE_WORDS[role]:
                    _add(meanings, f"{word} {role_word}", target)
                    _add(meanings, f"{role_word} {word}", target)
                if role == "medewerker":
                    _add(meanings, word, target)
        for role_word in ROLE_WORDS[role]:
            _add(meanings, role_word, prefilled.get(f"{source}.naam", f"{role}.naam"))
    for attribute, label in PLAN.items():
        printable(f"plan.{attribute}", f"Plan: {label.lower()}")
        for word in PLAN_WORDS[attribute]:
            _add(meanings, word, f"plan.{attribute}")

    for f in definition.fields:
        label = f.label.rstrip(":").strip()
        if isinstance(f, Table):
            names.tables[loose(label)] = names.tables[loose(f.key)] = (f.key, label)
            for column in f.columns:
                for path in _row_paths(column):  # inside its {%tr for r in … %} row
                    names.exact[f"r.{path}".casefold()] = f"r.{path}"
                names.columns[loose(column.label)] = (f.key, column.key, column.label)
            continue
        if f.kind in ("smart", "costs", "checklist"):
            printable(f.key, label)
            _add(labels, label, f.key)
            for path, what, *called in _group_paths(f):
                printable(path, what)
                for name in called:
                    _add(labels, name, path)
            continue
        if isinstance(f, Matrix):
            names.grids[loose(label)] = (f.key, label)
            names.grids[loose(f.key)] = (f.key, label)
            _add_grid(names, labels, f)
            continue
        if isinstance(f, Signature):
            for part, what in (("naam", "naam"), ("datum", "datum")):
                path = f"{f.key}.{part}"
                printable(path, f"{label}: {what}")
                _add(labels, f"{label} {what}", path)
            _add(labels, label, f"{f.key}.naam")
            continue
        printable(f.key, label)
        _add(labels, label, f.key)
        if f.kind == "check":  # and its answers as the options ja and nee: "Besproken=ja"
            printable(f"{f.key}_vakje", f"{label} (als aankruisvakje)")
            options = names.options.setdefault(loose(f.key), {})
            names.options.setdefault(loose(label), options)
            for value in ("ja", "nee"):
                path = f"{f.key}_{value}"
                printable(path, f"{label}: {value} (X als {'aangevinkt' if value == 'ja' else 'niet aangevinkt'})")
                names.option_paths.add(path)
                options[value] = path
        if isinstance(f, Choice):
            printable(f"{f.key}_vakjes", f"{label} (als aankruisvakjes)")
            names.with_options[f.key] = f.options[0][0] if f.options else ""
            options = names.options.setdefault(loose(f.key), {})
            names.options.setdefault(loose(label), options)
            for value, option_label in f.options:
                path = f"{f.key}_{value}"
                printable(path, f"{label}: {option_label} (X als gekozen)")
                names.option_paths.add(path)
                options[loose(value)] = path
                options[loose(option_label)] = path
                _add(names.option_names, option_label, path)

    # Earlier steps win: a path as written, then a label, then a meaning.
    for table in (labels, meanings):
        for key, path in table.items():
            names.by_name.setdefault(key, path)
    for path in names.paths:
        names.by_name.setdefault(loose(path), path)
    return names


def _row_paths(column) -> list[str]:
    """What a row of a table prints of one column (after "r."): the column itself, and its options,
    letters or points (see exports/context.py)."""
    paths = [column.key]
    if isinstance(column, Choice):
        paths.append(f"{column.key}_vakjes")
        paths += [f"{column.key}_{option}" for option, _ in column.options]
    elif column.kind == "check":
        paths += [f"{column.key}_vakje", f"{column.key}_ja", f"{column.key}_nee"]
    elif column.kind in ("smart", "checklist"):
        paths += [path.replace("\0", column.key, 1) for path, *_ in _group_paths(column, "\0")]
    return paths


def _group_paths(f, key: str | None = None) -> list[tuple[str, ...]]:
    """(path, what it is, names HR may give it...) of each part of a SMART check, cost grid or
    checklist."""
    from exports.context import checklist_groups, smart_letters

    key = key or f.key
    label = f.label.rstrip(":").strip()
    out = []
    if f.kind == "smart":
        for letter_key, letter, letter_label, _ in smart_letters(f):
            out.append((f"{key}.{letter_key}", f"{label}: {letter_label}", f"{label} {letter_label}",
                        f"{label} {letter}", letter_label))
            out.append((f"{key}.{letter_key}_vakje", f"{label}: {letter_label} (als aankruisvakje)"))
        out.append((f"{key}.ontbreekt", f"{label}: de letters zonder uitleg", f"{label} ontbreekt"))
    elif f.kind == "costs":
        for spec in f.rows:
            for column, heading in f.columns:
                out.append((f"{key}.{spec.key}.{column}", f"{spec.label}: {heading.lower()}",
                            f"{spec.label} {column}", f"{spec.label} {heading}"))
        out.append((f"{key}.totaal_euro", f"{label}: totaal bedrag", f"{label} totaal euro", "Totaal euro",
                    "Totaal bedrag"))
        out.append((f"{key}.totaal_uren", f"{label}: totaal uren", f"{label} totaal uren", "Totaal uren"))
    elif f.kind == "checklist":
        for title, points in checklist_groups(f):
            for item, text in points:
                out.append((f"{key}.{item}.af", f"{title}: {text} (ja als afgevinkt)", text,
                            f"{key} {item}"))
                out.append((f"{key}.{item}.vakje", f"{title}: {text} (als aankruisvakje)"))
                out.append((f"{key}.{item}.notitie", f"{title}: {text}: notitie", f"{text} notitie",
                            f"{key} {item} notitie"))
    return out


def _add_grid(names: Names, labels: dict, grid: Matrix) -> None:
    row_keys = [r.key for r in grid.rows]
    for row in grid.rows:
        for col_key, heading in grid.columns:
            cell = f"{grid.key}.{row.key}.{col_key}"
            names.paths[cell] = f"{row.label}: {heading} (het gekozen teken)"
            names.exact[cell.casefold()] = cell
            names.meaning[cell] = set(words(f"{row.label} {heading} {col_key}"))
            vakjes = f"{cell}_vakjes"
            names.paths[vakjes] = f"{row.label}: {heading} (als aankruisvakjes)"
            names.exact[vakjes.casefold()] = vakjes
            first_word = heading.split()[0] if heading.split() else col_key
            cell_names = {f"{row.label} {heading}", f"{row.label} {col_key}", f"{row.label} {first_word}",
                          f"{grid.key} {row.key} {col_key}"}
            if row_keys.count(row.key) == 1:
                cell_names.add(f"{row.key} {col_key}")
            if len(grid.columns) == 1:
                cell_names |= {row.label, row.key}
            names.with_options[cell] = grid.scale[0][0] if grid.scale else ""
            options: dict[str, str] = {}
            for value, mark in grid.scale:
                path = f"{cell}_{value}"
                names.paths[path] = f"{row.label}: {heading}, {mark} (X als gekozen)"
                names.exact[path.casefold()] = path
                names.option_paths.add(path)
                options[loose(value)] = path
                options[mark] = path
            for name in cell_names:
                _add(labels, name, cell)
                names.options.setdefault(loose(name), options)


def resolve(name: str, definition) -> str | None:
    """The printable placeholder path a name means, or None when it means nothing or several things
    (see the module's docstring)."""
    if definition is None:
        return None
    names = names_of(definition)
    written = name.strip().strip("«»").strip()
    if written.casefold() in names.exact:
        return names.exact[written.casefold()]
    if "=" in written or OPTION_AT_END.search(written):
        # "Coaching past +": loosely compared the mark would vanish and leave the cell.
        option = resolve_option(written, definition)
        if option:
            return option
    key = loose(written)
    if key in names.by_name:
        return names.by_name[key]
    return resolve_option(written, definition)


def resolve_option(name: str, definition) -> str | None:
    """The per-option placeholder ("X" when chosen) an option's name means, or None."""
    names = names_of(definition)
    written = name.strip().strip("«»").strip()
    if names.exact.get(written.casefold()) in names.option_paths:
        return names.exact[written.casefold()]
    for cell, option in _splits(written):
        options = names.options.get(loose(cell))
        if options is None:
            continue
        chosen = options.get(MARKS.get(option.replace(" ", ""), "")) or options.get(loose(option))
        if chosen:
            return chosen
    return names.option_names.get(loose(written)) or None


def _splits(name: str):
    """(field, option) readings of a name: around '=' or ':', a mark at the end ("Coaching past +"),
    or any split between words, the longest field first."""
    for separator in ("=", ":"):
        if separator in name:
            left, _, right = name.rpartition(separator)
            yield left, right.strip()
    mark = OPTION_AT_END.search(name)
    if mark and name[:mark.start()].strip():
        yield name[:mark.start()], mark.group(1)
    tokens = [t for t in re.split(r"[\s_.]+", name) if t]
    for i in range(len(tokens) - 1, 0, -1):
        yield " ".join(tokens[:i]), " ".join(tokens[i:])


def needs_option(path: str, definition) -> bool:
    """Whether path is a question with options (a choice, a grid cell) rather than one option of it."""
    return definition is not None and path in names_of(definition).with_options


def example_option(path: str, definition) -> str:
    return names_of(definition).with_options.get(path, "")


def is_option(path: str, definition) -> bool:
    return definition is not None and path in names_of(definition).option_paths


def suggest(name: str, definition, limit: int = 3) -> list[str]:
    """Placeholders a name may have meant, best first: what it means (resolve), then paths sharing its
    words ("naam" → medewerker.naam), then close spellings. Empty when nothing of the form comes close,
    so that a field the form does not have ("personeelsnummer") is called that, not a near miss."""
    if definition is None:
        return []
    names = names_of(definition)
    found: list[str] = []

    def add(path):
        if path and path not in found:
            found.append(path)

    meant = resolve(name, definition)
    add(meant)
    if meant and meant in (f.key for f in definition.fields) and \
            (definition.field(meant).prefill or "").split(".")[-1] in PEOPLE:
        # The header question and the personnel record name the same thing.
        role = "medewerker" if definition.field(meant).prefill.startswith("employee") else "leidinggevende"
        found.insert(0, f"{role}.{definition.field(meant).prefill.split('.')[-1]}")
    asked = set(words(name.replace("_", " ").replace(".", " ")))
    if asked:
        scored = []
        for path, meaning in names.meaning.items():
            shared = len(asked & meaning)
            if shared:
                scored.append((-shared / len(asked), len(meaning - asked), len(path), path))
        best = min((s[0] for s in scored), default=0)
        for score in sorted(scored):
            if score[0] == best and best <= -0.5:
                add(score[3])
    spelled = {loose(p.rsplit(".", 1)[-1]): p for p in names.paths}
    spelled.update({loose(p): p for p in names.paths})
    for close in difflib.get_close_matches(loose(name), list(spelled), n=limit, cutoff=0.8):
        add(spelled[close])
    return found[:limit]


def question_of(path: str, definition) -> str | None:
    """The key of the form's question a placeholder path prints (part of): on_the_job.coaching.past_plus
    and evaluatie_optie_achteraf belong to on_the_job and evaluatie_optie; None for a person or the plan."""
    if definition is None:
        return None
    keys = {f.key for f in definition.fields}
    head = path.split(".")[0].split("[")[0]
    if head in keys:
        return head
    names = names_of(definition)
    if path in names.option_paths or path.endswith(("_vakjes", "_vakje")):
        return next((k for k in sorted(keys, key=len, reverse=True) if path.startswith(k + "_")), None)
    return None


def table_named(name: str, definition) -> tuple[str, str] | None:
    """(key, label) of the table a name means: a table cannot be printed by one field."""
    return names_of(definition).tables.get(loose(name)) if definition is not None else None


def grid_named(name: str, definition) -> tuple[str, str] | None:
    return names_of(definition).grids.get(loose(name)) if definition is not None else None


def column_named(name: str, definition) -> tuple[str, str, str] | None:
    return names_of(definition).columns.get(loose(name)) if definition is not None else None


def why_unknown(name: str, definition) -> str:
    """The end of a Dutch sentence about a name that means no placeholder: what it is instead, or that
    the form does not have it, and what HR may have meant."""
    table = table_named(name, definition)
    if table:
        return (f"dit is een hele tabel (‘{table[1]}’), die niet in één veld past. Zet in een tabelrij "
                f"{{%tr for r in {table[0]} %}}, in de rij daaronder de kolommen (bijvoorbeeld "
                f"{{{{ r.… }}}}) en daaronder {{%tr endfor %}}.")
    grid = grid_named(name, definition)
    if grid:
        return (f"dit is het raster ‘{grid[1]}’, dat niet in één veld past: geef elk vakje een eigen "
                f"veld, bijvoorbeeld {grid[0]}.<rij>.<kolom>.")
    column = column_named(name, definition)
    if column:
        return (f"dit is de kolom ‘{column[2]}’ van een tabel: zet {{{{ r.{column[1]} }}}} in een "
                f"tabelrij tussen {{%tr for r in {column[0]} %}} en {{%tr endfor %}}.")
    shown = " ".join(name.split()) or "(zonder naam)"
    sentence = f"‘{shown.lower()}’ bestaat niet in dit formulier."
    maybe = suggest(name, definition)
    if maybe:
        sentence += " Bedoelt u " + " of ".join(maybe) + "?"
    return sentence
