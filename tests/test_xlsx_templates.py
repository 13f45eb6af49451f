"""The organisation's own Excel workbook as a template, written the way Excel writes one (shared strings,
custom number formats, a logo and a shape in a drawing, an x14 list validation from another sheet,
conditional formatting, a print area, formulas): uploaded by HR, activated, and Zoë's plan downloaded
and read back with openpyxl and as raw XML. What the workbook had survives, the placeholders are filled
in cells and in page headers and footers, each cell keeps its format, and a placeholder in a formula
is refused with the cell named."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import lxml.html
import pytest
from lxml import etree
from openpyxl import load_workbook

from conftest import text_of
from export_support import (CR_START, EMPLOYEE_NAME, XLSX_MIME, skip_or_fail, upload,
                            world)  # noqa: F401 - the fixture
from export_support import _no_templates  # noqa: F401 - autouse: no template left behind
from pop.models import ExportTemplate
from xlsx_builder import (BOLD_BORDER, LONG_DATE, LONG_DATE_CODE, ONE_DECIMAL, ONE_DECIMAL_CODE,
                          TEXT_FORMAT, Cell, Sheet, build_workbook, logo_png)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
NS = {"m": MAIN, "x14": X14, "xm": XM}
FALLBACK = "kon dit plan niet invullen"
# The parts the filling has reason to rewrite; every other part must come out byte for byte.
REWRITTEN = {"xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/sharedStrings.xml", "xl/workbook.xml"}


def organisation_workbook(**changes) -> bytes:
    cells = [
        Cell("A1", "Naam"), Cell("B1", "{{ medewerker.naam }}", BOLD_BORDER),
        Cell("A2", "Datum gesprek"), Cell("B2", "{{ datum_pop_gesprek }}", LONG_DATE),
        Cell("B3", "{{ datum_pop_gesprek }}"),
        Cell("B4", "Gesprek op {{ datum_pop_gesprek }}, getekend {{ akkoord_medewerker.datum }}"),
        Cell("B5", "{{ pop_wat }}"),
        Cell("B6", "{{ ontwikkeldoelen[0].belang }}", ONE_DECIMAL),
        Cell("B7", "{{ medewerker.naam }} (ingevuld)", formula='B1&" (ingevuld)"'),
        Cell("B8", "{{ volgend_gesprek_datum }}", TEXT_FORMAT),
        Cell("B9", "{{ wanneer_geleerd }}"),
        Cell("C1", "Ja"),
        Cell("D1", "{{ medewerker.naam }}"),  # the same shared string as B1
    ]
    cells = changes.pop("cells", cells)
    first = Sheet("Blad1", cells, header="&LPOP {{ plan.periode }}&R&P van &N",
                  footer="&C{{ medewerker_afdeling }}", validation_list="Lijsten!$A$1:$A$3", logo=True,
                  conditional=True, **changes)
    return build_workbook([first, Sheet("Lijsten", [Cell("A1", "Ja"), Cell("A2", "Nee"),
                                                    Cell("A3", "Misschien")])])


def upload_errors(response) -> str:
    found = lxml.html.fromstring(response.get_data(as_text=True)).xpath('//*[@id="file-error"]')
    return " ".join(found[0].text_content().split()) if found else ""


def stored(world) -> list:
    with world.app.app_context():
        return list(ExportTemplate.select())


def zoes_plan_with(world, data: bytes) -> bytes:
    """Upload as HR, activate, and download Zoë's plan as Zoë; the template must not fall back."""
    hr = world.client("hr")
    response = upload(hr, data, "Organisatie.xlsx")
    assert response.status_code == 302, (response.status_code, upload_errors(response) or
                                         text_of(response)[:1500])
    [template] = stored(world)
    assert hr.post(f"/sjablonen/{template.id}/activeren").status_code == 302
    zoe = world.client("zoe")
    download = zoe.get(f"/plans/{world.org['plan']}/download.xlsx")
    assert download.status_code == 200 and download.mimetype == XLSX_MIME
    assert FALLBACK not in text_of(zoe.get(f"/plans/{world.org['plan']}")), "fell back to the default"
    return download.data


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def sheet(data: bytes, name="xl/worksheets/sheet1.xml"):
    return etree.fromstring(parts(data)[name])


def raw_cell(root, ref):
    [cell] = root.xpath(f"//m:c[@r='{ref}']", namespaces=NS)
    return cell


@pytest.fixture
def template():
    return organisation_workbook()


@pytest.fixture
def plan(world, template):
    return zoes_plan_with(world, template)


