"""The blank-form mapper on the corpus of tests/blank_forms: blank forms of every seed form in nine styles
(label cells, labels over empty cells, dotted lines, boxes, tick boxes, checkbox controls, HR's own
wording, two Excel layouts), each with the mapping a person would make. The proposal as it stands must
put the right question in at least 90 % of the places of every style; after HR's corrections every
place found holds its question, and every marked form is a template the upload check accepts.

The figures print with `-s`, or: .venv/bin/python tests/blank_measure.py [-v]"""
import io
import re
import zipfile

import pytest

from blank_measure import key, measure, report
from exports.uploads.blank import apply, propose
from exports.uploads.blank.match import ROWS
from exports.uploads.check import check_template
from forms import FORMS
from tests.blank_forms.make import corpus

import difflib

CORPUS = corpus()
PER_STYLE = 0.90  # the goal, for the proposal as it stands
FOUND = 1.0  # every place is found, so that HR can correct what the proposal has wrong


def test_the_proposal_as_it_stands_puts_the_right_question_in_nine_of_ten_places_of_every_style():
    total, by_style, by_kind = measure(CORPUS)
    print("\n" + report(total, by_style, by_kind))
    assert len(by_style) == 9 and total.expected > 1000
    for style, score in by_style.items():
        assert score.right / score.expected >= PER_STYLE, (style, score.misses)
    assert total.found / total.expected >= FOUND, [m for m in total.misses if "niet gevonden" in m]
    assert total.extra_proposed <= 3, [m for m in total.misses if "extra plaats" in m]


WRITTEN = [
    re.compile(r"\{\{ '[^']*' if ([\w.\[\]]+) else '[^']*' \}\}"),  # a tick box
    re.compile(r"\{\{ ([\w.\[\]]+) \}\}"),  # an answer, or a row's column (r.sterk)
    re.compile(r"\{%tr for r in (\w+) %\}"),  # a table's loop
    re.compile(r'<w:tag w:val="([\w.\[\]]+)"'),  # a checkbox control
]


def written(data: bytes) -> set[str]:
    """Every placeholder path written into a marked form's parts."""
    found = set()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                text = archive.read(name).decode("utf-8")
                for pattern in WRITTEN:
                    found.update(pattern.findall(text))
    return found


def hr_corrections(blank, places) -> tuple[dict, dict]:
    """What HR chooses on the proposal page, place by place, to get the corpus's own mapping."""
    matcher = difflib.SequenceMatcher(None, [key(e.label) for e in blank.expected],
                                      [key(p.label) for p in places], autojunk=False)
    chosen = {p.id: None for p in places}
    columns = {}
    for block in matcher.get_matching_blocks():
        for i in range(block.size):
            expected, place = blank.expected[block.a + i], places[block.b + i]
            chosen[place.id] = expected.target
            if place.shape == ROWS:
                columns[place.id] = {index: expected.columns[header]
                                     for index, header in enumerate(place.headers)
                                     if header in expected.columns}
    return chosen, columns


@pytest.mark.parametrize("blank", CORPUS, ids=[b.name for b in CORPUS])
def test_after_hr_s_corrections_each_place_holds_its_question_and_the_form_is_a_template(blank):
    definition = FORMS[blank.form_key]
    places = propose(blank.data, blank.kind, definition).places
    chosen, columns = hr_corrections(blank, places)
    marked = apply(blank.data, blank.kind, definition, chosen, columns)
    paths = written(marked)
    missing = []
    for expected in blank.expected:
        if expected.columns and blank.kind == "docx":
            wanted = {expected.target} | {f"r.{column}" for column in expected.columns.values()}
        elif expected.columns:
            wanted = {f"{expected.target}[0].{column}" for column in expected.columns.values()}
        else:
            wanted = {expected.target}
        if not wanted <= paths:
            missing.append(expected.label)
    assert missing == []
    # Nothing HR left out is written: the places chosen "niet invullen" stay as on paper.
    left_out = [p for p in places if chosen[p.id] is None and p.target]
    for place in left_out:
        assert place.target not in paths or place.target in chosen.values(), place
    report = check_template(marked, blank.kind, definition, render=blank.style == "hr-eigen")
    assert report.problems == [], report.problems


def test_a_file_that_is_no_form_is_read_with_bounded_work():
    """The proposal runs in the web process: a file of thousands of question-like paragraphs with dotted
    lines gets at most MAX_PLACES places, and at most MAX_SCORED of its texts are weighed against the
    form's questions (bench/bench_blank_forms.py prints the time: about 4 s for 6,000 paragraphs)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_blank_forms import no_form

    from exports.uploads.blank import proposal

    data = no_form(2400)
    proposal.clear_cache()
    found = propose(data, "docx", FORMS["pop-uitgebreid"])
    assert len(found.places) == proposal.MAX_PLACES
    (weighed,) = proposal._SCORED.values()
    assert proposal.MAX_SCORED * 0.9 <= len(weighed) <= proposal.MAX_SCORED
    marked = apply(data, "docx", FORMS["pop-uitgebreid"], {})
    assert len(written(marked)) <= proposal.MAX_PLACES
