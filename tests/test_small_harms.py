"""Small slips a person would notice only much later: the matrix page saved unchanged by someone else
rewriting who placed whom; "€ 50,-" (as many people write a round amount) refused; a deactivated
manager still named as the one who holds the talk and still mailed the reminders."""
import datetime as dt
import re
from decimal import Decimal

from conftest import text_of
from pop import answers
from pop.models import Budget, Person, Placement, Plan
from pop.plans import current_period
from support import doc, set_state, values_of

PERIOD = current_period()


def _id(app, email):
    with app.app_context():
        return Person.get(Person.email == email).id


# ---------------------------------------------------------------- the matrix

def test_saving_the_matrix_unchanged_keeps_who_placed_whom(app, org, login):
    anna = _id(app, org["a"])
    marco, hr = login(org["m1"]), login(org["hr"])
    response = marco.post("/matrix", data={"periode": PERIOD, f"p{anna}-prestaties": "plus",
                                           f"p{anna}-potentie": "min"})
    assert response.status_code == 302
    with app.app_context():
        first = Placement.get(Placement.person == anna)
        placed_at = first.placed_at
    # HR opens the matrix, changes nothing for Anna and saves the page as shown.
    page = hr.get(f"/matrix?periode={PERIOD}")
    assert page.status_code == 200
    forms = doc(page).xpath('//form[@method="post"]')
    form = next(f for f in forms if f.xpath(f'.//*[@name="p{anna}-prestaties"]'))
    shown = {k: v for k, v in values_of(form).items() if v is not None and v is not False}
    assert shown[f"p{anna}-prestaties"] == "plus" and shown[f"p{anna}-potentie"] == "min"
    response = hr.post("/matrix", data={**shown, "periode": PERIOD})
    assert response.status_code == 302
    with app.app_context():
        after = Placement.get(Placement.person == anna)
        assert (after.prestaties, after.potentie) == ("plus", "min")
        assert after.placed_by_id == _id(app, org["m1"])
        assert after.placed_at == placed_at
    shown_page = text_of(hr.get(f"/matrix?periode={PERIOD}"))
    assert "Ingedeeld door Marco Een" in shown_page
    assert "Ingedeeld door Hanna HR" not in shown_page


# ---------------------------------------------------------------- amounts

def test_a_round_amount_written_with_a_comma_dash_is_accepted(app, org, login):
    anna = _id(app, org["a"])
    hr = login(org["hr"])
    response = hr.post("/budget", data={"periode": "2026", f"b{anna}-euro": "€ 50,-"})
    assert response.status_code == 302, text_of(response)[:500]
    with app.app_context():
        row = Budget.get(Budget.person == anna)
        assert row.euro == Decimal("50.00")
    page = hr.get(response.headers["Location"])
    assert doc(page).xpath(f'//input[@name="b{anna}-euro"]/@value') == ["50,00"]


def test_a_round_amount_with_a_comma_dash_in_the_plans_costs(app, org, login):
    anna = login(org["a"])
    plan = org["plan_a"]
    response = anna.post(f"/plans/{plan}/fase-2", data={"kosten_pob-opleiding__euro": "€ 50,-",
                                                        "kosten_pob-reis__euro": "1.250,-", "go": "stay"})
    assert response.status_code == 302, text_of(response)[:800]
    with app.app_context():
        costs = answers.load(Plan.get_by_id(plan))["kosten_pob"]
    assert costs["opleiding"]["euro"] == Decimal("50") and costs["reis"]["euro"] == Decimal("1250")


# ---------------------------------------------------------------- a deactivated manager

def _talk_in_three_days(app, plan_id):
    day = dt.date.today() + dt.timedelta(days=3)
    with app.app_context():
        answers.save(Plan.get_by_id(plan_id), {"volgend_gesprek": "voortgangsgesprek",
                                               "volgend_gesprek_datum": day})
    set_state(app, plan_id, "uitvoering")
    return day


def _deactivate(app, email):
    with app.app_context():
        Person.update(active=False).where(Person.email == email).execute()


def test_a_deactivated_manager_is_not_named_in_the_talks_invitation(app, org, login):
    _talk_in_three_days(app, org["plan_a"])
    anna = login(org["a"])
    before = anna.get(f"/plans/{org['plan_a']}/volgend-gesprek.ics")
    assert before.status_code == 200
    assert "m1@test.nl" in before.get_data(as_text=True)  # the control: while he is active
    _deactivate(app, org["m1"])
    response = anna.get(f"/plans/{org['plan_a']}/volgend-gesprek.ics")
    assert response.status_code == 200
    ics = response.get_data(as_text=True).replace("\r\n ", "")
    assert "m1@test.nl" not in ics and "Marco" not in ics
    assert re.search(r"ATTENDEE[^\n]*a@test\.nl", ics)


def test_a_deactivated_manager_gets_no_reminders(app, org):
    _talk_in_three_days(app, org["plan_a"])

    def dry_run():
        result = app.test_cli_runner().invoke(args=["reminders", "--dry-run"])
        assert result.exit_code == 0, result.output
        return [line for line in result.output.splitlines() if f"(plan {org['plan_a']})" in line]

    lines = dry_run()
    assert lines and all("m1@test.nl" in line for line in lines)  # the control: while he is active
    _deactivate(app, org["m1"])
    lines = dry_run()
    assert lines, "the employee is still reminded"
    assert all("a@test.nl" in line and "m1@test.nl" not in line for line in lines), lines
