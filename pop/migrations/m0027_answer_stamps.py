"""A stamp per plan that changes with every change of its answers, kept by the database's triggers in the
transaction of the change, whatever program writes: answer_stamp (plan_id, stamp).

The plan pages are kept whole per server process under everything they are drawn from (pop/fragments.py
page()), the plan's answers among them. Reading every answer cell on each request to know whether a kept
page still holds was a tenth of a kept overview's CPU in one thread (60 of some 600 µs for a filled plan's
80 cells), and under gunicorn much more: SQLite's module lets go of Python's lock for each row it reads,
and with four threads per worker each such pause is a hand-over between threads (with one worker for
20 clients, 2.0 ms of CPU per overview against 1.5 without the read). The stamp comes with the plan's
own query instead; the cells are read only when the page is drawn.

The stamp is a random number, not a count: a count starts again where a restored backup left it, and
could then name other answers than a page kept before the restore; a random stamp names one state of
the answers only. A plan without a stamp row (one that never had an answer, or whose row was deleted by
hand) is read as before, every cell (pop/fragments.py Cells): a stamp that is missing never stands for
answers.

- SQLite: a trigger per row inserted, updated or deleted gives the plan a new stamp. An INSERT OR
  REPLACE (or UPDATE OR REPLACE) that takes the id of another plan's answer removes that row without a
  delete trigger (SQLite fires none for it while recursive_triggers is off): two BEFORE triggers stamp
  the plan of a row whose id is about to be taken.
- PostgreSQL: a trigger per statement, over its transition table (a save deletes and inserts a part's
  cells in a few statements: a few stamps, not one per cell), the stamps in the order of the plans' ids.
  A stamp is locked until its transaction ends. Every writer of answers in the app locks the plan
  first (pop/saving.py, pop/cycle.py, pop/akkoord.py), so two of them wait at the plan and never hold
  a stamp the other needs; a single statement of another program waits for no plan. (Locking the plan
  in the trigger as well deadlocked such a statement with a save of the same cell: it held the cell and
  waited for the plan, the save held the plan and waited for the cell.) A program that writes a plan's
  answers and then the plan itself in one transaction locks the plan first, as the app does. TRUNCATE
  of answer removes every stamp (the plans are then read as those without).

No foreign key to plan: a plan deleted deletes its answers, whose trigger then stamps a plan on its way
out. The stamp row stays behind, harmless (a random number, nothing of the plan); a plan id SQLite hands
out again starts from it, and its first answer gives it a new one.

A later migration that rebuilds the answer table on SQLite drops its triggers: restore() makes them again
(pop/schema.py). upgrade() stamps every plan that has answers."""
from __future__ import annotations

from peewee import PostgresqlDatabase

RELEASE = "0.2.0"
TABLE = "answer_stamp"
POSTGRES_TRIGGERS = ("answer_stamp_insert", "answer_stamp_update", "answer_stamp_delete", "answer_stamp_truncate")
SQLITE_TRIGGERS = POSTGRES_TRIGGERS[:3] + ("answer_stamp_replace_insert", "answer_stamp_replace_update")

_SQLITE_STAMP = (f"INSERT INTO {TABLE} (plan_id, stamp) VALUES ({{plan}}, random()) "
                 "ON CONFLICT (plan_id) DO UPDATE SET stamp = excluded.stamp;")
# 2**62 - 1: random() is a double below 1, so the product stays inside a bigint.
_POSTGRES_RANDOM = "(random() * 4611686018427387903)::bigint"


_PLAN_OF_NEW_ID = "(SELECT plan_id FROM answer WHERE id = NEW.id)"


