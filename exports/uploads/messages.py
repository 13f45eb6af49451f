"""What HR reads when a template has a mistake: plain Dutch, where it is, and what to write instead.
Jinja's own messages are English and speak of tokens and blocks; none of that reaches the page."""
from __future__ import annotations

import difflib
import re

from jinja2 import TemplateSyntaxError

from forms.kinds import Table

from exports.context import alike
from exports.kind_placeholders import placeholders_of
from exports.word.engine import TemplateProblem

HELP = "Zie ‘Welke plaatshouders?’ voor alle namen die dit formulier kent."


def syntax(message: str) -> str:
    """The end of a sentence that starts with the tag and its place: why Jinja could not read it."""
    unexpected = re.search(r"unexpected char '(.+?)'", message)
    if unexpected:
        return (f"bevat het teken ‘{unexpected.group(1)}’, dat in een plaatshouder niet kan staan. "
                "Typ de naam zonder aanhalingstekens of andere tekens, bijvoorbeeld {{ medewerker.naam }}.")
    got = re.search(r"expected token '(?:end of print statement|end of statement block)', got '(.+?)'",
                    message)
    if got:
        return (f"bevat een spatie midden in een naam (bij ‘{got.group(1)}’). Namen worden aaneen "
                "geschreven, met punten en liggende streepjes: {{ medewerker.naam }}, {{ meer_doen }}.")
    if "unexpected '}'" in message or "unexpected end of template" in message.lower() \
            or "expected token 'end of print statement'" in message:
        return ("is niet goed afgesloten. Een plaatshouder heeft twee accolades aan beide kanten: "
                "{{ medewerker.naam }}; een opdracht staat tussen {% en %}.")
    unknown_filter = re.search(r"No (?:filter|test) named '(.+?)'", message)
    if unknown_filter and unknown_filter.group(1) == "format":
        return ("gebruikt ‘format’, dat een sjabloon hier niet kan gebruiken. Schrijf in plaats daarvan "
                "{{ '%s uur' % aantal }} of {{ '{} uur'.format(aantal) }}; die werken hier wel.")
    if unknown_filter:
        return (f"gebruikt ‘{unknown_filter.group(1)}’, dat een sjabloon hier niet kan gebruiken. Laat het "
                "weg: een plaatshouder drukt het antwoord af zoals het is ingevuld.")
    if "expected an expression" in message or "expected name" in message:
        return "mist de naam van een vraag. Zet er een naam in, bijvoorbeeld {{ medewerker.naam }}."
    return ("kan niet worden gelezen. Controleer de accolades {{ … }} en de opdrachten {% … %}, en "
            "vergelijk met de lijst met plaatshouders.")


JINJA_RUNTIME = (
    (re.compile(r"'(\w+)' is undefined"), "‘{0}’ bestaat niet in dit formulier. " + HELP),
    (re.compile(r"has no attribute '(\w+)'"), "‘{0}’ bestaat niet in dit formulier. " + HELP),
    (re.compile(r"is not iterable"), "een {% for %} loopt over iets wat geen tabel is. Gebruik een "
                                     "tabel, zoals {%tr for r in kwaliteiten %}."),
    (re.compile(r"division by zero"), "het sjabloon deelt door nul."),
    (re.compile(r"unsupported operand|can only concatenate|not supported between"),
     "het sjabloon rekent met tekst alsof het een getal is."),
)


def runtime(message: str) -> str | None:
    for pattern, dutch in JINJA_RUNTIME:
        match = pattern.search(message)
        if match:
            return dutch.format(*match.groups())
    return None


def in_dutch(exc: TemplateProblem) -> TemplateProblem:
    """The same refusal with the English that Jinja put into it said in Dutch."""
    cause = exc.__cause__
    text = str(exc)
    if isinstance(cause, TemplateSyntaxError) and cause.message and cause.message in text:
        head = text.split(cause.message)[0].rstrip(": ")
        return TemplateProblem(f"{head}: de tekst {syntax(cause.message)}")
    dutch = runtime(text)
    if dutch:  # Jinja's English from a render, e.g. "'dict object' has no attribute 'x'"
        return TemplateProblem(f"Het sjabloon kon niet worden ingevuld: {dutch}")
    return exc


# ---------------------------------------------------------------- names the form does not have

def _tables(definition) -> list:
    return [f for f in definition.fields if isinstance(f, Table)]


