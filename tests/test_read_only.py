"""A part someone can only read is a document, not a disabled form (issue 15): the manager and HR
reading a shared plan see the answers as text, the chosen +/±/– and ja/nee in words, only the rows that
were filled, no limits and nothing to type into; the employee reading her agreed plan too. Where a person
may change some fields of a part (the manager's akkoord and the next talk in Afronding) only those are
inputs."""
import re

import pytest

from conftest import text_of
from support import FILL, FORM, as_post, doc, fill_plan, part_url, set_state, shown_values, stored

PLAN_PARTS = ("gegevens", "fase-1", "fase-2")


def answer_inputs(page):
    """Inputs in the page's content, leaving out the log-out form, the manager's reaction form and the
    employee's colleague-feedback actions (share, withdraw: her own, not the plan's answers)."""
    return [f"<{el.tag} name={el.get('name')!r}>" for el in doc(page).xpath(
        "//main//input | //main//textarea | //main//select")
        if not el.xpath("ancestor::form[contains(@action, '/reactie') or contains(@action, '/feedback/')]")]


def part_text(page) -> str:
    """The text of the part itself: not the reaction box below it (the manager's own input)."""
    return re.sub(r"\s+", " ", " ".join(el.text_content() for el in doc(page).xpath(
        "//*[contains(concat(' ', @class, ' '), ' paper-form ')]")))


def row_cells(page, row_label: str) -> list[str]:
    """The cells after the row heading of a +/±/– or ja/nee grid, as text."""
    rows = [tr for tr in doc(page).xpath("//table[contains(@class, 'matrix')]//tr")
            if tr.xpath("./td[contains(@class, 'row-head')]")
            and row_label in tr.xpath("./td[contains(@class, 'row-head')]")[0].text_content()]
    assert len(rows) == 1, (row_label, len(rows))
    return [re.sub(r"\s+", " ", td.text_content()).strip()
            for td in rows[0].xpath("./td[contains(@class, 'doc-mark')]")]


def matrix_row_label(field_key: str, row_key: str) -> str:
    return next(r.label for r in FORM.field(field_key).rows if r.key == row_key)


@pytest.fixture
def shared(app, org, login):
    """Anna's plan filled (every part of FILL, her akkoord given) and shared: Ontwikkelgesprek."""
    fill_plan(login(org["a"]), org["plan_a"])
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    return org["plan_a"]


@pytest.mark.parametrize("who", ["m1", "hr"])
def test_the_manager_and_hr_read_a_shared_plan_as_a_document(org, login, shared, who):
    reader = login(org[who])
    for part_key in PLAN_PARTS:
        page = reader.get(part_url(shared, part_key))
        assert page.status_code == 200, part_key
        assert not answer_inputs(page), (who, part_key, answer_inputs(page))
        assert not doc(page).xpath("//form[contains(@class, 'paper-form')]"), (who, part_key)
        assert "Hoogstens" not in part_text(page), (who, part_key)
        assert "tekens over" not in part_text(page), (who, part_key)
        assert not doc(page).xpath("//details[@open]"), (who, part_key)  # no SMART panel open
        assert not doc(page).xpath("//button[@name='add_row']"), (who, part_key)

    page = reader.get(part_url(shared, "fase-2"))
    # The chosen mark of each grid cell, in marks and words; the cell left open says so.
    assert row_cells(page, matrix_row_label("on_the_job", "projecten")) == ["+ plus", "± matig"]
    assert row_cells(page, matrix_row_label("on_the_job", "coaching")) == ["– min", "+ plus"]
    assert row_cells(page, matrix_row_label("on_the_job", "elkaar")) == ["+ plus", "niet gekozen"]
    # ja/nee: the word, next to its row. The row nobody answered (coach) is left out.
    assert row_cells(page, matrix_row_label("kosten", "werktijd")) == ["ja"]
    assert row_cells(page, matrix_row_label("kosten", "vrije_tijd")) == ["nee"]
    coach = matrix_row_label("kosten", "coach")
    assert coach not in part_text(page)
    # A choice: only the chosen option, in words (not all options with one circled).
    options = dict(FORM.field("evaluatie_optie").options)
    chosen = doc(page).xpath("//div[contains(@class, 'p-choice')]")[0].text_content()
    assert options["achteraf"] in chosen and options["vooraf"] not in chosen
    # The typed amounts as text.
    assert "€ 1.250,50" in part_text(page) and "€ 80,00" in part_text(page)


def test_only_the_filled_rows_of_a_table_are_shown(app, org, login, shared):
    hr = login(org["hr"])
    page = hr.get(part_url(shared, "fase-1"))
    shown = {}
    for table in doc(page).xpath("//table[contains(@class, 'doc-table')]"):
        label = table.xpath("preceding-sibling::*[contains(@class, 'q-title')][1]")[0].text_content()
        shown[label.strip()] = [tr for tr in table.xpath("./tbody/tr")
                                if "row-extra" not in (tr.get("class") or "")]
    qualities, goals = FORM.field("kwaliteiten").label, FORM.field("ontwikkeldoelen").label
    # Four rows of qualities typed (one with only one of its two cells) and three goals: no blank row
    # to write in after them, as the form page offers.
    assert len(stored(app, shared)["kwaliteiten"]) == 4
    assert {k: len(v) for k, v in shown.items()} == {qualities: 4, goals: 3}
    # The goal with SMART letters shows them; no empty SMART panel for the other goals.
    text = part_text(page)
    assert FILL["fase-1"]["ontwikkeldoelen-1-smart-s"] in text
    assert len(doc(page).xpath("//div[contains(@class, 'p-smart')]")) == 1


