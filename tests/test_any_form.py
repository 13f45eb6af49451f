"""Adding a form needs no change outside forms/: a tiny form, defined here and nowhere else, goes through
the web form, storage, the cycle, the overview and print view, HR's lists, the Word and Excel exports
(default layout and an uploaded template), the placeholder help, the default templates and the bulk
export, side by side with a plan of the extended form.

The tiny form deliberately shares nothing with the extended one: other part keys (no 'fase-1'), other
field keys (no 'ontwikkeldoelen', no 'akkoord_medewerker'), no goals or next-talk field, no progress
part, and its manager's signature before the employee's. Whatever assumes the extended form fails here.
"""
import datetime as dt
import io
import re
import zipfile

import pytest
from docx import Document

import forms
from conftest import text_of
from export_support import (DOCX_MIME, XLSX_MIME, all_docx_text, body_tables, rows_text, workbook_of)
from forms.definition import FormDefinition, Part, Section
from forms.kinds import Choice, Info, LongText, Signature, Table, Text
from pop import answers
from pop.models import ExportJob, Person, Plan, PlanVersion
from support import as_post, doc, shown_values, stored

KEY = "proef-mini"
TITLE = "Proefformulier Mini (alleen voor de test)"
SHORT = "Mini-proef"

TINY = FormDefinition(
    key=KEY, title=TITLE, short_title=SHORT,
    parts=(
        Part(key="wie", title="Mini: wie en wat", nav_title="Wie", sections=(
            Section("Over u", items=(
                Text("mini_naam", "Uw naam:", prefill="employee.naam"),
                Text("mini_rol", "Uw rol in het team:"),
            )),
        )),
        Part(key="mini-plan", title="Mini: het plan", nav_title="Plan", sections=(
            Section("Wat gaat u doen?", items=(
                Info(text="Schrijf kort op wat u het komende jaar wilt leren."),
                LongText("mini_aanpak", "Hoe pakt u het aan?"),
                Table("mini_stappen", "Stappen", min_rows=2, rows_word="stappen",
                      add_label="Stap toevoegen", columns=(
                          Text("stap", "Stap"),
                          Text("wanneer", "Wanneer"),
                      )),
                Choice("mini_tempo", "In welk tempo?", options=(
                    ("snel", "Snel, binnen een kwartaal"),
                    ("rustig", "Rustig, over het hele jaar"),
                )),
            )),
        )),
        Part(key="mini-terugblik", cycle="evaluatie", title="Mini: terugblik", nav_title="Terugblik",
             sections=(Section("Terugblik", items=(
                 LongText("mini_geleerd", "Wat heeft u geleerd?"),
             )),)),
        Part(key="mini-akkoord", cycle="afronding", title="Mini: akkoord", nav_title="Akkoord",
             sections=(Section("Handtekeningen", items=(
                 # The manager's line first: an export taking "the first signature" as the employee's
                 # gets it wrong.
                 Signature("mini_ok_baas", "Gezien en akkoord, leidinggevende", signer="manager"),
                 Signature("mini_ok_zelf", "Gezien en akkoord, medewerker", signer="employee"),
             )),)),
    ),
)

AANPAK = "Eerst lezen, dan oefenen.\nDaarna =SOM(A1) als tekst & <b>niet</b> vet."
STEPS = [("Cursus Excel volgen", "maart"), ("Zelf een draaitabel maken", "juni")]
GELEERD = "Draaitabellen maken en uitleggen aan collega’s."
ROL = "Teamlid @ planning"


def _caches():
    """Everything that keeps a form's definition (or what is made from it) by form key."""
    from exports import templates
    from exports.word import default as word_default
    from exports.excel import default_template as xlsx_default_template
    from forms import web
    return [web.part_form_class, word_default.default_docx_template,
            xlsx_default_template.default_xlsx_template, templates.compiled_default_docx]


@pytest.fixture
def tiny(app, monkeypatch, tmp_path):
    """The tiny form registered as forms/__init__.py registers a form, for this test only."""
    assert KEY not in forms.FORMS
    monkeypatch.setitem(forms.FORMS, KEY, TINY)
    for cache in _caches():
        cache.cache_clear()
    app.instance_path = str(tmp_path / "instance")
    (tmp_path / "instance").mkdir()
    yield TINY
    for cache in _caches():
        cache.cache_clear()


def _person_id(app, email):
    with app.app_context():
        return Person.get(Person.email == email).id


def _state(app, plan_id):
    with app.app_context():
        return Plan.get_by_id(plan_id).status


def _new_tiny_plan(app, org, anna, period="2027") -> int:
    page = anna.get("/plans/nieuw")
    assert page.status_code == 200
    options = {o.get("value"): o.text_content().strip()
               for o in doc(page).xpath('//select[@name="form_key"]/option')}
    assert options.get(KEY) == f"{SHORT}: {TITLE}", options  # told apart by its short name
    response = anna.post("/plans/nieuw", data={"employee": _person_id(app, org["a"]), "form_key": KEY,
                                               "period": period})
    assert response.status_code == 302, text_of(response)[:1500]
    match = re.fullmatch(r"/plans/(\d+)/wie", response.headers["Location"])
    assert match, response.headers["Location"]  # the form's own first part, not 'gegevens'
    plan_id = int(match.group(1))
    with app.app_context():
        plan = Plan.get_by_id(plan_id)
        assert (plan.form_key, plan.period, plan.status) == (KEY, period, "voorbereiding")
    return plan_id


def _save(client, plan_id, part_key, data):
    shown = as_post(shown_values(client.get(f"/plans/{plan_id}/{part_key}")))
    response = client.post(f"/plans/{plan_id}/{part_key}", data={**shown, **data, "go": "stay"})
    assert response.status_code == 302, (part_key, response.status_code, text_of(response)[:2000])
    return response


