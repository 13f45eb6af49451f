"""The kinds added for the seed forms (issue 9): Check, Amount, Costs, Smart, Checklist, Choice as a
column of a table, and a table's advised number of rows. Unit tests of parsing and storage, then the
whole way through the web form with a small form defined here that uses every one of them."""
import dataclasses
import io
from decimal import Decimal as D

import pytest

import forms
from conftest import text_of
from forms.definition import FormDefinition, Part, Section
from forms.kinds import (AMOUNT_MESSAGES, Amount, Check, Checklist, Choice, Costs, Date, Matrix, MatrixRow,
                         Signature, Smart, Table, Text, parse_amount, smart_summary)
from forms.limits import CELL_CHARS
from pop.models import Answer, Person
from pop.plans import start_plan
from support import doc, error_text, part_url, shown_values, stored

D0 = D("0")

# ---------------------------------------------------------------- a small form with every new kind

LETTERS = (("s", "Specifiek", "Wat precies?"), ("m", "Meetbaar", "Hoe zie je het?"),
           ("a", "Bereikbaar", "Kan het?"), ("r", "Relevant", "Waarom?"),
           ("t", "Tijdsgebonden", "Wanneer?"))
GROUPS = (("Voorbereiding", (("agenda", "Agenda afgesproken"), ("ruimte", "Ruimte gereserveerd"))),
          ("Na de bijeenkomst", (("verslag", "Verslag gestuurd"),)))
ADVICE = "Kies liever één of twee ontwikkelfocuspunten en maak die zichtbaar in gedrag."

GOALS = Table("doelen", "Doelen", row_title="Doel", advised_rows=2, advice=ADVICE, columns=(
    Text("doel", "Doel", max_length=CELL_CHARS),
    Choice("termijn", "Termijn", options=(("kort", "korte termijn (tot een jaar)"),
                                          ("middel", "middellange termijn (tussen één en vijf jaar)"))),
    Check("gedaan", "Afgerond"),
    Amount("bedrag", "Kosten"),
    Smart("smart", letters=LETTERS),
))
TALKS = Table("gesprekken", "Gesprekken", layout="blocks", row_title="Gesprek", min_rows=1, columns=(
    Date("datum", "Datum"),
    Choice("soort", "Soort gesprek", options=(("voortgang", "Voortgangsgesprek"), ("eind", "Eindgesprek"))),
    Amount("duur", "Duur", unit="uur"),
    Checklist("lijst", "Checklist", groups=GROUPS),
    Smart("smart", "SMART van het gesprek", letters=LETTERS),
))
COSTS = Costs("kosten", "Kosten", group_heading="Aspecten", rows=(
    MatrixRow("werktijd", "Werktijd", group="Tijd"),
    MatrixRow("opleiding", "Opleidingskosten", group="Geld"),
    MatrixRow("reis", "Reiskosten", group="Geld")))
LOOSE_SMART = Smart("smart_los", "SMART van het plan", letters=LETTERS)
LOOSE_LIST = Checklist("lijst_los", "Losse checklist", groups=GROUPS)

TEST_FORM = FormDefinition(
    key="test-nieuwe-soorten", title="Proefformulier", short_title="Proef",
    description="Een formulier met elke nieuwe soort vraag.", orientation="landscape",
    costs_field="kosten", goals_field="doelen",
    parts=(
        Part("plan", "Het plan", "Plan", sections=(Section("Plan", items=(
            Check("budget_ok", "Budget besproken"),
            Amount("uren_totaal", "Uren in totaal", unit="uur"),
            Amount("bedrag_los", "Bedrag"),
            COSTS, LOOSE_SMART, LOOSE_LIST, GOALS, TALKS)),)),
        Part("afronding", "Akkoord", "Akkoord", cycle="afronding", sections=(Section("Akkoord", items=(
            Signature("akkoord_medewerker", "Akkoord medewerker"),
            Signature("akkoord_leidinggevende", "Akkoord leidinggevende", signer="manager"))),)),
    ))

SMALL_FORM = dataclasses.replace(TEST_FORM, key="test-nieuwe-soorten-klein", max_chars=40)


@pytest.fixture
def plan(app, org, monkeypatch):
    """Anna's plan on the test form, and Anna logged in."""
    monkeypatch.setitem(forms.FORMS, TEST_FORM.key, TEST_FORM)
    monkeypatch.setitem(forms.FORMS, SMALL_FORM.key, SMALL_FORM)
    with app.app_context():
        anna = Person.get(Person.email == org["a"])
        return start_plan(anna, TEST_FORM.key, "2026").id


@pytest.fixture
def anna(login, org):
    return login(org["a"])


def url(plan_id):
    return part_url(plan_id, "plan")


def letters(prefix, **texts):
    return {f"{prefix}-{k}": texts.get(k, "") for k, *_ in LETTERS}


