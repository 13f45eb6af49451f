"""Filling in and saving every part through the web form, and reading it back."""
import datetime as dt
from decimal import Decimal
import re

import pytest

from conftest import text_of
from forms.kinds import Matrix, Table
from pop.models import Answer, Person, Plan
from support import (FILL, FILL_MANAGER, FORM, PART_KEYS, doc, fill_plan, part_url, row_count, set_state,
                     shown_values, state_for_part, stored)


def iso(value: str) -> str:
    """A date as the form shows it again (ISO, for <input type=date>)."""
    m = re.fullmatch(r"(\d\d)-(\d\d)-(\d{4})", value)
    return f"{m[3]}-{m[2]}-{m[1]}" if m else value


def shown_rows(shown: dict, table_key: str) -> list[dict]:
    """The rows a table shows, in order, blank rows included."""
    rows = []
    for index in range(row_count_from(shown, table_key)):
        prefix = f"{table_key}-{index}-"
        rows.append({name[len(prefix):]: value for name, value in shown.items()
                     if name.startswith(prefix)})
    return rows


def row_count_from(shown: dict, table_key: str) -> int:
    indexes = [int(m[1]) for name in shown for m in [re.match(rf"{table_key}-(\d+)-", name)] if m]
    return max(indexes) + 1 if indexes else 0


def posted_rows(data: dict, table_key: str) -> list[dict]:
    return shown_rows(data, table_key)


def fill_keys_of(part_key: str) -> set[str]:
    names = list(FILL.get(part_key, {})) + list(FILL_MANAGER.get(part_key, {}))
    return {name.split("-")[0] for name in names}


@pytest.fixture
def anna_id(app, org):
    with app.app_context():
        return Person.get(Person.email == org["a"]).id


@pytest.fixture
def marco_id(app, org):
    with app.app_context():
        return Person.get(Person.email == org["m1"]).id


# ---------------------------------------------------------------- the full fill


def test_fill_data_covers_every_field_and_kind():
    """The filling below is complete: a field added to the definition must be added here too."""
    for part in FORM.parts:
        assert {f.key for f in part.fields} == fill_keys_of(part.key), part.key
    kinds = {f.kind for f in FORM.fields} | {c.kind for f in FORM.fields if isinstance(f, Table)
                                             for c in f.columns}
    assert kinds == {"text", "date", "longtext", "choice", "table", "rank", "matrix", "signature", "smart",
                     "costs", "checklist"}