def _fill_plan_parts(app, anna, plan_id):
    page = anna.get(f"/plans/{plan_id}/wie")
    assert page.status_code == 200
    assert "Mini: wie en wat" in text_of(page) and "Uw rol in het team:" in text_of(page)
    assert shown_values(page)["mini_naam"] == "Anna Alfa"  # the prefill of employee.naam
    _save(anna, plan_id, "wie", {"mini_rol": ROL})

    page = anna.get(f"/plans/{plan_id}/mini-plan")
    body = text_of(page)
    for text in ("Mini: het plan", "Schrijf kort op wat u het komende jaar wilt leren.",
                 "Hoe pakt u het aan?", "Stappen", "In welk tempo?", "Snel, binnen een kwartaal",
                 "Rustig, over het hele jaar"):
        assert text in body, text
    # A choice no page offers is refused with the Dutch message, and what was typed stays.
    response = anna.post(f"/plans/{plan_id}/mini-plan", data={
        "mini_aanpak": "Niet kwijtraken", "mini_tempo": "heel-snel", "go": "stay"})
    assert response.status_code == 422
    assert "Deze keuze staat niet op het formulier." in text_of(response)
    assert "Niet kwijtraken" in response.get_data(as_text=True)
    assert stored(app, plan_id)["mini_aanpak"] == ""

    data = {"mini_aanpak": AANPAK, "mini_tempo": "rustig"}
    for index, (stap, wanneer) in enumerate(STEPS):
        data[f"mini_stappen-{index}-stap"] = stap
        data[f"mini_stappen-{index}-wanneer"] = wanneer
    _save(anna, plan_id, "mini-plan", data)
    values = stored(app, plan_id)
    assert values["mini_rol"] == ROL and values["mini_aanpak"] == AANPAK
    assert values["mini_stappen"] == [{"stap": s, "wanneer": w} for s, w in STEPS]
    assert values["mini_tempo"] == "rustig"
    assert values["mini_ok_zelf"] is None and values["mini_ok_baas"] is None
    # What was saved is what the page shows again.
    page = anna.get(f"/plans/{plan_id}/mini-plan")
    shown = shown_values(page)
    assert shown["mini_stappen-1-stap"] == STEPS[1][0] and shown["mini_tempo"] == "rustig"
    assert shown["mini_aanpak"] == AANPAK
    assert "&lt;b&gt;niet&lt;/b&gt;" in page.get_data(as_text=True)  # text, not markup


def _agree(app, anna, marco, plan_id):
    assert anna.post(f"/plans/{plan_id}/stap/delen", data={}).status_code == 302
    assert _state(app, plan_id) == "ontwikkelgesprek"
    # The manager reads the shared plan as a document: the steps as text, no form (issue 15).
    page = marco.get(f"/plans/{plan_id}/mini-plan")
    assert STEPS[0][0] in text_of(page) and not doc(page).xpath('//form[contains(@class, "paper-form")]')
    # Each signs their own line only: the employee's post of the manager's box does nothing.
    _save(anna, plan_id, "mini-akkoord", {"mini_ok_zelf": "y", "mini_ok_baas": "y"})
    values = stored(app, plan_id)
    assert values["mini_ok_zelf"]["naam"] == "Anna Alfa" and values["mini_ok_baas"] is None
    assert _state(app, plan_id) == "ontwikkelgesprek"
    # The manager's to-do list points at this form's akkoord part; a reminder would go to him.
    todo = [(a.text_content().strip(), a.get("href")) for a in doc(marco.get("/")).xpath("//a")
            if "Geef uw akkoord op het POP van Anna Alfa" in a.text_content()]
    assert todo and all(href == f"/plans/{plan_id}/mini-akkoord" for _, href in todo), todo
    from pop import reminders
    with app.app_context():
        due = [d for d in reminders.pending(dt.date.today() + dt.timedelta(days=30), akkoord_days=3)
               if d.plan.id == plan_id]
        assert [(d.kind, [p.email for p in d.to]) for d in due] == [("akkoord", ["m1@test.nl"])]
    response = _save(marco, plan_id, "mini-akkoord", {"mini_ok_baas": "y"})
    assert stored(app, plan_id)["mini_ok_baas"]["naam"] == "Marco Een"
    assert _state(app, plan_id) == "vastgesteld"
    assert "het POP is vastgesteld (versie 1)" in text_of(marco.get(response.headers["Location"]))
    with app.app_context():
        assert [v.number for v in PlanVersion.select().where(PlanVersion.plan == plan_id)] == [1]


def _evaluate(app, anna, marco, plan_id):
    # No progress part in this form: from vastgesteld straight to the evaluation.
    assert anna.post(f"/plans/{plan_id}/stap/evalueren", data={}).status_code == 302
    assert _state(app, plan_id) == "evaluatie"
    response = marco.post(f"/plans/{plan_id}/stap/afronden", data={})
    assert "Nog leeg: Wat heeft u geleerd?" in text_of(marco.get(response.headers["Location"]))
    assert _state(app, plan_id) == "evaluatie"
    _save(anna, plan_id, "mini-terugblik", {"mini_geleerd": GELEERD})
    marco.post(f"/plans/{plan_id}/stap/afronden", data={})
    assert _state(app, plan_id) == "afgerond"