FULL = {
    "budget_ok": "y",
    "uren_totaal": "12,5",
    "bedrag_los": "€ 1.250,50",
    "kosten-werktijd__uren": "16",
    "kosten-opleiding__euro": "1.250,50",
    "kosten-reis__euro": "49.5",
    **letters("smart_los", s="Ik leer Excel", m="Drie rapporten", a="Met cursus", r="Voor mijn werk",
              t="Voor juni"),
    "lijst_los-agenda": "y", "lijst_los-agenda__notitie": "Gemaild op maandag",
    "lijst_los-verslag__notitie": "Nog doen",
    "doelen-0-doel": "Klantgericht werken", "doelen-0-termijn": "kort", "doelen-0-gedaan": "y",
    "doelen-0-bedrag": "1250,50",
    **letters("doelen-0-smart", s="Klanten binnen een dag antwoord", t="Binnen drie maanden"),
    "doelen-1-doel": "Excel", "doelen-1-termijn": "middel", "doelen-1-bedrag": "",
    **letters("doelen-1-smart"),
    "gesprekken-0-datum": "2026-03-15", "gesprekken-0-soort": "voortgang", "gesprekken-0-duur": "1,5",
    "gesprekken-0-lijst-ruimte": "y", "gesprekken-0-lijst-ruimte__notitie": "Kamer 2",
    **letters("gesprekken-0-smart", m="Twee gesprekken"),
    "go": "stay",
}


def post(client, plan_id, data, **overrides):
    return client.post(url(plan_id), data={**data, **overrides})


# ---------------------------------------------------------------- Amount: parsing

@pytest.mark.parametrize("typed, unit, value", [
    ("1.250,50", "euro", D("1250.50")),
    ("1250,50", "euro", D("1250.50")),
    ("€ 1.250,50", "euro", D("1250.50")),
    ("€1.250,50", "euro", D("1250.50")),
    ("1250.50", "euro", D("1250.50")),  # one dot, then two digits: a decimal point
    ("1250.5", "euro", D("1250.50")),
    ("1.250", "euro", D("1250.00")),  # one dot, then three digits: thousands
    ("1.250.000", "euro", D("1250000.00")),
    ("1250", "euro", D("1250.00")),
    ("  1250  ", "euro", D("1250.00")),
    ("1 250,50", "euro", D("1250.50")),  # a space between thousands
    ("1\u00a0250", "euro", D("1250.00")),
    ("- 0", "euro", D("0.00")),
    ("12,5", "uur", D("12.50")),
    ("12,5 uur", "uur", D("12.50")),
    ("0", "euro", D("0.00")),
    ("€ 0,50", "euro", D("0.50")),
    ("9.999.999,99", "euro", D("9999999.99")),
    ("", "euro", None),
    ("   ", "uur", None),
])
def test_amounts_in_dutch_notation_are_read(typed, unit, value):
    assert parse_amount(typed, unit) == value
    if value is not None:
        assert parse_amount(typed, unit).as_tuple().exponent == -2


@pytest.mark.parametrize("typed, unit, message", [
    ("abc", "euro", "Vul een bedrag in, bijvoorbeeld 1.250,50."),
    ("abc", "uur", "Vul een aantal uren in, bijvoorbeeld 12,5."),
    ("1.2.3", "euro", "Vul een bedrag in, bijvoorbeeld 1.250,50."),
    ("1,250.50", "euro", "Vul een bedrag in, bijvoorbeeld 1.250,50."),  # English: ambiguous
    ("12,5,0", "uur", "Vul een aantal uren in, bijvoorbeeld 12,5."),
    ("1e5", "euro", "Vul een bedrag in, bijvoorbeeld 1.250,50."),
    ("NaN", "euro", "Vul een bedrag in, bijvoorbeeld 1.250,50."),
    ("Infinity", "euro", "Vul een bedrag in, bijvoorbeeld 1.250,50."),
    ("-", "euro", "Vul een bedrag in, bijvoorbeeld 1.250,50."),
    ("٣", "euro", "Vul een bedrag in, bijvoorbeeld 1.250,50."),  # only 0-9 are digits here
    ("12 5", "euro", "Vul een bedrag in, bijvoorbeeld 1.250,50."),  # a typing error, not 125
    ("1 25,50", "euro", "Vul een bedrag in, bijvoorbeeld 1.250,50."),
    ("-5", "euro", "Een bedrag kan niet negatief zijn."),
    ("- 5", "euro", "Een bedrag kan niet negatief zijn."),
    ("-5", "uur", "Een aantal uren kan niet negatief zijn."),
    ("€ -1.250,50", "euro", "Een bedrag kan niet negatief zijn."),
    ("10000000", "euro", "Dit bedrag is te hoog: hoogstens 9.999.999,99."),
    ("9.999.999,995", "euro", AMOUNT_MESSAGES["euro"]["decimals"]),
    ("10.000.000,00", "euro", "Dit bedrag is te hoog: hoogstens 9.999.999,99."),
    ("9" * 30, "euro", "Dit bedrag is te hoog: hoogstens 9.999.999,99."),
    ("9" * 5000, "euro", "Dit bedrag is te hoog: hoogstens 9.999.999,99."),
    ("9" * 30, "uur", AMOUNT_MESSAGES["uur"]["too_high"]),
])
def test_odd_amounts_are_refused_with_a_dutch_message(typed, unit, message):
    with pytest.raises(ValueError) as refused:
        parse_amount(typed, unit)
    assert str(refused.value) == message


