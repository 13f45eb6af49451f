"""Many plans at once: one zip with a Word document per plan and the HR overview workbook."""
from __future__ import annotations

import zipfile
from typing import Callable

from pop import answers

from exports.filenames import plan_filename
from exports.excel.default import overview_workbook

BATCH = 200  # plans loaded per query: bounded memory, few round trips


def write_zip(plans, target, render: Callable, progress: Callable[[int, int], None] = None,
              overview_name="Overzicht_POP.xlsx") -> int:
    """Write the zip to `target` (a path or file object). render(plan, definition, values) makes one
    Word document. progress(done, total) is called as plans are written. Returns the plan count."""
    plans = list(plans)
    total = len(plans)
    overview_rows = []
    used_names: set[str] = set()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for start in range(0, total, BATCH):
            batch = plans[start:start + BATCH]
            values_by_plan = answers.load_many(batch)
            for plan in batch:
                definition = answers.form_of(plan)
                values = values_by_plan[plan.id]
                document = render(plan, definition, values)
                archive.writestr(_unique(plan_filename(plan, "docx"), used_names), document)
                overview_rows.append((plan, definition, values))
            if progress:
                progress(min(start + BATCH, total), total)
        archive.writestr(overview_name, overview_workbook(overview_rows))
    return total


def _unique(name: str, used: set[str]) -> str:
    # Two plans of one person in one period (or two people with the same name) must not overwrite.
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 2
    while candidate in used:
        candidate = f"{stem}_{n}.{ext}"
        n += 1
    used.add(candidate)
    return candidate
