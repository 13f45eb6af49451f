"""Many plans at once: one zip with a Word document per plan and the HR overview workbook.

The plans are read in batches (their people in one query, their answers in one more); a renderer that
can render many at once (exports/templates.py BulkRenderer: worker processes on the usable CPUs but
one) gets the next batch while it renders the one before, so the database and the workers are busy at
the same time. The first batches are small, so that the workers start at once rather than after the
first 200 plans are read, and each batch's rows of the overview are written while the workers render
the next, not all at the end. The documents are zips themselves: they are stored in the zip as they
are, not compressed a second time for nothing.
"""
from __future__ import annotations

import zipfile
from typing import Callable

from pop import answers
from pop.models import Person

from exports.filenames import plan_filename
from exports.excel.default import Overview

BATCH = 200  # plans loaded per query: bounded memory, few round trips
FIRST_BATCH = 25  # the first batches grow from this to BATCH: the workers' first plans come quickly


def write_zip(plans, target, render: Callable, progress: Callable[[int, int], None] = None,
              overview_name="Overzicht_POP.xlsx") -> int:
    """Write the zip to `target` (a path or file object). render(plan, definition, values) makes one
    Word document; a render with render_many(batches) makes many (see BulkRenderer). progress(done,
    total) is called as plans are written. Returns the plan count."""
    plans = list(plans)
    total = len(plans)
    overview = Overview()
    used_names: set[str] = set()
    render_many = getattr(render, "render_many", None) or _one_by_one(render)
    done = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for items, documents in render_many(_batches(plans)):
            for (plan, definition, values), document in zip(items, documents):
                archive.writestr(_unique(plan_filename(plan, "docx"), used_names), document,
                                 compress_type=zipfile.ZIP_STORED)
                overview.add(plan, definition, values)
            done += len(items)
            if progress:
                progress(done, total)
        archive.writestr(overview_name, overview.save())
    return total


def _batches(plans):
    """(plan, definition, values) for the plans: FIRST_BATCH, twice that, ... up to BATCH at a time."""
    start, size = 0, FIRST_BATCH
    while start < len(plans):
        batch = plans[start:start + size]
        start, size = start + size, min(size * 2, BATCH)
        _load_people(batch)
        values_by_plan = answers.load_many(batch)
        yield [(plan, answers.form_of(plan), values_by_plan[plan.id]) for plan in batch]


def _load_people(plans) -> None:
    """Each plan's employee and manager in one query for the batch, not two queries a plan."""
    ids = {i for p in plans for i in (p.employee_id, p.manager_id) if i is not None}
    people = {p.id: p for p in Person.select().where(Person.id.in_(list(ids)))} if ids else {}
    for plan in plans:
        if plan.employee_id in people:
            plan.employee = people[plan.employee_id]
        if plan.manager_id in people:
            plan.manager = people[plan.manager_id]


def _one_by_one(render):
    def render_many(batches):
        for items in batches:
            yield items, [render(*item) for item in items]
    return render_many


def _unique(name: str, used: set[str]) -> str:
    # Two plans of one person in one period (or two people with the same name) must not overwrite.
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 2
    while candidate in used:
        candidate = f"{stem}_{n}.{ext}"
        n += 1
    used.add(candidate)
    return candidate
