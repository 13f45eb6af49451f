"""Declarative definitions of the paper forms. Add a form by writing its definition and listing it here."""
from .definition import FormDefinition, Part, Section
from .pop_compact import POP_COMPACT
from .pop_tabel import POP_TABEL
from .pop_uitgebreid import POP_UITGEBREID
from .pop_zesstappen import POP_ZES_STAPPEN

# The extended form first: it is the default for a new plan unless HR chooses another.
FORMS: dict[str, FormDefinition] = {f.key: f for f in (POP_UITGEBREID, POP_COMPACT, POP_TABEL,
                                                        POP_ZES_STAPPEN)}
DEFAULT_FORM = POP_UITGEBREID.key


def get_form(key: str) -> FormDefinition:
    return FORMS[key]


__all__ = ["FORMS", "DEFAULT_FORM", "get_form", "FormDefinition", "Part", "Section"]