def test_amount_is_stored_with_a_dot_and_two_decimals_and_reads_the_dutch_way():
    euro, hours = Amount("b", "Bedrag"), Amount("u", "Uren", unit="uur")
    assert list(euro.to_cells(D("1250.5"))) == [(0, "", "1250.50")]
    assert list(euro.to_cells(None)) == []
    assert list(euro.to_cells(D("0"))) == [(0, "", "0.00")]  # nought is an answer
    assert euro.from_cells({(0, ""): "1250.50"}) == D("1250.50")
    assert euro.from_cells({}) is None
    assert euro.from_cells({(0, ""): "rommel"}) is None
    assert euro.as_text(D("1250.5")) == "€ 1.250,50"
    assert euro.as_text(D("0.5")) == "€ 0,50"
    assert euro.as_text(None) == ""
    assert hours.as_text(D("12.50")) == "12,5 uur"
    assert hours.as_text(D("12")) == "12 uur"
    assert hours.as_text(D("1250.25")) == "1.250,25 uur"
    assert euro.is_filled(D("0")) and not euro.is_filled(None)
    assert euro.chars(D("1250")) == 0
    with pytest.raises(ValueError):
        Amount("x", "X", unit="dollar")


def test_check_is_stored_as_ja_or_nothing():
    check = Check("c", "Klaar")
    assert list(check.to_cells(True)) == [(0, "", "ja")]
    assert list(check.to_cells(False)) == []
    assert check.from_cells({(0, ""): "ja"}) is True
    assert check.from_cells({}) is False
    assert check.as_text(True) == "ja" and check.as_text(False) == ""
    assert check.is_filled(True) and not check.is_filled(False)


def test_costs_round_trip_and_totals():
    value = {"werktijd": {"euro": None, "uren": D("16.00")},
             "opleiding": {"euro": D("1250.50"), "uren": D("2.50")},
             "reis": {"euro": D("49.50"), "uren": None}}
    cells = list(COSTS.to_cells(value))
    assert (0, "werktijd__uren", "16.00") in cells and (0, "opleiding__euro", "1250.50") in cells
    assert len(cells) == 4
    assert COSTS.from_cells({(r, c): t for r, c, t in cells}) == value
    assert COSTS.totals(value) == (D("1300.00"), D("18.50"))
    assert COSTS.totals(None) == (D0, D0)
    assert COSTS.totals(COSTS.empty()) == (D0, D0)
    assert COSTS.totals({"reis": {"euro": D("1"), "uren": None}}) == (D("1"), D0)  # rows left out
    assert not COSTS.is_filled(COSTS.empty()) and COSTS.is_filled(value)
    text = COSTS.as_text(value)
    assert "Opleidingskosten: € 1.250,50; 2,5 uur" in text
    assert "Totaal: € 1.300,00; 18,5 uur" in text
    assert COSTS.as_text(COSTS.empty()) == ""


def test_smart_missing_and_storage():
    value = {"s": "Specifiek genoeg", "m": "", "a": "  ", "r": "Relevant", "t": ""}
    assert LOOSE_SMART.missing(value) == ["Meetbaar", "Bereikbaar", "Tijdsgebonden"]  # blank = empty
    assert LOOSE_SMART.missing(None) == [label for _, label, _ in LETTERS]
    assert LOOSE_SMART.missing({k: "x" for k, *_ in LETTERS}) == []
    cells = list(LOOSE_SMART.to_cells(value))
    assert (0, "s", "Specifiek genoeg") in cells and not any(c == "m" for _, c, _ in cells)
    assert LOOSE_SMART.from_cells({(0, c): t for _, c, t in cells}) == {**value, "m": "", "t": ""}
    assert LOOSE_SMART.chars(value) == len("Specifiek genoeg") + 2 + len("Relevant")
    assert [s[0] for s in LOOSE_SMART.letters_status(value)] == list("SMART")
    assert LOOSE_SMART.as_text(value).splitlines()[0] == "Specifiek: Specifiek genoeg"


def test_checklist_storage_chars_and_text():
    value = {"agenda": {"af": True, "notitie": "Gemaild"}, "ruimte": {"af": False, "notitie": ""},
             "verslag": {"af": False, "notitie": "Nog doen"}}
    cells = sorted(LOOSE_LIST.to_cells(value))
    assert cells == [(0, "agenda", "ja"), (0, "agenda.notitie", "Gemaild"),
                     (0, "verslag.notitie", "Nog doen")]
    assert LOOSE_LIST.from_cells({(r, c): t for r, c, t in cells}) == value
    assert LOOSE_LIST.chars(value) == len("Gemaild") + len("Nog doen")
    assert LOOSE_LIST.done(value) == (1, 3)
    text = LOOSE_LIST.as_text(value)
    assert "[x] Agenda afgesproken — Gemaild" in text and "[ ] Ruimte gereserveerd" in text
    assert LOOSE_LIST.as_text(LOOSE_LIST.empty()) == ""
    assert not LOOSE_LIST.is_filled(LOOSE_LIST.empty())


