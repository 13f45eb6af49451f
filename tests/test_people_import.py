"""HR imports people from an export of the HR system, through the pages as HR uses them: upload, the
columns, the preview, the confirmation. Nothing is written before the confirmation, and then all at once."""
import io
import re

import lxml.html
import pytest

from conftest import Client, text_of
from pop.models import PeopleImport, Person, Plan
from support import set_state

HEADER = "Personeelsnummer;Voornaam;Tussenvoegsel;Achternaam;E-mail;Functie;Afdeling;Leidinggevende\r\n"


@pytest.fixture
def hr(org, login):
    return login(org["hr"])


def csv_bytes(rows, header=HEADER, encoding="utf-8", separator=";"):
    text = header + "".join(r + "\r\n" for r in rows)
    return text.replace(";", separator).encode(encoding)


def people(app):
    with app.app_context():
        return {p.email: p for p in Person.select()}


def upload(client, data, name="export.csv"):
    return client.post("/mensen/importeren/", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def selects(page):
    """{select name: chosen value} of the columns page, and the header shown on each row."""
    doc = lxml.html.fromstring(page.get_data(as_text=True))
    chosen = {}
    for select in doc.xpath("//select"):
        picked = select.xpath(".//option[@selected]")
        chosen[select.get("name")] = picked[0].get("value") if picked else None
    return chosen


def to_preview(client, data, name="export.csv", deactivate=False, change=None):
    """Upload, keep the proposed columns (or change some), and return the preview page."""
    response = upload(client, data, name)
    assert response.status_code == 302, text_of(response)[:400]
    columns_url = response.headers["Location"]
    chosen = selects(client.get(columns_url))
    chosen.update(change or {})
    posted = {k: v for k, v in chosen.items()}
    if deactivate:
        posted["deactivate"] = "y"
    response = client.post(columns_url, data=posted)
    assert response.status_code == 302, text_of(response)[:400]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return page


def confirm(client, preview):
    doc = lxml.html.fromstring(preview.get_data(as_text=True))
    form = doc.xpath('//form[contains(@action, "/bevestigen")]')[0]
    data = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    return client.post(form.get("action"), data=data, csrf=False)


def row_text(preview, number):
    doc = lxml.html.fromstring(preview.get_data(as_text=True))
    found = doc.xpath(f'//tr[@id="rij-{number}"]')
    return " ".join(found[0].text_content().split()) if found else ""


ROWS = ["1001;Sophie;van;Dijk;Sophie@Test.nl;Controller;Financiën;m1@test.nl",
        "1002;Émile;;Zoë;emile@test.nl;Adviseur;Financiën;1001"]


@pytest.mark.parametrize("encoding,separator,bom", [("utf-8", ";", False), ("utf-8", ",", True),
                                                    ("cp1252", ";", False), ("cp1252", ",", False)])
def test_a_csv_in_each_encoding_and_separator_imports(app, org, hr, encoding, separator, bom):
    rows = ["1001;Sophie;van;Dijk;Sophie@Test.nl;Controller;Financiën;m1@test.nl",
            "1002;Émile;;Zoë;emile@test.nl;Adviseur;Financiën;sophie@test.nl"]
    data = csv_bytes(rows, encoding=encoding, separator=separator)
    if bom:
        data = b"\xef\xbb\xbf" + data
    preview = to_preview(hr, data)
    assert "2 nieuw" in text_of(preview)
    assert confirm(hr, preview).status_code == 302
    found = people(app)
    sophie, emile = found["sophie@test.nl"], found["emile@test.nl"]
    assert (sophie.naam, sophie.afdeling, sophie.personeelsnummer) == ("Sophie van Dijk", "Financiën", "1001")
    assert (emile.voornaam, emile.achternaam) == ("Émile", "Zoë")
    assert emile.manager_id == sophie.id and sophie.manager.email == "m1@test.nl"
    # Sophie manages Émile now, so she needs the role to act as one.
    assert sophie.role == "leidinggevende" and emile.role == "medewerker"
    # No password: the account cannot log in until an invitation gives it one.
    assert sophie.password_hash == ""
    assert Client(app).login("sophie@test.nl", "").status_code != 302
    assert Client(app).login("sophie@test.nl", "wachtwoord-123").status_code != 302


def test_an_xlsx_imports_with_english_column_names(app, org, hr):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Employee ID", "First name", "Last name", "Email", "Job title", "Department", "Manager e-mail",
                  "Role", "Notes"])
    sheet.append([2001, "Piet", "Jansen", "piet@test.nl", "Inkoper", "Inkoop", "m2@test.nl", "Employee", "x"])
    sheet.append([2002, "", "Formule", "f@test.nl", "", "Inkoop", "", "", ""])
    # Text cells that look like formulas, as an HR system writes a name or title starting with '='.
    for column, value in ((2, '=HYPERLINK("http://x")'), (5, "=1+1")):
        cell = sheet.cell(row=3, column=column)
        cell.value = value
        cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(hr, buffer.getvalue(), "export.xlsx")
    chosen = selects(hr.get(response.headers["Location"]))
    assert list(chosen.values()) == ["personeelsnummer", "voornaam", "achternaam", "email", "functie",
                                     "afdeling", "manager_email", "role", ""]
    preview = to_preview(hr, buffer.getvalue(), "export.xlsx")
    assert confirm(hr, preview).status_code == 302
    found = people(app)
    assert found["piet@test.nl"].personeelsnummer == "2001" and found["piet@test.nl"].manager.email == "m2@test.nl"
    # A formula is text: stored as typed, never evaluated.
    assert found["f@test.nl"].voornaam == '=HYPERLINK("http://x")' and found["f@test.nl"].functie == "=1+1"


