"""The catalogue of placeholders a template may use, generated from the form definition, with the
value each has for the example plan and the name a Word merge field or content control may carry
instead. Shown to HR on the help page.

Only what prints is listed as a placeholder: a whole table ({{ kwaliteiten }}) would print as a list
of Python dictionaries, so a table is listed as the loop that prints its rows."""
from __future__ import annotations

from forms.kinds import Choice, Matrix, Signature, Table

from exports.context import checklist_groups, example_plan_context, smart_letters
from exports.field_names import PEOPLE, PLAN, resolve

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
            else:
                rows.extend(_field_rows(definition, field, ctx))
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
        columns = [c.key for c in table.columns if c.kind not in ("smart", "checklist")] or \
            [table.columns[0].key]
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
    for kind in ("check", "amount", "smart", "costs", "checklist"):
        usage[kind] = _first_of_kind(definition, kind)
    return usage


def _first_of_kind(definition, kind: str) -> dict | None:
    """{path, label, field, row_path} of the first question of a kind, standalone or in a table row
    (row_path: its path inside a row, r.…; table: the table's key)."""
    for f in definition.fields:
        if f.kind == kind:
            return {"path": f.key, "label": f.label.rstrip(":"), "field": f, "table": None}
        for c in getattr(f, "columns", ()) if isinstance(f, Table) else ():
            if c.kind == kind:
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
    columns = []
    for c in field.columns:
        for path, description, example in _column_parts(c, first):
            columns.append({"placeholder": f"r.{path}",
                            "description": f"{description} (Excel: {field.key}[0].{path})",
                            "example": example, "word": f"r.{path}"})
    return {"key": field.key, "label": label,
            "word": f"{{%tr for r in {field.key} %}} … {{%tr endfor %}}",
            "paragraphs": f"{{%p for r in {field.key} %}} … {{%p endfor %}}",
            "excel": f"{field.key}[0].{field.columns[0].key}, {field.key}[1].{field.columns[0].key}, …",
            "padding": field.min_rows, "padding_word": NUMBERS.get(field.min_rows, str(field.min_rows)),
            "padding_rows": _rows(field.min_rows), "padding_blank": _rows(field.min_rows, "lege "),
            "columns": columns}


def _column_parts(column, row: dict) -> list[tuple[str, str, object]]:
    """(path in the row, what it prints, example) for one column of a table: a choice and a tick
    box also per option, a SMART check also per letter, a checklist also per point."""
    label = column.label.rstrip(":")
    value = row.get(column.key, "")
    if column.kind == "smart":
        return [(column.key, f"kolom ‘{label}’: alle letters met hun uitleg", value)] + \
            [(f"{column.key}.{part}", f"kolom ‘{label}’: {what}", example)
             for part, what, example in _smart_parts(column, value)]
    if column.kind == "checklist":
        return [(column.key, f"kolom ‘{label}’: de hele lijst als tekst", value)] + \
            [(f"{column.key}.{part}", f"kolom ‘{label}’: {what}", example)
             for part, what, example in _checklist_parts(column, value)]
    parts = [(column.key, f"kolom ‘{label}’" + _what(column), value)]
    if isinstance(column, Choice):
        parts.append((f"{column.key}_vakjes", f"kolom ‘{label}’ als aankruisvakjes",
                      row.get(f"{column.key}_vakjes", "")))
        for option, option_label in column.options:
            parts.append((f"{column.key}_{option}", f"kolom ‘{label}’: X als ‘{option_label}’ gekozen is",
                          row.get(f"{column.key}_{option}", "")))
    elif column.kind == "check":
        parts.append((f"{column.key}_vakje", f"kolom ‘{label}’ als aankruisvakje (☒ of ☐)",
                      row.get(f"{column.key}_vakje", "")))
        for value, when in (("ja", "aangevinkt"), ("nee", "niet aangevinkt")):
            parts.append((f"{column.key}_{value}", f"kolom ‘{label}’: X als {when}",
                          row.get(f"{column.key}_{value}", "")))
    return parts


def _what(field) -> str:
    if field.kind == "check":
        return ": ‘ja’ als aangevinkt, anders leeg"
    if field.kind == "amount":
        if getattr(field, "unit", "euro") == "euro":
            return ": het bedrag, als € 1.250,50 (in Excel het getal)"
        return ": het aantal uren, als 12,5 uur (in Excel het getal)"
    return ""


def _smart_parts(field, value) -> list[tuple[str, str, object]]:
    parts = []
    for key, letter, label, _ in smart_letters(field):
        parts.append((key, f"{letter} – {label}: de uitleg", value[key] if value else ""))
        parts.append((f"{key}_vakje", f"☒ als {label} is uitgelegd, anders ☐",
                      value[f"{key}_vakje"] if value else ""))
    parts.append(("ontbreekt", "de letters zonder uitleg, als ‘Meetbaar, Tijdgebonden’",
                  value["ontbreekt"] if value else ""))
    return parts


def _checklist_parts(field, value) -> list[tuple[str, str, object]]:
    parts = []
    for title, points in checklist_groups(field):
        for key, text in points:
            item = value[key] if value else {}
            parts.append((f"{key}.vakje", f"{title}: ‘{text}’ als aankruisvakje (☒ of ☐)",
                          item.get("vakje", "")))
            parts.append((f"{key}.af", f"{title}: ‘{text}’: ‘ja’ als afgevinkt, anders leeg",
                          item.get("af", "")))
            parts.append((f"{key}.notitie", f"{title}: ‘{text}’: de notitie", item.get("notitie", "")))
    return parts


def _rows(count: int, adjective: str = "") -> str:
    number = NUMBERS.get(count, str(count))
    return f"{number} {adjective}rij" if count == 1 else f"{number} {adjective}rijen"


