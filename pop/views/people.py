"""HR manages the people: who exists, their role, department and manager, and their password."""
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.kinds import choices
from forms.accounts import PersonForm

from ..access import is_hr
from ..models import ROLES, Person
from ..people import save_person

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
    form.manager.choices = choices([(0, "— geen —")] + [(p.id, p.naam) for p in
                                                        others.order_by(Person.achternaam)])
    form.role.choices = choices(ROLES.items())
    if request.method == "GET" and person:
        form.manager.data = person.manager_id or 0
    return form


@bp.route("/nieuw", methods=["GET", "POST"])
@bp.route("/<int:person_id>", methods=["GET", "POST"])
@hr_required
def edit(person_id: int | None = None):
    person = Person.get_or_none(Person.id == person_id) if person_id else None
    if person_id and person is None:
        abort(404)
    form = _person_form(person)
    if form.validate_on_submit():
        errors = save_person(person, form.data)
        if not errors:
            flash("Opgeslagen.", "success")
            return redirect(url_for("people.index"))
        for name, message in errors.items():
            form[name].errors.append(message)
    return render_template("people/edit.html", form=form, person=person), 422 if form.errors else 200