def test_full_fill_shows_every_value_on_every_part(app, org, login):
    anna = login(org["a"])
    marco = login(org["m1"])
    fill_plan(anna, org["plan_a"], manager=marco)

    def as_writer(part_key):
        """The part in its inputs, as the one who writes it, in a state where they may: a part someone
        can only read is a document without inputs (issue 15; read-only parts: test_read_only.py)."""
        state_for_part(app, org["plan_a"], part_key)
        who = marco if FORM.part(part_key).cycle == "gesprek" else anna
        return who.get(part_url(org["plan_a"], part_key))

    for part_key in PART_KEYS:
        response = as_writer(part_key)
        assert response.status_code == 200
        shown = shown_values(response)
        tables = {f.key for f in FORM.part(part_key).fields if isinstance(f, Table)}
        for name, value in FILL.get(part_key, {}).items():
            if name.split("-")[0] in tables:
                continue  # rows may be re-ordered; compared below
            if name.startswith("akkoord_"):
                continue  # agreed: shown as text, not as a box (checked at the end)
            if name.startswith("kosten_pob-"):
                continue  # amounts are shown back in one notation: checked below
            assert shown[name] == iso(value), (part_key, name, shown.get(name), value)
        # Grid cells left open stay open, not some default.
        for field in FORM.part(part_key).fields:
            if isinstance(field, Matrix):
                for row in field.rows:
                    for col, _ in field.columns:
                        name = f"{field.key}-{row.key}__{col}"
                        assert shown[name] == FILL[part_key].get(name), name

    shown = shown_values(as_writer("fase-2"))
    assert {k: v for k, v in shown.items() if k.startswith("kosten_pob-") and v} == {
        "kosten_pob-opleiding__euro": "1.250,50", "kosten_pob-opleiding__uren": "16",
        "kosten_pob-werktijd__uren": "12,5", "kosten_pob-reis__euro": "80,00"}

    shown = shown_values(as_writer("fase-1"))
    blank = {"sterk": "", "verbeter": ""}
    assert shown_rows(shown, "kwaliteiten") == posted_rows(FILL["fase-1"], "kwaliteiten") + [blank]
    # Goals read in order of importance (Belang 1 first), with one blank row to add another.
    # Each goal's SMART letters go with it when the rows are re-ordered.
    letters = ("s", "m", "a", "r", "t")
    no_smart = {f"smart-{k}": "" for k in letters}
    assert shown_rows(shown, "ontwikkeldoelen") == [
        {"doel": "Helder presenteren", "belang": "1",
         **{f"smart-{k}": FILL["fase-1"].get(f"ontwikkeldoelen-1-smart-{k}", "") for k in letters}},
        {"doel": "Stakeholders managen", "belang": "2", **no_smart},
        {"doel": "Werken met draaitabellen", "belang": "3", **no_smart},
        {"doel": "", "belang": "", **no_smart},
    ]
    # Progress talks read in date order, each with its own date.
    shown = shown_values(as_writer("fase-3"))
    talks = shown_rows(shown, "voortgangsgesprekken")
    # No blank third talk: one is added with "Voortgangsgesprek toevoegen" (a blank one would suggest
    # a third talk is due).
    assert [t["datum"] for t in talks] == ["2027-05-15", "2027-09-01"]
    assert talks[0]["verder"] == "Eerste gesprek: verder\nmet een tweede regel"
    assert talks[1]["gedaan"] == "Tweede gesprek: gedaan"

    # Both signatures show by name and date on the page.
    page = text_of(anna.get(part_url(org["plan_a"], "afronding")))
    assert f"Akkoord gegeven door Anna Alfa op {dt.date.today():%d-%m-%Y}" in page
    assert f"Akkoord gegeven door Marco Een op {dt.date.today():%d-%m-%Y}" in page


def test_load_returns_typed_values(app, org, login, anna_id, marco_id):
    anna = login(org["a"])
    fill_plan(anna, org["plan_a"], manager=login(org["m1"]))
    values = stored(app, org["plan_a"])

    assert values["medewerker_afdeling"] == "Afdeling A & B"
    assert values["datum_pop_gesprek"] == dt.date(2027, 3, 15)
    assert values["kwaliteiten"] == [
        {"sterk": "Plannen en organiseren\nook onder druk", "verbeter": "Nee zeggen"},
        {"sterk": "Luisteren", "verbeter": ""},
        {"sterk": "", "verbeter": "Delegeren"},
        {"sterk": "Cijfers lezen", "verbeter": "Presenteren voor grote groepen"},
    ]
    no_smart = {"s": "", "m": "", "a": "", "r": "", "t": ""}
    assert values["ontwikkeldoelen"] == [
        {"doel": "Helder presenteren", "belang": 1,
         "smart": {"s": "Voor het team, in het werkoverleg", "m": "Twee collega's geven feedback",
                   "a": "Mijn leidinggevende steunt het", "r": "Eén presentatie per maand", "t": ""}},
        {"doel": "Stakeholders managen", "belang": 2, "smart": no_smart},
        {"doel": "Werken met draaitabellen", "belang": 3, "smart": no_smart},
    ]
    assert values["kosten_pob"]["opleiding"] == {"euro": Decimal("1250.50"), "uren": Decimal("16")}
    assert values["kosten_pob"]["werktijd"] == {"euro": None, "uren": Decimal("12.5")}
    assert values["kosten_pob"]["reis"]["euro"] == Decimal("80")
    assert values["gesprekken"][0]["checklist"]["doelen"] == {"af": True,
                                                             "notitie": "Korte en lange termijn besproken"}
    assert values["gesprekken"][0]["checklist"]["carrieredoelen"]["af"] is True
    assert values["gesprekken"][0]["checklist"]["actiepunten"] == {"af": False, "notitie": ""}
    assert values["meer_doen"] == "Antwoord bij meer_doen.\nTweede regel van meer_doen."
    assert values["on_the_job"]["projecten"] == {"past": "plus", "ligt": "matig"}
    assert values["on_the_job"]["elkaar"] == {"past": "plus", "ligt": None}
    assert values["off_the_job"]["opleidingen"] == {"past": "min", "ligt": "min"}
    assert values["kosten"]["werktijd"] == {"van_toepassing": "ja"}
    assert values["kosten"]["vrije_tijd"] == {"van_toepassing": "nee"}
    assert values["kosten"]["coach"] == {"van_toepassing": None}
    assert values["evaluatie_optie"] == "achteraf"
    assert values["voortgangsgesprekken"] == [
        {"datum": dt.date(2027, 5, 15), "gedaan": "Eerste gesprek: gedaan",
         "opgeleverd": "Eerste gesprek: opgeleverd", "tevreden": "Eerste gesprek: tevreden",
         "verder": "Eerste gesprek: verder\nmet een tweede regel", "_door": "Anna Alfa"},
        {"datum": dt.date(2027, 9, 1), "gedaan": "Tweede gesprek: gedaan",
         "opgeleverd": "Tweede gesprek: opgeleverd", "tevreden": "Tweede gesprek: tevreden",
         "verder": "Tweede gesprek: verder", "_door": "Anna Alfa"},
    ]
    assert values["volgend_gesprek"] == "beoordelingsgesprek"
    assert values["volgend_gesprek_datum"] == dt.date(2027, 12, 1)
    assert values["akkoord_medewerker"] == {"naam": "Anna Alfa", "datum": dt.date.today(),
                                            "person_id": anna_id}
    assert values["akkoord_leidinggevende"] == {"naam": "Marco Een", "datum": dt.date.today(),
                                                "person_id": marco_id}