def _field_rows(definition, field, ctx) -> list[dict]:
    label = field.label.rstrip(":")
    value = ctx[field.key]
    if isinstance(field, Matrix):
        rows = []
        for spec in field.rows:
            for col_key, heading in field.columns:
                path = f"{field.key}.{spec.key}.{col_key}"
                cell = value[spec.key]
                rows.append(_row(definition, path, f"{spec.label}: {heading} (het gekozen teken)",
                                 cell[col_key], f"{spec.label} {col_key}", spec.label))
                rows.append(_row(definition, path + "_vakjes", f"{spec.label}: {heading} (als aankruisvakjes)",
                                 cell[col_key + "_vakjes"]))
                for option, mark in field.scale:
                    rows.append(_row(definition, f"{path}_{option}",
                                     f"{spec.label}: {heading}: X als {mark} gekozen is, anders leeg",
                                     cell[f"{col_key}_{option}"], f"{spec.label} {col_key} {mark}",
                                     f"{spec.label} {mark}"))
        return rows
    if field.kind == "smart":
        rows = [_row(definition, field.key, f"{label}: alle letters met hun uitleg, één per regel",
                     value, label)]
        names = {key: (f"{label} {name}", name) for key, _, name, _ in smart_letters(field)}
        for part, what, example in _smart_parts(field, value):
            rows.append(_row(definition, f"{field.key}.{part}", f"{label}: {what}", example,
                             *names.get(part, ())))
        return rows
    if field.kind == "costs":
        rows = [_row(definition, field.key, f"{label}: elke regel met bedrag en uren, en het totaal",
                     value, label)]
        for spec in field.rows:
            for column, what in (("euro", "het bedrag, als € 1.250,50"), ("uren", "de uren, als 12,5 uur")):
                rows.append(_row(definition, f"{field.key}.{spec.key}.{column}",
                                 f"{spec.label}: {what} (in Excel het getal)",
                                 value[spec.key][column], f"{spec.label} {column}"))
        rows.append(_row(definition, f"{field.key}.totaal_euro", f"{label}: het totaal van de bedragen",
                         value["totaal_euro"], f"{label} totaal euro"))
        rows.append(_row(definition, f"{field.key}.totaal_uren", f"{label}: het totaal van de uren",
                         value["totaal_uren"], f"{label} totaal uren"))
        return rows
    if field.kind == "checklist":
        rows = [_row(definition, field.key, f"{label}: de hele lijst als tekst, ☒ of ☐ per punt", value,
                     label)]
        texts = {key: text for _, points in checklist_groups(field) for key, text in points}
        for part, what, example in _checklist_parts(field, value):
            key, _, leaf = part.partition(".")
            names = (texts[key],) if leaf == "af" else (f"{texts[key]} notitie",) if leaf == "notitie" else ()
            rows.append(_row(definition, f"{field.key}.{part}", f"{label}: {what}", example, *names))
        return rows
    if field.kind == "check":
        return [_row(definition, field.key, label + _what(field), value, label),
                _row(definition, f"{field.key}_vakje", f"{label} (als aankruisvakje: ☒ of ☐)",
                     ctx[f"{field.key}_vakje"]),
                _row(definition, f"{field.key}_ja", f"{label}: X als aangevinkt, anders leeg",
                     ctx[f"{field.key}_ja"], f"{label} ja"),
                _row(definition, f"{field.key}_nee", f"{label}: X als niet aangevinkt, anders leeg",
                     ctx[f"{field.key}_nee"], f"{label} nee")]
    if field.kind == "amount":
        return [_row(definition, field.key, label + _what(field), value, label)]
    if isinstance(field, Signature):
        return [_row(definition, f"{field.key}.naam", f"{label}: naam", value["naam"], label),
                _row(definition, f"{field.key}.datum", f"{label}: datum", value["datum"], f"{label} datum")]
    rows = [_row(definition, field.key, label, value, label)]
    if isinstance(field, Choice):
        rows.append(_row(definition, f"{field.key}_vakjes", f"{label} (als aankruisvakjes)",
                         ctx[f"{field.key}_vakjes"]))
        for option, option_label in field.options:
            rows.append(_row(definition, f"{field.key}_{option}",
                             f"{label}: X als ‘{option_label}’ gekozen is, anders leeg",
                             ctx[f"{field.key}_{option}"], option_label))
    return rows


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
    check = _first_of_kind(definition, "check")
    if check and check["table"] is None:
        examples.append((check["label"], "een aankruisvakje van het formulier: aangekruist als het is aangevinkt"))
    checklist = _first_of_kind(definition, "checklist")
    if checklist:
        key, text = checklist["field"].items[0]
        if checklist["table"] is None:
            examples.append((text, "een punt van de checklist: aangekruist als het is afgevinkt"))
        else:
            examples.append((f"{checklist['path']}.{key}.af",
                             f"‘{text}’ in een herhaalde alinea ({{%p for r in {checklist['table']} %}}): "
                             "aangekruist als dat punt bij dat gesprek is afgevinkt"))
    smart = _first_of_kind(definition, "smart")
    if smart:
        letter_key, letter_label, _ = smart["field"].letters[0]
        examples.append((f"{smart['path']}.{letter_key}",
                         f"{letter_label} van SMART: aangekruist als die letter is uitgelegd"
                         + (" (in een herhaalde rij of alinea)" if smart["table"] else "")))
    signatures = [f for f in definition.fields if isinstance(f, Signature)]
    for field in signatures[:1]:
        examples.append((field.label, "een vraag zonder keuzes: aangekruist als ze is ingevuld"))
    return examples
