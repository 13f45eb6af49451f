"""Answers the form refuses: 422, a Dutch message at the input, nothing typed lost, nothing stored."""
import datetime as dt

import pytest

from conftest import text_of
from forms.limits import CELL_CHARS, LONG_ANSWER_CHARS, TALK_ANSWER_CHARS, TEXT_CHARS
from support import error_text, fill_plan, part_url, shown_values, state_for_part, stored

LONG_OK = "x" * LONG_ANSWER_CHARS


def too_long(limit: int) -> str:
    """The message for one character over the limit, numbers written the Dutch way (4.000)."""
    dutch = lambda n: f"{n:,}".replace(",", ".")  # noqa: E731 - not the code's own formatting
    return f"Dit antwoord is te lang: maximaal {dutch(limit)} tekens (nu {dutch(limit + 1)})."


# (case id, part, the bad input {name: value}, id of the input the message belongs to, message)
CASES = [
    ("longtext-too-long", "fase-1", {"meer_doen": "a" * (LONG_ANSWER_CHARS + 1)}, "meer_doen",
     too_long(LONG_ANSWER_CHARS)),
    ("longtext-in-table-too-long", "fase-1", {"kwaliteiten-1-verbeter": "b" * (CELL_CHARS + 1)},
     "kwaliteiten-1-verbeter", too_long(CELL_CHARS)),
    ("progress-talk-too-long", "fase-3",
     {"voortgangsgesprekken-0-gedaan": "c" * (TALK_ANSWER_CHARS + 1)},
     "voortgangsgesprekken-0-gedaan", too_long(TALK_ANSWER_CHARS)),
    ("text-too-long", "gegevens", {"medewerker_functie": "d" * (TEXT_CHARS + 1)}, "medewerker_functie",
     too_long(TEXT_CHARS)),
    ("date-31-february", "gegevens", {"datum_pop_gesprek": "31-02-2027"}, "datum_pop_gesprek",
     "Dit is geen geldige datum. Gebruik de vorm dd-mm-jjjj, bijvoorbeeld 15-03-2027."),
    ("date-year-0026", "gegevens", {"datum_pop_gesprek": "0026-03-15"}, "datum_pop_gesprek",
     "Dit jaartal klopt niet: vul het jaar met vier cijfers in, tussen 1990 en 2100, bijvoorbeeld "
     "15-03-2027."),
    ("date-two-digit-year", "afronding", {"volgend_gesprek_datum": "15-03-27"}, "volgend_gesprek_datum",
     "Dit jaartal klopt niet: vul het jaar met vier cijfers in, tussen 1990 en 2100, bijvoorbeeld "
     "15-03-2027."),
    ("date-morgen", "afronding", {"volgend_gesprek_datum": "morgen"}, "volgend_gesprek_datum",
     "Dit is geen geldige datum. Gebruik de vorm dd-mm-jjjj, bijvoorbeeld 15-03-2027."),
    ("date-in-progress-talk", "fase-3", {"voortgangsgesprekken-0-datum": "morgen"},
     "voortgangsgesprekken-0-datum",
     "Dit is geen geldige datum. Gebruik de vorm dd-mm-jjjj, bijvoorbeeld 15-03-2027."),
    ("rank-duplicate", "fase-1", {"ontwikkeldoelen-0-doel": "Presenteren", "ontwikkeldoelen-0-belang": "1",
                                  "ontwikkeldoelen-1-doel": "Plannen", "ontwikkeldoelen-1-belang": "1"},
     "ontwikkeldoelen-1-belang",
     "Belang 1 is al aan een ander ontwikkeldoel gegeven. Geef elk doel een eigen cijfer."),
    ("rank-zero", "fase-1", {"ontwikkeldoelen-0-doel": "Presenteren", "ontwikkeldoelen-0-belang": "0"},
     "ontwikkeldoelen-0-belang", "Vul een getal van 1 tot en met 99 in."),
    ("rank-abc", "fase-1", {"ontwikkeldoelen-0-doel": "Presenteren", "ontwikkeldoelen-0-belang": "abc"},
     "ontwikkeldoelen-0-belang", "Vul een heel getal in, waarbij 1 het meest belangrijk is."),
]

