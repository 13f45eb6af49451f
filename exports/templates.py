"""Which template an export uses: the organisation's active upload for the form, else the default."""
from __future__ import annotations

import datetime as dt
import json
import logging
from functools import lru_cache
from typing import Callable

from pop.db import database
from pop.models import ExportTemplate

from exports.context import build_context
from exports.word.engine import CompiledDocx, TemplateProblem
from exports.uploads.isolation import TemplateLimit, render_upload
from pop import clock
from exports.word.default import default_docx_template
from exports.excel.default import plan_workbook


@lru_cache(maxsize=8)
def compiled_default_docx(form_key: str) -> CompiledDocx:
    return CompiledDocx(default_docx_template(form_key))


@lru_cache(maxsize=8)
def _upload_data(template_id: int, sha256: str) -> bytes:
    # Keyed by content hash too, so a changed template is never served from a stale copy.
    # bytes(): PostgreSQL's driver gives a memoryview, which cannot be sent to the child process.
    return bytes(ExportTemplate.get_by_id(template_id).data)


def active_template(form_key: str, fmt: str) -> ExportTemplate | None:
    return (ExportTemplate.select(ExportTemplate.id, ExportTemplate.sha256, ExportTemplate.name)
            .where((ExportTemplate.form_key == form_key) & (ExportTemplate.format == fmt)
                   & (ExportTemplate.active == True))  # noqa: E712
            .first())


log = logging.getLogger(__name__)
FALLBACK_NOTE = ("Het sjabloon van uw organisatie kon dit plan niet invullen ({error}); het document is "
                 "in de standaardopmaak gemaakt. Laat HR het sjabloon nakijken.")
UNEXPECTED = "er ging iets onverwachts mis bij het invullen"


def _lower_first(text: str) -> str:
    # "Het sjabloon ..." but not "POP" or "Excel": only a capital followed by a small letter.
    return text[0].lower() + text[1:] if len(text) > 1 and text[0].isupper() and text[1].islower() \
        else text


def _render_upload(upload, plan, fmt: str, context: dict, on_fallback, on_problem=None) -> bytes | None:
    """The plan filled in by the organisation's template in a child process with limits, or None
    when that fails: the person still gets their document, in the default layout, and is told why.
    The upload passed its checks on the sample plans but may still fail on a real one."""
    try:
        return render_upload(_upload_data(upload.id, upload.sha256), fmt, plan.form_key, [context])[0]
    except TemplateProblem as exc:
        log.warning("template %s (%s) failed for plan %s: %s", upload.id, upload.name, plan.id, exc)
        problem, error = exc, str(exc)
    except Exception as exc:  # noqa: BLE001 - a failure of ours must not cost the person their document
        log.exception("template %s (%s) could not be rendered for plan %s", upload.id, upload.name,
                      plan.id)
        problem, error = exc, UNEXPECTED
    if isinstance(problem, TemplateLimit):
        _count_limit_hit(upload.id, str(problem))
    if on_problem:
        on_problem(plan, problem)
    if on_fallback:
        # Inside the brackets the reason reads as part of the sentence: "(het sjabloon deelt door nul)".
        on_fallback(FALLBACK_NOTE.format(error=_lower_first(error.rstrip("."))))
    return None


def render_docx(plan, definition, values, use_default=False,
                on_fallback: Callable[[str], None] | None = None, *, on_problem=None) -> bytes:
    upload = None if use_default else active_template(plan.form_key, "docx")
    context = build_context(plan, definition, values)
    if upload is not None:
        document = _render_upload(upload, plan, "docx", context, on_fallback, on_problem)
        if document is not None:
            return document
    # The default layout is our own template: rendered here, no child process needed.
    return compiled_default_docx(plan.form_key).render(context)


def render_xlsx(plan, definition, values, use_default=False,
                on_fallback: Callable[[str], None] | None = None, *, on_problem=None) -> bytes:
    upload = None if use_default else active_template(plan.form_key, "xlsx")
    if upload is not None:
        context = build_context(plan, definition, values, excel=True)
        document = _render_upload(upload, plan, "xlsx", context, on_fallback, on_problem)
        if document is not None:
            return document
    return plan_workbook(plan, definition, values)


# After this many plans stopped at a limit (each one costs up to POP_TEMPLATE_TIMEOUT seconds), a bulk
# export makes the remaining plans in the default layout without trying the template again.
BULK_LIMIT_HITS = 3


