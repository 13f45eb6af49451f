"""HR's own blank form, as HR has it: uploaded without any placeholder, the app proposes which question
goes in each empty place, HR corrects what is wrong and confirms, and the employee's download holds each
answer in its place (exports/uploads/blank, pop/views/blank_forms.py)."""
import io
import re
import zipfile

import lxml.html
import pytest
from docx import Document
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Border, Font, Side

from conftest import text_of
from export_support import (AMP, EMPLOYEE_NAME, MANAGER_NAME, SCRIPT, docx_bytes, simple_docx,  # noqa: F401
                            upload, upload_errors, use_database, world)
from export_support import _no_templates  # noqa: F401 - autouse: no template left behind
from pop.models import BlankUpload, ExportTemplate

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def blank_word_form() -> bytes:
    """A blank POP form the way HR types one: headings with label cells, a question over dotted
    lines, a table with a header row over empty rows, tick boxes before the option words."""
    doc = Document()
    doc.add_heading("Persoonlijk Ontwikkelplan", 0)
    doc.add_heading("Medewerker", 2)
    table = doc.add_table(rows=3, cols=2)
    for row, label in enumerate(["Naam:", "Afdeling:", "Functie:"]):
        table.cell(row, 0).text = label
    doc.add_heading("Leidinggevende", 2)
    table = doc.add_table(rows=3, cols=2)
    for row, label in enumerate(["Datum POP-gesprek:", "Naam:", "Functie:"]):
        table.cell(row, 0).text = label
    doc.add_paragraph("Meer doen:")
    doc.add_paragraph("……………………………………………………………………")
    doc.add_paragraph("……………………………………………………………………")
    doc.add_paragraph("Nieuwe ontwikkelingen:")
    doc.add_paragraph("________________________________________")
    table = doc.add_table(rows=4, cols=2)
    table.cell(0, 0).text = "Sterke punten"
    table.cell(0, 1).text = "Verbeterpunten"
    doc.add_paragraph("Het volgende gesprek is een:")
    doc.add_paragraph("☐ voortgangsgesprek   ☐ doelstellingengesprek")
    return docx_bytes(doc)


