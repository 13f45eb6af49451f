"""The schema of release 0.1, the last one without migrations.

A database made by 0.1 already has these tables (created with peewee's create_tables), so for it this
migration only records itself. For databases made by earlier checkouts it also adds any column they
lack, with the column's default, so they join the history at the same point."""
import datetime as dt

from peewee import (BlobField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField,
                    Model, TextField)

RELEASE = "0.1.0"  # the schema of release 0.1, the last without migrations


def _now():
    return dt.datetime.now().replace(microsecond=0)


def frozen_models(db):
    class Base(Model):
        class Meta:
            database = db

    class Person(Base):
        voornaam = CharField(max_length=100)
        tussenvoegsel = CharField(max_length=30, default="")
        achternaam = CharField(max_length=100)
        email = CharField(max_length=254, unique=True)
        password_hash = CharField(max_length=255, default="")
        functie = CharField(max_length=150, default="")
        afdeling = CharField(max_length=150, default="")
        manager = ForeignKeyField("self", null=True, backref="reports", on_delete="SET NULL")
        role = CharField(max_length=20, default="medewerker")
        active = BooleanField(default=True)
        created_at = DateTimeField(default=_now)
        session_version = IntegerField(default=0)
        failed_logins = IntegerField(default=0)
        locked_until = DateTimeField(null=True)

    class Plan(Base):
        employee = ForeignKeyField(Person, backref="plans", on_delete="CASCADE")
        manager = ForeignKeyField(Person, null=True, backref="managed_plans", on_delete="SET NULL")
        form_key = CharField(max_length=50)
        period = CharField(max_length=30)
        status = CharField(max_length=20, default="concept")
        created_at = DateTimeField(default=_now)
        updated_at = DateTimeField(default=_now)

    class Answer(Base):
        plan = ForeignKeyField(Plan, backref="answers", on_delete="CASCADE")
        field = CharField(max_length=60)
        row = IntegerField(default=0)
        column = CharField(max_length=60, default="")
        value = TextField()

        class Meta:
            indexes = ((("plan", "field", "row", "column"), True),)

    class ExportTemplate(Base):
        form_key = CharField(max_length=50)
        format = CharField(max_length=4)
        name = CharField(max_length=200)
        data = BlobField()
        sha256 = CharField(max_length=64)
        active = BooleanField(default=False)
        uploaded_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        uploaded_at = DateTimeField(default=_now)

    class ExportJob(Base):
        requested_by = ForeignKeyField(Person, on_delete="CASCADE")
        description = CharField(max_length=300, default="")
        status = CharField(max_length=10, default="wacht")
        done = IntegerField(default=0)
        total = IntegerField(default=0)
        path = CharField(max_length=500, default="")
        error = TextField(default="")
        created_at = DateTimeField(default=_now)
        finished_at = DateTimeField(null=True)

    return [Person, Plan, Answer, ExportTemplate, ExportJob]


def upgrade(db, migrator):
    models = frozen_models(db)
    db.create_tables(models, safe=True)
    for model in models:
        present = {c.name for c in db.get_columns(model._meta.table_name)}
        for field in model._meta.sorted_fields:
            if field.column_name not in present:
                migrator.add_column(model._meta.table_name, field.column_name, field).run()
