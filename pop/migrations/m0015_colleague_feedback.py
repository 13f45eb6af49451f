"""Feedback from colleagues (seed 003, Fase I): the feedbackrequest table, one row per colleague asked.
A new table only; it starts empty."""
import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField

RELEASE = "0.2.0"


def _now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def upgrade(db, migrator):
    class Base(Model):
        class Meta:
            database = db

    class Person(Base):  # only what the foreign keys need
        class Meta:
            table_name = "person"

    class Plan(Base):
        class Meta:
            table_name = "plan"

    class FeedbackRequest(Base):
        plan = ForeignKeyField(Plan, backref="+", on_delete="CASCADE")
        colleague = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        colleague_name = CharField(max_length=255)
        email = CharField(max_length=254)
        token_hash = CharField(max_length=64, null=True, unique=True)
        created_at = DateTimeField(default=_now)
        expires_at = DateTimeField(index=True)
        answered_at = DateTimeField(null=True)
        sterk = TextField(default="")
        verbeteren = TextField(default="")
        shared_at = DateTimeField(null=True)
        reminded_at = DateTimeField(null=True)

        class Meta:
            table_name = "feedbackrequest"

    db.create_tables([FeedbackRequest], safe=True)
