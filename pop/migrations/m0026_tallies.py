"""Running totals of what HR's organisation-wide figures add up (pop/tallies.py), kept by the database's
triggers in the transaction of each change, so that the first look at the dashboard, HR's to-do table or
the budget after a change reads a few hundred rows instead of adding up every plan, person and budget
again (at 10,000 employees on SQLite 8.6 ms for the dashboard's sums, 10.8 for the budget's departments).

Four tallies, each a table of rows (key columns, value columns); a figure is the SUM of the values per key:
- tally_plan (period, afdeling, status): plans, and their planned costs in cents (euro, uren);
- tally_progress (period, status, form_key, progress): plans, for the completion per phase;
- tally_people (afdeling, active): people;
- tally_budget (year, afdeling): budgets, their amounts in cents, and how many have an amount (euros,
  hours), the afdeling being the person's.
A trigger never updates a row: it inserts one with +1 (and the row's values) for a row that came, and one
with -1 (minus its values) for a row that went; a change is both. So on PostgreSQL concurrent writers never
wait for one another on a tally, nor deadlock over one. The rows grow with the changes; a reader folds them
into one per key when they have grown (pop/tallies.py fold()). Amounts in whole cents, as integers: a
float's sum drifts after many additions and subtractions, an integer's does not.

What moves a tally:
- a plan inserted, deleted, or its period, department, state, costs (tally_plan) or form or progress
  (tally_progress) changed; the department a plan carries is kept by m0024's triggers, so a person moved
  moves their plans through those;
- a person inserted, deleted, or their department or active changed (tally_people);
- a budget inserted, deleted or changed (tally_budget, at its person's department, read on PostgreSQL FOR
  SHARE as m0024 reads it for a plan: a concurrent move of the person waits or is waited for), and a person
  moved to another department (their budgets move with them). A person deleted takes their budgets out
  before the database's cascade deletes them (a BEFORE DELETE trigger: during the cascade the person is
  already gone, so the budget's own trigger, which reads their department, leaves those out).

The sums m0024's covering indexes served are read from the tallies now, so three of them go (each was
written at every change of a plan's state or progress, or of a budget): plan_department_counts,
plan_period_progress and budget_year_sums. What is still counted from the plans, the people with a plan
per department (someone may have plans on two forms), is served by a new index in the order of that
count, plan_period_department_employee (period, afdeling, employee_id): COUNT(DISTINCT employee_id) per
department then reads it in order, without a temporary B-tree (at 10,000 employees 0.7 ms against 1.4).

A later migration that rebuilds one of these tables on SQLite drops its triggers: restore() makes them again
(pop/schema.py). A tally is as right as the sums it replaces from its start here: upgrade() fills each from
the rows as they are."""
from __future__ import annotations

from dataclasses import dataclass

from peewee import PostgresqlDatabase

RELEASE = "0.2.0"


def cents(column: str) -> str:
    return f"CAST(ROUND(COALESCE({column}, 0) * 100) AS BIGINT)"


def present(column: str) -> str:
    return f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"


@dataclass(frozen=True)
class Tally:
    table: str
    source: str  # the table whose rows it adds up
    keys: dict  # column -> SQL of a source row r ("{r}" is OLD or NEW, or the table's name)
    values: dict  # column -> SQL, as keys
    watched: tuple  # the source's columns whose change moves it
    # SQL that must hold for a row that went to be taken out (tally_budget: its person still there).
    gone_when: str = ""

    @property
    def columns(self) -> list[str]:
        return [*self.keys, *self.values]

    def row(self, r: str, sign: str = "", postgres: bool = False) -> str:
        """The SELECT list of the tally's row for source row r, its values negated when sign is '-'."""
        keys = [sql.format(r=r, share=" FOR SHARE" if postgres else "") for sql in self.keys.values()]
        values = [f"{sign}{sql.format(r=r)}" for sql in self.values.values()]
        return ", ".join(keys + values)

    def insert(self, r: str, sign: str = "", postgres: bool = False) -> str:
        return f"INSERT INTO {self.table} ({', '.join(self.columns)}) SELECT {self.row(r, sign, postgres)}"