def test_saving_one_part_leaves_the_others_alone(app, org, login):
    anna = login(org["a"])
    fill_plan(anna, org["plan_a"])
    set_state(app, org["plan_a"], "evaluatie")
    before = stored(app, org["plan_a"])
    response = anna.post(part_url(org["plan_a"], "fase-4"),
                         data={"doelen_gehaald": "Ja, gehaald.", "go": "stay"})
    assert response.status_code == 302
    after = stored(app, org["plan_a"])
    assert after["doelen_gehaald"] == "Ja, gehaald."
    assert after["hoe_geleerd"] == "" and after["pop_afsluiten"] == ""  # emptied on this part
    assert {k: v for k, v in after.items() if k not in ("doelen_gehaald", "hoe_geleerd",
                                                         "pop_afsluiten")} == \
        {k: v for k, v in before.items() if k not in ("doelen_gehaald", "hoe_geleerd", "pop_afsluiten")}


def test_clearing_an_answer_removes_it(app, org, login):
    anna = login(org["a"])
    anna.post(part_url(org["plan_a"], "fase-2"), data={"pop_wat": "Iets", "kosten-reis__van_toepassing":
                                                       "ja", "go": "stay"})
    assert stored(app, org["plan_a"])["pop_wat"] == "Iets"
    anna.post(part_url(org["plan_a"], "fase-2"), data={"pop_wat": "", "go": "stay"})
    values = stored(app, org["plan_a"])
    assert values["pop_wat"] == ""
    assert values["kosten"]["reis"] == {"van_toepassing": None}
    with app.app_context():
        assert not Answer.select().where((Answer.plan == org["plan_a"])
                                         & (Answer.field == "pop_wat")).exists()


# ---------------------------------------------------------------- text that must survive


def test_line_breaks_survive(app, org, login):
    anna = login(org["a"])
    typed = "Eerste regel\r\n  ingesprongen tweede regel\r\n\r\nna een lege regel"
    response = anna.post(part_url(org["plan_a"], "fase-1"),
                         data={"meer_doen": typed, "kwaliteiten-0-sterk": "a\r\nb", "go": "stay"})
    assert response.status_code == 302
    want = "Eerste regel\n  ingesprongen tweede regel\n\nna een lege regel"
    values = stored(app, org["plan_a"])
    assert values["meer_doen"] == want
    assert values["kwaliteiten"][0]["sterk"] == "a\nb"
    shown = shown_values(anna.get(part_url(org["plan_a"], "fase-1")))
    assert shown["meer_doen"] == want
    assert shown["kwaliteiten-0-sterk"] == "a\nb"
    # Saving the page again as shown changes nothing (no newline added or lost per save).
    anna.post(part_url(org["plan_a"], "fase-1"), data={**shown, "go": "stay"})
    assert stored(app, org["plan_a"])["meer_doen"] == want
    printed = anna.get(f"/plans/{org['plan_a']}/afdrukken").get_data(as_text=True)
    assert want in printed


