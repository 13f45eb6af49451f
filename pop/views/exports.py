"""Downloads of plans (Word, Excel, PDF), HR's bulk export and HR's own templates."""
import hashlib
import io
import json
from pathlib import Path

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request,
                   send_file, stream_with_context, url_for)
from flask_login import current_user, login_required
from wtforms import SelectField

from exports.pdf import convert as pdf
from exports.pdf import preview as preview_pages
from exports.word.engine import TemplateProblem
from exports.word.fields import UNNAMED_CONTROL
from exports.filenames import plan_filename, safe_part
from exports.placeholders import catalogue
from exports.uploads.check import NOTHING_FOUND, check_template
from exports.templates import activate, render_docx, render_xlsx
from exports.word.default import default_docx_template
from exports.excel.default_template import default_xlsx_template
from forms import FORMS
from forms.accounts import BulkExportForm, TemplateUploadForm
from forms.kinds import choices

from .. import answers, audit, clock, cycle, jobs, organisation, security_log, shared_files
from . import blank_forms
from ..access import visible_plans
from ..models import STATUSES, ExportJob, ExportTemplate
from ..people import departments
from ..plans import filter_plans, periods
from .people import hr_required
from .plans import plan_or_404, readable_or_403

bp = Blueprint("exports", __name__)

MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "zip": "application/zip",
}


def _download(data: bytes, filename: str, fmt: str):
    return send_file(io.BytesIO(data), mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=filename, max_age=0)


FORMAT_NAMES = {"docx": "Word (.docx)", "xlsx": "Excel (.xlsx)", "pdf": "PDF (.pdf)"}


def _plan_file(plan, data: bytes, fmt: str):
    # Logged once the file is made: a PDF that failed was not downloaded.
    audit.record(plan, current_user, "gedownload", FORMAT_NAMES[fmt])
    return _download(data, plan_filename(plan, fmt), fmt)


@bp.route("/plans/<int:plan_id>/download.<fmt>")
@login_required
def plan_download(plan_id: int, fmt: str):
    plan = plan_or_404(plan_id)
    readable_or_403(plan)
    if fmt not in ("docx", "xlsx", "pdf"):
        abort(404)
    definition = answers.form_of(plan)
    values = answers.load(plan)
    use_default = request.args.get("sjabloon") == "standaard"
    warn = lambda note: flash(note, "error")  # noqa: E731 - shown on the next page the user opens
    if fmt == "xlsx":
        return _plan_file(plan, render_xlsx(plan, definition, values, use_default, warn), "xlsx")
    document = render_docx(plan, definition, values, use_default, warn)
    if fmt == "docx":
        return _plan_file(plan, document, "docx")
    if not pdf.available():
        abort(404)
    try:
        return _plan_file(plan, pdf.to_pdf(document), "pdf")
    except pdf.PdfBusy as exc:
        # Not a failure of this plan: the same link works in a moment, which 503 + Retry-After says to
        # browsers and scripts alike.
        page = render_template("exports/pdf_busy.html", plan=plan, message=str(exc),
                               standaard=use_default)
        return page, 503, {"Retry-After": str(exc.retry_after)}
    except pdf.PdfFailed as exc:
        flash(f"{exc} Download het Word-document en maak de PDF daaruit.", "error")
        return redirect(url_for("plans.overview", plan_id=plan.id))


# ---------------------------------------------------------------- bulk export (HR)

class _BulkForm(BulkExportForm):
    # Plans of several forms go in one export, each in its own form's layout; HR may also take one.
    formulier = SelectField("Formulier", validate_choice=True, default="")


def _bulk_form():
    form = _BulkForm(request.form if request.method == "POST" else request.args)
    form.formulier.choices = choices([("", "Alle formulieren")] + [
        (f.key, f.short_title) for f in FORMS.values()])
    form.afdeling.choices = choices([("", "Alle afdelingen")] + [
        (d, d) for d in departments()])
    form.periode.choices = choices([("", "Alle perioden")] + [
        (p, p) for p in periods()])
    form.status.choices = choices([("", "Alle statussen")] + list(STATUSES.items()))
    return form


