"""The POP cycle's rules, written out BY HAND from the README's table "Roles and the POP cycle" and the
seeds (003 Uitgangspunten and phases I-IV, 004 §2.3-2.5), and checked through HTTP as each person
meets them: can they open the parts, save each kind of part, give their akkoord, react, take each step
on the overview. Nothing here is read from pop/cycle.py's RIGHTS: a changed cell there must fail here.

Where a cell is not spelled out in the README, the reason is given beside the table."""
import re

import pytest

from conftest import text_of
from pop import answers
from pop.models import Plan
from support import as_post, doc, set_state, stored, values_of

STATES = ("voorbereiding", "ontwikkelgesprek", "vastgesteld", "uitvoering", "evaluatie", "afgerond")
ROLES = ("medewerker", "leidinggevende", "hr")
WHO = {"medewerker": "a", "leidinggevende": "m1", "hr": "hr"}

# Y: may, -: may not.
#   lezen      open the plan's parts and print view
#   gegevens, fase-1, fase-2   the plan itself (the self-analysis and the POP-overeenkomst's content)
#   fase-3     progress talks          fase-4   the evaluation (Fase IV)
#   volgend    the next talk, on the Afronding page ("can be set in every state but Afgerond";
#              HR reads, never writes: "HR ... reads" in every row)
#   gesprekken the manager's conversation checklist (seed 001): his, from the first talk (the plan
#              shared) until the plan is closed (the evaluation is a talk too)
#   akkoord    one's own akkoord on the Afronding page (only in the ontwikkelgesprek: that is where
#              both sign the POP-overeenkomst, 003)
#   reactie    the Reactie leidinggevende per phase
#   the steps on the overview: delen, evalueren (Evaluatie starten), afronden, bijstellen, nieuw
COLUMNS = ("lezen", "gegevens", "fase-1", "fase-2", "fase-3", "fase-4", "volgend", "gesprekken",
           "akkoord", "reactie", "delen", "evalueren", "afronden", "bijstellen", "nieuw")
TABLE = """
state             role            lezen gegevens fase-1 fase-2 fase-3 fase-4 volgend gesprekken akkoord reactie delen evalueren afronden bijstellen nieuw
voorbereiding     medewerker      Y     Y        Y      Y      -      -      Y       -          -       -       Y     -         -        -          -
voorbereiding     leidinggevende  -     -        -      -      -      -      -       -          -       -       -     -         -        -          -
voorbereiding     hr              -     -        -      -      -      -      -       -          -       -       -     -         -        -          -
ontwikkelgesprek  medewerker      Y     Y        Y      Y      -      -      Y       -          Y       -       -     -         -        -          -
ontwikkelgesprek  leidinggevende  Y     -        -      -      -      -      Y       Y          Y       Y       -     -         -        -          -
ontwikkelgesprek  hr              Y     -        -      -      -      -      -       -          -       -       -     -         -        -          -
vastgesteld       medewerker      Y     -        -      -      Y      -      Y       -          -       -       -     Y         -        Y          -
vastgesteld       leidinggevende  Y     -        -      -      Y      -      Y       Y          -       Y       -     Y         -        Y          -
vastgesteld       hr              Y     -        -      -      -      -      -       -          -       -       -     -         -        -          -
uitvoering        medewerker      Y     -        -      -      Y      -      Y       -          -       -       -     Y         -        Y          -
uitvoering        leidinggevende  Y     -        -      -      Y      -      Y       Y          -       Y       -     Y         -        Y          -
uitvoering        hr              Y     -        -      -      -      -      -       -          -       -       -     -         -        -          -
evaluatie         medewerker      Y     -        -      -      -      Y      Y       -          -       -       -     -         -        -          -
evaluatie         leidinggevende  Y     -        -      -      -      -      Y       Y          -       Y       -     -         Y        -          -
evaluatie         hr              Y     -        -      -      -      -      -       -          -       -       -     -         -        -          -
afgerond          medewerker      Y     -        -      -      -      -      -       -          -       -       -     -         -        -          Y
afgerond          leidinggevende  Y     -        -      -      -      -      -       -          -       -       -     -         -        -          Y
afgerond          hr              Y     -        -      -      -      -      -       -          -       -       -     -         -        -          Y
"""


def _parse(table: str) -> dict:
    lines = [line.split() for line in table.strip().splitlines()]
    assert tuple(lines[0][2:]) == COLUMNS
    expected = {}
    for state, role, *cells in lines[1:]:
        assert len(cells) == len(COLUMNS) and set(cells) <= {"Y", "-"}, (state, role)
        expected[state, role] = {column for column, cell in zip(COLUMNS, cells) if cell == "Y"}
    assert set(expected) == {(s, r) for s in STATES for r in ROLES}
    return expected


EXPECTED = _parse(TABLE)
CASES = [(state, role) for state in STATES for role in ROLES]