def test_cells_are_filled_and_keep_their_own_format(plan):
    ws = load_workbook(io.BytesIO(plan))["Blad1"]
    assert ws["B1"].value == EMPLOYEE_NAME
    assert ws["B1"].font.b and ws["B1"].border.left.style == "thin"  # the cell's own style
    assert ws["D1"].value == EMPLOYEE_NAME  # a second cell with the same shared string
    assert (ws["A1"].value, ws["C1"].value) == ("Naam", "Ja")  # cells without placeholders

    # A date in a cell of its own: a real date, in the cell's own long date format...
    assert ws["B2"].value == dt.datetime(2026, 3, 15) and ws["B2"].is_date
    assert ws["B2"].number_format == LONG_DATE_CODE
    # ...and in dd-mm-jjjj where the cell's format is General or Text, never a bare 46096.
    assert ws["B3"].value == dt.datetime(2026, 3, 15) and ws["B3"].number_format == "dd-mm-yyyy"
    assert ws["B8"].value == dt.datetime(2026, 12, 1) and ws["B8"].number_format == "dd-mm-yyyy"
    # Dates inside text are written dd-mm-jjjj.
    assert ws["B4"].value == "Gesprek op 15-03-2026, getekend 02-11-2026"
    # A number stays a number, in the cell's number format.
    assert ws["B6"].value == 1 and ws["B6"].data_type == "n"
    assert ws["B6"].number_format == ONE_DECIMAL_CODE
    # Text that Excel would take as a formula is text, and stays so when edited (quotePrefix).
    assert ws["B5"].value == "=1+1" and ws["B5"].data_type == "s" and ws["B5"].quotePrefix
    assert ws["B9"].value == CR_START and ws["B9"].quotePrefix


def test_the_raw_cells_are_what_excel_reads(plan, template):
    root = sheet(plan)
    b5 = raw_cell(root, "B5")
    assert b5.get("t") == "inlineStr" and b5.find("m:f", NS) is None
    assert b5.findtext("m:is/m:t", namespaces=NS) == "=1+1"
    b3 = raw_cell(root, "B3")
    assert b3.get("t") is None and b3.findtext("m:v", namespaces=NS) == "46096"  # 15-03-2026
    # The template's own style index stays where the format needs no change.
    assert raw_cell(root, "B2").get("s") == str(LONG_DATE)
    assert raw_cell(root, "B6").get("s") == str(ONE_DECIMAL)
    # No placeholder is left anywhere in the package, shared strings included.
    for name, content in parts(plan).items():
        assert b"{{" not in content, name


def test_the_organisations_workbook_survives(plan, template):
    before, after = parts(template), parts(plan)
    assert set(after) == set(before)
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= REWRITTEN, changed
    # The logo and the shape: the drawing and the image byte for byte, and openpyxl (with Pillow)
    # sees the image.
    assert after["xl/media/image1.png"] == logo_png()
    assert b'name="Pijl"' in after["xl/drawings/drawing1.xml"]
    assert len(load_workbook(io.BytesIO(plan))["Blad1"]._images) == 1
    root = sheet(plan)
    # The x14 list validation with its list on another sheet, which openpyxl would drop.
    [validation] = root.xpath("//x14:dataValidation", namespaces=NS)
    assert validation.get("type") == "list"
    assert validation.findtext("x14:formula1/xm:f", namespaces=NS) == "Lijsten!$A$1:$A$3"
    assert validation.findtext("xm:sqref", namespaces=NS) == "C1"
    assert root.get("{http://schemas.openxmlformats.org/markup-compatibility/2006}Ignorable") == \
        "x14ac xr xr2 xr3"
    assert root.xpath("//m:conditionalFormatting/m:cfRule/m:formula/text()", namespaces=NS) == \
        ["LEN(TRIM(B1))=0"]
    assert root.xpath("//m:pageSetup/@orientation", namespaces=NS) == ["landscape"]
    assert b"_xlnm.Print_Area" in after["xl/workbook.xml"]
    assert after["xl/calcChain.xml"] == before["xl/calcChain.xml"]


def test_formulas_stay_and_are_calculated_anew(plan):
    ws = load_workbook(io.BytesIO(plan))["Blad1"]
    assert ws["B7"].value == '=B1&" (ingevuld)"'
    b7 = raw_cell(sheet(plan), "B7")
    # The template's saved result ("{{ medewerker.naam }} (ingevuld)") is gone, so Excel and
    # LibreOffice calculate it from the filled cell.
    assert b7.find("m:v", NS) is None and b7.get("t") is None
    workbook = etree.fromstring(parts(plan)["xl/workbook.xml"])
    assert workbook.find("m:calcPr", NS).get("fullCalcOnLoad") == "1"


