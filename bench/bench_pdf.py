"""PDF speed, measured: run `.venv/bin/python bench/bench_pdf.py` (options --runs, --limit-runs).

Prints p50/p95 of turning a plan's Word export into a PDF through exports.pdf.to_pdf, one-shot
(`soffice --convert-to pdf`, a fresh LibreOffice per document) against warm (the LibreOffice kept
running per server process, exports/pdf_warm.py), for three plans: the demo plan (typical), every
question answered at length (as bench_exports.py), and every field filled to the form's limits (each
text at its maximum length, each table at its maximum rows). The time limit is lifted here, to see how
long the large plan really takes. It prints figures; it does not fail on a slow machine.
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
from exports import pdf  # noqa: E402
from exports.context import example_plan_context  # noqa: E402
from exports.templates import render_docx  # noqa: E402
from forms import DEFAULT_FORM, get_form  # noqa: E402
from forms.kinds import LongText, Table, Text  # noqa: E402
from pop import answers  # noqa: E402
from pop.db import database  # noqa: E402
from pop.models import Person  # noqa: E402
from pop.plans import start_plan  # noqa: E402

WORDS = "Een antwoord tot aan de grens van het formulier, met é ë ï ñ en een regel\nerbij. "


def text_of_length(n: int) -> str:
    return (WORDS * (n // len(WORDS) + 1))[:n]


def limit_values(definition) -> dict:
    """Every answer as large as the form accepts: the plan that made downloads outlast gunicorn."""
    _, values = example_plan_context(definition)
    for field in definition.fields:
        if isinstance(field, Table):
            example = values[field.key][0]
            values[field.key] = [
                {c.key: i + 1 if c.kind == "rank" else text_of_length(c.max_length)
                 if isinstance(c, (Text, LongText)) else example[c.key] for c in field.columns}
                for i in range(field.max_rows)]
        elif isinstance(field, (Text, LongText)):
            values[field.key] = text_of_length(field.max_length)
    return values


def full_values(definition) -> dict:
    _, values = example_plan_context(definition)
    long_text = ("Een realistisch lang antwoord met meerdere zinnen, é ë ï ñ en een regel\nerbij. " * 12)
    for field in definition.fields:
        if field.kind == "longtext":
            values[field.key] = long_text
    values["voortgangsgesprekken"] = values["voortgangsgesprekken"] * 2
    return values


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def measure(app, document: bytes, runs: int, warm: bool) -> list[float] | None:
    app.config["PDF_WARM"] = warm
    with app.app_context():
        if warm and not pdf.warm_up():
            return None
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            pdf.to_pdf(document)
            samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="conversions of the typical plan")
    parser.add_argument("--full-runs", type=int, default=10, help="of the plan answered at length")
    parser.add_argument("--limit-runs", type=int, default=3, help="of the plan filled to the limits")
    args = parser.parse_args()
    if not pdf.available():
        print("LibreOffice (soffice) is not installed: nothing to measure.")
        return

    definition = get_form(DEFAULT_FORM)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                          "PDF_TIMEOUT": 3600, "PDF_SLOT_DIR": f"{tmp}/slots"})
        documents = {}
        with app.app_context():
            database.connect(reuse_if_open=True)
            manager = Person.create(voornaam="Marco", achternaam="Jansen", email="m@bench.nl",
                                    functie="Manager", afdeling="Projecten", role="leidinggevende")
            person = Person.create(voornaam="Eva", achternaam="Visser", email="e@bench.nl",
                                   functie="Projectcoördinator", afdeling="Projecten", manager=manager)
            for name, values in (("typical", example_plan_context(definition)[1]),
                                 ("full", full_values(definition)),
                                 ("limits", limit_values(definition))):
                plan = start_plan(person, DEFAULT_FORM, f"bench-{name}")
                answers.save(plan, values)
                documents[name] = render_docx(plan, definition, answers.load(plan))

        labels = {"typical": f"demo plan (typical), {args.runs} runs",
                  "full": f"every question answered at length, {args.full_runs} runs",
                  "limits": f"filled to the form's limits, {args.limit_runs} runs"}
        runs = {"typical": args.runs, "full": args.full_runs, "limits": args.limit_runs}
        print(f"PDF of one plan's Word export, seconds   {'p50':>7} {'p95':>7}")
        for name, document in documents.items():
            if not runs[name]:
                continue
            print(f"{labels[name]} ({len(document) // 1024} KB .docx):")
            for warm in (False, True):
                samples = measure(app, document, runs[name], warm)
                way = "warm" if warm else "one-shot"
                if samples is None:
                    print(f"  {way:38} not available (no LibreOffice Python UNO bindings: "
                          "apt-get install python3-uno)")
                    continue
                p50, p95 = percentiles(samples)
                print(f"  {way:38} {p50:7.2f} {p95:7.2f}")
        pdf.stop_warm()


if __name__ == "__main__":
    main()
