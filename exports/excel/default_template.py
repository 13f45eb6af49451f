"""The default Excel template: the default plan workbook with a placeholder in every answer cell, and
prepared rows (kwaliteiten[0], kwaliteiten[1], ...) for tables, for HR to restyle as their own. Each
kind gives its own placeholders (ExcelKind.placeholder in exports/excel/default.py), shaped as the
export context's value of it, so the workbook writes itself with placeholders for answers."""
from functools import lru_cache

from forms import get_form

from exports.excel.default import layout_of, write_workbook

TABLE_ROWS = 6  # rows prepared per table; HR can add more (kwaliteiten[6], ...)


def placeholder_context(definition) -> dict:
    return {f.key: layout_of(f).placeholder(f.key) for f in definition.fields}


@lru_cache(maxsize=None)
def default_xlsx_template(form_key: str) -> bytes:
    definition = get_form(form_key)
    return write_workbook(definition, placeholder_context(definition), "POP")
