"""The command line: flask demo and flask create-user."""
import pytest

from conftest import Client, text_of
from pop.demo import DEMO_PASSWORD, PEOPLE
from pop.models import Person, Plan
from support import part_url, stored


def counts(app) -> dict:
    with app.app_context():
        return {role: Person.select().where(Person.role == role).count()
                for role in ("hr", "leidinggevende", "medewerker")} | {"plans": Plan.select().count()}


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_demo_fills_an_empty_database(app, runner):
    assert counts(app) == {"hr": 0, "leidinggevende": 0, "medewerker": 0, "plans": 0}
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    n = counts(app)
    assert n["hr"] >= 1 and n["leidinggevende"] == 2 and n["medewerker"] >= 5, n

    # It prints how to log in.
    for person in PEOPLE:
        assert person["email"] in result.output
    assert DEMO_PASSWORD in result.output

    with app.app_context():
        eva = Person.get(Person.email == "eva.visser@voorbeeld.nl")
        plan = Plan.get(Plan.employee == eva)
        assert plan.manager.email == "marco.jansen@voorbeeld.nl"
        assert all(p.password_hash and p.password_hash != DEMO_PASSWORD for p in Person.select())
    values = stored(app, plan.id)
    assert values["medewerker_naam"] == "Eva Visser"
    assert values["ontwikkeldoelen"] and values["ontwikkeldoelen"][0]["belang"] == 1
    assert values["pop_hoe"] and values["voortgangsgesprekken"]
    assert values["akkoord_medewerker"] and values["akkoord_leidinggevende"]
    filled = [f.key for f in plan_fields(plan) if f.is_filled(values[f.key])]
    assert len(filled) >= 25, filled


def plan_fields(plan):
    from pop.answers import form_of
    return form_of(plan).fields