def test_a_tiny_form_goes_through_the_whole_cycle_over_http(app, org, login, tiny):
    anna, marco, hr = login(org["a"]), login(org["m1"]), login(org["hr"])
    plan_id = _new_tiny_plan(app, org, anna)
    # The navigation is the tiny form's own parts.
    nav = text_of(anna.get(f"/plans/{plan_id}/wie"))
    assert all(title in nav for title in ("Wie", "Plan", "Terugblik", "Akkoord"))
    assert "Fase I" not in nav
    _fill_plan_parts(app, anna, plan_id)
    _agree(app, anna, marco, plan_id)
    # Agreed: the plan part is frozen for the employee.
    response = anna.post(f"/plans/{plan_id}/mini-plan", data={"mini_aanpak": "Anders", "go": "stay"})
    assert response.status_code == 403 and stored(app, plan_id)["mini_aanpak"] == AANPAK
    # The manager's reaction on a part of this form, kept under that part.
    response = marco.post(f"/plans/{plan_id}/mini-plan/reactie", data={"reactie": "Mooi plan, Anna."})
    assert response.status_code == 302
    assert "Mooi plan, Anna." in anna.get(f"/plans/{plan_id}/mini-plan").get_data(as_text=True)
    assert "Mooi plan, Anna." not in anna.get(f"/plans/{plan_id}/wie").get_data(as_text=True)
    # No next-talk field in this form: no calendar invitation, and no error either.
    assert anna.get(f"/plans/{plan_id}/volgend-gesprek.ics").status_code == 404
    # Bijstellen clears this form's own signatures; agreed again, version 2 is kept beside version 1.
    response = marco.post(f"/plans/{plan_id}/stap/bijstellen", data={})
    assert "Versie 2 staat open voor bijstellen" in text_of(marco.get(response.headers["Location"]))
    values = stored(app, plan_id)
    assert values["mini_ok_zelf"] is None and values["mini_ok_baas"] is None
    _save(anna, plan_id, "mini-plan", {"mini_aanpak": "Versie twee van de aanpak"})
    _save(anna, plan_id, "mini-akkoord", {"mini_ok_zelf": "y"})
    _save(marco, plan_id, "mini-akkoord", {"mini_ok_baas": "y"})
    assert _state(app, plan_id) == "vastgesteld"
    page = anna.get(f"/plans/{plan_id}/versies/1")
    assert page.status_code == 200 and "Eerst lezen, dan oefenen." in text_of(page)
    old = anna.get(f"/plans/{plan_id}/versies/1/download.docx")
    assert old.status_code == 200 and "Eerst lezen, dan oefenen." in all_docx_text(Document(io.BytesIO(old.data)))
    page = marco.get(f"/plans/{plan_id}/vergelijken?van=1&naar=2")
    changed = re.findall(r'<tr class="changed">(.*?)</tr>', page.get_data(as_text=True), re.S)
    assert len(changed) == 1 and "Hoe pakt u het aan?" in changed[0] and "Versie twee" in changed[0]
    _evaluate(app, anna, marco, plan_id)

    # The overview: the form's parts, the status, no trace of the extended form.
    page = anna.get(f"/plans/{plan_id}")
    assert page.status_code == 200
    body = text_of(page)
    for text in ("Mini: wie en wat", "Mini: het plan", "Mini: terugblik", "Mini: akkoord", "Afgerond"):
        assert text in body, text
    assert "Fase I" not in body and "Ontwikkeldoelen" not in body
    # The print view holds every answer under its question.
    page = hr.get(f"/plans/{plan_id}/afdrukken")
    assert page.status_code == 200
    body = text_of(page)
    for text in ("Uw rol in het team:", ROL, "Versie twee van de aanpak", STEPS[0][0],
                 STEPS[1][1], "Rustig, over het hele jaar", GELEERD, "Anna Alfa", "Marco Een",
                 "Gezien en akkoord, leidinggevende"):
        assert text in body, text
    assert "Eerst lezen" not in body  # version 1's answer, replaced

    # HR's list of all plans names the tiny form for this plan and the extended one for the others.
    page = hr.get("/")
    rows = doc(page).xpath('//table[contains(@class, "list")]//tr[td]')
    forms_by_period = {tuple(td.text_content().strip() for td in row.xpath("td"))[2:4]: True
                       for row in rows}
    assert ("2027", SHORT) in forms_by_period and ("2026", "POP (uitgebreid)") in forms_by_period
    rows = doc(hr.get("/?periode=2027")).xpath(
        '//table[contains(@class, "list")][.//th[normalize-space()="Formulier"]]//tr[td]')
    assert [row.xpath("td")[3].text_content().strip() for row in rows] == [SHORT]
    # HR reads the plan's log.
    page = hr.get(f"/plans/{plan_id}/logboek")
    assert page.status_code == 200 and "Mini: het plan" in text_of(page)

    # The next cycle goes on in the same form, with this plan's evaluation beside it.
    response = anna.post(f"/plans/{plan_id}/stap/nieuw", data={})
    assert response.status_code == 302
    with app.app_context():
        new = Plan.get(Plan.previous == plan_id)
        assert (new.form_key, new.period, new.status) == (KEY, "2028", "voorbereiding")
    assert response.headers["Location"] == f"/plans/{new.id}/wie"
    page = text_of(anna.get(response.headers["Location"]))
    assert "Ter referentie: het vorige POP (2027)" in page and GELEERD in page


def _filled_tiny_plan(app, org, login):
    anna, marco = login(org["a"]), login(org["m1"])
    plan_id = _new_tiny_plan(app, org, anna)
    _fill_plan_parts(app, anna, plan_id)
    _agree(app, anna, marco, plan_id)
    return plan_id, anna, marco