UNUSUAL = '<script>alert("x")</script> é ë ï ñ 😀 =1+1 & "quotes" \'single\''


def test_unusual_text_survives_and_is_escaped(app, org, login):
    anna = login(org["a"])
    for part_key, data in (
            ("gegevens", {"medewerker_functie": UNUSUAL}),
            ("fase-1", {"meer_doen": UNUSUAL, "ontwikkeldoelen-0-doel": UNUSUAL,
                        "ontwikkeldoelen-0-belang": "1"}),
            ("fase-3", {"voortgangsgesprekken-0-gedaan": UNUSUAL})):
        state_for_part(app, org["plan_a"], part_key)
        response = anna.post(part_url(org["plan_a"], part_key), data={**data, "go": "stay"})
        assert response.status_code == 302, part_key
        page = anna.get(part_url(org["plan_a"], part_key))
        body = page.get_data(as_text=True)
        assert "<script>" not in body, f"{part_key}: user text reached the page unescaped"
        assert "&lt;script&gt;" in body
        shown = shown_values(page)
        for name in data:
            assert shown[name] == (UNUSUAL if name != "ontwikkeldoelen-0-belang" else "1"), name

    values = stored(app, org["plan_a"])
    assert values["medewerker_functie"] == UNUSUAL
    assert values["meer_doen"] == UNUSUAL
    assert values["ontwikkeldoelen"] == [{"doel": UNUSUAL, "belang": 1,
                                          "smart": {"s": "", "m": "", "a": "", "r": "", "t": ""}}]
    assert values["voortgangsgesprekken"][0]["gedaan"] == UNUSUAL

    printed = anna.get(f"/plans/{org['plan_a']}/afdrukken")
    assert "<script>" not in printed.get_data(as_text=True)
    assert text_of(printed).count(UNUSUAL) == 4


# ---------------------------------------------------------------- rows and navigation


