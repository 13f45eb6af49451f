"""Which template an export uses: the organisation's active upload for the form, else the default."""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Callable

from pop.db import database
from pop.models import ExportTemplate

from .context import build_context
from .docx_engine import CompiledDocx
from .template_check import compile_template
from .word_default import default_docx_template
from .xlsx_default import plan_workbook


@lru_cache(maxsize=8)
def compiled_default_docx(form_key: str) -> CompiledDocx:
    return CompiledDocx(default_docx_template(form_key))


@lru_cache(maxsize=32)
def _compiled_upload(template_id: int, sha256: str, fmt: str):
    # Keyed by content hash too, so a changed template is never served from a stale compile.
    return compile_template(ExportTemplate.get_by_id(template_id).data, fmt)


def active_template(form_key: str, fmt: str) -> ExportTemplate | None:
    return (ExportTemplate.select(ExportTemplate.id, ExportTemplate.sha256, ExportTemplate.name)
            .where((ExportTemplate.form_key == form_key) & (ExportTemplate.format == fmt)
                   & (ExportTemplate.active == True))  # noqa: E712
            .first())


log = logging.getLogger(__name__)
FALLBACK_NOTE = ("Het sjabloon van uw organisatie kon dit plan niet invullen ({error}); het document is "
                 "in de standaardopmaak gemaakt. Laat HR het sjabloon nakijken.")


def _fallback(upload, plan, exc, on_fallback):
    # An uploaded template passed its checks on the example plan but fails on this one: the person
    # still gets their document, in the default layout, and is told why.
    log.warning("template %s (%s) failed for plan %s: %s", upload.id, upload.name, plan.id, exc)
    if on_fallback:
        on_fallback(FALLBACK_NOTE.format(error=exc))


def render_docx(plan, definition, values, use_default=False,
                on_fallback: Callable[[str], None] | None = None) -> bytes:
    upload = None if use_default else active_template(plan.form_key, "docx")
    context = build_context(plan, definition, values)
    if upload is not None:
        try:
            return _compiled_upload(upload.id, upload.sha256, "docx").render(context)
        except Exception as exc:  # noqa: BLE001 - any failure of HR's template
            _fallback(upload, plan, exc, on_fallback)
    return compiled_default_docx(plan.form_key).render(context)


def render_xlsx(plan, definition, values, use_default=False,
                on_fallback: Callable[[str], None] | None = None) -> bytes:
    upload = None if use_default else active_template(plan.form_key, "xlsx")
    if upload is not None:
        try:
            context = build_context(plan, definition, values, excel=True)
            return _compiled_upload(upload.id, upload.sha256, "xlsx").render(context)
        except Exception as exc:  # noqa: BLE001 - any failure of HR's template
            _fallback(upload, plan, exc, on_fallback)
    return plan_workbook(plan, definition, values)


def activate(template: ExportTemplate) -> None:
    """Make this the template for its form and format; at most one is active."""
    with database.atomic():
        ExportTemplate.update(active=False).where(
            (ExportTemplate.form_key == template.form_key) & (ExportTemplate.format == template.format)
        ).execute()
        ExportTemplate.update(active=True).where(ExportTemplate.id == template.id).execute()
