"""Word's own fields in an uploaded template (exports/word/fields.py, exports/field_names.py): merge fields
in both of Word's forms, content controls by tag and by title, checkbox content controls, all matched by
the form's labels; names the form does not have are refused saying where; marks compare "-" with "–";
per-option placeholders. Everything goes through the HTTP interface: HR uploads and activates, Zoë
downloads her plan, and the document is read back."""
from __future__ import annotations

import io
import pickle
import zipfile

import pytest
from lxml import etree
from openpyxl import Workbook

from conftest import text_of
from export_support import (AMP, EMPLOYEE_NAME, FORM, MANAGER_NAME, PERIOD, SCRIPT, upload, workbook_of,
                            world)  # noqa: F401 - the fixture
from export_support import _no_templates  # noqa: F401 - autouse: no template left behind
from pop.models import ExportTemplate
from word_builder import (MAIL_MERGE_SETTINGS, W, W14, checkbox, complex_field, p, r, simple_field, table,
                          text_box, text_control_block, text_control_run, word_document)

POP_TALK = "15-03-2026"
FUNCTIE = "@home"  # Zoë's plan header says so; her personnel record says "Adviseur é&ë"
FALLBACK = "kon dit plan niet invullen"
NS = {"w": W, "w14": W14}


def stored(world) -> list:
    with world.app.app_context():
        return list(ExportTemplate.select())


def zoe_download(world, data: bytes, name="velden.docx") -> bytes:
    """data uploaded by HR, activated, and Zoë's plan downloaded through it (not the fallback)."""
    hr = world.client("hr")
    response = upload(hr, data, name)
    assert response.status_code == 302, text_of(response)[:3000]
    [template] = stored(world)
    assert hr.post(f"/sjablonen/{template.id}/activeren").status_code == 302
    zoe = world.client("zoe")
    fmt = name.rsplit(".", 1)[1]
    download = zoe.get(f"/plans/{world.org['plan']}/download.{fmt}")
    assert download.status_code == 200
    assert FALLBACK not in text_of(zoe.get(f"/plans/{world.org['plan']}")), "fell back to the default layout"
    return download.data


def refusal(world, data: bytes) -> str:
    response = upload(world.client("hr"), data, "velden.docx")
    assert response.status_code == 422, text_of(response)[:2000]
    assert stored(world) == []
    return text_of(response)


def part(data: bytes, name="word/document.xml"):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def part_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


def text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{{{W}}}t"))


def paragraphs(root) -> list[str]:
    return [text(x) for x in root.iter(f"{{{W}}}p") if x.find(f".//{{{W}}}p") is None]


def run_with(root, value: str):
    runs = [x for x in root.iter(f"{{{W}}}r") if value in text(x)]
    assert runs, f"{value!r} in no run"
    return runs[0]


def all_parts_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                       if n.startswith("word/") and n.endswith(".xml"))


# ---------------------------------------------------------------- merge fields


