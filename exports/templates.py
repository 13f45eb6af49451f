"""Which template an export uses: the organisation's active upload for the form, else the default."""
from __future__ import annotations

from functools import lru_cache

from pop.models import ExportTemplate

from .context import build_context
from .docx_engine import CompiledDocx
from .template_check import compile_template
from .word_default import default_docx_template
from .xlsx_default import plan_workbook
from .xlsx_template import pad_tables


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


def docx_template_for(form_key: str, use_default=False) -> CompiledDocx:
    upload = None if use_default else active_template(form_key, "docx")
    if upload is None:
        return compiled_default_docx(form_key)
    return _compiled_upload(upload.id, upload.sha256, "docx")


def render_docx(plan, definition, values, use_default=False) -> bytes:
    return docx_template_for(plan.form_key, use_default).render(build_context(plan, definition, values))


def render_xlsx(plan, definition, values, use_default=False) -> bytes:
    upload = None if use_default else active_template(plan.form_key, "xlsx")
    if upload is None:
        return plan_workbook(plan, definition, values)
    context = pad_tables(build_context(plan, definition, values, excel=True), definition)
    return _compiled_upload(upload.id, upload.sha256, "xlsx").render(context)
