"""The exports of the new kinds (forms/kinds.py: Check, Amount, Costs, Smart, Checklist, a Choice and a
tick box in a table row) and of a landscape form, on a small form defined here: a plan filled through
storage, downloaded over HTTP as Word and Excel and read back with python-docx and openpyxl; the
default templates, the placeholder help page, and an uploaded Word template using the new
placeholders."""
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from docx import Document
from lxml import etree
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

import forms
from conftest import text_of
from export_support import (DOCX_MIME, XLSX_MIME, all_docx_text, body_tables, body_texts, docx_of,
                            docx_xml, rows_text, upload, use_database, workbook_of)
from export_support import _db, _no_templates, world  # noqa: F401 - the shared fixtures
from forms.definition import FormDefinition, Part, Section
from forms.kinds import (Amount, Check, Checklist, Choice, Costs, Date, MatrixRow, Signature, Smart,
                         Table, Text)
from pop import answers
from pop.models import Person, Plan
from pop.plans import start_plan

KEY = "proef-alle-soorten"
TITLE = "Proefformulier met elke soort vraag"
TERMIJN = (("kort", "korte termijn (tot een jaar)"),
           ("middel", "middellange termijn (tussen één en vijf jaar)"))
LETTERS = (("s", "Specifiek", "Wat wilt u precies bereiken?"), ("m", "Meetbaar", "Hoe ziet u dat?"),
           ("a", "Acceptabel", ""), ("r", "Realistisch", ""), ("t", "Tijdgebonden", "Wanneer?"))
GROUPS = (("Voorbereiding", (("doelen", "Bepaal de doelen van het POP"),
                             ("info", "Verzamel relevante informatie"))),
          ("Na de bijeenkomst", (("delen", "Documenteer het POP en deel het"),)))
COST_ROWS = (MatrixRow("werktijd", "Werktijd", group="Tijd"),
             MatrixRow("opleiding", "Opleiding", text="cursusgeld", group="Geld"),
             MatrixRow("reis", "Reiskosten", group="Geld"))

FORM = FormDefinition(
    key=KEY, title=TITLE, short_title="Elke soort", orientation="landscape", costs_field="kosten",
    description="Een formulier voor de test met elke soort vraag.",
    parts=(
        Part(key="plan", title="Het plan", nav_title="Plan", sections=(
            Section("Gegevens", items=(
                Text("medewerker_naam", "Naam:", prefill="employee.naam"),
                Check("besproken", "Besproken met de leidinggevende"),
                Amount("budget", "Gevraagd budget"),
                Amount("uren_per_week", "Uren per week", unit="uur"),
            )),
            Section("Doelen", items=(
                Table("doelen", "Ontwikkeldoelen", advised_rows=2,
                      advice="Kies liever één of twee doelen.", columns=(
                          Text("doel", "Ontwikkelingsdoel"),
                          Choice("termijn", "Termijn", options=TERMIJN),
                          Check("belangrijk", "Belangrijk"),
                          Amount("kosten_doel", "Kosten"),
                          Smart("smart", "SMART", letters=LETTERS),
                      )),
            )),
            Section("Eén doel getoetst", items=(Smart("toets", "SMART-toets", letters=LETTERS),)),
            Section("Kosten", items=(Costs("kosten", "Kosten en tijd", rows=COST_ROWS,
                                           intro="Wat kost het, in geld en in uren?"),)),
        )),
        Part(key="gesprekken", title="Gesprekken", nav_title="Gesprekken", cycle="gesprek", sections=(
            Section("Checklist", items=(
                Checklist("lijst", "Wat bespreekt u?", groups=GROUPS),
                Table("gesprekken", "Gesprekken", layout="blocks", row_title="Gesprek", spare_rows=0,
                      columns=(Date("datum", "Datum"), Text("welk", "Welk gesprek"),
                               Checklist("punten", "Checklist", groups=GROUPS))),
            )),
        )),
        Part(key="akkoord", title="Akkoord", nav_title="Akkoord", cycle="afronding", sections=(
            Section("Akkoord", items=(
                Signature("akkoord_medewerker", "Medewerker"),
                Signature("akkoord_leidinggevende", "Leidinggevende", signer="manager"),
            )),
        )),
    ),
)

