"""Export speed, measured: run `.venv/bin/python bench/bench_exports.py` (add --plans 1000 --runs 200).

Prints p50/p95 for one fully filled plan to .docx and .xlsx, their CPU time per plan (the least of
--cpu-rounds rounds of --runs renders each, .docx and .xlsx taking turns: on a shared machine the
least is the one least disturbed; then again with every text answer differing per plan), the same
plan rendered by a plain docxtpl render of the same template (side by side), and the time for the
bulk zip of N plans as a bulk export makes it (BulkRenderer): in this process one plan at a time
(POP_EXPORT_WORKERS=0), and in the worker processes (exports/render_pool.py) started for it and
already running, with the CPU time of this process and of the workers beside the time it took (on a
shared machine the niced workers wait for other work: their CPU time says what the export itself
costs). The zips are compared: the same names and the same documents. It prints figures; it does not
fail on a slow machine.
"""
from __future__ import annotations

import argparse
import io
import itertools
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docxtpl import DocxTemplate  # noqa: E402
from jinja2 import Environment  # noqa: E402

from app import create_app  # noqa: E402
from exports import render_pool  # noqa: E402
from exports.bulk import write_zip  # noqa: E402
from exports.context import build_context, example_plan_context  # noqa: E402
from exports.templates import BulkRenderer, render_docx, render_xlsx  # noqa: E402
from exports.word.default import default_docx_template  # noqa: E402
from forms import DEFAULT_FORM, get_form  # noqa: E402
from forms.kinds import LongText  # noqa: E402
from pop import answers, cpus  # noqa: E402
from pop.db import database  # noqa: E402
from pop.models import Person, Plan  # noqa: E402
from pop.plans import start_plan  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up: first render compiles the template, as the first request of a server would
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def timed_alternately(first, second, runs: int) -> tuple[list[float], list[float]]:
    first(), second()
    a, b = [], []
    for _ in range(runs):
        for fn, samples in ((first, a), (second, b)):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
    return a, b


def cpu_per_plan(first, second, runs: int, rounds: int) -> tuple[float, float]:
    """The least CPU time per call of `first` and of `second` over `rounds` rounds of `runs` calls,
    taking turns round by round."""
    best = [float("inf"), float("inf")]
    for _ in range(rounds):
        for index, fn in enumerate((first, second)):
            start = time.process_time()
            for _ in range(runs):
                fn()
            best[index] = min(best[index], (time.process_time() - start) / runs)
    return best[0], best[1]


