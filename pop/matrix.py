"""The performance/potential matrix (seed 004 §1.3 "De medewerker" and §1.4 "Welk gesprek met wie?"): a
manager places each of their current reports on prestaties (+/–) and potentie (+/–) per period, which
puts them in one of four quadrants with the conversations the seed recommends for it.

Who sees a placement: the person's current manager (Person.manager, as for plans: a former manager loses
it when HR moves the report) and HR. Never the person themself: a manager does not see where their own
manager placed them, and nothing here is read by the plan pages or the exports. Placements live in their
own table (Placement), never among a plan's answers.

In the seed's matrix prestaties is the vertical axis (+ at the top) and potentie the horizontal one
(+ on the right): Solid Citizens top left, High potentials top right, Breaksmen bottom left, Learners
bottom right. Every text below is the seed's, verbatim."""
from __future__ import annotations

import re
from dataclasses import dataclass

from peewee import JOIN, fn

from . import listing
from .access import acts_as_manager, is_hr
from .db import write_lock
from .models import Person, Placement, now

AXIS = {"plus": "+", "min": "–"}  # stored value -> what the page shows

INTRO = ("Door je medewerkers in te delen met als referenties prestatie en potentie kom je tot een "
         "aanbeveling met betrekking tot de diverse gesprekken. Daarna is ieder mens en iedere situatie "
         "uniek, dus bepaalt daardoor je uiteindelijk beslissing.")
SELECTION = ("En het selectiegesprek voer je met sollicitanten voor de vrijgekomen functies van de "
             "uitstromers (als die functies nog bestaansrecht hebben) of bij uitbreiding van de "
             "organisatie.")


@dataclass(frozen=True)
class Quadrant:
    key: str
    name: str
    prestaties: str  # plus | min
    potentie: str
    group: str  # "De middengroep:" ...
    traits: tuple[str, ...]  # §1.3
    advice: str  # §1.4, the text above the conversations
    talks: tuple[str, ...]  # §1.4 "Welk gesprek met wie?"


QUADRANTS: tuple[Quadrant, ...] = (
    Quadrant(
        "solid-citizens", "Solid Citizens (70%)", "plus", "min", "De middengroep:",
        ("gemiddelde potentie", "goede prestaties", "de dragende krachten",
         "valkuil: weinig management input (gaan zelf hun gang),", "kans op demotivatie"),
        "De middengroep: vaak de grootste en belangrijkste groep voor de bedrijfscontinuïteit.",
        ("Coachingsgesprek bij nieuwe producten/activiteiten", "Evaluatiegesprek",
         "zonodig Correctiegesprek")),
    Quadrant(
        "high-potentials", "High potentials", "plus", "plus", "De sterren:",
        ("veel potentie", "hoge prestaties", "zoeken nieuwe uitdagingen",
         "coachen/maatschappelijk aandeel leveren", "doorstromers en uitstromers"),
        "De sterren: van profiteren zolang er wederzijdse belangen zijn.",
        ("Coachingsgesprek", "POP-gesprek", "Evaluatiegesprek", "zonodig Correctiegesprek",
         "bij afscheid: Exitgesprek")),
    Quadrant(
        "breaksmen", "Breaksmen", "min", "min", "De remmers:",
        ("weinig potentie", "onvoldoende prestaties", "valkuil:veel management input, minimale output"),
        "De remmers: zijn een belediging voor de anderen. Dossier opbouwen afscheid nemen.",
        ("Correctiegesprek", "Evaluatiegesprek", "Exitgesprek")),
    Quadrant(
        "learners", "Learners", "min", "plus", "De lerenden:",
        ("veel potentie", "redelijk goede prestaties", "halen nog niet alles eruit wat erin zit",
         "begeleiden en coachen"),
        "De lerenden: kunnen door professionele aandacht beter presteren.",
        ("Coachingsgesprek", "POP-gesprek", "Evaluatiegesprek", "zonodig Correctiegesprek")),
)
BY_AXES = {(q.prestaties, q.potentie): q for q in QUADRANTS}

PERIOD = re.compile(r"^[0-9A-Za-z /–-]{1,30}$")  # as a plan's period (forms.accounts.NewPlanForm)
PERIOD_MESSAGE = "Gebruik cijfers, letters, spaties of een streepje, bijvoorbeeld 2026."
BOTH_NEEDED = "Kies zowel prestaties als potentie, of laat beide leeg."
UNKNOWN_VALUE = "Kies + of –."