@bp.route("/export", methods=["GET", "POST"])
@hr_required
def bulk():
    form = _bulk_form()
    if request.method == "POST" and form.validate():
        plans = list(filter_plans(visible_plans(current_user), form.afdeling.data, form.periode.data,
                                  form.status.data, form.formulier.data))
        # A plan in its voorbereiding is the employee's alone, for HR's files too.
        plan_ids = [p.id for p in plans if cycle.may(current_user, p, "lezen")]
        private = len(plans) - len(plan_ids)
        if private:
            which = "1 plan staat" if private == 1 else f"{private} plannen staan"
            flash(f"{which} nog in de voorbereiding en {'is' if private == 1 else 'zijn'} niet "
                  "meegenomen: de inhoud is dan nog alleen van de medewerker.", "info")
        if not plan_ids:
            flash("Er zijn geen plannen die aan deze filters voldoen.", "error")
        else:
            chosen_form = FORMS[form.formulier.data].short_title if form.formulier.data else ""
            parts = [v for v in (chosen_form, form.afdeling.data, form.periode.data,
                                 STATUSES.get(form.status.data, "")) if v]
            job = jobs.start(current_user, plan_ids, ", ".join(parts) or "alle plannen")
            return redirect(url_for("exports.bulk_status", job_id=job.id))
    jobs.fail_lost()
    recent = (ExportJob.select().where(ExportJob.requested_by == current_user.id)
              .order_by(ExportJob.id.desc()).limit(10))
    return render_template("exports/bulk.html", form=form, jobs=recent, forms=FORMS,
                           active=_active_by_form())


def _job_or_404(job_id: int) -> ExportJob:
    job = ExportJob.get_or_none((ExportJob.id == job_id) & (ExportJob.requested_by == current_user.id))
    return job or abort(404)


@bp.route("/export/<int:job_id>")
@hr_required
def bulk_status(job_id: int):
    jobs.fail_lost()
    job = _job_or_404(job_id)
    return render_template("exports/job.html", job=job, shown=jobs.describe(job))


@bp.route("/export/<int:job_id>/opnieuw", methods=["POST"])
@hr_required
def bulk_restart(job_id: int):
    job = _job_or_404(job_id)
    if not jobs.restart(job):
        flash("Deze export loopt al of is klaar; hij is niet opnieuw gestart.", "info")
    return redirect(url_for("exports.bulk_status", job_id=job.id))


@bp.route("/export/<int:job_id>/download")
@hr_required
def bulk_download(job_id: int):
    job = _job_or_404(job_id)
    if job.status != "klaar":
        abort(404)
    size = shared_files.size(job.path)
    if size is None:  # a day old, or made before zips were kept in the database: the page says so
        return redirect(url_for("exports.bulk_status", job_id=job.id))
    name = f"POP_export_{clock.local(job.created_at):%Y-%m-%d}_{safe_part(job.description)}.zip"
    # Part by part from the database (pop/shared_files.py): a zip of thousands of plans never sits in
    # this process's memory whole.
    response = Response(stream_with_context(shared_files.parts(job.path)), mimetype=MIMETYPES["zip"])
    response.headers["Content-Length"] = str(size)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


# ---------------------------------------------------------------- the organisation's templates (HR)

FORM_NOT_THERE = "Dit formulier bestaat niet (meer). Kies een van de formulieren in de lijst."


