"""The database's history, one module per change: mNNNN_<what>.py with upgrade(db, migrator).

A migration is written once and never edited after it has been released: it describes the schema as
it was at that moment (its own frozen models, not pop.models, which move on). pop.schema applies the
pending ones in order, each recorded in the schema_migrations table."""
