"""A new kind of question needs no change outside the test: a 1–5 rating with a label per step, defined
here and nowhere else, goes through the web form (filled, a bad value refused next to it with what was
typed kept), storage (one cell, its number), the read-only view and the print view (its label), and the
cycle's version comparison (the change in words), as tests/test_any_form.py does for a whole form.

The kind inherits everything it does not say from forms.kinds.Field: its widget and its read-only
rendering are the ones any field gets (templates/fields/kinds/), its "filled" and its text come from its
own is_filled and as_text. Whatever asks a field for its kind by name ("text", "choice", ...) instead of
asking the field itself leaves the rating out, and fails here.

Other tests append below the marked end (the Word and Excel exports, an uploaded template using its
placeholder, the placeholder help page): they use RATING_FORM, the `rating_form` fixture and
`filled_rating_plan`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import pytest
from wtforms import StringField

import forms
from conftest import text_of
from forms.definition import FormDefinition, Part, Section
from forms.kinds import Field, Signature, Table, Text
from pop.models import Answer, Plan, PlanVersion
from support import as_post, doc, shown_values, stored
from test_any_form import _caches, _person_id  # what keeps a form by its key, in one place

# ---------------------------------------------------------------- the kind, defined here only

STEPS = ((1, "onvoldoende"), (2, "matig"), (3, "voldoende"), (4, "goed"), (5, "uitstekend"))
RATING_MESSAGE = "Kies een cijfer van 1 tot en met 5: 1 is onvoldoende, 5 is uitstekend."


class RatingInput(StringField):
    """A box for the number: what was typed stays in it when it is refused."""

    def __init__(self, *args, steps=STEPS, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = dict(steps)

    def process_formdata(self, valuelist):
        self.data = None
        raw = " ".join(valuelist or ()).strip()
        if not raw:
            return
        if not raw.isdigit() or int(raw) not in self.steps:
            raise ValueError(RATING_MESSAGE)
        self.data = int(raw)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return "" if self.data is None else str(self.data)


@dataclass(frozen=True)
class Rating(Field):
    """A rating of 1 to 5, each step with its label; stored as its number, read as number and label."""

    steps: tuple[tuple[int, str], ...] = STEPS
    kind: ClassVar[str] = "rating"

    def encode(self, value):
        return None if value is None else str(int(value))

    def decode(self, text):
        number = int(text) if text and text.isdigit() else None
        return number if number in dict(self.steps) else None

    def wtf_field(self):
        return RatingInput(self.label, steps=self.steps)

    def from_form(self, bound):
        return bound.data

    def is_filled(self, value):
        return value is not None

    def as_text(self, value):
        return f"{value} – {dict(self.steps)[value]}" if value in dict(self.steps) else ""

    # Its sample answers, for the placeholder help page's example plan and an upload's trial plans.
    def example(self, today):
        return 4

    def largest(self, turn, text, day):
        return self.steps[turn % len(self.steps)][0]

    def turns(self):
        return len(self.steps)


# ---------------------------------------------------------------- a tiny form using it

KEY = "proef-cijfer"
TITLE = "Proefformulier Cijfer (alleen voor de test)"
SHORT = "Cijfer-proef"
SUBJECT = "Presenteren voor een zaal"
LEVEL_LABEL = "Hoe beoordeelt u uw huidige niveau?"

RATING_FORM = FormDefinition(
    key=KEY, title=TITLE, short_title=SHORT,
    parts=(
        Part(key="inschatting", title="Cijfer: uw inschatting", nav_title="Inschatting", sections=(
            Section("Waar staat u?", items=(
                Text("cijfer_onderwerp", "Waarin wilt u groeien?"),
                Rating("cijfer_niveau", LEVEL_LABEL,
                       help=("1 is onvoldoende, 5 is uitstekend.",)),
            )),
        )),
        Part(key="cijfer-akkoord", cycle="afronding", title="Cijfer: akkoord", nav_title="Akkoord",
             sections=(Section("Handtekeningen", items=(
                 Signature("cijfer_ok_zelf", "Akkoord, medewerker", signer="employee"),
                 Signature("cijfer_ok_baas", "Akkoord, leidinggevende", signer="manager"),
             )),)),
    ),
)


@pytest.fixture
def rating_form(app, monkeypatch, tmp_path):
    """The tiny form registered as forms/__init__.py registers a form, for this test only."""
    assert KEY not in forms.FORMS
    monkeypatch.setitem(forms.FORMS, KEY, RATING_FORM)
    for cache in _caches():
        cache.cache_clear()
    app.instance_path = str(tmp_path / "instance")
    (tmp_path / "instance").mkdir()
    yield RATING_FORM
    for cache in _caches():
        cache.cache_clear()


def new_rating_plan(app, org, anna, period="2027") -> int:
    response = anna.post("/plans/nieuw", data={"employee": _person_id(app, org["a"]), "form_key": KEY,
                                               "period": period})
    assert response.status_code == 302, text_of(response)[:1500]
    match = re.fullmatch(r"/plans/(\d+)/inschatting", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def save(client, plan_id, part_key, data):
    shown = as_post(shown_values(client.get(f"/plans/{plan_id}/{part_key}")))
    response = client.post(f"/plans/{plan_id}/{part_key}", data={**shown, **data, "go": "stay"})
    assert response.status_code == 302, (part_key, response.status_code, text_of(response)[:2000])
    return response


def agree(app, anna, marco, plan_id):
    """Shared and signed by both: the plan is vastgesteld, a version is kept."""
    if _state(app, plan_id) == "voorbereiding":
        assert anna.post(f"/plans/{plan_id}/stap/delen", data={}).status_code == 302
    save(anna, plan_id, "cijfer-akkoord", {"cijfer_ok_zelf": "y"})
    save(marco, plan_id, "cijfer-akkoord", {"cijfer_ok_baas": "y"})
    assert _state(app, plan_id) == "vastgesteld"


def _state(app, plan_id):
    with app.app_context():
        return Plan.get_by_id(plan_id).status


def filled_rating_plan(app, org, login, level="4"):
    """A plan of the rating form with its rating given over HTTP, shared and agreed by both:
    (plan_id, anna, marco)."""
    anna, marco = login(org["a"]), login(org["m1"])
    plan_id = new_rating_plan(app, org, anna)
    save(anna, plan_id, "inschatting", {"cijfer_onderwerp": SUBJECT, "cijfer_niveau": level})
    agree(app, anna, marco, plan_id)
    return plan_id, anna, marco


def _field_block(page, key):
    blocks = doc(page).xpath(f'//*[@id="veld-{key}"]')
    assert len(blocks) == 1, page.get_data(as_text=True)[:3000]
    return blocks[0]


# ---------------------------------------------------------------- the tests

def test_the_rating_is_asked_on_the_web_form_and_stored_as_its_number(app, org, login, rating_form):
    anna = login(org["a"])
    plan_id = new_rating_plan(app, org, anna)
    page = anna.get(f"/plans/{plan_id}/inschatting")
    assert page.status_code == 200
    # Its own input, named by its label, and its help under the question.
    block = _field_block(page, "cijfer_niveau")
    inputs = block.xpath('.//input[@name="cijfer_niveau"]')
    assert len(inputs) == 1 and inputs[0].get("id") == "cijfer_niveau"
    assert [l.text_content().strip() for l in block.xpath('.//label[@for="cijfer_niveau"]')] == [LEVEL_LABEL]
    assert "1 is onvoldoende, 5 is uitstekend." in block.text_content()
    assert shown_values(page)["cijfer_niveau"] == ""

    # A step the scale does not have, and no number at all: refused next to the field, in Dutch, with
    # what was typed kept in both boxes, and nothing stored.
    for bad in ("6", "abc", "0", "-1", "4,5"):
        response = anna.post(f"/plans/{plan_id}/inschatting", data={
            "cijfer_onderwerp": SUBJECT, "cijfer_niveau": bad, "go": "stay"})
        assert response.status_code == 422, bad
        block = _field_block(response, "cijfer_niveau")
        errors = block.xpath('.//*[@id="cijfer_niveau-error"]')
        assert errors and errors[0].text_content().strip() == RATING_MESSAGE, bad
        box = block.xpath('.//input[@name="cijfer_niveau"]')[0]
        assert box.get("value") == bad and box.get("aria-invalid") == "true"
        assert "cijfer_niveau-error" in box.get("aria-describedby").split()
        assert shown_values(response)["cijfer_onderwerp"] == SUBJECT
        values = stored(app, plan_id)
        assert values["cijfer_niveau"] is None and values["cijfer_onderwerp"] == ""

    save(anna, plan_id, "inschatting", {"cijfer_onderwerp": SUBJECT, "cijfer_niveau": " 4 "})
    values = stored(app, plan_id)
    assert values["cijfer_niveau"] == 4 and values["cijfer_onderwerp"] == SUBJECT
    # One cell: its number, nothing else.
    with app.app_context():
        cells = [(a.row, a.column, a.value) for a in
                 Answer.select().where((Answer.plan == plan_id) & (Answer.field == "cijfer_niveau"))]
    assert cells == [(0, "", "4")]
    # What was saved is what the page shows again, and the error is gone.
    page = anna.get(f"/plans/{plan_id}/inschatting")
    assert shown_values(page)["cijfer_niveau"] == "4"
    assert not doc(page).xpath('//*[@id="cijfer_niveau-error"]')
    # Emptied again: stored as nothing.
    save(anna, plan_id, "inschatting", {"cijfer_niveau": ""})
    assert stored(app, plan_id)["cijfer_niveau"] is None


def test_the_rating_reads_as_its_label_for_the_manager_and_on_paper(app, org, login, rating_form):
    anna, marco, hr = login(org["a"]), login(org["m1"]), login(org["hr"])
    plan_id = new_rating_plan(app, org, anna)
    assert anna.post(f"/plans/{plan_id}/stap/delen", data={}).status_code == 302
    # Shared and not yet given: the manager's document says so, in words, not an empty box.
    page = marco.get(f"/plans/{plan_id}/inschatting")
    assert page.status_code == 200
    assert not doc(page).xpath('//input[@name="cijfer_niveau"]')
    items = [i.text_content() for i in doc(page).xpath('//*[contains(@class, "read-only-item")]')
             if LEVEL_LABEL in i.text_content()]
    assert len(items) == 1 and "Niet ingevuld" in items[0], items

    save(anna, plan_id, "inschatting", {"cijfer_onderwerp": SUBJECT, "cijfer_niveau": "4"})
    page = marco.get(f"/plans/{plan_id}/inschatting")
    items = [i.text_content() for i in doc(page).xpath('//*[contains(@class, "read-only-item")]')
             if LEVEL_LABEL in i.text_content()]
    assert len(items) == 1 and "4 – goed" in items[0] and "Niet ingevuld" not in items[0], items
    assert not doc(page).xpath('//input[@name="cijfer_niveau"]')

    # The print view: the question and the answer with its label.
    page = hr.get(f"/plans/{plan_id}/afdrukken")
    assert page.status_code == 200
    body = text_of(page)
    assert LEVEL_LABEL in body and "4 – goed" in body and SUBJECT in body
    assert body.index(LEVEL_LABEL) < body.index("4 – goed")


def test_the_version_comparison_names_the_change_of_a_rating_in_words(app, org, login, rating_form):
    plan_id, anna, marco = filled_rating_plan(app, org, login, level="3")
    response = marco.post(f"/plans/{plan_id}/stap/bijstellen", data={})
    assert response.status_code == 302
    save(anna, plan_id, "inschatting", {"cijfer_niveau": "5"})
    agree(app, anna, marco, plan_id)
    with app.app_context():
        assert [v.number for v in PlanVersion.select().where(PlanVersion.plan == plan_id)
                .order_by(PlanVersion.number)] == [1, 2]
    page = marco.get(f"/plans/{plan_id}/vergelijken?van=1&naar=2")
    assert page.status_code == 200
    changed = doc(page).xpath('//table[@class="compare"]//tr[@class="changed"]')
    assert len(changed) == 1, page.get_data(as_text=True)[:3000]
    cells = [c.text_content().strip() for c in changed[0].xpath("./th | ./td")]
    assert LEVEL_LABEL in cells[0]
    assert cells[1:] == ["3 – voldoende", "5 – uitstekend"]


# ---------------------------------------------------------------- the rating as a table's column

ROWS_KEY = "proef-cijfers"
ROWS_FORM = FormDefinition(
    key=ROWS_KEY, title="Proefformulier Cijfers per rij (alleen voor de test)", short_title="Cijfers-proef",
    parts=(
        Part(key="vaardigheden", title="Cijfers: uw vaardigheden", nav_title="Vaardigheden", sections=(
            Section("Per vaardigheid", items=(
                Table("rijen", "Vaardigheden", min_rows=2, columns=(
                    Text("vaardigheid", "Vaardigheid"),
                    Rating("niveau", "Niveau"),
                )),
                Table("blokken", "Terugblik", layout="blocks", row_title="Terugblik", columns=(
                    Text("wat", "Wat ging er goed?"),
                    Rating("oordeel", "Hoe tevreden bent u?"),
                )),
            )),
        )),
        Part(key="cijfers-akkoord", cycle="afronding", title="Cijfers: akkoord", nav_title="Akkoord",
             sections=(Section("Handtekeningen", items=(
                 Signature("rijen_ok_zelf", "Akkoord, medewerker", signer="employee"),
                 Signature("rijen_ok_baas", "Akkoord, leidinggevende", signer="manager"),
             )),)),
    ),
)


@pytest.fixture
def rows_form(app, monkeypatch):
    monkeypatch.setitem(forms.FORMS, ROWS_KEY, ROWS_FORM)
    for cache in _caches():
        cache.cache_clear()
    yield ROWS_FORM
    for cache in _caches():
        cache.cache_clear()


def test_a_rating_in_a_tables_rows_is_asked_refused_and_read_per_cell(app, org, login, rows_form):
    anna, marco = login(org["a"]), login(org["m1"])
    response = anna.post("/plans/nieuw", data={"employee": _person_id(app, org["a"]), "form_key": ROWS_KEY,
                                               "period": "2027"})
    assert response.status_code == 302, text_of(response)[:1500]
    plan_id = int(re.fullmatch(r"/plans/(\d+)/vaardigheden", response.headers["Location"]).group(1))
    url = f"/plans/{plan_id}/vaardigheden"
    page = anna.get(url)
    # A cell of its own in each of the grid's rows, named for screen readers by its column and row;
    # in a block, the question any field gets.
    for row in (0, 1):
        cell = doc(page).xpath(f'//tr[@id="rij-rijen-{row}"]//input[@name="rijen-{row}-niveau"]')
        assert len(cell) == 1
        assert [l.text_content() for l in doc(page).xpath(f'//label[@for="rijen-{row}-niveau"]')] \
            == [f"Niveau, rij {row + 1}"]
    block = _field_block(page, "blokken-0-oordeel")
    assert "Hoe tevreden bent u?" in block.text_content() and block.xpath('.//input[@name="blokken-0-oordeel"]')

    typed = {"rijen-0-vaardigheid": "Presenteren", "rijen-0-niveau": "3",
             "rijen-1-vaardigheid": "Plannen", "rijen-1-niveau": "9",
             "blokken-0-wat": "De training", "blokken-0-oordeel": "abc", "go": "stay"}
    response = anna.post(url, data=typed)
    assert response.status_code == 422
    for name in ("rijen-1-niveau", "blokken-0-oordeel"):
        errors = doc(response).xpath(f'//*[@id="{name}-error"]')
        assert errors and errors[0].text_content().strip() == RATING_MESSAGE, name
        assert doc(response).xpath(f'//input[@name="{name}"]')[0].get("value") == typed[name]
    assert not doc(response).xpath('//*[@id="rijen-0-niveau-error"]')  # the good one is not blamed
    assert shown_values(response)["rijen-0-niveau"] == "3"
    assert stored(app, plan_id)["rijen"] == []

    save(anna, plan_id, "vaardigheden", {**typed, "rijen-1-niveau": "5", "blokken-0-oordeel": "4"})
    values = stored(app, plan_id)
    assert values["rijen"] == [{"vaardigheid": "Presenteren", "niveau": 3},
                               {"vaardigheid": "Plannen", "niveau": 5}]
    assert values["blokken"] == [{"wat": "De training", "oordeel": 4}]
    with app.app_context():
        cells = sorted((a.field, a.row, a.column, a.value) for a in Answer.select().where(
            (Answer.plan == plan_id) & Answer.column.in_(["niveau", "oordeel"])))
    assert cells == [("blokken", 0, "oordeel", "4"), ("rijen", 0, "niveau", "3"), ("rijen", 1, "niveau", "5")]

    # Read by the manager: each cell as its number and label.
    assert anna.post(f"/plans/{plan_id}/stap/delen", data={}).status_code == 302
    page = marco.get(url)
    cells = [td.text_content().strip() for td in doc(page).xpath('//td[@data-label="Niveau"]')]
    assert cells == ["3 – voldoende", "5 – uitstekend"]
    assert "4 – goed" in text_of(page) and not doc(page).xpath('//input[contains(@name, "niveau")]')


# ---------------------------------------------------------------- end of the web tests (helper "kinds-web")
# Tests of the exports append below this line, using RATING_FORM, rating_form and filled_rating_plan.


# --- placeholders and uploads (helper placeholders)
# The rating registered no placeholders of its own (exports/kind_placeholders.py): it gets the default,
# {{ cijfer_niveau }} holding its as_text, in the help page, the upload's check and both engines.

def _upload(hr, data: bytes, filename: str):
    import io
    return hr.post("/sjablonen", data={"form_key": KEY, "file": (io.BytesIO(data), filename)},
                   content_type="multipart/form-data")


def _upload_and_activate(hr, data: bytes, filename: str) -> int:
    response = _upload(hr, data, filename)
    assert response.status_code == 302, text_of(response)[:2000]
    template_id = int(re.search(r"/sjablonen/(\d+)$", response.headers["Location"]).group(1))
    assert hr.post(f"/sjablonen/{template_id}/activeren", data={}).status_code == 302
    return template_id


def test_the_trial_plans_of_an_upload_take_the_ratings_own_sample_answers(rating_form):
    from exports.uploads.sample_plans import trial_contexts
    trials = trial_contexts(RATING_FORM)
    shown = [context["cijfer_niveau"] for _, context in trials]
    # The example plan its example, the full plans each step in turn, the empty plan nothing.
    assert shown[0] == "4 – goed"
    assert {"1 – onvoldoende", "2 – matig", "3 – voldoende", "4 – goed", "5 – uitstekend"} <= set(shown[1:-1])
    assert shown[-1] == ""
    assert [context["cijfer_onderwerp"] for _, context in trials][-1] == ""


def test_an_uploaded_word_template_prints_the_rating_by_placeholder_and_by_merge_field(
        app, org, login, rating_form):
    import io
    from docx import Document
    from word_builder import p, r, simple_field, word_document
    plan_id, anna, marco = filled_rating_plan(app, org, login, level="4")
    hr = login(org["hr"])
    data = word_document("".join((
        p(r("Onderwerp: {{ cijfer_onderwerp }}")),
        p(r("Niveau: {{ cijfer_niveau }}")),
        p(r("{% if cijfer_niveau %}Beoordeeld{% else %}Niet beoordeeld{% endif %}")),
        # HR's own name for it in Word: the question's label, as the help page offers it.
        p(r("Veld: "), simple_field('"Hoe beoordeelt u uw huidige niveau"')),
    )))
    template_id = _upload_and_activate(hr, data, "cijfer.docx")
    report = text_of(hr.get(f"/sjablonen/{template_id}"))
    unused = report[report.index("Vragen die het sjabloon niet gebruikt (2)"):]
    assert "Akkoord, medewerker" in unused and LEVEL_LABEL not in unused

    response = marco.get(f"/plans/{plan_id}/download.docx")
    assert response.status_code == 200
    texts = [x.text for x in Document(io.BytesIO(response.data)).paragraphs]
    assert texts == [f"Onderwerp: {SUBJECT}", "Niveau: 4 – goed", "Beoordeeld", "Veld: 4 – goed"], texts
    # The layout of the plan is the template's, not the default one's fallback.
    assert "kon dit plan niet invullen" not in text_of(marco.get(f"/plans/{plan_id}"))


def test_an_uploaded_excel_template_prints_the_rating(app, org, login, rating_form):
    import io
    from openpyxl import Workbook, load_workbook
    plan_id, anna, marco = filled_rating_plan(app, org, login, level="2")
    hr = login(org["hr"])
    wb = Workbook()
    wb.active["A1"], wb.active["B1"] = "Niveau", "{{ cijfer_niveau }}"
    wb.active["A2"], wb.active["B2"] = "Onderwerp", "{{ cijfer_onderwerp }}"
    out = io.BytesIO()
    wb.save(out)
    _upload_and_activate(hr, out.getvalue(), "cijfer.xlsx")

    response = anna.get(f"/plans/{plan_id}/download.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=2, max_col=2)] == [
        ["Niveau", "2 – matig"], ["Onderwerp", SUBJECT]]


def test_an_upload_naming_the_rating_wrongly_is_refused_with_the_right_name(app, org, login, rating_form):
    from word_builder import p, r, word_document
    hr = login(org["hr"])
    response = _upload(hr, word_document(p(r("{{ cijfer_nivo }}"))), "fout.docx")
    assert response.status_code == 422
    assert "Bedoelt u {{ cijfer_niveau }}?" in text_of(response)


def test_the_placeholder_help_page_lists_the_rating(app, org, login, rating_form):
    hr = login(org["hr"])
    page = hr.get(f"/sjablonen/hulp/{KEY}")
    assert page.status_code == 200
    rows = {}
    for tr in doc(page).xpath('//table[contains(@class, "placeholders")]/tbody/tr'):
        cells = [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        rows[cells[0]] = cells[1:]
    # Its placeholder, its name in Word (the label), what it is, and the kind's own example answer.
    assert rows["{{ cijfer_niveau }}"] == [f"«{LEVEL_LABEL}»", LEVEL_LABEL, "4 – goed"]
    assert rows["{{ cijfer_onderwerp }}"][1] == "Waarin wilt u groeien?"


def test_every_placeholder_the_help_page_lists_is_what_hrs_names_mean():
    """The help page, HR's names and the context read one source per kind: every placeholder listed,
    of every form and of the rating's, means itself when typed, and so does its name in Word."""
    from exports.field_names import resolve
    from exports.placeholders import catalogue
    for definition in (*forms.FORMS.values(), RATING_FORM):
        rows = [row for group in catalogue(definition) for row in group["rows"]]
        assert rows, definition.key
        for row in rows:
            assert resolve(row["placeholder"], definition) == row["placeholder"], (definition.key, row)
            assert resolve(row["word"], definition) == row["placeholder"], (definition.key, row)
        loops = [column for group in catalogue(definition) for loop in group["loops"]
                 for column in loop["columns"]]
        for column in loops:
            assert resolve(column["placeholder"], definition) == column["placeholder"], (definition.key, column)


