"""The organisation's choices: the forms in use and the default (formsetting), the performance/potential
matrix (placement) and the development budgets (budget).

New tables only: nothing existing changes. With no formsetting rows every form stays in use with the
default form as before; nobody is placed and nobody has a budget until a manager or HR says so."""
import datetime as dt

from peewee import BooleanField, CharField, DateTimeField, DecimalField, ForeignKeyField, Model

RELEASE = "0.2.0"


def _now():
    return dt.datetime.now().replace(microsecond=0)


def upgrade(db, migrator):
    class Base(Model):
        class Meta:
            database = db

    class Person(Base):  # only what the foreign keys need
        class Meta:
            table_name = "person"

    class FormSetting(Base):
        form_key = CharField(max_length=50, unique=True)
        enabled = BooleanField(default=True)
        is_default = BooleanField(default=False)
        changed_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        changed_at = DateTimeField(default=_now)

        class Meta:
            table_name = "formsetting"

    class Placement(Base):
        person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        period = CharField(max_length=30)
        prestaties = CharField(max_length=4)
        potentie = CharField(max_length=4)
        placed_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        placed_at = DateTimeField(default=_now)

        class Meta:
            table_name = "placement"
            indexes = ((("person", "period"), True),)

    class Budget(Base):
        person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        year = CharField(max_length=30)
        euro = DecimalField(max_digits=9, decimal_places=2, null=True, auto_round=True)
        uren = DecimalField(max_digits=9, decimal_places=2, null=True, auto_round=True)
        set_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        set_at = DateTimeField(default=_now)

        class Meta:
            table_name = "budget"
            indexes = ((("person", "year"), True),)

    db.create_tables([FormSetting, Placement, Budget], safe=True)
