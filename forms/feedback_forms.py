"""The forms of colleagues' feedback (pop/feedback.py): the employee asking a colleague, and the colleague's
answer, whose two boxes take their labels and limit from the form definition (forms.definition
.AskColleagues), so the questions are written in one place."""
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from pop.people import EMAIL

from .accounts import one_line
from .kinds import _strip_trailing, too_long_message
from .web import DutchForm

NOTHING_ANSWERED = "Vul ten minste één van de twee vragen in."


class AskForm(DutchForm):
    # Choices: 0 (nobody chosen) and the active people in POP but oneself, set by the view.
    colleague = SelectField("Collega in POP", coerce=int, validate_choice=True)
    name = StringField("Naam", validators=[one_line, Optional(), Length(max=200)])
    email = EmailField("E-mailadres", validators=[
        one_line, Optional(), Regexp(EMAIL, message="Dit is geen geldig e-mailadres."), Length(max=254)])


class AnswerForm(DutchForm):
    sterk = TextAreaField(filters=[_strip_trailing])
    verbeteren = TextAreaField(filters=[_strip_trailing])

    def __init__(self, asking, *args, **kwargs):
        """asking: the form definition's AskColleagues, whose questions label the boxes."""
        super().__init__(*args, **kwargs)
        self.asking = asking
        self.sterk.label.text, self.verbeteren.label.text = asking.questions

    @property
    def boxes(self):
        return (self.sterk, self.verbeteren)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for box in self.boxes:
            typed = len(box.data or "")
            if typed > self.asking.max_length:
                box.errors.append(too_long_message(self.asking.max_length, typed))
                valid = False
        if not self.csrf_token.errors and not any((box.data or "").strip() for box in self.boxes):
            self.sterk.errors.append(NOTHING_ANSWERED)
            valid = False
        return valid
