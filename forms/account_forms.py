"""Forms of one's own account: choosing a password through a link, changing it, asking for a reset."""
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from pop.passwords import MIN_LENGTH, NOT_THE_SAME, TOO_SHORT
from pop.people import EMAIL

from .accounts import REQUIRED, one_line
from .web import DutchForm


def _new(label: str):
    return PasswordField(label, validators=[DataRequired(REQUIRED),
                                            Length(min=MIN_LENGTH, message=TOO_SHORT)],
                         description=f"Minstens {MIN_LENGTH} tekens. Een zin van een paar woorden is "
                                     "sterk en goed te onthouden.")


class SetPasswordForm(DutchForm):
    password = _new("Nieuw wachtwoord")
    password_again = PasswordField("Nieuw wachtwoord nogmaals", validators=[
        DataRequired(REQUIRED), EqualTo("password", message=NOT_THE_SAME)])


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField("Huidig wachtwoord", validators=[DataRequired(REQUIRED)])


class ForgotForm(DutchForm):
    email = EmailField("E-mailadres", validators=[
        one_line, DataRequired(REQUIRED), Regexp(EMAIL, message="Dit is geen geldig e-mailadres."),
        Length(max=254)])
