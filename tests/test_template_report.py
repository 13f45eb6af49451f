"""The upload check as HR meets it: a refusal says in Dutch what is wrong, where, and what to write
instead (never Jinja's English); an accepted upload leads to its report page with every field found and
where, the questions it leaves out, the notes, and the filled-in demo plan shown in the page; and every
upload is tried on the extremes a real plan reaches before it is accepted."""
import io
import json
import re

import lxml.html
import pytest
from docx import Document

from conftest import text_of
from export_support import FORM, docx_bytes, simple_docx, upload, use_database, world  # noqa: F401
from export_support import _no_templates  # noqa: F401 - autouse: no template left behind
from exports.pdf import preview as preview_pages
from pop.models import ExportTemplate

ENGLISH = re.compile(r"\b(unexpected|expected|token|undefined|attribute|object|Jinja|block|tag|"
                     r"iterable|template|statement|None|Traceback)\b")


@pytest.fixture
def hr(world):
    return world.client("hr")


def refusal(hr, data: bytes, name="sjabloon.docx") -> str:
    response = upload(hr, data, name)
    assert response.status_code == 422, text_of(response)[:1500]
    found = lxml.html.fromstring(response.get_data(as_text=True)).xpath('//*[@id="file-error"]')
    assert found, "no message next to the upload field"
    message = " ".join(found[0].text_content().split())
    assert not ENGLISH.search(message), f"English in the message: {message}"
    return message


def stored(world) -> list:
    with world.app.app_context():
        return list(ExportTemplate.select())


def word_with(header: str = "", footer: str = "", paragraphs=(), table=None) -> bytes:
    doc = Document()
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    if footer:
        doc.sections[0].footer.paragraphs[0].text = footer
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    return docx_bytes(doc)


# ---------------------------------------------------------------- refusals: what, where, what instead

REFUSED = {
    "name that does not exist, no near miss": (
        word_with(paragraphs=["Personeelsnummer: {{ personeelsnummer }}"]),
        ["{{ personeelsnummer }}", "hoofdtekst, alinea 1", "‘personeelsnummer’ bestaat niet in dit formulier"],
        ["achternaam"]),
    "typing slip gets the near name": (
        word_with(paragraphs=["{{ medewerker.nam }}"]),
        ["Onbekende plaatshouder {{ medewerker.nam }}", "Bedoelt u {{ medewerker.naam }}?"], []),
    "capital first letter": (
        word_with(table=[["Naam", "{{ Medewerker.naam }}"]]),
        ["{{ Medewerker.naam }} in de hoofdtekst, tabel 1, rij 1", "kleine letters",
         "{{ medewerker.naam }}"], []),
    "row column outside its loop": (
        word_with(table=[["Sterk"], ["{{ r.sterk }}"]]),
        ["{{ r.sterk }} in de hoofdtekst, tabel 1, rij 2", "buiten de rij-lus",
         "{%tr for r in kwaliteiten %}", "{%tr endfor %}"], []),
    "a whole table printed as text": (
        word_with(paragraphs=["Kwaliteiten: {{ kwaliteiten }}"]),
        ["{{ kwaliteiten }}", "hele tabel", "{%tr for r in kwaliteiten %}", "{{ r.sterk }}"], []),
    "a group printed as text": (
        word_with(footer="{{ medewerker }}"),
        ["{{ medewerker }} in de voettekst", "groep van antwoorden", "{{ medewerker.naam }}"], []),
    "a loop over rows closed without tr": (
        # The mistake of the issue: accepted before, after which every plan's .docx was corrupt.
        word_with(table=[["{% for r in kwaliteiten %}"], ["{{ r.sterk }}"], ["{% endfor %}"]]),
        ["{% for r in kwaliteiten %} (de hoofdtekst, tabel 1, rij 1)",
         "{% endfor %} (de hoofdtekst, tabel 1, rij 3)", "verschillende alinea's of tabelrijen",
         "{%tr"], []),
    # (An if over two paragraphs side by side keeps the XML whole and is accepted, as docxtpl does:
    # tests/test_docxtpl_compat.py.) From a paragraph into a table it is not.
    "an if from a paragraph into a table": (
        word_with(paragraphs=["{% if meer_doen %}Meer doen:"], table=[["{{ meer_doen }}{% endif %}"]]),
        ["(de hoofdtekst, alinea 1, bij ‘Meer doen:’)", "(de hoofdtekst, tabel 1, rij 1)", "{%p"], []),
    "an end without its start": (
        word_with(paragraphs=["{{ meer_doen }}", "{% endif %}"]),
        ["{% endif %} in de hoofdtekst, alinea 2 heeft geen {% if … %} ervoor"], []),
    "two {%p %} in one paragraph": (
        # docxtpl keeps only the last of them, so Jinja saw a lone {% endif %}: that was the message.
        word_with(paragraphs=["Inleiding", "{%p if meer_doen %}Meer doen: {{ meer_doen }}{%p endif %}"]),
        ["{%p if meer_doen %} en {%p endif %} staan samen in één alinea (de hoofdtekst, alinea 2, "
         "bij ‘Meer doen:’)", "Zet elk in een eigen alinea"], ["heeft geen"]),
    "a row loop opened and closed in one row": (
        word_with(table=[["{%tr for r in kwaliteiten %}", "{{ r.sterk }} {%tr endfor %}"]]),
        ["{%tr for r in kwaliteiten %} en {%tr endfor %} staan samen in één tabelrij (de hoofdtekst, "
         "tabel 1, rij 1", "Zet elk in een eigen tabelrij"], ["heeft geen"]),
    "space inside a name": (
        word_with(paragraphs=["{{ medewerker naam }}"]),
        ["{{ medewerker naam }} in de hoofdtekst, alinea 1", "spatie midden in een naam"], []),
    "unknown instruction": (
        word_with(paragraphs=["{% herhaal kwaliteiten %}"]),
        ["{% herhaal kwaliteiten %} in de hoofdtekst, alinea 1 is geen opdracht"], []),
    "no field at all": (
        # (A form with places to write, "Naam: ______", goes to the blank-form proposal instead:
        # tests/test_blank_forms.py.)
        word_with(paragraphs=["Persoonlijk ontwikkelplan", "Bespreek dit plan met uw leidinggevende."]),
        ["geen enkel veld", "samenvoegvelden", "inhoudsbesturingselementen"], []),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_mistake_is_refused_saying_what_where_and_what_instead(world, hr, case):
    data, phrases, absent = REFUSED[case]
    message = refusal(hr, data)
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} not in {message!r}"
    for phrase in absent:
        assert phrase not in message, f"{phrase!r} should not be in {message!r}"
    assert stored(world) == []


