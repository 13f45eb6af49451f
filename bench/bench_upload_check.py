"""How long HR waits for the upload check: the default Word and Excel templates, and the Word one with
its body repeated (a very large but legitimate form), each read and tried on every trial plan in the
child process (exports/template_check.check_template). Prints seconds; the check's limit is
POP_TEMPLATE_CHECK_TIMEOUT (15 s).

    .venv/bin/python bench/bench_upload_check.py --copies 25 --runs 3
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from exports.word.engine import TemplateProblem  # noqa: E402
from exports.uploads.check import check_template  # noqa: E402
from exports.word.default import default_docx_template  # noqa: E402
from exports.excel.default_template import default_xlsx_template  # noqa: E402
from forms import DEFAULT_FORM, get_form  # noqa: E402


def repeated(docx: bytes, copies: int) -> bytes:
    """The Word template with its body repeated: as many fields as a form of that many times the size."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    xml = source.read("word/document.xml").decode("utf-8")
    start, end = xml.index("<w:body>") + len("<w:body>"), xml.rindex("<w:sectPr")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = (xml[:start] + xml[start:end] * copies + xml[end:]).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=25)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    definition = get_form(DEFAULT_FORM)
    word = default_docx_template(definition.key)
    cases = [("Word, standaardsjabloon", word, "docx"),
             ("Excel, standaardsjabloon", default_xlsx_template(definition.key), "xlsx"),
             (f"Word, {args.copies} keer zo groot", repeated(word, args.copies), "docx")]
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"})
        with app.app_context():
            for name, data, fmt in cases:
                times, fields, problems = [], 0, []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    try:
                        report = check_template(data, fmt, definition)
                        fields, problems = len(report.found), report.problems
                    except TemplateProblem as exc:  # e.g. the check's own time limit
                        problems = [str(exc)]
                    times.append(time.perf_counter() - started)
                verdict = "aangenomen" if not problems else f"geweigerd: {problems[0][:80]}"
                print(f"{name:32} {fields:5} velden  eerste {times[0]:5.2f} s  mediaan "
                      f"{statistics.median(times):5.2f} s  ({verdict})")


if __name__ == "__main__":
    main()