SMART_ONE = {"s": "Een draaitabel maken", "m": "Drie rapporten per maand", "a": "",
             "r": "Met de cursus haalbaar", "t": "Voor 1 juni"}
SMART_TWO = {"s": "=SOM(A1) als tekst", "m": "", "a": "", "r": "", "t": ""}


def filled_values(employee_id, manager_id) -> dict:
    return {
        "medewerker_naam": "Zoë van 't Hof/Test",
        "besproken": True,
        "budget": Decimal("1250.50"),
        "uren_per_week": Decimal("12.50"),
        "doelen": [
            {"doel": "Excel leren", "termijn": "kort", "belangrijk": True,
             "kosten_doel": Decimal("1250.50"), "smart": SMART_ONE},
            {"doel": "-Leidinggeven", "termijn": "middel", "belangrijk": False,
             "kosten_doel": None, "smart": SMART_TWO},
        ],
        "toets": {"s": "Specifiek genoeg", "m": "", "a": "Afgesproken", "r": "", "t": "In het voorjaar"},
        "kosten": {"werktijd": {"euro": None, "uren": Decimal("16.00")},
                   "opleiding": {"euro": Decimal("1250.50"), "uren": None},
                   "reis": {"euro": Decimal("49.50"), "uren": Decimal("2.50")}},
        "lijst": {"doelen": {"af": True, "notitie": "Twee doelen gekozen"},
                  "info": {"af": False, "notitie": ""},
                  "delen": {"af": False, "notitie": "+ nog doen"}},
        "gesprekken": [
            {"datum": dt.date(2027, 3, 1), "welk": "Startgesprek",
             "punten": {"doelen": {"af": True, "notitie": ""}, "info": {"af": True, "notitie": "CV"},
                        "delen": {"af": False, "notitie": ""}}},
        ],
        "akkoord_medewerker": {"naam": "Zoë van 't Hof/Test", "datum": dt.date(2027, 3, 2),
                               "person_id": employee_id},
        "akkoord_leidinggevende": None,
    }


def _caches():
    from exports import templates
    from exports.word import default as word_default
    from exports.excel import default_template as xlsx_default_template
    from forms import web
    return [web.part_form_class, word_default.default_docx_template,
            xlsx_default_template.default_xlsx_template, templates.compiled_default_docx]


@pytest.fixture(scope="module")
def form():
    """The form registered as forms/__init__.py registers one, for this module only."""
    patch = pytest.MonkeyPatch()
    patch.setitem(forms.FORMS, KEY, FORM)
    for cache in _caches():
        cache.cache_clear()
    yield FORM
    patch.undo()
    for cache in _caches():
        cache.cache_clear()


@pytest.fixture(scope="module")
def plan_id(world, form):
    use_database(world.app)
    with world.app.app_context():
        zoe = Person.get(Person.email == world.org["zoe"])
        plan = start_plan(zoe, KEY, "2027")
        answers.save(plan, filled_values(zoe.id, world.org["m1_id"]))
        Plan.update(status="uitvoering").where(Plan.id == plan.id).execute()
        return plan.id


@pytest.fixture(scope="module")
def stored_values(world, plan_id):
    use_database(world.app)
    with world.app.app_context():
        return answers.load(Plan.get_by_id(plan_id))


@pytest.fixture(scope="module")
def word(world, plan_id):
    use_database(world.app)
    response = world.client("zoe").get(f"/plans/{plan_id}/download.docx")
    return docx_of(response)


