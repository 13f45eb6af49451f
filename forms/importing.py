"""Forms of the import of people (pop/views/people_import.py): the upload, the columns, the confirmation."""
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField

from pop.importing import FIELDS

from .kinds import choices

from .web import DutchForm


class ImportUploadForm(DutchForm):
    file = FileField("Export uit het HR-systeem (.csv of .xlsx, hoogstens 10 MB)",
                     validators=[FileRequired("Kies een bestand.")])


def mapping_form_class(columns: int):
    """One select per column of the file (kolom_0, kolom_1, ...). The file has at most
    pop.importing.MAX_COLUMNS columns, so the form stays far below the cap on posted fields."""
    attrs = {f"kolom_{i}": SelectField(f"Kolom {i + 1}", choices=choices(FIELDS.items()),
                                       validate_choice=True) for i in range(columns)}
    attrs["deactivate"] = BooleanField("Mensen die niet in het bestand staan deactiveren",
                                       description="Wie nu actief is en niet in het bestand staat, kan "
                                                   "daarna niet meer inloggen. Uzelf niet.")
    return type("MappingForm", (DutchForm,), attrs)


class ConfirmForm(DutchForm):
    digest = HiddenField()
