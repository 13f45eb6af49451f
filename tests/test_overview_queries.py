"""The plan overview asks the database as little as it can (issue 18): the plan, its employee and manager,
the next cycle's plan, the previous one's, whether a version was agreed and whether this view is logged
already in one query (pop/views/plans.py), with the stamp of its answers (m0027), so a kept overview
runs two: the person logged in and that one (the stored answers are read only to draw it), and a third
for the agreed versions once there are any. Whether the view is logged already now comes from that query: the rule stays
audit.record_view's (one "bekeken" per person per hour, written as before), driven here through the
overview alone (tests/test_audit.py drives it through the part pages too)."""
import datetime as dt
import logging

import pytest

from pop.models import AuditEntry, Person, Plan, PlanVersion, now
from support import doc, set_state


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


def test_a_kept_overview_runs_two_queries_and_one_more_for_agreed_versions(app, org, login, queries):
    anna, plan = login(org["a"]), org["plan_a"]
    anna.get(f"/plans/{plan}")  # drawn and kept, the view logged
    del queries[:]
    page = anna.get(f"/plans/{plan}")
    assert page.status_code == 200 and "Anna Alfa" in page.get_data(as_text=True)
    assert len(queries) == 2, queries
    assert not any('FROM "answer"' in q for q in queries)

    # A plan with a cycle before and after it: their plans come with it, not in queries of their own.
    with app.app_context():
        this = Plan.get_by_id(plan)
        before = Plan.create(employee=this.employee, form_key=this.form_key, period="2025", status="afgerond")
        Plan.update(previous=before).where(Plan.id == plan).execute()
        after = Plan.create(employee=this.employee, form_key=this.form_key, period="2027", previous=plan)
    anna.get(f"/plans/{plan}")
    del queries[:]
    shown = doc(anna.get(f"/plans/{plan}"))
    assert shown.xpath(f'//a[@href="/plans/{before.id}"]/text()') == ["2025"]
    assert shown.xpath(f'//a[@href="/plans/{after.id}"]/text()') == ["Naar het POP van 2027"]
    assert len(queries) == 2, queries

    # Agreed versions are listed, read in a query of their own.
    set_state(app, plan, "vastgesteld")
    with app.app_context():
        PlanVersion.create(plan=plan, number=1, cells="[]", agreed_at=dt.datetime(2026, 3, 2, 9, 5))
    anna.get(f"/plans/{plan}")
    del queries[:]
    shown = doc(anna.get(f"/plans/{plan}"))
    assert [" ".join(li.text_content().split()) for li in shown.xpath(
        '//h2[text()="Vastgestelde versies"]/following-sibling::ul[1]/li')] == [
        "Versie 1, vastgesteld 02-03-2026 10:05 · Word · Excel"]
    assert len(queries) == 3, queries