def test_page_header_and_footer_are_filled(plan):
    root = sheet(plan)
    # Excel's own codes (&L, &R, &P, &N) are kept; the answer's "&" is written "&&", which Excel
    # shows as one "&".
    assert root.findtext("m:headerFooter/m:oddHeader", namespaces=NS) == "&LPOP 2026&R&P van &N"
    assert root.findtext("m:headerFooter/m:oddFooter", namespaces=NS) == "&CA && B <c>"
    ws = load_workbook(io.BytesIO(plan))["Blad1"]
    assert ws.oddHeader.left.text == "POP 2026" and ws.oddHeader.right.text == "&P van &N"


def test_first_page_header_and_a_font_size_before_a_placeholder(world):
    data = organisation_workbook(first_header='&C&"Arial,Vet"&14{{ plan.periode }} {{ medewerker.naam }}')
    root = sheet(zoes_plan_with(world, data))
    # "&14" + "2026" would be read as font size 142026: a space keeps them apart.
    assert root.findtext("m:headerFooter/m:firstHeader", namespaces=NS) == \
        f'&C&"Arial,Vet"&14 2026 {EMPLOYEE_NAME}'


def test_a_long_answer_in_a_header_is_cut_to_what_excel_accepts(world):
    data = organisation_workbook(cells=[Cell("A1", "{{ medewerker.naam }}")],
                                 first_header="&L{{ werk_over_3_jaar }}")
    root = sheet(zoes_plan_with(world, data))
    header = root.findtext("m:headerFooter/m:firstHeader", namespaces=NS)
    assert len(header) == 255 and header.startswith("&LEen heel lang antwoord.")


def test_inline_strings_as_other_programs_write_them(world):
    data = organisation_workbook(cells=[Cell("A1", "Naam: {{ medewerker.naam }}", inline=True),
                                        Cell("A2", "{{ datum_pop_gesprek }}", LONG_DATE, inline=True)])
    ws = load_workbook(io.BytesIO(zoes_plan_with(world, data)))["Blad1"]
    assert ws["A1"].value == f"Naam: {EMPLOYEE_NAME}"
    assert ws["A2"].value == dt.datetime(2026, 3, 15) and ws["A2"].number_format == LONG_DATE_CODE


@pytest.mark.parametrize("cell", [
    Cell("C4", 0, formula='LEN("{{ medewerker.naam }}")'),
    Cell("C4", '="Naam: {{ medewerker.naam }}"'),  # typed as text, meant as a formula
], ids=["formula", "text-starting-with-="])
def test_a_placeholder_in_a_formula_is_refused_naming_the_cell(world, cell):
    data = organisation_workbook(cells=[Cell("A1", "{{ medewerker.naam }}"), cell])
    response = upload(world.client("hr"), data, "formule.xlsx")
    assert response.status_code == 422
    assert upload_errors(response) == (
        "Blad1!C4: een plaatshouder in een formule kan niet worden ingevuld; zet de plaatshouder in "
        "een eigen cel en verwijs daarnaar.")
    assert stored(world) == []