@bp.route("/sjablonen", methods=["GET", "POST"])
@hr_required
def templates():
    form = TemplateUploadForm()
    form.form_key.choices = choices((f.key, f"{f.short_title}: {f.title}") for f in FORMS.values())
    if request.method == "GET":
        form.form_key.data = request.args.get("formulier") if request.args.get("formulier") in FORMS \
            else organisation.default_form()
    problems = []
    if form.validate_on_submit():
        upload = form.file.data
        filename = Path(upload.filename or "sjabloon").name
        fmt = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        data = upload.read()
        if fmt not in ("docx", "xlsx"):
            problems = ["Upload een Word-document (.docx) of Excel-werkmap (.xlsx). Bestanden met "
                        "macro's (.docm, .xlsm) worden niet aangenomen."]
        else:
            try:
                report = check_template(data, fmt, FORMS[form.form_key.data])
                problems = report.problems
            except TemplateProblem as exc:
                problems = [str(exc)]
            if problems and all(p.startswith((NOTHING_FOUND, UNNAMED_CONTROL)) for p in problems):
                # No placeholder at all: HR's own blank form. The app proposes where each answer goes.
                blank = blank_forms.start(form.form_key.data, fmt, filename, data)
                if blank is not None:
                    return redirect(url_for("blank_forms.proposal", upload_id=blank.id))
        if not problems:
            template = ExportTemplate.create(
                form_key=form.form_key.data, format=fmt, name=filename[:200], data=data,
                sha256=hashlib.sha256(data).hexdigest(), uploaded_by=current_user.id,
                report=json.dumps(_report_data(report)), preview=report.preview)
            security_log.record("sjabloon_geupload", current_user, None, template_detail(template))
            flash(f"Sjabloon ‘{template.name}’ is gecontroleerd en opgeslagen. Bekijk hieronder wat er is "
                  "gevonden en het voorbeeld, en activeer het daarna.", "success")
            return redirect(url_for("exports.template_report", template_id=template.id))
        form.file.errors = list(form.file.errors) + problems
    elif request.method == "POST" and form.form_key.errors:
        # Only a page older than the list of forms (or a crafted post) names a form that is not there.
        form.form_key.errors = [FORM_NOT_THERE]
    uploaded = (ExportTemplate.select(ExportTemplate.id, ExportTemplate.form_key, ExportTemplate.format,
                                      ExportTemplate.name, ExportTemplate.active,
                                      ExportTemplate.uploaded_at, ExportTemplate.uploaded_by)
                .order_by(ExportTemplate.uploaded_at.desc()))
    return render_template("exports/templates.html", form=form, uploaded=uploaded, forms=FORMS,
                           active=_active_by_form()), 422 if problems or form.errors else 200


def _active_by_form() -> dict[str, dict[str, ExportTemplate | None]]:
    """Per form of FORMS, per format: the active upload, or None when the default layout is used."""
    active = {key: {"docx": None, "xlsx": None} for key in FORMS}
    for template in (ExportTemplate.select(ExportTemplate.id, ExportTemplate.form_key,
                                           ExportTemplate.format, ExportTemplate.name)
                     .where(ExportTemplate.active == True)):  # noqa: E712
        if template.form_key in active and template.format in active[template.form_key]:
            active[template.form_key][template.format] = template
    return active


def template_detail(template: ExportTemplate) -> str:
    """The security log's words for a template: its name, form and format, never its contents."""
    form = FORMS.get(template.form_key)
    return (f"‘{template.name}’ ({'Word' if template.format == 'docx' else 'Excel'}) voor "
            f"{form.short_title if form else template.form_key}; sjabloon #{template.id}")


def _template_or_404(template_id: int) -> ExportTemplate:
    return ExportTemplate.get_or_none(ExportTemplate.id == template_id) or abort(404)


def _report_data(report) -> dict:
    return {"notes": report.notes, "found": report.found, "unused": report.unused}


def _checked(template: ExportTemplate) -> tuple[dict, bytes]:
    """The template's upload report and preview; made now for one uploaded before reports existed
    (or whose check no longer passes, which the report then says)."""
    if template.report is not None and template.preview is not None:
        return json.loads(template.report), bytes(template.preview)
    report = check_template(bytes(template.data), template.format, FORMS[template.form_key])
    if report.problems:
        raise TemplateProblem(" ".join(report.problems))
    from ..db import database

    data = _report_data(report)
    with database.atomic():
        # What downloads keep in the report (exports/templates.py: the limit hits, and the note why it
        # was switched off, first among the notes) is read again here, not from before the check: a
        # hit counted while it ran is kept too, and HR still reads why the template is off.
        row = ExportTemplate.select(ExportTemplate.report).where(ExportTemplate.id == template.id).first()
        kept = json.loads(row.report) if row is not None and row.report else {}
        for key in ("limit_hits", "switched_off"):
            if key in kept:
                data[key] = kept[key]
        if data.get("switched_off"):
            data["notes"] = [data["switched_off"]] + [n for n in data["notes"] if n != data["switched_off"]]
        ExportTemplate.update(report=json.dumps(data), preview=report.preview).where(
            ExportTemplate.id == template.id).execute()
    return data, report.preview


