"""A bulk export rendered by the worker processes (exports/render_pool.py) is the export made one plan
at a time in this process: the same file names, the same documents, the same overview, the same plans
reported when the organisation's template failed on them. The workers run niced, as many as the usable
CPUs but one, and a worker that died is replaced: for the next export, and the one it died in fails
as any failed export does (pop/jobs.py marks it mislukt)."""
from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document

from export_support import (FORM_KEY, body_texts, person_id, simple_docx, use_database, workbook_of)
from export_support import _db, world  # noqa: F401 - the shared fixtures
from exports import bulk, render_pool, templates
from exports.bulk import write_zip
from exports.templates import BulkRenderer
from forms import get_form
from pop import answers, cpus
from pop.models import ExportTemplate, Person, Plan
from pop.plans import start_plan


@pytest.fixture(scope="module")
def plans(world):
    """Besides Zoë's filled plan and Bram's empty one: Bram's 2025 plan (the uploaded template below
    fails on it), a second 2026 plan of Zoë (the same file name), and a plan of the compact form."""
    with world.app.app_context():
        zoe = Person.get(Person.email == world.org["zoe"])
        bram = Person.get(Person.email == world.org["b"])
        start_plan(bram, FORM_KEY, "2025")
        start_plan(zoe, FORM_KEY, "2026")
        compact = start_plan(bram, "pop-compact", "2026")
        answers.save(compact, {"rol": "Planner & <regelaar>", "ambitie": "Meer plannen"})
    return world


@pytest.fixture
def failing_template(plans):
    """The active Word template of the extended form divides by zero on a 2025 plan only."""
    data = simple_docx("Naam: {{ medewerker.naam }}", "Deel: {{ 1 // (plan.periode|int - 2025) }}")
    with plans.app.app_context():
        ExportTemplate.create(form_key=FORM_KEY, format="docx", name="deelt.docx", data=data,
                              sha256=hashlib.sha256(data).hexdigest(), active=True,
                              uploaded_by=person_id(plans.app, plans.org["hr"]))
    yield
    with plans.app.app_context():
        ExportTemplate.delete().execute()


def export(world, monkeypatch, workers: int) -> tuple[bytes, BulkRenderer]:
    monkeypatch.setitem(world.app.config, "POP_EXPORT_WORKERS", workers)
    use_database(world.app)
    out = io.BytesIO()
    render = BulkRenderer()
    with world.app.app_context():
        write_zip(Plan.select().order_by(Plan.id), out, render)
    return out.getvalue(), render