def test_merge_fields_in_both_forms_are_filled_everywhere_in_the_result_formatting(world):
    body = "".join((
        p(r("Naam: "), simple_field("Naam", props="<w:b/><w:noProof/>")),
        # Word splits an instruction over runs; the result «Datum POP-gesprek» over differently
        # formatted runs: the value takes the formatting of the run with the name.
        p(r("Gesprek: "), complex_field([' MERGEFIELD  "Datum ', 'POP-gesprek" ', "\\* MERGEFORMAT "],
                                        [r("«", "<w:i/>"), r("Datum POP-gesprek", '<w:u w:val="single"/>'),
                                         r("»", "<w:i/>")]), r(" (datum)")),
        p(r("Afdeling: "), complex_field([" MERGEFIELD Afdeling \\* Upper \\* MERGEFORMAT "], [r("«Afdeling»")])),
        p(complex_field([' MERGEFIELD Leidinggevende \\b "Leidinggevende: " \\f "."'], [r("«Leidinggevende»")])),
        # An empty answer prints neither the value nor the \b text.
        p(r("["), complex_field([' MERGEFIELD "Welke nieuwe eisen stelt dat aan uzelf?" \\b "Eisen: "'],
                                [r("«Welke»")]), r("]")),
        table([p(r("Functie")), p(simple_field("Functie"))],
              [p(r("Periode")), p(complex_field([" MERGEFIELD Periode "], [r("«Periode»")]))]),
        p(text_box(p(r("In het tekstvak: "), simple_field("Datum_POPgesprek")))),
    ))
    header = p(r("Kop: "), simple_field("Naam_leidinggevende"))
    footer = p(r("Voet: "), complex_field([" MERGEFIELD ", "medewerker.naam "], [r("«medewerker.naam»")]))
    data = zoe_download(world, word_document(body, header, footer))

    document = part(data)
    texts = paragraphs(document)
    assert f"Naam: {EMPLOYEE_NAME}" in texts
    assert run_with(document, EMPLOYEE_NAME).find("w:rPr/w:b", NS) is not None
    assert f"Gesprek: {POP_TALK} (datum)" in texts
    date_run = run_with(document, POP_TALK)
    assert date_run.find("w:rPr/w:u", NS) is not None and date_run.find("w:rPr/w:i", NS) is None
    assert f"Afdeling: {AMP.upper()}" in texts  # the plan's header, not the personnel record
    assert f"Leidinggevende: {MANAGER_NAME}." in texts
    assert "[]" in texts
    assert FUNCTIE in texts and PERIOD in texts  # the table's cells
    assert f"In het tekstvak: {POP_TALK}" in texts
    assert f"Kop: {MANAGER_NAME}" in paragraphs(part(data, "word/header1.xml"))
    assert f"Voet: {EMPLOYEE_NAME}" in paragraphs(part(data, "word/footer1.xml"))
    everything = all_parts_xml(data)
    for gone in ("MERGEFIELD", "«", "»", "fldChar", "fldSimple", "Eisen"):
        assert gone not in everything, gone


def test_an_unknown_name_is_refused_saying_what_and_where(world):
    body = "".join((
        p(r("Naam: "), simple_field("Naam")),
        table([p(r("Nummer"))], [p(complex_field([" MERGEFIELD Personeelsnummer "], [r("«Personeelsnummer»")]))]),
        p(text_box(p(checkbox(tag="Coaching verleden +")))),
    ))
    header = p(text_control_run(alias="Kwaliteiten"))
    footer = p(checkbox(tag="evaluatie_optie"))
    page = refusal(world, word_document(body, header, footer))
    assert ("Het samenvoegveld «Personeelsnummer» in de hoofdtekst, tabel 1, rij 2: ‘personeelsnummer’ "
            "bestaat niet in dit formulier.") in page
    assert "achternaam" not in page  # no near miss for a field the form does not have
    assert "Het inhoudsbesturingselement «Kwaliteiten» in de koptekst: dit is een hele tabel" in page
    assert "{%tr for r in kwaliteiten %}" in page
    assert ("Het selectievakje «evaluatie_optie» in de voettekst noemt een vraag met keuzes, maar niet "
            "welke keuze het aankruist. Schrijf bijvoorbeeld «evaluatie_optie=vooraf».") in page
    assert "Het selectievakje «Coaching verleden +» in de hoofdtekst, in een tekstvak:" in page


def test_a_document_whose_markings_name_nothing_says_which_markings_it_has(world):
    # Boxes to tick by hand and an untitled text control: nothing in it is filled from the plan.
    body = p(checkbox(), r(" ja "), checkbox(), r(" nee"))
    page = refusal(world, word_document(body))
    assert "geen enkel veld" in page
    assert "2 selectievakjes" in page


def test_merge_field_inside_another_field_is_refused(world):
    nested = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> IF </w:instrText></w:r>'
              + complex_field([" MERGEFIELD Naam "], [r("«Naam»")]) +
              '<w:r><w:instrText> = "" "leeg" "gevuld" </w:instrText></w:r>'
              '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("gevuld") +
              '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    page = refusal(world, word_document(p(nested) + p(simple_field("Periode"))))
    assert "Het samenvoegveld «Naam» in de hoofdtekst staat binnen een ander Word-veld" in page


