"""The plan overview asks the database as little as it can (issue 18): the plan, its employee and manager,
the next cycle's plan, the previous one's and whether this view is logged already in one query
(pop/views/plans.py), so a kept overview runs four: the person logged in, that one, the agreed versions
and the stored answers. Whether the view is logged already now comes from that query: the rule stays
audit.record_view's (one "bekeken" per person per hour, written as before), driven here through the
overview alone (tests/test_audit.py drives it through the part pages too)."""
import datetime as dt
import logging

import pytest

from pop.models import AuditEntry, Person, Plan, now
from support import set_state


def views(app, plan_id, email):
    with app.app_context():
        person = Person.get(Person.email == email)
        return [(e.person_id == person.id, e.person_name, e.action, e.detail)
                for e in AuditEntry.select().where((AuditEntry.plan == plan_id)
                                                   & (AuditEntry.action == "bekeken")).order_by(AuditEntry.id)
                if e.person_id == person.id]


def age_views(app, plan_id, minutes):
    with app.app_context():
        AuditEntry.update(created_at=now() - dt.timedelta(minutes=minutes)).where(
            (AuditEntry.plan == plan_id) & (AuditEntry.action == "bekeken")).execute()


def test_the_overview_logs_a_view_once_an_hour_from_its_own_query(app, org, login):
    anna, plan = login(org["a"]), org["plan_a"]
    line = (True, "Anna Alfa", "bekeken", "")
    assert anna.get(f"/plans/{plan}").status_code == 200
    assert anna.get(f"/plans/{plan}").status_code == 200  # kept: the same page, no second line
    assert views(app, plan, org["a"]) == [line]

    age_views(app, plan, 59)
    assert anna.get(f"/plans/{plan}").status_code == 200
    assert views(app, plan, org["a"]) == [line], "within the hour: no second line"
    age_views(app, plan, 61)
    assert anna.get(f"/plans/{plan}").status_code == 200
    assert views(app, plan, org["a"]) == [line, line], "after an hour: a new line"

    # Anna's lines are hers: Marco's first look at the shared plan is his line.
    set_state(app, plan, "ontwikkelgesprek")
    assert login(org["m1"]).get(f"/plans/{plan}").status_code == 200
    assert views(app, plan, org["m1"]) == [(True, "Marco Een", "bekeken", "")]


def test_a_look_at_a_plan_in_voorbereiding_by_its_manager_is_not_a_view(app, org, login):
    marco = login(org["m1"])
    assert "nog in voorbereiding" in marco.get(f"/plans/{org['plan_a']}").get_data(as_text=True)
    assert views(app, org["plan_a"], org["m1"]) == []


class Queries(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        if record.name == "peewee":  # not peewee.pool's connections
            self.sql.append(record.msg[0])


@pytest.fixture
def queries():
    logger, handler = logging.getLogger("peewee"), Queries()
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler.sql
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_kept_overview_runs_four_queries_and_one_for_the_next_cycle_too(app, org, login, queries):
    anna, plan = login(org["a"]), org["plan_a"]
    anna.get(f"/plans/{plan}")  # drawn and kept, the view logged
    del queries[:]
    page = anna.get(f"/plans/{plan}")
    assert page.status_code == 200 and "Anna Alfa" in page.get_data(as_text=True)
    assert len(queries) == 4, queries

    # A plan with a cycle before and after it: their plans come with it, not in queries of their own.
    with app.app_context():
        before = Plan.create(employee=Plan.get_by_id(plan).employee, form_key=Plan.get_by_id(plan).form_key,
                             period="2025", status="afgerond")
        Plan.update(previous=before).where(Plan.id == plan).execute()
        after = Plan.create(employee=Plan.get_by_id(plan).employee, form_key=Plan.get_by_id(plan).form_key,
                            period="2027", previous=plan)
    anna.get(f"/plans/{plan}")
    del queries[:]
    text = anna.get(f"/plans/{plan}").get_data(as_text=True)
    assert f"/plans/{after.id}" in text and "2025" in text
    assert len(queries) == 4, queries