_AFDELING_OF = "COALESCE((SELECT afdeling FROM person WHERE id = {r}.person_id{share}), '')"

TALLIES = (
    Tally("tally_plan", "plan",
          {"period": "{r}.period", "afdeling": "COALESCE({r}.afdeling, '')", "status": "{r}.status"},
          {"n": "1", "euro": cents("{r}.costs_euro"), "uren": cents("{r}.costs_uren")},
          # employee_id too: on PostgreSQL a trigger "UPDATE OF" a column fires only when the UPDATE names
          # it, and a plan given to someone else gets their afdeling from m0024's BEFORE trigger.
          ("period", "afdeling", "status", "costs_euro", "costs_uren", "employee_id")),
    Tally("tally_progress", "plan",
          {"period": "{r}.period", "status": "{r}.status", "form_key": "{r}.form_key",
           "progress": "COALESCE({r}.progress, '')"},
          {"n": "1"},
          ("period", "status", "form_key", "progress")),
    Tally("tally_people", "person",
          {"afdeling": "COALESCE({r}.afdeling, '')", "active": "(CASE WHEN {r}.active THEN 1 ELSE 0 END)"},
          {"n": "1"},
          ("afdeling", "active")),
    Tally("tally_budget", "budget",
          {"year": "{r}.year", "afdeling": _AFDELING_OF},
          {"n": "1", "euro": cents("{r}.euro"), "euros": present("{r}.euro"), "uren": cents("{r}.uren"),
           "hours": present("{r}.uren")},
          ("person_id", "year", "euro", "uren"),
          gone_when="EXISTS (SELECT 1 FROM person WHERE id = OLD.person_id)"),
)
BY_TABLE = {t.table: t for t in TALLIES}
DROPPED_INDEXES = ("plan_department_counts", "plan_period_progress", "budget_year_sums")
INDEXES = {"plan_period_department_employee": ("plan", ("period", "afdeling", "employee_id"))}
BUDGET = BY_TABLE["tally_budget"]

_TYPES = {"period": "VARCHAR(30)", "year": "VARCHAR(30)", "afdeling": "VARCHAR(150)", "status": "VARCHAR(20)",
          "form_key": "VARCHAR(50)", "progress": "TEXT", "active": "INTEGER"}


def _create(t: Tally) -> str:
    columns = [f"{k} {_TYPES[k]} NOT NULL" for k in t.keys] + [f"{v} BIGINT NOT NULL" for v in t.values]
    return f"CREATE TABLE {t.table} ({', '.join(columns)})"


def _fill(t: Tally) -> str:
    """The tally as the rows are now: one row per key."""
    keys = [sql.format(r=t.source, share="") for sql in t.keys.values()]
    values = [f"SUM({sql.format(r=t.source)})" for sql in t.values.values()]
    return (f"INSERT INTO {t.table} ({', '.join(t.columns)}) SELECT {', '.join(keys + values)} "
            f"FROM {t.source} GROUP BY {', '.join(keys)}")


def _changed(t: Tally) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in t.watched)


# A person's budgets, as the person's department changes or the person goes (the tally's rows for them).
def _budgets_of(person: str, afdeling: str, sign: str) -> str:
    values = [f"{sign}{sql.format(r='budget')}" for sql in BUDGET.values.values()]
    return (f"INSERT INTO {BUDGET.table} ({', '.join(BUDGET.columns)}) SELECT budget.year, COALESCE({afdeling}, ''), "
            f"{', '.join(values)} FROM budget WHERE budget.person_id = {person}")


