"""The catalogue of placeholders a template may use, generated from the form definition, with the
value each has for the example plan and the name a Word merge field or content control may carry
instead. Shown to HR on the help page.

Only what prints is listed as a placeholder: a whole table ({{ kwaliteiten }}) would print as a list
of Python dictionaries, so a table is listed as the loop that prints its rows."""
from __future__ import annotations

from forms.kinds import Choice, Matrix, Signature, Table

from .context import example_plan_context
from .field_names import PEOPLE, PLAN, resolve

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
                      "examples": checkbox_examples(definition)})
    return groups


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
    columns = [{"placeholder": f"r.{c.key}", "description": f"kolom ‘{c.label}’ (Excel: {field.key}[0].{c.key})",
                "example": first.get(c.key, ""), "word": f"r.{c.key}"} for c in field.columns]
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
    signatures = [f for f in definition.fields if isinstance(f, Signature)]
    for field in signatures[:1]:
        examples.append((field.label, "een vraag zonder keuzes: aangekruist als ze is ingevuld"))
    return examples