def test_a_table_stores_every_new_kind_in_its_rows():
    rows = [{"doel": "Eén", "termijn": "kort", "gedaan": True, "bedrag": D("1250.50"),
             "smart": {"s": "spec", "m": "", "a": "", "r": "", "t": "tijd"}},
            {"doel": "", "termijn": None, "gedaan": False, "bedrag": None,
             "smart": {"s": "", "m": "alleen meetbaar", "a": "", "r": "", "t": ""}},
            GOALS.blank_row()]  # a blank row is not stored
    cells = list(GOALS.to_cells(rows))
    assert (0, "smart.s", "spec") in cells and (1, "smart.m", "alleen meetbaar") in cells
    assert (0, "gedaan", "ja") in cells and (0, "bedrag", "1250.50") in cells
    assert {r for r, _, _ in cells} == {0, 1}
    assert GOALS.from_cells({(r, c): t for r, c, t in cells}) == rows[:2]
    assert GOALS.as_text(rows).splitlines() == [
        "Eén | korte termijn (tot een jaar) | ja | € 1.250,50 | Specifiek: spec; Tijdsgebonden: tijd",
        " |  |  |  | Meetbaar: alleen meetbaar"]
    # The SMART explanations count towards the plan, ticks and amounts do not.
    assert GOALS.chars(rows) == 3 + 4 + 4 + len("alleen meetbaar")
    talk = [{"datum": None, "soort": "eind", "duur": D("2"), "smart": LOOSE_SMART.empty(),
             "lijst": {**LOOSE_LIST.empty(), "verslag": {"af": True, "notitie": "Klaar"}}}]
    cells = list(TALKS.to_cells(talk))
    assert sorted(cells) == [(0, "duur", "2.00"), (0, "lijst.verslag", "ja"),
                             (0, "lijst.verslag.notitie", "Klaar"), (0, "soort", "eind")]
    assert TALKS.from_cells({(r, c): t for r, c, t in cells}) == talk


def test_advice_only_past_the_advised_number_of_rows():
    row = {**GOALS.blank_row(), "doel": "Een doel"}
    assert GOALS.advice_for([row, row]) == ""
    assert GOALS.advice_for([row, row, GOALS.blank_row()]) == ""  # blank rows do not count
    assert ADVICE in GOALS.advice_for([row, row, row])
    assert "3" in GOALS.advice_for([row, row, row])
    assert TALKS.advice_for([row] * 30) == ""  # no advice given: never a warning


def test_smart_summary_names_each_goal_and_its_missing_letters():
    values = {"smart_los": {"s": "x", "m": "", "a": "x", "r": "x", "t": "x"},
              "doelen": [{**GOALS.blank_row(), "doel": "Klantgericht werken",
                          "smart": {"s": "a", "m": "b", "a": "", "r": "", "t": "c"}},
                         {**GOALS.blank_row(), "termijn": "kort"}],  # a goal with no name yet
              "gesprekken": []}
    summary = smart_summary(TEST_FORM, values)
    assert [s["goal"] for s in summary] == ["SMART van het plan", "Klantgericht werken", "Doel 2"]
    assert summary[0]["missing"] == ["Meetbaar"]
    assert summary[1]["missing"] == ["Bereikbaar", "Relevant"]
    assert summary[1]["letters"][2] == ("A", "Bereikbaar", False)
    assert summary[1]["letters"][0] == ("S", "Specifiek", True)
    assert summary[2]["missing"] == [label for _, label, _ in LETTERS]


def test_the_definition_takes_orientation_costs_and_description():
    assert TEST_FORM.orientation == "landscape" and TEST_FORM.costs_field == "kosten"
    assert TEST_FORM.field(TEST_FORM.costs_field).totals({}) == (D0, D0)
    with pytest.raises(ValueError):
        dataclasses.replace(TEST_FORM, orientation="schuin")
    with pytest.raises(ValueError):
        dataclasses.replace(TEST_FORM, costs_field="bedrag_los")  # an Amount, not a Costs field
    with pytest.raises(ValueError):
        dataclasses.replace(TEST_FORM, costs_field="bestaat_niet")
    texts = set(TEST_FORM.texts())
    assert {"Bereikbaar", "Wat precies?", "Voorbereiding", "Ruimte gereserveerd", ADVICE} <= texts
    plain = FormDefinition(key="k", title="t", short_title="t", parts=())
    assert (plain.orientation, plain.costs_field, plain.description) == ("portrait", "", "")


# ---------------------------------------------------------------- through the web form

