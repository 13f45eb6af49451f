"""The demo organisation's dates are relative to the day it is loaded: a newcomer in December or June
sees the next talks ahead, not every talk verstreken; and a first run says it made a database, without
a WARNING."""
import datetime as dt
import logging

import pytest

from app import create_app
from pop import answers, clock, rhythm, todo
from pop.demo import EMPLOYEE_EMAIL, load_demo
from pop.models import Person, Plan, PlanVersion


@pytest.mark.parametrize("today", [dt.date(2026, 12, 6), dt.date(2027, 6, 15), dt.date(2027, 1, 3)])
def test_the_demos_next_talks_are_ahead_whatever_the_month(app, today, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: today)
    with app.app_context():
        load_demo()
        talks = {}
        for plan in Plan.select().where(Plan.status != "afgerond"):
            definition = answers.form_of(plan)
            talk = rhythm.open_talk(plan, definition, answers.load(plan), today)
            if talk is not None:
                talks[plan.employee.email] = talk.date
        assert len(talks) >= 5, talks  # the running plans each have a next talk
        assert all(day >= today for day in talks.values()), (today, talks)
        assert talks[EMPLOYEE_EMAIL] > today
        # The plans are this year's, agreed in the past, and nobody's list shows a talk verstreken.
        assert {p.period for p in Plan.select().where(Plan.status != "afgerond")} == {str(today.year)}
        assert all(v.agreed_at.date() <= today for v in PlanVersion.select())
        for person in Person.select():
            listed = todo.for_user(person)
            late = [i.text for i in listed.own + listed.team if i.late]
            assert late == [], (person.email, late)


def test_a_first_run_makes_the_database_without_a_warning(tmp_path, caplog):
    from databases import new_database_url

    with caplog.at_level(logging.INFO):
        create_app({"SECRET_KEY": "x", "DATABASE_URL": new_database_url(tmp_path, "eerste", migrated=False)})
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert "Nieuwe database aangemaakt" in caplog.text
