"""HR's own blank form: the proposal of which question goes where, HR's corrections, and the marked
document that becomes an ordinary template (exports/uploads/blank)."""
import datetime as dt
import hashlib
import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from exports.filenames import safe_part
from exports.uploads.blank import apply, outline, propose
from exports.uploads.blank.match import ROWS
from exports.uploads.check import check_template
from exports.word.engine import TemplateProblem
from forms import FORMS

from .. import security_log
from ..models import BlankUpload, ExportTemplate, now
from .people import hr_required

bp = Blueprint("blank_forms", __name__)

NOT_FILLED = ""  # the choice "niet invullen"
KEEP_DAYS = 7  # a proposal HR walked away from is removed after this
NOT_IN_LIST = "Deze keuze staat niet in de lijst. Kies een vraag uit de lijst of ‘niet invullen’."


def start(form_key: str, fmt: str, name: str, data: bytes) -> BlankUpload | None:
    """Keep a blank upload for its proposal, when the app finds places to write in it; None when it
    finds none (then the upload's own message stands)."""
    try:
        proposal = propose(data, fmt, FORMS[form_key])
    except Exception:  # noqa: BLE001 - a file the mapper cannot read (or too large) keeps the check's message
        current_app.logger.info("Blanco formulier niet doorzocht: %s", name, exc_info=True)
        return None
    if not any(p.target for p in proposal.places):
        return None
    BlankUpload.delete().where(BlankUpload.uploaded_at < now() - dt.timedelta(days=KEEP_DAYS)).execute()
    return BlankUpload.create(form_key=form_key, format=fmt, name=name[:200], data=data,
                              uploaded_by=current_user.id)


def _upload_or_404(upload_id: int) -> BlankUpload:
    return BlankUpload.get_or_none(BlankUpload.id == upload_id) or abort(404)


def _choices(proposal) -> tuple[dict, dict, dict]:
    """What HR chose per place (kept as posted, so a refused post shows the page as HR left it),
    the columns per table, and a message per place whose choice is not in its list."""
    chosen, columns, errors = {}, {}, {}
    for place in proposal.places:
        allowed = {t.path for t in proposal.choices(place.shape)}
        value = request.form.get(f"plaats-{place.id}", place.target or NOT_FILLED)
        if value != NOT_FILLED and value not in allowed:
            errors[place.id] = NOT_IN_LIST
            value = place.target or NOT_FILLED
        chosen[place.id] = value or None
        # The column lists belong to the table proposed: for another table the app matches the columns.
        if place.shape == ROWS and value and value == place.target:
            posted = {i: request.form.get(f"kolom-{place.id}-{i}") for i in range(len(place.headers))}
            if any(picked is not None for picked in posted.values()):
                keys = {key for key, _ in next(t for t in proposal.targets if t.path == value).columns}
                if any(picked and picked not in keys for picked in posted.values()):
                    errors[place.id] = NOT_IN_LIST
                else:
                    columns[place.id] = {i: picked for i, picked in posted.items() if picked}
    return chosen, columns, errors


@bp.route("/sjablonen/blanco/<int:upload_id>", methods=["GET", "POST"])
@hr_required
def proposal(upload_id: int):
    upload = _upload_or_404(upload_id)
    definition = FORMS[upload.form_key]
    data = bytes(upload.data)
    found = propose(data, upload.format, definition)
    chosen, columns, errors, problems = {}, {}, {}, []
    if request.method == "POST":
        chosen, columns, errors = _choices(found)
        if not errors:
            marked = apply(data, upload.format, definition, chosen, columns)
            if request.form.get("actie") == "download":
                return _download(marked, upload)
            try:
                report = check_template(marked, upload.format, definition)
                problems = report.problems
            except TemplateProblem as exc:
                problems = [str(exc)]
            if not problems:
                from .exports import _report_data  # the upload's report, kept as every upload keeps it

                template = ExportTemplate.create(
                    form_key=upload.form_key, format=upload.format, name=upload.name, data=marked,
                    sha256=hashlib.sha256(marked).hexdigest(), uploaded_by=current_user.id,
                    report=json.dumps(_report_data(report)), preview=report.preview)
                upload.delete_instance()
                from .exports import template_detail
                security_log.record("blanco_formulier_bevestigd", current_user, None,
                                    template_detail(template))
                flash(f"‘{template.name}’ is nu een sjabloon: de antwoorden staan op de plaatsen die u "
                      "bevestigde. Bekijk hieronder het voorbeeld en activeer het daarna.", "success")
                return redirect(url_for("exports.template_report", template_id=template.id))
    for place in found.places:
        chosen.setdefault(place.id, place.target)
    numbered = {place.id: n for n, place in enumerate(found.places, start=1)}
    return render_template(
        "exports/blank_form.html", upload=upload, definition=definition, proposal=found, chosen=chosen,
        columns=columns, errors=errors, problems=problems, numbered=numbered,
        text=outline(data, upload.format, definition, numbered),
        labels={t.path: t for t in found.targets}), 422 if errors or problems else 200


def _download(marked: bytes, upload: BlankUpload):
    from .exports import _download as send

    stem = safe_part(upload.name.rsplit(".", 1)[0]) or "formulier"
    return send(marked, f"{stem}_gemarkeerd.{upload.format}", upload.format)