@pytest.fixture(scope="module")
def excel(world, plan_id):
    use_database(world.app)
    response = world.client("m1").get(f"/plans/{plan_id}/download.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX_MIME
    return workbook_of(response)


def _table_with(doc, text):
    for table in body_tables(doc):
        if any(text in cell for row in rows_text(table) for cell in row):
            return rows_text(table)
    raise AssertionError(f"no table holds {text!r}")


# ---------------------------------------------------------------- storage, as the exports read it


def test_the_plan_is_stored_and_read_back_as_filled(stored_values, world):
    with world.app.app_context():
        zoe = Person.get(Person.email == world.org["zoe"])
    expected = filled_values(zoe.id, world.org["m1_id"])
    assert stored_values["doelen"][0]["smart"] == SMART_ONE
    assert stored_values["kosten"] == expected["kosten"]
    assert stored_values["gesprekken"][0]["punten"]["info"] == {"af": True, "notitie": "CV"}
    assert stored_values["besproken"] is True and stored_values["budget"] == Decimal("1250.50")


# ---------------------------------------------------------------- Word


def test_word_is_landscape_a4(word):
    section = word.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Mm(297)) < Mm(1) and abs(section.page_height - Mm(210)) < Mm(1)


def test_word_amounts_and_tick_box_read_the_dutch_way(word):
    texts = body_texts(word)
    assert "€ 1.250,50" in texts and "12,5 uur" in texts  # the amount lines, right of their label
    assert texts[texts.index("Gevraagd budget") + 1] == "€ 1.250,50"
    assert "☒ Besproken met de leidinggevende" in texts


def test_word_goal_table_has_headings_choice_tick_and_smart_under_each_row(word):
    rows = _table_with(word, "Ontwikkelingsdoel")
    assert rows[0] == ["Ontwikkelingsdoel", "Termijn", "Belangrijk", "Kosten"]
    assert rows[1] == ["Excel leren", "korte termijn (tot een jaar)", "☒", "€ 1.250,50"]
    # The five letters under the goal, each with its explanation, the empty one too, as on paper.
    assert rows[2][0].split("\n") == ["SMART", "S – Specifiek: Een draaitabel maken",
                                      "M – Meetbaar: Drie rapporten per maand", "A – Acceptabel: ",
                                      "R – Realistisch: Met de cursus haalbaar",
                                      "T – Tijdgebonden: Voor 1 juni"]
    assert rows[3] == ["-Leidinggeven", "middellange termijn (tussen één en vijf jaar)", "☐", ""]
    assert rows[4][0].split("\n")[1:3] == ["S – Specifiek: =SOM(A1) als tekst", "M – Meetbaar: "]
    assert len(rows) == 5  # header, two goals each with its SMART row
    assert "Kies liever één of twee doelen." in body_texts(word)


def test_word_smart_is_the_five_letters_with_their_explanations(word):
    rows = _table_with(word, "Specifiek genoeg")
    assert [r[0] for r in rows] == ["S", "M", "A", "R", "T"]
    assert rows[0][1].startswith("Specifiek") and "Wat wilt u precies bereiken?" in rows[0][1]
    assert [r[2] for r in rows] == ["Specifiek genoeg", "", "Afgesproken", "", "In het voorjaar"]


def test_word_costs_grid_in_euros_and_hours_with_totals(word):
    rows = _table_with(word, "Werktijd")
    assert rows[0] == ["Soort", "Aspect", "Bedrag (€)", "Uren"]
    assert rows[1] == ["Tijd", "Werktijd", "", "16 uur"]
    assert rows[2] == ["Geld", "Opleiding: cursusgeld", "€ 1.250,50", ""]
    assert rows[3] == ["", "Reiskosten", "€ 49,50", "2,5 uur"]
    assert rows[4][-3:] == ["Totaal", "€ 1.300,00", "18,5 uur"]


def test_word_checklist_ticks_with_notes(word):
    rows = _table_with(word, "Bepaal de doelen van het POP")
    assert rows[0] == ["", "Voorbereiding", "Notitie"]
    assert rows[1] == ["☒", "Bepaal de doelen van het POP", "Twee doelen gekozen"]
    assert rows[2] == ["☐", "Verzamel relevante informatie", ""]
    rows = _table_with(word, "Documenteer het POP en deel het")
    assert rows[1] == ["☐", "Documenteer het POP en deel het", "+ nog doen"]


def test_word_conversation_block_has_its_own_checklist(word):
    texts = body_texts(word)
    start = texts.index("Gesprek 1")
    block = texts[start:]
    assert "Startgesprek" in block and "01-03-2027" in block
    i = block.index("Verzamel relevante informatie")
    assert block[i - 1] == "☒" and block[i + 1] == "CV"


