"""The Excel export of a plan (a sheet per part, question | answer, tables as tables, real dates, text
that looks like a formula kept as text) read back with openpyxl."""
import datetime as dt
import re

import pytest

from export_support import (ACCENTS, AMP, CR_START, EMPLOYEE_NAME, FORM, LONG_10K, MANAGER_NAME,
                            MULTILINE, NEXT_TALK, SCRIPT, SIGN_EMPLOYEE, SIGN_MANAGER,
                            TAB_START, TALK_DATES, TEMPLATE_CODE, XLSX_MIME, find_label_row,
                            sheet_xml, use_database, workbook_of)
from export_support import _db, world  # noqa: F401 - the shared fixtures
from forms.kinds import Choice, Date, Matrix, Signature, Table

SHEETS = ["Gegevens", "Fase I", "Fase II", "Fase III", "Fase IV", "Afronding", "Gesprekken"]
NEW_KINDS = ("smart", "costs", "checklist")  # their exports: tests/test_exports_forms.py
FORMULA_LIKE = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def download(world):
    use_database(world.app)
    response = world.client("zoe").get(f"/plans/{world.org['plan']}/download.xlsx")
    assert response.status_code == 200, response.status_code
    return response


@pytest.fixture(scope="module")
def wb(download):
    return workbook_of(download)


@pytest.fixture(scope="module")
def values(world):
    use_database(world.app)
    return world.values()


def as_datetime(date: dt.date) -> dt.datetime:
    return dt.datetime(date.year, date.month, date.day)


def test_download_is_a_workbook_named_after_the_plan(download):
    assert download.mimetype == XLSX_MIME
    assert "POP_van-t-Hof-Test_Zoe_2026.xlsx" in download.headers["Content-Disposition"]


def test_one_sheet_per_part(wb):
    assert wb.sheetnames == SHEETS
    for ws, part in zip(wb.worksheets, FORM.parts):
        assert ws["A1"].value == part.title
        assert (ws["A2"].value, ws["B2"].value) == ("Vraag", "Antwoord")


def test_each_answer_is_right_of_its_question(wb, values):
    checked = 0
    for ws, part in zip(wb.worksheets, FORM.parts):
        row = 1
        for field in part.fields:
            if isinstance(field, (Table, Matrix, Signature)) or field.kind in NEW_KINDS:
                continue
            row = find_label_row(ws, field.label, row + 1)
            cell = ws.cell(row=row, column=2)
            value = values[field.key]
            if isinstance(field, Date):
                assert cell.value == as_datetime(value), (field.key, cell.value)
                assert cell.is_date and cell.data_type == "d", (field.key, cell.data_type)
            elif isinstance(field, Choice):
                assert cell.value == dict(field.options)[value], (field.key, cell.value)
            elif value == "":
                assert cell.value in (None, ""), (field.key, cell.value)
            else:
                assert cell.value == value, (field.key, repr(cell.value)[:80], repr(value)[:80])
            checked += 1
    assert checked == len([f for f in FORM.fields if not isinstance(f, (Table, Matrix, Signature))
                           and f.kind not in NEW_KINDS]) == 25


def test_spot_checks_written_out(wb):
    """A few cells by hand, so the loop above is not only checked against itself."""
    ws = wb["Gegevens"]
    row = find_label_row(ws, "Naam:")
    assert ws.cell(row=row, column=2).value == EMPLOYEE_NAME
    assert ws.cell(row=row + 1, column=2).value == AMP
    row = find_label_row(ws, "Datum POP-gesprek:")
    assert ws.cell(row=row, column=2).value == dt.datetime(2026, 3, 15)
    ws = wb["Fase I"]
    assert ws.cell(row=find_label_row(ws, "Meer doen"), column=2).value == SCRIPT
    ws = wb["Afronding"]
    assert ws.cell(row=find_label_row(ws, "Het volgende gesprek is een:"), column=2).value == \
        "Voortgangsgesprek"


