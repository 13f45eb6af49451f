"""Each form of the seeds against its seed (shared/seeds): every label, question and help text of its
definition stands in the seed word for word; the seed's key labels, listed here by hand from the seed,
are on the plan's pages and in its default Word export; and the filled demo plan of each form reads back
from its Word and Excel export with its answers.

The seeds are the specification: when one is missing these tests fail (not skip). They are looked for in
../shared/seeds beside the repository, or in $POP_SEEDS."""
from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

from conftest import Client, text_of
from export_support import DOCX_MIME, XLSX_MIME, close_database, demo_organisation, use_database
from forms import DEFAULT_FORM, FORMS, get_form
from forms.kinds import Checklist, Choice, Smart, Table, Text
from test_form_definition import DELIBERATE as PAPER_DELIBERATE
from test_form_definition import SEED_OF_FORM, normalise, seed_dirs, texts_by_seed

SEED_FILES = {
    "000": "000_164e534d49eed234.txt",  # the compact POP, GROW
    "001": "001_ddcf9472e5a58d85.txt",  # the conversation checklist
    "002": "002_70d0dfa5a950bb84.txt",  # the six-step plan, SMART, the learning log
    "003": "003_71ca0095a1902dfb.txt",  # the extended form
    "004": "004_b396dcc4a9002874.txt",  # §2.4.1 SMART, §2.5 execution and evaluation, §2.5.2 POB,
                                        # §2.10 tips, §4.11 the POP table
}

# The program's own words where a seed has none, each with its reason. Checked below to be used and to
# be really not in the seed.
DELIBERATE = {
    # forms/common.py, the conversation checklist (001 is a list of points, no form): its part and the
    # block per conversation need a name, a date and which conversation it was.
    "001": {"Gesprekken", "Datum gesprek", "Welk gesprek"},
    # the Costs kind's own column heading for euros (forms/kinds.py), in every form with costs
    "kind": {"Bedrag (€)"},
    # the compact POP's check-ins are dated (the issue: "dated, any number"); the seed prints no date line
    "pop-compact": {"Datum check-in"},
    # the six-step plan's step 3 names "drie verschillende soorten training"; one row picks one kind
    "pop-zes-stappen": {"Soort training"},
    "pop-tabel": set(),
    # checked strictly, without the capital rule, by tests/test_form_definition.py
    "pop-uitgebreid": PAPER_DELIBERATE,
}


def read_seed(name: str) -> str:
    for folder in seed_dirs():
        path = folder / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    pytest.fail(f"seed {name} not found in ../shared/seeds or $POP_SEEDS: the seeds are the forms' "
                "specification and these tests check the forms against them")


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    return {key: normalise(read_seed(name)) for key, name in SEED_FILES.items()}


def stands_in(text: str, seed: str) -> bool:
    """Word for word, or with its first letter a capital where the seed runs on in lower case (a label
    that opens a line: "Startniveau" from "Je startniveau", "Termijn" from "korte termijn")."""
    return text in seed or (text[:1].lower() + text[1:]) in seed


def allowed(form_key: str) -> set[str]:
    return DELIBERATE[form_key] | DELIBERATE["001"] | DELIBERATE["kind"]


# ---------------------------------------------------------------- every text of a definition


@pytest.mark.parametrize("form_key", list(SEED_OF_FORM))
def test_every_text_stands_in_its_seed(seeds, form_key):
    definition = get_form(form_key)
    texts = texts_by_seed(definition, SEED_OF_FORM[form_key])
    assert len(texts) > 40, "suspiciously few texts"
    wrong = sorted(f"{text!r} (not in {'/'.join(sorted(place))})" for text, places in texts.items()
                   for place in places if text not in allowed(form_key)
                   and not any(stands_in(text, seeds[s]) for s in place))
    assert not wrong, "texts not in their seed (a slip in the transcription?):\n" + "\n".join(wrong)


