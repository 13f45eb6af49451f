"""The cost of rendering uploaded templates in a child process, measured:
run `.venv/bin/python bench/bench_templates.py` (options --runs, --plans, --threads).

An upload is rendered in a child process with limits (exports/uploads/isolation.py) instead of in the server
process, as it was before. This prints p50/p95 per plan of both, for the organisation's Word template
(the default Word template, uploaded as it is: a realistic size) and the default Excel template:
in-process (compile once, render), in-process plus the check of the result (of every part, as at
upload, and of the parts the placeholders changed, as every child render at download does), the warm
child, a cold child (its start included), a whole download through render_docx (database
and context included), a bulk zip of N plans both ways, and several threads downloading at once with
1, 2 or 4 children per server process (gunicorn's gthread worker has 4 threads). It prints figures;
it does not fail on a slow machine.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from app import create_app  # noqa: E402
from bench_exports import filled_values, percentiles, timed  # noqa: E402
from exports.uploads import isolation  # noqa: E402
from exports.bulk import write_zip  # noqa: E402
from exports.context import build_context  # noqa: E402
from exports.uploads.rendered_check import check_rendered, part_stamps  # noqa: E402
from exports.uploads.check import compile_template  # noqa: E402
from exports.templates import BulkRenderer, render_docx  # noqa: E402
from exports.word.default import default_docx_template  # noqa: E402
from exports.excel.default_template import default_xlsx_template  # noqa: E402
from forms import DEFAULT_FORM, get_form  # noqa: E402
from pop import answers  # noqa: E402
from pop.db import database  # noqa: E402
from pop.models import ExportTemplate, Person, Plan  # noqa: E402
from pop.plans import start_plan  # noqa: E402


def row(label: str, samples: list[float]) -> str:
    p50, p95 = percentiles(samples)
    return f"  {label:48} {p50:8.1f} {p95:8.1f}"


def cold_starts(data: bytes, fmt: str, context: dict, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        isolation._pool.close()
        start = time.perf_counter()
        isolation.render_upload(data, fmt, DEFAULT_FORM, [context])
        samples.append(time.perf_counter() - start)
    return samples


def concurrent(threads: int, children: int, render, per_thread: int) -> float:
    """Plans per second with `threads` downloading at once and at most `children` children."""
    os.environ["POP_TEMPLATE_CHILDREN"] = str(children)
    isolation._pool.close()
    # Every child started before the clock runs, as in a server that has been serving a while.
    warm = threading.Barrier(children)
    starters = [threading.Thread(target=lambda: (warm.wait(), render())) for _ in range(children)]
    for starter in starters:
        starter.start()
    for starter in starters:
        starter.join()
    barrier = threading.Barrier(threads)

    def work():
        barrier.wait()
        for _ in range(per_thread):
            render()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return threads * per_thread / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="renders per measurement")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--plans", type=int, default=200, help="plans in the bulk zip")
    parser.add_argument("--threads", type=int, default=4, help="threads downloading at once")
    args = parser.parse_args()

    definition = get_form(DEFAULT_FORM)
    word = default_docx_template(DEFAULT_FORM)
    excel = default_xlsx_template(DEFAULT_FORM)
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
                    person = Person.create(voornaam=f"Eva{i}", achternaam="Visser",
                                           email=f"e{i}@bench.nl", functie="Projectcoördinator",
                                           afdeling="Projecten", manager=manager)
                    plan = start_plan(person, DEFAULT_FORM, "2026")
                    answers.save(plan, values)
                    plans.append(plan)
            plan = plans[0]
            stored = answers.load(plan)
            context = build_context(plan, definition, stored)
            excel_context = build_context(plan, definition, stored, excel=True)

            results = {}
            for name, data, ctx in (("Word", word, context), ("Excel", excel, excel_context)):
                fmt = "docx" if name == "Word" else "xlsx"
                compiled = compile_template(data, fmt, definition)
                stamps = part_stamps(data)
                results[name] = [
                    ("in-process render (before)", timed(lambda: compiled.render(ctx), args.runs)),
                    ("in-process render + check of every part", timed(
                        lambda: check_rendered(compiled.render(ctx), fmt), args.runs)),
                    ("in-process render + check of changed parts", timed(
                        lambda: check_rendered(compiled.render(ctx), fmt, unchanged=stamps),
                        args.runs)),
                    ("child process, warm (now)", timed(
                        lambda: isolation.render_upload(data, fmt, DEFAULT_FORM, [ctx]), args.runs)),
                    ("child process, cold (start included)",
                     cold_starts(data, fmt, ctx, args.cold_runs)),
                ]

            # A whole download of the plan with the upload active, database and context included.
            hr = Person.create(voornaam="Hanna", achternaam="HR", email="hr@bench.nl", role="hr")
            ExportTemplate.create(form_key=DEFAULT_FORM, format="docx", name="organisatie.docx",
                                  data=word, sha256=hashlib.sha256(word).hexdigest(),
                                  uploaded_by=hr.id, active=True)
            download = timed(lambda: render_docx(plan, definition, answers.load(plan)), args.runs)

            compiled = compile_template(word, "docx", definition)

            def in_process(p, d, v):  # the bulk export as it was: the upload rendered in the thread
                return compiled.render(build_context(p, d, v))

            bulk = {}
            for label, render in (("in-process (before)", in_process),
                                  ("child process (now)", BulkRenderer())):
                start = time.perf_counter()
                write_zip(Plan.select().order_by(Plan.id), Path(tmp, "all.zip"), render)
                bulk[label] = time.perf_counter() - start

            one = lambda: isolation.render_upload(word, "docx", DEFAULT_FORM, [context])  # noqa: E731
            per_thread = max(args.runs // args.threads, 5)
            throughput = {children: concurrent(args.threads, children, one, per_thread)
                          for children in (1, 2, 4)}
            isolation._pool.close()

    print(f"Per plan, the organisation's template filled with a fully filled plan ({args.runs} runs; "
          f"cold {args.cold_runs}):")
    for name, rows in results.items():
        print(f"  {name:48} {'p50 ms':>8} {'p95 ms':>8}")
        for label, samples in rows:
            print(row(label, samples))
    print(row("Word download via render_docx, warm child", download))
    print(f"Bulk zip of {args.plans} plans (Word each + overview .xlsx):")
    for label, seconds in bulk.items():
        print(f"  {label:48} {seconds:6.1f} s  {seconds / args.plans * 1000:6.1f} ms/plan")
    print(f"{args.threads} threads rendering at once (Word, {per_thread} plans each), plans per second:")
    for children, rate in throughput.items():
        print(f"  at most {children} child{'ren' if children > 1 else ''} per server process"
              f"{'':21} {rate:6.1f}")
    print(f"  ({os.cpu_count()} CPUs on this machine)")


if __name__ == "__main__":
    main()