def tracked_change(data: bytes) -> bytes:
    """The same document with one insertion left as a tracked change, as Word writes it."""
    import zipfile
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = content.replace(
                    b"<w:body>", b'<w:body><w:p><w:ins w:id="1" w:author="HR" w:date="2026-11-30T10:00:00Z">'
                    b'<w:r><w:t>Toegevoegd</w:t></w:r></w:ins></w:p>', 1)
            target.writestr(info, content)
    return out.getvalue()


def test_tracked_changes_must_be_accepted_first(world, hr):
    message = refusal(hr, tracked_change(word_with(paragraphs=["{{ medewerker.naam }}"])))
    assert "bijgehouden wijzigingen" in message and "Alle wijzigingen accepteren" in message
    assert "hoofdtekst" in message
    assert stored(world) == []


# ---------------------------------------------------------------- tried on the extremes

EXTREMES = {
    # Fine for the demo plan's three rows of qualities, division by zero at the row limit (20).
    "a plan at every limit": ("{{ 100 // (20 - kwaliteiten|length) }} {{ medewerker.naam }}",
                              "Ingevuld met een plan waarin alles tot het maximum is ingevuld"),
    # Fine when 'Meer doen' is answered, division by zero for a plan where nothing is.
    "an empty plan": ("{{ 100 // (meer_doen|length) }} {{ medewerker.naam }}",
                      "Ingevuld met een leeg plan"),
}


@pytest.mark.parametrize("case", list(EXTREMES))
def test_an_upload_is_tried_on_the_extremes_of_real_plans(world, hr, case):
    text, phrase = EXTREMES[case]
    message = refusal(hr, simple_docx(text))
    assert phrase in message and "deelt door nul" in message, message
    assert stored(world) == []


# ---------------------------------------------------------------- the report page

def report_page(hr, response):
    assert response.status_code == 302, text_of(response)[:1500]
    location = response.headers["Location"]
    assert re.search(r"/sjablonen/\d+$", location), location
    page = hr.get(location)
    assert page.status_code == 200
    return page, text_of(page)