@pytest.mark.parametrize("form_key", list(SEED_OF_FORM))
def test_deliberate_words_are_used_and_not_in_the_seed(seeds, form_key):
    definition = get_form(form_key)
    texts = texts_by_seed(definition, SEED_OF_FORM[form_key])
    for text in DELIBERATE[form_key]:
        assert text in texts, f"allowlisted {text!r} is no longer in {form_key}"
        if form_key != "pop-uitgebreid":  # there: word for word, see tests/test_form_definition.py
            assert not stands_in(text, seeds[SEED_OF_FORM[form_key]]), f"{text!r} is in the seed after all"
    for text in DELIBERATE["001"]:
        assert text in texts and not stands_in(text, seeds["001"]), text


def test_the_check_sees_a_one_letter_slip(seeds):
    assert stands_in("Waarom (impact)", seeds["000"])
    assert not stands_in("Waarom (impakt)", seeds["000"])
    assert stands_in("Benodigde ondersteuning en faciliteiten", seeds["004"])  # across the seed's lines
    assert not stands_in("Tijdsgebonden", seeds["004"]) and stands_in("Tijdsgebonden", seeds["002"])


def test_the_forms_are_registered_and_the_extended_one_stays_the_default():
    assert DEFAULT_FORM == "pop-uitgebreid"
    assert set(SEED_OF_FORM) <= set(FORMS)
    for definition in FORMS.values():
        assert definition.description, definition.key
        # The cycle's agreement needs both akkoorden; the budget needs the costs.
        assert definition.signature_fields == ["akkoord_medewerker", "akkoord_leidinggevende"]
        assert definition.field(definition.costs_field).kind == "costs"
        assert [p.cycle for p in definition.parts].count("gesprek") == 1
        goals = definition.field(definition.goals_field)
        assert any(isinstance(c, Smart) for c in goals.columns), definition.key
    assert get_form("pop-tabel").orientation == "landscape"
    assert get_form("pop-compact").field("doelen").advised_rows == 2


# ---------------------------------------------------------------- the seeds' key labels, by hand

CHECKLIST = [
    "Voorbereiding", "Tijdens de bijeenkomst", "Na de bijeenkomst", "Do not forget",
    "How do you follow up on this conversation?",
    "Bepaal de doelen van het POP: korte- en langetermijndoelen.",
    "Stel concrete, meetbare actiepunten op.",
    "Plan regelmatige voortgangsbesprekingen om de doelen en actiepunten te evalueren.",
    "Mentorschapprogramma’s",
    "Zorg voor continue ondersteuning en evaluaties.",
]
SMART_004 = ["Specifiek", "Meetbaar", "Acceptabel", "Realistisch", "Tijdgebonden"]

