"""HR manages the people: who exists, their role, department and manager, and their password."""
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from peewee import JOIN

from forms.kinds import choices
from forms.accounts import PersonForm
from forms.retention import EraseForm

from .. import passwords
from ..access import is_hr
from ..listing import Sort, paginate, search, search_text, search_words
from ..models import ROLES, Person
from ..people import departments, save_person
from .. import manager_order, retention

bp = Blueprint("people", __name__, url_prefix="/mensen")


def hr_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_hr(current_user):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


# The people list's columns (pop/listing.py); the manager is joined in, as MANAGER.
MANAGER = Person.alias("leidinggevende")
PEOPLE_SORTS = [
    Sort("naam", "Naam", (Person.achternaam, Person.voornaam)),
    Sort("email", "E-mailadres", (Person.email,)),
    Sort("functie", "Functie", (Person.functie,), (Person.achternaam, Person.voornaam)),
    Sort("afdeling", "Afdeling", (Person.afdeling,), (Person.achternaam, Person.voornaam)),
    Sort("leidinggevende", "Leidinggevende", (MANAGER.achternaam, MANAGER.voornaam),
         (Person.achternaam, Person.voornaam), empty_last=True),
    Sort("rol", "Rol", (Person.role,), (Person.achternaam, Person.voornaam)),
    Sort("personeelsnummer", "Personeelsnummer", (Person.personeelsnummer,), empty_last=True),
]


@bp.route("/")
@hr_required
def index():
    query = (Person.select(Person, MANAGER)
             .join(MANAGER, JOIN.LEFT_OUTER, on=(Person.manager == MANAGER.id)))
    # By manager, the whole list: a page of it without sorting everyone (pop/manager_order.py).
    runs = (manager_order.Runs() if request.args.get("sorteer") == "leidinggevende"
            and not search_words(request.args.get("zoek")) else None)
    page = paginate(search(query, request.args.get("zoek")), request.args, PEOPLE_SORTS, "naam",
                    (Person.id,), url_for("people.index"), total=runs.total if runs else None,
                    walks={"leidinggevende": runs.page} if runs else None)
    return render_template("people/index.html", page=page, search=search_text(request.args),
                           **_password_context())


def _password_context() -> dict:
    """Whether the pages offer POP's own passwords and invitations, and what they say when not."""
    config = current_app.config
    on = passwords.local_passwords(config)
    return dict(local_passwords=on, passwords_off=passwords.off_text_hr(config) if not on else "",
                login_way=passwords.login_way(config, own=False))


def _person_form(person: Person | None) -> PersonForm:
    form = PersonForm(obj=person) if request.method == "GET" and person else PersonForm()
    others = Person.select().where(Person.active == True)  # noqa: E712
    if person:
        others = others.where(Person.id != person.id)
    # Managers first, then everyone else, each as "Achternaam, Voornaam" so the order is visible.
    ordered = sorted(others, key=lambda p: (p.role == "medewerker", p.achternaam.lower(), p.voornaam))
    form.manager.choices = choices([(0, "— geen —")] + [(p.id, _sort_name(p)) for p in ordered])
    form.role.choices = choices(ROLES.items())
    form.afdeling.choices = choices([("", "— geen —")] + [(d, d) for d in departments()])
    if not passwords.local_passwords(current_app.config):
        # Nothing to set or send: the directory or single sign-on logs people in.
        del form.password
        del form.invite
    elif person is None:
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
    if person is not None and person.erased_at is not None:
        # Only the row is left, for the lines that point to it: nothing to change, nobody to reactivate.
        return render_template("people/erased.html", person=person), 409 if request.method == "POST" else 200
    form = _person_form(person)
    if form.validate_on_submit():
        local = passwords.local_passwords(current_app.config)
        errors = save_person(person, form.data, actor=current_user, local_passwords=local)
        if not errors and person is None and local and form.invite.data and not form.password.data:
            from .account import invitation_sent  # imports this module
            flash("Opgeslagen.", "success")
            return invitation_sent(Person.get(Person.email == form.email.data.strip().lower()))
        if not errors:
            flash("Opgeslagen.", "success")
            return redirect(url_for("people.index"))
        for name, message in errors.items():
            form[name].errors.append(message)
    return render_template("people/edit.html", form=form, person=person,
                           **_password_context()), 422 if form.errors else 200


@bp.route("/<int:person_id>/wissen", methods=["GET", "POST"])
@hr_required
def erase(person_id: int):
    """HR erases a leaver's data on their request (AVG art. 17): a page that names what will go and what
    stays, and asks for the name or e-mail address typed; then pop.retention.erase."""
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        abort(404)
    if person.erased_at is not None:
        return redirect(url_for("people.edit", person_id=person.id))
    form = EraseForm()
    problem = retention.refusal(person, current_user)
    if not problem and form.validate_on_submit():
        if not retention.confirms(person, form.confirmation.data):
            form.confirmation.errors.append("Dit is niet de naam of het e-mailadres van deze persoon. "
                                            "Er is niets gewist.")
        else:
            try:
                found = retention.erase(person.id, current_user, retention.ON_REQUEST)
            except retention.NotErasable as exc:  # changed meanwhile (reactivated, erased by another)
                problem = str(exc)
            else:
                flash(f"De gegevens zijn gewist: {found.summary()}.", "success")
                return redirect(url_for("people.edit", person_id=person.id))
    status = 200 if request.method == "GET" else 409 if problem else 422
    return render_template("people/erase.html", person=person, form=form, problem=problem,
                           found=retention.inventory(person), months=retention.retention_months(),
                           leaver=retention.leaver(person)), status