def test_every_new_kind_is_saved_and_shown_back(app, plan, anna):
    response = post(anna, plan, FULL)
    assert response.status_code == 302, text_of(response)[:1500]
    values = stored(app, plan)
    assert values["budget_ok"] is True
    assert values["uren_totaal"] == D("12.50")
    assert values["bedrag_los"] == D("1250.50")
    assert values["kosten"] == {"werktijd": {"euro": None, "uren": D("16.00")},
                                "opleiding": {"euro": D("1250.50"), "uren": None},
                                "reis": {"euro": D("49.50"), "uren": None}}
    assert values["smart_los"]["t"] == "Voor juni" and LOOSE_SMART.missing(values["smart_los"]) == []
    assert values["lijst_los"] == {"agenda": {"af": True, "notitie": "Gemaild op maandag"},
                                   "ruimte": {"af": False, "notitie": ""},
                                   "verslag": {"af": False, "notitie": "Nog doen"}}
    goals = values["doelen"]
    assert len(goals) == 2
    assert goals[0] == {"doel": "Klantgericht werken", "termijn": "kort", "gedaan": True,
                        "bedrag": D("1250.50"),
                        "smart": {"s": "Klanten binnen een dag antwoord", "m": "", "a": "", "r": "",
                                  "t": "Binnen drie maanden"}}
    assert goals[1]["termijn"] == "middel" and goals[1]["gedaan"] is False and goals[1]["bedrag"] is None
    talk = values["gesprekken"][0]
    assert talk["duur"] == D("1.50") and talk["soort"] == "voortgang"
    assert talk["lijst"]["ruimte"] == {"af": True, "notitie": "Kamer 2"}
    assert talk["smart"]["m"] == "Twee gesprekken"
    with app.app_context():  # as the brief documents the cells
        cells = {(a.field, a.row, a.column): a.value for a in Answer.select().where(Answer.plan == plan)}
    assert cells[("doelen", 0, "smart.s")] == "Klanten binnen een dag antwoord"
    assert cells[("gesprekken", 0, "lijst.ruimte.notitie")] == "Kamer 2"
    assert cells[("kosten", 0, "opleiding__euro")] == "1250.50"
    assert cells[("budget_ok", 0, "")] == "ja"

    page = anna.get(url(plan))
    assert page.status_code == 200
    shown = shown_values(page)
    assert shown["budget_ok"] is True
    assert shown["uren_totaal"] == "12,5"
    assert shown["bedrag_los"] == "1.250,50"
    assert shown["kosten-opleiding__euro"] == "1.250,50" and shown["kosten-werktijd__uren"] == "16"
    assert shown["kosten-werktijd__euro"] == ""
    assert shown["smart_los-m"] == "Drie rapporten"
    assert shown["lijst_los-agenda"] is True and shown["lijst_los-ruimte"] is False
    assert shown["lijst_los-agenda__notitie"] == "Gemaild op maandag"
    assert shown["doelen-0-termijn"] == "kort" and shown["doelen-1-termijn"] == "middel"
    assert shown["doelen-0-gedaan"] is True and shown["doelen-1-gedaan"] is False
    assert shown["doelen-0-bedrag"] == "1.250,50"
    assert shown["doelen-0-smart-t"] == "Binnen drie maanden"
    assert shown["gesprekken-0-duur"] == "1,5"
    assert shown["gesprekken-0-lijst-ruimte"] is True
    assert shown["gesprekken-0-lijst-ruimte__notitie"] == "Kamer 2"
    assert shown["gesprekken-0-smart-m"] == "Twee gesprekken"
    # Every letter, checklist item and cost aspect is on the page with its label.
    text = text_of(page)
    for words in ("Bereikbaar", "Wat precies?", "Voorbereiding", "Na de bijeenkomst",
                  "Ruimte gereserveerd", "Opleidingskosten", "korte termijn (tot een jaar)"):
        assert words in text
    assert ADVICE not in text  # two goals: as advised

    # Saving the page as shown changes nothing.
    again = post(anna, plan, {k: ("y" if v is True else v) for k, v in shown.items()
                              if v is not None and v is not False}, go="stay")
    assert again.status_code == 302
    assert stored(app, plan) == values


def test_unticking_and_emptying_is_stored(app, plan, anna):
    post(anna, plan, FULL)
    data = {k: v for k, v in FULL.items() if k not in ("budget_ok", "lijst_los-agenda",
                                                       "doelen-0-gedaan")}
    data.update({"bedrag_los": "", "kosten-opleiding__euro": ""})
    assert post(anna, plan, data).status_code == 302
    values = stored(app, plan)
    assert values["budget_ok"] is False
    assert values["lijst_los"]["agenda"] == {"af": False, "notitie": "Gemaild op maandag"}
    assert values["doelen"][0]["gedaan"] is False
    assert values["bedrag_los"] is None
    assert values["kosten"]["opleiding"]["euro"] is None
    assert COSTS.totals(values["kosten"]) == (D("49.50"), D("16.00"))


@pytest.mark.parametrize("name, typed, message", [
    ("bedrag_los", "abc", "Vul een bedrag in, bijvoorbeeld 1.250,50."),
    ("uren_totaal", "-5", "Een aantal uren kan niet negatief zijn."),
    ("kosten-reis__euro", "1.2.3", "Vul een bedrag in, bijvoorbeeld 1.250,50."),
    ("kosten-werktijd__uren", "veel", "Vul een aantal uren in, bijvoorbeeld 12,5."),
    ("kosten-opleiding__euro", "99999999", "Dit bedrag is te hoog: hoogstens 9.999.999,99."),
    ("doelen-0-bedrag", "-5", "Een bedrag kan niet negatief zijn."),
    ("gesprekken-0-duur", "anderhalf", "Vul een aantal uren in, bijvoorbeeld 12,5."),
])
def test_a_wrong_amount_is_refused_next_to_its_box_and_kept(app, plan, anna, name, typed, message):
    post(anna, plan, FULL)
    before = stored(app, plan)
    response = post(anna, plan, FULL, **{name: typed})
    assert response.status_code == 422
    assert error_text(response, name) == message
    shown = shown_values(response)
    assert shown[name] == typed  # what was typed stays in the box
    assert shown["smart_los-s"] == "Ik leer Excel"  # and so does everything else
    assert shown["doelen-0-doel"] == "Klantgericht werken"
    assert "1 antwoord vraagt aandacht" in text_of(response)
    assert stored(app, plan) == before


