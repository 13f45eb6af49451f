"""Nothing typed is ever lost: not when another save lands between the reads of a page, not when the
session ended before Opslaan, not when two tabs save the manager's reaction."""
import datetime as dt
import re
import threading

import pytest

from conftest import Client, csrf_from, text_of
from pop import answers
from pop.db import database
from pop.models import Draft, Plan
from support import as_post, doc, part_url, set_state, shown_values

ORIGIN = {"Origin": "http://localhost"}  # what a browser sends with a post of our own page


def stored(app, plan_id, key):
    with app.app_context(), database.connection_context():
        return answers.load(Plan.get_by_id(plan_id))[key]


def page_form(response) -> dict:
    """The part form as the browser would post it, bookkeeping (token, version, basis) included."""
    data = as_post(shown_values(response))
    body = response.get_data(as_text=True)
    data["versie"] = re.search(r'name="versie" value="([0-9a-f]*)"', body).group(1)
    data["basis"] = doc(response).xpath('//input[@name="basis"]')[0].get("value")
    data["csrf_token"] = csrf_from(response)
    data["go"] = "stay"
    return data


# ---------------------------------------------------------------- a save between two reads

def save_after_first_answer_read(app, plan_id, values):
    """Make another save commit right after the first read of a plan's answers on this connection:
    the moment where a page that reads its text and its version separately shows the old text with
    the new version. The save runs in its own thread, on its own connection, as another request does."""
    real = database.obj.execute_sql
    state = {"done": False}

    def other_save():
        with app.app_context(), database.connection_context():
            answers.save(Plan.get_by_id(plan_id), values)

    def execute_sql(sql, params=None, *args, **kwargs):
        cursor = real(sql, params, *args, **kwargs)
        if not state["done"] and sql.lstrip().upper().startswith("SELECT") and 'FROM "answer"' in sql:
            state["done"] = True
            cursor_rows = cursor.fetchall()  # this read is complete before the other save commits
            thread = threading.Thread(target=other_save)
            thread.start()
            thread.join(10)
            return _Rows(cursor, cursor_rows)
        return cursor

    return execute_sql, state


class _Rows:
    """A cursor whose rows were read already."""

    def __init__(self, cursor, rows):
        self._cursor, self._rows = cursor, list(rows)
        self.description = cursor.description
        self.rowcount = len(self._rows)
        self.lastrowid = getattr(cursor, "lastrowid", None)

    def fetchone(self):
        return self._rows.pop(0) if self._rows else None

    def fetchmany(self, size=1):
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    def fetchall(self):
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self):
        while self._rows:
            yield self._rows.pop(0)

    def close(self):
        self._cursor.close()


def test_a_save_landing_between_the_reads_of_a_page_gets_the_conflict_page(app, org, login, monkeypatch):
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    first = page_form(anna.get(url))
    first["meer_doen"] = "Anna's eerste tekst"
    assert anna.post(url, first).status_code == 302

    with app.app_context():
        execute_sql, state = save_after_first_answer_read(app, org["plan_a"], {"meer_doen": "Van de ander"})
    monkeypatch.setattr(database.obj, "execute_sql", execute_sql)
    page = anna.get(url)
    monkeypatch.undo()
    assert state["done"], "the page read no answers"
    data = page_form(page)
    assert data["meer_doen"] == "Anna's eerste tekst"  # the page was read before the other save
    data["meer_doen"] = "Anna's tweede tekst"

    response = anna.post(url, data)
    assert response.status_code == 409
    assert "dit onderdeel is gewijzigd" in text_of(response)
    assert "Van de ander" in text_of(response) and "Anna's tweede tekst" in text_of(response)
    assert stored(app, org["plan_a"], "meer_doen") == "Van de ander"


