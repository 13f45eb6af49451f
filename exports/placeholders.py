"""The catalogue of placeholders a template may use, generated from the form definition, with the
value each has for the example plan and the name a Word merge field or content control may carry
instead. Shown to HR on the help page.

Only what prints is listed as a placeholder: a whole table ({{ kwaliteiten }}) would print as a list
of Python dictionaries, so a table is listed as the loop that prints its rows."""
from __future__ import annotations

from forms.kinds import Amount, Check, Checklist, Choice, Costs, Matrix, Signature, Smart, Table

from exports.context import example_plan_context
from exports.field_names import PEOPLE, PLAN, resolve
from exports.kind_placeholders import example, placeholders_of

NUMBERS = {1: "één", 2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes"}


def catalogue(definition) -> list[dict]:
    """Groups of {title, rows: [{placeholder, description, example, word}], loops: [...]}; a loop is
    {key, label, word, excel, padding (rows the table is padded to), columns: rows as above}."""
    ctx, _ = example_plan_context(definition)
    groups = [
        {"title": "Medewerker", "loops": [],
         "rows": [_row(definition, f"medewerker.{k}", f"Medewerker: {v.lower()}", ctx["medewerker"][k],
                       f"{v} medewerker") for k, v in PEOPLE.items()]},
        {"title": "Leidinggevende", "loops": [],
         "rows": [_row(definition, f"leidinggevende.{k}", f"Leidinggevende: {v.lower()}",
                       ctx["leidinggevende"][k], f"{v} leidinggevende") for k, v in PEOPLE.items()]},
        {"title": "Plan", "loops": [],
         "rows": [_row(definition, f"plan.{k}", v, ctx["plan"][k], v) for k, v in PLAN.items()]},
    ]
    for part in definition.parts:
        rows, loops = [], []
        for field in part.fields:
            if isinstance(field, Table):
                loops.append(_loop(definition, field, ctx[field.key]))
            else:  # what the kind offers (exports/kind_placeholders.py), its example from the plan
                rows.extend(_row(definition, p.path, p.description, example(ctx, p.path), *p.word)
                            for p in placeholders_of(field).placeholders(field.key))
        groups.append({"title": part.title, "rows": rows, "loops": loops})
    # The help page is the only reader; the checkbox convention travels with the groups so that the
    # page needs nothing else from its view.
    groups.insert(0, {"title": "Selectievakjes", "kind": "checkboxes", "rows": [], "loops": [],
                      "examples": checkbox_examples(definition), "usage": usage_examples(definition)})
    return groups


def usage_examples(definition) -> dict:
    """The names the help page's explanations use, from this form's own questions: its first grid
    table and two of its columns, a table of blocks, a choice and a grid cell with an option, and
    one question of each newer kind where the form has one (else None: the page leaves it out)."""
    fields = definition.fields
    tables = [f for f in fields if isinstance(f, Table)]
    grids = [t for t in tables if t.layout == "grid"] or tables
    blocks = [t for t in tables if t.layout == "blocks"] or tables
    usage: dict = {"table": None, "blocks": None, "choice": None, "cell": None}
    if grids:
        table = grids[0]
        columns = [c.key for c in table.columns if placeholders_of(c).one_line] or [table.columns[0].key]
        usage["table"] = {"key": table.key, "columns": (columns * 2)[:2]}
    if blocks:
        usage["blocks"] = blocks[0].key
    choice = next((f for f in fields if isinstance(f, Choice) and f.options), None)
    if choice is None:  # a choice in a table row: the same, per row
        choice = next((c for t in tables for c in t.columns if isinstance(c, Choice) and c.options), None)
        if choice is not None:
            usage["choice_in_row"] = True
    if choice is not None:
        usage["choice"] = {"key": choice.key, "option": choice.options[-1][0]}
    matrix = next((f for f in fields if isinstance(f, Matrix) and f.rows and f.columns and f.scale), None)
    if matrix is not None:
        row = matrix.rows[min(1, len(matrix.rows) - 1)]
        usage["cell"] = f"{matrix.key}.{row.key}.{matrix.columns[0][0]}_{matrix.scale[0][0]}"
    for name, kind in EXPLAINED.items():
        usage[name] = _first_of_kind(definition, kind)
    return usage


# The kinds the help page explains with an example each, by the name its template uses.
EXPLAINED = {"check": Check, "amount": Amount, "smart": Smart, "costs": Costs, "checklist": Checklist}


def _first_of_kind(definition, kind: type) -> dict | None:
    """{path, label, field, table} of the first question of a kind, standalone or in a table row
    (path: inside a row r.…; table: the table's key)."""
    for f in definition.fields:
        if isinstance(f, kind):
            return {"path": f.key, "label": f.label.rstrip(":"), "field": f, "table": None}
        for c in f.columns if isinstance(f, Table) else ():
            if isinstance(c, kind):
                return {"path": f"r.{c.key}", "label": c.label.rstrip(":"), "field": c, "table": f.key}
    return None


def word_name(definition, path: str, *candidates: str) -> str:
    """The name HR can give a merge field or content control for path: the form's own label where it
    is short enough for Word (a bookmark holds 40 characters) and means path, else the path itself."""
    for candidate in candidates:
        name = " ".join(candidate.strip().rstrip(":").split())
        if name and len(name) <= 40 and resolve(name, definition) == path:
            return name
    return path


def _row(definition, path: str, description: str, example, *names: str) -> dict:
    return {"placeholder": path, "description": description, "example": example,
            "word": word_name(definition, path, *names)}


def _loop(definition, field: Table, rows) -> dict:
    label = field.label.rstrip(":")
    first = rows[0] if rows else {}
    columns = [{"placeholder": f"r.{p.path}",
                "description": f"{p.description} (Excel: {field.key}[0].{p.path})",
                "example": example(first, p.path), "word": f"r.{p.path}"}
               for _, found in placeholders_of(field).columns() for p in found]
    return {"key": field.key, "label": label,
            "word": f"{{%tr for r in {field.key} %}} … {{%tr endfor %}}",
            "paragraphs": f"{{%p for r in {field.key} %}} … {{%p endfor %}}",
            "excel": f"{field.key}[0].{field.columns[0].key}, {field.key}[1].{field.columns[0].key}, …",
            "padding": field.min_rows, "padding_word": NUMBERS.get(field.min_rows, str(field.min_rows)),
            "padding_rows": _rows(field.min_rows), "padding_blank": _rows(field.min_rows, "lege "),
            "columns": columns}


def _rows(count: int, adjective: str = "") -> str:
    number = NUMBERS.get(count, str(count))
    return f"{number} {adjective}rij" if count == 1 else f"{number} {adjective}rijen"


def checkbox_examples(definition) -> list[tuple[str, str]]:
    """(tag, what it ticks) examples of the checkbox convention, from this form's own questions."""
    examples = []
    for field in definition.fields:
        if isinstance(field, Choice) and field.options and len(examples) < 2:
            value, label = field.options[-1]
            examples.append((f"{field.key}={value}", f"{field.label.rstrip(':')}: ‘{label}’"))
            examples.append((label, "hetzelfde, met de tekst van de keuze"))
    grids = [f for f in definition.fields if isinstance(f, Matrix)]
    for grid in grids[:1]:
        row, (col_key, heading) = grid.rows[min(1, len(grid.rows) - 1)], grid.columns[0]
        value, mark = grid.scale[0]
        examples.append((f"{grid.key}.{row.key}.{col_key}={value}", f"{row.label}, {heading}: {mark}"))
        examples.append((f"{row.label} {col_key} {mark}", "hetzelfde, zoals HR het typt"))
        examples.append((f"{grid.key}.{row.key}.{col_key}_{value}", "hetzelfde, als plaatshouder"))
    single = [g for g in grids if len(g.columns) == 1]
    for grid in single[:1]:
        row = grid.rows[min(4, len(grid.rows) - 1)]
        value, mark = grid.scale[0]
        typed = f"{row.key.replace('_', ' ').capitalize()} {mark}"
        if resolve(typed, definition) != f"{grid.key}.{row.key}.{grid.columns[0][0]}_{value}":
            typed = f"{grid.key}.{row.key}.{grid.columns[0][0]}={value}"
        examples.append((typed, f"{row.label}: {mark} (een raster met één kolom heeft geen kolomnaam nodig)"))
    check = _first_of_kind(definition, Check)
    if check and check["table"] is None:
        examples.append((check["label"], "een aankruisvakje van het formulier: aangekruist als het is aangevinkt"))
    checklist = _first_of_kind(definition, Checklist)
    if checklist:
        key, text = checklist["field"].items[0]
        if checklist["table"] is None:
            examples.append((text, "een punt van de checklist: aangekruist als het is afgevinkt"))
        else:
            examples.append((f"{checklist['path']}.{key}.af",
                             f"‘{text}’ in een herhaalde alinea ({{%p for r in {checklist['table']} %}}): "
                             "aangekruist als dat punt bij dat gesprek is afgevinkt"))
    smart = _first_of_kind(definition, Smart)
    if smart:
        letter_key, letter_label, _ = smart["field"].letters[0]
        examples.append((f"{smart['path']}.{letter_key}",
                         f"{letter_label} van SMART: aangekruist als die letter is uitgelegd"
                         + (" (in een herhaalde rij of alinea)" if smart["table"] else "")))
    signatures = [f for f in definition.fields if isinstance(f, Signature)]
    for field in signatures[:1]:
        examples.append((field.label, "een vraag zonder keuzes: aangekruist als ze is ingevuld"))
    return examples
