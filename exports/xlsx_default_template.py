"""The default Excel template: the default plan workbook with a placeholder in every answer cell, and
prepared rows (kwaliteiten[0], kwaliteiten[1], ...) for tables, for HR to restyle as their own."""
from functools import lru_cache

from forms import get_form
from forms.kinds import Matrix, Signature, Table

from .xlsx_default import write_workbook

TABLE_ROWS = 6  # rows prepared per table; HR can add more (kwaliteiten[6], ...)


def _ph(path: str) -> str:
    return "{{ " + path + " }}"


def placeholder_context(definition) -> dict:
    context = {}
    for f in definition.fields:
        if isinstance(f, Table):
            context[f.key] = [{c.key: _ph(f"{f.key}[{i}].{c.key}") for c in f.columns}
                              for i in range(max(f.min_rows, TABLE_ROWS))]
        elif isinstance(f, Matrix):
            context[f.key] = {r.key: {c: _ph(f"{f.key}.{r.key}.{c}") for c, _ in f.columns}
                              for r in f.rows}
        elif isinstance(f, Signature):
            context[f.key] = {"naam": _ph(f"{f.key}.naam"), "datum": _ph(f"{f.key}.datum")}
        else:
            context[f.key] = _ph(f.key)
    return context


@lru_cache(maxsize=None)
def default_xlsx_template(form_key: str) -> bytes:
    definition = get_form(form_key)
    return write_workbook(definition, placeholder_context(definition), "POP")
