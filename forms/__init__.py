"""Declarative definitions of the paper forms. Add a form by writing its definition and listing it here."""
from .definition import FormDefinition, Part, Section
from .pop_uitgebreid import POP_UITGEBREID

FORMS: dict[str, FormDefinition] = {f.key: f for f in (POP_UITGEBREID,)}
DEFAULT_FORM = POP_UITGEBREID.key


def get_form(key: str) -> FormDefinition:
    return FORMS[key]


__all__ = ["FORMS", "DEFAULT_FORM", "get_form", "FormDefinition", "Part", "Section"]
