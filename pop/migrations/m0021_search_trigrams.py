"""The search of HR's lists with an index, on PostgreSQL: a trigram index (pg_trgm, GIN) on each column the
search reads (pop/listing.py person_matches: first name, tussenvoegsel, surname, e-mail address and
personeelsnummer), so "contains this word, any case" (ILIKE '%word%') is found through the indexes
instead of by reading every person. The search's queries stay as they are: PostgreSQL combines the
indexes of the columns (a bitmap OR per word, AND between words). Words of fewer than three letters have
no trigram; the other words of the search narrow through the index, or a one-word search of one or two
letters reads the table as before.

The extension has to exist in the database. Since PostgreSQL 13 pg_trgm is a trusted extension, which
the database's owner (or anyone with CREATE on it) may create, so this migration tries
`CREATE EXTENSION IF NOT EXISTS pg_trgm`. When that is refused (the app's role lacks the right) or the
extension is not installed on the server (Debian: part of the postgresql package), nothing else
changes: the migration says so in the log and is done, and the search works as before, without the
index (the README's Operations section gives the statements an administrator runs to add it later).

On SQLite nothing changes: it has no index for a word inside a text (see pop/listing.py)."""
import logging

from peewee import DatabaseError, PostgresqlDatabase

RELEASE = "0.2.0"
COLUMNS = ("voornaam", "tussenvoegsel", "achternaam", "email", "personeelsnummer")
log = logging.getLogger("pop.schema")


def index_name(column: str) -> str:
    return f"person_{column}_trgm"


def upgrade(db, migrator):
    if not isinstance(db, PostgresqlDatabase):
        return
    if not _has_trigrams(db):
        return
    for column in COLUMNS:
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{index_name(column)}" ON "person" '
                       f'USING gin ("{column}" gin_trgm_ops)')


def _has_trigrams(db) -> bool:
    if db.execute_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone():
        return True
    try:
        with db.atomic():  # a savepoint: a refusal leaves the upgrade's own transaction usable
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as refused:
        log.warning("Zoeken zonder index: de extensie pg_trgm kon niet worden aangemaakt (%s). Zoeken werkt, "
                    "maar leest alle mensen; zie README, Operations.", str(refused).strip().splitlines()[0])
        return False
    return True
