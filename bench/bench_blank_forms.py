"""What the blank-form mapper costs, on the corpus of tests/blank_forms and on a file that is no form.

Prints, per corpus file, the time of a proposal (finding the places and matching them) and of writing
the marked document; then the same for a Word file of 6,000 question-like paragraphs with dotted
lines, where the mapper stops weighing texts after MAX_SCORED and proposing places after MAX_PLACES.
The proposal runs in the web process (the upload's package check ran in the isolated child first),
so its worst case must stay a few seconds.

    .venv/bin/python bench/bench_blank_forms.py
"""
import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docx import Document  # noqa: E402

from exports.uploads.blank import apply, proposal, propose  # noqa: E402
from forms import FORMS  # noqa: E402
from tests.blank_forms.make import corpus  # noqa: E402


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def no_form(paragraphs: int = 6000) -> bytes:
    random.seed(1)
    words = "ontwikkeling doel werk team leren coaching project planning resultaat evaluatie gesprek".split()
    doc = Document()
    for i in range(paragraphs):
        doc.add_paragraph(" ".join(random.choice(words) for _ in range(random.randint(2, 12))) +
                          random.choice([":", "?", "."]))
        if i % 3 == 0:
            doc.add_paragraph("." * 20)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def main():
    proposals, writes = [], []
    for blank in corpus():
        definition = FORMS[blank.form_key]
        proposal.clear_cache()
        found, seconds = timed(propose, blank.data, blank.kind, definition)
        _, written = timed(apply, blank.data, blank.kind, definition, {})
        proposals.append(seconds)
        writes.append(written)
        print(f"{blank.name:42} {len(found.places):4} plaatsen  voorstel {seconds * 1000:6.0f} ms  "
              f"gemarkeerd {written * 1000:6.0f} ms")
    print(f"corpus: voorstel mediaan {statistics.median(proposals) * 1000:.0f} ms, "
          f"hoogste {max(proposals) * 1000:.0f} ms; gemarkeerd mediaan {statistics.median(writes) * 1000:.0f} ms")
    data = no_form()
    definition = FORMS["pop-uitgebreid"]
    proposal.clear_cache()
    found, first = timed(propose, data, "docx", definition)
    _, again = timed(propose, data, "docx", definition)
    print(f"geen formulier (6.000 alinea's, {len(data) // 1024} KB): {len(found.places)} plaatsen "
          f"(hoogstens {proposal.MAX_PLACES}), eerste voorstel {first:.1f} s, opnieuw {again:.1f} s")


if __name__ == "__main__":
    main()