def test_the_employee_reads_her_agreed_plan_as_a_document(app, org, login, shared):
    set_state(app, shared, "vastgesteld")
    anna = login(org["a"])
    page = anna.get(part_url(shared, "fase-1"))
    assert not answer_inputs(page)
    assert "vastgesteld in de POP-overeenkomst" in text_of(page)
    assert FILL["fase-1"]["kwaliteiten-3-verbeter"] in part_text(page)


def test_the_managers_akkoord_stays_a_checkbox_the_rest_of_afronding_is_text(app, org, login, shared):
    marco = login(org["m1"])
    page = marco.get(part_url(shared, "afronding"))
    assert page.status_code == 200
    names = {el.get("name") for el in doc(page).xpath("//form[contains(@class, 'paper-form')]"
                                                      "//*[self::input or self::textarea or self::select]")}
    # His akkoord and the next talk (the rhythm is his too) are inputs; her akkoord reads as given.
    assert {"akkoord_leidinggevende", "volgend_gesprek", "volgend_gesprek_datum"} <= names
    assert "akkoord_medewerker" not in names
    assert "Akkoord gegeven door Anna Alfa" in part_text(page)
    # His akkoord saves from this page and leaves her answers as they were.
    before = stored(app, shared)
    data = as_post(shown_values(page))
    response = marco.post(part_url(shared, "afronding"), data={**data, "akkoord_leidinggevende": "y",
                                                               "go": "stay"})
    assert response.status_code == 302, text_of(response)[:500]
    after = stored(app, shared)
    assert after["akkoord_leidinggevende"]["naam"] == "Marco Een"
    assert after["volgend_gesprek"] == before["volgend_gesprek"] == "beoordelingsgesprek"
    assert after["akkoord_medewerker"] == before["akkoord_medewerker"]


def test_a_refused_save_shows_what_was_typed_as_text(app, org, login, shared):
    """The plan was agreed while she typed: the save is refused, and her text is on the page to copy."""
    set_state(app, shared, "vastgesteld")
    anna = login(org["a"])
    typed = "Mijn nieuwe tekst, nog niet bewaard"
    response = anna.post(part_url(shared, "fase-1"), data={"meer_doen": typed, "go": "stay"})
    assert response.status_code == 403
    assert typed in part_text(response)
    assert not answer_inputs(response)
    assert stored(app, shared)["meer_doen"] == FILL["fase-1"]["meer_doen"].replace("\r\n", "\n")


def test_a_part_of_only_akkoorden_says_why_it_cannot_be_changed(app, login):
    """The POP table's Ondertekening holds nothing but the akkoorden: once agreed, or before the plan is
    shared, its page says why, not "U kunt dit deel nu niet wijzigen"."""
    from conftest import make_person
    from pop.plans import start_plan
    from support import set_state
    with app.app_context():
        boss = make_person("baas@test.nl", "Bea", "Baas", role="leidinggevende")
        kim = make_person("kim@test.nl", "Kim", "Tabel", manager=boss)
        plan = start_plan(kim, "pop-tabel", "2026").id
    page_url = f"/plans/{plan}/ondertekening"
    employee = login("kim@test.nl")
    assert "zodra het plan gedeeld is" in text_of(employee.get(page_url))
    set_state(app, plan, "vastgesteld")
    text = text_of(employee.get(page_url))
    assert "Het POP is vastgesteld (versie 1): u heeft allebei akkoord gegeven." in text
    assert "U kunt dit deel nu niet wijzigen" not in text


def test_an_empty_cell_of_a_read_row_says_so(app, login):
    """The POP table read as a document: a cell left empty reads 'niet ingevuld', not a bare label."""
    from conftest import make_person
    from pop import answers
    from pop.db import database
    from pop.models import Plan
    from pop.plans import start_plan
    from support import set_state
    with app.app_context():
        boss = make_person("baas@test.nl", "Bea", "Baas", role="leidinggevende")
        kim = make_person("kim@test.nl", "Kim", "Tabel", manager=boss)
        plan = start_plan(kim, "pop-tabel", "2026").id
        with database.connection_context():
            answers.save(Plan.get_by_id(plan), {"doelen": [{"doel": "Klantgesprekken voeren"}]})
    set_state(app, plan, "ontwikkelgesprek")
    page = doc(login("baas@test.nl").get(f"/plans/{plan}/plan"))
    row = page.xpath('//table[contains(@class, "doc-table")]/tbody/tr')[0]
    cells = [td.text_content().strip() for td in row.xpath("./td")]
    assert cells[0] == "Klantgesprekken voeren"
    assert cells[1:] and all(c == "niet ingevuld" for c in cells[1:]), cells