def test_columns_are_recognised_by_dutch_names_and_can_be_changed(app, org, hr):
    data = csv_bytes(["Jan;Bos;jan@test.nl;Kantoor;P-1"], header="Voornaam;Achternaam;E-mailadres;Afdeling;Iets\r\n")
    response = upload(hr, data)
    page = hr.get(response.headers["Location"])
    assert list(selects(page).values()) == ["voornaam", "achternaam", "email", "afdeling", ""]
    assert "Jan" in text_of(page) and "P-1" in text_of(page)  # the first values beside each column
    # Two columns as e-mail, or none: refused with the reason, nothing kept.
    columns_url = response.headers["Location"]
    twice = hr.post(columns_url, data={"kolom_0": "email", "kolom_1": "achternaam", "kolom_2": "email",
                                       "kolom_3": "afdeling", "kolom_4": ""})
    assert twice.status_code == 422 and "al gekozen bij een andere kolom" in text_of(twice)
    none = hr.post(columns_url, data={"kolom_0": "voornaam", "kolom_1": "achternaam", "kolom_2": "",
                                      "kolom_3": "afdeling", "kolom_4": ""})
    assert none.status_code == 422 and "Kies welke kolom het e-mailadres is" in text_of(none)
    # The unknown column taken as personeelsnummer after all.
    preview = to_preview(hr, data, change={"kolom_4": "personeelsnummer"})
    confirm(hr, preview)
    assert people(app)["jan@test.nl"].personeelsnummer == "P-1"


def test_each_refusal_is_shown_beside_its_row_and_the_rest_imports(app, org, hr):
    rows = ["3001;Geen;;Mail;;X;Y;",                                     # 2: no e-mail
            "3002;Twee;;Keer;dubbel@test.nl;X;Y;",                       # 3: twice
            "3003;Nog;;Eens;dubbel@test.nl;X;Y;",                        # 4: twice
            "3004;Fout;;Adres;geen-adres;X;Y;",                          # 5: invalid
            "3005;Onbekend;;Baas;baas@test.nl;X;Y;niemand@test.nl",      # 6: unknown manager
            "3006;Kring;;Een;k1@test.nl;X;Y;k2@test.nl",                 # 7: loop
            "3007;Kring;;Twee;k2@test.nl;X;Y;k1@test.nl",                # 8: loop
            "3008;" + "L" * 101 + ";;Lang;lang@test.nl;X;Y;",            # 9: too long
            "3009;Goed;;Mens;goed@test.nl;X;Y;m1@test.nl"]               # 10: fine
    header = HEADER.replace("\r\n", ";Rol\r\n")
    rows = [r + ";" for r in rows] + ["3010;Rare;;Rol;rol@test.nl;X;Y;;directeur"]  # 11: unknown role
    before = len(people(app))
    preview = to_preview(hr, csv_bytes(rows, header=header))
    assert "Geen e-mailadres." in row_text(preview, 2)
    assert "staat ook in rij 4" in row_text(preview, 3) and "staat ook in rij 3" in row_text(preview, 4)
    assert "‘geen-adres’ is geen geldig e-mailadres." in row_text(preview, 5)
    assert "Leidinggevende ‘niemand@test.nl’ is onbekend" in row_text(preview, 6)
    assert "kring" in row_text(preview, 7) and "kring" in row_text(preview, 8)
    assert "Voornaam is te lang: 101 tekens, hoogstens 100." in row_text(preview, 9)
    assert "Onbekende rol ‘directeur’" in row_text(preview, 11)
    assert "Goed Mens" in row_text(preview, 10) and "Reden" not in row_text(preview, 10)
    assert "1 nieuw" in text_of(preview) and "9 rijen kunnen niet worden geïmporteerd" in text_of(preview)
    assert len(people(app)) == before  # nothing written before confirming
    assert confirm(hr, preview).status_code == 302
    found = people(app)
    assert len(found) == before + 1 and "goed@test.nl" in found and "k1@test.nl" not in found