def test_an_accepted_upload_leads_to_its_report(world, hr):
    data = word_with(header="POP {{ plan.periode }} – {{ medewerker.naam }}",
                     paragraphs=["Meer doen: {{ meer_doen }}", "Let op: { medewerker.afdeling }",
                                 "{% if on_the_job.coaching.past == 'Ja' %}coaching{% endif %}"],
                     table=[["Sterk", "Verbeter"], ["{{ kwaliteiten[0].sterk }}", "{{ kwaliteiten[0].verbeter }}"]])
    page, text = report_page(hr, upload(hr, data, "Huisstijl.docx"))
    assert "Controle van ‘Huisstijl.docx’" in text and "Niet actief" in text
    rows = [tuple(" ".join(td.text_content().split()) for td in tr.xpath("td")) for tr in
            lxml.html.fromstring(page.get_data(as_text=True)).xpath(
                '//section[h2[@id="kop-gevonden"]]//tbody/tr')]
    assert ("{{ plan.periode }}", "de koptekst, bij ‘POP –’") in rows, rows
    assert ("{{ meer_doen }}", "de hoofdtekst, alinea 1, bij ‘Meer doen:’") in rows, rows
    assert ("{{ kwaliteiten[0].verbeter }}", "de hoofdtekst, tabel 1, rij 2") in rows, rows
    # Notes that do not refuse: single braces, a comparison that is never true.
    assert ("{ medewerker.afdeling } in de hoofdtekst, alinea 2, bij ‘Let op: { medewerker.afdeling }’ "
            "staat tussen enkele accolades") in text
    assert "vergeleken met “Ja”, maar die waarde komt nooit voor" in text and "“+”, “±”, “–”" in text
    # The questions it leaves out, by their labels.
    unused = text.split("Vragen die het sjabloon niet gebruikt")[1]
    assert "Wat ga ik ontwikkelen?" in unused or "Ontwikkeldoelen" in unused
    assert "Meer doen" not in unused.split("Voorbeeld: het demoplan ingevuld")[0]
    # The preview in the page: pictures of its pages when LibreOffice is there, else its text.
    html = page.get_data(as_text=True)
    if preview_pages.available():
        sources = re.findall(r'<img src="([^"]+/voorbeeld/\d+\.png)"', html)
        assert sources, "no preview pages in the report"
        picture = hr.get(sources[0])
        assert picture.status_code == 200 and picture.mimetype == "image/png"
        assert picture.data[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert "Eva Visser" in text.split("Voorbeeld: het demoplan ingevuld")[1]


def test_a_paragraph_instruction_is_placed_at_its_own_paragraph(world, hr):
    # docxtpl takes a {%p %}'s paragraph away: its place was the text of the paragraphs before and
    # after it run together, and neither it nor an empty paragraph was counted.
    data = word_with(paragraphs=["Inleiding", "", "{%p if meer_doen %}", "Meer doen: {{ meer_doen }}",
                                 "{%p endif %}", "Slot: {{ medewerker.naam }}"])
    page, _ = report_page(hr, upload(hr, data, "Alinea.docx"))
    rows = [tuple(" ".join(td.text_content().split()) for td in tr.xpath("td")) for tr in
            lxml.html.fromstring(page.get_data(as_text=True)).xpath(
                '//section[h2[@id="kop-gevonden"]]//tbody/tr')]
    assert ("{% if meer_doen %}", "de hoofdtekst, alinea 3, bij ‘Meer doen:’") in rows, rows
    assert ("{{ meer_doen }}", "de hoofdtekst, alinea 4, bij ‘Meer doen:’") in rows, rows
    assert ("{{ medewerker.naam }}", "de hoofdtekst, alinea 6, bij ‘Slot:’") in rows, rows


def test_the_report_is_made_for_a_template_uploaded_before_reports_existed(world, hr):
    response = upload(hr, simple_docx("Naam: {{ medewerker.naam }}"), "oud.docx")
    assert response.status_code == 302
    template = stored(world)[0]
    with world.app.app_context():  # as m0006 leaves a template of before
        ExportTemplate.update(report=None, preview=None).where(ExportTemplate.id == template.id).execute()
    page = hr.get(f"/sjablonen/{template.id}")
    assert page.status_code == 200
    assert "{{ medewerker.naam }}" in text_of(page)
    again = stored(world)[0]
    assert json.loads(again.report)["found"][0][0] == "{{ medewerker.naam }}"
    preview = hr.get(f"/sjablonen/{template.id}/voorbeeld")
    assert preview.status_code == 200
    assert "Naam: Eva Visser" in [p.text for p in Document(io.BytesIO(preview.data)).paragraphs]


def test_the_report_is_for_hr_only(world, hr):
    assert upload(hr, simple_docx("{{ medewerker.naam }}"), "a.docx").status_code == 302
    template = stored(world)[0]
    for who in ("zoe", "m1"):
        client = world.client(who)
        for path in (f"/sjablonen/{template.id}", f"/sjablonen/{template.id}/voorbeeld",
                     f"/sjablonen/{template.id}/voorbeeld/1.png"):
            response = client.get(path)
            assert response.status_code == 403, (who, path, response.status_code)
    assert hr.get("/sjablonen/999999").status_code == 404
    assert hr.get(f"/sjablonen/{template.id}/voorbeeld/99.png").status_code == 404


def test_the_template_list_links_to_each_report(world, hr):
    assert upload(hr, simple_docx("{{ medewerker.naam }}"), "b.docx").status_code == 302
    template = stored(world)[0]
    html = hr.get("/sjablonen").get_data(as_text=True)
    assert f'href="/sjablonen/{template.id}"' in html


def test_every_unused_question_is_named_by_its_label(world, hr):
    response = upload(hr, simple_docx("{{ medewerker.naam }} {{ meer_doen }}"), "c.docx")
    _, text = report_page(hr, response)
    unused = text.split("Vragen die het sjabloon niet gebruikt")[1].split("Voorbeeld: het demoplan")[0]
    labels = [f.label.rstrip(":") for f in FORM.fields if f.key != "meer_doen"]
    missing = [label for label in labels if label not in unused]
    assert not missing, missing
    assert f"({len(labels)})" in text


def workbook_with(cells: dict) -> bytes:
    from openpyxl import Workbook
    workbook = Workbook()
    workbook.active.title = "POP"
    for where, value in cells.items():
        workbook.active[where] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("cells, phrases", [
    ({"A1": "Naam", "B1": "{{ naam_medewerker }}"}, ["cel POP!B1", "{{ naam_medewerker }}"]),
    ({"B2": "{{ medewerker.naam }"}, ["POP!B2", "niet goed afgesloten"]),
    ({"C3": "{{ kwaliteiten }}"}, ["cel POP!C3", "hele tabel"]),
], ids=["unknown name", "unclosed", "whole table"])
def test_an_excel_mistake_names_its_cell_in_dutch(world, hr, cells, phrases):
    message = refusal(hr, workbook_with(cells), "sjabloon.xlsx")
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} not in {message!r}"
    assert stored(world) == []


