"""HR's list of departments (/afdelingen): add, rename, merge into another, remove an empty one. The
rules are in pop/departments.py; a merge first shows how many people move and asks to confirm."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.departments import DepartmentForm, MergeForm, RemoveForm
from forms.kinds import choices

from .. import departments
from ..models import Department
from .people import hr_required

bp = Blueprint("departments", __name__, url_prefix="/afdelingen")


def _department(department_id: int) -> Department:
    found = Department.get_or_none(Department.id == department_id)
    if found is None:
        abort(404)
    return found


@bp.route("/", methods=["GET", "POST"])
@hr_required
def index():
    form = DepartmentForm()
    if form.validate_on_submit():
        errors = departments.add(form.name.data or "")
        if not errors:
            flash(f"Afdeling ‘{departments.clean(form.name.data)}’ toegevoegd.", "success")
            return redirect(url_for("departments.index"))
        form.name.errors.append(errors["name"])
    return render_template("departments/index.html", form=form, listed=departments.listed(),
                           remove_form=RemoveForm()), 422 if form.errors else 200


def _merge_form(department: Department) -> MergeForm:
    form = MergeForm()
    form.target.choices = choices([(0, "— kies een afdeling —")] + [
        (d.id, d.name) for d, _ in departments.listed() if d.id != department.id])
    return form


@bp.route("/<int:department_id>", methods=["GET", "POST"])
@hr_required
def edit(department_id: int):
    department = _department(department_id)
    form = DepartmentForm(name=department.name) if request.method == "GET" else DepartmentForm()
    if form.validate_on_submit():
        old = department.name
        errors = departments.rename(department, form.name.data or "", current_user)
        if not errors:
            flash(f"‘{old}’ heet nu ‘{department.name}’." if old != department.name else "Opgeslagen.",
                  "success")
            return redirect(url_for("departments.index"))
        form.name.errors.append(errors["name"])
    return _edit_page(department, form, _merge_form(department)), 422 if form.errors else 200


def _edit_page(department, form, merge_form, confirm=None):
    return render_template("departments/edit.html", department=department, form=form, merge_form=merge_form,
                           people=departments.people_in(department), confirm=confirm,
                           remove_form=RemoveForm())


@bp.route("/<int:department_id>/samenvoegen", methods=["POST"])
@hr_required
def merge(department_id: int):
    department = _department(department_id)
    merge_form = _merge_form(department)
    form = DepartmentForm(formdata=None, name=department.name)
    if not merge_form.validate_on_submit() or not merge_form.target.data:
        if not merge_form.target.errors:
            merge_form.target.errors.append("Kies de afdeling waarin deze opgaat.")
        return _edit_page(department, form, merge_form), 422
    target = _department(merge_form.target.data)
    people = departments.people_in(department)
    if merge_form.confirmed.data != f"{target.id}:{people}":
        # The confirmation names the count it was shown: had someone joined meanwhile, ask again.
        merge_form.confirmed.data = f"{target.id}:{people}"
        return _edit_page(department, form, merge_form, confirm=(target, people))
    moved = departments.merge(department, target, current_user)
    flash(f"‘{department.name}’ is opgegaan in ‘{target.name}’: {moved} "
          f"{'persoon' if moved == 1 else 'personen'} verplaatst.", "success")
    return redirect(url_for("departments.index"))


@bp.route("/<int:department_id>/verwijderen", methods=["POST"])
@hr_required
def remove(department_id: int):
    department = _department(department_id)
    form = RemoveForm()
    if not form.validate_on_submit():
        abort(400)
    problem = departments.remove(department)
    if problem:
        flash(problem, "error")
        return redirect(url_for("departments.edit", department_id=department.id))
    flash(f"Afdeling ‘{department.name}’ verwijderd.", "success")
    return redirect(url_for("departments.index"))