def test_the_conflict_page_carries_the_version_of_the_text_it_shows(app, org, login, monkeypatch):
    """The 409 page shows what the other stored; a third save landing right after the read it is built
    from must not let a second click overwrite that third save unseen."""
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    data = page_form(anna.get(url))
    with app.app_context(), database.connection_context():
        answers.save(Plan.get_by_id(org["plan_a"]), {"meer_doen": "Tweede"})
    data["meer_doen"] = "Anna"
    with app.app_context():
        # The save reads the answers once, under its lock (pop/saving.py); the conflict page is built
        # from that read. The third save goes as soon as it is read (on SQLite it waits for the lock).
        real = database.obj.execute_sql
        reads = {"n": 0}
        thread = threading.Thread(target=lambda: _save_in_thread(app, org["plan_a"], "Derde"))

        def execute_sql(sql, params=None, *a, **kw):
            cursor = real(sql, params, *a, **kw)
            if sql.lstrip().upper().startswith("SELECT") and 'FROM "answer"' in sql:
                reads["n"] += 1
                if reads["n"] == 1:  # the save's read of what the other stored
                    rows = cursor.fetchall()
                    thread.start()
                    return _Rows(cursor, rows)
            return cursor
    monkeypatch.setattr(database.obj, "execute_sql", execute_sql)
    conflict = anna.post(url, data)
    monkeypatch.undo()
    thread.join(10)
    assert conflict.status_code == 409
    again = page_form(conflict)
    assert again["meer_doen"] == "Anna"
    response = anna.post(url, again)  # a second click on Opslaan, from the page that showed "Tweede"
    assert response.status_code == 409, "the third save was overwritten unseen"
    assert stored(app, org["plan_a"], "meer_doen") == "Derde"


def _save_in_thread(app, plan_id, text):
    with app.app_context(), database.connection_context():
        answers.save(Plan.get_by_id(plan_id), {"meer_doen": text})


# ---------------------------------------------------------------- a session that ended

def _end_sessions_elsewhere(app, email):
    from pop.login import end_sessions
    from pop.models import Person
    with app.app_context(), database.connection_context():
        end_sessions(Person.get(Person.email == email))


def test_a_save_after_logging_out_elsewhere_comes_back_after_logging_in(app, org, login):
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    data = page_form(anna.get(url))
    data["meer_doen"] = "Een lang antwoord dat Anna een half uur kostte."
    _end_sessions_elsewhere(app, org["a"])  # she logged out on her laptop

    response = anna.post(url, data, headers=ORIGIN)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "pop_concept=" in response.headers.get("Set-Cookie", "")
    login_page = anna.get(response.headers["Location"])
    assert "er is nog niets opgeslagen" in text_of(login_page)
    assert not stored(app, org["plan_a"], "meer_doen")

    back = anna.http.post(response.headers["Location"], data={
        "email": org["a"], "password": "wachtwoord-123", "csrf_token": csrf_from(login_page)})
    assert back.status_code == 302 and back.headers["Location"].startswith(url)
    page = anna.get(back.headers["Location"])
    assert page.status_code == 200
    assert "Nog niet opgeslagen: u was niet meer ingelogd" in text_of(page)
    assert shown_values(page)["meer_doen"] == "Een lang antwoord dat Anna een half uur kostte."
    assert not stored(app, org["plan_a"], "meer_doen")  # shown, not saved behind her back

    saved = anna.post(url, page_form(page))
    assert saved.status_code == 302
    assert stored(app, org["plan_a"], "meer_doen") == "Een lang antwoord dat Anna een half uur kostte."
    # Taken once: the next visit shows the stored text, without the notice.
    assert "Nog niet opgeslagen" not in text_of(anna.get(url))


def test_a_save_without_a_session_cookie_comes_back_after_logging_in(app, org, login):
    """The cookie expired or was removed: the CSRF check fails before anyone is known."""
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    data = page_form(anna.get(url))
    data["meer_doen"] = "Getypt voor de sessie verliep."
    anna.http.delete_cookie("session", domain="localhost")

    response = anna.post(url, data, headers=ORIGIN)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert Client.login(anna, org["a"]).status_code == 302
    page = anna.get(url)
    assert "Nog niet opgeslagen" in text_of(page)
    assert shown_values(page)["meer_doen"] == "Getypt voor de sessie verliep."


def test_a_kept_draft_is_never_shown_to_someone_else(app, org, login):
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    set_state(app, org["plan_a"], "ontwikkelgesprek")  # Marco and HR may read the part
    data = page_form(anna.get(url))
    data["meer_doen"] = "Alleen voor Anna"
    _end_sessions_elsewhere(app, org["a"])
    assert anna.post(url, data, headers=ORIGIN).status_code == 302
    # Someone else logs in on the same browser: Anna's session said it was hers.
    for other in (org["hr"], org["m1"]):
        assert Client.login(anna, other).status_code == 302
        page = anna.get(url)
        assert page.status_code == 200
        assert "Alleen voor Anna" not in page.get_data(as_text=True)
        anna.post("/logout")
    assert Client.login(anna, org["a"]).status_code == 302
    assert shown_values(anna.get(url))["meer_doen"] == "Alleen voor Anna"


