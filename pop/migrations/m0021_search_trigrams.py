"""The search of HR's lists with an index, on PostgreSQL: a trigram index (pg_trgm, GIN) on the text the
search reads (pop/listing.py searched_text: first name, tussenvoegsel, surname, e-mail address and
personeelsnummer joined by spaces), so "contains this word, any case" (ILIKE '%word%') is found through
the index instead of by reading every person: 1 ms against 25 at 10,000 people. One index on the joined
text, not one per column: with five, PostgreSQL's planner read the whole table rather than combine
them. Words of fewer than three letters have no trigram; the other words of the search narrow through
the index, or a one-word search of one or two letters reads the table as before.

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
INDEX = "person_search_trgm"
# The expression pop/listing.py searched_text() builds, as PostgreSQL must find it to use the index.
SEARCHED_TEXT = ('"voornaam" || \' \' || "tussenvoegsel" || \' \' || "achternaam" || \' \' || "email" || \' \' '
                 '|| COALESCE("personeelsnummer", \'\')')
log = logging.getLogger("pop.schema")


def upgrade(db, migrator):
    if not isinstance(db, PostgresqlDatabase):
        return
    if not _has_trigrams(db):
        return
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "person" USING gin (({SEARCHED_TEXT}) gin_trgm_ops)')


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
