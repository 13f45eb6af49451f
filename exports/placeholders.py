"""The catalogue of placeholders a template may use, generated from the form definition, with the
value each has for the example plan. Shown to HR on the help page."""
from __future__ import annotations

from forms.kinds import Choice, Matrix, Signature, Table

from .context import example_plan_context

PEOPLE = {"naam": "Naam", "voornaam": "Voornaam", "tussenvoegsel": "Tussenvoegsel",
          "achternaam": "Achternaam", "email": "E-mailadres", "functie": "Functie",
          "afdeling": "Afdeling"}
PLAN = {"periode": "Periode", "status": "Status", "formulier": "Formulier",
        "bijgewerkt": "Laatst bijgewerkt"}


def catalogue(definition) -> list[dict]:
    """Groups of rows: {title, rows: [(placeholder, description, example)]}."""
    ctx, _ = example_plan_context(definition)
    groups = [
        {"title": "Medewerker", "rows": [(f"medewerker.{k}", v, ctx["medewerker"][k])
                                         for k, v in PEOPLE.items()]},
        {"title": "Leidinggevende", "rows": [(f"leidinggevende.{k}", v, ctx["leidinggevende"][k])
                                             for k, v in PEOPLE.items()]},
        {"title": "Plan", "rows": [(f"plan.{k}", v, ctx["plan"][k]) for k, v in PLAN.items()]},
    ]
    for part in definition.parts:
        rows = []
        for field in part.fields:
            rows.extend(_field_rows(field, ctx))
        groups.append({"title": part.title, "rows": rows})
    return groups


def _field_rows(field, ctx):
    label = field.label.rstrip(":")
    value = ctx[field.key]
    if isinstance(field, Table):
        rows = [(f"{field.key}", f"{label}: lijst van rijen. Word: {{%tr for r in {field.key} %}} … "
                                 f"{{%tr endfor %}}; Excel: {field.key}[0], {field.key}[1], …", "")]
        for col in field.columns:
            rows.append((f"r.{col.key}", f"{label}, kolom ‘{col.label}’ (Excel: {field.key}[0].{col.key})",
                         value[0][col.key]))
        return rows
    if isinstance(field, Matrix):
        rows = []
        for spec in field.rows:
            for col_key, heading in field.columns:
                path = f"{field.key}.{spec.key}.{col_key}"
                rows.append((path, f"{spec.label}: {heading} (het gekozen teken)",
                             value[spec.key][col_key]))
                rows.append((path + "_vakjes", f"{spec.label}: {heading} (als aankruisvakjes)",
                             value[spec.key][col_key + "_vakjes"]))
        return rows
    if isinstance(field, Signature):
        return [(f"{field.key}.naam", f"{label}: naam", value["naam"]),
                (f"{field.key}.datum", f"{label}: datum", value["datum"])]
    rows = [(field.key, label, value)]
    if isinstance(field, Choice):
        rows.append((f"{field.key}_vakjes", f"{label} (als aankruisvakjes)", ctx[f"{field.key}_vakjes"]))
    return rows