def test_a_draft_of_an_unknown_writer_is_shown_only_to_who_may_write_that_part(app, org, login):
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    data = page_form(anna.get(url))
    data["meer_doen"] = "Zonder sessie getypt"
    anna.http.delete_cookie("session", domain="localhost")
    assert anna.post(url, data, headers=ORIGIN).status_code == 302
    assert Client.login(anna, org["m1"]).status_code == 302  # Marco reads this part, cannot write it
    assert "Zonder sessie getypt" not in anna.get(url).get_data(as_text=True)
    anna.post("/logout")
    assert Client.login(anna, org["a"]).status_code == 302
    assert shown_values(anna.get(url))["meer_doen"] == "Zonder sessie getypt"


def test_a_post_from_another_site_is_not_kept(app, org, login):
    """A form on another site, posted in Anna's browser, must not plant text in her plan."""
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    data = page_form(anna.get(url))
    data["meer_doen"] = "Ingefluisterd"
    anna.http.delete_cookie("session", domain="localhost")
    for headers in ({"Origin": "https://kwaadaardig.example"}, {"Referer": "https://kwaadaardig.example/x"},
                    {}):
        response = anna.post(url, data, headers=headers)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
        assert "pop_concept" not in response.headers.get("Set-Cookie", "")
    with app.app_context(), database.connection_context():
        assert Draft.select().count() == 0


def test_a_draft_expires(app, org, login):
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    data = page_form(anna.get(url))
    data["meer_doen"] = "Van eergisteren"
    _end_sessions_elsewhere(app, org["a"])
    assert anna.post(url, data, headers=ORIGIN).status_code == 302
    with app.app_context(), database.connection_context():
        from pop.models import now
        Draft.update(created_at=now() - dt.timedelta(hours=25)).execute()
    assert Client.login(anna, org["a"]).status_code == 302
    assert "Van eergisteren" not in anna.get(url).get_data(as_text=True)


def test_anonymous_posts_cannot_fill_the_database(app, org, login, monkeypatch):
    from pop import drafts
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    data = page_form(anna.get(url))
    anna.http.delete_cookie("session", domain="localhost")
    for n in range(drafts.PER_PLAN + 5):
        anna.post(url, {**data, "meer_doen": f"poging {n}"}, headers=ORIGIN)
    with app.app_context(), database.connection_context():
        assert Draft.select().count() == drafts.PER_PLAN
        newest = Draft.select().order_by(Draft.id.desc()).first()
        assert f"poging {drafts.PER_PLAN + 4}" in newest.data
    # Spread over many plans, posts of no known session are held to their own total.
    monkeypatch.setattr(drafts, "UNKNOWN_WRITERS", 3)
    other = part_url(org["plan_b"], "fase-1")
    for n in range(4):
        anna.post(other, {**data, "meer_doen": f"elders {n}"}, headers=ORIGIN)
    with app.app_context(), database.connection_context():
        kept = sorted(re.search(r"elders \d", d.data).group(0) for d in Draft.select())
        assert kept == ["elders 1", "elders 2", "elders 3"]
    # Larger than any page of ours sends: not kept.
    monkeypatch.setattr(drafts, "LARGEST", 1000)
    response = anna.post(url, {**data, "meer_doen": "x" * 2000}, headers=ORIGIN)
    assert response.status_code == 302 and "pop_concept" not in response.headers.get("Set-Cookie", "")


# ---------------------------------------------------------------- the manager's reaction

def reaction_form(page) -> dict:
    form = doc(page).xpath('//form[contains(@action, "/reactie")]')[0]
    return {el.get("name"): (el.text or "").lstrip("\n") if el.tag == "textarea" else el.get("value")
            for el in form.xpath(".//input | .//textarea") if el.get("name")}


