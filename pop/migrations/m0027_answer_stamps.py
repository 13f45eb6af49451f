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

- SQLite: a trigger per row inserted, updated or deleted gives the plan a new stamp.
- PostgreSQL: a trigger per statement, over its transition table (a save deletes and inserts a part's
  cells in a few statements: a few stamps, not one per cell). It locks the plans first, as the UPDATE
  of a plan that every save makes does, then their stamps, both in the order of the plans' ids: a new
  lock after the plan's, so a save and a step of the cycle on the same plan (which locks the plan
  before it writes answers) wait for one another as before and do not deadlock over a stamp. TRUNCATE
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
SQLITE_TRIGGERS = ("answer_stamp_insert", "answer_stamp_update", "answer_stamp_delete")
POSTGRES_TRIGGERS = SQLITE_TRIGGERS + ("answer_stamp_truncate",)

_SQLITE_STAMP = (f"INSERT INTO {TABLE} (plan_id, stamp) VALUES ({{plan}}, random()) "
                 "ON CONFLICT (plan_id) DO UPDATE SET stamp = excluded.stamp;")
# 2**62 - 1: random() is a double below 1, so the product stays inside a bigint.
_POSTGRES_RANDOM = "(random() * 4611686018427387903)::bigint"


def _sqlite() -> list[str]:
    def stamp(*plans):
        return " ".join(_SQLITE_STAMP.format(plan=p) for p in plans)
    return [
        f"CREATE TRIGGER IF NOT EXISTS answer_stamp_insert AFTER INSERT ON answer BEGIN {stamp('NEW.plan_id')} END",
        f"CREATE TRIGGER IF NOT EXISTS answer_stamp_update AFTER UPDATE ON answer "
        f"BEGIN {stamp('OLD.plan_id', 'NEW.plan_id')} END",
        f"CREATE TRIGGER IF NOT EXISTS answer_stamp_delete AFTER DELETE ON answer BEGIN {stamp('OLD.plan_id')} END",
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
              -- The plans first, as every save locks its plan (UPDATE plan): whoever holds a stamp holds
              -- its plan, so no one waits for a stamp while holding the plan its holder needs.
              PERFORM 1 FROM plan WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
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
    """On SQLite after a later migration: the triggers of a rebuilt answer table again (IF NOT EXISTS)."""
    if not isinstance(db, PostgresqlDatabase):
        for sql in _sqlite():
            db.execute_sql(sql)