KEY_LABELS = {
    "pop-compact": [
        "Rol", "Ambitie", "Ontwikkelfocus",
        # the seven bouwstenen
        "Startsituatie (wat gaat al goed en waar zit de grootste hefboom)",
        "Ritme (wanneer checken we in en hoe leggen we voortgang vast)",
        # the seven rows of the format, with an Invulling and a Tip voor kwaliteit
        "Doel / ontwikkelfocus", "Waarom (impact)", "Acties in het werk", "Ondersteuning", "Meetpunten",
        "Tijdslijn", "Reflectie",
        "Welke vaardigheid, competentie of werkwijze wil je versterken",
        "Minimaal 70% leren door doen", "Maak reflectie een vaste agenda-item",
        # GROW
        "Goal", "Reality", "Options", "Will",
        "Wat wil je over 6 tot 12 weken anders doen of beter kunnen",
        "Wat ga je deze week doen, en wanneer evalueren we dat",
        *SMART_004,
    ],
    "pop-tabel": [
        "Ontwikkelingsactiviteit", "Gewenst resultaat", "Planning",
        "Benodigde ondersteuning en faciliteiten",
        "korte termijn (tot een jaar)", "middellange termijn (tussen één en vijf jaar)",
        "Startniveau", "Beloning", "Ondertekening", "medewerker:", "Leidinggevende:",
        "welke concrete activiteit je gaat ondernemen.",
        "Hoe staat het met de uitvoering van het POP?", "Zijn de ontwikkelingsdoelen bereikt?",
        *SMART_004,
    ],
    "pop-zes-stappen": [
        "1. Evalueer je huidige situatie", "2. Breng je leerbehoeften in kaart",
        "3. Identificeer ontwikkelingsmogelijkheden",
        "4. Schrijf een plan van aanpak met persoonlijke leerdoelen", "5. Monitoren en registreren",
        "6. Evalueren en beoordelen",
        "Bedrijfstrainingen", "Functiegerichte trainingen", "Trajecten voor persoonlijke ontwikkeling",
        "Specifiek", "Meetbaar", "Bereikbaar", "Relevant", "Tijdsgebonden",
        "binnen een maand wil ik op 6 pitches per week zitten.",
        "Leerbehoefte", "Gekozen leermethode", "De datum of data waarop de actie werd ondernomen",
        "De resultaten", "Eventuele verdere relevante informatie",
        "Hoe effectief is je aanpak geweest?",
        "Hoe heeft deze activiteit je vaardigheden en professionele gedrag verbeterd?",
        "Heeft deze ervaring nieuwe leerbehoeften opgeleverd?", "Zou je de aanpak opnieuw volgen?",
    ],
    "pop-uitgebreid": ["Fase I: Zelfanalyse", "3. Wat gaat dit kosten?", "Ontwikkeldoel", "Meer doen",
                       "Hoe ziet uw werk er over 3 jaar uit?",
                       "Heb ik mijn ontwikkeldoelen gehaald?", *SMART_004],
}
# The POP table's first heading: the seed's cell breaks it over two lines ("Ontwikkelings / doel").
KEY_LABELS_NOT_VERBATIM = {"pop-tabel": ["Ontwikkelingsdoel"]}


@pytest.mark.parametrize("form_key", list(KEY_LABELS))
def test_the_key_labels_are_the_seeds_and_the_definitions(seeds, form_key):
    definition = get_form(form_key)
    texts = set(texts_by_seed(definition, SEED_OF_FORM[form_key]))
    for label in KEY_LABELS[form_key] + KEY_LABELS_NOT_VERBATIM.get(form_key, []):
        assert label in texts, f"{label!r} is not in the definition of {form_key}"
    own = seeds[SEED_OF_FORM[form_key]]
    for label in KEY_LABELS[form_key]:
        assert stands_in(label, own) or label in SMART_004 and stands_in(label, seeds["004"]), label
    assert "Ontwikkelings doel" in seeds["004"]
    for label in CHECKLIST:
        assert label in seeds["001"] and label in texts, label