def proposal_page(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def selects(page) -> dict[str, str]:
    """Place id -> the option selected, as the page shows it."""
    out = {}
    for select in page.xpath('//select[starts-with(@name, "plaats-")]'):
        chosen = select.xpath('./option[@selected]/@value')
        out[select.get("name")[len("plaats-"):]] = chosen[0] if chosen else ""
    return out


def by_label(page) -> dict[str, list[str]]:
    """The text printed on the form -> the selected options of its places, in order."""
    out: dict[str, list[str]] = {}
    for row in page.xpath('//table[contains(@class, "blank-places")]/tbody/tr'):
        label = " ".join(row.xpath("./td[2]")[0].text_content().split())
        chosen = row.xpath('.//select[starts-with(@name, "plaats-")]/option[@selected]/@value')
        out.setdefault(label, []).append(chosen[0] if chosen else "")
    return out


def starting(labels: dict, text: str) -> list[str]:
    """The choices of the places whose printed text starts so (the heading above follows it)."""
    found = [choice for label, chosen in labels.items() if label.startswith(text) for choice in chosen]
    assert found, f"no place {text!r} in {list(labels)}"
    return found


@pytest.fixture
def hr(world):
    return world.client("hr")


@pytest.fixture(autouse=True)
def _no_blank_uploads(world):
    yield
    use_database(world.app)
    with world.app.app_context():
        BlankUpload.delete().execute()


def start_proposal(hr, data: bytes, name: str) -> tuple[str, object]:
    response = upload(hr, data, name)
    assert response.status_code == 302, (response.status_code, upload_errors(response))
    url = response.headers["Location"]
    assert re.search(r"/sjablonen/blanco/\d+$", url), url
    page = hr.get(url)
    assert page.status_code == 200, text_of(page)[:800]
    return url, proposal_page(page)


def confirm_as_proposed(world, hr, url, page, fmt: str = "docx"):
    """HR confirms the proposal as it stands and activates the template; Zoë's download of her plan."""
    posted = {f"plaats-{k}": v for k, v in selects(page).items()}
    posted["actie"] = "bevestigen"
    response = hr.post(url, data=posted)
    assert response.status_code == 302, text_of(response)[:1500]
    with world.app.app_context():
        template = ExportTemplate.get()
    assert hr.post(f"/sjablonen/{template.id}/activeren").status_code == 302
    download = world.client("zoe").get(f"/plans/{world.org['plan']}/download.{fmt}")
    assert download.status_code == 200
    return Document(io.BytesIO(download.data)) if fmt == "docx" else load_workbook(io.BytesIO(download.data))


def test_a_blank_word_form_gets_a_proposal_hr_corrects_and_the_download_holds_each_answer_in_place(
        world, hr):
    url, page = start_proposal(hr, blank_word_form(), "Ons POP-formulier.docx")
    labels = by_label(page)
    # "Naam:" twice: under Medewerker the employee's, under Leidinggevende the manager's.
    assert labels["Naam: (onder ‘Medewerker’)"] == ["medewerker_naam"]
    assert labels["Naam: (onder ‘Leidinggevende’)"] == ["leidinggevende_naam"]
    assert labels["Functie: (onder ‘Leidinggevende’)"] == ["leidinggevende_functie"]
    assert labels["Datum POP-gesprek: (onder ‘Leidinggevende’)"] == ["datum_pop_gesprek"]
    assert starting(labels, "Meer doen:") == ["meer_doen"]
    assert starting(labels, "Nieuwe ontwikkelingen:") == ["nieuwe_ontwikkelingen"]
    assert starting(labels, "tabel met kolommen Sterke punten | Verbeterpunten") == ["kwaliteiten"]
    assert starting(labels, "Het volgende gesprek is een: ☐ voortgangsgesprek") == \
        ["volgend_gesprek_voortgangsgesprek"]
    # The form's own text with each place numbered, and the questions that got no place.
    outline = [[" ".join(td.text_content().split()) for td in tr.xpath("./td")]
               for tr in page.xpath('//div[@class="blank-outline"]//tr')]
    assert ["Naam:", "[1]"] in outline and ["Naam:", "[5]"] in outline
    assert ["☐[10] voortgangsgesprek ☐[11] doelstellingengesprek"] in outline
    missing = [" ".join(li.text_content().split()) for li in page.xpath('//ul[@class="blank-missing"]/li')]
    assert any("Hoe ziet uw werk er over 3 jaar uit?" in m for m in missing), missing
    assert not any(m.startswith("Meer doen") for m in missing), missing

    # HR corrects one place: the first dotted lines are to hold "Nieuwe ontwikkelingen", the second
    # nothing; and the table's columns are swapped.
    ids = selects(page)
    meer_doen = next(k for k, v in ids.items() if v == "meer_doen")
    nieuwe = next(k for k, v in ids.items() if v == "nieuwe_ontwikkelingen")
    rows = next(k for k, v in ids.items() if v == "kwaliteiten")
    posted = {f"plaats-{k}": v for k, v in ids.items()}
    posted.update({f"plaats-{meer_doen}": "nieuwe_ontwikkelingen", f"plaats-{nieuwe}": "",
                   f"kolom-{rows}-0": "verbeter", f"kolom-{rows}-1": "sterk", "actie": "bevestigen"})
    response = hr.post(url, data=posted)
    assert response.status_code == 302, text_of(response)[:1500]
    assert "/sjablonen/" in response.headers["Location"]
    with world.app.app_context():
        template = ExportTemplate.get()
        assert template.name == "Ons POP-formulier.docx" and template.format == "docx"
        assert BlankUpload.select().count() == 0
    report = hr.get(response.headers["Location"])
    assert report.status_code == 200 and "{{ medewerker_naam }}" in text_of(report)
    assert hr.post(f"/sjablonen/{template.id}/activeren").status_code == 302

    download = world.client("zoe").get(f"/plans/{world.org['plan']}/download.docx")
    assert download.status_code == 200 and download.mimetype == DOCX
    doc = Document(io.BytesIO(download.data))
    employee, manager, qualities = doc.tables[0], doc.tables[1], doc.tables[2]
    assert [employee.cell(0, 0).text, employee.cell(0, 1).text] == ["Naam:", EMPLOYEE_NAME]
    assert employee.cell(1, 1).text == AMP and employee.cell(2, 1).text == "@home"
    assert [manager.cell(1, 0).text, manager.cell(1, 1).text] == ["Naam:", MANAGER_NAME]
    assert manager.cell(0, 1).text == "15-03-2026"
    texts = [p.text for p in doc.paragraphs]
    after = texts[texts.index("Meer doen:") + 1]
    assert after == AMP, "the corrected place holds Nieuwe ontwikkelingen"
    assert SCRIPT not in texts, "Meer doen was taken off the form by HR's correction"
    assert set(texts[texts.index("Nieuwe ontwikkelingen:") + 1]) == {"_"}, \
        "a place HR leaves out stays as on paper"
    # Columns as HR swapped them: the verbeterpunten under "Sterke punten".
    assert [qualities.cell(1, 0).text, qualities.cell(1, 1).text] == ["-5", "=1+1"]
    assert qualities.cell(0, 0).text == "Sterke punten"
    ticks = next(t for t in texts if "voortgangsgesprek" in t)
    assert ticks.split() == ["☒", "voortgangsgesprek", "☐", "doelstellingengesprek"]


def test_a_choice_not_in_the_list_is_refused_beside_it_and_every_other_choice_stays(world, hr):
    url, page = start_proposal(hr, blank_word_form(), "formulier.docx")
    ids = selects(page)
    first, second = list(ids)[:2]
    posted = {f"plaats-{k}": v for k, v in ids.items()}
    posted.update({f"plaats-{first}": "os.system", f"plaats-{second}": "medewerker_functie",
                   "actie": "bevestigen"})
    response = hr.post(url, data=posted)
    assert response.status_code == 422
    page = proposal_page(response)
    message = page.xpath(f'//select[@name="plaats-{first}"]/following-sibling::ul[@class="errors"]')
    assert message and "staat niet in de lijst" in message[0].text_content()
    assert selects(page)[second] == "medewerker_functie", "HR's other choice was lost"
    with world.app.app_context():
        assert ExportTemplate.select().count() == 0
    # A table's column that is no column of that table: the same message, at the table.
    rows = next(k for k, v in selects(page).items() if v == "kwaliteiten")
    posted = {f"plaats-{k}": v for k, v in selects(page).items()}
    posted.update({f"kolom-{rows}-0": "doel", f"kolom-{rows}-1": "sterk", "actie": "bevestigen"})
    response = hr.post(url, data=posted)
    assert response.status_code == 422
    message = proposal_page(response).xpath(
        f'//select[@name="plaats-{rows}"]/following-sibling::ul[@class="errors"]')
    assert message and "staat niet in de lijst" in message[0].text_content()
    with world.app.app_context():
        assert ExportTemplate.select().count() == 0


def test_the_marked_document_downloads_with_hr_s_choices_and_uploads_again_as_an_ordinary_template(
        world, hr):
    url, page = start_proposal(hr, blank_word_form(), "formulier.docx")
    posted = {f"plaats-{k}": v for k, v in selects(page).items()}
    posted["actie"] = "download"
    response = hr.post(url, data=posted)
    assert response.status_code == 200 and response.mimetype == DOCX
    assert "formulier_gemarkeerd.docx" in response.headers["Content-Disposition"]
    marked = Document(io.BytesIO(response.data))
    assert marked.tables[0].cell(0, 1).text == "{{ medewerker_naam }}"
    assert marked.tables[1].cell(1, 1).text == "{{ leidinggevende_naam }}"
    with world.app.app_context():
        assert ExportTemplate.select().count() == 0, "a download stores nothing"
    again = upload(hr, response.data, "formulier_gemarkeerd.docx")
    assert again.status_code == 302 and "/blanco/" not in again.headers["Location"]


def blank_workbook() -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "POP"
    thin = Side(style="thin")
    ws["A1"] = "Medewerker"
    ws["A1"].font = Font(bold=True)
    for row, label in ((2, "Naam:"), (3, "Afdeling:")):
        ws.cell(row, 1, label)
        ws.cell(row, 2).border = Border(bottom=thin)
    ws["A5"] = "Leidinggevende"
    ws["A5"].font = Font(bold=True)
    ws["A6"] = "Naam:"
    ws["B6"].border = Border(bottom=thin)
    ws["A8"], ws["B8"] = "Sterke punten", "Verbeterpunten"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_blank_excel_form_gets_its_answers_in_the_cells_beside_the_labels(world, hr):
    url, page = start_proposal(hr, blank_workbook(), "pop.xlsx")
    labels = by_label(page)
    assert labels["Naam: (onder ‘Medewerker’)"] == ["medewerker_naam"]
    assert labels["Naam: (onder ‘Leidinggevende’)"] == ["leidinggevende_naam"]
    assert starting(labels, "tabel met kolommen Sterke punten | Verbeterpunten") == ["kwaliteiten"]
    ws = confirm_as_proposed(world, hr, url, page, "xlsx")["POP"]
    assert (ws["A2"].value, ws["B2"].value) == ("Naam:", EMPLOYEE_NAME)
    assert (ws["A6"].value, ws["B6"].value) == ("Naam:", MANAGER_NAME)
    assert ws["B3"].value == AMP
    assert (ws["A9"].value, ws["B9"].value) == ("=1+1", "-5")
    assert ws["A9"].data_type == "s", "a formula-like answer is written as text"


def test_a_form_without_any_place_keeps_the_message_that_nothing_is_filled_in(world, hr):
    response = upload(hr, simple_docx("Ons beleid over opleidingen.", "Zie het intranet."), "beleid.docx")
    assert response.status_code == 422
    assert "geen enkel veld" in upload_errors(response)
    with world.app.app_context():
        assert BlankUpload.select().count() == 0


def test_only_hr_sees_a_proposal_and_an_unknown_one_is_not_there(world, hr):
    url, _page = start_proposal(hr, blank_word_form(), "formulier.docx")
    for who in ("zoe", "m1"):
        assert world.client(who).get(url).status_code == 403
        assert world.client(who).post(url, data={"actie": "bevestigen"}).status_code == 403
    assert hr.get("/sjablonen/blanco/999999").status_code == 404


def test_a_blank_form_with_a_macro_is_refused_like_any_upload_and_never_proposed(world, hr):
    data = blank_word_form()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    response = upload(hr, out.getvalue(), "formulier.docx")
    assert response.status_code == 422
    assert "macro" in upload_errors(response).lower()
    with world.app.app_context():
        assert BlankUpload.select().count() == 0


def test_a_blank_form_too_large_to_search_keeps_the_message_that_nothing_is_filled_in(world, hr,
                                                                                       monkeypatch):
    """The search runs in the web process: a body past MAX_SEARCHED is not searched at all (a real
    form is a few hundred KB), and HR reads the upload's own message instead of waiting."""
    from exports.uploads.blank import proposal

    data = blank_word_form()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.getinfo("word/document.xml").file_size
    monkeypatch.setattr(proposal, "MAX_SEARCHED", body - 1)
    response = upload(hr, data, "formulier.docx")
    assert response.status_code == 422
    assert "geen enkel veld" in upload_errors(response)
    with world.app.app_context():
        assert BlankUpload.select().count() == 0
    monkeypatch.setattr(proposal, "MAX_SEARCHED", body)
    assert upload(hr, data, "formulier.docx").status_code == 302


def test_a_name_line_in_the_page_header_and_a_table_inside_a_cell_are_places_too(world, hr):
    """Letterheads carry 'Naam medewerker: ______' in the page header, and layout tables hold a block
    of details in one of their cells: both are found, and the download fills them."""
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "Naam medewerker: ____________________"
    doc.add_heading("Persoonlijk Ontwikkelplan", 0)
    layout = doc.add_table(rows=1, cols=2)
    layout.cell(0, 0).text = "Gegevens leidinggevende"
    inner = layout.cell(0, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "Naam leidinggevende:"
    inner.cell(1, 0).text = "Functie leidinggevende:"
    url, page = start_proposal(hr, docx_bytes(doc), "briefhoofd.docx")
    labels = by_label(page)
    assert starting(labels, "Naam medewerker:") == ["medewerker_naam"]
    assert starting(labels, "Naam leidinggevende:") == ["leidinggevende_naam"]
    assert starting(labels, "Functie leidinggevende:") == ["leidinggevende_functie"]
    wheres = [" ".join(td.text_content().split()) for td in page.xpath(
        '//table[contains(@class, "blank-places")]/tbody/tr/td[3]')]
    assert any(w.startswith("de koptekst") for w in wheres), wheres
    filled = confirm_as_proposed(world, hr, url, page)
    assert filled.sections[0].header.paragraphs[0].text == f"Naam medewerker: {EMPLOYEE_NAME}"
    inner = filled.tables[0].cell(0, 1).tables[0]
    assert [inner.cell(0, 1).text, inner.cell(1, 1).text] == [MANAGER_NAME, "+31 6"]


def test_wingdings_boxes_are_tick_boxes_and_the_chosen_one_is_ticked(world, hr):
    """Many forms draw their boxes with a symbol font (Word's Insert > Symbol: Wingdings 'o'); those
    are boxes too, written back as ☒/☐ in the run's look without the symbol font."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = Document()
    doc.add_paragraph("Het volgende gesprek is een:")
    line = doc.add_paragraph()
    for option in ("Doelstellingengesprek", "Voortgangsgesprek"):
        run = line.add_run()
        run._r.append(parse_xml(f'<w:sym {nsdecls("w")} w:font="Wingdings" w:char="F06F"/>'))
        line.add_run(f" {option}   ")
    url, page = start_proposal(hr, docx_bytes(doc), "symbolen.docx")
    assert starting(by_label(page), "Het volgende gesprek is een: ☐ Voortgangsgesprek") == \
        ["volgend_gesprek_voortgangsgesprek"]
    filled = confirm_as_proposed(world, hr, url, page)
    ticks = next(p.text for p in filled.paragraphs if "Voortgangsgesprek" in p.text)
    assert ticks.split() == ["☐", "Doelstellingengesprek", "☒", "Voortgangsgesprek"]
    assert "Wingdings" not in filled.paragraphs[1]._p.xml, "the box is no symbol any more"


def test_content_controls_nobody_named_and_legacy_form_fields_are_the_form_s_places(world, hr):
    """The common modern Word form: a content control in each answer cell showing 'Klik of tik om
    tekst in te voeren.', and older forms with legacy text fields. Unnamed, they are no template (the
    upload check says so); as a blank form each is a place, and the download holds the answers there."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = Document()
    table = doc.add_table(rows=2, cols=2)
    for row, label in enumerate(["Naam", "Afdeling"]):
        table.cell(row, 0).text = label
        cell = table.cell(row, 1)._tc
        cell.remove(cell.findall(f"{{{cell.nsmap['w']}}}p")[0])
        cell.append(parse_xml(
            f'<w:sdt {nsdecls("w")}><w:sdtPr><w:id w:val="{100 + row}"/><w:showingPlcHdr/><w:text/>'
            f'</w:sdtPr><w:sdtContent><w:p><w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>'
            f'<w:t>Klik of tik om tekst in te voeren.</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    line = doc.add_paragraph("Naam leidinggevende: ")
    for xml in ('<w:r {w}><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Tekst1"/>'
                '<w:textInput/></w:ffData></w:fldChar></w:r>',
                '<w:r {w}><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r>',
                '<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
                '<w:r {w}><w:t xml:space="preserve">     </w:t></w:r>',
                '<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>'):
        line._p.append(parse_xml(xml.format(w=nsdecls("w"))))
    data = docx_bytes(doc)
    url, page = start_proposal(hr, data, "invulformulier.docx")
    labels = by_label(page)
    assert starting(labels, "Naam") == ["medewerker_naam", "leidinggevende_naam"]
    assert starting(labels, "Afdeling") == ["medewerker_afdeling"]
    filled = confirm_as_proposed(world, hr, url, page)
    assert [filled.tables[0].cell(0, 1).text, filled.tables[0].cell(1, 1).text] == [EMPLOYEE_NAME, AMP]
    assert filled.paragraphs[0].text == f"Naam leidinggevende: {MANAGER_NAME}"
