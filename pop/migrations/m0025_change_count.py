"""A count of the changes to what HR's organisation-wide figures count (pop/changes.py): the plans (their
employee, period, state, department, costs, form and progress), the people (their department and
whether they are active) and the development budgets. Kept by the database's triggers in the
transaction of the change, whatever program writes, so a server process may keep the figures it added
up and know from one small read whether they still hold (at 10,000 employees the dashboard's sums are
some 7 ms on SQLite and 25 ms on PostgreSQL, the read of this count 0.1 ms).

change_count has a row per shard; the count is their sum, and every change adds one to a row.
- SQLite writes one transaction at a time: one row, added to by an AFTER trigger per row changed.
- PostgreSQL has many writers at once. A row of the count that a transaction updated stays locked until
  it ends, so writers would queue behind one another, and a transaction holding that row while waiting
  for a row another one holds could deadlock with it. So the triggers are deferred constraint triggers:
  they run at COMMIT, after everything else the transaction did, and one that holds a row of the count
  waits for nothing more. And there are 16 rows, each transaction adding to the one of its id, so that
  commits seldom queue behind the same row.
A reader reads the count before the figures: a change committed in between has added to the count, so
the figures kept with the earlier count are added up again on the next request."""
from peewee import PostgresqlDatabase

RELEASE = "0.2.0"
TABLE = "change_count"
SHARDS = 16  # PostgreSQL; SQLite has one row

# What the figures read of each table: a change of anything else (a log-in's counters, a plan's
# updated_at, a name) leaves them as they are.
COUNTED = {
    "plan": ("employee_id", "period", "status", "afdeling", "costs_euro", "costs_uren", "form_key", "progress"),
    "person": ("afdeling", "active"),
    "budget": ("person_id", "year", "euro", "uren"),
}
TRIGGERS = tuple(f"{table}_counted{suffix}" for table in COUNTED for suffix in ("_insert", "_update", "_delete"))
POSTGRES_TRIGGERS = tuple(f"{table}_counted" for table in COUNTED)

_ADD_ONE = f"UPDATE {TABLE} SET n = n + 1"


def _sqlite(table: str, columns: tuple) -> list[str]:
    events = {"_insert": "INSERT", "_update": f"UPDATE OF {', '.join(columns)}", "_delete": "DELETE"}
    return [f"CREATE TRIGGER IF NOT EXISTS {table}_counted{suffix} AFTER {event} ON {table} "
            f"BEGIN {_ADD_ONE}; END" for suffix, event in events.items()]


_POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      {_ADD_ONE} WHERE shard = mod(txid_current(), {SHARDS});
      RETURN NULL;
    END $$"""


def _postgres(table: str, columns: tuple) -> str:
    return (f"CREATE CONSTRAINT TRIGGER {table}_counted AFTER INSERT OR DELETE OR UPDATE OF {', '.join(columns)} "
            f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_change()")


def upgrade(db, migrator):
    postgres = isinstance(db, PostgresqlDatabase)
    db.execute_sql(f"CREATE TABLE {TABLE} (shard INTEGER PRIMARY KEY, n BIGINT NOT NULL)")
    for shard in range(SHARDS if postgres else 1):
        db.execute_sql(f"INSERT INTO {TABLE} (shard, n) VALUES ({shard}, 0)")
    if postgres:
        db.execute_sql(_POSTGRES_FUNCTION)
        for table, columns in COUNTED.items():
            db.execute_sql(_postgres(table, columns))
    else:
        restore(db)


def restore(db) -> None:
    """On SQLite after a later migration: the triggers of a rebuilt table again (pop/schema.py)."""
    if isinstance(db, PostgresqlDatabase):
        return
    for table, columns in COUNTED.items():
        for sql in _sqlite(table, columns):
            db.execute_sql(sql)
