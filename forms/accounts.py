"""Forms for logging in, managing people and starting a plan."""
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, EmailField, PasswordField, RadioField, SelectField, SelectMultipleField,
                     StringField)
from wtforms.validators import DataRequired, Length, Optional, Regexp, StopValidation, ValidationError
from wtforms.fields import Label
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from pop.people import EMAIL, ONE_LINE, control_characters

from .web import DutchForm

REQUIRED = "Dit veld is verplicht."


class LoginForm(DutchForm):
    # Named email for what it holds without a directory; with one also a user name (login_form).
    email = EmailField("E-mailadres", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Wachtwoord", validators=[DataRequired(REQUIRED)])


def login_form(directory: bool) -> LoginForm:
    """The log-in form; with the directory (pop.directory) its first field takes an e-mail address or a
    user name, so it is a text field (a browser would refuse "jdevries" in an e-mail field)."""
    form = LoginForm()
    if directory:
        form.email.label = Label(form.email.id, "E-mailadres of gebruikersnaam")
        form.email.widget = TextInput()
    return form


def one_line(form, field):
    """No line break, tab or invisible character (pop.people.control_characters), next to the field."""
    if control_characters(field.data or ""):
        raise StopValidation(ONE_LINE)  # the one thing to fix; "not a valid address" would mislead


class PersonForm(DutchForm):
    voornaam = StringField("Voornaam", validators=[one_line, DataRequired(REQUIRED), Length(max=100)])
    tussenvoegsel = StringField("Tussenvoegsel", validators=[one_line, Optional(), Length(max=30)])
    achternaam = StringField("Achternaam", validators=[one_line, DataRequired(REQUIRED), Length(max=100)])
    # The same plain pattern as pop.people (also used by the command line) rather than wtforms'
    # Email(), which needs the email_validator package.
    email = EmailField("E-mailadres", validators=[
        one_line, DataRequired(REQUIRED), Regexp(EMAIL, message="Dit is geen geldig e-mailadres."),
        Length(max=254)])
    functie = StringField("Functie", validators=[one_line, Optional(), Length(max=150)])
    # One of HR's departments (pop/departments.py): a typo can no longer make a second one.
    afdeling = SelectField("Afdeling", validate_choice=True, default="")
    # The HR system's number: what a re-import of its export matches people by (pop.importing).
    personeelsnummer = StringField("Personeelsnummer", validators=[one_line, Optional(), Length(max=50)])
    manager = SelectField("Leidinggevende", coerce=int, validate_choice=True)
    role = SelectField("Rol")
    active = BooleanField("Actief (kan inloggen)", default=True)
    password = PasswordField("Nieuw wachtwoord", validators=[
        Optional(), Length(min=8, message="Een wachtwoord heeft minstens 8 tekens.")],
        description="Leeg laten om het wachtwoord niet te wijzigen.")
    # A new person only (people/edit.html): they choose their password through a mailed link.
    invite = BooleanField("Uitnodiging sturen: de persoon kiest zelf een wachtwoord", default=True)


class NewPlanForm(DutchForm):
    employee = SelectField("Medewerker", coerce=int, validate_choice=True)
    # The choices are the forms the organisation uses (pop.organisation); a form posted that it does not
    # use (switched off meanwhile, or typed into the request) is refused by validate_form_key with its
    # own message rather than WTForms' "not a valid choice".
    form_key = SelectField("Formulier", validate_choice=False)
    period = StringField("Periode", validators=[
        DataRequired(REQUIRED), Length(max=30),
        Regexp(r"^[0-9A-Za-z /–-]+$", message="Gebruik cijfers, letters, spaties of een streepje, "
                                               "bijvoorbeeld 2026 of 2026-2027.")],
        description="Bijvoorbeeld 2026 of 2026-2027.")

    def validate_form_key(self, field):
        from pop.organisation import NOT_IN_USE, is_enabled

        if not is_enabled(field.data or ""):
            raise ValidationError(NOT_IN_USE)


class FormChoiceForm(DutchForm):
    """HR's choice of forms (/instellingen/formulieren); the rules are in pop.organisation."""

    enabled = SelectMultipleField("Formulieren die de organisatie gebruikt", validate_choice=False,
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    default = RadioField("Standaardformulier voor een nieuw POP", validate_choice=False)


class StatusForm(DutchForm):
    status = SelectField("Status")


class BulkExportForm(DutchForm):
    afdeling = SelectField("Afdeling", validate_choice=True)
    periode = SelectField("Periode", validate_choice=True)
    status = SelectField("Status", validate_choice=True)


class TemplateUploadForm(DutchForm):
    form_key = SelectField("Formulier")
    file = FileField("Sjabloon (.docx of .xlsx, hoogstens 10 MB)", validators=[
        FileRequired("Kies een bestand.")])
