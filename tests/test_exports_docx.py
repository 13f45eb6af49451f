"""The Word export of a plan filled in completely with awkward answers, downloaded over HTTP and read
back with python-docx: every answer under its own question, tables, grids, talks, signatures, and the
page set-up."""
import datetime as dt
import re

import pytest
from docx.shared import Mm

from export_support import (ACCENTS, AMP, EMPLOYEE_NAME, FORM, FORM_KEY, LONG_10K, MANAGER_NAME,
                            MULTILINE, NEXT_TALK, PERIOD, POP_TALK, SCRIPT, SIGN_EMPLOYEE,
                            SIGN_MANAGER, TALK_DATES, TEMPLATE_CODE, all_docx_text,
                            body_tables, body_texts, docx_of, docx_xml, rows_text, tricky_values,
                            use_database)
from export_support import _db, world  # noqa: F401 - the shared fixtures
from forms.kinds import Choice, Date, Info, Matrix, Signature, Table

CHECKED, UNCHECKED = "☒", "☐"
NEW_KINDS = ("smart", "costs", "checklist")  # their exports: tests/test_exports_forms.py


@pytest.fixture(scope="module")
def download(world):
    """The employee's own download of the filled plan: (response, Document)."""
    use_database(world.app)
    response = world.client("zoe").get(f"/plans/{world.org['plan']}/download.docx")
    return response, docx_of(response)


@pytest.fixture(scope="module")
def values(world):
    use_database(world.app)
    return world.values()


def d(date: dt.date) -> str:
    return date.strftime("%d-%m-%Y")


def boxes(options, chosen) -> str:
    return "   ".join(f"{CHECKED if key == chosen else UNCHECKED}\u00a0{label}" for key, label in options)


# ---------------------------------------------------------------- every answer under its question


def expected_after_label(field, value) -> list[str]:
    """The blocks that follow a question's label in the default layout, answer last: its intro,
    prompts and 'Uw antwoord:' line, then the answer box."""
    if isinstance(field, (Date, Choice)) or field.kind == "text":
        shown = (d(value) if value else "") if isinstance(field, Date) else \
            boxes(field.options, value) if isinstance(field, Choice) else value
        return [shown]  # the cell right of the label cell
    lead = ([field.intro] if field.intro else []) + list(field.help) + \
        ([field.answer_label] if field.answer_label else [])
    return lead + [value.replace("\r", "\n")]  # Word has no bare CR: it becomes a line break


def find(texts, wanted, start, what):
    for i in range(start, len(texts)):
        if texts[i] == wanted:
            return i
    raise AssertionError(f"{what}: {wanted!r} not found in the document after block {start}")


def test_every_question_is_answered_right_under_its_label(download, values):
    _, doc = download
    texts = body_texts(doc)
    position = 0
    checked = 0
    for part in FORM.parts[1:]:  # the Gegevens header is a table of its own, checked below
        position = find(texts, part.title, position, "part title")
        for section in part.sections:
            for item in section.items:
                if isinstance(item, Info) or isinstance(item, (Table, Matrix, Signature)) or \
                        item.kind in NEW_KINDS:
                    continue  # tables, grids, talks and akkoord lines have their own tests, and
                    # SMART, costs and checklists theirs in tests/test_exports_forms.py
                label_at = find(texts, item.label, position + 1, f"label of {item.key}")
                want = expected_after_label(item, values[item.key])
                got = texts[label_at + 1:label_at + 1 + len(want)]
                assert got == want, (f"{item.key}: the blocks under ‘{item.label}’ are {got!r}, "
                                     f"expected {want!r}")
                position = label_at + len(want)
                checked += 1
    plain = [f for p in FORM.parts[1:] for f in p.fields
             if not isinstance(f, (Table, Matrix, Signature)) and f.kind not in NEW_KINDS]
    assert checked == len(plain) == 19  # the walk really went through the whole form


def test_answers_appear_between_their_label_and_the_next_label(download, values):
    """The same, stated loosely as the issue does: each non-empty answer is after its own question
    and before the next question, in document order (paragraphs and tables interleaved)."""
    _, doc = download
    texts = body_texts(doc)
    plain = [f for f in FORM.fields if f.kind in ("longtext", "text", "date", "choice")
             and FORM.part("gegevens").fields.count(f) == 0]
    anchors, position = [], 0
    for field in plain:
        position = find(texts, field.label, position + 1, f"label of {field.key}")
        anchors.append(position)
    anchors.append(len(texts))
    for field, start, end in zip(plain, anchors, anchors[1:]):
        value = values[field.key]
        if not value:
            continue
        shown = d(value) if isinstance(field, Date) else \
            boxes(field.options, value) if isinstance(field, Choice) else value.replace("\r", "\n")
        window = texts[start + 1:end]
        assert shown in window, f"{field.key}: {shown[:60]!r} not between its label and the next one"
        for other in plain:  # and not under some other question
            if other is field or not values[other.key] or values[other.key] == value:
                continue
            other_shown = values[other.key] if isinstance(values[other.key], str) else None
            if other_shown and len(other_shown) > 8:
                assert other_shown not in window, f"{other.key}'s answer shows under {field.key}"