def quadrant_of(prestaties: str, potentie: str) -> Quadrant | None:
    return BY_AXES.get((prestaties, potentie))


def may_use(user: Person) -> bool:
    return is_hr(user) or acts_as_manager(user)


def placeable(user: Person, afdeling: str = ""):
    """Whom this user sees (and places) in the matrix, as a query of Person: a manager their current
    reports, HR everyone active (of one department, when chosen); never the user themself. None for
    anyone else."""
    query = Person.select().where((Person.active == True) & (Person.id != user.id))  # noqa: E712
    if is_hr(user):
        return query.where(Person.afdeling == afdeling) if afdeling else query
    if acts_as_manager(user):
        return query.where(Person.manager == user.id)
    return None


def placeable_people(user: Person, afdeling: str = "") -> list[Person]:
    query = placeable(user, afdeling)
    return [] if query is None else list(query.order_by(Person.achternaam, Person.voornaam))


# The groups a list can be narrowed to: a quadrant, or not placed yet in the period.
NOT_PLACED = "niet-ingedeeld"
GROUP_FILTERS = {**{q.key: q.name for q in QUADRANTS}, NOT_PLACED: "Nog niet ingedeeld"}
NAME = (Person.achternaam, Person.voornaam)
# What the page shows of a person (and its form reads: the id): not their password hash, dates and so on.
SHOWN = (Person.id, Person.voornaam, Person.tussenvoegsel, Person.achternaam, Person.functie, Person.afdeling)
SORTS = [
    listing.Sort("naam", "Medewerker", NAME),
    listing.Sort("prestaties", "Prestaties", (Placement.prestaties,), NAME, empty_last=True),
    listing.Sort("potentie", "Potentie", (Placement.potentie,), NAME, empty_last=True),
    listing.Sort("groep", "Groep en aanbevolen gesprekken", (Placement.prestaties, Placement.potentie), NAME,
                 empty_last=True),
]


def in_group(query, period: str, group: str):
    """query (of Person, joined with the period's Placement) narrowed to a group of GROUP_FILTERS."""
    quadrant = next((q for q in QUADRANTS if q.key == group), None)
    if quadrant is not None:
        return query.where((Placement.prestaties == quadrant.prestaties) & (Placement.potentie == quadrant.potentie))
    if group == NOT_PLACED:
        return query.where(Placement.id.is_null())
    return query


def people_page(people, period: str, group: str, args, path: str, counts: dict | None = None) -> listing.Page:
    """A page of the people to place (pop.listing), sortable by name and placement; page.extra holds
    their placements ({person id: Placement}, with who placed them). counts: quadrants() of the same
    people, whose count of a group is the page's total when the list is narrowed to it (not counted
    twice)."""
    query = in_group(people.select(*SHOWN).join(Placement, JOIN.LEFT_OUTER, on=(
        (Placement.person == Person.id) & (Placement.period == period))), period, group)
    total = counts[group][0] if counts and group in counts else None
    page = listing.paginate(query, args, SORTS, "naam", (Person.id,), path, total=total)
    page.extra["placements"] = placements_for(page.rows, period)
    return page


# A quadrant of the matrix names this many of its people; the rest are a link to the list of them.
QUADRANT_NAMES = 12


def quadrants(people, period: str, everyone_but: int | None = None) -> dict[str, tuple[int, list[Person]]]:
    """Per quadrant key: how many of people (a query of Person) are placed there in the period, and the
    first QUADRANT_NAMES of them by name. Five queries however many people. everyone_but: the user's id
    when people are everyone active but them (whole_organisation()): see cell_counts()."""
    placed = people.select(*SHOWN).join(Placement, on=(
        (Placement.person == Person.id) & (Placement.period == period)))
    counts = cell_counts(placed, period, everyone_but)
    found = {}
    for q in QUADRANTS:
        n = counts.get((q.prestaties, q.potentie), 0)
        names = list(placed.where((Placement.prestaties == q.prestaties) & (Placement.potentie == q.potentie))
                     .order_by(*NAME, Person.id).limit(QUADRANT_NAMES)) if n else []
        found[q.key] = (n, names)
    return found


def whole_organisation(user: Person, afdeling: str, search: str) -> bool:
    """Whether placeable(user, afdeling) narrowed by the search is everyone active but the user: HR's
    matrix without a department or a search."""
    return is_hr(user) and not afdeling and not listing.search_words(search)