def test_a_kind_that_registers_placeholders_of_its_own_gets_them_everywhere():
    """A kind may say more than its text: one registration (exports/kind_placeholders.py) gives a
    rating per step an X, and the context, the help page and HR's names all have them. Registered for
    a subclass of the rating made here, so the rating itself keeps the default in the other tests."""
    from exports.context import build_context, example_plan_context
    from exports.field_names import resolve
    from exports.kind_placeholders import CHOSEN, KindPlaceholders, Placeholder, placeholders_of
    from exports.placeholders import catalogue
    from types import SimpleNamespace

    @dataclass(frozen=True)
    class StepRating(Rating):
        pass

    @placeholders_of.register(StepRating)
    class StepRatingPlaceholders(KindPlaceholders):
        def extras(self, key, value):
            return {f"{key}_{n}": CHOSEN if n == value else "" for n, _ in self.field.steps}

        def placeholders(self, key, in_row=False):
            return [self.whole(key, in_row, options=(key, self.label))] + [
                Placeholder(f"{key}_{n}", f"{self.label}: X bij {n} ({word})", f"{self.label}: {word}",
                            option_of=key, chosen_by=(str(n), word)) for n, word in self.field.steps]

    definition = FormDefinition(key="proef-stappen", title="Proef stappen", short_title="Stappen", parts=(
        Part(key="stap", title="Stap", nav_title="Stap", sections=(
            Section("Waar staat u?", items=(StepRating("niveau", "Niveau"),)),)),))
    person = SimpleNamespace(naam="Anna", voornaam="Anna", tussenvoegsel="", achternaam="Alfa", email="",
                             functie="", afdeling="")
    plan = SimpleNamespace(employee=person, manager=None, period="2027", status_label="Uitvoering",
                           updated_at=None)
    context = build_context(plan, definition, {"niveau": 2})
    assert context["niveau"] == "2 – matig"  # what it did not say stays the default: its text
    assert [context[f"niveau_{n}"] for n in range(1, 6)] == ["", "X", "", "", ""]
    # The help page lists each step with the kind's example answer (4) chosen.
    rows = {row["placeholder"]: row for group in catalogue(definition) for row in group["rows"]}
    assert rows["niveau_4"]["description"] == "Niveau: X bij 4 (goed)" and rows["niveau_4"]["example"] == "X"
    assert rows["niveau_3"]["example"] == "" and rows["niveau"]["example"] == "4 – goed"
    assert example_plan_context(definition)[0]["niveau_4"] == "X"
    # HR's names for a step, as for any option: "Niveau=goed", "Niveau 4", the placeholder itself.
    assert resolve("Niveau=goed", definition) == "niveau_4"
    assert resolve("Niveau 5", definition) == "niveau_5"
    assert resolve("niveau_1", definition) == "niveau_1"
    assert resolve("Niveau", definition) == "niveau"


