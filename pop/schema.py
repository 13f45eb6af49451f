"""Schema migrations: applies pop/migrations/mNNNN_*.py in order and records each in schema_migrations.

Why our own small runner on playhouse.migrate rather than a bigger tool: every step we need is in
peewee itself, and two things matter that we want to control exactly. The whole upgrade is one
transaction (a failed migration leaves the database as it was), and it holds a lock for the whole
upgrade, so two workers starting at once do not both apply the same migration: SQLite's write lock
(BEGIN IMMEDIATE) and, on PostgreSQL, a transaction-level advisory lock."""
from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import time
from dataclasses import dataclass

from peewee import CharField, DateTimeField, Model, OperationalError, PostgresqlDatabase, SqliteDatabase
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator

from . import migrations
from .db import write_lock

TABLE = "schema_migrations"
# Any fixed number: names the lock among other applications' advisory locks on the same server.
ADVISORY_LOCK = 0x504F50  # "POP"
LOCK_PATIENCE = 120  # seconds a starting worker waits for another one's upgrade (SQLite)


@dataclass(frozen=True)
class Migration:
    name: str  # m0001_release_0_1
    doc: str
    release: str = ""  # the module's RELEASE: the version of POP that brought it (pop/version.py)

    @property
    def module(self):
        return importlib.import_module(f"{migrations.__name__}.{self.name}")


def known() -> list[Migration]:
    names = sorted(m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name[:1] == "m"
                   and m.name[1:5].isdigit())
    found = []
    for name in names:
        module = importlib.import_module(f"{migrations.__name__}.{name}")
        doc = (module.__doc__ or "").strip()
        found.append(Migration(name, doc.splitlines()[0] if doc else "", getattr(module, "RELEASE", "")))
    return found


def _record_model(db):
    class SchemaMigration(Model):
        name = CharField(max_length=100, primary_key=True)
        applied_at = DateTimeField()

        class Meta:
            database = db
            table_name = TABLE

    return SchemaMigration


def _unwrap(db):
    return db.obj if hasattr(db, "obj") else db  # the DatabaseProxy of pop.db


def migrator_for(db):
    db = _unwrap(db)
    if isinstance(db, PostgresqlDatabase):
        return PostgresqlMigrator(db)
    if isinstance(db, SqliteDatabase):
        return SqliteMigrator(db)
    raise RuntimeError(f"Geen migraties voor dit soort database: {type(db).__name__}")


def applied(db) -> dict[str, dt.datetime]:
    """Migrations recorded in this database ({} for a database from before the first migration)."""
    db = _unwrap(db)
    if not db.table_exists(TABLE):
        return {}
    record = _record_model(db)
    return {r.name: r.applied_at for r in record.select()}


def pending(db) -> list[Migration]:
    done = applied(db)
    return [m for m in known() if m.name not in done]


def upgrade(db) -> list[str]:
    """Apply what is pending; returns the names applied (none when the database is up to date)."""
    db = _unwrap(db)
    if not pending(db):  # the common case at every start: no lock taken
        return []
    started = time.monotonic()
    while True:
        try:
            return _upgrade_locked(db)
        except OperationalError as exc:
            # Another worker holds the write lock longer than SQLite's busy timeout: its upgrade
            # is running. Wait for it; when it ends, nothing will be pending any more.
            if "locked" not in str(exc) or time.monotonic() - started > LOCK_PATIENCE:
                raise
            time.sleep(0.2)


def _upgrade_locked(db) -> list[str]:
    if not isinstance(db, SqliteDatabase):
        return _apply_pending(db)
    # SQLite changes a column's constraints by rebuilding its table, and dropping the old table with
    # foreign keys on runs its ON DELETE CASCADE: a plan rebuilt that way took every answer with it.
    # SQLite's own procedure: foreign keys off outside the transaction, check them before commit.
    db.execute_sql("PRAGMA foreign_keys=OFF")
    # The same rebuild renames the new table to the old name; SQLite (3.26 and later) then checks every
    # trigger of the schema, and m0024's trigger on person, which writes the plan table, fails for the
    # moment plan is gone. The legacy rename leaves triggers alone; restore() below puts back those of
    # the rebuilt table, which SQLite dropped with it. (It also leaves other tables' foreign keys naming
    # a renamed table as they were: a migration that renames a table, which none does yet, repoints
    # them itself; the foreign key check below fails the upgrade otherwise, if rows refer to it.)
    db.execute_sql("PRAGMA legacy_alter_table=ON")
    try:
        return _apply_pending(db, check_foreign_keys=True)
    finally:
        db.execute_sql("PRAGMA legacy_alter_table=OFF")
        db.execute_sql("PRAGMA foreign_keys=ON")


def _apply_pending(db, check_foreign_keys=False) -> list[str]:
    record = _record_model(db)
    done = []
    with write_lock(db):
        if isinstance(db, PostgresqlDatabase):
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK,))
        db.create_tables([record], safe=True)
        already = {r.name for r in record.select()}  # read again under the lock
        migrator = migrator_for(db)
        for migration in known():
            if migration.name in already:
                continue
            migration.module.upgrade(db, migrator)
            record.create(name=migration.name, applied_at=dt.datetime.now().replace(microsecond=0))
            done.append(migration.name)
        if check_foreign_keys and done:
            # A table rebuilt by a later migration lost its triggers: each migration that made some
            # puts them back (restore(), idempotent), in the upgrade's transaction.
            for migration in known():
                restore = getattr(migration.module, "restore", None)
                if restore is not None:
                    restore(db)
        if check_foreign_keys:
            broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
            if broken:  # raised inside the transaction: nothing of the upgrade is kept
                raise RuntimeError(f"Migratie laat verwijzingen zonder doel achter: {broken[:5]}")
    return done
