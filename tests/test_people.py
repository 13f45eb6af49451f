"""HR manages the people: adding, changing their manager, and the checks on what is typed."""
import pytest

from conftest import Client, text_of
from pop.models import Person
from support import card_values, error_text, part_url, set_state


def person(app, email):
    with app.app_context():
        return Person.get_or_none(Person.email == email)


def ids(app, org):
    with app.app_context():
        return {k: Person.get(Person.email == org[k]).id for k in ("hr", "m1", "m2", "a", "b")}


def people_count(app):
    with app.app_context():
        return Person.select().count()


def new_person(**changes):
    data = {"voornaam": "Sophie", "tussenvoegsel": "van", "achternaam": "Dijk",
            "email": "sophie@test.nl", "functie": "Controller", "afdeling": "A",
            "manager": "0", "role": "medewerker", "active": "y", "password": "eerste-wachtwoord"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def edit_data(app, who, **changes):
    """The edit form of an existing person (e-mail `who`) as HR's browser posts it, with changes."""
    p = person(app, who)
    data = {"voornaam": p.voornaam, "tussenvoegsel": p.tussenvoegsel, "achternaam": p.achternaam,
            "email": p.email, "functie": p.functie, "afdeling": p.afdeling,
            "manager": str(p.manager_id or 0), "role": p.role, "active": "y" if p.active else None,
            "password": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def hr(org, login):
    return login(org["hr"])


def test_hr_adds_a_person(app, org, hr):
    m1 = ids(app, org)["m1"]
    response = hr.post("/mensen/nieuw", data=new_person(manager=str(m1), email="Sophie@Test.nl"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/mensen/"
    sophie = person(app, "sophie@test.nl")
    assert sophie is not None, "e-mail not stored in lower case"
    assert (sophie.naam, sophie.functie, sophie.afdeling, sophie.role, sophie.manager_id, sophie.active) == \
        ("Sophie van Dijk", "Controller", "A", "medewerker", m1, True)
    assert sophie.password_hash and sophie.password_hash != "eerste-wachtwoord"
    listing = text_of(hr.get("/mensen/"))
    assert "Sophie van Dijk" in listing and "sophie@test.nl" in listing
    assert Client(app).login("sophie@test.nl", "eerste-wachtwoord").status_code == 302


def test_hr_changes_a_persons_manager(app, org, hr, login):
    who = ids(app, org)
    page = hr.get(f"/mensen/{who['a']}")
    assert page.status_code == 200
    shown = card_values(page)
    assert shown["manager"] == str(who["m1"]) and shown["email"] == org["a"]
    assert shown["password"] == "", "a password is shown in the form"

    response = hr.post(f"/mensen/{who['a']}", data=edit_data(app, org["a"], manager=str(who["m2"])))
    assert response.status_code == 302
    anna = person(app, org["a"])
    assert anna.manager_id == who["m2"]
    assert card_values(hr.get(f"/mensen/{who['a']}"))["manager"] == str(who["m2"])
    # The password was left empty: it is unchanged.
    assert Client(app).login(org["a"], "wachtwoord-123").status_code == 302
    # The new manager takes over Anna's running plan.
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    mira = login(org["m2"])
    assert mira.get(part_url(org["plan_a"], "fase-1")).status_code == 200
    response = mira.post(part_url(org["plan_a"], "fase-1") + "/reactie", data={"reactie": "Van Mira"})
    assert response.status_code == 302
    assert "Van Mira" in text_of(mira.get(part_url(org["plan_a"], "fase-1")))


def test_hr_sets_a_new_password(app, org, hr):
    who = ids(app, org)
    response = hr.post(f"/mensen/{who['a']}", data=edit_data(app, org["a"], password="nieuw-wachtwoord"))
    assert response.status_code == 302
    assert Client(app).login(org["a"], "nieuw-wachtwoord").status_code == 302
    assert Client(app).login(org["a"], "wachtwoord-123").status_code != 302


def test_deactivated_person_is_logged_out_and_cannot_log_in(app, org, hr, login):
    who = ids(app, org)
    anna = login(org["a"])
    response = hr.post(f"/mensen/{who['a']}", data=edit_data(app, org["a"], active=None))
    assert response.status_code == 302
    assert person(app, org["a"]).active is False
    assert anna.get("/").status_code == 302, "a deactivated person keeps working"
    assert Client(app).login(org["a"]).status_code != 302


def test_a_reactivated_person_logs_in_again_their_old_sessions_stay_ended(app, org, hr, login):
    """Deactivating ends every session for good: reactivated, a cookie from before does not revive."""
    who = ids(app, org)
    anna = login(org["a"])
    assert anna.get("/").status_code == 200
    assert hr.post(f"/mensen/{who['a']}", data=edit_data(app, org["a"], active=None)).status_code == 302
    assert hr.post(f"/mensen/{who['a']}", data=edit_data(app, org["a"], active="y")).status_code == 302
    assert person(app, org["a"]).active is True
    response = anna.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "Log in om verder te gaan." in text_of(anna.get(response.headers["Location"]))
    # A fresh log-in works, and other changes by HR leave a session alone.
    again = login(org["a"])
    assert hr.post(f"/mensen/{who['a']}", data=edit_data(app, org["a"], functie="Senior")).status_code == 302
    assert again.get("/").status_code == 200


@pytest.mark.parametrize("email", ["a@test.nl", "A@TEST.nl"])
def test_duplicate_email_when_adding(app, org, hr, email):
    before = people_count(app)
    typed = new_person(email=email, voornaam="Tweede", achternaam="Anna", functie="Typist")
    response = hr.post("/mensen/nieuw", data=typed)
    assert response.status_code == 422
    assert error_text(response, "email") == "Er is al iemand met dit e-mailadres."
    shown = card_values(response)
    for name in ("voornaam", "tussenvoegsel", "achternaam", "email", "functie", "afdeling", "role"):
        assert shown[name] == typed[name], name
    assert shown["active"] is True
    assert people_count(app) == before
    assert person(app, org["a"]).voornaam == "Anna"


def test_duplicate_email_when_editing(app, org, hr):
    who = ids(app, org)
    response = hr.post(f"/mensen/{who['b']}", data=edit_data(app, org["b"], email=org["a"],
                                                             functie="Nieuwe functie"))
    assert response.status_code == 422
    assert error_text(response, "email") == "Er is al iemand met dit e-mailadres."
    shown = card_values(response)
    assert shown["email"] == org["a"] and shown["functie"] == "Nieuwe functie"
    bram = person(app, org["b"])
    assert bram.email == org["b"] and bram.functie == "Planner"


def test_manager_loop_is_refused(app, org, hr):
    for email, name in (("x@test.nl", "Xander"), ("y@test.nl", "Yara")):
        assert hr.post("/mensen/nieuw", data=new_person(email=email, voornaam=name)).status_code == 302
    x, y = person(app, "x@test.nl").id, person(app, "y@test.nl").id
    # X's manager is Y ...
    assert hr.post(f"/mensen/{x}", data=edit_data(app, "x@test.nl", manager=str(y))).status_code == 302
    assert person(app, "x@test.nl").manager_id == y
    # ... so Y's manager cannot be X.
    response = hr.post(f"/mensen/{y}", data=edit_data(app, "y@test.nl", manager=str(x), functie="Baas"))
    assert response.status_code == 422
    assert error_text(response, "manager") == \
        "Deze persoon valt (indirect) onder de gekozen leidinggevende zelf."
    assert card_values(response)["manager"] == str(x) and card_values(response)["functie"] == "Baas"
    yara = person(app, "y@test.nl")
    assert yara.manager_id is None and yara.functie == "Controller"


def test_indirect_manager_loop_is_refused(app, org, hr):
    """m1 manages Anna; Anna manages a new person Z; m1 cannot get Z as manager."""
    who = ids(app, org)
    assert hr.post("/mensen/nieuw", data=new_person(email="z@test.nl", manager=str(who["a"]))).status_code == 302
    z = person(app, "z@test.nl").id
    response = hr.post(f"/mensen/{who['m1']}", data=edit_data(app, org["m1"], manager=str(z)))
    assert response.status_code == 422
    assert error_text(response, "manager")
    assert person(app, org["m1"]).manager_id is None


def test_nobody_is_their_own_manager(app, org, hr):
    who = ids(app, org)
    page = hr.get(f"/mensen/{who['a']}")
    assert f'value="{who["a"]}"' not in page.get_data(as_text=True)
    response = hr.post(f"/mensen/{who['a']}", data=edit_data(app, org["a"], manager=str(who["a"])))
    assert response.status_code == 422
    assert error_text(response, "manager")
    assert person(app, org["a"]).manager_id == who["m1"]


@pytest.mark.parametrize("changes, field, message", [
    ({"voornaam": ""}, "voornaam", "Dit veld is verplicht."),
    ({"achternaam": "  "}, "achternaam", "Dit veld is verplicht."),
    ({"email": "geen-e-mailadres"}, "email", "Dit is geen geldig e-mailadres."),
    ({"email": "twee@@test.nl"}, "email", "Dit is geen geldig e-mailadres."),
    ({"password": ""}, "password", "Geef een nieuw account een wachtwoord."),
    ({"password": "kort"}, "password", "Een wachtwoord heeft minstens 8 tekens."),
    ({"role": "directeur"}, "role", None),
])
def test_invalid_person_is_refused_with_a_dutch_message(app, org, hr, changes, field, message):
    before = people_count(app)
    response = hr.post("/mensen/nieuw", data=new_person(**changes))
    assert response.status_code == 422
    shown = error_text(response, field)
    if message:
        assert shown == message, shown
    else:
        assert "keuze" in shown.lower(), shown
    assert people_count(app) == before
    assert card_values(response)["functie"] == "Controller"


def test_unknown_person_is_404(hr):
    assert hr.get("/mensen/9999").status_code == 404


def test_hr_sees_who_has_no_pop_yet_for_the_period(org, login):
    from conftest import text_of

    hr = login(org["hr"])
    page = text_of(hr.get("/?periode=2026"))
    section = page.split("Nog geen POP voor 2026", 1)[1]
    # Anna and Bram have a 2026 plan (the org fixture); the managers and HR do not.
    for name in ("Marco Een", "Mira Twee", "Hanna HR"):
        assert name in section
    for name in ("Anna Alfa", "Bram Beta"):
        assert name not in section
    section_b = text_of(hr.get("/?periode=2026&afdeling=B")).split("Nog geen POP voor 2026", 1)[1]
    assert "Mira Twee" in section_b and "Marco Een" not in section_b
    # Not shown to others.
    assert "Nog geen POP" not in text_of(login(org["m1"]).get("/"))


@pytest.mark.parametrize("field, typed", [
    ("voornaam", "Sophie\nBcc: iedereen@test.nl"),
    ("tussenvoegsel", "van\tder"),
    ("achternaam", "Dijk\r"),
    ("functie", "Controller\x00"),
    # afdeling is chosen from HR's list now; its names are checked on /afdelingen (test_departments.py)
    ("email", "sophie\x0b@test.nl"),
])
def test_a_line_break_or_invisible_character_in_a_person_field_is_refused_and_kept(
        app, org, hr, field, typed):
    """Names go into mail headers and one-line cells: a line break stored through a crafted post broke
    the reminder run. Refused next to the field, with every typed value back in its box."""
    before = people_count(app)
    response = hr.post("/mensen/nieuw", data=new_person(**{field: typed}))
    assert response.status_code == 422
    assert error_text(response, field) == ("Dit veld is één regel: haal het regeleinde, de tab of het "
                                           "onzichtbare teken weg.")
    shown = card_values(response)
    # As an HTML page can hold it: a NUL reads back as U+FFFD, a carriage return as a line feed.
    assert shown[field] in (typed, typed.replace("\r", "\n"), typed.replace("\x00", "\ufffd"))
    assert shown["achternaam" if field != "achternaam" else "voornaam"] in ("Dijk", "Sophie")
    assert people_count(app) == before
    # Editing someone: the same refusal, and the stored name stays.
    who = ids(app, org)
    response = hr.post(f"/mensen/{who['a']}", data=edit_data(app, org["a"], **{field: typed}))
    assert response.status_code == 422 and error_text(response, field)
    assert person(app, org["a"]).naam == "Anna Alfa" and person(app, org["a"]).email == org["a"]


def test_save_person_refuses_control_characters_whoever_calls_it(app):
    from pop.people import save_person
    with app.app_context():
        errors = save_person(None, {"email": "x@test.nl", "voornaam": "X\u2028", "achternaam": "Y\x1b[31m",
                                    "role": "medewerker", "password": "wachtwoord-123"})
        assert list(errors) == ["achternaam"]  # U+2028 is a line separator (Zl), not Cc/Cf: allowed
        assert not Person.select().where(Person.email == "x@test.nl").exists()


def test_hr_gives_a_personeelsnummer_which_is_unique_and_can_be_emptied(app, org, hr):
    """The HR system's number, which a re-import matches people by, is on the person's page: stored as
    typed (trimmed), refused with a Dutch message when another person has it (what was typed stays),
    and emptied by clearing the box."""
    who = ids(app, org)
    response = hr.post(f"/mensen/{who['a']}", data=edit_data(app, org["a"], personeelsnummer=" 10042 "))
    assert response.status_code == 302
    assert person(app, org["a"]).personeelsnummer == "10042"
    assert 'value="10042"' in hr.get(f"/mensen/{who['a']}").get_data(as_text=True)
    response = hr.post(f"/mensen/{who['b']}", data=edit_data(app, org["b"], personeelsnummer="10042",
                                                             functie="Nieuwe functie"))
    assert response.status_code == 422
    assert error_text(response, "personeelsnummer") == "Er is al iemand met dit personeelsnummer."
    assert card_values(response)["functie"] == "Nieuwe functie"
    assert person(app, org["b"]).personeelsnummer is None
    response = hr.post(f"/mensen/{who['a']}", data=edit_data(app, org["a"], personeelsnummer=""))
    assert response.status_code == 302
    assert person(app, org["a"]).personeelsnummer is None