def test_word_signatures_and_nothing_left_of_the_template(word):
    text = all_docx_text(word)
    assert "Naam: Zoë van 't Hof/Test" in text and "Datum: 02-03-2027" in text
    assert "{{" not in text and "{%" not in text and "None" not in text


# ---------------------------------------------------------------- Excel


def _rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def _row_starting(ws, first, column=1):
    for row in ws.iter_rows():
        if row[column - 1].value == first:
            return row
    raise AssertionError(f"no row starts with {first!r} in {ws.title}")


def test_excel_amounts_are_numbers_shown_in_euros(excel):
    ws = excel["Plan"]
    budget = _row_starting(ws, "Gevraagd budget")[1]
    assert budget.value == 1250.5 and "€" in budget.number_format and "#,##0.00" in budget.number_format
    assert _row_starting(ws, "Uren per week")[1].value == 12.5
    assert _row_starting(ws, "Besproken met de leidinggevende")[1].value == "ja"


def test_excel_goal_table_with_a_column_per_smart_letter(excel):
    ws = excel["Plan"]
    header = [c.value for c in _row_starting(ws, "Ontwikkelingsdoel") if c.value]
    assert header[:4] == ["Ontwikkelingsdoel", "Termijn", "Belangrijk", "Kosten"]
    assert header[4:] == ["SMART: S – Specifiek", "SMART: M – Meetbaar", "SMART: A – Acceptabel",
                          "SMART: R – Realistisch", "SMART: T – Tijdgebonden"]
    first = [c.value for c in _row_starting(ws, "Excel leren")]
    assert first[:9] == ["Excel leren", "korte termijn (tot een jaar)", "ja", 1250.5,
                         "Een draaitabel maken", "Drie rapporten per maand", None, "Met de cursus haalbaar",
                         "Voor 1 juni"]
    second = _row_starting(ws, "-Leidinggeven")
    # Text that looks like a formula stays text, marked as typed.
    assert second[0].data_type == "s" and second[0].quotePrefix
    assert second[4].value == "=SOM(A1) als tekst" and second[4].data_type == "s" and second[4].quotePrefix
    assert second[3].value is None


def test_excel_smart_costs_and_checklist(excel):
    ws = excel["Plan"]
    assert [c.value for c in _row_starting(ws, "S – Specifiek")][:2] == ["S – Specifiek", "Specifiek genoeg"]
    assert _row_starting(ws, "T – Tijdgebonden")[1].value == "In het voorjaar"
    werktijd = _row_starting(ws, "Werktijd", column=2)
    assert [c.value for c in werktijd][:4] == ["Tijd", "Werktijd", None, 16]
    total = _row_starting(ws, "Totaal", column=2)
    assert total[2].value == 1300 and total[3].value == 18.5 and "€" in total[2].number_format
    sheet = excel["Gesprekken"]
    # Punt | Notitie | Afgevinkt: the note in the wide answer column.
    item = [c.value for c in _row_starting(sheet, "Bepaal de doelen van het POP")]
    assert item[:3] == ["Bepaal de doelen van het POP", "Twee doelen gekozen", "ja"]
    delen = _row_starting(sheet, "Documenteer het POP en deel het")
    assert delen[2].value is None and delen[1].value == "+ nog doen" and delen[1].quotePrefix
    # The conversation: a block, its checklist a row per item with its note and tick.
    start = _row_starting(sheet, "Gesprek 1")[0].row
    block = [[c.value for c in row[:3]] for row in sheet.iter_rows(min_row=start + 1)]
    assert block[0][:2] == ["Datum", dt.datetime(2027, 3, 1)] and block[1][:2] == ["Welk gesprek", "Startgesprek"]
    assert ["Verzamel relevante informatie", "CV", "ja"] in block
    assert ["Documenteer het POP en deel het", None, None] in block


def test_excel_sheets_print_landscape(excel):
    assert all(ws.page_setup.orientation == "landscape" for ws in excel.worksheets)


