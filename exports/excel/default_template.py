"""The default Excel template: the default plan workbook with a placeholder in every answer cell, and
prepared rows (kwaliteiten[0], kwaliteiten[1], ...) for tables, for HR to restyle as their own."""
from functools import lru_cache

from forms import get_form
from forms.kinds import Matrix, Signature, Table

from exports.context import checklist_groups, smart_letters
from exports.excel.default import write_workbook

TABLE_ROWS = 6  # rows prepared per table; HR can add more (kwaliteiten[6], ...)


def _ph(path: str) -> str:
    return "{{ " + path + " }}"


def _value(field, path: str):
    """The placeholders for one question (or one column of a table row) at path, shaped as the
    context's value, so that the default workbook writes itself with placeholders for answers."""
    if field.kind == "smart":
        return {key: _ph(f"{path}.{key}") for key, *_ in smart_letters(field)}
    if field.kind == "costs":
        value = {r.key: {c: _ph(f"{path}.{r.key}.{c}") for c in ("euro", "uren")} for r in field.rows}
        value.update(totaal_euro=_ph(f"{path}.totaal_euro"), totaal_uren=_ph(f"{path}.totaal_uren"))
        return value
    if field.kind == "checklist":
        return {key: {"af": _ph(f"{path}.{key}.af"), "notitie": _ph(f"{path}.{key}.notitie")}
                for _, points in checklist_groups(field) for key, _ in points}
    return _ph(path)


def _cell(table, column, path: str):
    """A column of a table row. In a block (a conversation) a checklist is a row per point, as in the
    export; in a grid's row a checklist or costs is one cell, its text."""
    if table.layout != "blocks" and column.kind in ("checklist", "costs"):
        return _ph(path)
    return _value(column, path)


def placeholder_context(definition) -> dict:
    context = {}
    for f in definition.fields:
        if isinstance(f, Table):
            context[f.key] = [{c.key: _cell(f, c, f"{f.key}[{i}].{c.key}") for c in f.columns}
                              for i in range(max(f.min_rows, TABLE_ROWS))]
        elif isinstance(f, Matrix):
            context[f.key] = {r.key: {c: _ph(f"{f.key}.{r.key}.{c}") for c, _ in f.columns}
                              for r in f.rows}
        elif isinstance(f, Signature):
            context[f.key] = {"naam": _ph(f"{f.key}.naam"), "datum": _ph(f"{f.key}.datum")}
        else:
            context[f.key] = _value(f, f.key)
    return context


@lru_cache(maxsize=None)
def default_xlsx_template(form_key: str) -> bytes:
    definition = get_form(form_key)
    return write_workbook(definition, placeholder_context(definition), "POP")