CONTENT = "Inhoud-die-Anna-schreef"  # what the employee wrote before the test, in Fase I
# One change per part, as a browser posts it: (the form data, the field it changes, the marker typed).
CHANGES = {
    "gegevens": ({"medewerker_functie": "Functie-GEWIJZIGD"}, "medewerker_functie", "Functie-GEWIJZIGD"),
    "fase-1": ({"meer_doen": "Meer-doen-GEWIJZIGD"}, "meer_doen", "Meer-doen-GEWIJZIGD"),
    "fase-2": ({"pop_wat": "Pop-wat-GEWIJZIGD"}, "pop_wat", "Pop-wat-GEWIJZIGD"),
    "fase-3": ({"voortgangsgesprekken-0-datum": "2027-03-01",
                "voortgangsgesprekken-0-gedaan": "Gesprek-GEWIJZIGD"}, "voortgangsgesprekken",
               "Gesprek-GEWIJZIGD"),
    "fase-4": ({"doelen_gehaald": "Doelen-GEWIJZIGD"}, "doelen_gehaald", "Doelen-GEWIJZIGD"),
    "volgend": ({"volgend_gesprek": "voortgangsgesprek", "volgend_gesprek_datum": "2027-06-13"},
                "volgend_gesprek_datum", "2027-06-13"),
    "gesprekken": ({"gesprekken-0-datum": "2027-03-02", "gesprekken-0-gesprek": "Checklist-GEWIJZIGD"},
                   "gesprekken", "Checklist-GEWIJZIGD"),
}
PAGE = {"volgend": "afronding"}  # the column's page, where it differs from the column's name
READ_AS = {"volgend": "13-06-2027"}  # a date in an input is ISO, shown as text the Dutch way


def _shows(response, column) -> bool:
    """Whether the page shows the text typed for this column, in an input or as text."""
    marker = CHANGES[column][2]
    return marker in response.get_data(as_text=True) or READ_AS.get(column, marker) in text_of(response)


PARTS = ("gegevens", "fase-1", "fase-2", "fase-3", "fase-4", "afronding", "gesprekken")
EVALUATION = {"doelen_gehaald": "Grotendeels", "hoe_geleerd": "Door te doen", "pop_afsluiten": "Klaar"}


def _prepare(app, org, state):
    """Anna's plan with her self-analysis and her evaluation written, in the given state."""
    plan = org["plan_a"]
    with app.app_context():
        answers.save(Plan.get_by_id(plan), {"meer_doen": CONTENT, **EVALUATION})
    set_state(app, plan, state)
    return plan


def _state(app, plan):
    with app.app_context():
        return Plan.get_by_id(plan).status


def _shown(page) -> dict | None:
    """What the part's form would post as shown (versie included), or None when the page has no
    form (not readable, or a read-only page shown as a document: then the post is a crafted one)."""
    if page.status_code != 200:
        return None
    forms = doc(page).xpath('//form[contains(concat(" ", @class, " "), " paper-form ")]')
    if len(forms) != 1:
        return None
    data = as_post(values_of(forms[0]))
    version = forms[0].xpath('.//input[@name="versie"]/@value')
    if version:
        data["versie"] = version[0]
    return data


def _reaction_form(page) -> dict:
    """The hidden inputs of the page's reaction form (a version, say), if the page has one."""
    if page.status_code != 200:
        return {}
    found = doc(page).xpath('//form[contains(@action, "/reactie")]')
    if not found:
        return {}
    return {i.get("name"): i.get("value", "") for i in found[0].xpath('.//input[@type="hidden"]')
            if i.get("name") and i.get("name") != "csrf_token"}


# ---------------------------------------------------------------- reading

@pytest.mark.parametrize("state,role", CASES)
def test_who_opens_the_parts(app, org, login, state, role):
    user, plan = login(org[WHO[role]]), _prepare(app, org, state)
    may_read = "lezen" in EXPECTED[state, role]
    wrong = []
    for part in PARTS:
        page = user.get(f"/plans/{plan}/{part}")
        if may_read:
            if page.status_code != 200:
                wrong.append((part, page.status_code))
        elif page.status_code != 403 or "nog in voorbereiding" not in text_of(page):
            wrong.append((part, page.status_code, text_of(page)[:200]))
        elif CONTENT in page.get_data(as_text=True):
            wrong.append((part, "content shown on the refusal"))
    fase_1 = user.get(f"/plans/{plan}/fase-1")
    printed = user.get(f"/plans/{plan}/afdrukken")
    word = user.get(f"/plans/{plan}/download.docx")
    if may_read:
        assert CONTENT in text_of(fase_1), (state, role)
        assert printed.status_code == 200 and CONTENT in text_of(printed), (state, role)
        assert word.status_code == 200 and word.data[:2] == b"PK", (state, role)
    else:
        assert printed.status_code == 403 and CONTENT not in printed.get_data(as_text=True), (state, role)
        assert word.status_code == 403 and word.data[:2] != b"PK", (state, role)
    # Everyone of the three knows the plan exists: its overview opens, with content only if readable.
    overview = user.get(f"/plans/{plan}")
    assert overview.status_code == 200, (state, role)
    assert "Anna Alfa" in text_of(overview)
    assert wrong == [], (state, role, wrong)