def test_the_word_and_excel_downloads_of_a_tiny_plan(app, org, login, tiny):
    plan_id, anna, marco = _filled_tiny_plan(app, org, login)
    response = marco.get(f"/plans/{plan_id}/download.docx")
    assert response.status_code == 200 and response.mimetype == DOCX_MIME
    document = Document(io.BytesIO(response.data))
    text = all_docx_text(document)
    for expected in ("Mini: het plan", "Hoe pakt u het aan?", "Eerst lezen, dan oefenen.",
                     "=SOM(A1) als tekst & <b>niet</b> vet.", "Rustig, over het hele jaar", ROL,
                     "Anna Alfa", "Marco Een"):
        assert expected in text, expected
    assert "Ontwikkeldoel" not in text and "Fase I" not in text
    # The steps are a table with the form's column headings, one row per step, in order.
    step_tables = [rows_text(t) for t in body_tables(document)
                   if any("Stap" in c for c in rows_text(t)[0])]
    assert len(step_tables) == 1, [rows_text(t) for t in body_tables(document)]
    table = step_tables[0]
    assert [c.strip() for c in table[0]] == ["Stap", "Wanneer"]
    filled = [[c.strip() for c in row] for row in table[1:] if any(c.strip() for c in row)]
    assert filled == [list(s) for s in STEPS]
    # Each signature with its own signer's name under its own label (side by side, as on paper).
    signed = [rows_text(t) for t in body_tables(document)
              if any("Gezien en akkoord" in c for c in rows_text(t)[0])]
    assert len(signed) == 1
    columns = list(zip(*signed[0]))
    baas = next(c for c in columns if "leidinggevende" in c[0])
    zelf = next(c for c in columns if "medewerker" in c[0])
    assert "Marco Een" in " ".join(baas) and "Anna Alfa" not in " ".join(baas)
    assert "Anna Alfa" in " ".join(zelf) and "Marco Een" not in " ".join(zelf)

    response = anna.get(f"/plans/{plan_id}/download.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX_MIME
    wb = workbook_of(response)
    cells = {(ws.title, c.coordinate): c for ws in wb for row in ws.iter_rows() for c in row
             if c.value is not None}
    by_text = {}
    for (sheet, _), cell in cells.items():
        by_text.setdefault(str(cell.value), []).append((sheet, cell))
    # Question | answer, side by side.
    for question, answer in (("Uw rol in het team:", ROL), ("Hoe pakt u het aan?", AANPAK),
                             ("In welk tempo?", "Rustig, over het hele jaar")):
        assert question in by_text, (question, sorted(by_text)[:80])
        sheet, cell = by_text[question][0]
        right = wb[sheet].cell(row=cell.row, column=cell.column + 1)
        assert right.value == answer, (question, right.value)
    # A formula-like answer stays text.
    aanpak = next(c for s, c in by_text[AANPAK])
    assert aanpak.data_type == "s"
    # The steps table: headings and rows.
    sheet, heading = by_text["Stap"][0]
    ws = wb[sheet]
    assert ws.cell(row=heading.row, column=heading.column + 1).value == "Wanneer"
    for offset, (stap, wanneer) in enumerate(STEPS, start=1):
        assert ws.cell(row=heading.row + offset, column=heading.column).value == stap
        assert ws.cell(row=heading.row + offset, column=heading.column + 1).value == wanneer
    # Signatures: each its signer's name beside its own label.
    for label, name in (("Gezien en akkoord, leidinggevende", "Marco Een"),
                        ("Gezien en akkoord, medewerker", "Anna Alfa")):
        sheet, cell = by_text[label][0]
        assert wb[sheet].cell(row=cell.row, column=cell.column + 1).value == name
    assert not any("Ontwikkeldoel" in t for t in by_text)


def test_template_help_and_default_templates_of_the_tiny_form(app, org, login, tiny):
    hr = login(org["hr"])
    page = hr.get(f"/sjablonen/hulp/{KEY}")
    assert page.status_code == 200
    body = text_of(page)
    for text in ("mini_aanpak", "mini_stappen", "mini_tempo", "mini_ok_zelf", "mini_ok_baas",
                 "Hoe pakt u het aan?", "Mini: het plan"):
        assert text in body, text
    # No placeholder of the extended form is listed (the page's general examples still name some:
    # see test_the_help_page_explains_with_the_forms_own_questions).
    for other in ("meer_doen", "pop_wat", "akkoord_medewerker", "Fase I: Zelfanalyse"):
        assert other not in body, other
    # Its own default templates are linked from it.
    html = page.get_data(as_text=True)
    assert f"/sjablonen/standaard/{KEY}.docx" in html and f"/sjablonen/standaard/{KEY}.xlsx" in html
    assert hr.get("/sjablonen/hulp/bestaat-niet").status_code == 404

    response = hr.get(f"/sjablonen/standaard/{KEY}.docx")
    assert response.status_code == 200 and response.mimetype == DOCX_MIME
    assert KEY in response.headers["Content-Disposition"]
    text = all_docx_text(Document(io.BytesIO(response.data)))
    for placeholder in ("{{ mini_rol }}", "{{ mini_aanpak }}", "mini_stappen", "mini_ok_zelf"):
        assert placeholder in text, placeholder
    assert "ontwikkeldoelen" not in text and "Hoe pakt u het aan?" in text

    response = hr.get(f"/sjablonen/standaard/{KEY}.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX_MIME
    values = [str(c.value) for ws in workbook_of(response) for row in ws.iter_rows() for c in row
              if c.value is not None]
    joined = "\n".join(values)
    assert "mini_aanpak" in joined and "Hoe pakt u het aan?" in joined
    assert "ontwikkeldoelen" not in joined
    assert hr.get("/sjablonen/standaard/bestaat-niet.docx").status_code == 404


def _upload(client, data: bytes, filename: str, form_key: str):
    return client.post("/sjablonen", data={"form_key": form_key, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _tiny_template() -> bytes:
    document = Document()
    document.add_paragraph("Eigen opmaak mini voor {{ medewerker.naam }}")
    document.add_paragraph("Rol: {{ mini_rol }}")
    document.add_paragraph("Aanpak: {{ mini_aanpak }}")
    document.add_paragraph("Tempo: {{ mini_tempo }}")
    document.add_paragraph("{%p for s in mini_stappen %}")
    document.add_paragraph("Stap: {{ s.stap }} ({{ s.wanneer }})")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("Akkoord baas: {{ mini_ok_baas.naam }}; zelf: {{ mini_ok_zelf.naam }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _activate_upload(hr, data, filename, form_key) -> int:
    response = _upload(hr, data, filename, form_key)
    assert response.status_code == 302, text_of(response)[:2000]
    template_id = int(re.search(r"/sjablonen/(\d+)$", response.headers["Location"]).group(1))
    assert hr.post(f"/sjablonen/{template_id}/activeren", data={}).status_code == 302
    return template_id


def test_an_uploaded_template_for_the_tiny_form(app, org, login, tiny):
    plan_id, anna, marco = _filled_tiny_plan(app, org, login)
    hr = login(org["hr"])
    # HR picks the form for the upload: the tiny form is offered.
    page = hr.get("/sjablonen")
    options = {o.get("value") for o in doc(page).xpath('//select[@name="form_key"]/option')}
    assert {KEY, "pop-uitgebreid"} <= options
    # A template naming the extended form's questions is refused for the tiny form.
    wrong = Document()
    wrong.add_paragraph("{{ meer_doen }}")
    out = io.BytesIO()
    wrong.save(out)
    response = _upload(hr, out.getvalue(), "verkeerd.docx", KEY)
    assert response.status_code == 422 and "meer_doen" in text_of(response)

    template_id = _activate_upload(hr, _tiny_template(), "mini.docx", KEY)
    report = hr.get(f"/sjablonen/{template_id}")
    assert report.status_code == 200 and "mini.docx" in text_of(report)
    body = text_of(report)
    assert "Word-sjabloon voor Mini-proef" in body and "{{ mini_rol }} de hoofdtekst, alinea 2" in body
    # The questions of this form the template leaves out, and only those.
    unused = body[body.index("Vragen die het sjabloon niet gebruikt (2)"):]
    assert "Uw naam" in unused and "Wat heeft u geleerd?" in unused and "Meer doen" not in unused
    # The templates page lists it as the active Word template of the tiny form, not of the extended.
    page = hr.get("/sjablonen")
    section = doc(page).xpath(f'//*[@id="actief-{KEY}"]')
    assert section, "no list of active templates per form"
    assert "mini.docx" in section[0].text_content()
    other = doc(page).xpath('//*[@id="actief-pop-uitgebreid"]')[0].text_content()
    assert "mini.docx" not in other and "standaard" in other.lower()

    response = marco.get(f"/plans/{plan_id}/download.docx")
    assert response.status_code == 200 and response.mimetype == DOCX_MIME
    texts = [p.text for p in Document(io.BytesIO(response.data)).paragraphs]
    assert texts[0] == "Eigen opmaak mini voor Anna Alfa", texts
    assert f"Rol: {ROL}" in texts
    assert "Tempo: Rustig, over het hele jaar" in texts
    assert [t for t in texts if t.startswith("Stap: ")] == [f"Stap: {s} ({w})" for s, w in STEPS]
    assert "Akkoord baas: Marco Een; zelf: Anna Alfa" in texts
    assert "Eerst lezen, dan oefenen." in "\n".join(texts)
    # The extended form's plans keep the default layout: the template is the tiny form's only.
    with app.app_context():
        Plan.update(status="ontwikkelgesprek").where(Plan.id == org["plan_a"]).execute()
    response = marco.get(f"/plans/{org['plan_a']}/download.docx")
    text = all_docx_text(Document(io.BytesIO(response.data)))
    assert "Eigen opmaak mini" not in text and "Fase I: Zelfanalyse" in text


def _bulk(hr, **filters):
    response = hr.post("/export", data={"afdeling": "", "periode": "", "status": "", **filters})
    assert response.status_code == 302, text_of(response)[:2000]
    job_id = int(re.search(r"/export/(\d+)$", response.headers["Location"]).group(1))
    page = hr.get(f"/export/{job_id}")
    assert page.status_code == 200
    download = hr.get(f"/export/{job_id}/download")
    assert download.status_code == 200, text_of(page)
    return job_id, zipfile.ZipFile(io.BytesIO(download.data))


def test_the_bulk_export_holds_plans_of_both_forms_each_in_its_own_layout(app, org, login, tiny):
    plan_id, anna, marco = _filled_tiny_plan(app, org, login)
    hr = login(org["hr"])
    # An extended plan of Bram, shared, with an answer of its own.
    bram = login(org["b"])
    assert bram.post(f"/plans/{org['plan_b']}/fase-1", data={"meer_doen": "Bram wil projecten leiden",
                                                             "go": "stay"}).status_code == 302
    assert bram.post(f"/plans/{org['plan_b']}/stap/delen", data={}).status_code == 302
    # Both signed today over HTTP; two different days tell the overview's columns apart.
    with app.app_context():
        values = answers.load(Plan.get_by_id(plan_id))
        answers.save(Plan.get_by_id(plan_id), {
            "mini_ok_zelf": {**values["mini_ok_zelf"], "datum": dt.date(2027, 1, 5)},
            "mini_ok_baas": {**values["mini_ok_baas"], "datum": dt.date(2027, 1, 9)}})
    # And the tiny form's own template active, the extended one without: each plan in its own.
    _activate_upload(hr, _tiny_template(), "mini.docx", KEY)

    page = hr.get("/export")
    assert page.status_code == 200
    job_id, archive = _bulk(hr)
    with app.app_context():
        job = ExportJob.get_by_id(job_id)
        assert (job.status, job.total, job.error or "") == ("klaar", 2, "")
    names = sorted(n for n in archive.namelist() if n.endswith(".docx"))
    assert names == ["POP_Alfa_Anna_2027.docx", "POP_Beta_Bram_2026.docx"], names
    tiny_doc = [p.text for p in Document(io.BytesIO(archive.read("POP_Alfa_Anna_2027.docx"))).paragraphs]
    assert tiny_doc[0] == "Eigen opmaak mini voor Anna Alfa" and f"Rol: {ROL}" in tiny_doc
    extended = all_docx_text(Document(io.BytesIO(archive.read("POP_Beta_Bram_2026.docx"))))
    assert "Fase I: Zelfanalyse" in extended and "Bram wil projecten leiden" in extended
    assert "Eigen opmaak mini" not in extended

    ws = workbook_of(archive.read("Overzicht_POP.xlsx")).active
    header = [c.value for c in ws[1]]
    rows = {r[header.index("Medewerker")]: dict(zip(header, r))
            for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"Anna Alfa", "Bram Beta"}
    assert rows["Anna Alfa"]["Formulier"] == SHORT and rows["Bram Beta"]["Formulier"] == "POP (uitgebreid)"
    assert rows["Anna Alfa"]["Periode"] == "2027" and rows["Anna Alfa"]["Status"] == "Vastgesteld"
    assert rows["Anna Alfa"]["Ontwikkeldoelen"] in (None, "")  # the tiny form has no goals field
    assert rows["Anna Alfa"]["Volgend gesprek"] in (None, "")
    # Both akkoorden are there (which goes in which column: test_the_overview_puts_each_akkoord_...).
    assert {rows["Anna Alfa"]["Akkoord medewerker"].date(),
            rows["Anna Alfa"]["Akkoord leidinggevende"].date()} == {dt.date(2027, 1, 5), dt.date(2027, 1, 9)}
    assert rows["Bram Beta"]["Akkoord medewerker"] is None

    # The bulk page says the plans of several forms each get their own form's layout, and which.
    page = hr.get("/export")
    assert "elk plan komt in de opmaak van zijn eigen formulier" in text_of(page)
    layout = {key: " ".join(doc(page).xpath(f'//*[@id="opmaak-{key}"]')[0].text_content().split())
              for key in (KEY, "pop-uitgebreid")}
    assert layout == {KEY: f"{SHORT} eigen sjabloon ‘mini.docx’",
                      "pop-uitgebreid": "POP (uitgebreid) standaardopmaak"}

    # HR may take the plans of one form only.
    options = {o.get("value"): o.text_content() for o in doc(page).xpath('//select[@name="formulier"]/option')}
    assert options == {"": "Alle formulieren", **{k: f.short_title for k, f in forms.FORMS.items()}}
    assert options[KEY] == SHORT and options["pop-uitgebreid"] == "POP (uitgebreid)"
    job_id, archive = _bulk(hr, formulier=KEY)
    assert sorted(n for n in archive.namelist() if n.endswith(".docx")) == ["POP_Alfa_Anna_2027.docx"]
    ws = workbook_of(archive.read("Overzicht_POP.xlsx")).active
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == ["Anna Alfa"]
    with app.app_context():
        assert ExportJob.get_by_id(job_id).description == SHORT
    job_id, archive = _bulk(hr, formulier="pop-uitgebreid", afdeling="B")
    assert sorted(n for n in archive.namelist() if n.endswith(".docx")) == ["POP_Beta_Bram_2026.docx"]
    with app.app_context():
        assert ExportJob.get_by_id(job_id).description == "POP (uitgebreid), B"
    # A form that is not there is refused with a message next to the filter, and nothing starts.
    with app.app_context():
        jobs = ExportJob.select().count()
    response = hr.post("/export", data={"formulier": "bestaat-niet", "afdeling": "", "periode": "",
                                        "status": ""})
    assert response.status_code == 200 and "Alle plannen exporteren" in text_of(response)
    with app.app_context():
        assert ExportJob.select().count() == jobs


def test_the_templates_page_lists_every_form_with_its_help_and_defaults(app, org, login, tiny):
    hr = login(org["hr"])
    page = hr.get("/sjablonen")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for key, title in ((KEY, SHORT), ("pop-uitgebreid", "POP (uitgebreid)")):
        section = doc(page).xpath(f'//*[@id="actief-{key}"]')
        assert section, key
        text = " ".join(section[0].text_content().split())
        assert title in text and "Word" in text and "Excel" in text
        assert "standaardopmaak" in text
        for url in (f"/sjablonen/hulp/{key}", f"/sjablonen/standaard/{key}.docx",
                    f"/sjablonen/standaard/{key}.xlsx"):
            assert url in html, url


# ---------------------------------------------------------------- what assumed the extended form

def test_the_print_view_names_the_form(app, org, login, tiny):
    plan_id, anna, marco = _filled_tiny_plan(app, org, login)
    assert TITLE in text_of(anna.get(f"/plans/{plan_id}/afdrukken"))


def test_the_word_export_names_the_form(app, org, login, tiny):
    plan_id, anna, marco = _filled_tiny_plan(app, org, login)
    document = Document(io.BytesIO(anna.get(f"/plans/{plan_id}/download.docx").data))
    assert document.paragraphs[0].text == TITLE


def test_the_help_page_explains_with_the_forms_own_questions(app, org, login, tiny):
    body = text_of(login(org["hr"]).get(f"/sjablonen/hulp/{KEY}"))
    for other in ("kwaliteiten", "voortgangsgesprekken", "evaluatie_optie", "on_the_job"):
        assert other not in body, other
    # Its examples are its own questions: a table of its own, a choice of its own.
    assert "{%tr for r in mini_stappen %}" in body and "{{ r.stap }}" in body
    assert '{% if mini_tempo == "' in body and "{{ mini_tempo_" in body


def test_the_overview_puts_each_akkoord_in_its_signers_column(app, org, login, tiny):
    from exports.excel.default import overview_workbook
    plan_id, anna, marco = _filled_tiny_plan(app, org, login)
    with app.app_context():
        plan = Plan.get_by_id(plan_id)
        values = answers.load(plan)
        values["mini_ok_zelf"] = {**values["mini_ok_zelf"], "datum": dt.date(2027, 1, 5)}
        values["mini_ok_baas"] = {**values["mini_ok_baas"], "datum": dt.date(2027, 1, 9)}
        ws = workbook_of(overview_workbook([(plan, TINY, values)])).active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, next(ws.iter_rows(min_row=2, values_only=True))))
    assert row["Akkoord medewerker"].date() == dt.date(2027, 1, 5)
    assert row["Akkoord leidinggevende"].date() == dt.date(2027, 1, 9)


def test_hr_can_switch_the_organisation_to_the_tiny_form(app, org, login, tiny):
    hr, anna = login(org["hr"]), login(org["a"])
    page = hr.get("/instellingen/formulieren")
    assert page.status_code == 200 and TITLE in text_of(page)
    response = hr.post("/instellingen/formulieren", data={"enabled": [KEY], "default": KEY})
    assert response.status_code == 302, text_of(response)[:1500]
    page = anna.get("/plans/nieuw")
    options = doc(page).xpath('//select[@name="form_key"]/option')
    assert [o.get("value") for o in options] == [KEY]
    assert [o.get("value") for o in options if o.get("selected") is not None] == [KEY]
    plan_id = _new_tiny_plan(app, org, anna)
    # The extended form is no longer offered for a new plan, but Anna's extended plan still opens.
    response = anna.post("/plans/nieuw", data={"employee": _person_id(app, org["a"]),
                                               "form_key": "pop-uitgebreid", "period": "2029"})
    assert response.status_code == 422
    assert "Dit formulier gebruikt de organisatie niet (meer) voor nieuwe plannen." in text_of(response)
    with app.app_context():
        assert not Plan.select().where(Plan.period == "2029").exists()
    assert anna.get(f"/plans/{org['plan_a']}/gegevens").status_code == 200
    # Switched back: the tiny plan keeps its form, opens and exports.
    response = hr.post("/instellingen/formulieren", data={"enabled": ["pop-uitgebreid"],
                                                          "default": "pop-uitgebreid"})
    assert response.status_code == 302
    options = [o.get("value") for o in doc(anna.get("/plans/nieuw")).xpath('//select[@name="form_key"]/option')]
    assert KEY not in options
    _save(anna, plan_id, "wie", {"mini_rol": ROL})
    with app.app_context():
        assert Plan.get_by_id(plan_id).form_key == KEY
    word = anna.get(f"/plans/{plan_id}/download.docx")
    assert word.status_code == 200 and ROL in all_docx_text(Document(io.BytesIO(word.data)))


def test_the_template_pages_start_from_the_organisations_default_form(app, org, login, tiny):
    hr = login(org["hr"])
    selected = lambda page: [o.get("value") for o in doc(page).xpath(  # noqa: E731
        '//select[@name="form_key"]/option[@selected]')]
    assert selected(hr.get("/sjablonen")) == [forms.DEFAULT_FORM]
    assert "Fase I: Zelfanalyse" in text_of(hr.get("/sjablonen/hulp"))
    assert hr.post("/instellingen/formulieren", data={"enabled": [KEY, "pop-uitgebreid"],
                                                      "default": KEY}).status_code == 302
    assert selected(hr.get("/sjablonen")) == [KEY]
    body = text_of(hr.get("/sjablonen/hulp"))
    assert TITLE in body and "mini_aanpak" in body and "Fase I: Zelfanalyse" not in body
    # "Uploaden" beside a form picks that form.
    page = hr.get("/sjablonen")
    assert f"/sjablonen?formulier=pop-uitgebreid#uploaden" in page.get_data(as_text=True)
    assert selected(hr.get("/sjablonen?formulier=pop-uitgebreid")) == ["pop-uitgebreid"]
    assert selected(hr.get("/sjablonen?formulier=bestaat-niet")) == [KEY]


def test_an_uploaded_excel_template_for_the_tiny_form(app, org, login, tiny):
    from openpyxl import Workbook
    plan_id, anna, marco = _filled_tiny_plan(app, org, login)
    hr = login(org["hr"])
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "Naam", "{{ medewerker.naam }}"
    ws["A2"], ws["B2"] = "Rol", "{{ mini_rol }}"
    ws["A3"], ws["B3"] = "Aanpak", "{{ mini_aanpak }}"
    ws["A4"], ws["B4"], ws["C4"] = "Stap 1", "{{ mini_stappen[0].stap }}", "{{ mini_stappen[0].wanneer }}"
    ws["A5"], ws["B5"], ws["C5"] = "Stap 2", "{{ mini_stappen[1].stap }}", "{{ mini_stappen[1].wanneer }}"
    ws["A6"], ws["B6"] = "Akkoord leidinggevende", "{{ mini_ok_baas.naam }}"
    out = io.BytesIO()
    wb.save(out)
    _activate_upload(hr, out.getvalue(), "mini.xlsx", KEY)
    page = hr.get("/sjablonen")
    row = " ".join(doc(page).xpath(f'//*[@id="actief-{KEY}"]')[0].text_content().split())
    assert "Excel: mini.xlsx (actief)" in row and "Word: standaardopmaak" in row

    response = anna.get(f"/plans/{plan_id}/download.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX_MIME
    ws = workbook_of(response).active
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=6, max_col=3)] == [
        ["Naam", "Anna Alfa", None],
        ["Rol", ROL, None],
        ["Aanpak", AANPAK, None],
        ["Stap 1", *STEPS[0]],
        ["Stap 2", *STEPS[1]],
        ["Akkoord leidinggevende", "Marco Een", None],
    ]
    # The extended plan's workbook is still the default one.
    with app.app_context():
        Plan.update(status="ontwikkelgesprek").where(Plan.id == org["plan_a"]).execute()
    other = workbook_of(marco.get(f"/plans/{org['plan_a']}/download.xlsx"))
    first = [c.value for row in other.worksheets[0].iter_rows() for c in row]
    assert "Naam:" in first and "Rol" not in first


def test_the_pdf_download_of_a_tiny_plan(app, org, login, tiny, monkeypatch):
    import shutil
    import subprocess
    from exports.pdf import convert as pdf
    from export_support import skip_or_fail
    if not pdf.available():
        skip_or_fail("LibreOffice (soffice) is not installed, so no PDF can be made")
    monkeypatch.setitem(app.config, "POP_PDF_WARM", False)
    plan_id, anna, marco = _filled_tiny_plan(app, org, login)
    response = anna.get(f"/plans/{plan_id}/download.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=response.data,
                              capture_output=True, timeout=60, check=True).stdout.decode("utf-8")
        text = " ".join(text.split())
        for expected in ("Mini: het plan", ROL, STEPS[1][0], "Rustig, over het hele jaar"):
            assert expected in text, expected
        assert "{{" not in text and "{%" not in text


# ---------------------------------------------------------------- a variant: choices and ticks in a grid

def _variant():
    """The tiny form again under its own key, its steps with a choice and a tick box in each row and an
    amount of its own: the kinds a grid row may hold, through web, storage and both exports."""
    import dataclasses
    from forms.kinds import Amount, Check
    steps = Table("mini_stappen", "Stappen", min_rows=2, rows_word="stappen", columns=(
        Text("stap", "Stap"),
        Choice("soort", "Soort", options=(("werk", "In het werk"), ("cursus", "Een cursus"))),
        Check("klaar", "Klaar"),
    ))
    plan_part = Part(key="mini-plan", title="Mini: het plan", nav_title="Plan", sections=(
        Section("Wat gaat u doen?", items=(steps, Amount("mini_kosten", "Wat kost het?", unit="euro"))),
    ))
    return dataclasses.replace(TINY, key=KEY + "-2", short_title=SHORT + " 2",
                               parts=(TINY.parts[0], plan_part, *TINY.parts[2:]))


def test_choices_ticks_and_amounts_in_a_tiny_form(app, org, login, tiny, monkeypatch):
    variant = _variant()
    monkeypatch.setitem(forms.FORMS, variant.key, variant)
    anna = login(org["a"])
    response = anna.post("/plans/nieuw", data={"employee": _person_id(app, org["a"]),
                                               "form_key": variant.key, "period": "2027"})
    assert response.status_code == 302, text_of(response)[:1500]
    plan_id = int(re.search(r"/plans/(\d+)/", response.headers["Location"]).group(1))
    url = f"/plans/{plan_id}/mini-plan"
    page = anna.get(url)
    assert {"mini_stappen-0-soort", "mini_stappen-0-klaar", "mini_kosten"} <= set(shown_values(page))
    # Wrong input in a row and in the amount: refused in Dutch, typed text kept, nothing stored.
    response = anna.post(url, data={"mini_stappen-0-stap": "Lezen", "mini_stappen-0-soort": "reis",
                                    "mini_kosten": "veel", "go": "stay"})
    assert response.status_code == 422
    body = text_of(response)
    assert "Deze keuze staat niet op het formulier." in body
    assert "Vul een bedrag in, bijvoorbeeld 1.250,50." in body
    assert shown_values(response)["mini_kosten"] == "veel"
    assert stored(app, plan_id)["mini_stappen"] == []
    response = anna.post(url, data={
        "mini_stappen-0-stap": "Lezen", "mini_stappen-0-soort": "werk", "mini_stappen-0-klaar": "y",
        "mini_stappen-1-stap": "Training", "mini_stappen-1-soort": "cursus",
        "mini_kosten": "€ 1.250,50", "go": "stay"})
    assert response.status_code == 302, text_of(response)[:1500]
    from decimal import Decimal
    values = stored(app, plan_id)
    assert values["mini_stappen"] == [{"stap": "Lezen", "soort": "werk", "klaar": True},
                                      {"stap": "Training", "soort": "cursus", "klaar": False}]
    assert values["mini_kosten"] == Decimal("1250.50")
    shown = shown_values(anna.get(url))
    assert (shown["mini_stappen-0-soort"], shown["mini_stappen-0-klaar"], shown["mini_stappen-1-klaar"]) \
        == ("werk", True, False)

    document = Document(io.BytesIO(anna.get(f"/plans/{plan_id}/download.docx").data))
    text = all_docx_text(document)
    assert "€ 1.250,50" in text
    table = next(rows_text(t) for t in body_tables(document) if "Stap" in rows_text(t)[0][0])
    assert [[c.strip() for c in r] for r in table if any(c.strip() for c in r)] == [
        ["Stap", "Soort", "Klaar"], ["Lezen", "In het werk", "☒"], ["Training", "Een cursus", "☐"]]

    wb = workbook_of(anna.get(f"/plans/{plan_id}/download.xlsx"))
    found = {c.value: (ws, c) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None}
    ws, label = found["Wat kost het?"]
    assert ws.cell(row=label.row, column=label.column + 1).value == 1250.5  # a number Excel can add
    ws, lezen = found["Lezen"]
    row = [ws.cell(row=lezen.row, column=c).value for c in range(lezen.column, lezen.column + 3)]
    assert row[:2] == ["Lezen", "In het werk"] and row[2] in ("ja", True), row


def test_an_upload_for_a_form_that_is_not_there_is_refused_with_a_message(app, org, login, tiny):
    hr = login(org["hr"])
    response = _upload(hr, _tiny_template(), "mini.docx", "bestaat-niet")
    assert response.status_code == 422
    from support import error_text
    assert error_text(response, "form_key") == \
        "Dit formulier bestaat niet (meer). Kies een van de formulieren in de lijst."
    assert doc(response).xpath('//select[@name="form_key"]/@aria-invalid') == ["true"]
    with app.app_context():
        from pop.models import ExportTemplate
        assert ExportTemplate.select().count() == 0