class BulkRenderer:
    """render_docx for the plans of one bulk export. Every plan gets the same time and memory limits
    as a single download, and the warm child is reused from plan to plan; plans the organisation's
    template failed on are listed in `notes` (Dutch, for the job page)."""

    def __init__(self):
        self.failed: list[tuple[object, str]] = []
        self.limit_hits = 0

    def __call__(self, plan, definition, values) -> bytes:
        if self.limit_hits >= BULK_LIMIT_HITS:
            self.failed.append((plan, "overgeslagen"))
            return render_docx(plan, definition, values, use_default=True)
        return render_docx(plan, definition, values, on_problem=self._problem)

    def _problem(self, plan, exc) -> None:
        if isinstance(exc, TemplateLimit):
            self.limit_hits += 1
        self.failed.append((plan, str(exc) if isinstance(exc, TemplateProblem) else UNEXPECTED))

    def notes(self) -> str:
        if not self.failed:
            return ""
        count = len(self.failed)
        which = "1 plan is" if count == 1 else f"{count} plannen zijn"
        first = next((error for _, error in self.failed if error != "overgeslagen"), "")
        names = ", ".join(_plan_name(plan) for plan, _ in self.failed[:10])
        more = f" en {count - 10} andere" if count > 10 else ""
        skipped = ("" if self.limit_hits < BULK_LIMIT_HITS else
                   f" Na {BULK_LIMIT_HITS} keer een tijd- of geheugenlimiet is het sjabloon voor de "
                   "overige plannen niet meer geprobeerd.")
        return (f"{which} in de standaardopmaak gemaakt, omdat het sjabloon van uw organisatie "
                f"{'het' if count == 1 else 'ze'} niet kon invullen: {names}{more}. Reden: {first}"
                f"{skipped} Bekijk het sjabloon op zijn controlepagina onder Sjablonen.")


def _plan_name(plan) -> str:
    employee = getattr(plan, "employee", None)
    name = getattr(employee, "naam", "") if employee is not None else ""
    return f"{name} ({plan.period})" if name else f"plan {plan.id}"


# A template that runs into the time or memory limit this often within SWITCH_OFF_WINDOW at download is
# switched off for its form: each attempt holds a server thread for up to POP_TEMPLATE_TIMEOUT seconds,
# and a template slow on real plans (a condition the sample plans did not reach) took every thread
# when eight people downloaded at once. Downloads then use the default layout; HR reads why on the
# template's report page (its first note) and sees it "Niet actief" on the templates page.
SWITCH_OFF_HITS = 3
SWITCH_OFF_WINDOW = dt.timedelta(hours=24)
SWITCHED_OFF = ("Dit sjabloon is op {when} uitgeschakeld: het liep bij het downloaden {hits} keer binnen "
                "24 uur tegen een grens aan (laatst: {reason}). Zolang het uit staat, worden de plannen "
                "in de standaardopmaak gemaakt. Pas het sjabloon aan, upload het opnieuw en activeer het.")


def _count_limit_hit(template_id: int, reason: str) -> None:
    """One more time-out (or memory limit) at download, kept in the template's report (JSON) so
    every server process counts the same ones; the third within the window switches it off."""
    try:
        with database.atomic():
            row = (ExportTemplate.select(ExportTemplate.id, ExportTemplate.report, ExportTemplate.active)
                   .where(ExportTemplate.id == template_id).first())
            if row is None:
                return
            report = json.loads(row.report) if row.report else {}
            now = clock.utc_now()
            hits = [h for h in report.get("limit_hits", [])
                    if now - dt.datetime.fromisoformat(h) < SWITCH_OFF_WINDOW] + [now.isoformat()]
            report["limit_hits"] = hits
            switch_off = row.active and len(hits) >= SWITCH_OFF_HITS
            if switch_off:
                note = SWITCHED_OFF.format(when=clock.format_time(now), hits=len(hits),
                                           reason=reason.rstrip(".")[:300])
                report["switched_off"] = note
                report["notes"] = [note] + [n for n in report.get("notes", []) if n != note]
            changes = {ExportTemplate.report: json.dumps(report)}
            if switch_off:
                changes[ExportTemplate.active] = False
            ExportTemplate.update(changes).where(ExportTemplate.id == template_id).execute()
            if switch_off:
                from pop import security_log  # the app's, for HR's security log

                named = ExportTemplate.select(ExportTemplate.name).where(
                    ExportTemplate.id == template_id).first()
                security_log.record("sjabloon_uitgeschakeld", None, None,
                                    f"‘{named.name}’; sjabloon #{template_id}; {len(hits)} keer binnen "
                                    f"24 uur een tijd- of geheugenlimiet bij het downloaden")
    except Exception:  # noqa: BLE001 - counting must never cost the person their document
        log.exception("could not count a limit hit of template %s", template_id)
        return
    if switch_off:
        log.warning("template %s switched off after %s limit hits within %s", template_id, len(hits),
                    SWITCH_OFF_WINDOW)


def activate(template: ExportTemplate) -> None:
    """Make this the template for its form and format; at most one is active. Activated again after
    it was switched off, it starts with a clean count and without the switch-off note."""
    with database.atomic():
        ExportTemplate.update(active=False).where(
            (ExportTemplate.form_key == template.form_key) & (ExportTemplate.format == template.format)
        ).execute()
        changes = {ExportTemplate.active: True}
        row = ExportTemplate.select(ExportTemplate.report).where(ExportTemplate.id == template.id).first()
        if row is not None and row.report:
            report = json.loads(row.report)
            if "limit_hits" in report or "switched_off" in report:
                note = report.pop("switched_off", None)
                report.pop("limit_hits", None)
                report["notes"] = [n for n in report.get("notes", []) if n != note]
                changes[ExportTemplate.report] = json.dumps(report)
        ExportTemplate.update(changes).where(ExportTemplate.id == template.id).execute()