# Other answers typed on the same page at the same time: they must come back too, and not be stored.
ALSO_TYPED = {
    "gegevens": {"medewerker_naam": "Anna Alfa (nieuw)", "leidinggevende_functie": "Directeur",
                 "datum_pop_gesprek": "2027-04-01"},
    "fase-1": {"meer_doen": "Meer projecten\nen een tweede regel", "nieuwe_eisen": "Nieuwe eisen",
               "kwaliteiten-0-sterk": "Geduld",
               # the goals table as a browser posts it, every row (rank cases overwrite rows 0-1)
               "ontwikkeldoelen-0-doel": "", "ontwikkeldoelen-0-belang": "",
               "ontwikkeldoelen-1-doel": "", "ontwikkeldoelen-1-belang": "",
               "ontwikkeldoelen-2-doel": "Excel", "ontwikkeldoelen-2-belang": "7"},
    "fase-3": {"voortgangsgesprekken-0-verder": "Zo verder", "voortgangsgesprekken-0-datum": "2027-06-01"},
    "afronding": {"volgend_gesprek": "voortgangsgesprek", "volgend_gesprek_datum": "2027-06-01"},
}


@pytest.fixture
def filled(app, org, login):
    """Anna, with a plan that already holds answers (so 'nothing stored' means something)."""
    anna = login(org["a"])
    fill_plan(anna, org["plan_a"])
    return anna


@pytest.mark.parametrize("case, part_key, bad, field_id, message", CASES, ids=[c[0] for c in CASES])
def test_invalid_answer_is_refused_with_a_dutch_message(app, org, filled, case, part_key, bad, field_id,
                                                        message):
    state_for_part(app, org["plan_a"], part_key)
    before = stored(app, org["plan_a"])
    typed = {**ALSO_TYPED[part_key], **bad}
    response = filled.post(part_url(org["plan_a"], part_key), data={**typed, "go": "next"})

    assert response.status_code == 422
    # The message stands in the error list tied to the input (another may follow it, e.g. "abc"
    # is neither a whole number nor in 1..99).
    assert error_text(response, field_id).startswith(message), \
        f"message at #{field_id}-error: {error_text(response, field_id)!r}"
    assert "Niet opgeslagen" in text_of(response)
    # Everything typed is still on the page, the wrong answer included.
    shown = shown_values(response)
    for name, value in typed.items():
        assert shown.get(name) == value.replace("\r\n", "\n"), f"{name} lost: {shown.get(name)!r:.80}"
    assert stored(app, org["plan_a"]) == before, "an invalid save changed the stored answers"


def test_the_message_is_not_shown_at_other_inputs(org, filled):
    response = filled.post(part_url(org["plan_a"], "fase-1"),
                           data={"ontwikkeldoelen-0-doel": "A", "ontwikkeldoelen-0-belang": "1",
                                 "ontwikkeldoelen-1-doel": "B", "ontwikkeldoelen-1-belang": "1",
                                 "go": "stay"})
    assert response.status_code == 422
    assert error_text(response, "ontwikkeldoelen-1-belang")
    assert not error_text(response, "ontwikkeldoelen-0-belang")
    assert not error_text(response, "meer_doen")
    assert "1 antwoord vraagt aandacht" in text_of(response)


def test_an_answer_with_two_messages_counts_once(org, filled):
    response = filled.post(part_url(org["plan_a"], "fase-1"),
                           data={"ontwikkeldoelen-0-doel": "A", "ontwikkeldoelen-0-belang": "abc",
                                 "go": "stay"})
    assert response.status_code == 422
    assert "1 antwoord vraagt aandacht" in text_of(response)


def test_several_errors_are_counted(org, filled):
    response = filled.post(part_url(org["plan_a"], "gegevens"),
                           data={"datum_pop_gesprek": "morgen", "medewerker_naam": "n" * (TEXT_CHARS + 1),
                                 "go": "stay"})
    assert response.status_code == 422
    assert "2 antwoorden vragen aandacht" in text_of(response)


@pytest.mark.parametrize("name, value", [("evaluatie_optie", "misschien"),
                                         ("on_the_job-coaching__past", "heel-goed"),
                                         ("kosten-reis__van_toepassing", "soms")])
def test_a_value_that_is_not_an_option_is_refused(app, org, filled, name, value):
    before = stored(app, org["plan_a"])
    response = filled.post(part_url(org["plan_a"], "fase-2"), data={name: value, "go": "stay"})
    assert response.status_code == 422
    message = error_text(response, name)
    assert message, f"no message at #{name}-error"
    assert "Not a valid" not in message and "keuze" in message.lower(), message
    assert stored(app, org["plan_a"]) == before


