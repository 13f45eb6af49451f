"""Each plan carries its employee's department (plan.afdeling), kept by the database itself, so that HR's
counts per department (the to-do table on HR's first page, the dashboard, the budget's departments) are
one read of an index of the plans instead of a join of every person with their plans: at 10,000
employees on SQLite the dashboard's counts took 8 ms by the join against 1 ms by the index
(bench/bench_hr_pages.py).

The value is always the employee's department now, never the one the plan was made in: the lists filter
and count by the person's department, and a department renamed or merged (pop/departments.py), an import
or a directory sync that moves someone, moves their plans with them. Triggers keep it, in the
transaction of the write, whatever code writes:
- a plan inserted, or given another employee: its afdeling is read from the person;
- a person's afdeling changed: every plan of theirs follows.
The application never writes the column (pop/models.py declares no field for it, so peewee leaves it
out of every INSERT and UPDATE; pop/models.py PLAN_AFDELING reads it).

On PostgreSQL a BEFORE trigger sets the new row's value, reading the person FOR SHARE: a transaction
changing that person's department at the same time waits for the plan's (or the plan's waits for it),
so the person's trigger sees the new plan and neither commits an old name. On SQLite writes are one at a
time; an AFTER trigger sets it.

Also three covering indexes for the dashboard's sums (from the index alone, no row read):
- plan_department_counts (period, afdeling, status, employee_id): plans per department and state, and the
  people with a plan per department;
- plan_period_progress (period, form_key, progress, status): completion per phase grouped in the index's
  order (3.4 ms against 0.7 at 10,000 on SQLite);
- budget_year_sums (year, euro, uren): the year's budgets summed.

A later migration that rebuilds the plan or person table on SQLite (SqliteMigrator does for some column
changes) drops their triggers with the old table: pop/schema.py calls restore() after every upgrade on
SQLite, which makes those missing again (tests/test_migrations.py rebuilds the plan table so)."""
from peewee import PostgresqlDatabase

RELEASE = "0.2.0"

INDEXES = {
    "plan_department_counts": ("plan", ("period", "afdeling", "status", "employee_id")),
    "plan_period_progress": ("plan", ("period", "form_key", "progress", "status")),
    "budget_year_sums": ("budget", ("year", "euro", "uren")),
}
TRIGGERS = ("plan_afdeling_insert", "plan_afdeling_employee", "person_afdeling_plans")

_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS plan_afdeling_insert AFTER INSERT ON plan BEGIN
         UPDATE plan SET afdeling = COALESCE((SELECT afdeling FROM person WHERE id = NEW.employee_id), '')
         WHERE id = NEW.id;
       END""",
    """CREATE TRIGGER IF NOT EXISTS plan_afdeling_employee AFTER UPDATE OF employee_id ON plan BEGIN
         UPDATE plan SET afdeling = COALESCE((SELECT afdeling FROM person WHERE id = NEW.employee_id), '')
         WHERE id = NEW.id;
       END""",
    """CREATE TRIGGER IF NOT EXISTS person_afdeling_plans AFTER UPDATE OF afdeling ON person
       WHEN NEW.afdeling IS NOT OLD.afdeling BEGIN
         UPDATE plan SET afdeling = NEW.afdeling WHERE employee_id = NEW.id;
       END""",
]

_POSTGRES = [
    """CREATE OR REPLACE FUNCTION plan_afdeling() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.afdeling := COALESCE((SELECT afdeling FROM person WHERE id = NEW.employee_id FOR SHARE), '');
         RETURN NEW;
       END $$""",
    """CREATE OR REPLACE FUNCTION person_afdeling_plans() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         UPDATE plan SET afdeling = NEW.afdeling WHERE employee_id = NEW.id;
         RETURN NULL;
       END $$""",
    # One function for insert and for a new employee; two triggers so that each has the name TRIGGERS has.
    """CREATE TRIGGER plan_afdeling_insert BEFORE INSERT ON plan
       FOR EACH ROW EXECUTE FUNCTION plan_afdeling()""",
    """CREATE TRIGGER plan_afdeling_employee BEFORE UPDATE OF employee_id ON plan
       FOR EACH ROW EXECUTE FUNCTION plan_afdeling()""",
    """CREATE TRIGGER person_afdeling_plans AFTER UPDATE OF afdeling ON person
       FOR EACH ROW WHEN (OLD.afdeling IS DISTINCT FROM NEW.afdeling) EXECUTE FUNCTION person_afdeling_plans()""",
]


def create_triggers(db) -> None:
    for sql in (_POSTGRES if isinstance(db, PostgresqlDatabase) else _SQLITE):
        db.execute_sql(sql)


def restore(db) -> None:
    """After a later migration on SQLite: the triggers of a rebuilt table again (each IF NOT EXISTS).
    PostgreSQL alters a table in place and keeps them."""
    if not isinstance(db, PostgresqlDatabase):
        create_triggers(db)


def upgrade(db, migrator):
    db.execute_sql("ALTER TABLE plan ADD COLUMN afdeling VARCHAR(150) NOT NULL DEFAULT ''")
    db.execute_sql("UPDATE plan SET afdeling = COALESCE((SELECT afdeling FROM person "
                   "WHERE person.id = plan.employee_id), '')")
    create_triggers(db)
    for name, (table, columns) in INDEXES.items():
        listed = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({listed})')
