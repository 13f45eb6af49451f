"""What the size limits buy: run `.venv/bin/python bench/bench_plan_size.py` (add --pdf).

Exports three plans, each saved through the same code as the web form: a plan written out at length
(realistic), the largest plan forms/limits.py allows, and the largest plan the limits before allowed
(100 progress talks of 4 answers of 20.000 characters, every answer at 20.000, tables of 100 rows).
Prints characters, time to load + write .docx and .xlsx, and with --pdf the LibreOffice conversion.
It measures; it does not fail.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from exports.pdf import convert as pdf  # noqa: E402
from exports.templates import compiled_default_docx, render_docx, render_xlsx  # noqa: E402
from forms import DEFAULT_FORM, get_form, limits  # noqa: E402
from pop import answers  # noqa: E402
from pop.db import database  # noqa: E402
from pop.models import Person  # noqa: E402
from pop.plans import start_plan  # noqa: E402

SENTENCE = "Ik heb met het team de planning besproken, één keer per week, en daarvan geleerd. "


def text(chars: int) -> str:
    paragraph = (SENTENCE * (1 + 400 // len(SENTENCE)))[:400].rstrip() + "\n"
    return (paragraph * (1 + chars // len(paragraph)))[:chars]


def plan_values(definition, long_chars: int, cell_chars: int, talk_chars: int, rows: int, talks: int):
    values = {}
    for field in definition.fields:
        if field.kind == "longtext":
            values[field.key] = text(long_chars)
        elif field.kind == "text":
            values[field.key] = text(40)
        elif field.kind == "table" and field.layout == "blocks":
            values[field.key] = [
                {c.key: (dt.date(2027, 1, 1) + dt.timedelta(days=i) if c.kind == "date"
                         else text(talk_chars)) for c in field.columns} for i in range(talks)]
        elif field.kind == "table":
            values[field.key] = [
                {c.key: (i + 1 if c.kind == "rank" else text(cell_chars)) for c in field.columns}
                for i in range(rows)]
    return values


def shapes(definition):
    realistic = plan_values(definition, 1_200, 120, 800, 5, 12)
    # The largest now: every answer as long as allowed, then all of it shortened alike until the
    # plan holds PLAN_CHARS (the plan total is what binds).
    full = plan_values(definition, limits.LONG_ANSWER_CHARS, limits.CELL_CHARS,
                       limits.TALK_ANSWER_CHARS, limits.TABLE_ROWS, limits.PROGRESS_TALKS)
    scale = min(1.0, limits.PLAN_CHARS / definition.chars(full))
    largest = plan_values(definition, int(limits.LONG_ANSWER_CHARS * scale),
                          int(limits.CELL_CHARS * scale), int(limits.TALK_ANSWER_CHARS * scale),
                          limits.TABLE_ROWS, limits.PROGRESS_TALKS)
    before = plan_values(definition, 20_000, 2_000, 20_000, 100, 100)
    return [("written out at length", realistic), ("largest allowed now", largest),
            ("largest allowed before", before)]


def seconds(fn, runs: int) -> tuple[float, object]:
    best, result = None, None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs")
    parser.add_argument("--pdf", action="store_true", help="also convert to PDF (LibreOffice)")
    args = parser.parse_args()
    definition = get_form(DEFAULT_FORM)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"})
        with app.app_context():
            database.connect(reuse_if_open=True)
            compiled_default_docx(DEFAULT_FORM)  # once per server, not part of an export
            print(f"{'':24} {'characters':>11} {'.docx s':>8} {'MB':>6} {'.xlsx s':>8}"
                  + (f" {'PDF s':>8} {'pages':>6}" if args.pdf else ""))
            for number, (name, values) in enumerate(shapes(definition)):
                person = Person.create(voornaam="Eva", achternaam=f"Visser{number}",
                                       email=f"e{number}@bench.nl", afdeling="Projecten")
                plan = start_plan(person, DEFAULT_FORM, "2026")
                answers.save(plan, values)
                chars = definition.chars(answers.load(plan))
                docx_s, document = seconds(lambda: render_docx(plan, definition, answers.load(plan)),
                                           args.runs)
                xlsx_s, _ = seconds(lambda: render_xlsx(plan, definition, answers.load(plan)),
                                    args.runs)
                line = (f"{name:24} {limits.number(chars):>11} {docx_s:8.2f} "
                        f"{len(document) / 1e6:6.2f} {xlsx_s:8.2f}")
                if args.pdf:
                    try:
                        pdf_s, printed = seconds(lambda: pdf.to_pdf(document), 1)
                        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", printed))
                        line += f" {pdf_s:8.1f} {pages:6}"
                    except pdf.PdfFailed as exc:
                        line += f"  {exc}"
                print(line, flush=True)


if __name__ == "__main__":
    main()