def test_the_reaction_from_two_tabs_never_loses_the_first(app, org, login):
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    marco = login(org["m1"])
    url = part_url(org["plan_a"], "fase-1")
    tab1, tab2 = reaction_form(marco.get(url)), reaction_form(marco.get(url))
    action = f"/plans/{org['plan_a']}/fase-1/reactie"

    saved = marco.post(action, {**tab1, "reactie": "Eerste reactie"})
    assert saved.status_code == 302
    conflict = marco.post(action, {**tab2, "reactie": "Tweede reactie"})
    assert conflict.status_code == 409
    body = text_of(conflict)
    assert "iemand anders heeft de reactie gewijzigd" in body
    assert "Eerste reactie" in body  # beside it, what the first tab stored
    again = reaction_form(conflict)
    assert again["reactie"] == "Tweede reactie"  # the typed text is still in the box
    with app.app_context(), database.connection_context():
        from pop.cycle import reaction
        plan = Plan.get_by_id(org["plan_a"])
        part = answers.form_of(plan).part("fase-1")
        assert reaction(plan, part) == "Eerste reactie"

    # A second click from the conflict page keeps this text, deliberately.
    assert marco.post(action, again).status_code == 302
    with app.app_context(), database.connection_context():
        assert reaction(Plan.get_by_id(org["plan_a"]), part) == "Tweede reactie"


def test_the_reaction_saved_says_so_in_its_own_box(app, org, login):
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    marco = login(org["m1"])
    url = part_url(org["plan_a"], "fase-1")
    response = marco.post(f"/plans/{org['plan_a']}/fase-1/reactie",
                          {**reaction_form(marco.get(url)), "reactie": "Goed plan"})
    assert response.headers["Location"].endswith("#reactie")
    page = doc(marco.get(response.headers["Location"]))
    section = page.xpath('//section[@id="reactie"]')[0]
    assert "Uw reactie is opgeslagen." in section.text_content()
    # Not also at the top, 4,000 pixels above where the page lands.
    assert "Uw reactie is opgeslagen." not in "".join(
        p.text_content() for p in page.xpath('//p[contains(@class, "flash")]') if p.xpath('not(ancestor::section[@id="reactie"])'))


def test_a_reaction_too_long_comes_back_with_its_text(app, org, login):
    from forms.limits import REACTION_CHARS
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    marco = login(org["m1"])
    url = part_url(org["plan_a"], "fase-1")
    long_text = "x" * (REACTION_CHARS + 10)
    response = marco.post(f"/plans/{org['plan_a']}/fase-1/reactie", {**reaction_form(marco.get(url)),
                                                                     "reactie": long_text})
    assert response.status_code == 422
    assert reaction_form(response)["reactie"] == long_text
    assert "hoogstens" in text_of(response)


def test_a_reaction_after_the_session_ended_comes_back(app, org, login):
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    marco = login(org["m1"])
    url = part_url(org["plan_a"], "fase-1")
    form = reaction_form(marco.get(url))
    _end_sessions_elsewhere(app, org["m1"])
    response = marco.post(f"/plans/{org['plan_a']}/fase-1/reactie", {**form, "reactie": "Na het verlopen"},
                          headers=ORIGIN)
    assert response.status_code == 302
    assert Client.login(marco, org["m1"]).status_code == 302
    page = marco.get(url)
    assert reaction_form(page)["reactie"] == "Na het verlopen"
    assert "Uw reactie is nog niet opgeslagen" in text_of(page)


# ---------------------------------------------------------------- the conflict page merges

def _talk(app, plan_id):
    with app.app_context(), database.connection_context():
        return answers.load(Plan.get_by_id(plan_id))["voortgangsgesprekken"]