def test_longest_allowed_answers_are_accepted(app, org, login):
    anna = login(org["a"])
    response = anna.post(part_url(org["plan_a"], "fase-1"),
                         data={"meer_doen": LONG_OK, "kwaliteiten-0-sterk": "s" * CELL_CHARS,
                               "go": "stay"})
    assert response.status_code == 302
    state_for_part(app, org["plan_a"], "fase-3")
    response = anna.post(part_url(org["plan_a"], "fase-3"),
                         data={"voortgangsgesprekken-0-gedaan": "g" * TALK_ANSWER_CHARS, "go": "stay"})
    assert response.status_code == 302
    state_for_part(app, org["plan_a"], "gegevens")
    response = anna.post(part_url(org["plan_a"], "gegevens"),
                         data={"medewerker_functie": "f" * TEXT_CHARS, "go": "stay"})
    assert response.status_code == 302
    values = stored(app, org["plan_a"])
    assert values["meer_doen"] == LONG_OK
    assert values["kwaliteiten"][0]["sterk"] == "s" * CELL_CHARS
    assert values["voortgangsgesprekken"][0]["gedaan"] == "g" * TALK_ANSWER_CHARS
    assert values["medewerker_functie"] == "f" * TEXT_CHARS


@pytest.mark.parametrize("typed", ["15-03-2027", "15/03/2027", "2027-03-15", " 15-03-2027 "])
def test_dates_typed_the_dutch_way_are_accepted(app, org, login, typed):
    anna = login(org["a"])
    response = anna.post(part_url(org["plan_a"], "gegevens"),
                         data={"datum_pop_gesprek": typed, "go": "stay"})
    assert response.status_code == 302
    assert stored(app, org["plan_a"])["datum_pop_gesprek"] == dt.date(2027, 3, 15)
    assert shown_values(anna.get(part_url(org["plan_a"], "gegevens")))["datum_pop_gesprek"] == "2027-03-15"


def test_ranks_are_only_compared_among_filled_goals(app, org, login):
    """Distinct ranks, gaps allowed; an empty rank is fine."""
    anna = login(org["a"])
    response = anna.post(part_url(org["plan_a"], "fase-1"),
                         data={"ontwikkeldoelen-0-doel": "A", "ontwikkeldoelen-0-belang": "3",
                               "ontwikkeldoelen-1-doel": "B", "ontwikkeldoelen-1-belang": "",
                               "ontwikkeldoelen-2-doel": "C", "ontwikkeldoelen-2-belang": "1",
                               "go": "stay"})
    assert response.status_code == 302
    goals = stored(app, org["plan_a"])["ontwikkeldoelen"]
    assert [(g["doel"], g["belang"]) for g in goals] == [("C", 1), ("A", 3), ("B", None)]


def test_line_breaks_count_as_one_character(app, org, login):
    """Browsers send a line break as \\r\\n but count it as one character against maxlength."""
    anna = login(org["a"])
    lines = LONG_ANSWER_CHARS // 200 - 1
    # Exactly the limit with \n, over it with \r\n.
    typed = ("x" * 199 + "\r\n") * lines + "y" * (LONG_ANSWER_CHARS - 200 * lines)
    response = anna.post(part_url(org["plan_a"], "fase-1"), data={"meer_doen": typed, "go": "stay"})
    assert response.status_code == 302
    assert len(stored(app, org["plan_a"])["meer_doen"]) == LONG_ANSWER_CHARS


def test_spaces_around_a_short_answer_do_not_count(app, org, login):
    anna = login(org["a"])
    response = anna.post(part_url(org["plan_a"], "gegevens"),
                         data={"medewerker_functie": "  " + "f" * TEXT_CHARS + "  ", "go": "stay"})
    assert response.status_code == 302
    assert stored(app, org["plan_a"])["medewerker_functie"] == "f" * TEXT_CHARS


def test_a_table_holds_at_most_its_maximum_of_rows(org, login):
    """A crafted post cannot make us store any number of rows: past the limit, a message and nothing
    stored (a person never needs a hundred goals)."""
    from forms.pop_uitgebreid import POP_UITGEBREID

    limit = POP_UITGEBREID.field("kwaliteiten").max_rows
    anna = login(org["a"])
    url = f"/plans/{org['plan_a']}/fase-1"
    data = {f"kwaliteiten-{i}-sterk": f"punt {i}" for i in range(limit + 5)}
    response = anna.post(url, data=data)
    assert response.status_code == 422
    assert f"hoogstens {limit} rijen" in response.get_data(as_text=True)
    data = {f"kwaliteiten-{i}-sterk": f"punt {i}" for i in range(limit)}
    assert anna.post(url, data=data).status_code == 302