def test_a_mail_merge_document_is_filled_once_unlinked_from_its_data_source(world):
    body = p(r("Beste "), simple_field("Naam"), r(","))
    # Still linked: refused by the package check, which tells HR how to unlink it.
    page = refusal(world, word_document(body, settings=MAIL_MERGE_SETTINGS))
    assert "Ontkoppel de gegevensbron" in page and "medewerkers.xlsx" in page
    # What is left of the merge settings without a source (a main document type) is removed as
    # well: Word would otherwise open every export as a mail merge main document.
    unlinked = '<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:dataType w:val="textFile"/></w:mailMerge>'
    data = zoe_download(world, word_document(body, settings=unlinked))
    assert f"Beste {EMPLOYEE_NAME}," in paragraphs(part(data))
    assert part(data, "word/settings.xml").find("w:mailMerge", NS) is None


# ---------------------------------------------------------------- content controls


def test_content_controls_named_by_tag_or_title_get_the_value_in_their_own_formatting(world):
    cell_control = ("<w:sdt>" '<w:sdtPr><w:alias w:val="Meer doen"/><w:tag w:val="meer_doen"/><w:showingPlcHdr/>'
                    "</w:sdtPr><w:sdtContent><w:tc><w:tcPr><w:tcW w:w=\"3000\" w:type=\"dxa\"/></w:tcPr><w:p>"
                    '<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>Klik hier.</w:t></w:r></w:p>'
                    "</w:tc></w:sdtContent></w:sdt>")
    body = "".join((
        text_control_block(alias="Afdeling", props="<w:b/>"),
        p(r("Naam: "), text_control_run(tag="medewerker.naam", props="<w:i/>")),
        p(r("Datum: "), text_control_run(alias="Datum POP-gesprek", date=True)),
        # A tag some other tool wrote; the title names the field.
        p(r("Functie: "), text_control_run(tag="{8F3A2C1B-0000}", alias="Functie")),
        text_control_block(tag="Naam leidinggevende", bound=True),
        '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="3000"/>'
        '<w:gridCol w:w="3000"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>'
        + p(r("Meer doen")) + "</w:tc>" + cell_control + "</w:tr></w:tbl>",
    ))
    header = p(r("POP "), text_control_run(tag="plan.periode"))
    data = zoe_download(world, word_document(body, header))

    document = part(data)
    texts = paragraphs(document)
    assert AMP in texts
    afdeling = run_with(document, AMP)
    assert afdeling.find("w:rPr/w:b", NS) is not None
    assert afdeling.find("w:rPr/w:rStyle", NS) is None  # Word's grey placeholder style is gone
    assert f"Naam: {EMPLOYEE_NAME}" in texts
    assert run_with(document, EMPLOYEE_NAME).find("w:rPr/w:i", NS) is not None
    assert f"Datum: {POP_TALK}" in texts
    assert f"Functie: {FUNCTIE}" in texts
    assert MANAGER_NAME in texts
    assert SCRIPT in texts  # meer_doen, in its cell, as text
    assert f"POP {PERIOD}" in paragraphs(part(data, "word/header1.xml"))
    everything = all_parts_xml(data)
    for gone in ("showingPlcHdr", "Klik of tik", "Klik hier", "dataBinding", "w:fullDate", "PlaceholderText"):
        assert gone not in everything, gone
    assert everything.count("<w:sdt>") == 7  # the controls stay, filled, as Word would leave them


CHECKBOXES = {
    # tag (or title) -> ticked for Zoë's plan (tests/export_support.py tricky_values)
    "evaluatie_optie=achteraf": True,
    "evaluatie_optie=vooraf": False,
    "Coaching past -": True,  # stored "min", shown "–", typed "-"
    "Coaching past +": False,
    "on_the_job.projecten.ligt=±": True,
    "on_the_job.projecten.ligt_plus": False,
    "Reis ja": True,
    "kosten.vrije_tijd.van_toepassing=ja": False,
    "kosten.vrije_tijd.van_toepassing=nee": True,
    "kosten.coach.van_toepassing=nee": False,  # not answered
    "Akkoord medewerker": True,  # a field, not an option: ticked when given
}


