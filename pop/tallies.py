"""HR's running totals, read from the tallies the database keeps (pop/migrations/m0026_tallies.py): the
plans per period, department and state with their planned costs, the plans per form and progress, the
people per department, the budgets per year and department.

A tally is rows of (key, values) that its triggers only ever add to, +1 for a row that came and -1 for one
that went; a figure is the sum per key. sums() adds them up, and when a tally has grown by more than
FOLD_AFTER rows beyond one per key it folds them (fold()): in one transaction the rows read are replaced by
their sums, so the next read reads one row per key again. Folding changes no sum, so a fold that cannot
take the write lock at once is left for the next reader.

On PostgreSQL the fold is one statement (DELETE ... RETURNING into the INSERT of the sums), which reads and
deletes exactly the rows of one snapshot: a row a concurrent change adds meanwhile is neither summed nor
deleted, and stays for the next fold. A transaction-scoped advisory lock lets one fold at a time run; the
others skip it. On SQLite writes are one at a time: the fold holds the write lock (BEGIN IMMEDIATE) and
replaces the rows up to the last one it read."""
from __future__ import annotations

import logging
import zlib
from decimal import Decimal

from peewee import OperationalError, PostgresqlDatabase

from .db import database, write_lock
from .migrations.m0026_tallies import BY_TABLE, TALLIES, Tally  # noqa: F401 (TALLIES: for callers)

FOLD_AFTER = 500  # rows beyond one per key before a reader folds the tally
CENT = Decimal("0.01")

log = logging.getLogger(__name__)


def sums(table: str, **where) -> list[tuple]:
    """(key..., value sum...) per key of the tally whose keys match `where` (column=value), the keys whose
    values all add up to nothing left out (a department whose last plan went)."""
    tally = BY_TABLE[table]
    keys, values = list(tally.keys), list(tally.values)
    unknown = set(where) - set(keys)
    if unknown:
        raise ValueError(f"{table} has no key {unknown}")
    condition = " AND ".join(f"{k} = {database.obj.param}" for k in where)
    sql = (f"SELECT {', '.join(keys)}, {', '.join(f'SUM({v})' for v in values)}, COUNT(*) FROM {table}"
           + (f" WHERE {condition}" if condition else "") + f" GROUP BY {', '.join(keys)}")
    rows = database.execute_sql(sql, tuple(where.values())).fetchall()
    if sum(r[-1] for r in rows) > len(rows) + FOLD_AFTER:
        fold(tally)
    width = len(keys) + len(values)
    return [tuple(r[:len(keys)]) + tuple(int(v) for v in r[len(keys):width])
            for r in rows if any(r[len(keys):width])]


def in_euros(value_cents: int) -> Decimal:
    return (Decimal(value_cents) / 100).quantize(CENT)


def fold(tally: Tally) -> bool:
    """The tally's rows replaced by one per key (their sums); the keys that add up to nothing dropped.
    False when another writer holds the lock: the rows stay as they are, their sums the same."""
    keys, values = ", ".join(tally.keys), list(tally.values)
    summed = ", ".join(f"SUM({v})" for v in values)
    something = " OR ".join(f"SUM({v}) <> 0" for v in values)
    columns = ", ".join(tally.columns)
    db = database.obj
    try:
        with write_lock():
            if isinstance(db, PostgresqlDatabase):
                lock = zlib.crc32(tally.table.encode())
                if not db.execute_sql("SELECT pg_try_advisory_xact_lock(%s)", (lock,)).fetchone()[0]:
                    return False
                db.execute_sql(f"WITH gone AS (DELETE FROM {tally.table} RETURNING {columns}) "
                               f"INSERT INTO {tally.table} ({columns}) SELECT {keys}, {summed} FROM gone "
                               f"GROUP BY {keys} HAVING {something}")
            else:
                last = db.execute_sql(f"SELECT MAX(rowid) FROM {tally.table}").fetchone()[0]
                if last is None:
                    return True
                db.execute_sql(f"INSERT INTO {tally.table} ({columns}) SELECT {keys}, {summed} FROM {tally.table} "
                               f"WHERE rowid <= ? GROUP BY {keys} HAVING {something}", (last,))
                db.execute_sql(f"DELETE FROM {tally.table} WHERE rowid <= ?", (last,))
        return True
    except OperationalError as error:  # SQLite: busy past the timeout; the sums hold as they are
        log.info("tally %s not folded: %s", tally.table, error)
        return False