@pytest.mark.parametrize("name", ["doelen-0-termijn", "gesprekken-0-soort"])
def test_an_unknown_choice_in_a_row_is_refused(app, plan, anna, name):
    response = post(anna, plan, FULL, **{name: "misschien"})
    assert response.status_code == 422
    message = error_text(response, name)
    assert "keuze" in message.lower() and "Not a valid" not in message
    assert shown_values(response)["doelen-0-doel"] == "Klantgericht werken"
    assert stored(app, plan)["doelen"] == []


@pytest.mark.parametrize("name, limit", [("lijst_los-agenda__notitie", CELL_CHARS),
                                         ("gesprekken-0-lijst-ruimte__notitie", CELL_CHARS),
                                         ("smart_los-m", CELL_CHARS),
                                         ("doelen-0-smart-s", CELL_CHARS)])
def test_notes_and_explanations_have_a_limit(app, plan, anna, name, limit):
    fits = post(anna, plan, FULL, **{name: "x" * limit})
    assert fits.status_code == 302
    response = post(anna, plan, FULL, **{name: "y" * (limit + 1)})
    assert response.status_code == 422
    assert "te lang" in error_text(response, name)
    assert shown_values(response)[name] == "y" * (limit + 1)
    input_ = doc(response).xpath(f'//*[@name="{name}"]')[0]
    assert input_.get("data-max") == str(limit) and input_.get("maxlength") is None
    # A SMART block folded under its row opens where it has a message.
    assert all(d.get("open") is not None for d in input_.xpath("ancestor::details"))


def test_typed_explanations_and_notes_count_towards_the_plan(app, org, plan, anna):
    with app.app_context():
        small = start_plan(Person.get(Person.email == org["a"]), SMALL_FORM.key, "2027").id
    ok = anna.post(url(small), data={"smart_los-s": "x" * 20, "lijst_los-agenda__notitie": "y" * 20,
                                     "bedrag_los": "1.250,50", "budget_ok": "y", "go": "stay"})
    assert ok.status_code == 302  # 40 characters typed: amounts and ticks count for nothing
    response = anna.post(url(small), data={"smart_los-s": "x" * 20, "lijst_los-agenda__notitie": "y" * 21,
                                           "go": "stay"})
    assert response.status_code == 422
    assert "hoogstens 40 tekens" in text_of(response)
    assert stored(app, small)["lijst_los"]["agenda"]["notitie"] == "y" * 20


def test_a_third_goal_is_saved_with_a_friendly_warning(app, plan, anna):
    third = {"doelen-2-doel": "Leidinggeven", **letters("doelen-2-smart", s="Een team van vijf")}
    response = post(anna, plan, FULL, **third)
    assert response.status_code == 302  # never refused
    assert [g["doel"] for g in stored(app, plan)["doelen"]] == ["Klantgericht werken", "Excel",
                                                                 "Leidinggeven"]
    page = anna.get(response.headers["Location"])
    text = text_of(page)
    assert "Opgeslagen." in text
    assert text.count(ADVICE) == 2  # after saving, and above the table
    assert doc(page).xpath('//*[@id="doelen-advies"]')
    later = anna.get(url(plan))
    assert text_of(later).count(ADVICE) == 1  # stays above the table while there are three
    assert ADVICE in text_of(anna.get(f"/plans/{plan}/afdrukken"))
    # Back to two: no more warning.
    post(anna, plan, FULL)
    assert ADVICE not in text_of(anna.get(url(plan)))


def test_the_overview_shows_which_smart_letters_are_missing(app, plan, anna):
    post(anna, plan, FULL)
    page = anna.get(f"/plans/{plan}")
    assert page.status_code == 200
    items = doc(page).xpath('//ul[@class="smart-summary"]/li')
    texts = [" ".join(li.text_content().split()) for li in items]
    assert len(texts) == 4  # the plan's own, two goals, one conversation
    assert texts[0].startswith("SMART van het plan") and "alle letters toegelicht" in texts[0]
    goal = next(t for t in texts if t.startswith("Klantgericht werken"))
    assert "ontbreekt: Meetbaar, Bereikbaar, Relevant" in goal
    assert "ontbreekt: Specifiek" not in goal and "ontbreekt: Tijdsgebonden" not in goal
    excel = next(t for t in texts if t.startswith("Excel"))
    assert "ontbreekt: Specifiek, Meetbaar, Bereikbaar, Relevant, Tijdsgebonden" in excel
    # At a glance: the five letters, the missing ones marked, each named for a screen reader.
    li = next(li for li in items if li.text_content().strip().startswith("Klantgericht"))
    marks = li.xpath('.//span[contains(concat(" ", @class, " "), " smart-letter ")]')
    assert [m.xpath('./span[@aria-hidden="true"]')[0].text for m in marks] == list("SMART")
    assert [m.get("class").split()[-1] for m in marks] == ["filled", "missing", "missing",
                                                           "missing", "filled"]
    assert marks[1].xpath('./span[@class="sr-only"]')[0].text.startswith("ontbreekt: Meetbaar")
    # Each goal leads to where its letters are filled in.
    links = [li.xpath('.//a[@class="smart-goal"]')[0].get("href") for li in items]
    assert links[0] == f"/plans/{plan}/plan#veld-smart_los"
    assert f"/plans/{plan}/plan#rij-doelen-1" in links
    page_ids = set(doc(anna.get(url(plan))).xpath("//@id"))
    assert {"veld-smart_los", "rij-doelen-1", "rij-gesprekken-0"} <= page_ids