def replaced(data: bytes, changes: dict[str, tuple[bytes, bytes]]) -> bytes:
    """The package with, in each named part, one text replaced by another (as Excel would write it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name in changes:
                old, new = changes[name]
                assert old in content, (name, old)
                content = content.replace(old, new)
            target.writestr(name, content)
    return out.getvalue()


RICH_NAME = (b'<si><r><rPr><b/><sz val="11"/><color rgb="FFC00000"/><rFont val="Aptos Narrow"/></rPr>'
             b'<t xml:space="preserve">Naam: </t></r><r><rPr><i/><sz val="11"/><rFont val="Aptos Narrow"/>'
             b'</rPr><t>{{ medewerker.naam }}</t></r><r><t xml:space="preserve"> ({{ plan.periode }})</t>'
             b'</r></si>')


def test_a_cell_with_one_bold_word_keeps_its_runs(world):
    """Excel writes a cell with partly bold or coloured text as runs in the shared string; each run is
    filled on its own, so the bold label stays bold and the answer keeps its own formatting."""
    data = replaced(organisation_workbook(cells=[Cell("A1", "Naam"), Cell("A2", "{{ pop_wat }}")]),
                    {"xl/sharedStrings.xml": (b"<si><t>Naam</t></si>", RICH_NAME)})
    plan = zoes_plan_with(world, data)
    a1 = raw_cell(sheet(plan), "A1")
    runs = a1.findall("m:is/m:r", NS)
    assert [r.findtext("m:t", namespaces=NS) for r in runs] == ["Naam: ", EMPLOYEE_NAME, " (2026)"]
    assert runs[0].find("m:rPr/m:b", NS) is not None
    assert runs[0].find("m:rPr/m:color", NS).get("rgb") == "FFC00000"
    assert runs[1].find("m:rPr/m:i", NS) is not None and runs[2].find("m:rPr", NS) is None
    wb = load_workbook(io.BytesIO(plan), rich_text=True)
    assert str(wb["Blad1"]["A1"].value) == f"Naam: {EMPLOYEE_NAME} (2026)"


def test_what_is_not_filled_is_named(world):
    """Placeholders where they are not filled in, and run formatting that a filled cell loses (a
    placeholder split over two formats), are listed on the compiled template for the upload report."""
    from exports.uploads.check import compile_template
    data = replaced(organisation_workbook(), {
        "xl/drawings/drawing1.xml": (b'descr="Logo van de organisatie"',
                                     b'descr="Logo {{ medewerker.naam }}"'),
        "xl/sharedStrings.xml": (b"<si><t>Naam</t></si>",
                                 b"<si><r><rPr><b/></rPr><t>Naam {{ medewerker.</t></r><r><t>naam }}</t>"
                                 b"</r></si>")})
    compiled = compile_template(data, "xlsx")
    assert compiled.notes == [
        "Cel Blad1!A1: de opmaak van een deel van de tekst (bijvoorbeeld één vet woord) gaat "
        "verloren; de ingevulde cel krijgt de opmaak van de cel zelf. Zet elke plaatshouder in zijn "
        "geheel in één opmaak.",
        "Een plaatshouder in een tekstvak, vorm of afbeeldingstekst (xl/drawings/drawing1.xml) wordt "
        "niet ingevuld; zet hem in een cel."]
    assert compile_template(organisation_workbook(), "xlsx").notes == []
    assert compiled.render({**example_context(), "medewerker": {"naam": "Eva"}})  # still fills A1


def example_context():
    from exports.context import example_plan_context
    from forms import DEFAULT_FORM, get_form
    return example_plan_context(get_form(DEFAULT_FORM), excel=True)[0]


def test_found_and_sources_name_every_placeholder(template):
    from exports.uploads.check import compile_template
    compiled = compile_template(template, "xlsx")
    assert ("medewerker.naam", "cel Blad1!B1") in compiled.found
    assert ("medewerker.naam", "cel Blad1!D1") in compiled.found
    assert ("ontwikkeldoelen[0].belang", "cel Blad1!B6") in compiled.found
    assert ("plan.periode", "koptekst van Blad1") in compiled.found
    assert ("medewerker_afdeling", "voettekst van Blad1") in compiled.found
    assert compiled.sources["Blad1!B4"] == \
        "Gesprek op {{ datum_pop_gesprek }}, getekend {{ akkoord_medewerker.datum }}"
    assert compiled.sources["koptekst van Blad1"] == "&LPOP {{ plan.periode }}&R&P van &N"
    assert "Blad1!B7" not in compiled.sources  # a formula's saved result is no placeholder


def test_an_unknown_placeholder_in_a_header_is_refused(world):
    data = organisation_workbook(cells=[Cell("A1", "{{ medewerker.naam }}")],
                                 first_header="&C{{ medewerker.nam }}")
    response = upload(world.client("hr"), data, "kop.xlsx")
    assert response.status_code == 422
    message = upload_errors(response)
    assert "{{ medewerker.nam }} in koptekst van de eerste pagina van Blad1" in message, message
    assert "cel koptekst" not in message
    assert stored(world) == []


def test_the_filled_workbook_opens_in_libreoffice(world, plan, monkeypatch):
    from exports.pdf import convert as pdf
    if not pdf.available():
        skip_or_fail("LibreOffice (soffice) is not installed")
    monkeypatch.setenv("POP_PDF_WARM", "0")
    data = pdf.to_pdf(plan, suffix=".xlsx")
    assert data.startswith(b"%PDF")
    import shutil
    import subprocess
    if shutil.which("pdftotext"):
        text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                                                  capture_output=True, timeout=60).stdout.decode())
        assert f"{EMPLOYEE_NAME} (ingevuld)" in text  # the formula, calculated from the filled cell
        assert "Gesprek op 15-03-2026" in text and "POP 2026" in text and "A & B <c>" in text
        assert "{{" not in text
