"""Account tokens: the one-time links that set a password (HR's invitation, a forgotten password;
pop/passwords.py). A new table only: nothing existing changes. (m0011 is the people import's.)"""
import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, Model

RELEASE = "0.2.0"


def _now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def upgrade(db, migrator):
    class Base(Model):
        class Meta:
            database = db

    class Person(Base):  # only what the foreign key needs
        class Meta:
            table_name = "person"

    class AccountToken(Base):
        token_hash = CharField(max_length=64, unique=True)
        purpose = CharField(max_length=20)
        person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        created_at = DateTimeField(default=_now)
        expires_at = DateTimeField(index=True)
        used_at = DateTimeField(null=True)

        class Meta:
            table_name = "accounttoken"

    db.create_tables([AccountToken], safe=True)
