"""Which template an export uses: the organisation's active upload for the form, else the default."""
from __future__ import annotations

import collections
import datetime as dt
import hashlib
import json
import logging
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable

from forms import FORMS, get_form
from pop.db import database
from pop.models import ExportTemplate

from exports import render_pool
from exports.context import PlanFacts, build_context
from exports.word.engine import CompiledDocx, TemplateProblem
from exports.uploads.isolation import TemplateLimit, limits, render_upload
from pop import clock
from exports.word.default import default_docx_template
from exports.excel.default import plan_workbook


@lru_cache(maxsize=8)
def compiled_default_docx(form_key: str) -> CompiledDocx:
    return CompiledDocx(default_docx_template(form_key))


def warm_defaults() -> None:
    """Every form's default Word layout built now (app.serve(): in gunicorn's master, before the fork)."""
    for form_key in FORMS:
        compiled_default_docx(form_key)


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


# Plans per job sent to a worker: large enough that sending costs little, small enough that every worker
# gets some of a small export and a limit reached is seen before many more plans try the template.
CHUNK = 25


class BulkRenderer:
    """render_docx for the plans of one bulk export. Every plan gets the same time and memory limits
    as a single download; plans the organisation's template failed on are listed in `notes` (Dutch,
    for the job page).

    render_many() renders them in the worker processes of exports/render_pool.py (niced, on the usable
    CPUs but one) while the caller reads the next plans; called as a function, it renders one plan
    here, as POP_EXPORT_WORKERS=0 does."""

    def __init__(self):
        self.failed: list[tuple[object, str]] = []
        self.limit_hits = 0
        self._uploads: dict[str, ExportTemplate | None] = {}  # form key: its active Word template
        self._folder: tempfile.TemporaryDirectory | None = None

    def render_many(self, batches):
        """For each list of (plan, definition, values) from `batches`: (that list, its documents in
        the same order). Reads the next list while the workers render the one before."""
        workers = render_pool.workers()
        if workers == 0:
            for items in batches:
                yield items, [self(*item) for item in items]
            return
        pending: collections.deque = collections.deque()
        try:
            executor = render_pool.pool(workers)
            for items in batches:
                pending.append((items, self._submit(executor, items)))
                if len(pending) > 1:
                    yield self._collect(*pending.popleft())
            while pending:
                yield self._collect(*pending.popleft())
        except render_pool.BrokenProcessPool:
            render_pool.forget_broken()  # a worker was killed (out of memory?): a fresh pool next time
            raise
        finally:
            for _, futures in pending:
                for future in futures:
                    future.cancel()
            if self._folder is not None:
                self._folder.cleanup()
                self._folder = None

    def _submit(self, executor, items) -> list:
        definitions, uploads = {}, {}
        for plan, definition, _ in items:
            if plan.form_key not in definitions:
                definitions[plan.form_key] = (_digest(definition), definition)
                uploads[plan.form_key] = self._upload_file(plan.form_key)
        timeout, memory_mb, _ = limits()
        job = {"definitions": definitions, "uploads": uploads,
               "limits": {"TEMPLATE_TIMEOUT": timeout, "TEMPLATE_MEMORY_MB": memory_mb},
               "hits_left": max(0, BULK_LIMIT_HITS - self.limit_hits)}
        return [executor.submit(render_chunk, dict(job, plans=[
                    (PlanFacts.of(plan), values) for plan, _, values in items[start:start + CHUNK]]))
                for start in range(0, len(items), CHUNK)]

    def _collect(self, items, futures) -> tuple[list, list[bytes]]:
        results = [result for future in futures for result in future.result()]
        documents = []
        for (plan, _, _), (document, problem) in zip(items, results):
            documents.append(document)
            if problem is None:
                continue
            kind, message = problem
            if kind == "skipped":
                self.failed.append((plan, "overgeslagen"))
                continue
            upload = self._uploads[plan.form_key]
            log.warning("template %s (%s) failed for plan %s: %s", upload.id, upload.name, plan.id, message)
            if kind == "limit":
                self.limit_hits += 1
                _count_limit_hit(upload.id, message)
            self.failed.append((plan, message))
        return items, documents

    def _upload_file(self, form_key: str) -> tuple[int, str, str] | None:
        """The form's active Word template as a file the workers read once: (id, sha256, path)."""
        if form_key not in self._uploads:
            self._uploads[form_key] = active_template(form_key, "docx")
        upload = self._uploads[form_key]
        if upload is None:
            return None
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="pop-bulk-")
        path = Path(self._folder.name, upload.sha256)
        if not path.exists():
            path.write_bytes(_upload_data(upload.id, upload.sha256))
        return upload.id, upload.sha256, str(path)

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


def _digest(definition) -> str:
    return hashlib.sha256(pickle.dumps(definition, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


# ---------------------------------------------------------------- in a worker (exports/render_pool.py)

_worker_forms: dict[str, str] = {}  # form key: digest of the definition this worker renders it by
_worker_uploads: collections.OrderedDict = collections.OrderedDict()  # sha256: the template's bytes


def render_chunk(job: dict) -> list[tuple[bytes, tuple[str, str] | None]]:
    """Some plans of a bulk export, in a worker: (document, what went wrong or None) per plan. The
    same documents render_docx makes: the organisation's template in a confined child with limits
    (isolation.py, started from this niced worker), else or after a failure the default layout."""
    for key, (digest, definition) in job["definitions"].items():
        if _worker_forms.get(key) != digest:  # the server's definition: a form added, or changed
            FORMS[key] = definition
            compiled_default_docx.cache_clear()
            default_docx_template.cache_clear()
            _worker_forms[key] = digest
    for key, value in job["limits"].items():
        os.environ[f"POP_{key}"] = str(value)
    os.environ["POP_TEMPLATE_CHILDREN"] = "1"  # this worker renders one plan at a time
    hits_left = job["hits_left"]
    out = []
    for plan, values in job["plans"]:
        context = build_context(plan, get_form(plan.form_key), values)
        upload = job["uploads"].get(plan.form_key)
        problem = None
        if upload is not None and hits_left <= 0:
            problem = ("skipped", "overgeslagen")
        elif upload is not None:
            try:
                out.append((render_upload(_worker_upload(*upload), "docx", plan.form_key, [context])[0],
                            None))
                continue
            except TemplateLimit as exc:
                hits_left -= 1
                problem = ("limit", str(exc))
            except TemplateProblem as exc:
                problem = ("problem", str(exc))
            except Exception:  # noqa: BLE001 - a failure of ours must not cost the person their document
                log.exception("template %s could not be rendered for plan %s", upload[0], plan.id)
                problem = ("unexpected", UNEXPECTED)
        out.append((compiled_default_docx(plan.form_key).render(context), problem))
    return out


def _worker_upload(template_id: int, sha256: str, path: str) -> bytes:
    if sha256 not in _worker_uploads:
        _worker_uploads[sha256] = Path(path).read_bytes()
        while len(_worker_uploads) > 4:
            _worker_uploads.popitem(last=False)
    return _worker_uploads[sha256]


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