def test_add_row_adds_a_blank_row_and_keeps_what_was_typed(app, org, login):
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    assert row_count(anna.get(url), "kwaliteiten") == 3  # as on paper: three empty lines

    response = anna.post(url, data={"kwaliteiten-0-sterk": "Plannen", "kwaliteiten-1-sterk": "",
                                    "kwaliteiten-2-sterk": "", "meer_doen": "Ook bewaard",
                                    "add_row": "kwaliteiten"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(url)
    page = anna.get(response.headers["Location"])
    shown = shown_values(page)
    assert row_count(page, "kwaliteiten") == 4
    assert shown["kwaliteiten-0-sterk"] == "Plannen"
    assert all(shown[f"kwaliteiten-{i}-sterk"] == "" for i in (1, 2, 3))
    assert shown["meer_doen"] == "Ook bewaard"
    values = stored(app, org["plan_a"])
    assert values["kwaliteiten"] == [{"sterk": "Plannen", "verbeter": ""}]
    assert values["meer_doen"] == "Ook bewaard"

    # A second click adds one more.
    response = anna.post(url, data={**shown, "add_row": "kwaliteiten"})
    assert row_count(anna.get(response.headers["Location"]), "kwaliteiten") == 5


def test_add_progress_talk(app, org, login):
    anna = login(org["a"])
    set_state(app, org["plan_a"], "uitvoering")
    url = part_url(org["plan_a"], "fase-3")
    assert row_count(anna.get(url), "voortgangsgesprekken") == 1
    response = anna.post(url, data={"voortgangsgesprekken-0-datum": "2027-04-01",
                                    "voortgangsgesprekken-0-gedaan": "Veel",
                                    "add_row": "voortgangsgesprekken"})
    assert response.status_code == 302
    page = anna.get(response.headers["Location"])
    assert row_count(page, "voortgangsgesprekken") == 2
    assert "Voortgangsgesprek 2" in text_of(page)
    shown = shown_values(page)
    assert shown["voortgangsgesprekken-0-datum"] == "2027-04-01"
    assert shown["voortgangsgesprekken-0-gedaan"] == "Veel"
    assert shown["voortgangsgesprekken-1-datum"] == "" and shown["voortgangsgesprekken-1-gedaan"] == ""
    assert stored(app, org["plan_a"])["voortgangsgesprekken"][0]["gedaan"] == "Veel"


def test_add_row_with_an_error_adds_the_row_but_stores_nothing(app, org, login):
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    before = stored(app, org["plan_a"])
    response = anna.post(url, data={"ontwikkeldoelen-0-doel": "Doel", "ontwikkeldoelen-0-belang": "abc",
                                    "add_row": "ontwikkeldoelen"})
    assert response.status_code == 422
    assert row_count(response, "ontwikkeldoelen") == 2
    assert shown_values(response)["ontwikkeldoelen-0-belang"] == "abc"
    assert stored(app, org["plan_a"]) == before


@pytest.mark.parametrize("index", range(len(PART_KEYS)))
def test_go_next_goes_to_the_next_part(app, org, login, index):
    part_key = PART_KEYS[index]
    # The conversation checklist is the manager's to fill; every other part the employee's.
    anna = login(org["m1"] if FORM.part(part_key).cycle == "gesprek" else org["a"])
    state_for_part(app, org["plan_a"], part_key)
    response = anna.post(part_url(org["plan_a"], part_key), data={"go": "next"})
    assert response.status_code == 302
    following = PART_KEYS[min(index + 1, len(PART_KEYS) - 1)]  # the last part stays where it is
    assert response.headers["Location"].split("#")[0].endswith(part_url(org["plan_a"], following))


def test_go_stay_stays(org, login):
    anna = login(org["a"])
    response = anna.post(part_url(org["plan_a"], "fase-2"), data={"go": "stay"})
    assert response.headers["Location"].split("#")[0].endswith(part_url(org["plan_a"], "fase-2"))
    assert "Opgeslagen." in text_of(anna.get(response.headers["Location"]))


def test_unknown_part_is_404(org, login):
    anna = login(org["a"])
    assert anna.get(part_url(org["plan_a"], "fase-9")).status_code == 404
    assert anna.post(part_url(org["plan_a"], "fase-9"), data={"go": "stay"}).status_code == 404


# ---------------------------------------------------------------- a new plan's header


def test_new_plan_header_is_prefilled_from_employee_and_manager(app, org, login, anna_id):
    marco = login(org["m1"])
    response = marco.post("/plans/nieuw", data={"employee": anna_id, "form_key": "pop-uitgebreid",
                                                "period": "2027"})
    assert response.status_code == 302
    # Marco lands on the plan's overview: in the voorbereiding its content is Anna's alone.
    plan_id = int(re.search(r"/plans/(\d+)$", response.headers["Location"])[1])
    with app.app_context():
        plan = Plan.get_by_id(plan_id)
        assert (plan.employee.email, plan.manager.email, plan.period) == (org["a"], org["m1"], "2027")

    # In the voorbereiding the plan is Anna's alone: she sees the header Marco's choice filled.
    shown = shown_values(login(org["a"]).get(part_url(plan_id, "gegevens")))
    assert marco.get(part_url(plan_id, "gegevens")).status_code == 403
    assert shown == {
        "medewerker_naam": "Anna Alfa", "medewerker_afdeling": "A", "medewerker_functie": "Adviseur",
        "datum_pop_gesprek": "", "leidinggevende_naam": "Marco Een",
        "leidinggevende_functie": "Manager A",
    }
    # Only the header: the rest of the new plan is empty.
    values = stored(app, plan_id)
    assert all(not f.is_filled(values[f.key]) for p in FORM.parts[1:] for f in p.fields)


def test_new_plan_of_an_employee_without_manager_leaves_the_manager_lines_empty(app, org, login):
    hr = login(org["hr"])
    with app.app_context():
        hanna = Person.get(Person.email == org["hr"])
    response = hr.post("/plans/nieuw", data={"employee": hanna.id, "form_key": "pop-uitgebreid",
                                             "period": "2027"})
    assert response.status_code == 302
    plan_id = int(re.search(r"/plans/(\d+)/", response.headers["Location"])[1])
    shown = shown_values(hr.get(part_url(plan_id, "gegevens")))
    assert shown["medewerker_naam"] == "Hanna HR" and shown["medewerker_afdeling"] == "HR"
    assert shown["leidinggevende_naam"] == "" and shown["leidinggevende_functie"] == ""


# ---------------------------------------------------------------- signatures


@pytest.fixture
def shared(app, org):
    """Anna's plan shared with Marco: the ontwikkelgesprek, where akkoorden are given."""
    set_state(app, org["plan_a"], "ontwikkelgesprek")


def sign(client, plan_id, **boxes):
    data = {"go": "stay", **{k: "y" for k, v in boxes.items() if v}}
    response = client.post(part_url(plan_id, "afronding"), data=data)
    assert response.status_code == 302, response.status_code
    return response


def test_only_the_employee_gives_akkoord_medewerker(app, org, login, anna_id, shared):
    anna = login(org["a"])
    sign(anna, org["plan_a"], akkoord_medewerker=True, akkoord_leidinggevende=True)
    values = stored(app, org["plan_a"])
    assert values["akkoord_medewerker"] == {"naam": "Anna Alfa", "datum": dt.date.today(),
                                            "person_id": anna_id}
    assert values["akkoord_leidinggevende"] is None, "the employee signed for the manager"
    # The employee is offered only her own box.
    shown = shown_values(anna.get(part_url(org["plan_a"], "afronding")))
    assert "akkoord_medewerker" in shown and "akkoord_leidinggevende" not in shown


def test_only_the_manager_gives_akkoord_leidinggevende(app, org, login, marco_id, shared):
    marco = login(org["m1"])
    sign(marco, org["plan_a"], akkoord_medewerker=True, akkoord_leidinggevende=True)
    values = stored(app, org["plan_a"])
    assert values["akkoord_leidinggevende"] == {"naam": "Marco Een", "datum": dt.date.today(),
                                                "person_id": marco_id}
    assert values["akkoord_medewerker"] is None, "the manager signed for the employee"
    shown = shown_values(marco.get(part_url(org["plan_a"], "afronding")))
    assert "akkoord_leidinggevende" in shown and "akkoord_medewerker" not in shown


def test_managers_save_leaves_the_employees_signature_untouched(app, org, login, shared):
    anna, marco = login(org["a"]), login(org["m1"])
    sign(anna, org["plan_a"], akkoord_medewerker=True)
    employee_signature = stored(app, org["plan_a"])["akkoord_medewerker"]
    assert employee_signature

    page = marco.get(part_url(org["plan_a"], "afronding"))
    assert f"Akkoord gegeven door Anna Alfa op {dt.date.today():%d-%m-%Y}" in text_of(page)
    # The manager's browser posts the page without the employee's box (it is not on it).
    sign(marco, org["plan_a"], akkoord_leidinggevende=True)
    values = stored(app, org["plan_a"])
    assert values["akkoord_medewerker"] == employee_signature
    assert values["akkoord_leidinggevende"]["naam"] == "Marco Een"
    # Both akkoord: the plan is vastgesteld. Saving another part later changes neither signature.
    set_state(app, org["plan_a"], "evaluatie")
    assert anna.post(part_url(org["plan_a"], "fase-4"),
                     data={"doelen_gehaald": "Besproken", "go": "stay"}).status_code == 302
    again = stored(app, org["plan_a"])
    assert again["akkoord_medewerker"] == employee_signature
    assert again["akkoord_leidinggevende"] == values["akkoord_leidinggevende"]


def test_unticking_withdraws_only_ones_own_signature(app, org, login, shared):
    """Before both have agreed: once both have, the akkoord holds (changing it is bijstellen)."""
    anna, marco = login(org["a"]), login(org["m1"])
    sign(marco, org["plan_a"], akkoord_leidinggevende=True)
    sign(marco, org["plan_a"])  # Marco unticks his
    assert stored(app, org["plan_a"])["akkoord_leidinggevende"] is None

    sign(anna, org["plan_a"], akkoord_medewerker=True)
    sign(marco, org["plan_a"])  # Marco's save without a tick leaves Anna's akkoord alone
    sign(anna, org["plan_a"])  # Anna unticks her box
    values = stored(app, org["plan_a"])
    assert values["akkoord_medewerker"] is None and values["akkoord_leidinggevende"] is None
    assert "Nog geen akkoord." in text_of(anna.get(part_url(org["plan_a"], "afronding")))


def test_resaving_a_signed_part_keeps_the_original_signing_date(app, org, login, shared):
    anna = login(org["a"])
    sign(anna, org["plan_a"], akkoord_medewerker=True)
    with app.app_context():  # pretend she signed last month
        Answer.update(value="2026-01-26").where(
            (Answer.plan == org["plan_a"]) & (Answer.field == "akkoord_medewerker")
            & (Answer.column == "datum")).execute()
    anna.post(part_url(org["plan_a"], "afronding"),
              data={"akkoord_medewerker": "y", "volgend_gesprek": "voortgangsgesprek", "go": "stay"})
    values = stored(app, org["plan_a"])
    assert values["akkoord_medewerker"]["datum"] == dt.date(2026, 1, 26)
    assert values["volgend_gesprek"] == "voortgangsgesprek"
    assert "op 26-01-2026" in text_of(anna.get(part_url(org["plan_a"], "afronding")))


def test_signature_boxes_reflect_what_is_stored(org, login, shared):
    anna = login(org["a"])
    assert shown_values(anna.get(part_url(org["plan_a"], "afronding")))["akkoord_medewerker"] is False
    sign(anna, org["plan_a"], akkoord_medewerker=True)
    page = anna.get(part_url(org["plan_a"], "afronding"))
    assert shown_values(page)["akkoord_medewerker"] is True
    assert doc(page).xpath('//*[@id="veld-akkoord_medewerker"]//p[@class="signed"]')


def test_a_save_does_not_silently_overwrite_a_change_made_meanwhile(org, login, app):
    """Employee and manager both have Fase III open; the manager adds a talk and saves; the
    employee's later save is refused with her text kept, and a second click keeps her version."""
    import re as _re

    url = part_url(org["plan_a"], "fase-3")
    set_state(app, org["plan_a"], "uitvoering")
    anna, marco = login(org["a"]), login(org["m1"])
    page = anna.get(url).get_data(as_text=True)
    anna_version = _re.search(r'name="versie" value="([0-9a-f]+)"', page).group(1)

    marco_page = marco.get(url).get_data(as_text=True)
    marco_version = _re.search(r'name="versie" value="([0-9a-f]+)"', marco_page).group(1)
    assert marco.post(url, data={"versie": marco_version, "voortgangsgesprekken-0-datum": "2027-02-01",
                                 "voortgangsgesprekken-0-gedaan": "Talk by Marco"}).status_code == 302

    response = anna.post(url, data={"versie": anna_version,
                                    "voortgangsgesprekken-0-gedaan": "Anna's own words"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "dit onderdeel is gewijzigd" in body
    assert "Anna&#39;s own words" in body or "Anna's own words" in body
    with app.app_context():
        from pop import answers
        from pop.models import Plan
        talks = answers.load(Plan.get_by_id(org["plan_a"]))["voortgangsgesprekken"]
    assert [t["gedaan"] for t in talks] == ["Talk by Marco"]

    # The refused page carries the new version: saving again is a deliberate choice.
    new_version = _re.search(r'name="versie" value="([0-9a-f]+)"', body).group(1)
    assert new_version != anna_version
    assert anna.post(url, data={"versie": new_version,
                                "voortgangsgesprekken-0-gedaan": "Anna's own words"}).status_code == 302


def test_a_second_pop_for_the_same_person_and_period_is_refused(app, org, login, anna_id):
    marco = login(org["m1"])
    data = {"employee": anna_id, "form_key": "pop-uitgebreid", "period": "2026"}  # org made 2026
    response = marco.post("/plans/nieuw", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Anna Alfa heeft al een POP voor 2026." in body
    assert f'/plans/{org["plan_a"]}"' in body  # a link to the plan that exists
    with app.app_context():
        assert Plan.select().where(Plan.employee == anna_id).count() == 1
    assert marco.post("/plans/nieuw", data=dict(data, period="2027")).status_code == 302
