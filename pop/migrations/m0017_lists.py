"""Lists that scale (pop/listing.py): indexes for every filter and sort of HR's and the managers' lists,
and each plan's planned costs on the plan itself, so the budget page's totals per department need no
reading of every plan's answers.

Indexes (no row changes):
- person: by name (every list's default order), by department and name (the department filter and
  column, the list of departments), by function and by role (the people list's columns).
- plan: by period and state (the filters, HR's counts per state, the budget's shared plans of a year),
  with the employee in it so "who has no plan this period" reads the index alone; by state, form and last
  change (the filters and columns without a period).
- budget: by year (the year's budgets per department); placement: by period and position (the matrix's
  groups and their counts).

plan.costs_euro and plan.costs_uren: the totals of the plan's Costs field, which answers.save keeps from
now on; filled here for the plans there are, from their answers, as the Costs kind adds them up (every
filled euro and hours cell of the field; a cell that is no amount counts as nothing, as where the plan
is read). NULL for a plan whose form has no Costs field or that planned none.

Written with the migrator and plain queries on the table names, with the forms' Costs fields as they are
in this release (COSTS_FIELDS), not with the models or form definitions of later releases."""
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from peewee import DecimalField

RELEASE = "0.2.0"

INDEXES = [
    ("person", ("achternaam", "voornaam")),
    ("person", ("afdeling", "achternaam", "voornaam")),
    ("person", ("functie",)),
    ("person", ("role",)),
    ("plan", ("period", "status", "employee_id")),
    ("plan", ("status",)),
    ("plan", ("form_key",)),
    ("plan", ("updated_at",)),
    ("budget", ("year",)),
    ("placement", ("period", "prestaties", "potentie")),
]
# Each form's Costs field in this release (forms/*.py costs_field).
COSTS_FIELDS = {"pop-uitgebreid": "kosten_pob", "pop-compact": "kosten_pob", "pop-tabel": "kosten_pob",
                "pop-zes-stappen": "kosten_pob"}
CENT = Decimal("0.01")


def _amount(text):
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError):
        return None
    return value if value.is_finite() else None


def upgrade(db, migrator):
    for column in ("costs_euro", "costs_uren"):
        migrator.add_column("plan", column, DecimalField(max_digits=12, decimal_places=2, null=True)).run()
    param = db.param
    totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for form_key, field in COSTS_FIELDS.items():
        cursor = db.execute_sql(
            'SELECT a."plan_id", a."column", a."value" FROM "answer" a JOIN "plan" p ON p."id" = a."plan_id" '
            f'WHERE p."form_key" = {param} AND a."field" = {param}', (form_key, field))
        for plan_id, column, text in cursor.fetchall():
            amount = _amount(text)
            if amount is None:
                continue
            if column.endswith("__euro"):
                totals[plan_id][0] += amount
            elif column.endswith("__uren"):
                totals[plan_id][1] += amount
    for plan_id, (euros, hours) in totals.items():
        db.execute_sql(f'UPDATE "plan" SET "costs_euro" = {param}, "costs_uren" = {param} WHERE "id" = {param}',
                       (str(euros.quantize(CENT)), str(hours.quantize(CENT)), plan_id))
    for table, columns in INDEXES:
        migrator.add_index(table, columns, False).run()