def test_tables_are_tables_goals_by_rank(wb):
    ws = wb["Fase I"]
    row = find_label_row(ws, "Antwoorden")
    assert [c.value for c in ws[row + 1][:2]] == ["Sterke punten", "Verbeterpunten"]
    got = [[ws.cell(row=r, column=c).value for c in (1, 2)] for r in range(row + 2, row + 5)]
    assert got == [["=1+1", "-5"], [ACCENTS, None], [None, "Regel een\nRegel twee\tna tab"]]
    row = find_label_row(ws, "Ontwikkeldoelen")
    assert [c.value for c in ws[row + 1][:2]] == ["Ontwikkeldoel", "Belang"]
    goals = [[ws.cell(row=r, column=c).value for c in (1, 2)] for r in range(row + 2, row + 5)]
    assert goals == [["Doel met belang een", 1], ["Doel met belang twee", 2],
                     ["Doel met belang drie", 3]]
    assert ws.cell(row=row + 5, column=1).value is None  # no padding rows in the workbook


def test_progress_talks_one_block_each_with_real_dates(wb):
    # A block per talk, as on the page and in Word: its title, then each question | answer.
    ws = wb["Fase III"]
    columns = FORM.field("voortgangsgesprekken").columns
    blocks = []
    for number in (1, 2):
        row = find_label_row(ws, f"Voortgangsgesprek {number}")
        assert [ws.cell(row=row + i, column=1).value for i in range(1, 6)] == [c.label for c in columns]
        blocks.append([ws.cell(row=row + i, column=2) for i in range(1, 6)])
    first, second = blocks
    assert first[0].value == as_datetime(TALK_DATES[0]) and first[0].is_date
    assert second[0].value == as_datetime(TALK_DATES[1]) and second[0].is_date
    assert first[0].number_format.upper().startswith("DD")  # shown the Dutch way
    assert first[1].value == "Eerste gesprek gedaan\nmet tweede regel"
    assert first[4].value == "Eerste verder " + AMP
    assert first[3].value in (None, "")
    assert second[3].value == "Tweede tevreden"
    assert "Voortgangsgesprek 3" not in [c.value for c in ws["A"]]


def test_grids_and_cost_checklist(wb, values):
    ws = wb["Fase II"]
    for key in ("on_the_job", "off_the_job", "kosten"):
        field = FORM.field(key)
        heading = field.group_heading or field.row_heading
        row = find_label_row(ws, heading)
        offset = 2 if field.group_heading else 1
        for i, spec in enumerate(field.rows, start=1):
            lead = ws.cell(row=row + i, column=offset).value
            assert lead.startswith(spec.label), (key, lead)
            for j, (col, _) in enumerate(field.columns, start=offset + 1):
                mark = dict(field.scale).get(values[key][spec.key][col])
                assert ws.cell(row=row + i, column=j).value == mark, (key, spec.key, col)
    row = find_label_row(ws, "Leeractiviteiten: On the job")
    assert [ws.cell(row=row + 1, column=c).value for c in (2, 3)] == ["+", "±"]
    assert [ws.cell(row=row + 4, column=c).value for c in (2, 3)] == ["+", None]
    row = find_label_row(ws, "Aspecten")
    assert ws.cell(row=row + 1, column=3).value == "ja"
    assert ws.cell(row=row + 2, column=3).value == "nee"
    assert ws.cell(row=row + 8, column=3).value is None


def test_akkoord_lines_name_and_real_date(wb):
    ws = wb["Afronding"]
    row = find_label_row(ws, "Akkoord medewerker")
    assert ws.cell(row=row, column=2).value == EMPLOYEE_NAME
    assert ws.cell(row=row, column=3).value == as_datetime(SIGN_EMPLOYEE)
    assert ws.cell(row=row, column=3).is_date
    row = find_label_row(ws, "Akkoord leidinggevende")
    assert ws.cell(row=row, column=2).value == MANAGER_NAME
    assert ws.cell(row=row, column=3).value == as_datetime(SIGN_MANAGER)
    row = find_label_row(ws, "Dat gesprek zal gehouden worden op (datum):")
    assert ws.cell(row=row, column=2).value == as_datetime(NEXT_TALK)


def formula_like_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_LIKE):
                    yield ws, cell