def contents(data: bytes) -> dict:
    """Each document as a reader sees it (its body, paragraph by paragraph and cell by cell), the
    overview's cells."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".docx"):
                out[name] = body_texts(Document(io.BytesIO(archive.read(name))))
            else:
                sheet = workbook_of(archive.read(name)).active
                out[name] = [[c.value for c in row] for row in sheet.iter_rows()]
    return out


def test_workers_make_the_zip_one_process_makes(plans, failing_template, monkeypatch):
    # Several batches and several jobs per batch, even for five plans.
    monkeypatch.setattr(bulk, "BATCH", 3)
    monkeypatch.setattr(templates, "CHUNK", 2)
    serial, one_by_one = export(plans, monkeypatch, workers=0)
    parallel, render = export(plans, monkeypatch, workers=2)
    expected = contents(serial)
    assert list(contents(parallel)) == list(expected)  # the same names, in the same order
    assert contents(parallel) == expected
    assert sorted(n for n in expected if n.endswith(".docx")) == sorted([
        "POP_van-t-Hof-Test_Zoe_2026.docx", "POP_van-t-Hof-Test_Zoe_2026_2.docx",
        "POP_Beta_Bram_2026.docx", "POP_Beta_Bram_2026_2.docx", "POP_Beta_Bram_2025.docx"])
    # The template filled the 2026 plans of its form; the 2025 plan is in the default layout.
    assert expected["POP_Beta_Bram_2026.docx"] == ["Naam: Bram Beta", "Deel: 1"]
    assert "Fase I: Zelfanalyse" in expected["POP_Beta_Bram_2025.docx"]
    assert any("Planner & <regelaar>" in text for text in expected["POP_Beta_Bram_2026_2.docx"])
    # Reported as before: the one plan, with the template's reason.
    assert [p.period for p, _ in render.failed] == [p.period for p, _ in one_by_one.failed] == ["2025"]
    assert render.notes() == one_by_one.notes()
    assert "1 plan is in de standaardopmaak gemaakt" in render.notes()
    assert "Bram Beta (2025)" in render.notes() and "deelt door nul" in render.notes()


def test_the_documents_are_stored_not_compressed_twice(plans, monkeypatch):
    data, _ = export(plans, monkeypatch, workers=1)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        kinds = {info.filename.rpartition(".")[2]: info.compress_type for info in archive.infolist()}
    assert kinds == {"docx": zipfile.ZIP_STORED, "xlsx": zipfile.ZIP_DEFLATED}


def test_the_workers_run_niced_and_as_many_as_the_usable_cpus(monkeypatch):
    monkeypatch.delenv("POP_EXPORT_WORKERS", raising=False)
    monkeypatch.setattr(cpus, "usable", lambda proc="/proc/self": 4)
    assert render_pool.workers() == 4
    monkeypatch.setattr(cpus, "usable", lambda proc="/proc/self": 1)
    assert render_pool.workers() == 1
    monkeypatch.setenv("POP_EXPORT_WORKERS", "0")
    assert render_pool.workers() == 0
    executor = render_pool.pool(2)
    seen = {f.result() for f in [executor.submit(_pid_and_nice) for _ in range(6)]}
    assert all(nice >= cpus.BACKGROUND_NICE for _, nice in seen), seen
    assert os.getpid() not in {pid for pid, _ in seen}
    assert os.getpriority(os.PRIO_PROCESS, 0) < cpus.BACKGROUND_NICE  # the server itself is not niced


def _pid_and_nice():
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)


class _DiesWhenUnpickled:
    """Sent to a worker, it ends that worker, as the kernel's out-of-memory killer would."""

    def __reduce__(self):
        return os._exit, (3,)


def test_a_worker_that_dies_fails_that_export_and_the_next_one_has_workers_again(plans, monkeypatch):
    monkeypatch.setitem(plans.app.config, "POP_EXPORT_WORKERS", 1)
    use_database(plans.app)
    with plans.app.app_context():
        plan = Plan.get_by_id(plans.org["plan"])
        values = answers.load(plan)
        bulk._load_people([plan])
        deadly = dict(values, **{"x-dies": _DiesWhenUnpickled()})
        with pytest.raises(render_pool.BrokenProcessPool):
            list(BulkRenderer().render_many([[(plan, get_form(FORM_KEY), deadly)]]))
        (_, documents), = BulkRenderer().render_many([[(plan, get_form(FORM_KEY), values)]])
        assert "Fase I: Zelfanalyse" in body_texts(Document(io.BytesIO(documents[0])))


def test_workers_killed_while_idle_are_replaced_before_the_next_export(plans, monkeypatch):
    render_pool.warm_up(1)
    executor = render_pool.pool(1)
    for pid in list(executor._processes):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while not render_pool._broken(executor) and time.monotonic() < deadline:
        time.sleep(0.01)  # the kernel reaps it in a moment
    data, render = export(plans, monkeypatch, workers=1)
    assert render_pool.pool(1) is not executor
    assert "POP_van-t-Hof-Test_Zoe_2026.docx" in zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_the_workers_go_when_their_server_process_is_killed(tmp_path):
    """A worker waits on a queue it holds both ends of: without watching its server process it, and
    the fork server with it, would stay for good after a SIGKILL (or the out-of-memory killer)."""
    code = ("import os, sys, time\n"
            "from exports import render_pool\n"
            "def main():\n"
            "    executor = render_pool.pool(1)\n"
            "    print(executor.submit(os.getpid).result(), flush=True)\n"
            "    time.sleep(60)\n"
            "if __name__ == '__main__':\n"
            "    main()\n")
    script = tmp_path / "server.py"
    script.write_text(code)
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[1])
    try:
        worker = int(server.stdout.readline())
        assert Path(f"/proc/{worker}").exists()
    finally:
        server.kill()
        server.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{worker}").exists(), "the worker outlived its server process"