def test_header_table_has_the_employee_and_manager_details(download, values):
    _, doc = download
    header = body_tables(doc)[0]
    rows = rows_text(header)
    assert rows[0] == ["Medewerker", "Leidinggevende"]
    cells = {c for row in rows for c in row}
    for field in FORM.part("gegevens").fields:
        value = values[field.key]
        shown = d(value) if isinstance(value, dt.date) else value
        assert f"{field.label} {shown}" in cells, (field.key, sorted(cells))
    assert f"Naam: {EMPLOYEE_NAME}" in cells
    assert "Afdeling: A & B <c>" in cells
    assert f"Datum POP-gesprek: {d(POP_TALK)}" in cells
    assert f"Naam leidinggevende: {MANAGER_NAME}" in cells


def table_after(doc, first_cell: str):
    for table in body_tables(doc):
        if rows_text(table)[0][0] == first_cell:
            return rows_text(table)
    raise AssertionError(f"no table starting with {first_cell!r}")


def test_goals_are_listed_by_rank(download):
    _, doc = download
    rows = table_after(doc, "Ontwikkeldoel")
    # Each goal with its SMART check in a row of its own under it (left open in this plan).
    smart = "SMART\n" + "\n".join(f"{label[0]} – {label}: " for label in
                                   ("Specifiek", "Meetbaar", "Acceptabel", "Realistisch", "Tijdgebonden"))
    assert rows == [["Ontwikkeldoel", "Belang"],
                    ["Doel met belang een", "1"], [smart],
                    ["Doel met belang twee", "2"], [smart],
                    ["Doel met belang drie", "3"], [smart]]


def test_strengths_table_keeps_each_row_and_its_blanks(download):
    _, doc = download
    rows = table_after(doc, "Sterke punten")
    assert rows == [["Sterke punten", "Verbeterpunten"],
                    ["=1+1", "-5"],
                    [ACCENTS, ""],
                    ["", "Regel een\nRegel twee\tna tab"]]


@pytest.mark.parametrize("key", ["on_the_job", "off_the_job"])
def test_plus_minus_grids_tick_the_chosen_mark(download, values, key):
    _, doc = download
    field = FORM.field(key)
    rows = table_after(doc, field.row_heading)
    assert rows[0] == [field.row_heading] + [h for _, h in field.columns]
    assert len(rows) == 1 + len(field.rows)
    for spec, row in zip(field.rows, rows[1:]):
        assert row[0].startswith(spec.label), (row[0], spec.label)
        for (col, _), cell in zip(field.columns, row[1:]):
            chosen = values[key][spec.key][col]
            assert cell == boxes(field.scale, chosen), (key, spec.key, col, cell)
            assert cell.count(CHECKED) == (1 if chosen else 0), cell
    # Spot checks written out by hand, so the helper above is not checked only against itself.
    if key == "on_the_job":
        assert rows[1][1:] == ["☒\u00a0+   ☐\u00a0±   ☐\u00a0–", "☐\u00a0+   ☒\u00a0±   ☐\u00a0–"]
        assert rows[4][1:] == ["☒\u00a0+   ☐\u00a0±   ☐\u00a0–", "☐\u00a0+   ☐\u00a0±   ☐\u00a0–"]  # 'ligt' left open


def test_cost_checklist_ticks_ja_or_nee(download):
    _, doc = download
    rows = table_after(doc, "Aspecten")
    assert rows[0] == ["Aspecten", "Voorbeelden", "Van toepassing"]
    marks = {row[1]: row[2] for row in rows[1:]}
    assert marks["Werktijd die u niet kunt besteden aan productief werk"] == "☒\u00a0ja   ☐\u00a0nee"
    assert marks["Vrije tijd van uzelf"] == "☐\u00a0ja   ☒\u00a0nee"
    assert marks["Reis- en verblijfskosten"] == "☒\u00a0ja   ☐\u00a0nee"
    assert marks["Kosten voor inschakelen externe coach"] == "☐\u00a0ja   ☐\u00a0nee"  # left open
    assert [row[0] for row in rows[1:]].count("Tijd") == 1  # the group named once, as on paper
    assert len(rows) == 1 + len(FORM.field("kosten").rows)