def test_a_loop_through_people_already_in_pop_is_refused(app, org, hr):
    # Marco (m1) is Anna's manager in POP; a file making Marco report to Anna closes a loop.
    data = csv_bytes(["4001;Marco;;Een;m1@test.nl;Manager A;A;a@test.nl"])
    preview = to_preview(hr, data)
    assert "De leidinggevenden vormen een kring" in row_text(preview, 2)
    confirm(hr, preview)
    assert people(app)["m1@test.nl"].manager_id is None


def test_nothing_is_written_before_confirming_and_the_preview_shows_old_and_new(app, org, hr):
    before = {e: (p.functie, p.afdeling, p.manager_id) for e, p in people(app).items()}
    data = csv_bytes(["5001;Anna;;Alfa;a@test.nl;Senior adviseur;A;m1@test.nl",
                      "5002;Nieuw;;Mens;nieuw@test.nl;Adviseur;A;m1@test.nl"])
    preview = to_preview(hr, data)
    assert "Functie: Adviseur → Senior adviseur" in row_text(preview, 2)
    assert "Personeelsnummer: (leeg) → 5001" in row_text(preview, 2)
    after = {e: (p.functie, p.afdeling, p.manager_id) for e, p in people(app).items()}
    assert after == before
    assert confirm(hr, preview).status_code == 302
    assert people(app)["a@test.nl"].functie == "Senior adviseur"
    with app.app_context():
        assert PeopleImport.select().count() == 0  # the upload is gone once imported


def test_a_reimport_updates_by_number_then_email_and_never_duplicates(app, org, hr):
    data = csv_bytes(["6001;Anna;;Alfa;a@test.nl;Adviseur;A;m1@test.nl",
                      "6002;Kees;;Klein;kees@test.nl;Planner;B;m2@test.nl"])
    confirm(hr, to_preview(hr, data))
    count = len(people(app))
    # Kees got a new address in the HR system: found by his number, his e-mail changes.
    again = csv_bytes(["6001;Anna;;Alfa;a@test.nl;Adviseur;A;m1@test.nl",
                       "6002;Kees;;Klein;k.klein@test.nl;Planner;B;m2@test.nl"])
    preview = to_preview(hr, again)
    assert "E-mailadres: kees@test.nl → k.klein@test.nl" in row_text(preview, 3)
    assert "0 nieuw" in text_of(preview) and "1 ongewijzigd" in text_of(preview)
    confirm(hr, preview)
    found = people(app)
    assert len(found) == count and "kees@test.nl" not in found
    assert found["k.klein@test.nl"].personeelsnummer == "6002"
    # The same file a third time changes nothing.
    third = to_preview(hr, again)
    assert "0 nieuw" in text_of(third) and "0 gewijzigd" in text_of(third) and "2 ongewijzigd" in text_of(third)


def test_a_new_manager_in_the_file_moves_the_plans_as_the_people_page_does(app, org, hr, login):
    plan = org["plan_a"]
    set_state(app, plan, "ontwikkelgesprek")
    marco, mira = login(org["m1"]), login(org["m2"])
    assert marco.get(f"/plans/{plan}").status_code == 200 and mira.get(f"/plans/{plan}").status_code == 404
    preview = to_preview(hr, csv_bytes(["7001;Anna;;Alfa;a@test.nl;Adviseur;A;m2@test.nl"]))
    assert "Leidinggevende: Marco Een → Mira Twee" in row_text(preview, 2)
    assert marco.get(f"/plans/{plan}").status_code == 200  # not before confirming
    confirm(hr, preview)
    assert marco.get(f"/plans/{plan}").status_code == 404
    assert mira.get(f"/plans/{plan}").status_code == 200 and "Anna Alfa" in text_of(mira.get("/"))
    with app.app_context():
        assert Plan.get_by_id(plan).manager.email == org["m1"]  # who the manager was stays on record


