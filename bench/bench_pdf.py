"""PDF speed, measured: run `.venv/bin/python bench/bench_pdf.py` (options --runs, --limit-runs).

Prints p50/p95 of turning a plan's Word export into a PDF through exports.pdf.convert.to_pdf, one-shot
(`soffice --convert-to pdf`, a fresh LibreOffice per document) against warm (the LibreOffice kept
running per server process, exports/pdf/warm.py), for the demo plan (typical), every question
answered at length (as bench_exports.py), every field filled to the form's limits (each text at its
maximum length, each table at its maximum rows) and the huge plan of the limits when issue 6 was found
(100 rows a table, 20.000 characters an answer; the same plan while the form still has those limits). The time limit is lifted here, to see how
long the large plan really takes. A document too large for the warm LibreOffice (exports.pdf.convert.
WARM_MAX_TEXT) is made one-shot with POP_PDF_WARM on, as the server does; --force-warm lifts that limit to
measure why it is there. It prints figures; it does not fail on a slow machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from exports.pdf import convert as pdf  # noqa: E402
from exports.context import example_plan_context  # noqa: E402
from exports.templates import render_docx  # noqa: E402
from forms import DEFAULT_FORM, get_form  # noqa: E402
from forms.kinds import LongText, Table, Text  # noqa: E402
from pop import answers  # noqa: E402
from pop.db import database  # noqa: E402
from pop.models import Person  # noqa: E402
from pop.plans import start_plan  # noqa: E402
from bench_exports import filled_values as full_values  # noqa: E402 - the same "filled at length" plan

WORDS = "Een antwoord tot aan de grens van het formulier, met é ë ï ñ en een regel\nerbij. "


def text_of_length(n: int) -> str:
    return (WORDS * (n // len(WORDS) + 1))[:n]


def filled(definition, rows=None, long_chars=None, cell_chars=None) -> dict:
    """Every answer as large as the form's own limits allow, or as large as given: `rows` rows per
    table, `long_chars` characters per open answer (progress talks included), `cell_chars` per cell
    of a grid table."""
    _, values = example_plan_context(definition)

    def size(field, in_grid=False):
        if isinstance(field, LongText):
            given = cell_chars if in_grid else long_chars
            return given or field.max_length
        return field.max_length

    for field in definition.fields:
        if isinstance(field, Table):
            example = values[field.key][0]
            values[field.key] = [
                {c.key: i + 1 if c.kind == "rank" else text_of_length(size(c, field.layout == "grid"))
                 if isinstance(c, (Text, LongText)) else example[c.key] for c in field.columns}
                for i in range(rows or field.max_rows)]
        elif isinstance(field, (Text, LongText)):
            values[field.key] = text_of_length(size(field))
    return values


def limit_values(definition) -> dict:
    """Every field at the form's limit for it."""
    return filled(definition)


def huge_values(definition) -> dict:
    """The form's limits when issue 6 was found, which plans stored then may still hold: 100 rows a
    table, 20.000 characters an open answer, 2.000 a grid cell; 8,9 million characters, about 2.000
    pages, 40 s or more to convert, the plan that made downloads outlast gunicorn's time-out."""
    return filled(definition, rows=100, long_chars=20_000, cell_chars=2_000)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def measure(app, document: bytes, runs: int, warm: bool) -> tuple[list[float], int] | None:
    app.config["POP_PDF_WARM"] = warm
    with app.app_context():
        if warm and not pdf.warm_up():
            return None
        pdf.counts.clear()
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            pdf.to_pdf(document)
            samples.append(time.perf_counter() - start)
    return samples, pdf.counts["one_shot"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="conversions of the typical plan")
    parser.add_argument("--full-runs", type=int, default=10, help="of the plan answered at length")
    parser.add_argument("--limit-runs", type=int, default=3, help="of the largest plans")
    parser.add_argument("--force-warm", action="store_true",
                        help="let the warm LibreOffice take documents of any size")
    args = parser.parse_args()
    if args.force_warm:
        pdf.WARM_MAX_TEXT = float("inf")
    if not pdf.available():
        print("LibreOffice (soffice) is not installed: nothing to measure.")
        return

    definition = get_form(DEFAULT_FORM)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                          "POP_PDF_TIMEOUT": 3600, "POP_PDF_SLOT_DIR": f"{tmp}/slots"})
        documents = {}
        with app.app_context():
            database.connect(reuse_if_open=True)
            manager = Person.create(voornaam="Marco", achternaam="Jansen", email="m@bench.nl",
                                    functie="Manager", afdeling="Projecten", role="leidinggevende")
            person = Person.create(voornaam="Eva", achternaam="Visser", email="e@bench.nl",
                                   functie="Projectcoördinator", afdeling="Projecten", manager=manager)
            plans = {"typical": example_plan_context(definition)[1], "full": full_values(definition),
                     "limits": limit_values(definition), "huge": huge_values(definition)}
            if plans["limits"] == plans["huge"]:  # the form's limits are still those of then
                del plans["limits"]
            for name, values in plans.items():
                plan = start_plan(person, DEFAULT_FORM, f"bench-{name}")
                answers.save(plan, values)
                documents[name] = render_docx(plan, definition, answers.load(plan))

        labels = {"typical": f"demo plan (typical), {args.runs} runs",
                  "full": f"every question answered at length, {args.full_runs} runs",
                  "limits": f"every field at the form's limit, {args.limit_runs} runs",
                  "huge": f"100 rows a table, 20.000 characters an answer, {args.limit_runs} runs"}
        runs = {"typical": args.runs, "full": args.full_runs, "limits": args.limit_runs,
                "huge": args.limit_runs}
        print(f"PDF of one plan's Word export, seconds   {'p50':>7} {'p95':>7}")
        for name, document in documents.items():
            if not runs[name]:
                continue
            print(f"{labels[name]} ({len(document) // 1024} KB .docx):")
            for warm in (False, True):
                measured = measure(app, document, runs[name], warm)
                way = "warm" if warm else "one-shot"
                if measured is None:
                    print(f"  {way:38} not available (no LibreOffice Python UNO bindings: "
                          "apt-get install python3-uno)")
                    continue
                samples, one_shot = measured
                if warm and one_shot:
                    way = f"warm on, {one_shot} of {len(samples)} one-shot (too large)"
                p50, p95 = percentiles(samples)
                print(f"  {way:38} {p50:7.2f} {p95:7.2f}")
        pdf.stop_warm()


if __name__ == "__main__":
    main()