def test_checkbox_content_controls_are_ticked_from_the_answers_with_words_own_state(world):
    boxes = [p(checkbox(tag=tag, checked=not ticked), r(" " + tag)) for tag, ticked in CHECKBOXES.items()]
    boxes.append(p(checkbox(alias="Achteraf ‘bewijzen’ leveren"), r(" titel")))
    # The control's own symbols and fonts: ✔ in Segoe UI Symbol, ✗ in Wingdings.
    boxes.append(p(checkbox(tag="Coaching ligt +", on="2714", off="2717", on_font="Segoe UI Symbol",
                            off_font="Wingdings"), r(" eigen")))
    boxes.append(p(checkbox(tag="Instructie ligt +", on="2714", off="2717", on_font="Segoe UI Symbol",
                            off_font="Wingdings", checked=True), r(" eigen leeg")))
    # Symbols no box can show, or that would read as template code: Word's own ☒ and ☐ instead.
    boxes.append(p(checkbox(tag="Opleiding ja", on="7B", off="FFFFFFFF", checked=True), r(" vreemd")))
    data = zoe_download(world, word_document("".join(boxes)))

    seen = {}
    for sdt in part(data).iter(f"{{{W}}}sdt"):
        name = (sdt.find("w:sdtPr/w:tag", NS) if sdt.find("w:sdtPr/w:tag", NS) is not None
                else sdt.find("w:sdtPr/w:alias", NS)).get(f"{{{W}}}val")
        state = sdt.find("w:sdtPr/w14:checkbox/w14:checked", NS).get(f"{{{W14}}}val")
        run = sdt.find("w:sdtContent/w:r", NS)
        font = run.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}ascii")
        seen[name] = (state, text(run), font)
    for tag, ticked in CHECKBOXES.items():
        assert seen[tag][:2] == (("1", "☒") if ticked else ("0", "☐")), (tag, seen[tag])
    assert seen["Achteraf ‘bewijzen’ leveren"][:2] == ("1", "☒")
    assert seen["Coaching ligt +"] == ("1", "✔", "Segoe UI Symbol")
    assert seen["Instructie ligt +"] == ("0", "✗", "Wingdings")
    assert seen["Opleiding ja"][:2] == ("1", "☒")


# ---------------------------------------------------------------- marks and per-option placeholders


def test_comparisons_take_dashes_case_and_option_keys_alike(world):
    body = "".join(p(r(line)) for line in (
        '{% if on_the_job.coaching.past == "-" %}MIN-GELIJK{% endif %}',
        '{% if kosten.werktijd.van_toepassing == "Ja" %}WERKTIJD-JA{% endif %}',
        '{% if on_the_job.projecten.ligt == "+/-" %}MATIG-GELIJK{% endif %}',
        '{% if on_the_job.coaching.past == "min" %}MIN-SLEUTEL{% endif %}',
        '{% if evaluatie_optie == "achteraf" %}ACHTERAF-GEKOZEN{% endif %}',
        '{% if on_the_job.coaching.past != "–" %}FOUT-ONGELIJK{% endif %}',
        '{% if on_the_job.coaching.past == "+" %}FOUT-PLUS{% endif %}',
        "Teken: {{ on_the_job.coaching.past }}",
    ))
    texts = paragraphs(part(zoe_download(world, word_document(body))))
    for wanted in ("MIN-GELIJK", "WERKTIJD-JA", "MATIG-GELIJK", "MIN-SLEUTEL", "ACHTERAF-GEKOZEN", "Teken: –"):
        assert wanted in texts, (wanted, texts)
    assert not any("FOUT" in t for t in texts)


