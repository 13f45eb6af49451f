"""Lists that scale: HR's and a manager's long lists (plans, people, budgets, the matrix) one page at a
time, sorted by a column, searched by name, e-mail address or personeelsnummer. The state is in the
page's address, so a view can be bookmarked, passed on or reloaded, and every link of the page keeps
whatever else the address holds (the filters of the list):

- ``sorteer=<key>&richting=af``: sort by a column, descending. Only the keys a list declares (its
  Sort columns) are read; anything else falls back to the list's default order, so no column name in an
  address ever reaches the database. Every order ends in the rows' ids, so a page boundary cannot move
  between two rows that are equal in the sorted column.
- ``pagina=<n>``: 1 up to the last page; 0, a negative number or text gives the first page, a page
  beyond the last (or an absurdly large number) the last one. Never an error.
- ``aantal=<n>``: rows per page, PAGE_SIZE unless asked, always between MIN_SIZE and MAX_SIZE.
- ``zoek=<text>``: every word must be found (any case, anywhere in it) in the first name, tussenvoegsel,
  surname, e-mail address or personeelsnummer, so "de Vries", "Vries" and "hanna vries" all find Hanna
  de Vries. At most SEARCH_WORDS words of SEARCH_CHARS characters in all are read. Any letter's case is
  folded (É finds é), but on SQLite in a word of one or two letters, which has no trigram and is sought
  by LIKE: there ASCII letters only.

A page costs two queries however long the list: its rows and the number of rows (for "Pagina 2 van
40"); what a row shows of other tables is joined in, or read for the page's rows in one more query. A
search adds one, once per request whatever the number of lists on the page: the people it finds
(found()); through a trigram index on PostgreSQL (m0021, searched_text()) and on SQLite (m0023's FTS5
table)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import g, has_request_context
from peewee import SQL, Ordering, PostgresqlDatabase, fn
from werkzeug.datastructures import MultiDict

from .db import database
from .models import Person

PAGE_SIZE = 50
MIN_SIZE, MAX_SIZE = 10, 200
SEARCH_WORDS = 5
SEARCH_CHARS = 100
SEARCH_TABLE = "person_search"  # SQLite's trigram index of the searched text (m0023)
FOUND_IDS = 1000  # the people a search may find for the lists to narrow by their ids (found())
# A page number with more digits than this is "beyond the last page", not a number to compute with.
_NUMBER = re.compile(r"\s*([+-]?[0-9]{1,9})\s*")
_DIGITS = re.compile(r"\s*\+?[0-9]+\s*")


@dataclass(frozen=True)
class Sort:
    """A column a list may be sorted by. order: the expressions sorted in the direction asked; then:
    those that order rows equal in them, ascending unless given as .desc() (the ids are added by the
    list);
    descending_first: the first click sorts newest or largest first (periods, dates)."""

    key: str
    label: str
    order: tuple
    then: tuple = ()
    descending_first: bool = False
    # Empty values (no budget, not placed) after the others in both directions, on every database
    # (SQLite puts NULL first, PostgreSQL last).
    empty_last: bool = False

    def ordering(self, descending: bool) -> list:
        nulls = {"nulls": "LAST"} if self.empty_last else {}
        return [e.desc(**nulls) if descending else e.asc(**nulls) for e in self.order] + [
            e if isinstance(e, Ordering) else e.asc() for e in self.then]


def page_number(text: str | None, pages: int) -> int:
    """The page asked for, between 1 and pages."""
    text = text or ""
    match = _NUMBER.fullmatch(text)
    if match:
        return min(max(1, int(match.group(1))), pages)
    return pages if _DIGITS.fullmatch(text) else 1  # too many digits: beyond any last page


def page_size(text: str | None) -> int:
    match = _NUMBER.fullmatch(text or "")
    if not match:
        return PAGE_SIZE
    return min(max(MIN_SIZE, int(match.group(1))), MAX_SIZE)


def search_words(text: str | None) -> list[str]:
    return " ".join((text or "")[:SEARCH_CHARS].split()).split()[:SEARCH_WORDS]


def search_text(args) -> str:
    """The search as the page shows it back: the words that are read, single spaces."""
    return " ".join(search_words(args.get("zoek")))


def person_matches(text: str | None, person=Person):
    """Where-clause: every word of the search in a name part, the e-mail address or the personeelsnummer
    of `person` (the model or an alias of it); None for an empty search. On PostgreSQL each word is
    sought in searched_text(), the expression m0021's trigram index holds; on SQLite a word of three
    letters or more in m0023's trigram table (_indexed()), a shorter one (no trigram) in each column
    (five LIKEs take half the time of one on the joined text)."""
    postgres = isinstance(getattr(database, "obj", None), PostgresqlDatabase)
    indexed = not postgres and _indexed()
    clause = None
    for word in search_words(text):
        if postgres:
            found = searched_text(person).contains(word)
        elif indexed and len(word) >= 3:
            phrase = '"' + word.replace('"', '""') + '"'  # the word as it is: no FTS5 query syntax
            found = person.id.in_(SQL(f"(SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?)", [phrase]))
        else:
            found = (person.voornaam.contains(word) | person.tussenvoegsel.contains(word)
                     | person.achternaam.contains(word) | person.email.contains(word)
                     | person.personeelsnummer.contains(word))
        clause = found if clause is None else clause & found
    return clause


def merge_search_index() -> None:
    """m0023's trigram table forgets a row by writing a marker over it: the trigrams of the old text stay
    in the table's older segments, readable in the database file, until FTS5 merges them. An erasure
    (pop/retention.py) merges them at once ('optimize'), so an erased name leaves no trace there."""
    if isinstance(getattr(database, "obj", None), PostgresqlDatabase) or not _indexed():
        return
    database.execute_sql(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('optimize')")


def _indexed() -> bool:
    """Whether this SQLite database has m0023's trigram table (an SQLite without FTS5's trigram tokenizer
    has none), asked once per request."""
    cache = g if has_request_context() else None
    known = getattr(cache, "pop_search_table", None)
    if known is None:
        known = bool(database.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                          (SEARCH_TABLE,)).fetchone())
        if cache is not None:
            cache.pop_search_table = known
    return known


def searched_text(person=Person):
    """The searched columns as one text, a space between them (a word has none, so it is found in one
    of them as before): on PostgreSQL the expression of the search's trigram index, exactly as m0021
    writes it (SEARCHED_TEXT there). One index over the joined text is used where five, one per column,
    were passed over for reading the whole table: 1 ms against 25 at 10,000 people."""
    return (person.voornaam.concat(" ").concat(person.tussenvoegsel).concat(" ").concat(person.achternaam)
            .concat(" ").concat(person.email).concat(" ").concat(fn.COALESCE(person.personeelsnummer, "")))


def search(query, text: str | None, person=Person):
    """query narrowed to the people (or their plans, budgets...) the search finds: by their ids when
    found() knows them, else by the words themselves."""
    clause = person_matches(text, person)
    if clause is None:
        return query
    ids = found(text)
    return query.where(clause) if ids is None else query.where(person.id.in_(ids or [0]))


def found(text: str | None) -> list[int] | None:
    """The ids of the people a search finds, looked up once per request (flask.g): a page's lists each
    count their rows and read a page of them (HR's first page: the plans, and the people without one),
    and where no index serves a word inside a text (a word of one or two letters; PostgreSQL without
    pg_trgm, SQLite without FTS5) each of those queries read every person again: four passes over 10,000
    people for one search. Now one, and
    each query finds its people by their ids. None when the search finds more than FOUND_IDS people (a
    list of ids that long costs more than the pass it saves: the words narrow the query then)."""
    words = tuple(search_words(text))
    if not words:
        return None
    cache = g.setdefault("pop_search_ids", {}) if has_request_context() else {}
    if words not in cache:
        ids = [i for (i,) in Person.select(Person.id).where(person_matches(text))
               .limit(FOUND_IDS + 1).tuples()]
        cache[words] = ids if len(ids) <= FOUND_IDS else None
    return cache[words]


@dataclass
class Page:
    """One page of a list, and the links of its pager and column headings."""

    rows: list
    number: int
    pages: int
    total: int
    size: int
    sort: str  # the Sort key in use
    descending: bool
    sorts: dict[str, Sort]
    default: str
    path: str
    args: MultiDict
    prefix: str = ""  # of the page and sort parameters, for a second list on the same page
    extra: dict = field(default_factory=dict)  # what the view computed for the page's rows

    @property
    def first(self) -> int:
        """The position of the page's first row (1-based; 0 when the list is empty)."""
        return 0 if not self.total else (self.number - 1) * self.size + 1

    @property
    def last(self) -> int:
        return min(self.number * self.size, self.total)

    def url(self, **changes) -> str:
        """This page's address with parameters changed (None removes one), every other kept."""
        args = MultiDict(self.args)
        for name, value in changes.items():
            args.poplist(name)
            if value is not None and value != "":
                args[name] = str(value)
        query = urlencode(list(args.items(multi=True)))
        return self.path + ("?" + query if query else "")

    def page_url(self, number: int) -> str:
        return self.url(**{self.prefix + "pagina": number if number > 1 else None})

    def sort_url(self, key: str) -> str:
        """The heading's link: sort by this column, or the other way round when it is the column in
        use; back to the first page either way."""
        if key == self.sort:
            descending = not self.descending
        else:
            descending = self.sorts[key].descending_first
        default_direction = self.sorts[key].descending_first
        default_order = key == self.default and descending == default_direction
        return self.url(**{self.prefix + "sorteer": None if default_order else key,
                           self.prefix + "richting": None if descending == default_direction
                           else ("af" if descending else "op"),
                           self.prefix + "pagina": None})

    def aria_sort(self, key: str) -> str:
        if key != self.sort:
            return "none"
        return "descending" if self.descending else "ascending"

    def kept(self, *names: str) -> list[tuple[str, str]]:
        """(name, value) of the parameters a filter form does not hold itself, for hidden inputs: a new
        search or filter keeps the order, and starts at the first page."""
        skip = set(names) | {"pagina", self.prefix + "pagina"}
        return [(k, v) for k, v in self.args.items(multi=True) if k not in skip and not k.endswith("-pagina")]


def paginate(query, args, sorts: list[Sort], default: str, ids: tuple, path: str,
             prefix: str = "", counted=None, total: int | None = None, walks: dict | None = None) -> Page:
    """A page of query (filtered already), sorted as the address asks. ids: the expressions that end
    every order (the rows' ids), so that it is total. prefix: of the page and sort parameters, for a
    second list on the same page. counted: the same rows without what query joins only to sort them
    (counting and reading the page's rows then skip it); total: their number, when the page knows it
    already (the same count shown elsewhere on it). walks: {sort key: a function (descending, offset,
    size) -> the page's ids in that order}, for an order no index serves that the view can find a page
    of without sorting every row (pop/manager_order.py)."""
    by_key = {s.key: s for s in sorts}
    asked = args.get(prefix + "sorteer", "")
    sort = by_key.get(asked) or by_key[default]
    direction = args.get(prefix + "richting", "")
    descending = direction == "af" if direction in ("op", "af") else sort.descending_first
    size = page_size(args.get("aantal"))
    if total is None:
        total = (query if counted is None else counted).order_by().count()
    pages = max(1, -(-total // size))
    number = page_number(args.get(prefix + "pagina"), pages)
    order = sort.ordering(descending) + [e.asc() for e in ids]
    rows = []
    if total:
        # The order and the page are found on the rows' ids alone, then those rows read: a sort that no
        # index gives then moves ids, not whole rows of every table joined in (several times faster
        # for a deep page of a large list).
        identity = ids[0]
        walk = (walks or {}).get(sort.key)
        if walk is not None:
            page_ids = walk(descending, (number - 1) * size, size)
        else:
            page_ids = [i for (i,) in query.select(identity).order_by(*order).paginate(number, size).tuples()]
        # Then those rows are read by their ids alone: the ids were found with every condition of the
        # query, which read again would cost what finding them did (the people without a plan: the
        # period's plans gathered once more, a third of a search page's time at 10,000 people). The
        # joins stay (their conditions are in ON); no list of a page groups its rows.
        rows_of = (query if counted is None else counted).clone()
        rows_of._where = None
        found = {row.id: row for row in rows_of.where(identity.in_(page_ids or [0])).order_by()}
        rows = [found[i] for i in page_ids if i in found]
    return Page(rows=rows, number=number, pages=pages, total=total, size=size, sort=sort.key,
                descending=descending, sorts=by_key, default=default, path=path, args=MultiDict(args),
                prefix=prefix)
