"""The audit log: who created, changed, shared, signed, adjusted, viewed and downloaded which plan.

A new table only; existing plans start with an empty log (what happened before was not recorded, and
inventing entries for it would make the log say something untrue)."""
import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, Model

RELEASE = "0.2.0"


def _now():
    return dt.datetime.now().replace(microsecond=0)


def upgrade(db, migrator):
    class Base(Model):
        class Meta:
            database = db

    # Only what the foreign keys need of the tables they point to.
    class Person(Base):
        class Meta:
            table_name = "person"

    class Plan(Base):
        class Meta:
            table_name = "plan"

    class AuditEntry(Base):
        plan = ForeignKeyField(Plan, on_delete="CASCADE")
        person = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        person_name = CharField(max_length=255, default="")
        action = CharField(max_length=30)
        detail = CharField(max_length=300, default="")
        created_at = DateTimeField(default=_now)

        class Meta:
            table_name = "auditentry"
            indexes = ((("plan", "created_at"), False),)

    db.create_tables([AuditEntry], safe=True)