def cell_counts(placed, period: str, everyone_but: int | None) -> dict[tuple[str, str], int]:
    """{(prestaties, potentie): how many}: of placed (people joined with their placement of the period).
    For everyone active but the user (everyone_but: their id), the period's placements are counted from
    their index alone (placement_period_prestaties_potentie), less those of the few people left out
    (who left, and the user): asking of each of 6,500 placements whether its person is active took
    10 ms at 10,000 people on SQLite, this 1."""
    def per_cell(query) -> dict[tuple[str, str], int]:
        grouped = query.group_by(Placement.prestaties, Placement.potentie).tuples()
        return {(pr, po): n for pr, po, n in grouped}

    if everyone_but is None:
        return per_cell(placed.select(Placement.prestaties, Placement.potentie, fn.COUNT(Person.id)))
    of_period = Placement.select(Placement.prestaties, Placement.potentie, fn.COUNT(Placement.id)).where(
        Placement.period == period)
    counts = per_cell(of_period)
    left = Person.active == False  # noqa: E712
    left_out = Person.select(Person.id).where(left | (Person.id == everyone_but))
    for cell, n in per_cell(of_period.where(Placement.person.in_(left_out))).items():
        counts[cell] -= n
    return counts


def placements_for(people, period: str) -> dict[int, Placement]:
    ids = [p.id for p in people]
    if not ids:
        return {}
    found = {}
    placer = Person.alias()
    for start in range(0, len(ids), 500):
        query = (Placement.select(Placement.id, Placement.person, Placement.prestaties, Placement.potentie,
                                  Placement.placed_by, Placement.placed_at,
                                  placer.id, placer.voornaam, placer.tussenvoegsel, placer.achternaam)
                 .join(placer, JOIN.LEFT_OUTER, on=(Placement.placed_by == placer.id))
                 .where(Placement.person.in_(ids[start:start + 500]) & (Placement.period == period)))
        found.update({p.person_id: p for p in query})
    return found


def read_post(people, form) -> tuple[dict[int, tuple[str, str]], dict[str, str]]:
    """The placements posted for these people: ({person id: (prestaties, potentie) or ("", "")},
    {input name: Dutch message}). Inputs for anyone else are not read, and someone without inputs in the
    post is left out."""
    chosen, errors = {}, {}
    for person in people:
        if f"p{person.id}-prestaties" not in form and f"p{person.id}-potentie" not in form:
            continue  # not on the page that was posted (a report since): theirs stays as it is
        values = []
        for axis in ("prestaties", "potentie"):
            name = f"p{person.id}-{axis}"
            value = form.get(name, "")
            if value not in ("", "plus", "min"):
                errors[name] = UNKNOWN_VALUE
            values.append(value)
        if bool(values[0]) != bool(values[1]) and not errors.get(f"p{person.id}-prestaties") \
                and not errors.get(f"p{person.id}-potentie"):
            errors[f"p{person.id}"] = BOTH_NEEDED
        chosen[person.id] = tuple(values)
    return chosen, errors


def save_placements(chosen: dict[int, tuple[str, str]], period: str, by: Person) -> int:
    """Store every posted placement in one transaction: a changed one is updated (placed_by, placed_at
    become this user and now), an emptied one removed, an unchanged one left as it was. Returns the
    number changed."""
    changed = 0
    with write_lock():
        current = {p.person_id: p for p in Placement.select().where(
            Placement.person.in_(list(chosen) or [0]) & (Placement.period == period))}
        for person_id, (prestaties, potentie) in chosen.items():
            old = current.get(person_id)
            if not prestaties:
                if old is not None:
                    Placement.delete().where(Placement.id == old.id).execute()
                    changed += 1
                continue
            if old is not None and (old.prestaties, old.potentie) == (prestaties, potentie):
                continue
            (Placement.insert(person=person_id, period=period, prestaties=prestaties, potentie=potentie,
                              placed_by=by.id, placed_at=now())
             .on_conflict(conflict_target=[Placement.person, Placement.period],
                          update={Placement.prestaties: prestaties, Placement.potentie: potentie,
                                  Placement.placed_by: by.id, Placement.placed_at: now()})
             .execute())
            changed += 1
    return changed


def periods() -> list[str]:
    return sorted({p.period for p in Placement.select(Placement.period).distinct()}, reverse=True)
