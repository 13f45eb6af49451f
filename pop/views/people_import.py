"""HR imports people from an export of the HR system: upload, columns, preview, confirm
(the rules are in pop/importing.py). The file is kept in a PeopleImport row between the pages,
visible only to the HR account that uploaded it."""
import datetime as dt
import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import DatabaseError

from forms.importing import ConfirmForm, ImportUploadForm, mapping_form_class

from ..importing import (FIELDS, MAX_BYTES, Changed, ImportProblem, apply, make_plan, mapping_problems,
                         read_table, recognise)
from ..models import PeopleImport, now
from .people import hr_required

bp = Blueprint("people_import", __name__, url_prefix="/mensen/importeren")
KEPT = dt.timedelta(days=1)  # an upload nobody confirmed is removed at the next upload after this
SHOWN = 500  # rows listed per group on the preview; changes and refusals are always listed in full


@bp.route("/", methods=["GET", "POST"])
@hr_required
def upload():
    form = ImportUploadForm()
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.stream.read(MAX_BYTES + 1)
        try:
            read_table(data, storage.filename or "")
        except ImportProblem as problem:
            form.file.errors.append(str(problem))
        else:
            PeopleImport.delete().where(PeopleImport.uploaded_at < now() - KEPT).execute()
            kept = PeopleImport.create(name=(storage.filename or "bestand")[:200], data=data, mapping="",
                                       uploaded_by=current_user.id)
            return redirect(url_for(".columns", import_id=kept.id))
    return render_template("people/import.html", form=form), 422 if form.errors else 200


def _own(import_id: int):
    kept = PeopleImport.get_or_none((PeopleImport.id == import_id)
                                    & (PeopleImport.uploaded_by == current_user.id))
    if kept is None:
        abort(404)
    table = read_table(bytes(kept.data), kept.name)  # read at upload already: it reads
    mapping = json.loads(kept.mapping) if kept.mapping else recognise(table)
    return kept, table, mapping


@bp.route("/<int:import_id>/kolommen", methods=["GET", "POST"])
@hr_required
def columns(import_id: int):
    kept, table, mapping = _own(import_id)
    form = mapping_form_class(len(table.headers))(
        data={**{f"kolom_{i}": m for i, m in enumerate(mapping)}, "deactivate": kept.deactivate})
    whole = None
    if form.validate_on_submit():
        chosen = [form[f"kolom_{i}"].data for i in range(len(table.headers))]
        problems = mapping_problems(chosen)
        whole = problems.pop(-1, None)
        for index, message in problems.items():
            form[f"kolom_{index}"].errors.append(message)
        if not problems and not whole:
            kept.mapping = json.dumps(chosen)
            kept.deactivate = form.deactivate.data
            kept.save()
            return redirect(url_for(".preview", import_id=kept.id))
    samples = [[cells[i] for _, cells in table.rows[:3]] for i in range(len(table.headers))]
    return render_template("people/import_columns.html", form=form, kept=kept, table=table,
                           samples=samples, whole=whole), 422 if (form.errors or whole) else 200


@bp.route("/<int:import_id>/voorvertoning")
@hr_required
def preview(import_id: int):
    kept, table, mapping = _own(import_id)
    if not kept.mapping:
        return redirect(url_for(".columns", import_id=kept.id))
    plan = make_plan(table, mapping, kept.deactivate, current_user.id)
    form = ConfirmForm(data={"digest": plan.digest()})
    return render_template("people/import_preview.html", plan=plan, kept=kept, table=table, form=form,
                           fields=FIELDS, mapping=mapping, shown=SHOWN)


@bp.route("/<int:import_id>/bevestigen", methods=["POST"])
@hr_required
def confirm(import_id: int):
    kept, table, mapping = _own(import_id)
    form = ConfirmForm()
    if not form.validate_on_submit() or not kept.mapping:
        abort(400)
    try:
        plan = apply(table, mapping, kept.deactivate, current_user.id, form.digest.data or "")
    except Changed:
        flash("Er is intussen iets veranderd in POP of in de keuzes. Bekijk de voorvertoning opnieuw en "
              "bevestig dan.", "error")
        return redirect(url_for(".preview", import_id=kept.id))
    except DatabaseError:
        current_app.logger.exception("Import van mensen mislukt")
        flash("De import is mislukt; er is niets veranderd. Probeer het opnieuw of meld het bij de "
              "beheerder.", "error")
        return redirect(url_for(".preview", import_id=kept.id))
    kept.delete_instance()
    current_app.logger.info("Import van mensen door %s: %d nieuw, %d gewijzigd, %d gedeactiveerd, "
                            "%d rijen niet geïmporteerd", current_user.email, len(plan.created),
                            len(plan.changed), len(plan.deactivated), len(plan.refused))
    flash(f"Geïmporteerd: {len(plan.created)} nieuw, {len(plan.changed)} gewijzigd, "
          f"{len(plan.deactivated)} gedeactiveerd, {len(plan.unchanged)} ongewijzigd"
          + (f"; {len(plan.refused)} rijen niet geïmporteerd." if plan.refused else "."), "success")
    return redirect(url_for("people.index"))