def test_people_not_in_the_file_are_deactivated_only_when_ticked(app, org, hr, login):
    bram = login(org["b"])  # logged in now; deactivating must end this session
    data = csv_bytes(["8001;Anna;;Alfa;a@test.nl;Adviseur;A;m1@test.nl",
                      "8002;Marco;;Een;m1@test.nl;Manager A;A;",
                      "8003;Mira;;Twee;m2@test.nl;Manager B;B;"])
    preview = to_preview(hr, data)
    assert "Bram Beta" in text_of(preview) and "blijven actief" in text_of(preview)
    confirm(hr, preview)
    assert people(app)["b@test.nl"].active
    assert bram.get("/").status_code == 200

    preview = to_preview(hr, data, deactivate=True)
    text = text_of(preview)
    assert "1 gedeactiveerd" in text and "Bram Beta" in text
    assert "Hanna" not in text.split("Gedeactiveerd")[1]  # HR who imports stays active
    assert people(app)["b@test.nl"].active  # not before confirming
    confirm(hr, preview)
    found = people(app)
    assert not found["b@test.nl"].active and found["hr@test.nl"].active
    assert bram.get("/").status_code == 302  # the session ended at once
    assert Client(app).login(org["b"]).status_code != 302


def test_the_import_is_one_transaction(app, org, hr, monkeypatch):
    """A failure at the last write step (deactivating) leaves the creates and updates undone too."""
    from peewee import IntegrityError

    from pop import importing

    before = {e: (p.functie, p.active) for e, p in people(app).items()}
    data = csv_bytes(["9001;Anna;;Alfa;a@test.nl;Anders;A;m1@test.nl",
                      "9002;Nieuw;;Mens;nieuw@test.nl;Adviseur;A;m1@test.nl",
                      "9003;Marco;;Een;m1@test.nl;Manager A;A;",
                      "9004;Mira;;Twee;m2@test.nl;Manager B;B;"])
    preview = to_preview(hr, data, deactivate=True)
    real = importing._deactivate

    def failing(plan):
        real(plan)
        raise IntegrityError("kapot na het schrijven")

    monkeypatch.setattr(importing, "_deactivate", failing)
    response = confirm(hr, preview)
    assert response.status_code == 302
    assert "er is niets veranderd" in text_of(hr.get(response.headers["Location"]))
    assert {e: (p.functie, p.active) for e, p in people(app).items()} == before


def test_a_change_in_pop_after_the_preview_asks_to_look_again(app, org, hr):
    preview = to_preview(hr, csv_bytes(["1101;Nieuw;;Mens;nieuw@test.nl;Adviseur;A;m1@test.nl"]))
    with app.app_context():
        Person.update(functie="Iets anders").where(Person.email == "m1@test.nl").execute()
        Person.create(voornaam="Al", achternaam="Er", email="nieuw@test.nl")
    response = confirm(hr, preview)
    assert response.headers["Location"].endswith("/voorvertoning")
    assert "Bekijk de voorvertoning opnieuw" in text_of(hr.get(response.headers["Location"]))
    assert people(app)["nieuw@test.nl"].voornaam == "Al"


@pytest.mark.parametrize("data,message", [
    (b"Voornaam;E-mail\r\n" + b"x" * 200_000 + b";a@b.nl\r\n", "niet te lezen als CSV"),
    (b"Voornaam;E-mail\r\nA\x00n;a@b.nl\r\n", "NUL-tekens"),
    (b";".join([b"k"] * 100_000) + b"\r\n1;2\r\n", "hoogstens 200"),
    (b"PK\x03\x04rommel", "geen geldige Excel-werkmap"),
    (b"", "Het bestand is leeg"),
    (b"Voornaam;E-mail\r\n", "alleen een kopregel"),
    (b"x" * (10 * 1024 * 1024 + 1), "hoogstens 10 MB"),
])
def test_a_hostile_file_gets_a_dutch_message(app, org, hr, data, message):
    response = upload(hr, data)
    assert response.status_code == 422
    assert message in text_of(response)
    with app.app_context():
        assert PeopleImport.select().count() == 0


def test_only_hr_imports_and_csrf_is_checked(app, org, hr, login):
    anna, marco = login(org["a"]), login(org["m1"])
    data = csv_bytes(ROWS)
    for who in (anna, marco):
        assert who.get("/mensen/importeren/").status_code == 403
        assert upload(who, data).status_code == 403
    response = upload(hr, data)
    columns_url = response.headers["Location"]
    preview_url = columns_url.replace("kolommen", "voorvertoning")
    for who in (anna, marco):
        assert who.get(columns_url).status_code == 403
        assert who.post(preview_url.replace("voorvertoning", "bevestigen"), data={}).status_code == 403
    # Another HR account does not see this upload.
    with app.app_context():
        other = Person.create(voornaam="Tweede", achternaam="HR", email="hr2@test.nl", role="hr")
        other.set_password("wachtwoord-123")
        other.save()
    assert login("hr2@test.nl").get(columns_url).status_code == 404
    no_token = hr.http.post("/mensen/importeren/", data={"file": (io.BytesIO(data), "x.csv")},
                            content_type="multipart/form-data")
    assert no_token.status_code == 400
    assert "Importeren" in text_of(hr.get("/mensen/"))
