"""The next talk: the overview shows it, and /plans/<id>/volgend-gesprek.ics offers it as an RFC 5545
calendar invitation (parsed back with icalendar), to whoever may read the plan; 404 without a date."""
import datetime as dt

import pytest
from icalendar import Calendar

from conftest import text_of
from pop import answers
from pop.models import Person, Plan
from support import set_state

TALK = {"volgend_gesprek": "beoordelingsgesprek", "volgend_gesprek_datum": dt.date(2027, 3, 15)}


def set_answers(app, plan_id, values):
    with app.app_context():
        answers.save(Plan.get_by_id(plan_id), values)


@pytest.fixture
def planned(app, org):
    set_answers(app, org["plan_a"], TALK)
    set_state(app, org["plan_a"], "uitvoering")
    return org


def event_of(response):
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_the_invitation_holds_the_talk(app, planned, login):
    plan = planned["plan_a"]
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    response = login(planned["a"]).get(f"/plans/{plan}/volgend-gesprek.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == "attachment; filename=Gesprek_POP_Alfa_Anna_2026.ics"
    calendar, event = event_of(response)
    assert str(calendar["VERSION"]) == "2.0" and "POP" in str(calendar["PRODID"])
    assert str(event["UID"]) == f"pop-{plan}-beoordelingsgesprek-20270315@localhost"
    # All day: DATE values (not DATE-TIME), from the day to the next.
    assert event.decoded("DTSTART") == dt.date(2027, 3, 15)
    assert event.decoded("DTEND") == dt.date(2027, 3, 16)
    assert not isinstance(event.decoded("DTSTART"), dt.datetime)
    stamp = event.decoded("DTSTAMP")
    assert stamp.tzinfo is not None and before <= stamp <= dt.datetime.now(dt.timezone.utc)
    assert str(event["SUMMARY"]) == "Beoordelingsgesprek POP – Anna Alfa"
    assert "Marco Een" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == f"http://localhost/plans/{plan}"
    attendees = {str(a): str(a.params["CN"]) for a in event["ATTENDEE"]}
    assert attendees == {"mailto:a@test.nl": "Anna Alfa", "mailto:m1@test.nl": "Marco Een"}
    assert str(event["ORGANIZER"]) == "mailto:m1@test.nl"


def test_the_file_is_written_as_rfc_5545_says(app, planned, login):
    raw = login(planned["a"]).get(f"/plans/{planned['plan_a']}/volgend-gesprek.ics").data
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines)  # CRLF only
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets (3.1)
    names = {line.split(b":")[0].split(b";")[0] for line in lines if not line.startswith(b" ")}
    assert {b"PRODID", b"VERSION", b"UID", b"DTSTAMP", b"DTSTART"} <= names


def test_the_uid_is_stable_per_plan_and_talk(app, planned, login):
    anna = login(planned["a"])
    url = f"/plans/{planned['plan_a']}/volgend-gesprek.ics"
    first = str(event_of(anna.get(url))[1]["UID"])
    assert str(event_of(anna.get(url))[1]["UID"]) == first
    set_answers(app, planned["plan_b"], TALK)
    set_state(app, planned["plan_b"], "uitvoering")
    other = str(event_of(login(planned["b"]).get(f"/plans/{planned['plan_b']}/volgend-gesprek.ics"))[1]["UID"])
    assert other != first
    set_answers(app, planned["plan_a"], {"volgend_gesprek_datum": dt.date(2027, 4, 1)})
    assert str(event_of(anna.get(url))[1]["UID"]) == f"pop-{planned['plan_a']}-beoordelingsgesprek-20270401@localhost"


def test_the_uid_names_the_site_of_pop_base_url(app, planned, login):
    app.config["POP_BASE_URL"] = "https://pop.intranet.test"
    event = event_of(login(planned["a"]).get(f"/plans/{planned['plan_a']}/volgend-gesprek.ics"))[1]
    assert str(event["UID"]).endswith("@pop.intranet.test")


def test_access_is_that_of_the_plan(app, planned, login):
    url = f"/plans/{planned['plan_a']}/volgend-gesprek.ics"
    for who, status in (("a", 200), ("m1", 200), ("hr", 200), ("b", 404), ("m2", 404)):
        assert login(planned[who]).get(url).status_code == status, who
    set_state(app, planned["plan_a"], "voorbereiding")  # private to the employee until shared
    assert login(planned["a"]).get(url).status_code == 200
    refused = login(planned["m1"]).get(url)
    assert refused.status_code == 403 and "nog in voorbereiding" in text_of(refused)


def test_no_date_no_invitation(app, org, login):
    set_answers(app, org["plan_a"], {"volgend_gesprek": "voortgangsgesprek"})  # a type is no appointment
    assert login(org["a"]).get(f"/plans/{org['plan_a']}/volgend-gesprek.ics").status_code == 404


def test_the_attendees_follow_a_move_to_another_manager(app, planned, login):
    with app.app_context():
        Person.update(manager=Person.get(Person.email == planned["m2"])).where(
            Person.email == planned["a"]).execute()
    event = event_of(login(planned["a"]).get(f"/plans/{planned['plan_a']}/volgend-gesprek.ics"))[1]
    assert {str(a) for a in event["ATTENDEE"]} == {"mailto:a@test.nl", "mailto:m2@test.nl"}


def test_the_overview_shows_the_next_talk_and_offers_it(app, planned, login):
    plan = planned["plan_a"]
    page = login(planned["a"]).get(f"/plans/{plan}")
    assert page.status_code == 200
    text = text_of(page)
    assert "Volgend gesprek Beoordelingsgesprek op maandag 15-03-2027." in text
    body = page.get_data(as_text=True)
    assert f'href="/plans/{plan}/volgend-gesprek.ics"' in body
    assert f'href="/plans/{plan}/afronding">Datum of soort gesprek wijzigen' in body
    # HR reads along but plans no talks.
    hr_page = login(planned["hr"]).get(f"/plans/{plan}").get_data(as_text=True)
    assert f'/plans/{plan}/volgend-gesprek.ics' in hr_page and "Datum of soort gesprek wijzigen" not in hr_page
    empty = text_of(login(planned["b"]).get(f"/plans/{planned['plan_b']}"))
    assert "Er is nog geen datum voor het volgende gesprek. Het volgende gesprek plannen" in empty
