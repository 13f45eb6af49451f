"""Excel templates with placeholders in cells: {{ medewerker.naam }}, {{ kwaliteiten[0].sterk }}.

openpyxl cannot insert rows that shift formulas and merged cells, and drops some features of real
templates on load; so a template prepares the space for repeated rows itself (one row per index:
kwaliteiten[0], kwaliteiten[1], ...); an index past the last answer gives an empty cell (see
PaddedRows in context.py).
A cell that holds only one placeholder keeps the value's type: a date stays a date.
"""
from __future__ import annotations

import io
import re

from jinja2 import TemplateError, Undefined
from openpyxl import load_workbook

from .docx_engine import (TemplateProblem, compile_problem, count_placeholders,
                          make_environment as sandbox, not_a_function)
from .xlsx_default import set_value

SINGLE = re.compile(r"^\s*\{\{(?P<expr>(?:(?!\}\}).)*)\}\}\s*$", re.S)


def _cell_text(value):
    value = not_a_function(value)
    return "" if value is None else value


def make_environment():
    # No XML escaping in cells: openpyxl escapes what it writes.
    return sandbox(autoescape=False, finalize=_cell_text)


class CompiledXlsx:
    def __init__(self, data: bytes):
        self.data = data
        self.env = make_environment()
        self.sources: dict[str, str] = {}
        self.cells: list[tuple[str, str, object, bool]] = []  # sheet, coordinate, template, single
        placeholders = 0
        try:
            workbook = load_workbook(io.BytesIO(data))
        except Exception as exc:  # noqa: BLE001 - openpyxl fails in many ways on a damaged file
            raise TemplateProblem("Deze Excel-werkmap is beschadigd of geen .xlsx en kan niet worden "
                                  "gelezen. Open hem in Excel en sla hem opnieuw op.") from exc
        for ws in workbook.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and ("{{" in cell.value or "{%" in cell.value):
                        where = f"{ws.title}!{cell.coordinate}"
                        self.sources[where] = cell.value
                        placeholders = count_placeholders(cell.value, placeholders)
                        single = SINGLE.match(cell.value)
                        try:
                            compiled = (self.env.compile_expression(single.group("expr"),
                                                                    undefined_to_none=False)
                                        if single else self.env.from_string(cell.value))
                        except TemplateError as exc:
                            raise TemplateProblem(
                                f"De sjabloontekst in cel {where} klopt niet: {exc.message}.") from exc
                        except Exception as exc:  # noqa: BLE001 - see compile_problem
                            raise compile_problem(exc) from exc
                        self.cells.append((ws.title, cell.coordinate, compiled, bool(single)))

    def render(self, context: dict) -> bytes:
        workbook = load_workbook(io.BytesIO(self.data))
        for sheet, coordinate, compiled, single in self.cells:
            value = compiled(**context) if single else compiled.render(context)
            if isinstance(value, Undefined):
                value._fail_with_undefined_error()
            value = not_a_function(value)
            set_value(workbook[sheet][coordinate], "" if value is None else value)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
