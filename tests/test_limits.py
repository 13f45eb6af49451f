"""The size limits of forms/limits.py: shown before they are reached, a save at a limit stored, one past
it refused with a Dutch message at the right place and everything typed still on the page, and plans
stored before the limits still opening, printing and exporting, allowed to shrink but not to grow.

Numbers come from forms/limits.py; the Dutch way of writing them (150.000) is spelled out here, not
taken from the code, so a wrong thousands separator shows up as a failure."""
import datetime as dt
import io

import docx
import pytest

from conftest import text_of
from forms import DEFAULT_FORM, get_form, limits
from pop import answers
from pop.models import Plan
from support import (as_post, doc, error_text, part_url, row_count, shown_values, state_for_part,
                     stored)

FORM = get_form(DEFAULT_FORM)
TALKS = FORM.field("voortgangsgesprekken")


def dutch(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def store(app, plan_id, values):
    """Answers written straight to the database, past the web form: a plan as the limits before
    allowed it to be saved."""
    with app.app_context():
        answers.save(Plan.get_by_id(plan_id), values)


def plan_chars(app, plan_id) -> int:
    return FORM.chars(stored(app, plan_id))


def hint(response, element_id) -> str:
    found = doc(response).xpath(f'//*[@id="{element_id}"]')
    assert found, f"no #{element_id} on the page"
    return " ".join(found[0].text_content().split())


def attribute(response, element_id, name):
    found = doc(response).xpath(f'//*[@id="{element_id}"]')
    assert found, f"no #{element_id} on the page"
    return found[0].get(name)


def page_post(client, url) -> dict:
    page = client.get(url)
    version = doc(page).xpath('//input[@name="versie"]/@value')[0]
    return {**as_post(shown_values(page)), "versie": version, "go": "stay"}


def talks(count, chars=20, start=dt.date(2027, 1, 4)):
    """Progress talks as stored values, a week apart, each answer `chars` long."""
    return [{"datum": start + dt.timedelta(weeks=i),
             **{c.key: f"Gesprek {i + 1} {c.key}: ".ljust(chars, "x") for c in TALKS.columns[1:]}}
            for i in range(count)]


def talks_posted(count):
    data = {}
    for i in range(count):
        data[f"voortgangsgesprekken-{i}-datum"] = (dt.date(2027, 1, 4) + dt.timedelta(weeks=i)).isoformat()
        data[f"voortgangsgesprekken-{i}-gedaan"] = f"Gesprek {i + 1}"
    return data


@pytest.fixture
def anna(org, login):
    return login(org["a"])


# ------------------------------------------------------------------ shown before they are reached

def test_every_text_box_shows_its_limit_and_the_browser_holds_to_it(app, org, anna):
    for part in FORM.parts:
        # Each part where the employee writes it: a part she can only read has no boxes (issue 15).
        state_for_part(app, org["plan_a"], part.key)
        page = anna.get(part_url(org["plan_a"], part.key))
        for field in part.fields:
            if field.kind == "longtext":
                assert hint(page, f"{field.key}-limit") == \
                    f"Hoogstens {dutch(limits.LONG_ANSWER_CHARS)} tekens.", field.key
                assert attribute(page, field.key, "data-max") == str(limits.LONG_ANSWER_CHARS)
                assert f"{field.key}-limit" in attribute(page, field.key, "aria-describedby")
            elif field.kind == "text":
                assert attribute(page, field.key, "data-max") == str(limits.TEXT_CHARS)


def test_tables_show_their_row_and_cell_limits(app, org, anna):
    page = anna.get(part_url(org["plan_a"], "fase-1"))
    rows, cell = dutch(limits.TABLE_ROWS), dutch(limits.CELL_CHARS)
    assert hint(page, "kwaliteiten-limit") == f"Hoogstens {rows} rijen, per vak hoogstens {cell} tekens."
    assert hint(page, "ontwikkeldoelen-limit") == \
        f"Hoogstens {rows} ontwikkeldoelen, per vak hoogstens {cell} tekens."
    for cell_id in ("kwaliteiten-0-sterk", "kwaliteiten-2-verbeter", "ontwikkeldoelen-1-doel"):
        assert attribute(page, cell_id, "data-max") == str(limits.CELL_CHARS)
        assert attribute(page, cell_id, "aria-describedby") == f"{cell_id.split('-')[0]}-limit"

    state_for_part(app, org["plan_a"], "fase-3")  # where she writes it: read-only, it has no limits
    page = anna.get(part_url(org["plan_a"], "fase-3"))
    assert hint(page, "voortgangsgesprekken-limit") == \
        f"Hoogstens {dutch(limits.PROGRESS_TALKS)} voortgangsgesprekken."
    for column in ("gedaan", "opgeleverd", "tevreden", "verder"):
        assert hint(page, f"voortgangsgesprekken-0-{column}-limit") == \
            f"Hoogstens {dutch(limits.TALK_ANSWER_CHARS)} tekens."
        assert attribute(page, f"voortgangsgesprekken-0-{column}", "data-max") == \
            str(limits.TALK_ANSWER_CHARS)


def test_each_part_shows_how_much_of_the_plan_total_is_used(app, org, anna):
    store(app, org["plan_a"], {"meer_doen": "m" * 1234, "voortgangsgesprekken": talks(2, chars=500)})
    used = plan_chars(app, org["plan_a"])
    assert used > 1234 + 8 * 500 - 1  # the header's prefilled names count too
    for part_key in ("gegevens", "fase-4"):
        state_for_part(app, org["plan_a"], part_key)  # where it can be written: the hint is for writers
        page = anna.get(part_url(org["plan_a"], part_key))
        assert hint(page, "plan-tekens") == (f"Een plan kan hoogstens {dutch(limits.PLAN_CHARS)} tekens "
                                             f"bevatten; dit plan bevat er nu {dutch(used)}.")


def test_the_managers_reaction_shows_its_limit_and_a_longer_one_is_refused_in_dutch(app, org, login):
    state_for_part(app, org["plan_a"], "afronding")  # shared with the manager, who may react
    manager = login(org["m1"])
    page = manager.get(part_url(org["plan_a"], "fase-1"))
    assert hint(page, "reactie-limit") == f"Hoogstens {dutch(limits.REACTION_CHARS)} tekens."
    assert attribute(page, "reactie-tekst", "data-max") == str(limits.REACTION_CHARS)
    url = f"/plans/{org['plan_a']}/fase-1/reactie"
    # The browser does not cut a paste off (no maxlength): the page says why, in Dutch, and the
    # text stays in the box.
    assert attribute(page, "reactie-tekst", "maxlength") is None
    response = manager.post(url, data={"reactie": "r" * (limits.REACTION_CHARS + 1)})
    assert response.status_code == 422
    assert f"Een reactie is hoogstens {dutch(limits.REACTION_CHARS)} tekens." in text_of(response)
    assert "r" * (limits.REACTION_CHARS + 1) in response.get_data(as_text=True)
    assert manager.post(url, data={"reactie": "r" * limits.REACTION_CHARS}).status_code == 302


# ------------------------------------------------------------------ rows

def test_progress_talks_up_to_the_limit_are_saved_one_more_is_refused(app, org, anna):
    state_for_part(app, org["plan_a"], "fase-3")
    url = part_url(org["plan_a"], "fase-3")
    response = anna.post(url, data={**talks_posted(limits.PROGRESS_TALKS), "go": "stay"})
    assert response.status_code == 302
    assert len(stored(app, org["plan_a"])["voortgangsgesprekken"]) == limits.PROGRESS_TALKS

    # Full: no empty talk and no button offering one that could not be saved.
    page = anna.get(url)
    assert row_count(page, "voortgangsgesprekken") == limits.PROGRESS_TALKS
    assert 'value="voortgangsgesprekken"' not in page.get_data(as_text=True)

    before = stored(app, org["plan_a"])
    typed = talks_posted(limits.PROGRESS_TALKS + 1)
    response = anna.post(url, data={**typed, "go": "stay"})
    assert response.status_code == 422
    extra = f"voortgangsgesprekken-{limits.PROGRESS_TALKS}-datum"
    assert error_text(response, extra) == \
        f"Een plan kan hoogstens {dutch(limits.PROGRESS_TALKS)} voortgangsgesprekken bevatten."
    assert not error_text(response, "voortgangsgesprekken-0-datum")
    assert "Niet opgeslagen: 1 antwoord vraagt aandacht." in text_of(response)
    shown = shown_values(response)
    for name, value in typed.items():
        assert shown.get(name) == value, f"{name} lost"
    assert stored(app, org["plan_a"]) == before


def test_table_rows_up_to_the_limit_are_saved_blank_rows_do_not_count(app, org, anna):
    url = part_url(org["plan_a"], "fase-1")
    rows = {f"kwaliteiten-{i}-sterk": f"Sterk punt {i}" for i in range(limits.TABLE_ROWS)}
    # The blank rows the page offers below the filled ones are posted too, and are no rows.
    blanks = {f"kwaliteiten-{i}-sterk": "" for i in range(limits.TABLE_ROWS, limits.TABLE_ROWS + 3)}
    response = anna.post(url, data={**rows, **blanks, "go": "stay"})
    assert response.status_code == 302
    assert len(stored(app, org["plan_a"])["kwaliteiten"]) == limits.TABLE_ROWS
    page = anna.get(url)
    assert row_count(page, "kwaliteiten") == limits.TABLE_ROWS
    assert 'value="kwaliteiten"' not in page.get_data(as_text=True)

    before = stored(app, org["plan_a"])
    typed = {**rows, f"kwaliteiten-{limits.TABLE_ROWS}-verbeter": "Nog een"}
    response = anna.post(url, data={**typed, "go": "stay"})
    assert response.status_code == 422
    assert error_text(response, f"kwaliteiten-{limits.TABLE_ROWS}-sterk") == \
        f"Deze tabel kan hoogstens {dutch(limits.TABLE_ROWS)} rijen bevatten."
    shown = shown_values(response)
    assert all(shown.get(name) == value for name, value in typed.items())
    assert stored(app, org["plan_a"]) == before


# ------------------------------------------------------------------ the plan total

def fill_up_to(app, plan_id, room: int) -> None:
    """Store progress talks (each answer within its own limit) until the plan has `room` characters
    left below its total."""
    needed = limits.PLAN_CHARS - room - plan_chars(app, plan_id)
    per_talk = 4 * limits.TALK_ANSWER_CHARS
    assert 0 < needed <= limits.PROGRESS_TALKS * per_talk, "the total can no longer be reached this way"
    full, rest = divmod(needed, per_talk)
    stored_talks = talks(full, chars=limits.TALK_ANSWER_CHARS)
    if rest:
        last = talks(full + 1, chars=limits.TALK_ANSWER_CHARS)[-1]
        last.update(gedaan="g" * (rest - 3), opgeleverd="o", tevreden="t", verder="v")
        stored_talks.append(last)
    store(app, plan_id, {"voortgangsgesprekken": stored_talks})
    assert plan_chars(app, plan_id) == limits.PLAN_CHARS - room


def test_the_plan_total_counts_every_part(app, org, anna):
    """Fase III holds nearly all the plan may; a save in Fase I that passes the total is refused,
    one that reaches it exactly is stored."""
    fill_up_to(app, org["plan_a"], room=10)
    url = part_url(org["plan_a"], "fase-1")
    before = stored(app, org["plan_a"])

    typed = {"meer_doen": "x" * 11, "nieuwe_eisen": ""}
    response = anna.post(url, data={**typed, "go": "stay"})
    assert response.status_code == 422
    assert "Niet opgeslagen: het plan wordt te lang. Uw invoer staat er nog." in text_of(response)
    assert hint(response, "plan-te-lang") == (
        f"Een plan kan hoogstens {dutch(limits.PLAN_CHARS)} tekens bevatten; met deze wijziging zou dit "
        f"plan er {dutch(limits.PLAN_CHARS + 1)} bevatten. Maak het geheel minstens 1 teken korter, in "
        "dit of een ander onderdeel, en sla opnieuw op.")
    # In the notice at the top, with the part's error summary.
    assert doc(response).xpath('//*[@id="meldingen"]//*[@id="plan-te-lang"]')
    assert shown_values(response)["meer_doen"] == "x" * 11
    assert stored(app, org["plan_a"]) == before

    response = anna.post(url, data={"meer_doen": "x" * 10, "go": "stay"})
    assert response.status_code == 302
    assert plan_chars(app, org["plan_a"]) == limits.PLAN_CHARS


def test_the_plan_total_and_an_answer_too_long_are_told_together(app, org, anna):
    fill_up_to(app, org["plan_a"], room=100)
    state_for_part(app, org["plan_a"], "fase-4")
    response = anna.post(part_url(org["plan_a"], "fase-4"),
                         data={"doelen_gehaald": "d" * (limits.LONG_ANSWER_CHARS + 1), "go": "stay"})
    assert response.status_code == 422
    assert error_text(response, "doelen_gehaald").startswith("Dit antwoord is te lang")
    assert "Niet opgeslagen: 1 antwoord vraagt aandacht." in text_of(response)
    assert f"zou dit plan er {dutch(limits.PLAN_CHARS - 100 + limits.LONG_ANSWER_CHARS + 1)} bevatten" \
        in hint(response, "plan-te-lang")


def test_a_save_that_shortens_is_never_held_up_by_the_total(app, org, anna):
    fill_up_to(app, org["plan_a"], room=0)
    state_for_part(app, org["plan_a"], "fase-3")
    url = part_url(org["plan_a"], "fase-3")
    data = page_post(anna, url)
    data["voortgangsgesprekken-0-verder"] = "Korter"
    assert anna.post(url, data=data).status_code == 302
    assert plan_chars(app, org["plan_a"]) < limits.PLAN_CHARS


# ------------------------------------------------------------------ plans stored before the limits

BEFORE_TALKS = limits.PROGRESS_TALKS + 6
BEFORE_TALK_CHARS = limits.TALK_ANSWER_CHARS + 2000
BEFORE_LONG = 20_000  # the limit of a long answer before


@pytest.fixture
def old_plan(app, org):
    """A plan saved under the limits before: more progress talks, each answer longer, a long answer
    of 20.000 characters, a table of as many rows as were allowed, of cells twice as long, and far
    more characters altogether than a plan may now hold."""
    values = {"voortgangsgesprekken": talks(BEFORE_TALKS, chars=BEFORE_TALK_CHARS),
              "meer_doen": "Oud antwoord. ".ljust(BEFORE_LONG, "m"),
              "kwaliteiten": [{"sterk": f"Punt {i} ".ljust(2 * limits.CELL_CHARS, "s"), "verbeter": ""}
                              for i in range(limits.ROWS_STORED_BEFORE)]}
    store(app, org["plan_a"], values)
    assert plan_chars(app, org["plan_a"]) > 4 * limits.PLAN_CHARS
    return org["plan_a"]


def test_a_plan_stored_before_the_limits_opens_prints_and_exports(app, org, anna, old_plan):
    for part in FORM.parts:
        assert anna.get(part_url(old_plan, part.key)).status_code == 200, part.key
    assert anna.get(f"/plans/{old_plan}").status_code == 200

    printed = text_of(anna.get(f"/plans/{old_plan}/afdrukken"))
    assert f"Gesprek {BEFORE_TALKS} gedaan:" in printed
    assert "Punt 99 " in printed

    response = anna.get(f"/plans/{old_plan}/download.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs)
    tables = "\n".join(c.text for t in docx.Document(io.BytesIO(response.data)).tables
                       for row in t.rows for c in row.cells)
    assert f"Gesprek {BEFORE_TALKS} verder:" in text + tables
    assert anna.get(f"/plans/{old_plan}/download.xlsx").status_code == 200

    page = anna.get(part_url(old_plan, "fase-1"))
    assert hint(page, "meer_doen-limit") == (
        f"Hoogstens {dutch(limits.LONG_ANSWER_CHARS)} tekens. Dit antwoord was al {dutch(BEFORE_LONG)} "
        "tekens van voordat deze grens gold: het mag korter worden, niet langer.")
    assert attribute(page, "meer_doen", "data-max") == str(BEFORE_LONG)
    assert attribute(page, "kwaliteiten-0-sterk", "data-max") == str(2 * limits.CELL_CHARS)
    assert row_count(page, "kwaliteiten") == limits.ROWS_STORED_BEFORE


def test_a_plan_stored_before_the_limits_saves_unchanged_with_nothing_dropped(app, org, anna, old_plan):
    before = stored(app, old_plan)
    for part_key in ("fase-1", "fase-3"):
        state_for_part(app, old_plan, part_key)
        response = anna.post(part_url(old_plan, part_key), data=page_post(anna, part_url(old_plan, part_key)))
        assert response.status_code == 302, (part_key, text_of(response)[:600])
    assert stored(app, old_plan) == before


def test_a_plan_stored_before_the_limits_may_shrink(app, org, anna, old_plan):
    url = part_url(old_plan, "fase-1")
    data = page_post(anna, url)
    data["meer_doen"] = data["meer_doen"][:-1]
    data["kwaliteiten-5-sterk"] = "Korter"
    assert anna.post(url, data=data).status_code == 302
    after = stored(app, old_plan)
    assert len(after["meer_doen"]) == BEFORE_LONG - 1
    assert len(after["kwaliteiten"]) == limits.ROWS_STORED_BEFORE


@pytest.mark.parametrize("grow, field_id, message", [
    ("meer_doen", "meer_doen",
     f"Dit antwoord is te lang: maximaal {dutch(limits.LONG_ANSWER_CHARS)} tekens (nu "
     f"{dutch(BEFORE_LONG + 1)}). Het was al {dutch(BEFORE_LONG)} tekens van voordat deze grens gold: "
     "het mag korter worden, niet langer."),
    ("kwaliteiten-3-sterk", "kwaliteiten-3-sterk",
     f"Dit antwoord is te lang: maximaal {dutch(limits.CELL_CHARS)} tekens (nu "
     f"{dutch(2 * limits.CELL_CHARS + 1)}). Het was al {dutch(2 * limits.CELL_CHARS)} tekens van "
     "voordat deze grens gold: het mag korter worden, niet langer."),
    ("new row", f"kwaliteiten-{limits.ROWS_STORED_BEFORE}-sterk",
     f"Deze tabel kan hoogstens {dutch(limits.TABLE_ROWS)} rijen bevatten. Hier stonden er al "
     f"{dutch(limits.ROWS_STORED_BEFORE)} van voordat deze grens gold: het mogen er minder worden, "
     "niet meer."),
])
def test_a_plan_stored_before_the_limits_may_not_grow_an_answer_or_a_table(app, org, anna, old_plan,
                                                                             grow, field_id, message):
    url = part_url(old_plan, "fase-1")
    before = stored(app, old_plan)
    data = page_post(anna, url)
    if grow == "new row":
        data[field_id] = "Nog een punt"
    else:
        data[grow] += "+"
    response = anna.post(url, data=data)
    assert response.status_code == 422
    assert error_text(response, field_id) == message
    assert shown_values(response)[field_id] == data[field_id]
    assert stored(app, old_plan) == before


def test_a_plan_stored_before_the_limits_gets_no_more_talks_and_no_longer_text(app, org, anna, old_plan):
    state_for_part(app, old_plan, "fase-3")
    url = part_url(old_plan, "fase-3")
    page = anna.get(url)
    assert hint(page, "voortgangsgesprekken-limit") == (
        f"Hoogstens {dutch(limits.PROGRESS_TALKS)} voortgangsgesprekken. Hier stonden er al "
        f"{dutch(BEFORE_TALKS)} van voordat deze grens gold: het mogen er minder worden, niet meer.")
    assert 'value="voortgangsgesprekken"' not in page.get_data(as_text=True)

    before = stored(app, old_plan)
    data = page_post(anna, url)
    data[f"voortgangsgesprekken-{BEFORE_TALKS}-datum"] = "2029-01-01"
    response = anna.post(url, data=data)
    assert response.status_code == 422
    assert error_text(response, f"voortgangsgesprekken-{BEFORE_TALKS}-datum").startswith(
        f"Een plan kan hoogstens {dutch(limits.PROGRESS_TALKS)} voortgangsgesprekken bevatten.")
    assert stored(app, old_plan) == before

    # Elsewhere in the plan: any growth passes the plan total it already exceeds.
    total = plan_chars(app, old_plan)
    state_for_part(app, old_plan, "fase-4")
    response = anna.post(part_url(old_plan, "fase-4"), data={"doelen_gehaald": "Gehaald.", "go": "stay"})
    assert response.status_code == 422
    assert hint(response, "plan-te-lang").startswith(
        f"Een plan kan hoogstens {dutch(limits.PLAN_CHARS)} tekens bevatten; met deze wijziging zou dit "
        f"plan er {dutch(total + 8)} bevatten. Het bevatte er al {dutch(total)} van voordat deze grens "
        "gold: het mag korter worden, niet langer. Maak het geheel minstens 8 tekens korter")
    assert shown_values(response)["doelen_gehaald"] == "Gehaald."
    assert stored(app, old_plan) == before


def test_a_table_stored_with_more_rows_than_a_save_reads_opens_and_is_never_cut(app, org, anna):
    """Before tables had any limit a crafted post could store any number of rows. Such a plan still
    opens; a save of it is refused with a message rather than dropping the rows it does not read."""
    many = TALKS.rows_read + 10
    store(app, org["plan_a"], {"voortgangsgesprekken": talks(many)})
    state_for_part(app, org["plan_a"], "fase-3")
    url = part_url(org["plan_a"], "fase-3")
    page = anna.get(url)
    assert page.status_code == 200
    assert row_count(page, "voortgangsgesprekken") == many
    before = stored(app, org["plan_a"])
    response = anna.post(url, data=page_post(anna, url))
    assert response.status_code == 422
    assert "voortgangsgesprekken bevatten" in text_of(response)
    assert stored(app, org["plan_a"]) == before


def test_the_plan_total_holds_when_another_part_grew_during_the_save(app, org, anna):
    """Two saves of different parts at the same moment could each fit a total read before the other
    and together exceed it. The save checks the total under its lock, on the one read it writes after
    (pop/saving.py): here the page was opened before another part grew, and its version of Fase I
    still holds."""
    page = anna.get(part_url(org["plan_a"], "fase-1"))
    version = doc(page).xpath('//input[@name="versie"]/@value')[0]
    fill_up_to(app, org["plan_a"], room=10)
    before = stored(app, org["plan_a"])
    response = anna.post(part_url(org["plan_a"], "fase-1"),
                         data={"meer_doen": "x" * 11, "versie": version, "go": "stay"})
    assert response.status_code == 422
    assert "Niet opgeslagen: het plan wordt te lang. Uw invoer staat er nog." in text_of(response)
    assert hint(response, "plan-te-lang").startswith(
        f"Een plan kan hoogstens {dutch(limits.PLAN_CHARS)} tekens bevatten")
    assert shown_values(response)["meer_doen"] == "x" * 11
    assert stored(app, org["plan_a"]) == before