def test_a_name_hr_would_type_is_suggested_by_meaning(world, hr):
    message = refusal(hr, simple_docx("{{ naam }}"))
    assert "Bedoelt u {{ medewerker_naam }}?" in message, message


def test_comparisons_that_can_be_true_get_no_note(world, hr):
    # As the marks compare (exports/context.Mark): "-" for "–", the stored value, any case.
    lines = ['{% if on_the_job.coaching.past == "-" %}a{% endif %}',
             '{% if on_the_job.coaching.past == "min" %}b{% endif %}',
             '{% if evaluatie_optie == "Achteraf" %}c{% endif %}{{ medewerker.naam }}']
    _, text = report_page(hr, upload(hr, simple_docx(*lines), "vergelijk.docx"))
    assert "vergeleken met" not in text
    assert "Niets bijzonders" in text


def test_a_filter_the_sandbox_removed_is_named_in_dutch(world, hr):
    message = refusal(hr, simple_docx("{{ medewerker.naam|center(80) }}"))
    assert "‘center’" in message and "hoofdtekst, alinea 1" in message, message


def test_one_time_limit_covers_every_trial_plan(world, hr, monkeypatch):
    # The reading and every trial plan go to the child in one call, under one time limit.
    calls = []
    from exports.uploads import isolation
    real = isolation.inspect_upload

    def counting(data, fmt, form_key, contexts):
        calls.append(len(contexts))
        return real(data, fmt, form_key, contexts)
    monkeypatch.setattr(isolation, "inspect_upload", counting)
    assert upload(hr, simple_docx("{{ medewerker.naam }}"), "een.docx").status_code == 302
    assert len(calls) == 1 and calls[0] >= 3, calls


def test_reading_a_hostile_upload_is_bounded_by_the_childs_time_limit(world, hr):
    # docxtpl's clean-up of 8.000 braces before a long text took minutes in the server process.
    saved = world.app.config["POP_TEMPLATE_CHECK_TIMEOUT"]
    world.app.config["POP_TEMPLATE_CHECK_TIMEOUT"] = 2
    try:
        import time
        started = time.monotonic()
        message = refusal(hr, simple_docx("{{ medewerker.naam }}", "{" * 8000 + "a" * 1_000_000))
        assert time.monotonic() - started < 15
        assert "De controle van het sjabloon" in message and "langer dan 2 seconden" in message, message
        assert "voorbeeldplan gaat het mis" not in message  # no plan to blame: it was the reading
    finally:
        world.app.config["POP_TEMPLATE_CHECK_TIMEOUT"] = saved
    assert stored(world) == []