def _sqlite() -> list[str]:
    found = []
    for t in TALLIES:
        gone = f" WHEN {t.gone_when}" if t.gone_when else ""
        found += [
            f"CREATE TRIGGER IF NOT EXISTS {t.table}_insert AFTER INSERT ON {t.source} "
            f"BEGIN {t.insert('NEW')}; END",
            f"CREATE TRIGGER IF NOT EXISTS {t.table}_delete AFTER DELETE ON {t.source}{gone} "
            f"BEGIN {t.insert('OLD', '-')}; END",
            f"CREATE TRIGGER IF NOT EXISTS {t.table}_update AFTER UPDATE OF {', '.join(t.watched)} ON {t.source} "
            f"WHEN {_changed(t)} BEGIN {t.insert('OLD', '-')}; {t.insert('NEW')}; END",
        ]
    found += [
        "CREATE TRIGGER IF NOT EXISTS person_budgets_moved AFTER UPDATE OF afdeling ON person "
        f"WHEN OLD.afdeling IS NOT NEW.afdeling BEGIN {_budgets_of('NEW.id', 'OLD.afdeling', '-')}; "
        f"{_budgets_of('NEW.id', 'NEW.afdeling', '')}; END",
        "CREATE TRIGGER IF NOT EXISTS person_budgets_gone BEFORE DELETE ON person "
        f"BEGIN {_budgets_of('OLD.id', 'OLD.afdeling', '-')}; END",
    ]
    return found


def _postgres() -> list[str]:
    found = []
    for t in TALLIES:
        same = (f"({', '.join('OLD.' + c for c in t.watched)}) IS NOT DISTINCT FROM "
                f"({', '.join('NEW.' + c for c in t.watched)})")
        gone = f" AND {t.gone_when}" if t.gone_when else ""
        found += [
            f"""CREATE OR REPLACE FUNCTION {t.table}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'UPDATE' AND {same} THEN RETURN NULL; END IF;
                  IF TG_OP <> 'INSERT'{gone} THEN {t.insert('OLD', '-', True)}; END IF;
                  IF TG_OP <> 'DELETE' THEN {t.insert('NEW', '', True)}; END IF;
                  RETURN NULL;
                END $$""",
            f"CREATE TRIGGER {t.table} AFTER INSERT OR DELETE OR UPDATE OF {', '.join(t.watched)} ON {t.source} "
            f"FOR EACH ROW EXECUTE FUNCTION {t.table}()",
        ]
    found += [
        f"""CREATE OR REPLACE FUNCTION person_budgets_moved() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              {_budgets_of('NEW.id', 'OLD.afdeling', '-')};
              {_budgets_of('NEW.id', 'NEW.afdeling', '')};
              RETURN NULL;
            END $$""",
        """CREATE TRIGGER person_budgets_moved AFTER UPDATE OF afdeling ON person FOR EACH ROW
           WHEN (OLD.afdeling IS DISTINCT FROM NEW.afdeling) EXECUTE FUNCTION person_budgets_moved()""",
        f"""CREATE OR REPLACE FUNCTION person_budgets_gone() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              {_budgets_of('OLD.id', 'OLD.afdeling', '-')};
              RETURN OLD;
            END $$""",
        """CREATE TRIGGER person_budgets_gone BEFORE DELETE ON person FOR EACH ROW
           EXECUTE FUNCTION person_budgets_gone()""",
    ]
    return found


SQLITE_TRIGGERS = tuple(f"{t.table}{s}" for t in TALLIES for s in ("_insert", "_delete", "_update")) + (
    "person_budgets_moved", "person_budgets_gone")
POSTGRES_TRIGGERS = tuple(t.table for t in TALLIES) + ("person_budgets_moved", "person_budgets_gone")


def upgrade(db, migrator):
    postgres = isinstance(db, PostgresqlDatabase)
    for t in TALLIES:
        db.execute_sql(_create(t))
        db.execute_sql(_fill(t))
    for sql in (_postgres() if postgres else _sqlite()):
        db.execute_sql(sql)
    for name in DROPPED_INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    for name, (table, columns) in INDEXES.items():
        listed = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({listed})')


def restore(db) -> None:
    """On SQLite after a later migration: the triggers of a rebuilt table again (each IF NOT EXISTS)."""
    if not isinstance(db, PostgresqlDatabase):
        for sql in _sqlite():
            db.execute_sql(sql)