def test_a_rating_in_a_tables_rows_has_its_placeholder_in_the_row():
    """As a column: {{ r.niveau }} inside the row loop on the help page (Excel: rijen[0].niveau), in the
    rows of the example and trial plans with the kind's samples, and known to HR's names."""
    from exports.context import example_plan_context
    from exports.field_names import resolve
    from exports.placeholders import catalogue
    from exports.uploads.sample_plans import trial_contexts
    loops = {loop["key"]: loop for group in catalogue(ROWS_FORM) for loop in group["loops"]}
    columns = {c["placeholder"]: c for c in loops["rijen"]["columns"]}
    assert list(columns) == ["r.vaardigheid", "r.niveau"]
    assert columns["r.niveau"]["description"] == "kolom ‘Niveau’ (Excel: rijen[0].niveau)"
    assert columns["r.niveau"]["example"] == "4 – goed"
    assert [row["niveau"] for row in example_plan_context(ROWS_FORM)[0]["rijen"]] == ["4 – goed"] * 2
    full = trial_contexts(ROWS_FORM)[1][1]  # the first full plan: every row, the steps in turn
    assert [row["niveau"] for row in full["rijen"][:6]] == [
        "1 – onvoldoende", "2 – matig", "3 – voldoende", "4 – goed", "5 – uitstekend", "1 – onvoldoende"]
    assert resolve("r.oordeel", ROWS_FORM) == "r.oordeel"