@bp.route("/sjablonen/<int:template_id>")
@hr_required
def template_report(template_id: int):
    template = _template_or_404(template_id)
    definition = FORMS[template.form_key]
    problem, report, pictures, text, preview_note = None, None, None, [], None
    try:
        report, preview = _checked(template)
    except TemplateProblem as exc:
        problem = str(exc)
    else:
        if preview_pages.available():
            # Made by the queue's worker (it takes seconds); meanwhile the text, and the page refreshes.
            pictures = preview_pages.requested(template)
            if pictures.state == "mislukt":
                preview_note = f"{pictures.message} Hieronder staat de tekst van het voorbeeld."
        if pictures is None or not pictures.pages:
            text = preview_pages.text_of(preview, template.format)
    return render_template("exports/template_report.html", template=template, definition=definition,
                           report=report, problem=problem, pages=pictures.pages if pictures else 0,
                           making=bool(pictures and pictures.state == "bezig"), text=text,
                           preview_note=preview_note)


@bp.route("/sjablonen/<int:template_id>/voorbeeld/<int:page>.png")
@hr_required
def template_preview_page(template_id: int, page: int):
    template = _template_or_404(template_id)
    picture = shared_files.read(preview_pages.page_name(template, page))
    if picture is None:
        abort(404)
    return send_file(io.BytesIO(picture), mimetype="image/png", max_age=0)


@bp.route("/sjablonen/<int:template_id>/voorbeeld")
@hr_required
def template_preview(template_id: int):
    template = _template_or_404(template_id)
    try:
        _, preview = _checked(template)
    except TemplateProblem as exc:
        flash(f"Voorbeeld mislukt: {exc}", "error")
        return redirect(url_for("exports.templates"))
    stem = safe_part(Path(template.name).stem)
    return _download(preview, f"Voorbeeld_{stem}.{template.format}", template.format)


@bp.route("/sjablonen/<int:template_id>/activeren", methods=["POST"])
@hr_required
def template_activate(template_id: int):
    template = _template_or_404(template_id)
    activate(template)
    security_log.record("sjabloon_geactiveerd", current_user, None, template_detail(template))
    kind = "Word" if template.format == "docx" else "Excel"
    flash(f"‘{template.name}’ wordt nu gebruikt voor {kind}-exports.", "success")
    return redirect(url_for("exports.templates"))


@bp.route("/sjablonen/<int:template_id>/deactiveren", methods=["POST"])
@hr_required
def template_deactivate(template_id: int):
    template = _template_or_404(template_id)
    ExportTemplate.update(active=False).where(ExportTemplate.id == template.id).execute()
    security_log.record("sjabloon_gedeactiveerd", current_user, None, template_detail(template))
    flash(f"‘{template.name}’ is niet meer actief; de standaardopmaak wordt weer gebruikt.", "success")
    return redirect(url_for("exports.templates"))


@bp.route("/sjablonen/<int:template_id>/verwijderen", methods=["POST"])
@hr_required
def template_delete(template_id: int):
    template = _template_or_404(template_id)
    detail = template_detail(template)
    template.delete_instance()
    security_log.record("sjabloon_verwijderd", current_user, None, detail)
    preview_pages.remove(template)
    flash(f"‘{template.name}’ is verwijderd.", "success")
    return redirect(url_for("exports.templates"))


@bp.route("/sjablonen/hulp")
@bp.route("/sjablonen/hulp/<form_key>")
@hr_required
def template_help(form_key: str | None = None):
    # Without a form named: the one the organisation starts new plans with.
    definition = FORMS.get(form_key or organisation.default_form()) or abort(404)
    return render_template("exports/help.html", definition=definition, groups=catalogue(definition),
                           forms=FORMS)


@bp.route("/sjablonen/standaard/<form_key>.<fmt>")
@hr_required
def default_template(form_key: str, fmt: str):
    if form_key not in FORMS or fmt not in ("docx", "xlsx"):
        abort(404)
    data = default_docx_template(form_key) if fmt == "docx" else default_xlsx_template(form_key)
    return _download(data, f"Standaardsjabloon_{form_key}.{fmt}", fmt)
