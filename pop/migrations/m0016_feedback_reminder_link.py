"""Feedback from colleagues: feedbackrequest.reminder_token_hash, the SHA-256 of the link a reminder
mails to a colleague without an account. The reminder needs a link of its own, since only the first
link's hash is kept; both work until the request expires. A column that may be NULL: no row changes."""
from peewee import CharField

RELEASE = "0.2.0"


def upgrade(db, migrator):
    migrator.add_column("feedbackrequest", "reminder_token_hash",
                        CharField(max_length=64, null=True, unique=True)).run()