def test_an_empty_plan_prints_empty_boxes_and_cells(world, form):
    use_database(world.app)
    with world.app.app_context():
        bram = Person.get(Person.email == world.org["b"])
        plan = start_plan(bram, KEY, "2028")
    try:
        doc = docx_of(world.client("b").get(f"/plans/{plan.id}/download.docx"))
        text = all_docx_text(doc)
        assert "None" not in text and "{{" not in text and "☒" not in text
        assert "☐ Besproken met de leidinggevende" in body_texts(doc)
        rows = _table_with(doc, "Werktijd")
        assert rows[-1][-3:] == ["Totaal", "", ""]
        smart = next(rows_text(t) for t in body_tables(doc) if rows_text(t)[0][0] == "S")
        assert [r[0] for r in smart] == list("SMART") and [r[2] for r in smart] == [""] * 5
        response = world.client("b").get(f"/plans/{plan.id}/download.xlsx")
        wb = workbook_of(response)
        values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not any(isinstance(v, str) and ("None" in v or "{{" in v) for v in values)
        assert _row_starting(wb["Plan"], "Gevraagd budget")[1].value is None
        assert _row_starting(wb["Plan"], "Totaal", column=2)[2].value is None
    finally:
        with world.app.app_context():
            Plan.delete().where(Plan.id == plan.id).execute()


# ---------------------------------------------------------------- templates and the help page


def test_default_templates_download_and_hold_the_new_placeholders(world, form):
    hr = world.client("hr")
    response = hr.get(f"/sjablonen/standaard/{KEY}.docx")
    assert response.status_code == 200 and response.mimetype == DOCX_MIME
    text = all_docx_text(Document(io.BytesIO(response.data)))
    for placeholder in ("{{ besproken_vakje }}", "{{ budget }}", "{{ toets.s }}", "{{ kosten.reis.euro }}",
                        "{{ kosten.totaal_uren }}", "{{ lijst.doelen.vakje }}", "{{ lijst.doelen.notitie }}",
                        "{{ r.belangrijk_vakje }}", "{{ r.smart.t }}", "{{ g.punten.info.vakje }}"):
        assert placeholder in text, placeholder
    response = hr.get(f"/sjablonen/standaard/{KEY}.xlsx")
    assert response.status_code == 200
    cells = {c.value for ws in workbook_of(response).worksheets for row in ws.iter_rows() for c in row}
    for placeholder in ("{{ budget }}", "{{ doelen[0].smart.s }}", "{{ kosten.opleiding.euro }}",
                        "{{ lijst.info.af }}", "{{ gesprekken[0].punten.info.af }}",
                        "{{ gesprekken[0].punten.info.notitie }}"):
        assert placeholder in cells, placeholder
    assert "{{ gesprekken[0].punten }}" not in cells  # a conversation's checklist a point per row


def test_the_default_templates_pass_the_upload_check(form):
    from exports.uploads.check import check_template
    from exports.word.default import default_docx_template
    from exports.excel.default_template import default_xlsx_template
    for fmt, data in (("docx", default_docx_template(KEY)), ("xlsx", default_xlsx_template(KEY))):
        report = check_template(data, fmt, FORM)
        assert not report.problems, (fmt, report.problems)
        assert report.preview, fmt


def test_help_page_documents_the_new_kinds_with_examples(world, form):
    page = text_of(world.client("hr").get(f"/sjablonen/hulp/{KEY}"))
    for wanted in ("{{ besproken_vakje }}", "{{ besproken_nee }}", "{{ r.belangrijk_ja }}", "{{ budget }}",
                   "€ 1.250,50", "{{ toets.m }}",
                   "{{ toets.ontbreekt }}", "{{ kosten.werktijd.uren }}", "{{ kosten.totaal_euro }}",
                   "{{ lijst.delen.notitie }}", "{{ lijst.doelen.vakje }}", "{{ r.termijn_kort }}",
                   "{{ r.smart.s }}", "{{ r.punten.info.af }}", "{%tr for r in doelen %}"):
        assert wanted in page, wanted
    assert "kwaliteiten" not in page and "on_the_job" not in page  # the extended form's names