def test_the_print_view_shows_the_new_kinds(app, plan, anna):
    post(anna, plan, FULL)
    page = anna.get(f"/plans/{plan}/afdrukken")
    assert page.status_code == 200
    text = text_of(page)
    for shown in ("€ 1.250,50", "12,5 uur", "€ 49,50", "16 uur", "Totaal", "€ 1.300,00",
                  "Gemaild op maandag", "Klantgericht werken", "Binnen drie maanden", "Kamer 2",
                  "korte termijn (tot een jaar)", "1,5 uur"):
        assert shown in text, shown
    assert doc(page).xpath('//td[contains(@class, "costs-total-euro")]')[0].text_content().strip() \
        == "€ 1.300,00"
    assert "afgevinkt: Agenda afgesproken" in text
    assert "niet afgevinkt: Ruimte gereserveerd" in text


def test_a_third_row_is_added_with_the_advice_shown(app, plan, anna):
    """+ Rij toevoegen past the advised rows: the save goes through, the page says the advice."""
    third = {"doelen-2-doel": "Leidinggeven"}
    response = post(anna, plan, FULL, add_row="doelen", **third)
    assert response.status_code == 302
    page = anna.get(response.headers["Location"])
    assert ADVICE in text_of(page)
    assert len(stored(app, plan)["doelen"]) == 3


def test_the_print_view_names_a_form_whose_first_part_has_another_title(app, plan, anna):
    page = doc(anna.get(f"/plans/{plan}/afdrukken"))
    assert [h.text_content().strip() for h in page.xpath("//article//h1")] == ["Proefformulier"]
    assert "Het plan" in [h.text_content().strip() for h in page.xpath("//article//h2")]


def test_a_new_row_offers_its_checklist_unticked(app, plan, anna):
    """The blank row "+ Rij toevoegen" adds takes each column's own form data: a checklist's
    stored value is a dict per item, which a tick box would read as ticked."""
    response = post(anna, plan, FULL, add_row="gesprekken")
    assert response.status_code == 302
    shown = shown_values(anna.get(response.headers["Location"]))
    assert shown["gesprekken-0-lijst-ruimte"] is True
    assert [shown[f"gesprekken-1-lijst-{k}"] for k in ("agenda", "ruimte", "verslag")] == [False] * 3
    assert shown["gesprekken-1-lijst-ruimte__notitie"] == ""
    assert shown["gesprekken-1-smart-s"] == "" and shown["gesprekken-1-duur"] == ""
    # And on a page that comes back with a message, the blank row it adds is unticked too.
    refused = post(anna, plan, FULL, add_row="gesprekken", bedrag_los="abc")
    assert refused.status_code == 422
    shown = shown_values(refused)
    assert not any(v is True for k, v in shown.items() if k.startswith("gesprekken-1-"))


def test_a_row_with_only_a_wrong_amount_is_no_blank_row(app, plan, anna):
    response = post(anna, plan, FULL, **{"doelen-2-bedrag": "twee tientjes"})
    assert response.status_code == 422
    assert error_text(response, "doelen-2-bedrag") == "Vul een bedrag in, bijvoorbeeld 1.250,50."
    assert shown_values(response)["doelen-2-bedrag"] == "twee tientjes"


def test_a_row_with_only_a_tick_or_a_choice_is_stored(app, plan, anna):
    data = {**FULL, "doelen-2-gedaan": "y", "doelen-3-termijn": "middel",
            "gesprekken-1-lijst-verslag": "y"}
    assert post(anna, plan, data).status_code == 302
    values = stored(app, plan)
    assert len(values["doelen"]) == 4
    assert values["doelen"][2]["gedaan"] is True and values["doelen"][3]["termijn"] == "middel"
    assert values["gesprekken"][1]["lijst"]["verslag"]["af"] is True


def test_the_message_list_links_to_each_wrong_amount(app, plan, anna):
    response = post(anna, plan, FULL, **{"kosten-reis__euro": "-1", "doelen-0-bedrag": "x"})
    assert response.status_code == 422
    links = {a.get("href"): " ".join(a.getparent().text_content().split())
             for a in doc(response).xpath('//ul[@class="problem-list"]//a')}
    assert "Een bedrag kan niet negatief zijn." in links["#kosten-reis__euro"]
    assert "Reiskosten" in links["#kosten-reis__euro"]
    assert "Vul een bedrag in" in links["#doelen-0-bedrag"]
    assert "2 antwoorden vragen aandacht" in text_of(response)


def test_the_smart_summary_is_not_shown_before_the_plan_is_shared(app, org, plan, anna, login):
    post(anna, plan, FULL)
    marco = login(org["m1"])  # Anna's manager: the plan is still in voorbereiding
    page = marco.get(f"/plans/{plan}")
    assert page.status_code == 200
    assert not doc(page).xpath('//ul[@class="smart-summary"]')
    assert "Klantgericht werken" not in text_of(page)


