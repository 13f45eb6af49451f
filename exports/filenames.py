"""File names for exported plans: POP_<achternaam>_<voornaam>_<periode>.docx, safe on every system."""
import re
import unicodedata


# Letters that do not decompose into a base letter and an accent.
FOLD = str.maketrans({"Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ß": "ss",
                      "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th"})


def safe_part(text: str) -> str:
    # Accents folded (é -> e) so the name survives old file servers and zip tools; anything else that
    # is not a letter or digit (dashes, slashes, spaces) becomes '-', so no path character slips in.
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(FOLD))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-")[:60] or "onbekend"


def plan_filename(plan, extension: str) -> str:
    person = plan.employee
    achternaam = " ".join(p for p in (person.achternaam, person.tussenvoegsel) if p)
    return f"POP_{safe_part(achternaam)}_{safe_part(person.voornaam)}_{safe_part(plan.period)}.{extension}"
