"""An uploaded template keeps its upload report and preview. Two nullable columns: templates uploaded
before keep working, and their report is made when HR first opens it."""
from peewee import BlobField, TextField

RELEASE = "0.2.0"


def upgrade(db, migrator):
    migrator.add_column("exporttemplate", "report", TextField(null=True)).run()
    migrator.add_column("exporttemplate", "preview", BlobField(null=True)).run()
