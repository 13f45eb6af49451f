"""HR's overview workbook (Overzicht_POP.xlsx in the bulk zip, exports/excel/default.py), read back with
openpyxl: the phase progress, the last and next talk and the planned costs in their cells, A4 landscape
with the header on every page, and text that looks like a formula kept as text."""
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from exports.excel.default import OVERVIEW_COLUMNS, overview_workbook
from pop import answers, clock, departments
from pop.demo import demo_answers
from pop.models import Department, Person, Plan
from pop.plans import part_progress


def test_the_overview_has_progress_talks_and_costs_and_prints_a4_landscape(app, org, monkeypatch):
    start = dt.date(2026, 1, 12)
    monkeypatch.setattr(clock, "today", lambda: start)  # the plan's next talk lies ahead
    with app.app_context():
        # A department whose name looks like a formula: written as text, never evaluated.
        departments.rename(Department.get(Department.name == "A"), "=HYPERLINK(\"http://x\";\"klik\")", None)
        plan = Plan.get_by_id(org["plan_a"])
        values = demo_answers(start)
        answers.save(plan, values)
        Plan.update(status="uitvoering").where(Plan.id == plan.id).execute()
        plan = Plan.get_by_id(plan.id)
        stored = answers.load_many([plan])[plan.id]
        definition = answers.form_of(plan)
        progress = [part_progress(p, stored) for p in definition.parts]
        data = overview_workbook([(plan, definition, stored)])
        talks = [row["datum"] for row in values["voortgangsgesprekken"] if row.get("datum")]
        employee = Person.get(Person.email == org["a"])
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header == list(OVERVIEW_COLUMNS)
    row = {name: ws.cell(row=2, column=i + 1) for i, name in enumerate(header)}
    assert row["Medewerker"].value == employee.naam == "Anna Alfa"
    afdeling = row["Afdeling"]
    assert afdeling.value == "=HYPERLINK(\"http://x\";\"klik\")" and afdeling.data_type == "s"
    assert afdeling.quotePrefix
    shown = [line for line in row["Voortgang"].value.split("\n")]
    assert shown == [f"{p.nav_title} {a}/{t}" for p, (a, t) in zip(definition.parts, progress) if t]
    assert any(a for a, _ in progress) and any(a < t for a, t in progress)  # a mixed plan: the counts matter
    assert row["Laatste gesprek"].is_date and row["Laatste gesprek"].value.date() == max(talks)
    assert row["Volgend gesprek"].value.date() == values["volgend_gesprek_datum"]
    assert (Decimal(str(row["Gepland (euro)"].value)), Decimal(str(row["Gepland (uren)"].value))) == (
        plan.costs_euro, plan.costs_uren)
    assert plan.costs_euro > 0 and row["Gepland (euro)"].number_format == '"€" #,##0.00'
    setup = ws.page_setup
    assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9")
    assert 10 <= int(setup.scale) < 100
    assert ws.print_title_rows == "$1:$1"


def test_the_next_talk_is_the_first_planned_from_today_on_and_not_held(app, org, monkeypatch):
    """Volgend gesprek: the talk of an open plan planned from the organisation's today on (pop/clock.py,
    pop/rhythm.py upcoming_talk) that was not held; a past one (overdue), one held since, an afgerond
    plan's stay empty; before the plan is agreed the POP-gesprek's date in the header counts."""
    today = dt.date(2026, 6, 10)
    monkeypatch.setattr(clock, "today", lambda: today)
    days = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    talk = {"datum": days(-30), "gedaan": "Besproken", "opgeleverd": "", "tevreden": "", "verder": ""}
    cases = [  # (state, answers, the next talk the workbook shows)
        ("uitvoering", {"volgend_gesprek_datum": days(10), "voortgangsgesprekken": [talk]}, days(10)),
        ("uitvoering", {"volgend_gesprek_datum": today}, today),
        ("uitvoering", {"volgend_gesprek_datum": days(-1)}, None),
        ("uitvoering", {"volgend_gesprek_datum": today, "voortgangsgesprekken": [{**talk, "datum": today}]}, None),
        ("afgerond", {"volgend_gesprek_datum": days(10)}, None),
        ("voorbereiding", {"datum_pop_gesprek": days(5)}, days(5)),
    ]
    with app.app_context():
        plan = Plan.get_by_id(org["plan_a"])
        definition = answers.form_of(plan)
        rows = []
        for state, values, _ in cases:
            answers.save(plan, values)
            Plan.update(status=state).where(Plan.id == plan.id).execute()
            saved = Plan.get_by_id(plan.id)
            rows.append((saved, definition, answers.load_many([saved])[saved.id]))
            answers.save(plan, {key: None for key in values})
        data = overview_workbook(rows)
    ws = load_workbook(io.BytesIO(data)).active
    column = [c.value for c in ws[1]].index("Volgend gesprek") + 1
    shown = [ws.cell(row=2 + i, column=column).value for i in range(len(cases))]
    assert [v.date() if v else None for v in shown] == [expected for _, _, expected in cases]
    assert ws.cell(row=2, column=column).is_date
