"""The security log: failed and throttled log-ins, passwords, invitations, roles, managers, imports and
templates (pop/security_log.py). A new table only; it starts empty (what happened before was not
recorded, and inventing lines for it would make the log say something untrue)."""
import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, Model

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

    class SecurityEvent(Base):
        created_at = DateTimeField(default=_now, index=True)
        kind = CharField(max_length=40, index=True)
        actor = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        actor_name = CharField(max_length=255, default="")
        subject = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        subject_name = CharField(max_length=255, default="")
        address = CharField(max_length=100, default="")
        detail = CharField(max_length=500, default="")

        class Meta:
            table_name = "securityevent"

    db.create_tables([SecurityEvent], safe=True)