@pytest.mark.parametrize("key", sorted(forms.FORMS))
def test_every_forms_default_templates_pass_the_upload_check(key):
    """Each seed form's Word and Excel layout, tried as an upload on the demo plan, the plans at every
    limit (every table full, every answer, note and SMART letter at its length, every amount at
    9.999.999,99) and the empty plan."""
    from exports.uploads.check import check_template
    from exports.word.default import default_docx_template
    from exports.excel.default_template import default_xlsx_template
    definition = forms.FORMS[key]
    for fmt, data in (("docx", default_docx_template(key)), ("xlsx", default_xlsx_template(key))):
        report = check_template(data, fmt, definition)
        assert not report.problems, (key, fmt, report.problems)
        assert report.preview and not report.unused, (key, fmt, report.unused)


@pytest.mark.parametrize("key", sorted(forms.FORMS))
def test_every_text_of_every_form_is_in_its_word_export(key):
    """Each label, heading, help text, SMART letter, cost aspect and checklist point of the form, in
    the default Word layout filled with the form's demo plan (the options of a choice print there)."""
    from exports.context import example_plan_context
    from exports.templates import compiled_default_docx
    definition = forms.FORMS[key]
    context, _ = example_plan_context(definition)
    document = Document(io.BytesIO(compiled_default_docx(key).render(context)))
    flat = " ".join(all_docx_text(document).split())
    missing = [t for t in definition.texts() if t and " ".join(t.split()) not in flat]
    assert not missing, (key, missing)


@pytest.mark.parametrize("key", sorted(forms.FORMS))
def test_help_page_and_default_templates_work_for_every_form(world, key):
    hr = world.client("hr")
    assert hr.get(f"/sjablonen/hulp/{key}").status_code == 200
    for fmt in ("docx", "xlsx"):
        assert hr.get(f"/sjablonen/standaard/{key}.{fmt}").status_code == 200