def test_one_block_per_progress_talk_with_its_date(download):
    _, doc = download
    texts = body_texts(doc)
    talks = [i for i, t in enumerate(texts) if re.fullmatch(r"Voortgangsgesprek \d+", t)]
    assert [texts[i] for i in talks] == ["Voortgangsgesprek 1", "Voortgangsgesprek 2"]
    columns = FORM.field("voortgangsgesprekken").columns
    talks.append(find(texts, "Fase IV: Evaluatie", talks[-1], "Fase IV"))
    expected = [  # in date order, although stored the other way round
        {"datum": d(TALK_DATES[0]), "gedaan": "Eerste gesprek gedaan\nmet tweede regel",
         "opgeleverd": "Eerste opgeleverd", "tevreden": "", "verder": "Eerste verder A & B <c>"},
        {"datum": d(TALK_DATES[1]), "gedaan": "Tweede gesprek gedaan",
         "opgeleverd": "Tweede opgeleverd", "tevreden": "Tweede tevreden", "verder": "Tweede verder"},
    ]
    for n, (start, end) in enumerate(zip(talks, talks[1:])):
        block = texts[start:end]
        position = 0
        for col in columns:
            label_at = find(block, col.label, position, f"talk {n + 1}: {col.key}")
            want = [expected[n][col.key]] if col.kind == "date" else \
                list(col.help) + [col.answer_label, expected[n][col.key]]
            assert block[label_at + 1:label_at + 1 + len(want)] == want, (n + 1, col.key)
            position = label_at + 1
    assert re.fullmatch(r"\d\d-\d\d-\d{4}", d(TALK_DATES[0]))


def test_both_akkoord_lines_have_name_and_date(download):
    _, doc = download
    rows = table_after(doc, "Akkoord medewerker")
    assert rows == [["Akkoord medewerker", "Akkoord leidinggevende"],
                    [f"Naam: {EMPLOYEE_NAME}", f"Naam: {MANAGER_NAME}"],
                    [f"Datum: {d(SIGN_EMPLOYEE)}", f"Datum: {d(SIGN_MANAGER)}"]]
    assert d(SIGN_EMPLOYEE) == "02-11-2026"


def test_next_talk_choice_and_date(download):
    _, doc = download
    texts = body_texts(doc)
    at = find(texts, "Het volgende gesprek is een:", 0, "volgend gesprek")
    assert texts[at + 1] == "☐\u00a0Doelstellingengesprek   ☒\u00a0Voortgangsgesprek   ☐\u00a0Beoordelingsgesprek"
    at = find(texts, "Dat gesprek zal gehouden worden op (datum):", at, "datum")
    assert texts[at + 1] == d(NEXT_TALK) == "01-12-2026"


# ---------------------------------------------------------------- awkward text


def test_empty_answers_are_empty_boxes_never_none(download, world):
    response, doc = download
    everything = all_docx_text(doc)
    assert "None" not in everything
    assert "None" not in docx_xml(response.data)
    # An unfilled plan: every box empty, still no "None", no left-over placeholder.
    empty = docx_of(world.client("b").get(f"/plans/{world.org['plan_b']}/download.docx"))
    text = all_docx_text(empty)
    assert "None" not in text
    assert "{{" not in text and "{%" not in text
    texts = body_texts(empty)
    at = find(texts, "Meer doen", 0, "Meer doen")
    assert texts[at + 1:at + 4] == [FORM.field("meer_doen").intro, "Uw antwoord:", ""]
    # One empty progress talk to write on, as on paper, with an empty date.
    talks = [t for t in texts if re.fullmatch(r"Voortgangsgesprek \d+", t)]
    assert talks == ["Voortgangsgesprek 1"]
    at = find(texts, "Datum voortgangsgesprek", 0, "talk date")
    assert texts[at + 1] == ""


def test_line_breaks_become_word_line_breaks(download):
    response, doc = download
    texts = body_texts(doc)
    assert MULTILINE in texts
    xml = docx_xml(response.data)
    # The answer's lines are separate w:t runs joined by <w:br/>, the tab a <w:tab/>: not one long line
    # and not a literal newline character inside a w:t.
    for line in ("Eerste regel", "Tweede regel", "met een tab", "na een lege regel"):
        assert line in xml
    start = xml.index("Eerste regel")
    snippet = xml[start:xml.index("na een lege regel", start)]
    assert snippet.count("<w:br/>") == 3, snippet
    assert "<w:tab/>" in snippet
    assert not re.search(r"<w:t[^>]*>[^<]*\n", xml), "a raw newline inside <w:t> (Word ignores it)"