def _sqlite() -> list[str]:
    def stamp(*plans):
        return " ".join(_SQLITE_STAMP.format(plan=p) for p in plans)
    return [
        f"CREATE TRIGGER IF NOT EXISTS answer_stamp_insert AFTER INSERT ON answer BEGIN {stamp('NEW.plan_id')} END",
        f"CREATE TRIGGER IF NOT EXISTS answer_stamp_update AFTER UPDATE ON answer "
        f"BEGIN {stamp('OLD.plan_id', 'NEW.plan_id')} END",
        f"CREATE TRIGGER IF NOT EXISTS answer_stamp_delete AFTER DELETE ON answer BEGIN {stamp('OLD.plan_id')} END",
        f"CREATE TRIGGER IF NOT EXISTS answer_stamp_replace_insert BEFORE INSERT ON answer "
        f"WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM answer WHERE id = NEW.id) "
        f"BEGIN {stamp(_PLAN_OF_NEW_ID)} END",
        f"CREATE TRIGGER IF NOT EXISTS answer_stamp_replace_update BEFORE UPDATE OF id ON answer "
        f"WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM answer WHERE id = NEW.id) "
        f"BEGIN {stamp(_PLAN_OF_NEW_ID)} END",
    ]


def _postgres() -> list[str]:
    plan_ids = "SELECT array_agg(DISTINCT plan_id) INTO ids FROM"
    return [
        f"""CREATE OR REPLACE FUNCTION answer_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE ids bigint[];
            BEGIN
              IF TG_OP = 'INSERT' THEN {plan_ids} came;
              ELSIF TG_OP = 'DELETE' THEN {plan_ids} went;
              ELSE {plan_ids} (SELECT plan_id FROM went UNION ALL SELECT plan_id FROM came) AS both_ways;
              END IF;
              IF ids IS NULL THEN RETURN NULL; END IF;
              INSERT INTO {TABLE} (plan_id, stamp) SELECT id, {_POSTGRES_RANDOM} FROM unnest(ids) AS id ORDER BY id
                ON CONFLICT (plan_id) DO UPDATE SET stamp = EXCLUDED.stamp;
              RETURN NULL;
            END $$""",
        """CREATE TRIGGER answer_stamp_insert AFTER INSERT ON answer REFERENCING NEW TABLE AS came
           FOR EACH STATEMENT EXECUTE FUNCTION answer_stamp()""",
        """CREATE TRIGGER answer_stamp_update AFTER UPDATE ON answer REFERENCING OLD TABLE AS went NEW TABLE AS came
           FOR EACH STATEMENT EXECUTE FUNCTION answer_stamp()""",
        """CREATE TRIGGER answer_stamp_delete AFTER DELETE ON answer REFERENCING OLD TABLE AS went
           FOR EACH STATEMENT EXECUTE FUNCTION answer_stamp()""",
        f"""CREATE OR REPLACE FUNCTION answer_stamps_gone() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              DELETE FROM {TABLE};
              RETURN NULL;
            END $$""",
        """CREATE TRIGGER answer_stamp_truncate AFTER TRUNCATE ON answer
           FOR EACH STATEMENT EXECUTE FUNCTION answer_stamps_gone()""",
    ]


def upgrade(db, migrator):
    postgres = isinstance(db, PostgresqlDatabase)
    db.execute_sql(f"CREATE TABLE {TABLE} (plan_id BIGINT PRIMARY KEY, stamp BIGINT NOT NULL)"
                   if postgres else f"CREATE TABLE {TABLE} (plan_id INTEGER PRIMARY KEY, stamp INTEGER NOT NULL)")
    db.execute_sql(f"INSERT INTO {TABLE} (plan_id, stamp) SELECT DISTINCT plan_id, 0 FROM answer")
    db.execute_sql(f"UPDATE {TABLE} SET stamp = {_POSTGRES_RANDOM if postgres else 'random()'}")
    for sql in (_postgres() if postgres else _sqlite()):
        db.execute_sql(sql)


def restore(db) -> None:
    """On SQLite after a later migration: the triggers of a rebuilt answer table again (IF NOT EXISTS),
    and every plan a new stamp, for the answers that migration may have written while they were gone.
    Not when a later migration took the table away: the triggers would make every save fail."""
    if isinstance(db, PostgresqlDatabase) or TABLE not in db.get_tables():
        return
    for sql in _sqlite():
        db.execute_sql(sql)
    db.execute_sql(f"UPDATE {TABLE} SET stamp = random()")
