"""Forms for leaving and keeping: HR's confirmation of an erasure, and HR's settings for log-in and
retention (/instellingen/inloggen-en-bewaren). The rules are in pop/retention.py and pop/settings.py."""
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from pop.retention import MAX_MONTHS, MIN_MONTHS

from .web import DutchForm

MONTHS_MESSAGE = f"Vul een heel aantal maanden in, van {MIN_MONTHS} tot en met {MAX_MONTHS}."


class EraseForm(DutchForm):
    confirmation = StringField(
        "Typ ter bevestiging de naam of het e-mailadres van deze persoon",
        validators=[DataRequired("Typ de naam of het e-mailadres om te bevestigen."), Length(max=300)])


class LoginRetentionForm(DutchForm):
    create_unknown = BooleanField("Onbekende mensen aanmaken bij hun eerste log-in via de directory of "
                                  "single sign-on",
                                  description="Uit: wie nog niet in POP staat, krijgt bij de eerste "
                                              "log-in een melding, en HR voegt mensen zelf toe. Aan: POP "
                                              "maakt de persoon aan als medewerker, zonder "
                                              "leidinggevende; HR vindt die dan onder Mensen.")
    # Text, not an IntegerField: what was typed ("twee jaar", "24,5") stays in the box beside the
    # message, and the message is ours.
    retention_months = StringField("Bewaartermijn na vertrek (maanden)",
                                   description=f"Van {MIN_MONTHS} tot en met {MAX_MONTHS}; standaard 24. "
                                               "Na deze termijn wist POP de plannen en antwoorden van wie "
                                               "vertrokken is.")

    def validate_retention_months(self, field):
        if self.months() is None:
            raise ValidationError(MONTHS_MESSAGE)

    def months(self) -> int | None:
        """The months typed, when a whole number of 6..120 (a few digits: int() of a long string of
        digits is refused by Python itself)."""
        text = (self.retention_months.data or "").strip()
        if len(text) <= 3 and text.isascii() and text.isdigit() and MIN_MONTHS <= int(text) <= MAX_MONTHS:
            return int(text)
        return None
