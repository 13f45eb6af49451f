"""Filled Word documents of plans."""
from functools import lru_cache

from pop import answers

from .context import build_context
from .docx_engine import CompiledDocx
from .word_default import default_docx_template


@lru_cache(maxsize=8)
def compiled_default(form_key: str) -> CompiledDocx:
    return CompiledDocx(default_docx_template(form_key))


def render_docx(plan, template: CompiledDocx | None = None, values: dict | None = None) -> bytes:
    definition = answers.form_of(plan)
    values = answers.load(plan) if values is None else values
    template = template or compiled_default(plan.form_key)
    return template.render(build_context(plan, definition, values))