def unknown_name(path: str, where: str, known: list[str], context: dict, definition,
                 in_scope: dict) -> str:
    shown = f"{{{{ {path} }}}}"
    base, _, rest = path.partition(".")
    # A row's column used outside its row loop: {{ r.sterk }} with no {%tr for r in … %} around it.
    if rest and base not in context:
        column = rest.split(".")[0].split("[")[0]
        tables = [t for t in _tables(definition) if any(c.key == column for c in t.columns)]
        if tables and len(base) <= 3:
            table = tables[0]
            return (f"{shown} in {where} staat buiten de rij-lus van de tabel. Zet in de tabelrij erboven "
                    f"{{%tr for {base} in {table.key} %}} en in de rij eronder {{%tr endfor %}}.")
    lower = path.lower()
    if lower != path and lower in known:
        return (f"{shown} in {where}: schrijf de naam met kleine letters, als {{{{ {lower} }}}}. "
                "Word maakt soms zelf een hoofdletter aan het begin van een cel of alinea.")
    if isinstance(in_scope.get(base), dict):  # a row of a table: its own columns are the names
        columns = [f"{base}.{key}" for key in in_scope[base]]
        suggestion = _by_spelling(path, columns)
    else:
        suggestion = _by_meaning(path, definition) or _by_spelling(path, known)
    if suggestion:
        return f"Onbekende plaatshouder {shown} in {where}. Bedoelt u {{{{ {suggestion} }}}}?"
    title = getattr(definition, "title", "dit formulier")
    return (f"Onbekende plaatshouder {shown} in {where}: ‘{path}’ bestaat niet in dit formulier ({title}). Verwijder de "
            f"plaatshouder of vervang hem door een vraag uit het formulier. {HELP}")


def _by_spelling(path: str, known: list[str]) -> str | None:
    # Strict on purpose: a loose match offers achternaam for personeelsnummer, which misleads more
    # than it helps. Only a typing slip ("medewerker.nam") is offered.
    close = difflib.get_close_matches(path, known, n=1, cutoff=0.8)
    if close:
        return close[0]
    leaf = path.rsplit(".", 1)[-1]
    for candidate in known:
        if candidate.rsplit(".", 1)[-1] == leaf and "." in path and candidate != path:
            return candidate
    return None


def _by_meaning(path: str, definition) -> str | None:
    try:
        from exports.field_names import resolve
    except ImportError:
        return None
    for name in (path, path.rsplit(".", 1)[-1].replace("_", " ")):
        found = resolve(name, definition)
        if found and found != path:
            return found
    return None


# ---------------------------------------------------------------- printed, compared

def not_printable(path: str, schema, where: str, context: dict) -> str:
    shown = f"{{{{ {path} }}}}"
    if isinstance(schema, list):
        first = schema[0] if schema and isinstance(schema[0], dict) else {}
        column = next(iter(first), "kolom")
        return (f"{shown} in {where} is een hele tabel en kan niet als één tekst worden afgedrukt. "
                f"Zet in een tabelrij {{%tr for r in {path} %}}, in de rij daaronder de kolommen "
                f"({{{{ r.{column} }}}}, …) en in de rij daarna {{%tr endfor %}}.")
    keys = [k for k in schema if not k.endswith("_vakjes")][:3]
    examples = ", ".join(f"{{{{ {path}.{k} }}}}" for k in keys)
    return (f"{shown} in {where} is een groep van antwoorden en kan niet als één tekst worden "
            f"afgedrukt. Kies het onderdeel, bijvoorbeeld {examples}.")


def _same(a: str, b: str) -> bool:
    return alike(a) == alike(b)  # as the marks compare themselves (context.Mark)


def possible_values(definition) -> dict[str, list[str]]:
    """For each placeholder that holds a choice: the texts it can have (besides empty), as its kind
    says (exports/kind_placeholders.py)."""
    return {p.path: list(p.values) for f in definition.fields
            for p in placeholders_of(f).placeholders(f.key) if p.values}


def impossible_comparison(path: str, constant: str, values: list[str], where: str) -> str | None:
    if constant == "" or any(_same(constant, v) for v in values):
        return None
    shown = ", ".join(f"“{v}”" for v in values[:len(values) // 2])  # the printed ones
    return (f"In {where} wordt {{{{ {path} }}}} vergeleken met “{constant}”, maar die waarde komt "
            f"nooit voor: het antwoord is {shown} of leeg. Met de plaatshouders per keuze "
            f"(zie ‘Welke plaatshouders?’) is geen {{% if %}} nodig.")