def test_formula_like_text_stays_text(wb, download):
    typed = {"=1+1", "-5", "@home", "+31 6", "+31 6 12345678", "-5 procent fouten", "@home werken",
             TAB_START, CR_START}
    found = {cell.value: cell for _, cell in formula_like_cells(wb)}
    missing = typed - set(found)
    assert not missing, f"typed text that did not come back unchanged: {missing!r}"
    for value, cell in found.items():
        assert cell.data_type == "s", (cell.coordinate, value, cell.data_type)
        assert cell.data_type != "f"
    for ws, cell in formula_like_cells(wb):
        assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
    # In the file itself: no formula anywhere, and the text is a string.
    for name, xml in sheet_xml(download.data).items():
        assert "<f>" not in xml and "<f " not in xml, f"{name} contains a formula"


def test_formula_like_text_is_marked_as_typed_text(wb):
    """quotePrefix: Excel shows the cell as typed and does not turn it into a formula on edit."""
    ws = wb["Fase II"]
    cell = ws.cell(row=find_label_row(ws, "Wat ga ik ontwikkelen?"), column=2)
    assert cell.value == "=1+1" and cell.quotePrefix


def test_special_and_long_text_intact(wb):
    ws = wb["Fase I"]
    cell = ws.cell(row=find_label_row(ws, "Hoe ziet uw werk er over 3 jaar uit?"), column=2)
    assert cell.value == LONG_10K and len(cell.value) == 10_000
    assert ws.cell(row=find_label_row(ws, "Nieuwe ontwikkelingen"), column=2).value == AMP
    assert ws.cell(row=find_label_row(ws, FORM.field("voorbereiding_functie").label),
                   column=2).value == MULTILINE
    ws = wb["Fase II"]
    assert ws.cell(row=find_label_row(ws, "Achteraf ‘bewijzen’ leveren"), column=2).value == \
        "Bewijzen: " + ACCENTS


def test_no_none_and_no_placeholders(wb, values):
    typed = {v for v in values.values() if isinstance(v, str)}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value not in typed:
                    assert cell.value != "None" and "{{" not in cell.value, (ws.title, cell.coordinate)


def test_typed_template_code_is_text(wb):
    ws = wb["Fase IV"]
    cell = ws.cell(row=find_label_row(ws, "Sluit uw POP af"), column=2)
    assert cell.value == "Afsluiten\tmet tab\nen regel " + TEMPLATE_CODE


def test_sheets_print_on_a4_with_header(wb):
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert EMPLOYEE_NAME in (ws.oddHeader.right.text or ""), ws.oddHeader.right.text
        assert ws.freeze_panes == "A3"


def test_an_empty_plan_gives_empty_cells(world):
    wb = workbook_of(world.client("b").get(f"/plans/{world.org['plan_b']}/download.xlsx"))
    ws = wb["Fase I"]
    assert ws.cell(row=find_label_row(ws, "Meer doen"), column=2).value in (None, "")
    ws = wb["Afronding"]
    row = find_label_row(ws, "Akkoord medewerker")
    assert [ws.cell(row=row, column=c).value for c in (2, 3)] in ([None, None], ["", None])
    for sheet in wb.worksheets:
        for r in sheet.iter_rows():
            for cell in r:
                assert cell.value != "None"


def test_formula_text_in_names_stays_text_in_the_workbook(world, tmp_path):
    """A header answer that starts with '=' (e.g. pasted) is text in the workbook too."""
    from pop import answers
    from pop.models import Plan
    with world.app.app_context():
        plan = Plan.get_by_id(world.org["plan_b"])
        before = answers.load(plan)["medewerker_functie"]
        answers.save(plan, {"medewerker_functie": '=HYPERLINK("http://x","y")'})
    try:
        response = world.client("b").get(f"/plans/{world.org['plan_b']}/download.xlsx")
        ws = workbook_of(response)["Gegevens"]
        cell = ws.cell(row=find_label_row(ws, "Functie:"), column=2)
        assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s"
        assert not any(re.search(r"<f[ >]", xml) for xml in sheet_xml(response.data).values())
    finally:
        with world.app.app_context():
            answers.save(Plan.get_by_id(world.org["plan_b"]), {"medewerker_functie": before})
