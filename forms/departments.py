"""HR's forms for the departments list (pop/departments.py checks the names; its messages go next to the
field, with the name typed kept)."""
from wtforms import HiddenField, SelectField, StringField

from .web import DutchForm


class DepartmentForm(DutchForm):
    """Adding one, or renaming one."""

    name = StringField("Naam van de afdeling")


class MergeForm(DutchForm):
    """Moving everyone of one department into another; confirmed on a second page naming how many."""

    target = SelectField("Samenvoegen met", coerce=int, validate_choice=True)
    confirmed = HiddenField()


class RemoveForm(DutchForm):
    pass
