"""The departments HR keeps (/afdelingen): add, rename, merge, remove an empty one.

A department is one row of Department; a person names theirs in Person.afdeling by its name exactly (""
for none). That one column is what every list, filter, total and export reads, so nothing has two
sources that could disagree: a rename or merge changes the department and its people's afdeling in one
transaction, here and nowhere else. Every writer of Person.afdeling takes a name from this list: the
people form chooses from it, save_person and the import go through canonical(), which finds a typed name
whatever its case and spaces ("klantenservice " is Klantenservice).

Names are compared by key(): spaces collapsed, case folded. Two departments never share a key, so
"KLANTENSERVICE" can never become a second Klantenservice; renaming one to another's name is refused
with the advice to merge instead.

Renames and merges go to the security log (they change what HR's filters and totals show, and the
department in every export); adding and removing an empty one change nobody's data and do not."""
from __future__ import annotations

from peewee import fn

from . import changes
from .db import database
from .models import Department, Person

MAX_LENGTH = Department.name.max_length
REQUIRED = "Geef de afdeling een naam."
TOO_LONG = f"Dit is te lang: hoogstens {MAX_LENGTH} tekens."
UNKNOWN = "Deze afdeling staat niet in de lijst. Kies er een, of voeg haar eerst toe onder Afdelingen."


def clean(name: str) -> str:
    """The name as stored: leading, trailing and doubled spaces gone."""
    return " ".join((name or "").split())


def key(name: str) -> str:
    """The name as compared: "Klantenservice", "klantenservice " and "KLANTENSERVICE" are one."""
    return clean(name).casefold()


def names() -> list[str]:
    """Every department's name, in order (of their keys: the same on every database, whatever its
    collation): for the filters and the forms' choices."""
    return sorted((name for (name,) in Department.select(Department.name).tuples()), key=key)


def listed() -> list[tuple[Department, int]]:
    """Every department with how many people (active or not) name it, in two queries. The counts are
    kept while nothing they count changes (pop/changes.py: a person added, removed or moved), as they
    read every person (at 10,000 people on PostgreSQL most of the page's time); the departments
    themselves, their names, are read each time."""
    counts = changes.kept("people_per_department", (), lambda: dict(
        Person.select(Person.afdeling, fn.COUNT(Person.id)).where(Person.afdeling != "")
        .group_by(Person.afdeling).tuples()))
    return [(d, counts.get(d.name, 0)) for d in sorted(Department.select(), key=lambda d: d.key)]


def people_in(department: Department) -> int:
    return Person.select().where(Person.afdeling == department.name).count()


def find(name: str) -> Department | None:
    """The department this name means, whatever its case and spaces; None when there is none."""
    return Department.get_or_none(Department.key == key(name)) if clean(name) else None


def canonical(name: str, create: bool = False) -> str | None:
    """The stored name for a typed one: "" for none, the department's own spelling when it exists, a new
    department when create (the command line, a confirmed import), else None (not in the list)."""
    if not clean(name):
        return ""
    found = find(name)
    if found is not None:
        return found.name
    if not create:
        return None
    return Department.create(name=clean(name), key=key(name)).name


def _check_name(name: str, same: Department | None = None) -> str:
    """The Dutch message for a name that cannot be given, or ""."""
    from .people import control_characters

    if not clean(name):
        return REQUIRED
    if control_characters(name):
        from .people import ONE_LINE
        return ONE_LINE
    if len(clean(name)) > MAX_LENGTH:
        return TOO_LONG
    other = find(name)
    if other is not None and (same is None or other.id != same.id):
        return (f"Er is al een afdeling ‘{other.name}’. Wilt u de twee samenvoegen, kies dan "
                "‘Samenvoegen’." if same is not None else f"Er is al een afdeling ‘{other.name}’.")
    return ""


def add(name: str) -> dict:
    """A new department; {field: message} when it cannot be added."""
    problem = _check_name(name)
    if problem:
        return {"name": problem}
    Department.create(name=clean(name), key=key(name))
    return {}


def rename(department: Department, name: str, actor) -> dict:
    """Rename the department and, with it, every person in it; one line in the security log."""
    from . import security_log

    problem = _check_name(name, same=department)
    if problem:
        return {"name": problem}
    old, new = department.name, clean(name)
    if old == new:
        return {}
    with database.atomic():
        moved = Person.update(afdeling=new).where(Person.afdeling == old).execute()
        Department.update(name=new, key=key(new)).where(Department.id == department.id).execute()
        security_log.record("afdeling_hernoemd", actor, None,
                            f"‘{old}’ heet nu ‘{new}’ ({_people(moved)})")
    department.name, department.key = new, key(new)
    return {}


def merge(source: Department, target: Department, actor) -> int:
    """Move everyone of source into target and remove source; returns how many people moved."""
    from . import security_log

    if source.id == target.id:
        raise ValueError("a department cannot be merged into itself")
    with database.atomic():
        moved = Person.update(afdeling=target.name).where(Person.afdeling == source.name).execute()
        Department.delete().where(Department.id == source.id).execute()
        security_log.record("afdelingen_samengevoegd", actor, None,
                            f"‘{source.name}’ opgegaan in ‘{target.name}’ ({_people(moved)} verplaatst)")
    return moved


def remove(department: Department) -> str:
    """Remove an empty department; the Dutch reason when it is not empty."""
    with database.atomic():
        n = people_in(department)
        if n:
            return (f"In ‘{department.name}’ zit{'ten' if n != 1 else ''} nog {_people(n)}. Voeg de afdeling "
                    "samen met een andere, of geef hen eerst een andere afdeling.")
        department.delete_instance()
    return ""


def _people(n: int) -> str:
    return f"{n} {'persoon' if n == 1 else 'personen'}"
