"""File names for exported plans: POP_<achternaam>_<voornaam>_<periode>.docx, safe on every system."""
import re
import unicodedata


def safe_part(text: str) -> str:
    # Accents folded (é -> e) so the name survives old file servers and zip tools; anything that is
    # not a letter, digit or dash becomes '-', so no path or shell character can slip in.
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60] or "onbekend"


def plan_filename(plan, extension: str) -> str:
    person = plan.employee
    achternaam = " ".join(p for p in (person.achternaam, person.tussenvoegsel) if p)
    return f"POP_{safe_part(achternaam)}_{safe_part(person.voornaam)}_{safe_part(plan.period)}.{extension}"