def test_demo_accounts_can_log_in_and_eva_sees_her_plan(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    eva = Client(app)
    assert eva.login("eva.visser@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    with app.app_context():
        plan_id = Plan.get(Plan.employee == Person.get(Person.email == "eva.visser@voorbeeld.nl")).id
    page = eva.get(part_url(plan_id, "fase-2"))
    assert page.status_code == 200
    assert "verwachtingen-check" in text_of(page)
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    assert hr.get("/mensen/").status_code == 200


def test_demo_refuses_a_database_with_people(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    before = counts(app)
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "De database bevat al mensen" in result.output
    assert counts(app) == before


def test_demo_refuses_any_existing_organisation(app, org, runner):
    before = counts(app)
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert counts(app) == before


def test_demo_if_empty_does_nothing_without_error(app, runner):
    assert runner.invoke(args=["demo", "--if-empty"]).exit_code == 0  # empty: fills
    before = counts(app)
    assert before["medewerker"] >= 5
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert counts(app) == before


CREATE = ["create-user", "--email", "P.Jansen@Org.nl", "--voornaam", "Piet", "--achternaam", "Jansen",
          "--role", "leidinggevende", "--afdeling", "Inkoop", "--functie", "Teamleider"]


def test_create_user_with_options(app, runner):
    result = runner.invoke(args=CREATE + ["--password", "geheim-wachtwoord"])
    assert result.exit_code == 0, result.output
    assert "p.jansen@org.nl" in result.output
    with app.app_context():
        piet = Person.get(Person.email == "p.jansen@org.nl")
        assert (piet.naam, piet.role, piet.afdeling, piet.functie, piet.active) == (
            "Piet Jansen", "leidinggevende", "Inkoop", "Teamleider", True)
        assert piet.password_hash and piet.password_hash != "geheim-wachtwoord"
        assert "geheim-wachtwoord" not in piet.password_hash
    client = Client(app)
    assert client.login("p.jansen@org.nl", "geheim-wachtwoord").status_code == 302
    assert "Piet Jansen" in text_of(client.get("/"))
    assert Client(app).login("p.jansen@org.nl", "ander-wachtwoord").status_code != 302


def test_create_user_asks_the_password_twice(app, runner):
    result = runner.invoke(args=CREATE, input="wachtwoord-1\nwachtwoord-1\n")
    assert result.exit_code == 0, result.output
    assert Client(app).login("p.jansen@org.nl", "wachtwoord-1").status_code == 302


def test_create_user_with_a_manager(app, runner):
    assert runner.invoke(args=CREATE + ["--password", "geheim-wachtwoord"]).exit_code == 0
    result = runner.invoke(args=["create-user", "--email", "k@org.nl", "--voornaam", "Kim",
                                 "--achternaam", "Klein", "--manager-email", "P.JANSEN@org.nl",
                                 "--password", "geheim-wachtwoord"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        kim = Person.get(Person.email == "k@org.nl")
        assert kim.role == "medewerker" and kim.manager.email == "p.jansen@org.nl"


def test_create_user_without_local_passwords_takes_none_and_asks_none(tmp_path, monkeypatch):
    """POP_LOCAL_PASSWORDS=0: the account is made without a password (the directory or single sign-on
    logs the person in), no password is asked, and one given is refused rather than silently dropped."""
    from app import create_app
    from databases import fresh_database_url

    monkeypatch.setenv("POP_LOCAL_PASSWORDS", "0")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": fresh_database_url(tmp_path)})
    runner = app.test_cli_runner()
    refused = runner.invoke(args=CREATE + ["--password", "geheim-wachtwoord"])
    assert refused.exit_code == 1 and "POP_LOCAL_PASSWORDS=0" in refused.output
    result = runner.invoke(args=CREATE, input="")
    assert result.exit_code == 0, result.output
    assert "Wachtwoord" not in result.output and "p.jansen@org.nl" in result.output
    with app.app_context():
        assert Person.get(Person.email == "p.jansen@org.nl").password_hash == ""
    from pop.db import database
    database.close()


@pytest.mark.parametrize("extra, message", [
    (["--password", "kort"], "minstens 8 tekens"),
    (["--password", "geheim-wachtwoord", "--manager-email", "niemand@org.nl"],
     "Geen leidinggevende met e-mailadres"),
])
def test_create_user_refuses_bad_input(app, runner, extra, message):
    result = runner.invoke(args=CREATE + extra)
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert not Person.select().where(Person.email == "p.jansen@org.nl").exists()


def test_create_user_refuses_a_duplicate_email(app, runner):
    assert runner.invoke(args=CREATE + ["--password", "geheim-wachtwoord"]).exit_code == 0
    result = runner.invoke(args=CREATE + ["--password", "ander-wachtwoord"])
    assert result.exit_code != 0
    assert "Er is al iemand met dit e-mailadres." in result.output
    assert Client(app).login("p.jansen@org.nl", "geheim-wachtwoord").status_code == 302


@pytest.mark.parametrize("option, limit", [("--voornaam", 100), ("--afdeling", 150)])
def test_create_user_refuses_text_longer_than_the_database_holds(app, runner, option, limit):
    """PostgreSQL refused such a row with a traceback; SQLite stored it silently."""
    args = list(CREATE)
    args[args.index(option) + 1] = "x" * (limit + 1)
    result = runner.invoke(args=args + ["--password", "geheim-wachtwoord"])
    assert result.exit_code == 1
    assert f"Dit is te lang: hoogstens {limit} tekens." in result.output
    with app.app_context():
        assert not Person.select().where(Person.email == "p.jansen@org.nl").exists()
    args[args.index(option) + 1] = "x" * limit
    assert runner.invoke(args=args + ["--password", "geheim-wachtwoord"]).exit_code == 0


def test_create_user_refuses_a_line_break_in_a_name(app, runner):
    args = list(CREATE)
    args[args.index("--achternaam") + 1] = "Jansen\nBcc: iedereen@org.nl"
    result = runner.invoke(args=args + ["--password", "geheim-wachtwoord"])
    assert result.exit_code == 1
    assert "Dit veld is één regel: haal het regeleinde, de tab of het onzichtbare teken weg." in result.output
    with app.app_context():
        assert not Person.select().where(Person.email == "p.jansen@org.nl").exists()