def filled_values(definition) -> dict:
    _, values = example_plan_context(definition)
    long_text = ("Een realistisch lang antwoord met meerdere zinnen, é ë ï ñ en een regel\nerbij. " * 12)
    for field in definition.fields:
        if isinstance(field, LongText):
            values[field.key] = long_text
    values["voortgangsgesprekken"] = values["voortgangsgesprekken"] * 2
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="renders per measurement")
    parser.add_argument("--cpu-rounds", type=int, default=15, help="rounds of --runs for the CPU times")
    parser.add_argument("--docxtpl-runs", type=int, default=20)
    parser.add_argument("--plans", type=int, default=1000, help="plans in the bulk zip")
    parser.add_argument("--workers", type=int, default=None,
                        help="POP_EXPORT_WORKERS for the bulk runs in workers (default: the setting's own)")
    args = parser.parse_args()

    definition = get_form(DEFAULT_FORM)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"})
        with app.app_context():
            database.connect(reuse_if_open=True)
            manager = Person.create(voornaam="Marco", achternaam="Jansen", email="m@bench.nl",
                                    functie="Manager", afdeling="Projecten", role="leidinggevende")
            values = filled_values(definition)
            with database.atomic():
                plans = []
                for i in range(args.plans):
                    person = Person.create(voornaam=f"Eva{i}", achternaam="Visser", email=f"e{i}@bench.nl",
                                           functie="Projectcoördinator", afdeling="Projecten",
                                           manager=manager)
                    plan = start_plan(person, DEFAULT_FORM, "2026")
                    answers.save(plan, values)
                    plans.append(plan)
            plan = plans[0]
            stored = answers.load(plan)

            # One after the other, run by run: whatever else the machine does weighs on both alike.
            docx, xlsx = timed_alternately(lambda: render_docx(plan, definition, answers.load(plan)),
                                           lambda: render_xlsx(plan, definition, answers.load(plan)),
                                           args.runs)
            docx_cpu, xlsx_cpu = cpu_per_plan(lambda: render_docx(plan, definition, answers.load(plan)),
                                              lambda: render_xlsx(plan, definition, answers.load(plan)),
                                              args.runs, args.cpu_rounds)
            # The same again with every text answer differing from plan to plan, as real plans' do:
            # what each format keeps of texts it has seen (short answers' XML, line counts) cannot help.
            variants = itertools.cycle([_varied(stored, i) for i in range(args.runs)])

            def varied(render):
                answers.load(plan)  # as above, though the answers rendered are the next variant
                return render(plan, definition, next(variants))

            docx_varied, xlsx_varied = cpu_per_plan(lambda: varied(render_docx), lambda: varied(render_xlsx),
                                                    args.runs, args.cpu_rounds)
            docx_render_only = timed(lambda: render_docx(plan, definition, stored), args.runs)

            template_bytes = default_docx_template(DEFAULT_FORM)
            context = build_context(plan, definition, stored)

            def plain_docxtpl():
                doc = DocxTemplate(io.BytesIO(template_bytes))
                doc.render(context, jinja_env=Environment(autoescape=True), autoescape=True)
                doc.save(io.BytesIO())

            baseline = timed(plain_docxtpl, args.docxtpl_runs)

            bulk = {}
            for label, workers in (("in this process, one plan at a time", 0),
                                   ("worker processes, started for it", args.workers),
                                   ("worker processes, already running", args.workers)):
                app.config["POP_EXPORT_WORKERS"] = workers
                zip_path = Path(tmp, f"all-{len(bulk)}.zip")
                start, cpu, workers_cpu = time.perf_counter(), time.process_time(), _workers_cpu()
                write_zip(Plan.select().order_by(Plan.id), zip_path, BulkRenderer())
                bulk[label] = (time.perf_counter() - start, zip_path, time.process_time() - cpu,
                               _workers_cpu() - workers_cpu)
            zip_mb = zip_path.stat().st_size / 1024 / 1024
            workers_used = render_pool.workers()
            same = len({_contents(path) for _, path, *_ in bulk.values()}) == 1

    d50, d95 = percentiles(docx)
    r50, r95 = percentiles(docx_render_only)
    x50, x95 = percentiles(xlsx)
    b50, b95 = percentiles(baseline)
    print(f"One fully filled plan ({args.runs} runs; docxtpl {args.docxtpl_runs} runs):")
    print(f"  {'':38} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"  {'.docx, compiled template (incl. load)':38} {d50:8.1f} {d95:8.1f}")
    print(f"  {'.docx, compiled template (render only)':38} {r50:8.1f} {r95:8.1f}")
    print(f"  {'.docx, plain docxtpl render+save':38} {b50:8.1f} {b95:8.1f}")
    print(f"  {'.xlsx (incl. load)':38} {x50:8.1f} {x95:8.1f}")
    print(f"  speed-up over plain docxtpl (p50, incl. load): {b50 / d50:.1f}x")
    print(f"  .xlsx / .docx (p50, incl. load): {x50 / d50:.2f}")
    print(f"  CPU per plan, incl. load (least of {args.cpu_rounds}x{args.runs}): .docx {docx_cpu * 1000:.2f} ms, "
          f".xlsx {xlsx_cpu * 1000:.2f} ms, .xlsx / .docx {xlsx_cpu / docx_cpu:.2f}")
    print(f"  the same, every text answer differing per plan: .docx {docx_varied * 1000:.2f} ms, "
          f".xlsx {xlsx_varied * 1000:.2f} ms, .xlsx / .docx {xlsx_varied / docx_varied:.2f}")
    print(f"Bulk zip of {args.plans} plans (.docx each + overview .xlsx), {zip_mb:.1f} MB; "
          f"{cpus.usable()} usable CPUs, {workers_used} workers:")
    print(f"  {'':38} {'time':>8} {'CPU here':>9} {'workers':>8}")
    for label, (seconds, _, cpu, workers_cpu) in bulk.items():
        print(f"  {label:38} {seconds:6.2f} s {cpu:7.2f} s {workers_cpu:6.2f} s")
    print(f"  the zips hold the same documents: {'yes' if same else 'NO'}")


def _varied(value, number: int):
    """`value` (answers) with " <number>" after every text in it."""
    if isinstance(value, dict):
        return {key: _varied(part, number) for key, part in value.items()}
    if isinstance(value, list):
        return [_varied(part, number) for part in value]
    return f"{value} {number}" if isinstance(value, str) and value else value


def _workers_cpu() -> float:
    """CPU seconds the pool's worker processes have used (Linux /proc; 0 elsewhere or without a pool).
    A worker that was replaced since takes its seconds with it: compare runs of one pool."""
    executor = render_pool._pool
    total = 0.0
    for process in list((executor._processes or {}).values()) if executor is not None else []:
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _contents(path: Path) -> tuple:
    """Names, each document's text and the overview's cells: what a reader sees (the files' dates
    differ, and with them a few compressed bytes)."""
    from docx import Document
    from openpyxl import load_workbook

    def read(archive, name):
        data = io.BytesIO(archive.read(name))
        if name.endswith(".docx"):
            return "\n".join(p.text for p in Document(data).paragraphs)
        return tuple(tuple(c.value for c in row) for row in load_workbook(data).active.iter_rows())

    with zipfile.ZipFile(path) as archive:
        return tuple((name, read(archive, name)) for name in archive.namelist())


if __name__ == "__main__":
    main()
