"""Excel templates with placeholders in cells: {{ medewerker.naam }}, {{ kwaliteiten[0].sterk }}.

openpyxl cannot insert rows that shift formulas and merged cells, and drops some features of real
templates on load; so a template prepares the space for repeated rows itself (one row per index:
kwaliteiten[0], kwaliteiten[1], ...), and an index past the last answer gives an empty cell.
A cell that holds only one placeholder keeps the value's type: a date stays a date.
"""
from __future__ import annotations

import io
import re
import zipfile

from jinja2 import StrictUndefined, TemplateError, Undefined
from jinja2.sandbox import SandboxedEnvironment
from openpyxl import load_workbook

from .docx_engine import TemplateProblem
from .xlsx_default import set_value

SINGLE = re.compile(r"^\s*\{\{(?P<expr>(?:(?!\}\}).)*)\}\}\s*$", re.S)


class PaddedRows(list):
    """A table's rows where an index past the end reads as an empty row, as an empty line on paper."""

    def __init__(self, rows, blank):
        super().__init__(rows)
        self.blank = blank

    def __getitem__(self, index):
        if isinstance(index, int) and index >= len(self):
            return self.blank
        return super().__getitem__(index)


def make_environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=False, undefined=StrictUndefined,
                                finalize=lambda v: "" if v is None else v)


class CompiledXlsx:
    def __init__(self, data: bytes):
        self.data = data
        self.env = make_environment()
        self.sources: dict[str, str] = {}
        self.cells: list[tuple[str, str, object, bool]] = []  # sheet, coordinate, template, single
        try:
            workbook = load_workbook(io.BytesIO(data))
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise TemplateProblem("Dit is geen Excel-werkmap (.xlsx).") from exc
        for ws in workbook.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and ("{{" in cell.value or "{%" in cell.value):
                        where = f"{ws.title}!{cell.coordinate}"
                        self.sources[where] = cell.value
                        single = SINGLE.match(cell.value)
                        try:
                            compiled = (self.env.compile_expression(single.group("expr"),
                                                                    undefined_to_none=False)
                                        if single else self.env.from_string(cell.value))
                        except TemplateError as exc:
                            raise TemplateProblem(
                                f"De sjabloontekst in cel {where} klopt niet: {exc.message}.") from exc
                        self.cells.append((ws.title, cell.coordinate, compiled, bool(single)))

    def render(self, context: dict) -> bytes:
        workbook = load_workbook(io.BytesIO(self.data))
        for sheet, coordinate, compiled, single in self.cells:
            value = compiled(**context) if single else compiled.render(context)
            if isinstance(value, Undefined):
                value._fail_with_undefined_error()
            set_value(workbook[sheet][coordinate], "" if value is None else value)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


def pad_tables(context: dict, definition) -> dict:
    """Tables as PaddedRows, so kwaliteiten[5].sterk is empty rather than an error."""
    padded = dict(context)
    for field in definition.fields:
        if field.kind == "table":
            blank = {c.key: "" if c.kind != "date" else None for c in field.columns}
            padded[field.key] = PaddedRows(context[field.key], blank)
    return padded