def test_special_characters_survive_exactly(download):
    _, doc = download
    texts = body_texts(doc)
    assert AMP in texts  # "A & B <c>" exactly, not escaped twice, not cut at "<"
    assert SCRIPT in texts
    assert f"Gehaald: {SCRIPT} {AMP}" in texts
    assert "Bewijzen: " + ACCENTS in texts  # é ë ï ñ and emoji
    assert "\tbegint met een tab" in texts
    assert "=1+1" in texts and "+31 6 12345678" in texts and "-5 procent fouten" in texts
    assert "@home werken" in texts


def test_typed_template_code_is_text(download):
    """An answer that looks like template code is printed as typed, never evaluated."""
    _, doc = download
    texts = body_texts(doc)
    assert "Afsluiten\tmet tab\nen regel " + TEMPLATE_CODE in texts
    assert not any("49 code" in t for t in texts)


def test_ten_thousand_characters_intact(download):
    _, doc = download
    texts = body_texts(doc)
    assert LONG_10K in texts
    assert len(LONG_10K) == 10_000


# ---------------------------------------------------------------- page set-up


def test_page_header_names_employee_and_period(download):
    _, doc = download
    header = " ".join(p.text for p in doc.sections[0].header.paragraphs)
    assert EMPLOYEE_NAME in header and PERIOD in header, header


def test_page_is_a4_with_a_page_number_field(download):
    response, doc = download
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1), section.page_width
    assert abs(section.page_height - Mm(297)) < Mm(1), section.page_height
    footer_xml = section.footer._element.xml
    instructions = [t.strip() for t in re.findall(r"<w:instrText[^>]*>([^<]*)<", footer_xml)]
    assert "PAGE" in instructions, footer_xml[:500]
    assert 'w:fldCharType="begin"' in footer_xml


def test_download_is_named_after_employee_and_period(download):
    response, _ = download
    disposition = response.headers["Content-Disposition"]
    assert "attachment" in disposition
    assert "POP_van-t-Hof-Test_Zoe_2026.docx" in disposition, disposition


def test_period_with_a_dash_keeps_it_in_the_file_name(world):
    """The new-plan form allows an en dash in the period (2026–2027). The file name must keep the
    two years apart (2026-2027), not glue them into 20262027."""
    from pop.models import Person, Plan
    from pop.plans import start_plan
    with world.app.app_context():
        plan = start_plan(Person.get(Person.email == world.org["b"]), FORM_KEY, "2026–2027")
    try:
        response = world.client("b").get(f"/plans/{plan.id}/download.docx")
        disposition = response.headers["Content-Disposition"]
        assert "POP_Beta_Bram_2026-2027.docx" in disposition, (
            f"{disposition}: exports/filenames.py safe_part drops every non-ASCII character "
            "(encode('ascii', 'ignore')) before replacing separators, so '–' vanishes (and so do "
            "letters without a decomposition such as Ø, Ł, ß); drop only the combining marks after "
            "NFKD and let the regex turn the rest into '-'")
    finally:
        with world.app.app_context():
            Plan.delete().where(Plan.id == plan.id).execute()


def test_filling_is_complete():
    """The filling used here gives every field of the form a value (a new field must be added)."""
    values = tricky_values(1, 2)
    assert {f.key for f in FORM.fields} == set(values)
    kinds = {f.kind for f in FORM.fields} | {c.kind for f in FORM.fields if isinstance(f, Table)
                                             for c in f.columns}
    assert kinds == {"text", "date", "longtext", "choice", "table", "rank", "matrix", "signature",
                     "smart", "costs", "checklist"}


# ---------------------------------------------------------------- who may download


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
def test_another_employee_gets_404_in_every_format(world, fmt):
    response = world.client("b").get(f"/plans/{world.org['plan']}/download.{fmt}")
    assert response.status_code == 404, (fmt, response.status_code)


def test_other_manager_gets_404(world):
    response = world.client("m2").get(f"/plans/{world.org['plan']}/download.docx")
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["m1", "hr"])
def test_manager_and_hr_may_download(world, who):
    for fmt in ("docx", "xlsx"):
        response = world.client(who).get(f"/plans/{world.org['plan']}/download.{fmt}")
        assert response.status_code == 200, (who, fmt, response.status_code)
    doc = docx_of(world.client(who).get(f"/plans/{world.org['plan']}/download.docx"))
    assert f"Naam: {EMPLOYEE_NAME}" in body_texts(doc)


def test_not_logged_in_is_sent_to_login(world):
    from conftest import Client
    response = Client(world.app).get(f"/plans/{world.org['plan']}/download.docx")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_format_and_plan_are_404(world):
    zoe = world.client("zoe")
    assert zoe.get(f"/plans/{world.org['plan']}/download.txt").status_code == 404
    assert zoe.get("/plans/99999/download.docx").status_code == 404
