"""HR's list of people sorted by their manager's name (/mensen/?sorteer=leidinggevende), a page found
without sorting everyone.

The order is the list's (pop/views/people.py, PEOPLE_SORTS): the manager's achternaam and voornaam in
the direction asked, the people without a manager last both ways; then, ascending either way, the
person's own achternaam, voornaam and id. Two managers of one name make one run: their reports mixed,
by their own names.

Sorted by the database in one query, a deep page sorted all 10,000 people joined with their managers
in a temporary b-tree (22-33 ms on SQLite) to return fifty of them. Managers are few (one per team of
some fifteen), so Runs counts each one's people from the index on manager_id, with the managers sorted
by name by the database (its collation decides, as before); a page then sorts only the people of the
runs it overlaps, by the run's place and their own name. Two small queries however deep the page (the
first gives the list's count too), and the people sorted are those of a few teams. Only for the
whole list: a search narrows it to a thousand people at most (pop/listing.py found()), which the
database sorts as before. One manager with everyone under them would sort everyone again, without the
join."""
from __future__ import annotations

from peewee import SQL, Case, fn

from .db import Prepared
from .models import Person


def _sizes_by_name():
    """(manager id, how many people, the manager's surname, first name) by name, and (None, the people
    without a manager, NULL, NULL). The names looked up per manager: joined, PostgreSQL read every person
    whole for 628 managers (8 ms at 10,000 people against 4.5; SQLite 2 against 2.5); and no list of
    ids (peewee took 2.5 ms to write 627 of them)."""
    manager = Person.alias("leidinggevende")
    sizes = (Person.select(Person.manager.alias("manager_id"), fn.COUNT(Person.id).alias("n"))
             .group_by(Person.manager).alias("sizes"))
    name = [manager.select(column).where(manager.id == sizes.c.manager_id).alias(alias)
            for column, alias in ((manager.achternaam, "surname"), (manager.voornaam, "first_name"))]
    return sizes.select_from(sizes.c.manager_id, sizes.c.n, *name).order_by(SQL("surname"), SQL("first_name"))


_SIZES = Prepared(_sizes_by_name, 0)


class Runs:
    """The list's people per manager, counted once per request: total, and page() for paginate."""

    def __init__(self):
        self._runs: list[tuple[tuple, list[int], int]] = []
        self._without = 0
        # In the database's order of the names (its collation, as the one query had), equal names together.
        for manager_id, n, *name in _SIZES.cursor()[0].fetchall():
            if manager_id is None:
                self._without = n
            elif self._runs and self._runs[-1][0] == name:
                self._runs[-1][1].append(manager_id)
                self._runs[-1] = (name, self._runs[-1][1], self._runs[-1][2] + n)
            else:
                self._runs.append((name, [manager_id], n))
        self.total = sum(n for _, _, n in self._runs) + self._without

    def runs(self, descending: bool) -> list[tuple[list[int], int]]:
        """[(the managers of one name, how many people they have together)] in the order of the list,
        ending with ([], the people without a manager). Descending is the ascending order reversed:
        equal names are one run either way."""
        runs = [(managers, n) for _, managers, n in self._runs]
        return (runs[::-1] if descending else runs) + [([], self._without)]

    def page(self, descending: bool, offset: int, size: int) -> list[int]:
        """The ids of the people at offset .. offset + size in the list's order."""
        start, rank_of, without, skip = 0, [], False, None
        for rank, (managers, n) in enumerate(self.runs(descending)):
            if n and start + n > offset and start < offset + size:
                skip = offset - start if skip is None else skip
                if managers:
                    rank_of += [(manager_id, rank) for manager_id in managers]
                else:
                    without = True
            start += n
        if skip is None:
            return []
        wanted = Person.manager.in_([m for m, _ in rank_of]) if rank_of else None
        if without:
            wanted = Person.manager.is_null() if wanted is None else wanted | Person.manager.is_null()
        # The runs' places; the people without a manager (NULL matches no WHEN) after every run.
        place = (Case(Person.manager, rank_of, len(self._runs)),) if rank_of else ()
        return [i for (i,) in Person.select(Person.id).where(wanted)
                .order_by(*place, Person.achternaam, Person.voornaam, Person.id)
                .limit(size).offset(skip).tuples()]