def test_others_read_the_new_kinds_without_changing_them(app, org, plan, anna, login):
    from support import set_state
    post(anna, plan, FULL)
    set_state(app, plan, "ontwikkelgesprek")
    hr = login(org["hr"])
    page = hr.get(url(plan))
    assert page.status_code == 200
    assert doc(page).xpath('//*[@id="alleen-lezen"]')
    # Read as a document (issue 15): no inputs, the amounts and the ticks as text.
    assert not doc(page).xpath('//main//*[self::input or self::textarea or self::select]'
                               '[not(ancestor::form[contains(@action, "/reactie")])]')
    costs = doc(page).xpath('//table[contains(@class, "costs")]')[0].text_content()
    assert "€ 1.250,50" in costs
    ticked = [li.text_content() for li in doc(page).xpath('//ul[@class="checklist"]/li')
              if li.xpath('.//span[@class="sr-only" and text()="afgevinkt:"]')]
    assert any("Ruimte gereserveerd" in text and "Kamer 2" in text for text in ticked), ticked
    overview = doc(hr.get(f"/plans/{plan}"))
    assert overview.xpath('//ul[@class="smart-summary"]/li')


GRID_LIST = Table("acties", "Acties", columns=(
    Text("actie", "Actie"), Checklist("stappen", "Stappen", groups=(("", (("gepland", "Gepland"),
                                                                          ("gedaan", "Gedaan"))),)),
    Amount("uren", "Uren", unit="uur")))
GRID_FORM = dataclasses.replace(TEST_FORM, key="test-raster-checklist", costs_field="", goals_field="",
                                parts=(Part("plan", "Raster", "Raster", sections=(
                                    Section("Raster", items=(GRID_LIST,)),)),) + TEST_FORM.parts[1:])


def test_a_checklist_in_a_grid_row(app, org, monkeypatch, anna):
    monkeypatch.setitem(forms.FORMS, GRID_FORM.key, GRID_FORM)
    with app.app_context():
        plan_id = start_plan(Person.get(Person.email == org["a"]), GRID_FORM.key, "2028").id
    response = anna.post(url(plan_id), data={"acties-0-actie": "Cursus", "acties-0-stappen-gedaan": "y",
                                             "acties-0-stappen-gepland__notitie": "in mei",
                                             "acties-0-uren": "8", "go": "stay"})
    assert response.status_code == 302
    assert stored(app, plan_id)["acties"] == [{"actie": "Cursus", "uren": D("8.00"), "stappen": {
        "gepland": {"af": False, "notitie": "in mei"}, "gedaan": {"af": True, "notitie": ""}}}]
    page = anna.get(url(plan_id))
    shown = shown_values(page)
    assert shown["acties-0-stappen-gedaan"] is True and shown["acties-0-stappen-gepland"] is False
    assert shown["acties-0-stappen-gepland__notitie"] == "in mei" and shown["acties-0-uren"] == "8"
    assert shown["acties-1-stappen-gedaan"] is False  # the spare row
    # The checklist is a block under its row, not a column of the grid.
    headings = [th.text_content().strip() for th in doc(page).xpath('//table[contains(@class, "answers")]//th')]
    assert headings == ["Actie", "Uren"]
    printed = text_of(anna.get(f"/plans/{plan_id}/afdrukken"))
    assert "afgevinkt: Gedaan" in printed and "in mei" in printed and "8 uur" in printed


def test_the_default_excel_template_keeps_a_grid_rows_checklist_one_cell(app, org, monkeypatch, anna):
    """In a grid's row a checklist is one cell (its text) in the default Excel template too: its
    points as separate placeholders printed every point ticked, the placeholders as their notes."""
    from openpyxl import load_workbook

    from exports.excel.default_template import default_xlsx_template, placeholder_context
    monkeypatch.setitem(forms.FORMS, GRID_FORM.key, GRID_FORM)
    context = placeholder_context(GRID_FORM)
    assert context["acties"][0]["stappen"] == "{{ acties[0].stappen }}"
    default_xlsx_template.cache_clear()
    try:
        book = load_workbook(io.BytesIO(default_xlsx_template(GRID_FORM.key)))
    finally:
        default_xlsx_template.cache_clear()
    cells = {c.value for ws in book for row in ws.iter_rows() for c in row if c.value}
    assert "{{ acties[0].stappen }}" in cells
    assert not any("☒" in str(v) or ".stappen.gedaan" in str(v) for v in cells), cells


@pytest.mark.parametrize("key", ["items", "keys", "values", "get", "data", "text", "filled"])
def test_a_sub_key_a_template_could_not_reach_is_refused_in_the_definition(key):
    # {{ r.kosten.items }} in a Word template finds dict.items, not the answer; {{ r.smart.text }} the
    # context's own text of the group; WTForms reads 'data'.
    with pytest.raises(ValueError, match="keys unusable"):
        Table("rijen", "Rijen", columns=(Text(key, "Iets"),))
    with pytest.raises(ValueError, match="keys unusable"):
        Matrix("raster", "Raster", rows=(MatrixRow(key, "Iets"),), columns=(("past", "Past"),))
    with pytest.raises(ValueError, match="keys unusable"):
        Costs("kosten", "Kosten", rows=(MatrixRow(key, "Iets"),))
    with pytest.raises(ValueError, match="keys unusable"):
        Smart("smart", letters=((key, "Iets", ""),))
    with pytest.raises(ValueError, match="keys unusable"):
        Checklist("lijst", "Lijst", groups=(("Groep", ((key, "Iets"),)),))
    Checklist("lijst", "Lijst", groups=(("Groep", ((key + "_punt", "Iets"),)),))  # a longer name is fine