# ---------------------------------------------------------------- the demo plans: pages and exports


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo organisation (flask demo) in a database of its own: its plan of each form."""
    from pop.demo import DEMO_PASSWORD
    app, plans = demo_organisation(tmp_path_factory.mktemp("seed_forms"))
    yield dict(app=app, plans=plans, password=DEMO_PASSWORD, clients={})
    close_database()


@pytest.fixture(autouse=True)
def _db(request):
    if "demo" in request.fixturenames:
        use_database(request.getfixturevalue("demo")["app"])


def client(demo, email) -> Client:
    if email not in demo["clients"]:
        c = Client(demo["app"])
        assert c.login(email, demo["password"]).status_code == 302, email
        demo["clients"][email] = c
    return demo["clients"][email]


def docx_text(data: bytes) -> tuple[str, Document]:
    """Every paragraph of the document, in tables (nested ones too), headers and footers."""
    doc = Document(io.BytesIO(data))
    parts = [Paragraph(p, doc).text for p in doc.element.body.iter(qn("w:p"))]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return normalise("\n".join(parts)), doc


def xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return normalise("\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows()
                               for c in row if c.value is not None))


def download(demo, form_key: str, fmt: str):
    plan = demo["plans"][form_key]
    response = client(demo, plan["email"]).get(f"/plans/{plan['id']}/download.{fmt}?sjabloon=standaard")
    assert response.status_code == 200, (form_key, fmt, response.status_code,
                                         response.get_data(as_text=True)[:500])
    assert response.mimetype == (DOCX_MIME if fmt == "docx" else XLSX_MIME)
    return response.data


def answer_texts(definition, values: dict) -> list[str]:
    """The typed answers of a plan, as a reader sees them: texts, the chosen options, SMART notes and
    checklist notes, row by row (dates, amounts and ticks are checked by the export tests)."""
    found = []

    def walk(field, value):
        if isinstance(field, Table):
            for row in value or []:
                for col in field.columns:
                    walk(col, row.get(col.key))
        elif isinstance(field, Smart):
            found.extend(v for v in (value or {}).values() if v)
        elif isinstance(field, Checklist):
            found.extend(i["notitie"] for i in (value or {}).values() if i.get("notitie"))
        elif isinstance(field, Choice):
            found.append(field.as_text(value))
        elif isinstance(field, Text):
            found.append(value or "")

    for field in definition.fields:
        if field.key in values:
            walk(field, values[field.key])
    return [normalise(t) for t in found if t and t.strip()]


def part_pages(demo, form_key: str, email: str) -> str:
    plan = demo["plans"][form_key]
    texts = []
    for part in get_form(form_key).parts:
        page = client(demo, email).get(f"/plans/{plan['id']}/{part.key}")
        assert page.status_code == 200, (form_key, part.key, page.status_code)
        texts.append(text_of(page))
    return "\n".join(texts)


def field_values(demo, form_key: str, email: str) -> str:
    """What the part pages show in their inputs (answers stand in boxes, not in the page's text)."""
    from support import values_of, paper_form
    plan = demo["plans"][form_key]
    shown = []
    for part in get_form(form_key).parts:
        page = client(demo, email).get(f"/plans/{plan['id']}/{part.key}")
        try:
            form = paper_form(page)
        except AssertionError:  # a part this person only reads: the answers are in the text
            continue
        shown += [str(v) for v in values_of(form).values() if isinstance(v, str)]
    return normalise("\n".join(shown))


SEED_FORMS = ["pop-compact", "pop-tabel", "pop-zes-stappen", "pop-uitgebreid"]


def test_the_demo_has_a_plan_of_each_form_in_a_sensible_state(demo):
    states = {k: p["status"] for k, p in demo["plans"].items()}
    assert states == {"pop-uitgebreid": "uitvoering", "pop-compact": "uitvoering",
                      "pop-tabel": "vastgesteld", "pop-zes-stappen": "uitvoering"}
    compact = demo["plans"]["pop-compact"]["answers"]
    assert compact["rol"] == "Projectcoördinator" and len(compact["doelen"]) == 2
    assert [r["doel"] for r in demo["plans"]["pop-tabel"]["answers"]["doelen"]] == [
        "Klantgericht werken", "Excel", "Leidinggeven als teamleider"]
    assert len(demo["plans"]["pop-zes-stappen"]["answers"]["leerlog"]) >= 2


@pytest.mark.parametrize("form_key", ["pop-compact", "pop-tabel"])
def test_the_demo_plan_is_the_seeds_filled_example_word_for_word(seeds, demo, form_key):
    """The compact POP's Projectcoördinator and the POP table's three rows stand in their seed."""
    seed = seeds[SEED_OF_FORM[form_key]]
    if form_key == "pop-tabel":  # the seed hyphenates at its cells' line ends: decem-ber, praktijkerv-aring
        seed = seed.replace("decem- ber", "december").replace("praktijkerv aring", "praktijkervaring") \
            .replace("MBO- niveau", "MBO-niveau").replace("stage- opdracht", "stage-opdracht")
    values = demo["plans"][form_key]["answers"]
    rows = values["doelen"]
    columns = {"pop-compact": ["doel", "waarom", "acties", "ondersteuning", "meetpunten"],
               "pop-tabel": ["doel", "activiteit", "resultaat", "planning", "ondersteuning"]}[form_key]
    for row in rows:
        for col in columns:
            if row.get(col):
                assert normalise(row[col]) in seed, (col, row[col])
    if form_key == "pop-compact":
        for key in ("rol", "ambitie", "ontwikkelfocus"):
            assert values[key] in seed, key


@pytest.mark.parametrize("form_key", SEED_FORMS)
def test_the_key_labels_are_on_the_plans_pages(demo, form_key):
    plan = demo["plans"][form_key]
    text = part_pages(demo, form_key, plan["email"])
    missing = [label for label in KEY_LABELS[form_key] + KEY_LABELS_NOT_VERBATIM.get(form_key, [])
               + CHECKLIST if normalise(label) not in text]
    assert not missing, f"{form_key}: not on its pages: {missing}"


@pytest.mark.parametrize("form_key", SEED_FORMS)
def test_the_demo_answers_are_on_the_plans_pages(demo, form_key):
    plan = demo["plans"][form_key]
    shown = part_pages(demo, form_key, plan["email"]) + "\n" + field_values(demo, form_key, plan["email"])
    shown = normalise(shown)
    missing = [t for t in answer_texts(get_form(form_key), plan["answers"]) if t not in shown]
    assert not missing, f"{form_key}: answers not shown: {missing[:5]}"


@pytest.mark.parametrize("form_key", SEED_FORMS)
def test_the_key_labels_and_answers_are_in_the_word_export(demo, form_key):
    text, doc = docx_text(download(demo, form_key, "docx"))
    missing = [label for label in KEY_LABELS[form_key] + KEY_LABELS_NOT_VERBATIM.get(form_key, [])
               + CHECKLIST if normalise(label) not in text]
    assert not missing, f"{form_key}: labels not in the Word export: {missing}"
    plan = demo["plans"][form_key]
    answers = [t for t in answer_texts(get_form(form_key), plan["answers"]) if t not in text]
    assert not answers, f"{form_key}: answers not in the Word export: {answers[:5]}"
    employee = plan["email"].split("@")[0].split(".")[0].capitalize()
    assert employee in text  # whose plan it is
    landscape = get_form(form_key).orientation == "landscape"
    assert all((s.orientation == WD_ORIENT.LANDSCAPE) == landscape for s in doc.sections), form_key


@pytest.mark.parametrize("form_key", SEED_FORMS)
def test_the_demo_answers_are_in_the_excel_export(demo, form_key):
    text = xlsx_text(download(demo, form_key, "xlsx"))
    plan = demo["plans"][form_key]
    missing = [t for t in answer_texts(get_form(form_key), plan["answers"]) if t not in text]
    assert not missing, f"{form_key}: answers not in the Excel export: {missing[:5]}"
    # The questions head the answers (the guidance text of the paper is the Word export's).
    definition = get_form(form_key)
    labels = {f.label for f in definition.fields} | {c.label for f in definition.fields
                                                     if isinstance(f, Table) for c in f.columns}
    questions = [label for label in KEY_LABELS[form_key] if label in labels]
    assert len(questions) >= 4, questions
    missing = [label for label in questions if normalise(label) not in text]
    assert not missing, f"{form_key}: questions not in the Excel export: {missing}"


def test_the_table_reads_as_one_row_per_goal_in_word(demo):
    """The POP table in Word: a table whose header has the five columns of §4.11, the three rows under it."""
    data = download(demo, "pop-tabel", "docx")
    doc = Document(io.BytesIO(data))
    heads = ["Ontwikkelingsdoel", "Ontwikkelingsactiviteit", "Gewenst resultaat", "Planning",
             "Benodigde ondersteuning en faciliteiten"]
    for table in doc.tables:
        first = [normalise(c.text) for c in table.rows[0].cells]
        if all(any(h == c or c.startswith(h) for c in first) for h in heads):
            body = "\n".join(normalise(c.text) for row in table.rows[1:] for c in row.cells)
            for goal in ("Klantgericht werken", "Excel", "Leidinggeven als teamleider"):
                assert goal in body
            return
    pytest.fail("no table with the five headings of §4.11 in the POP table's Word export")


def test_the_pop_tables_signature_lines_stand_right_under_the_table_in_word(demo):
    """§4.11: Ondertekening medewerker / Leidinggevende / Datum directly under the table, on the same
    page; the planned costs (not part of §4.11) only after them."""
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph
    doc = Document(io.BytesIO(download(demo, "pop-tabel", "docx")))
    body = list(doc.element.body.iterchildren())
    goals = next(i for i, el in enumerate(body) if el.tag.endswith("}tbl")
                 and "Ontwikkelingsdoel" in DocxTable(el, doc).rows[0].cells[0].text)
    after = []
    for el in body[goals + 1:]:
        block = Paragraph(el, doc) if el.tag.endswith("}p") else DocxTable(el, doc)
        if isinstance(block, Paragraph) and block.style.name == "Heading 1" \
                and normalise(block.text) != "Ondertekening":
            assert normalise(block.text) == "Kosten" and block.paragraph_format.page_break_before
            break
        after.append(block)
    headings = [b for b in after if isinstance(b, Paragraph) and b.style.name.startswith("Heading")]
    assert [normalise(h.text) for h in headings][:1] == ["Ondertekening"]
    assert not headings[0].paragraph_format.page_break_before
    signed = " ".join(normalise(c.text) for b in after if isinstance(b, DocxTable)
                      for row in b.rows for c in row.cells)
    assert "Kim Hendriks" in signed and "Sanne Bakker" in signed


def test_a_third_goal_on_the_compact_pop_gets_the_seeds_advice_not_a_refusal(demo):
    from pop import answers
    from pop.models import Plan
    definition = get_form("pop-compact")
    table = definition.field("doelen")
    rows = demo["plans"]["pop-compact"]["answers"]["doelen"]
    assert table.advice_for(rows) == ""
    third = rows + [{"doel": "Een derde doel"}]
    assert "Kies liever één of twee ontwikkelfocuspunten en maak die zichtbaar in gedrag." in \
        table.advice_for(third)
    # Stored all the same.
    with demo["app"].app_context():
        plan = Plan.get_by_id(demo["plans"]["pop-compact"]["id"])
        before = answers.load(plan)["doelen"]
        answers.save(plan, {"doelen": before + [{**table.blank_row(), "doel": "Een derde doel"}]})
        assert [r["doel"] for r in answers.load(plan)["doelen"]][-1] == "Een derde doel"
        answers.save(plan, {"doelen": before})


def test_demo_example_gives_each_forms_demo_plan():
    from pop.demo import demo_example
    for form_key in SEED_FORMS:
        employee, manager, period, values = demo_example(form_key=form_key)
        definition = get_form(form_key)
        assert set(values) <= {f.key for f in definition.fields}, form_key
        assert values["akkoord_medewerker"]["naam"] == employee.naam
        assert values["akkoord_leidinggevende"]["naam"] == manager.naam
    assert demo_example()[0].naam == "Eva Visser"
    assert demo_example(form_key="pop-compact")[3]["rol"] == "Projectcoördinator"


# The state in which each kind of part is filled, and who fills it (pop/cycle.py).
FILLED_IN = {"plan": ("voorbereiding", "employee"), "voortgang": ("uitvoering", "employee"),
             "evaluatie": ("evaluatie", "employee"), "afronding": ("ontwikkelgesprek", "employee"),
             "gesprek": ("ontwikkelgesprek", "manager")}


def without_authors(values: dict) -> dict:
    from forms.kinds import AUTHOR
    return {k: [{c: v for c, v in row.items() if c != AUTHOR} for row in v] if isinstance(v, list) else v
            for k, v in values.items()}


@pytest.mark.parametrize("form_key", SEED_FORMS)
def test_every_part_saves_back_what_it_shows(demo, form_key):
    """Each part of each form, opened by whoever fills it and saved unchanged, stores the demo answers
    again: every kind shows its value in the page's inputs (amounts the Dutch way, SMART letters,
    checklist ticks and notes, choices in table rows) and reads it back the same."""
    from pop import answers
    from pop.models import Person, Plan
    from pop.plans import start_plan
    from support import as_post, paper_form, values_of

    app = demo["app"]
    definition = get_form(form_key)
    source = demo["plans"][form_key]
    employee = "daan.smit@voorbeeld.nl"  # his own plan is on the extended form: a second form is new
    with app.app_context():
        daan = Person.get(Person.email == employee)
        existing = Plan.get_or_none((Plan.employee == daan) & (Plan.form_key == form_key)
                                    & (Plan.period == "2001"))
        plan = existing or start_plan(daan, form_key, "2001")
        answers.save(plan, source["answers"])
        expected = answers.load(plan)
        assert all(definition.field(k).is_filled(expected[k]) for k in source["answers"]), form_key
        manager = daan.manager.email
    for part in definition.parts:
        state, who = FILLED_IN[part.cycle]
        with app.app_context():
            Plan.update(status=state).where(Plan.id == plan.id).execute()
        c = client(demo, employee if who == "employee" else manager)
        page = c.get(f"/plans/{plan.id}/{part.key}")
        assert page.status_code == 200, (part.key, page.status_code)
        shown = as_post(values_of(paper_form(page)))
        response = c.post(f"/plans/{plan.id}/{part.key}", data={**shown, "go": "stay"})
        assert response.status_code == 302, (part.key, text_of(response)[:1500])
    with app.app_context():
        after = answers.load(Plan.get_by_id(plan.id))
    assert without_authors(after) == without_authors(expected)


def test_a_third_goal_saved_on_the_page_gets_the_advice_and_is_kept(demo):
    """The compact POP through the web: a third goal is stored, and the page says, in the seed's words,
    to choose one or two."""
    from pop import answers
    from pop.models import Person, Plan
    from pop.plans import start_plan
    from support import as_post, paper_form, values_of

    app = demo["app"]
    with app.app_context():
        youssef = Person.get(Person.email == "youssef.elamrani@voorbeeld.nl")
        plan = start_plan(youssef, "pop-compact", "2002")
    c = client(demo, "youssef.elamrani@voorbeeld.nl")
    url = f"/plans/{plan.id}/doelen"
    data = as_post(values_of(paper_form(c.get(url))))
    for index in range(3):
        data[f"doelen-{index}-doel"] = f"Doel nummer {index + 1}"
    response = c.post(url, data={**data, "go": "stay"}, follow_redirects=True)
    assert response.status_code == 200
    page = text_of(response)
    assert "Kies liever één of twee ontwikkelfocuspunten en maak die zichtbaar in gedrag." in page
    assert "Opgeslagen" in page
    with app.app_context():
        assert [r["doel"] for r in answers.load(Plan.get_by_id(plan.id))["doelen"]] == [
            "Doel nummer 1", "Doel nummer 2", "Doel nummer 3"]
    # Two goals: no advice.
    data.pop("doelen-2-doel")
    page = text_of(c.post(url, data={**data, "go": "stay"}, follow_redirects=True))
    assert "Opgeslagen" in page and "Kies liever één of twee" not in page
    with app.app_context():
        assert len(answers.load(Plan.get_by_id(plan.id))["doelen"]) == 2


@pytest.mark.parametrize("form_key", list(SEED_OF_FORM))
def test_the_word_export_is_dutch_and_titled_and_says_whose_plan_it_is(demo, form_key):
    """Word checks the spelling in Dutch (not every word underlined as English), the file is titled
    with the form, and page one says whose plan it is: the extended form by its own header, the other
    forms by a table under the title."""
    from pop.models import Plan
    doc = Document(io.BytesIO(download(demo, form_key, "docx")))
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")) \
        .find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "nl-NL"
    assert doc.settings.element.find(qn("w:autoHyphenation")) is not None
    assert doc.core_properties.title == FORMS[form_key].title and doc.core_properties.author == "POP"
    first = [[normalise(c.text) for c in row.cells] for row in doc.tables[0].rows]
    with demo["app"].app_context():
        plan = Plan.get_by_id(demo["plans"][form_key]["id"])
        name, manager = plan.employee.naam, plan.manager.naam
    if form_key == "pop-uitgebreid":
        assert first[1][0] == f"Naam: {name}"  # its own header, not a second one
        assert ["Medewerker", name] not in first
    else:
        assert first[:2] == [["Medewerker", name], ["Functie", plan.employee.functie]]
        assert ["Leidinggevende", manager] in first and ["Periode", plan.period] in first


def test_the_compact_pops_profiel_follows_the_seven_bouwstenen_in_word(demo):
    doc = Document(io.BytesIO(download(demo, "pop-compact", "docx")))
    headings = [(p.style.name, normalise(p.text)) for p in doc.paragraphs
                if p.style.name.startswith(("Title", "Heading"))]
    assert headings[:3] == [("Title", "Persoonlijk Ontwikkelplan (POP)"),
                            ("Heading 2", "De 7 bouwstenen van een sterk POP"), ("Heading 1", "Profiel")]
    numbered = [normalise(p.text) for p in doc.paragraphs if p.style.name == "List Number"]
    assert len(numbered) == 7 and numbered[0].startswith("Ontwikkelfocus")


def test_the_six_step_plans_smart_example_is_printed_once_not_beside_every_goal(demo):
    """The seed's consultant example explains the letters; beside each leerdoel it read as Bas's plan."""
    text, _ = docx_text(download(demo, "pop-zes-stappen", "docx"))
    assert len(demo["plans"]["pop-zes-stappen"]["answers"]["leerdoelen"]) >= 2
    assert text.count("binnen een maand wil ik op 6 pitches per week zitten.") == 1
    assert text.count("Voorbeeld van een professioneel SMART leerdoel") == 1


def test_a_checklist_heading_that_ends_in_a_question_mark_gets_no_colon_in_templates(demo):
    """{{ r.checklist }} in an organisation's template: 'How do you follow up on this conversation?'
    leads its points as it is, not as '…conversation?:'; 'Voorbereiding' gets its colon."""
    from exports.context import build_context
    from pop import answers
    from pop.models import Plan
    with demo["app"].app_context():
        plan = Plan.get_by_id(demo["plans"]["pop-compact"]["id"])
        context = build_context(plan, FORMS["pop-compact"], answers.load(plan))
    lines = str(context["gesprekken"][0]["checklist"]).split("\n")
    assert "Voorbereiding:" in lines and "How do you follow up on this conversation?" in lines
    assert not any(line.endswith(("?:", "::")) for line in lines), lines


def test_only_the_pop_tables_narrow_columns_hyphenate_in_word(demo):
    """Ontwikkelings-|activiteit at a syllable, not Ontwikkelingsa|ctiviteit; ordinary text whole."""
    doc = Document(io.BytesIO(download(demo, "pop-tabel", "docx")))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    normal = doc.styles["Normal"].element.find(f"{w}pPr").find(f"{w}suppressAutoHyphens")
    assert normal is not None and normal.get(f"{w}val") == "1"
    goals = next(t for t in doc.tables if normalise(t.rows[0].cells[0].text) == "Ontwikkelingsdoel")
    header = goals.rows[0].cells[1].paragraphs[0]._p.pPr.find(f"{w}suppressAutoHyphens")
    assert header is not None and header.get(f"{w}val") == "0"


# The order of a paragraph's properties in ECMA-376 (CT_PPrBase): Word refuses a document that
# breaks it ("unreadable content"), LibreOffice does not mind, so a LibreOffice check cannot see it.
PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
             "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
             "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
             "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
             "rPr sectPr pPrChange").split()


@pytest.mark.parametrize("form_key", list(SEED_OF_FORM))
def test_paragraph_properties_are_in_the_order_word_requires(demo, form_key):
    import zipfile

    from lxml import etree
    package = zipfile.ZipFile(io.BytesIO(download(demo, form_key, "docx")))
    for name in ("word/document.xml", "word/styles.xml"):
        for ppr in etree.fromstring(package.read(name)).iter(qn("w:pPr")):
            tags = [etree.QName(child).localname for child in ppr]
            ranks = [PPR_ORDER.index(t) for t in tags if t in PPR_ORDER]
            assert ranks == sorted(ranks), (name, tags)
