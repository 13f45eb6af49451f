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

from forms.kinds import Matrix, Table

from exports.kind_placeholders import Placeholder, placeholders_of

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

    # The questions: each kind says what it prints and the names HR may give it (kind_placeholders).
    for f in definition.fields:
        label = f.label.rstrip(":").strip()
        if isinstance(f, Table):  # not printable itself: its columns, inside its row loop
            names.tables[loose(label)] = names.tables[loose(f.key)] = (f.key, label)
            for column, found in placeholders_of(f).columns():
                for p in found:
                    names.exact[f"r.{p.path}".casefold()] = f"r.{p.path}"
                names.columns[loose(column.label)] = (f.key, column.key, column.label)
            continue
        if isinstance(f, Matrix):  # a grid named whole, which no one field can print
            names.grids[loose(label)] = names.grids[loose(f.key)] = (f.key, label)
        groups: dict[str, dict[str, str]] = {}  # a question's options, by its path
        for p in placeholders_of(f).placeholders(f.key):
            _add_placeholder(names, labels, groups, p)

    # Earlier steps win: a path as written, then a label, then a meaning.
    for table in (labels, meanings):
        for key, path in table.items():
            names.by_name.setdefault(key, path)
    for path in names.paths:
        names.by_name.setdefault(loose(path), path)
    return names


def _add_placeholder(names: Names, labels: dict, groups: dict, p: Placeholder) -> None:
    names.paths[p.path] = p.what
    names.exact[p.path.casefold()] = p.path
    meaning = words(f"{p.path.replace('_', ' ')} {p.what}" if p.meaning is None else p.meaning)
    if meaning:
        names.meaning[p.path] = set(meaning)
    for name in p.names:
        _add(labels, name, p.path)
    if p.first_option is not None:
        names.with_options[p.path] = p.first_option
    if p.options:  # "Coaching past +", "Besproken=ja": the options are found under these names
        group = names.options.setdefault(loose(p.options[0]), {})
        for name in p.options[1:]:
            names.options.setdefault(loose(name), group)
        groups[p.path] = group
    if p.option_of:
        names.option_paths.add(p.path)
        for word in p.chosen_by:
            groups[p.option_of][loose(word) or word] = p.path  # a mark (+, ±, –) as it is
    if p.option_label:
        _add(names.option_names, p.option_label, p.path)


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
