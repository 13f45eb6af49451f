"""A plan's workbook is written from its form's sheets compiled once (exports/excel/default.py
_Compiled): per plan only the answers' cells, their rows' heights and the page header. Read back by
openpyxl it must be the workbook written whole, cell by cell and style by style, for every form and
for answers that steer the cells' formats: text taken for a formula, dates, numbers, marks, control
characters, very long text, and no answers at all."""
from __future__ import annotations

import io
import itertools
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from exports.context import example_plan_context
from exports.excel import default
from forms import FORMS

ODD = ["=1+1", "+31 6 12345678", "-5", "@SOM(A1)", "\tTab vooraan", "\rCR vooraan", " spatie vooraan",
       '<b>&amp; "quoted"</b> & < >', "teken \x01\x0b\ufffe eind", "\n\nregels\r\nCRLF\n", "woord " * 300,
       "x" * 33000, "", "0", "TRUE"]


def _odd(value, texts):
    """The answers with every text replaced by the next of `texts`."""
    if isinstance(value, dict):
        return {key: _odd(part, texts) for key, part in value.items()}
    if isinstance(value, list):
        return [_odd(part, texts) for part in value]
    return next(texts) if isinstance(value, str) else value


def _answer_sets(definition):
    """No answers, and the demo plan's (its dates, numbers and marks) with odd texts; the text taken
    for a formula on other cells in the second, so that the cells' formats are numbered in another
    order."""
    _, demo = example_plan_context(definition)
    yield "leeg", {}
    for shift in (0, 5):
        yield f"vreemd{shift}", _odd(demo, itertools.cycle(ODD[shift:] + ODD[:shift]))


CASES = [(key, name, values) for key, definition in FORMS.items()
         for name, values in _answer_sets(definition)]


def _read(data: bytes) -> dict:
    wb = load_workbook(io.BytesIO(data))
    sheets = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                cells[c.coordinate] = (c.value, c.data_type, c.number_format, c.quotePrefix,
                                       repr(c.font), repr(c.fill), repr(c.border), repr(c.alignment))
        sheets[ws.title] = {
            "cells": cells,
            "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None},
            "widths": {c: d.width for c, d in ws.column_dimensions.items()},
            "merged": sorted(map(str, ws.merged_cells.ranges)), "freeze": ws.freeze_panes,
            "print": (ws.page_setup.orientation, ws.page_setup.scale, ws.page_setup.paperSize,
                      str(ws.print_title_rows), ws.page_margins.left, ws.oddHeader.right.text,
                      ws.oddFooter.center.text),
        }
    return {"title": wb.properties.title, "sheets": sheets}


@pytest.mark.parametrize("form_key, name, values", CASES, ids=[f"{k}-{n}" for k, n, _ in CASES])
def test_compiled_workbook_reads_as_the_one_written_whole(form_key, name, values):
    definition = FORMS[form_key]
    context = {field.key: default.field_value(field, values.get(field.key, field.empty()), excel=True,
                                              pad_tables=False) for field in definition.fields}
    header = "Eva & <Visser> · POP 2026"
    kept = default._compiled(definition, context)
    compiled = kept and kept.write(context, header)
    assert compiled is not None  # else the app writes it whole, and this compares it with itself
    read = _read(compiled)
    assert read == _read(default._write(definition, context, header).save())
    assert read["sheets"][definition.parts[0].nav_title]["print"][-2] == header  # something was read
    plan = SimpleNamespace(employee=SimpleNamespace(naam="Eva & <Visser>"), period="2026")
    assert _read(default.plan_workbook(plan, definition, values)) == read