def test_a_second_save_from_the_conflict_page_keeps_what_the_other_wrote(app, org, login):
    """Marco and Anna both open the progress talk; Marco writes how satisfied he is, Anna how to go
    on. Anna's save gets the conflict page: what she did not touch now holds Marco's text (cell by
    cell, within the same talk), so Opslaan there keeps both, instead of blanking Marco's answer."""
    set_state(app, org["plan_a"], "uitvoering")
    anna, marco = login(org["a"]), login(org["m1"])
    url = part_url(org["plan_a"], "fase-3")
    first = page_form(anna.get(url))
    first.update({"voortgangsgesprekken-0-datum": "2026-03-02", "voortgangsgesprekken-0-gedaan": "Cursus"})
    assert anna.post(url, first).status_code == 302

    anna_page, marco_page = page_form(anna.get(url)), page_form(marco.get(url))
    marco_page["voortgangsgesprekken-0-tevreden"] = "Marco: tevreden"
    assert marco.post(url, marco_page).status_code == 302
    anna_page["voortgangsgesprekken-0-verder"] = "Anna: verder met oefenen"
    conflict = anna.post(url, anna_page)
    assert conflict.status_code == 409
    body = text_of(conflict)
    assert "dit onderdeel is gewijzigd door Marco Een" in body
    assert "1 antwoord dat u niet had gewijzigd is bijgewerkt" in body, body[body.find("Niet opgeslagen"):][:400]
    shown = page_form(conflict)
    assert shown["voortgangsgesprekken-0-tevreden"] == "Marco: tevreden"  # taken over
    assert shown["voortgangsgesprekken-0-verder"] == "Anna: verder met oefenen"  # hers kept

    assert anna.post(url, shown).status_code == 302
    talk = _talk(app, org["plan_a"])[0]
    assert (talk["gedaan"], talk["tevreden"], talk["verder"]) == (
        "Cursus", "Marco: tevreden", "Anna: verder met oefenen")


def test_a_cell_both_changed_keeps_the_typed_text_with_the_others_beside_it(app, org, login):
    set_state(app, org["plan_a"], "uitvoering")
    anna, marco = login(org["a"]), login(org["m1"])
    url = part_url(org["plan_a"], "fase-3")
    anna_page, marco_page = page_form(anna.get(url)), page_form(marco.get(url))
    marco_page.update({"voortgangsgesprekken-0-datum": "2026-03-02",
                       "voortgangsgesprekken-0-gedaan": "Marco's versie"})
    assert marco.post(url, marco_page).status_code == 302
    anna_page.update({"voortgangsgesprekken-0-datum": "2026-03-02",
                      "voortgangsgesprekken-0-gedaan": "Anna's versie"})
    conflict = anna.post(url, anna_page)
    assert conflict.status_code == 409
    assert page_form(conflict)["voortgangsgesprekken-0-gedaan"] == "Anna's versie"
    meanwhile = doc(conflict).xpath('//table[@class="meanwhile"]')[0].text_content()
    assert "Wat heeft u in de afgelopen tijd gedaan?: Marco's versie" in meanwhile
    assert "|" not in meanwhile
    assert _talk(app, org["plan_a"])[0]["gedaan"] == "Marco's versie"


def test_the_conflict_page_says_when_it_was_the_same_person_in_another_tab(app, org, login):
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    tab1, tab2 = page_form(anna.get(url)), page_form(anna.get(url))
    assert anna.post(url, {**tab1, "meer_doen": "Eerste tab"}).status_code == 302
    conflict = anna.post(url, {**tab2, "meer_doen": "Tweede tab"})
    assert conflict.status_code == 409
    assert "gewijzigd door uzelf, in een ander venster of op een ander apparaat" in text_of(conflict)


def test_an_akkoord_from_the_overview_is_never_given_on_content_the_page_did_not_show(app, org, login,
                                                                                       monkeypatch):
    """The overview's 'Akkoord geven' carries the version of the plan it shows. A change landing
    between its reads of the answers must not slip through with the akkoord."""
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    anna = login(org["a"])
    url = f"/plans/{org['plan_a']}"
    with app.app_context():
        execute_sql, state = save_after_first_answer_read(app, org["plan_a"], {"meer_doen": "Nieuw doel"})
    monkeypatch.setattr(database.obj, "execute_sql", execute_sql)
    page = anna.get(url)
    monkeypatch.undo()
    assert state["done"], "the overview read no answers"
    form = doc(page).xpath('//form[contains(@action, "/akkoord")]')[0]
    data = {el.get("name"): el.get("value") for el in form.xpath(".//input")}
    assert data["akkoord"] == "geven"
    response = anna.post(f"{url}/akkoord", data)
    assert response.status_code == 302
    assert "het plan is gewijzigd nadat u deze pagina opende" in text_of(anna.get(response.headers["Location"]))
    assert stored(app, org["plan_a"], "akkoord_medewerker") is None
