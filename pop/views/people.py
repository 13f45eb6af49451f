"""HR manages the people: who exists, their role, department and manager, and their password."""
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.kinds import choices
from forms.accounts import PersonForm

from ..access import is_hr
from ..models import ROLES, Person
from ..people import departments, save_person

bp = Blueprint("people", __name__, url_prefix="/mensen")


def hr_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_hr(current_user):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


@bp.route("/")
@hr_required
def index():
    people = Person.select().order_by(Person.afdeling, Person.achternaam, Person.voornaam)
    return render_template("people/index.html", people=people)


def _person_form(person: Person | None) -> PersonForm:
    form = PersonForm(obj=person) if request.method == "GET" and person else PersonForm()
    others = Person.select().where(Person.active == True)  # noqa: E712
    if person:
        others = others.where(Person.id != person.id)
    # Managers first, then everyone else, each as "Achternaam, Voornaam" so the order is visible.
    ordered = sorted(others, key=lambda p: (p.role == "medewerker", p.achternaam.lower(), p.voornaam))
    form.manager.choices = choices([(0, "— geen —")] + [(p.id, _sort_name(p)) for p in ordered])
    form.role.choices = choices(ROLES.items())
    if person is None:
        # A new account needs a password, and the hint about leaving it empty does not apply.
        form.password.label.text = "Wachtwoord"
        form.password.description = ("Minstens 8 tekens. Alleen nodig zonder uitnodiging: geef het de "
                                     "persoon dan op een veilige manier door.")
    if request.method == "GET" and person:
        form.manager.data = person.manager_id or 0
    return form


def _sort_name(person: Person) -> str:
    first = " ".join(p for p in (person.voornaam, person.tussenvoegsel) if p)
    role = f" ({person.role_label})" if person.role != "medewerker" else ""
    return f"{person.achternaam}, {first}{role}"


@bp.route("/nieuw", methods=["GET", "POST"])
@bp.route("/<int:person_id>", methods=["GET", "POST"])
@hr_required
def edit(person_id: int | None = None):
    person = Person.get_or_none(Person.id == person_id) if person_id else None
    if person_id and person is None:
        abort(404)
    form = _person_form(person)
    if form.validate_on_submit():
        errors = save_person(person, form.data, actor=current_user)
        if not errors and person is None and form.invite.data and not form.password.data:
            from .account import invitation_sent  # imports this module
            flash("Opgeslagen.", "success")
            return invitation_sent(Person.get(Person.email == form.email.data.strip().lower()))
        if not errors:
            flash("Opgeslagen.", "success")
            return redirect(url_for("people.index"))
        for name, message in errors.items():
            form[name].errors.append(message)
    return render_template("people/edit.html", form=form, person=person,
                           departments=departments()), 422 if form.errors else 200