# ---------------------------------------------------------------- saving

@pytest.mark.parametrize("state,role", CASES)
def test_who_saves_which_part(app, org, login, state, role):
    user, plan = login(org[WHO[role]]), _prepare(app, org, state)
    allowed = EXPECTED[state, role]
    wrong = []
    for column, (change, field, marker) in CHANGES.items():
        set_state(app, plan, state)  # a first progress talk moves vastgesteld on: back for the next
        url = f"/plans/{plan}/{PAGE.get(column, column)}"
        shown = _shown(user.get(url))
        data = {**(shown or {}), **change, "go": "stay"}
        before = stored(app, plan)
        response = user.post(url, data=data)
        after = stored(app, plan)
        if column in allowed:
            if response.status_code != 302:
                wrong.append((column, "refused", response.status_code, text_of(response)[:300]))
                continue
            page = user.get(response.headers["Location"])
            if "Opgeslagen." not in text_of(page):
                wrong.append((column, "no Opgeslagen."))
            if marker not in repr(after[field]) and marker not in str(after[field]):
                wrong.append((column, "not stored", after[field]))
            if not _shows(page, column):
                wrong.append((column, "saved text not on the page"))
        else:
            if response.status_code != 403:
                wrong.append((column, "not refused", response.status_code))
            body = response.get_data(as_text=True)
            if "lezen" in allowed:
                # Refused with the reason, and what was typed into the page's form kept on it.
                if "Niet opgeslagen:" not in text_of(response):
                    wrong.append((column, "refusal without the reason", text_of(response)[:300]))
                if shown is not None and not _shows(response, column):
                    wrong.append((column, "typed text lost on the refusal"))
            elif "nog in voorbereiding" not in text_of(response) or CONTENT in body:
                wrong.append((column, "refusal shows content or no reason"))
            if after != before:
                wrong.append((column, "stored anyway"))
    assert wrong == [], (state, role, wrong)


@pytest.mark.parametrize("state,role", CASES)
def test_who_gives_an_akkoord(app, org, login, state, role):
    """One's own akkoord, on the Afronding page; nobody can tick the other's."""
    user, plan = login(org[WHO[role]]), _prepare(app, org, state)
    url = f"/plans/{plan}/afronding"
    own = {"medewerker": "akkoord_medewerker", "leidinggevende": "akkoord_leidinggevende"}.get(role)
    data = {**(_shown(user.get(url)) or {}), "akkoord_medewerker": "y", "akkoord_leidinggevende": "y",
            "go": "stay"}
    response = user.post(url, data=data)
    after = stored(app, plan)
    name = {"medewerker": "Anna Alfa", "leidinggevende": "Marco Een"}.get(role)
    if "akkoord" in EXPECTED[state, role]:
        assert response.status_code == 302, (state, role, text_of(response)[:300])
        assert "Opgeslagen." in text_of(user.get(response.headers["Location"]))
        assert after[own]["naam"] == name
        other = "akkoord_leidinggevende" if role == "medewerker" else "akkoord_medewerker"
        assert after[other] is None, "signed for the other"
        assert _state(app, plan) == "ontwikkelgesprek"  # one akkoord does not fix the plan
    else:
        # Where the next talk may be set the page saves (the box is not offered), else it is refused.
        assert response.status_code == (302 if "volgend" in EXPECTED[state, role] else 403), (state, role)
        assert after["akkoord_medewerker"] is None and after["akkoord_leidinggevende"] is None
        assert _state(app, plan) == state


@pytest.mark.parametrize("state,role", CASES)
def test_who_reacts(app, org, login, state, role):
    user, plan = login(org[WHO[role]]), _prepare(app, org, state)
    url = f"/plans/{plan}/fase-1"
    page = user.get(url)
    offered = page.status_code == 200 and bool(doc(page).xpath('//form[contains(@action, "/reactie")]'))
    response = user.post(url + "/reactie", data={**_reaction_form(page), "reactie": "Reactie-van-Marco"})
    if "reactie" in EXPECTED[state, role]:
        assert offered, (state, role)
        assert response.status_code == 302, (state, role, text_of(response)[:300])
        shown = user.get(response.headers["Location"])
        assert "Uw reactie is opgeslagen." in text_of(shown)
        assert "Reactie-van-Marco" in text_of(shown)
    else:
        assert not offered, (state, role)
        assert response.status_code == 403, (state, role)
        if "lezen" in EXPECTED[state, role]:
            assert "Reactie-van-Marco" not in user.get(url).get_data(as_text=True)
        with app.app_context():  # as the plan's employee would see it
            from pop import cycle
            from forms import get_form
            plan_row = Plan.get_by_id(plan)
            assert cycle.reaction(plan_row, get_form(plan_row.form_key).part("fase-1")) == ""