# --- exports (helper exports)
# The default Word and Excel layouts ask the kind's type (exports/word/default.py word_layout,
# exports/excel/default.py excel_layout). The rating registered neither: it prints as any question,
# its text (as_text) in the box under it in Word and in the cell beside it in Excel, in a grid's cell
# and in a block's line. A kind that registers its own layouts gets them.

def _docx_lines(data: bytes) -> list[str]:
    """The document's body in order: a paragraph's text, or a table's cells' texts joined by " | "."""
    import io
    from docx import Document
    from docx.oxml.ns import qn

    def text(element):
        return "".join(t.text or "" for t in element.iter(qn("w:t")))

    lines = []
    for child in Document(io.BytesIO(data)).element.body.iterchildren():
        if child.tag == qn("w:p") and text(child).strip():
            lines.append(text(child))
        elif child.tag == qn("w:tbl"):
            for row in child.iter(qn("w:tr")):
                lines.append(" | ".join(text(cell) for cell in row.iter(qn("w:tc"))))
    return lines


def _sheet_rows(data: bytes, title: str) -> list[list]:
    import io
    from openpyxl import load_workbook
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(data))[title].iter_rows()]


def test_the_default_word_and_excel_exports_print_the_ratings_label_where_it_is_asked(
        app, org, login, rating_form):
    from export_support import DOCX_MIME, XLSX_MIME
    plan_id, anna, marco = filled_rating_plan(app, org, login, level="4")

    response = marco.get(f"/plans/{plan_id}/download.docx")
    assert response.status_code == 200 and response.mimetype == DOCX_MIME
    lines = _docx_lines(response.data)
    # The question in bold, its prompt, then the box with the answer: number and label, nothing else.
    at = lines.index(LEVEL_LABEL)
    assert lines[at + 1:at + 3] == ["1 is onvoldoende, 5 is uitstekend.", "4 – goed"], lines
    assert "Waarin wilt u groeien? | " + SUBJECT in lines

    response = marco.get(f"/plans/{plan_id}/download.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX_MIME
    rows = _sheet_rows(response.data, "Inschatting")
    # Question | answer, on its own row, the answer as its text.
    assert [LEVEL_LABEL, "4 – goed"] in [row[:2] for row in rows], rows
    assert ["Waarin wilt u groeien?", SUBJECT] in [row[:2] for row in rows]


def _rows_plan_documents(app, values, definition=ROWS_FORM):
    """The default Word document and workbook of a plan of this form (registered under ROWS_KEY) with
    these answers."""
    import datetime as dt
    from types import SimpleNamespace

    from exports.context import build_context
    from exports.excel.default import plan_workbook
    from exports.templates import compiled_default_docx

    person = SimpleNamespace(naam="Anna Test", voornaam="Anna", tussenvoegsel="", achternaam="Test",
                             email="anna@voorbeeld.nl", functie="Adviseur", afdeling="Advies")
    plan = SimpleNamespace(id=1, form_key=ROWS_KEY, employee=person, manager=person, period="2027",
                           status="uitvoering", status_label="Uitvoering", updated_at=dt.datetime(2027, 3, 1, 9),
                           costs_euro=None, costs_uren=None)
    values = {**{f.key: f.empty() for f in definition.fields}, **values}
    with app.app_context():
        docx = compiled_default_docx(ROWS_KEY).render(build_context(plan, definition, values))
        return docx, plan_workbook(plan, definition, values)


ROWS_VALUES = {"rijen": [{"vaardigheid": "Plannen", "niveau": 2}, {"vaardigheid": "Presenteren", "niveau": 5}],
               "blokken": [{"wat": "De workshop", "oordeel": 4}]}


def test_a_rating_nobody_laid_out_prints_its_text_in_a_grids_cell_and_a_blocks_line(app, rows_form):
    docx, xlsx = _rows_plan_documents(app, ROWS_VALUES)
    lines = _docx_lines(docx)
    # The grid: a column per question, the rating's cell its text; the block: a box under the question.
    assert lines[lines.index("Vaardigheid | Niveau") + 1:][:2] == [
        "Plannen | 2 – matig", "Presenteren | 5 – uitstekend"], lines
    at = lines.index("Hoe tevreden bent u?")
    assert lines[at + 1] == "4 – goed" and lines.index("Wat ging er goed? | De workshop") < at
    rows = [row[:2] for row in _sheet_rows(xlsx, "Vaardigheden")]
    at = rows.index(["Vaardigheid", "Niveau"])
    assert rows[at + 1:at + 3] == [["Plannen", "2 – matig"], ["Presenteren", "5 – uitstekend"]], rows
    assert ["Hoe tevreden bent u?", "4 – goed"] in rows and ["Wat ging er goed?", "De workshop"] in rows


def test_a_kind_that_registers_its_own_word_and_excel_layout_gets_it(app, monkeypatch):
    """A subclass made here (so that no other test sees its registrations): in Word its answer on the
    line beside the question, in a grid centred in a narrow column; in Excel the scale beside the
    answer, and a narrow column of its own in a grid."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from exports.excel.default import ExcelKind, excel_layout, put
    from exports.word.default import WordKind, word_layout

    @dataclass(frozen=True)
    class ScaledRating(Rating):
        pass

    @word_layout.register(ScaledRating)
    class ScaledRatingWord(WordKind):
        width, align = 2.5, WD_ALIGN_PARAGRAPH.CENTER

        def question(self, doc, prefix=""):
            doc.line(self.field, self.placeholder(prefix))

    @excel_layout.register(ScaledRating)
    class ScaledRatingExcel(ExcelKind):
        width = 7

        def write(self, sheet, row, value, label=True):
            row = super().write(sheet, row, value, label)
            put(sheet.ws, row - 1, 3, f"schaal 1–{len(self.field.steps)}")
            return row

    definition = FormDefinition(key=ROWS_KEY, title="Proef", short_title="Proef", parts=(
        Part(key="deel", title="Deel", nav_title="Deel", sections=(Section("Vragen", items=(
            ScaledRating("los", "Uw niveau nu?"),
            Table("rijen", "Vaardigheden", columns=(Text("vaardigheid", "Vaardigheid"),
                                                    ScaledRating("niveau", "Niveau"))),
        )),)),))
    monkeypatch.setitem(forms.FORMS, ROWS_KEY, definition)
    for cache in _caches():
        cache.cache_clear()
    try:
        docx, xlsx = _rows_plan_documents(app, {"los": 3, "rijen": [{"vaardigheid": "Plannen", "niveau": 2}]},
                                          definition)
    finally:
        for cache in _caches():
            cache.cache_clear()
    lines = _docx_lines(docx)
    assert "Uw niveau nu? | 3 – voldoende" in lines, lines
    assert "Plannen | 2 – matig" in lines
    import io
    from docx import Document
    grid = Document(io.BytesIO(docx)).tables[-1]
    assert grid.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert abs(grid.columns[1].width.cm - 2.5) < 0.01

    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(xlsx))["Deel"]
    rows = [[c.value for c in row][:3] for row in sheet.iter_rows()]
    assert ["Uw niveau nu?", "3 – voldoende", "schaal 1–5"] in rows, rows
    at = [r[:2] for r in rows].index(["Vaardigheid", "Niveau"])
    assert rows[at + 1][:2] == ["Plannen", "2 – matig"]


# --- a kind that brings its own template (helper rating-widget)
# The rating above draws the box any field gets (templates/fields/kinds/field.html). A kind chooses its
# template by Field.template, a name the app's Jinja loader resolves; nothing says that name must be
# under templates/. RatingButtons is the rating with a template this test supplies (a DictLoader put in
# front of the app's loader): five radio buttons in a fieldset named by the question, its error list
# beside them as choice.html has it, the same in a table's cell, and its answer read as number and
# label; one browser test clicks a step. The rating's own tests above keep its box.
#
# What keeps drawn templates: the app's Jinja environment (one per app, so per test), the process-wide
# bytecode cache of pop/web.py (keyed by the template's name and checked against its source, so a name
# of our own is never mistaken for a file's), and pop/fragments.py's part bodies and print bodies per
# process (keyed by plan id, form key and id(definition): cleared here, so that every page of these
# tests is drawn through the loader and none is left for another test).

from wtforms import RadioField

from forms.kinds import choices

BUTTONS_KEY = "proef-knoppen"
BUTTONS_TEMPLATE = "proef/cijfer_knoppen.html"  # not a file of templates/: the fixture checks
BUTTONS_SOURCE = """\
{# A rating as its steps (RatingButtons in tests/test_any_kind.py), supplied by the test. #}
{% from "fields/macros.html" import errors, help_list, box %}

{% macro steps(bound, described_by=()) -%}
  {% for option in bound %}<label class="option">{{ option(**aria(bound, *described_by)) }} {{ option.label.text }}</label>{% endfor %}
{%- endmacro %}

{% macro edit(item, bound, stored=None, level=4, may_sign=False, title=None) -%}
  <fieldset class="q q-rating{% if bound.errors %} has-error{% endif %}" id="veld-{{ bound.id }}">
    <legend>{{ item.label }}</legend>
    {{ help_list(item, bound.id ~ '-help') }}
    <div class="options">{{ steps(bound, ((bound.id ~ '-help') if item.help else '', (bound.id ~ '-help-intro') if item.intro else '')) }}</div>
    {{ errors(bound) }}
  </fieldset>
{%- endmacro %}

{% macro cell(col, cell, table, stored, row_no) -%}
  <fieldset class="cell-options">
    <legend class="sr-only">{{ col.label }}, rij {{ row_no }}</legend>
    {{ steps(cell) }}
  </fieldset>
{%- endmacro %}

{# As a document only the step given, in words; on paper the whole scale, the step given circled. #}
{% macro show(item, value, level=4, doc=False, with_help=True) -%}
  {% if doc %}
    <div class="p-line p-rating"><span class="p-label">{{ item.label }}</span> {{ box(item.as_text(value), doc) }}</div>
  {% else %}
    <div class="p-line p-rating"><span class="p-label">{{ item.label }}</span> <div class="box p-options">{% for n, _ in item.steps %}<span class="{{ 'chosen' if n == value else 'option' }}">{{ item.as_text(n) }}</span>{% if not loop.last %} / {% endif %}{% endfor %}</div></div>
  {% endif %}
{%- endmacro %}
"""


class RatingRadios(RadioField):
    """The steps as radio buttons, "4 – goed"; a value the scale does not have is refused with the
    rating's own message, as its box refuses it."""

    def __init__(self, *args, steps=STEPS, **kwargs):
        super().__init__(*args, choices=choices((n, f"{n} – {word}") for n, word in steps), coerce=int,
                         validate_choice=False, **kwargs)
        self.steps = dict(steps)

    process_formdata = RatingInput.process_formdata


@dataclass(frozen=True)
class RatingButtons(Rating):
    """The rating, drawn by a template of its own."""

    template: ClassVar[str] = BUTTONS_TEMPLATE

    def wtf_field(self):
        return RatingRadios(self.label, steps=self.steps)


BUTTONS_FORM = FormDefinition(
    key=BUTTONS_KEY, title="Proefformulier Cijferknoppen (alleen voor de test)", short_title="Knoppen-proef",
    parts=(
        Part(key="inschatting", title="Cijfer: uw inschatting", nav_title="Inschatting", sections=(
            Section("Waar staat u?", items=(
                Text("cijfer_onderwerp", "Waarin wilt u groeien?"),
                RatingButtons("cijfer_niveau", LEVEL_LABEL, help=("1 is onvoldoende, 5 is uitstekend.",)),
            )),
        )),
        Part(key="vaardigheden", title="Cijfers: uw vaardigheden", nav_title="Vaardigheden", sections=(
            Section("Per vaardigheid", items=(
                Table("rijen", "Vaardigheden", min_rows=2, columns=(
                    Text("vaardigheid", "Vaardigheid"),
                    RatingButtons("niveau", "Niveau"),
                )),
            )),
        )),
        RATING_FORM.parts[1],  # the akkoord lines
    ),
)
STEP_LABELS = [f"{n} – {word}" for n, word in STEPS]


@pytest.fixture
def buttons_form(app, monkeypatch):
    """The form registered, and the kind's template in front of the app's own templates."""
    import os

    from jinja2 import ChoiceLoader, DictLoader

    from pop import fragments
    assert not os.path.exists(os.path.join(app.root_path, app.template_folder, BUTTONS_TEMPLATE))
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader(
        [DictLoader({BUTTONS_TEMPLATE: BUTTONS_SOURCE}), app.jinja_env.loader]))
    monkeypatch.setitem(forms.FORMS, BUTTONS_KEY, BUTTONS_FORM)

    def forget():
        for cache in _caches():
            cache.cache_clear()
        fragments.part_bodies.clear()
        fragments.print_bodies.clear()
    forget()
    yield BUTTONS_FORM
    forget()


def new_buttons_plan(app, org, anna) -> tuple[int, str]:
    response = anna.post("/plans/nieuw", data={"employee": _person_id(app, org["a"]), "form_key": BUTTONS_KEY,
                                               "period": "2027"})
    assert response.status_code == 302, text_of(response)[:1500]
    match = re.fullmatch(r"/plans/(\d+)/inschatting", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1)), response.headers["Location"]


def _radios(page):
    """The rating's fieldset, and per radio button (value, its label's text, checked, its attributes)."""
    fieldset = _field_block(page, "cijfer_niveau")
    radios = [(r.get("value"), r.getparent().text_content().strip(), r.get("checked") is not None, r.attrib)
              for r in fieldset.xpath('.//input[@name="cijfer_niveau"]')]
    return fieldset, radios


def test_a_kind_draws_its_input_with_a_template_from_outside_the_code_base(app, org, login, buttons_form):
    anna = login(org["a"])
    plan_id, url = new_buttons_plan(app, org, anna)
    page = anna.get(url)
    assert page.status_code == 200
    fieldset, radios = _radios(page)
    # A fieldset named by the question, its help under the legend and describing each step.
    assert fieldset.tag == "fieldset" and "q-rating" in fieldset.get("class")
    assert [l.text_content() for l in fieldset.xpath("./legend")] == [LEVEL_LABEL]
    assert [h.text_content() for h in fieldset.xpath('.//*[@id="cijfer_niveau-help"]/li')] == [
        "1 is onvoldoende, 5 is uitstekend."]
    assert [(v, label, checked) for v, label, checked, _ in radios] == [
        (str(n), label, False) for (n, _), label in zip(STEPS, STEP_LABELS)]
    for _, _, _, attrs in radios:
        assert attrs["type"] == "radio" and attrs["aria-describedby"] == "cijfer_niveau-help"
        assert "aria-invalid" not in attrs
    assert len({attrs["id"] for *_, attrs in radios}) == 5
    assert not doc(page).xpath('//input[@name="cijfer_niveau" and not(@type="radio")]')  # no box

    # A step chosen is stored as its number and shown checked.
    save(anna, plan_id, "inschatting", {"cijfer_onderwerp": SUBJECT, "cijfer_niveau": "3"})
    values = stored(app, plan_id)
    assert values["cijfer_niveau"] == 3 and values["cijfer_onderwerp"] == SUBJECT
    with app.app_context():
        assert [(a.row, a.column, a.value) for a in Answer.select().where(
            (Answer.plan == plan_id) & (Answer.field == "cijfer_niveau"))] == [(0, "", "3")]
    _, radios = _radios(anna.get(url))
    assert [(label, checked) for _, label, checked, _ in radios if checked] == [("3 – voldoende", True)]

    # A step the scale does not have: refused beside the fieldset in Dutch, each step marked invalid and
    # described by the error, the text typed beside it kept, nothing stored.
    for bad in ("9", "0", "abc"):
        response = anna.post(url, data={"cijfer_onderwerp": "Anders", "cijfer_niveau": bad, "go": "stay"})
        assert response.status_code == 422, bad
        fieldset, radios = _radios(response)
        assert "has-error" in fieldset.get("class")
        errors = fieldset.xpath('./ul[@id="cijfer_niveau-error"]/li')
        assert [e.text_content() for e in errors] == [RATING_MESSAGE], bad
        for _, _, checked, attrs in radios:
            assert attrs["aria-invalid"] == "true"
            assert attrs["aria-describedby"] == "cijfer_niveau-help cijfer_niveau-error"
            assert not checked
        assert shown_values(response)["cijfer_onderwerp"] == "Anders"
        assert stored(app, plan_id) == values

    # Another step replaces it; none chosen empties it.
    save(anna, plan_id, "inschatting", {"cijfer_niveau": "5"})
    assert stored(app, plan_id)["cijfer_niveau"] == 5
    page = anna.get(url)
    assert [label for _, label, checked, _ in _radios(page)[1] if checked] == ["5 – uitstekend"]
    assert not doc(page).xpath('//*[@id="cijfer_niveau-error"]')
    shown = as_post(shown_values(page))
    del shown["cijfer_niveau"]
    assert anna.post(url, data={**shown, "go": "stay"}).status_code == 302
    assert stored(app, plan_id)["cijfer_niveau"] is None


def test_a_kind_reads_its_answer_with_its_own_template_for_the_manager_and_on_paper(
        app, org, login, buttons_form):
    anna, marco = login(org["a"]), login(org["m1"])
    plan_id, url = new_buttons_plan(app, org, anna)
    save(anna, plan_id, "inschatting", {"cijfer_onderwerp": SUBJECT, "cijfer_niveau": "4"})
    assert anna.post(f"/plans/{plan_id}/stap/delen", data={}).status_code == 302

    # The manager's document: the step given in words, drawn by the kind's `show` (p-rating), no input.
    page = marco.get(url)
    assert page.status_code == 200
    assert not doc(page).xpath('//input[@name="cijfer_niveau"]') and not doc(page).xpath("//fieldset[@id]")
    lines = doc(page).xpath('//*[contains(@class, "read-only-item")]//*[contains(@class, "p-rating")]')
    assert len(lines) == 1
    assert lines[0].xpath('./*[@class="p-label"]')[0].text_content() == LEVEL_LABEL
    assert lines[0].xpath('./*[contains(@class, "box")]')[0].text_content().strip() == "4 – goed"

    # On paper: the whole scale, the step given circled.
    page = marco.get(f"/plans/{plan_id}/afdrukken")
    assert page.status_code == 200
    lines = doc(page).xpath('//*[contains(@class, "p-rating")]')
    assert len(lines) == 1 and LEVEL_LABEL in lines[0].text_content()
    assert [s.text_content() for s in lines[0].xpath('.//span[@class="chosen"]')] == ["4 – goed"]
    assert [s.text_content() for s in lines[0].xpath('.//span[@class="option"]')] == [
        label for label in STEP_LABELS if label != "4 – goed"]

    # Not given: the document says so; on paper the scale with nothing circled.
    save(anna, plan_id, "inschatting", {"cijfer_niveau": ""})
    page = marco.get(url)
    line = doc(page).xpath('//*[contains(@class, "p-rating")]')[0]
    assert "Niet ingevuld" in line.text_content() and "4 – goed" not in line.text_content()
    line = doc(marco.get(f"/plans/{plan_id}/afdrukken")).xpath('//*[contains(@class, "p-rating")]')[0]
    assert not line.xpath('.//span[@class="chosen"]') and len(line.xpath('.//span[@class="option"]')) == 5


def test_a_kinds_own_template_draws_its_cell_in_a_tables_rows(app, org, login, buttons_form):
    """Its `cell` (fields/kinds/table.html takes it where a kind has one): per row the five steps in a
    fieldset named by column and row, the error in the row's cell beside them."""
    anna = login(org["a"])
    plan_id, _ = new_buttons_plan(app, org, anna)
    url = f"/plans/{plan_id}/vaardigheden"

    def cells(page):
        """Per row: its fieldset's legend, and per step (its label's text, checked, its attributes)."""
        found = []
        for row in (0, 1):
            cell = doc(page).xpath(f'//tr[@id="rij-rijen-{row}"]/td[@data-label="Niveau"]')
            assert len(cell) == 1, page.get_data(as_text=True)[:3000]
            fieldsets = cell[0].xpath('./fieldset[@class="cell-options"]')
            assert len(fieldsets) == 1
            found.append((fieldsets[0].xpath("./legend")[0].text_content(),
                          [(r.getparent().text_content().strip(), r.get("checked") is not None, r.attrib)
                           for r in fieldsets[0].xpath(f'.//input[@type="radio"][@name="rijen-{row}-niveau"]')]))
        return found

    page = anna.get(url)
    assert page.status_code == 200
    for row, (legend, steps) in enumerate(cells(page)):
        assert legend == f"Niveau, rij {row + 1}"
        assert [(label, checked) for label, checked, _ in steps] == [(label, False) for label in STEP_LABELS]

    typed = {"rijen-0-vaardigheid": "Presenteren", "rijen-0-niveau": "3",
             "rijen-1-vaardigheid": "Plannen", "rijen-1-niveau": "9", "go": "stay"}
    response = anna.post(url, data=typed)
    assert response.status_code == 422
    errors = doc(response).xpath('//tr[@id="rij-rijen-1"]/td[@data-label="Niveau"]/ul[@id="rijen-1-niveau-error"]/li')
    assert [e.text_content() for e in errors] == [RATING_MESSAGE]
    assert not doc(response).xpath('//*[@id="rijen-0-niveau-error"]')  # the good one is not blamed
    (_, good), (_, bad) = cells(response)
    assert [label for label, checked, _ in good if checked] == ["3 – voldoende"]  # what was chosen stays
    assert all(a["aria-invalid"] == "true" and a["aria-describedby"] == "rijen-1-niveau-error" for *_, a in bad)
    assert not any("aria-invalid" in a for *_, a in good)
    assert stored(app, plan_id)["rijen"] == []

    save(anna, plan_id, "vaardigheden", {**typed, "rijen-1-niveau": "5"})
    assert stored(app, plan_id)["rijen"] == [{"vaardigheid": "Presenteren", "niveau": 3},
                                             {"vaardigheid": "Plannen", "niveau": 5}]
    assert [[label for label, checked, _ in steps if checked] for _, steps in cells(anna.get(url))] == [
        ["3 – voldoende"], ["5 – uitstekend"]]


def test_in_a_browser_a_step_clicked_is_saved_and_checked_after_a_reload(app, org, login, buttons_form):
    """Chromium (Debian's, as tests/test_browser.py starts it; skipped without it unless
    POP_REQUIRE_BROWSER=1) on this test's app, served in a thread: the step is found by its label
    inside the group the legend names, clicked, saved, and checked after a reload."""
    import os
    import shutil
    import threading

    from databases import on_postgres
    from werkzeug.serving import make_server
    if on_postgres():
        pytest.skip("the browser's part does not depend on the database: it runs in the SQLite suite")
    try:
        from playwright import sync_api
    except ImportError:  # pragma: no cover - depends on the environment
        sync_api = None
    chromium = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else shutil.which("chromium")
    if sync_api is None or chromium is None:
        message = "playwright and Debian's chromium are needed for the browser part"
        if os.environ.get("POP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"POP_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    from test_browser import CHROMIUM_ARGS, TIMEOUT_MS, save as save_in_browser

    anna = login(org["a"])
    plan_id, url = new_buttons_plan(app, org, anna)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="pop-rating-server", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
            try:
                # Anna's session as the test client has it: logging in is not what this test is about
                # (tests/test_browser.py does that), and its page took most of this test's time.
                context = browser.new_context(base_url=base_url, locale="nl-NL")
                name = app.config["SESSION_COOKIE_NAME"]
                context.add_cookies([{"name": name, "value": anna.http.get_cookie(name).value,
                                      "url": base_url}])
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                page.goto(url)
                scale = page.get_by_role("group", name=LEVEL_LABEL)
                assert [scale.get_by_role("radio", name=label, exact=True).is_checked()
                        for label in STEP_LABELS] == [False] * 5
                scale.get_by_text("4 – goed", exact=True).click()  # its label's text, as a person clicks it
                save_in_browser(page)
                page.reload()
                scale = page.get_by_role("group", name=LEVEL_LABEL)
                assert [scale.get_by_role("radio", name=label, exact=True).is_checked()
                        for label in STEP_LABELS] == [False, False, False, True, False]
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert stored(app, plan_id)["cijfer_niveau"] == 4