OPTIONS_LINE = ("[{{ on_the_job.coaching.past_min }}|{{ on_the_job.coaching.past_plus }}|"
                "{{ kosten.reis.van_toepassing_ja }}|{{ kosten.coach.van_toepassing_ja }}|"
                "{{ evaluatie_optie_achteraf }}|{{ evaluatie_optie_vooraf }}|"
                "{{ volgend_gesprek_voortgangsgesprek }}]")
OPTIONS_FILLED = "[X||X||X||X]"


def test_per_option_placeholders_in_word(world):
    # As a merge field too: the option's name prints X.
    body = p(r(OPTIONS_LINE)) + p(r("Veld: "), simple_field("Coaching_past_min"), r("."))
    texts = paragraphs(part(zoe_download(world, word_document(body))))
    assert OPTIONS_FILLED in texts
    assert "Veld: X." in texts


def test_per_option_placeholders_in_excel(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "POP"
    sheet["A1"] = OPTIONS_LINE
    sheet["A2"] = "{{ on_the_job.coaching.past_min }}"
    sheet["A3"] = "{% if on_the_job.coaching.past == '-' %}min{% else %}anders{% endif %}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = workbook_of(zoe_download(world, buffer.getvalue(), "opties.xlsx"))["POP"]
    assert sheet["A1"].value == OPTIONS_FILLED
    assert sheet["A2"].value == "X"
    assert sheet["A3"].value == "min"


def test_contexts_with_marks_survive_the_trip_to_the_render_process():
    from exports.context import example_plan_context
    context, _ = example_plan_context(FORM)
    copy = pickle.loads(pickle.dumps(context))
    cell = copy["on_the_job"]["coaching"]["past"]
    assert cell == context["on_the_job"]["coaching"]["past"] and cell == cell.value
    assert copy["evaluatie_optie"] == "vooraf" and copy["evaluatie_optie"] == context["evaluatie_optie"]
    assert copy["kwaliteiten"][7] == {"sterk": "", "verbeter": ""}  # still padded rows


# ---------------------------------------------------------------- the help page


def test_help_page_lists_printable_placeholders_word_names_and_the_checkbox_convention(world):
    page = text_of(world.client("hr").get("/sjablonen/hulp"))
    for wanted in ("{{ on_the_job.coaching.past_plus }}", "{{ evaluatie_optie_achteraf }}",
                   "{{ kosten.reis.van_toepassing_ja }}", "«Datum_POPgesprek»", "«Naam»",
                   "on_the_job.coaching.past=plus", "Coaching past +", "evaluatie_optie=achteraf",
                   "{%tr for r in kwaliteiten %}", "drie lege rijen"):
        assert wanted in page, wanted
    # A whole table prints as a list: it is a loop, never a placeholder of its own.
    assert "{{ kwaliteiten }}" not in page and "{{ ontwikkeldoelen }}" not in page


# ---------------------------------------------------------------- legacy form fields


def form_field(name: str, kind: str = "FORMTEXT") -> str:
    """A legacy form field as Word writes it: its name in ffData and a bookmark around it; a text
    field shows five en spaces until filled in."""
    data = "<w:textInput/>" if kind == "FORMTEXT" else '<w:checkBox><w:sizeAuto/><w:default w:val="0"/></w:checkBox>'
    result = ('<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:rPr><w:noProof/></w:rPr>'
              "<w:t>\u2002\u2002\u2002\u2002\u2002</w:t></w:r>" if kind == "FORMTEXT" else "")
    return (f'<w:bookmarkStart w:id="{len(name)}" w:name="{name}"/><w:r><w:fldChar w:fldCharType="begin">'
            f'<w:ffData><w:name w:val="{name}"/><w:enabled/><w:calcOnExit w:val="0"/>{data}</w:ffData>'
            f'</w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> {kind} </w:instrText></w:r>{result}'
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r><w:bookmarkEnd w:id="{len(name)}"/>')


def test_legacy_form_fields_named_by_their_bookmark_are_filled_and_ticked(world):
    body = "".join((
        p(r("Datum: "), form_field("Datum_POPgesprek")),
        p(r("Nog in te vullen: "), form_field("Tekst1")),  # Word's own name: left for the pen
        p(form_field("Reis_ja", "FORMCHECKBOX"), r(" reis"), form_field("Coaching_past_plus", "FORMCHECKBOX"),
          r(" coaching")),
    ))
    data = zoe_download(world, word_document(body))
    document = part(data)
    assert f"Datum: {POP_TALK}" in paragraphs(document)
    assert "Nog in te vullen: \u2002\u2002\u2002\u2002\u2002" in paragraphs(document)
    boxes = {f.find("w:name", NS).get(f"{{{W}}}val"): f.find("w:checkBox/w:checked", NS)
             for f in document.iter(f"{{{W}}}ffData") if f.find("w:checkBox", NS) is not None}
    assert boxes["Reis_ja"].get(f"{{{W}}}val") == "1"
    assert boxes["Coaching_past_plus"].get(f"{{{W}}}val") == "0"  # coaching past is "–" for Zoë


# ---------------------------------------------------------------- the names HR types


@pytest.mark.parametrize("name, path", [
    ("Naam", "medewerker_naam"), ("NAAM", "medewerker_naam"), ("Afdeling", "medewerker_afdeling"),
    ("Functie", "medewerker_functie"), ("Leidinggevende", "leidinggevende_naam"),
    ("Functie_leidinggevende", "leidinggevende_functie"), ("Periode", "plan.periode"),
    ("Datum POP-gesprek", "datum_pop_gesprek"), ("Datum_POPgesprek", "datum_pop_gesprek"),
    ("datum pop gesprek", "datum_pop_gesprek"), ("medewerker.naam", "medewerker.naam"),
    ("medewerker.afdeling", "medewerker.afdeling"), ("E-mail", "medewerker.email"),
    ("Meer doen", "meer_doen"), ("Hoe ziet uw werk er over 3 jaar uit?", "werk_over_3_jaar"),
    ("Akkoord medewerker datum", "akkoord_medewerker.datum"), ("Coaching past", "on_the_job.coaching.past"),
    ("Coaching past +", "on_the_job.coaching.past_plus"), ("coaching.ligt=min", "on_the_job.coaching.ligt_min"),
    ("Zelfstudie ligt +/-", "off_the_job.zelfstudie.ligt_matig"), ("Reis ja", "kosten.reis.van_toepassing_ja"),
    ("evaluatie_optie=achteraf", "evaluatie_optie_achteraf"),
    ("Personeelsnummer", None), ("Datum", None), ("Kwaliteiten", None),
])
def test_names_hr_types_mean_the_placeholders_of_the_form(name, path):
    from exports.field_names import resolve
    assert resolve(name, FORM) == path


def test_suggestions_go_by_meaning_and_say_nothing_for_what_the_form_lacks():
    from exports.field_names import suggest, why_unknown
    assert suggest("naam", FORM)[0] == "medewerker.naam"
    assert "leidinggevende.functie" in suggest("functie van de leidinggevende", FORM)
    assert suggest("personeelsnummer", FORM) == []
    assert why_unknown("Personeelsnummer", FORM) == "‘personeelsnummer’ bestaat niet in dit formulier."
    assert set(suggest("Datum", FORM)) <= {"datum_pop_gesprek", "akkoord_medewerker.datum",
                                           "akkoord_leidinggevende.datum", "volgend_gesprek_datum"}


def test_the_question_a_placeholder_belongs_to():
    # For the report's list of questions the template leaves out: an option or checkbox counts for its question.
    from exports.field_names import question_of
    assert question_of("on_the_job.coaching.past_plus", FORM) == "on_the_job"
    assert question_of("evaluatie_optie_achteraf", FORM) == "evaluatie_optie"
    assert question_of("evaluatie_optie_vakjes", FORM) == "evaluatie_optie"
    assert question_of("akkoord_medewerker.datum", FORM) == "akkoord_medewerker"
    assert question_of("medewerker.naam", FORM) is None