# ---------------------------------------------------------------- the steps on the overview

AFTER_STEP = {"delen": "ontwikkelgesprek", "evalueren": "evaluatie", "afronden": "afgerond",
              "bijstellen": "ontwikkelgesprek"}


@pytest.mark.parametrize("state,role", CASES)
def test_who_takes_which_step(app, org, login, state, role):
    user, plan = login(org[WHO[role]]), _prepare(app, org, state)
    allowed = EXPECTED[state, role]
    wrong = []
    for step in ("delen", "evalueren", "afronden", "bijstellen", "nieuw"):
        set_state(app, plan, state)
        overview = user.get(f"/plans/{plan}").get_data(as_text=True)
        offered = f"/plans/{plan}/stap/{step}" in overview
        with app.app_context():
            plans_before = Plan.select().count()
            version_before = Plan.get_by_id(plan).version
        response = user.post(f"/plans/{plan}/stap/{step}", data={})
        if response.status_code != 302:
            wrong.append((step, "status", response.status_code))
            continue
        message = text_of(user.get(response.headers["Location"]))
        with app.app_context():
            new_plans = Plan.select().count() - plans_before
            version = Plan.get_by_id(plan).version
        now = _state(app, plan)
        if step in allowed:
            if not offered:
                wrong.append((step, "not offered"))
            if "Niet gelukt" in message:
                wrong.append((step, "refused", message[:200]))
            if step == "nieuw":
                if new_plans != 1 or now != state:
                    wrong.append((step, "no new plan", new_plans, now))
            elif now != AFTER_STEP[step]:
                wrong.append((step, "state", now))
            if step == "bijstellen" and version != version_before + 1:
                wrong.append((step, "no new version", version))
        else:
            if offered:
                wrong.append((step, "offered"))
            if "Niet gelukt:" not in message:
                wrong.append((step, "not refused", message[:200]))
            if now != state or new_plans != 0 or version != version_before:
                wrong.append((step, "taken anyway", now, new_plans, version))
    assert wrong == [], (state, role, wrong)


def test_the_table_says_what_the_readme_says():
    """A few cells the README states in so many words, so the table above is not copied wrong."""
    assert EXPECTED["voorbereiding", "leidinggevende"] == EXPECTED["voorbereiding", "hr"] == set()
    assert all(EXPECTED[s, "hr"] <= {"lezen", "nieuw"} for s in STATES)
    assert all({"nieuw"} <= EXPECTED["afgerond", r] for r in ROLES)
    assert {s for s in STATES if "afronden" in EXPECTED[s, "leidinggevende"]} == {"evaluatie"}
    assert {s for s in STATES if EXPECTED[s, "medewerker"] & {"gegevens", "fase-1", "fase-2"}} == {
        "voorbereiding", "ontwikkelgesprek"}
    assert re.search(r"afgerond\s+medewerker\s+Y(\s+-){13}\s+Y", TABLE)


# A page opened while the part could be changed, saved after the plan moved on: refused with the
# reason, and what was typed comes back on the page (nothing typed is lost without a word).
MOVED_ON = [("medewerker", "fase-1", "ontwikkelgesprek", "vastgesteld"),
            ("medewerker", "fase-2", "ontwikkelgesprek", "vastgesteld"),
            ("medewerker", "fase-3", "uitvoering", "evaluatie"),
            ("medewerker", "fase-4", "evaluatie", "afgerond"),
            ("leidinggevende", "gesprekken", "evaluatie", "afgerond"),
            ("leidinggevende", "volgend", "evaluatie", "afgerond")]


@pytest.mark.parametrize("role,column,opened,saved", MOVED_ON)
def test_a_page_opened_before_the_plan_moved_on_keeps_the_text(app, org, login, role, column, opened,
                                                               saved):
    assert column in EXPECTED[opened, role] and column not in EXPECTED[saved, role]
    user, plan = login(org[WHO[role]]), _prepare(app, org, opened)
    change, field, marker = CHANGES[column]
    url = f"/plans/{plan}/{PAGE.get(column, column)}"
    shown = _shown(user.get(url))
    assert shown is not None, "the page offered no form to type in"
    set_state(app, plan, saved)
    before = stored(app, plan)
    response = user.post(url, data={**shown, **change, "go": "stay"})
    assert response.status_code == 403
    assert "Niet opgeslagen:" in text_of(response)
    assert _shows(response, column)
    assert stored(app, plan) == before