def _own_template() -> bytes:
    document = Document()
    document.add_paragraph("Eigen POP van {{ medewerker.naam }}")
    document.add_paragraph("Besproken: {{ besproken_vakje }} ({{ besproken }})")
    document.add_paragraph("Budget {{ budget }}, {{ uren_per_week }} per week")
    document.add_paragraph("{%p for r in doelen %}")
    document.add_paragraph("Doel {{ r.doel }} [{{ r.termijn_kort }}] {{ r.belangrijk_vakje }} "
                           "ontbreekt: {{ r.smart.ontbreekt }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("Toets S={{ toets.s }} M={{ toets.m_vakje }}")
    document.add_paragraph("Totaal {{ kosten.totaal_euro }} en {{ kosten.totaal_uren }}; "
                           "opleiding {{ kosten.opleiding.euro }}")
    document.add_paragraph("{%p for k in kosten.rijen %}")
    document.add_paragraph("Regel {{ k.omschrijving }}: {{ k.euro }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("Doelen bepaald {{ lijst.doelen.vakje }} {{ lijst.doelen.notitie }}")
    document.add_paragraph("{% if lijst.info.af == 'ja' %}info af{% else %}info open{% endif %}")
    document.add_paragraph("Hele lijst: {{ lijst }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_an_uploaded_word_template_with_the_new_placeholders_renders(world, plan_id):
    hr = world.client("hr")
    response = upload(hr, _own_template(), "eigen-alles.docx", form_key=KEY)
    assert response.status_code == 302, text_of(response)[:3000]
    template_id = int(re.search(r"/sjablonen/(\d+)$", response.headers["Location"]).group(1))
    assert hr.post(f"/sjablonen/{template_id}/activeren", data={}).status_code == 302
    doc = docx_of(world.client("zoe").get(f"/plans/{plan_id}/download.docx"))
    texts = [p.text for p in doc.paragraphs]
    assert "Eigen POP van Zoë van 't Hof/Test" in texts
    assert "Besproken: ☒ (ja)" in texts
    assert "Budget € 1.250,50, 12,5 uur per week" in texts
    assert "Doel Excel leren [X] ☒ ontbreekt: Acceptabel" in texts
    assert "Doel -Leidinggeven [] ☐ ontbreekt: Meetbaar, Acceptabel, Realistisch, Tijdgebonden" in texts
    assert "Toets S=Specifiek genoeg M=☐" in texts
    assert "Totaal € 1.300,00 en 18,5 uur; opleiding € 1.250,50" in texts
    assert "Regel Werktijd: " in texts and "Regel Opleiding: € 1.250,50" in texts
    assert "Doelen bepaald ☒ Twee doelen gekozen" in texts
    assert "info open" in texts
    whole = "\n".join(texts)
    assert "☒ Bepaal de doelen van het POP — Twee doelen gekozen" in whole
    assert "☐ Documenteer het POP en deel het — + nog doen" in whole


def test_word_merge_fields_and_checkboxes_named_by_the_new_kinds_labels(world, plan_id):
    """HR's own Word form: merge fields and checkbox content controls named as the form says."""
    from word_builder import checkbox, p, r, simple_field, word_document
    body = (p(r("Budget: "), simple_field('"Gevraagd budget"')) +
            p(r("Meetbaar: "), simple_field('"SMART-toets Meetbaar"')) +
            p(r("Opleiding: "), simple_field('"Opleiding euro"'), r(" totaal "), simple_field('"Totaal uren"')) +
            p(checkbox(alias="Besproken met de leidinggevende"), r(" besproken")) +
            p(checkbox(tag="besproken=nee"), r(" niet besproken"), simple_field('"Besproken met de leidinggevende ja"')) +
            p(checkbox(alias="Bepaal de doelen van het POP"), r(" doelen; "),
              checkbox(alias="Verzamel relevante informatie"), r(" informatie")) +
            # a point of each conversation's checklist, in the conversations' loop
            p(r("{%p for r in gesprekken %}")) + p(checkbox(alias="r.punten.info.af"), r(" per gesprek")) +
            p(r("{%p endfor %}")))
    hr = world.client("hr")
    response = upload(hr, word_document(body), "eigen-velden.docx", form_key=KEY)
    assert response.status_code == 302, text_of(response)[:3000]
    template_id = int(re.search(r"/sjablonen/(\d+)$", response.headers["Location"]).group(1))
    assert hr.post(f"/sjablonen/{template_id}/activeren", data={}).status_code == 302
    response = world.client("zoe").get(f"/plans/{plan_id}/download.docx")
    texts = [x.text for x in docx_of(response).paragraphs]
    assert texts[:3] == ["Budget: € 1.250,50", "Meetbaar: ", "Opleiding: € 1.250,50 totaal 18,5 uur"]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    w14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
    boxes = {}
    for sdt in etree.fromstring(docx_xml(response.data).encode("utf-8")).iter(f"{w}sdt"):
        name = (sdt.find(f"{w}sdtPr/{w}alias") if sdt.find(f"{w}sdtPr/{w}alias") is not None
                else sdt.find(f"{w}sdtPr/{w}tag")).get(f"{w}val")
        state = sdt.find(f"{w}sdtPr/{w14}checkbox/{w14}checked").get(f"{w14}val")
        boxes[name] = (state, "".join(t.text or "" for t in sdt.iter(f"{w}t")))
    assert texts[4].endswith(" niet besprokenX")  # the merge field "… ja" prints X: it is ticked
    assert boxes == {"Besproken met de leidinggevende": ("1", "☒"), "besproken=nee": ("0", "☐"),
                     "Bepaal de doelen van het POP": ("1", "☒"),
                     "Verzamel relevante informatie": ("0", "☐"),
                     "r.punten.info.af": ("1", "☒")}


def test_the_default_excel_template_uploaded_fills_numbers_and_letters(world, plan_id):
    hr = world.client("hr")
    template = hr.get(f"/sjablonen/standaard/{KEY}.xlsx").data
    where = {c.value: (ws.title, c.coordinate) for ws in workbook_of(template).worksheets
             for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "{{" in c.value}
    response = upload(hr, template, "standaard-alles.xlsx", form_key=KEY)
    assert response.status_code == 302, text_of(response)[:3000]
    template_id = int(re.search(r"/sjablonen/(\d+)$", response.headers["Location"]).group(1))
    assert hr.post(f"/sjablonen/{template_id}/activeren", data={}).status_code == 302
    wb = workbook_of(world.client("zoe").get(f"/plans/{plan_id}/download.xlsx"))

    def cell(placeholder):
        sheet, coordinate = where["{{ " + placeholder + " }}"]
        return wb[sheet][coordinate]

    assert cell("budget").value == 1250.5 and "€" in cell("budget").number_format
    assert cell("kosten.opleiding.euro").value == 1250.5 and cell("kosten.werktijd.euro").value is None
    assert cell("kosten.totaal_euro").value == 1300 and cell("kosten.totaal_uren").value == 18.5
    assert cell("doelen[0].smart.m").value == "Drie rapporten per maand"
    assert cell("doelen[1].smart.s").value == "=SOM(A1) als tekst" and cell("doelen[1].smart.s").data_type == "s"
    assert cell("doelen[0].belangrijk").value == "ja" and cell("doelen[1].belangrijk").value in (None, "")
    assert cell("doelen[0].termijn").value == "korte termijn (tot een jaar)"
    assert cell("lijst.doelen.af").value == "ja" and cell("lijst.delen.notitie").value == "+ nog doen"
    assert cell("gesprekken[0].punten.info.af").value == "ja"
    assert cell("gesprekken[0].punten.info.notitie").value == "CV"
    assert cell("doelen[2].doel").value in (None, "")  # a row the plan does not have


def test_an_uploaded_template_printing_a_whole_table_is_refused(world, form):
    document = Document()
    document.add_paragraph("{{ doelen }}")
    out = io.BytesIO()
    document.save(out)
    response = upload(world.client("hr"), out.getvalue(), "tabel.docx", form_key=KEY)
    assert response.status_code == 422 or "hele tabel" in text_of(response)
    assert "hele tabel" in text_of(response)


# ---------------------------------------------------------------- context and trial plans


def test_trial_plans_fill_every_new_kind_to_its_limit(form):
    from exports.uploads.sample_plans import AMOUNT_MAX, full_plan_values, trial_contexts
    full = full_plan_values(FORM)
    assert full["budget"] == AMOUNT_MAX and full["kosten"]["reis"]["uren"] == AMOUNT_MAX
    assert all(len(v) == FORM.field("toets").max_length for v in full["toets"].values())
    assert len(full["gesprekken"]) == FORM.field("gesprekken").max_rows
    trials = trial_contexts(FORM)
    names = [name for name, _ in trials]
    assert names[0] == "het voorbeeldplan" and names[-1] == "een leeg plan"
    # Ticked and not ticked both occur among the full plans.
    ticks = {ctx["besproken"] for name, ctx in trials if "maximum" in name}
    assert ticks == {"ja", ""}
    full_ctx = trials[1][1]
    assert full_ctx["kosten"]["totaal_euro"] == "€ 29.999.999,97"
    empty = trials[-1][1]
    assert empty["budget"] == "" and str(empty["toets"]) == "" and empty["kosten"]["totaal_euro"] == ""
    assert empty["besproken_vakje"] == "☐" and str(empty["lijst"]) == ""


def test_a_comparison_a_tick_box_never_matches_is_noted(form):
    from exports.uploads.messages import impossible_comparison, possible_values
    values = possible_values(FORM)
    assert impossible_comparison("besproken", "Ja", values["besproken"], "de hoofdtekst") is None
    note = impossible_comparison("lijst.info.af", "nee", values["lijst.info.af"], "de hoofdtekst")
    assert note and "“ja”" in note


def test_word_names_of_the_new_kinds(form):
    from exports.field_names import resolve
    assert resolve("Gevraagd budget", FORM) == "budget"
    assert resolve("SMART-toets Meetbaar", FORM) == "toets.m"
    assert resolve("Opleiding euro", FORM) == "kosten.opleiding.euro"
    assert resolve("Totaal uren", FORM) == "kosten.totaal_uren"
    assert resolve("Verzamel relevante informatie", FORM) == "lijst.info.af"
    assert resolve("r.termijn_kort", FORM) == "r.termijn_kort"
    assert resolve("r.smart.t", FORM) == "r.smart.t"
