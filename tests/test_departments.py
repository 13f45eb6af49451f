"""Departments as a list HR keeps (/afdelingen, pop/departments.py): adding, renaming, merging and
removing, with the people following; the people form choosing from the list."""
import pytest

from conftest import text_of
from pop.models import Department, Person, SecurityEvent
from support import card_values, doc, error_text


@pytest.fixture
def hr(org, login):
    return login(org["hr"])


def department(app, name):
    with app.app_context():
        return Department.get_or_none(Department.name == name)


def afdelingen(app):
    """{email: afdeling} of everyone, and the departments' names."""
    with app.app_context():
        return ({p.email: p.afdeling for p in Person.select()},
                sorted(d.name for d in Department.select()))


def log_lines(app, kind):
    with app.app_context():
        return [(e.actor_name, e.detail) for e in SecurityEvent.select().where(SecurityEvent.kind == kind)]


def test_hr_adds_one_and_a_variant_of_an_existing_name_is_refused_with_the_text_kept(app, org, hr):
    page = hr.get("/afdelingen/")
    assert page.status_code == 200
    assert [r for r in text_of(page).split("Afdeling Mensen Plannen ")[1:]][0].startswith("A 2 Plannen van A B 2")
    added = hr.post("/afdelingen/", data={"name": "  Financiën   en  control "})
    assert added.status_code == 302
    assert afdelingen(app)[1] == ["A", "B", "Financiën en control", "HR"]
    for typed, message in [("FINANCIËN EN CONTROL", "Er is al een afdeling ‘Financiën en control’."),
                           ("  ", "Geef de afdeling een naam."),
                           ("Fin\u200bance", "Dit veld is één regel: haal het regeleinde, de tab of het "
                                             "onzichtbare teken weg."),
                           ("x" * 151, "Dit is te lang: hoogstens 150 tekens.")]:
        refused = hr.post("/afdelingen/", data={"name": typed})
        assert refused.status_code == 422, typed
        assert error_text(refused, "name") == message
        assert card_values(refused)["name"] == typed
    assert afdelingen(app)[1] == ["A", "B", "Financiën en control", "HR"]


def test_renaming_moves_its_people_along_and_is_logged(app, org, hr):
    a = department(app, "A")
    before, _ = afdelingen(app)
    renamed = hr.post(f"/afdelingen/{a.id}", data={"name": "Klantenservice"})
    assert renamed.status_code == 302
    after, names = afdelingen(app)
    assert names == ["B", "HR", "Klantenservice"]
    assert after == {e: ("Klantenservice" if d == "A" else d) for e, d in before.items()}
    assert log_lines(app, "afdeling_hernoemd") == [("Hanna HR", "‘A’ heet nu ‘Klantenservice’ (2 personen)")]
    # The lists filter by the new name: both people of A are there.
    assert "Anna Alfa" in text_of(hr.get("/?afdeling=Klantenservice"))
    # Only the case changes: allowed, it is the same department.
    assert hr.post(f"/afdelingen/{a.id}", data={"name": "KLANTENSERVICE"}).status_code == 302
    assert afdelingen(app)[0][org["a"]] == "KLANTENSERVICE"
    # Another's name (in any case) is refused: that would be a merge, and says so.
    refused = hr.post(f"/afdelingen/{a.id}", data={"name": " b"})
    assert refused.status_code == 422
    assert error_text(refused, "name") == ("Er is al een afdeling ‘B’. Wilt u de twee samenvoegen, kies dan "
                                           "‘Samenvoegen’.")
    assert afdelingen(app)[0][org["a"]] == "KLANTENSERVICE"
    assert len(log_lines(app, "afdeling_hernoemd")) == 2


def test_merging_asks_first_naming_how_many_move_then_moves_them(app, org, hr):
    a, b = department(app, "A"), department(app, "B")
    asked = hr.post(f"/afdelingen/{a.id}/samenvoegen", data={"target": str(b.id)})
    assert asked.status_code == 200
    assert "2 personen gaan van ‘A’ naar ‘B’; daarna bestaat ‘A’ niet meer." in text_of(asked)
    assert afdelingen(app)[1] == ["A", "B", "HR"]  # nothing moved yet
    # A confirmation for another count (someone joined A meanwhile) asks again.
    again = hr.post(f"/afdelingen/{a.id}/samenvoegen", data={"target": str(b.id), "confirmed": f"{b.id}:1"})
    assert "2 personen gaan" in text_of(again) and department(app, "A") is not None
    done = hr.post(f"/afdelingen/{a.id}/samenvoegen", data={"target": str(b.id), "confirmed": f"{b.id}:2"})
    assert done.status_code == 302
    people, names = afdelingen(app)
    assert names == ["B", "HR"]
    assert sorted(e for e, d in people.items() if d == "B") == sorted([org["m1"], org["m2"], org["a"], org["b"]])
    assert log_lines(app, "afdelingen_samengevoegd") == [
        ("Hanna HR", "‘A’ opgegaan in ‘B’ (2 personen verplaatst)")]
    # Without a choice: the message next to the field.
    hr_id = department(app, "HR").id
    unchosen = hr.post(f"/afdelingen/{hr_id}/samenvoegen", data={"target": "0"})
    assert unchosen.status_code == 422
    assert "Kies de afdeling waarin deze opgaat." in text_of(unchosen)


