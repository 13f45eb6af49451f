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
runs it overlaps, by the run's place and their own name. Three small queries however deep the page
(the first gives the list's count too), and the people sorted are those of a few teams. Only for the
whole list: a search narrows it to a thousand people at most (pop/listing.py found()), which the
database sorts as before. One manager with everyone under them would sort everyone again, without the
join."""
from __future__ import annotations

from peewee import Case, fn

from .models import Person


class Runs:
    """The list's people per manager, counted once per request: total, and page() for paginate."""

    def __init__(self):
        sizes = dict(Person.select(Person.manager, fn.COUNT(Person.id)).group_by(Person.manager).tuples())
        self._without = sizes.pop(None, 0)
        # The managers by name in the database's order (its collation, as the one query had), equal names
        # together. By their ids, not joined: PostgreSQL joined the counts with every person read whole
        # (8 ms at 10,000 against 4 for the two queries; SQLite 1 against 2).
        names = (Person.select(Person.id, Person.achternaam, Person.voornaam)
                 .where(Person.id.in_(list(sizes))).order_by(Person.achternaam, Person.voornaam)
                 .tuples()) if sizes else []
        self._runs: list[tuple[tuple, list[int], int]] = []
        for manager_id, *name in names:
            if self._runs and self._runs[-1][0] == name:
                self._runs[-1][1].append(manager_id)
                self._runs[-1] = (name, self._runs[-1][1], self._runs[-1][2] + sizes[manager_id])
            else:
                self._runs.append((name, [manager_id], sizes[manager_id]))
        self.total = sum(sizes.values()) + self._without

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