def test_only_an_empty_department_is_removed(app, org, hr):
    b = department(app, "B")
    assert "Afdeling verwijderen" not in text_of(hr.get(f"/afdelingen/{b.id}"))
    refused = hr.post(f"/afdelingen/{b.id}/verwijderen", follow_redirects=True)
    assert "In ‘B’ zitten nog 2 personen." in text_of(refused)
    assert department(app, "B") is not None
    hr.post("/afdelingen/", data={"name": "Leeg"})
    empty = department(app, "Leeg")
    assert "Afdeling verwijderen" in text_of(hr.get(f"/afdelingen/{empty.id}"))
    assert hr.post(f"/afdelingen/{empty.id}/verwijderen").status_code == 302
    assert department(app, "Leeg") is None


def test_only_hr(app, org, login):
    employee = login(org["a"])
    b = department(app, "B")
    for url in ("/afdelingen/", f"/afdelingen/{b.id}"):
        assert employee.get(url).status_code == 403
    assert employee.post(f"/afdelingen/{b.id}/verwijderen").status_code == 403
    assert department(app, "B") is not None


def test_the_people_form_chooses_from_the_list(app, org, hr):
    page = hr.get("/mensen/nieuw")
    options = [o.text_content() for o in doc(page).xpath('//select[@id="afdeling"]/option')]
    assert options == ["— geen —", "A", "B", "HR"]
    data = {"voornaam": "Sophie", "achternaam": "Dijk", "email": "sophie@test.nl", "afdeling": "Financiën",
            "manager": "0", "role": "medewerker", "active": "y", "password": "eerste-wachtwoord"}
    refused = hr.post("/mensen/nieuw", data=data)
    assert refused.status_code == 422
    assert error_text(refused, "afdeling") == "Ongeldige keuze."
    assert card_values(refused)["voornaam"] == "Sophie"
    assert hr.post("/mensen/nieuw", data=dict(data, afdeling="B")).status_code == 302
    assert afdelingen(app)[0]["sophie@test.nl"] == "B"


def test_the_command_line_and_save_person_find_a_department_whatever_its_case(app, org):
    from pop.people import save_person

    with app.app_context():
        data = dict(email="x@test.nl", voornaam="X", achternaam="Y", role="medewerker", password="wachtwoord-1")
        assert save_person(None, dict(data, afdeling=" b ")) == {}
        assert Person.get(Person.email == "x@test.nl").afdeling == "B"
        assert save_person(None, dict(data, email="z@test.nl", afdeling="Nieuw")) == {
            "afdeling": "Deze afdeling staat niet in de lijst. Kies er een, of voeg haar eerst toe onder Afdelingen."}
        assert save_person(None, dict(data, email="z@test.nl", afdeling="Nieuw"), new_department=True) == {}
        assert [d.name for d in Department.select().order_by(Department.name)] == ["A", "B", "HR", "Nieuw"]


def test_the_import_takes_the_lists_spelling_and_adds_a_new_department_when_hr_confirms(app, org, hr):
    """Variants of a known department are that department; an unknown one is named in the preview as a
    new department (in the file's first spelling, spaces collapsed) and added only on confirming."""
    from test_people_import import confirm, csv_bytes, row_text, to_preview

    rows = ["2001;Sophie;;Dijk;sophie@test.nl;Controller;  financiën   en control;m1@test.nl",
            "2002;Emile;;Zoe;emile@test.nl;Adviseur;FINANCIËN EN CONTROL;m1@test.nl",
            "2003;Pim;;Poot;pim@test.nl;Adviseur; b ;m1@test.nl",
            "2004;Fout;;Rij;geen-adres;Adviseur;Nergens;m1@test.nl"]
    preview = to_preview(hr, csv_bytes(rows))
    assert "Nieuwe afdelingen (1) " in text_of(preview)
    assert "financiën en control (nieuwe afdeling)" in text_of(preview)
    assert "Nergens" not in text_of(preview).split("Nieuwe afdelingen")[1].split("Kunnen niet")[0]
    third = row_text(preview, 3)
    assert "FINANCIËN" not in third and "financiën en control (nieuwe afdeling)" in third
    assert "AdviseurBmedewerker" in row_text(preview, 4) and "nieuwe afdeling" not in row_text(preview, 4)
    assert afdelingen(app)[1] == ["A", "B", "HR"]  # nothing added before confirming
    assert confirm(hr, preview).status_code == 302
    people, names = afdelingen(app)
    assert names == ["A", "B", "HR", "financiën en control"]
    assert (people["sophie@test.nl"], people["emile@test.nl"], people["pim@test.nl"]) == (
        "financiën en control", "financiën en control", "B")
