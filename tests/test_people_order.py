"""The order of HR's list of people by manager (/mensen/?sorteer=leidinggevende), pinned against an order
computed here from the rows, page by page (ten a page, so pages cross from one manager's people to the
next and to the people without a manager): the manager's surname and first name in the direction asked;
two managers of one name as one run, their people mixed by their own names; within a run, ascending
either way, by surname, first name and then id (two people of one name under one manager); the people
without a manager after everyone else in both directions, by name. Everyone is listed, inactive people
and those whose manager left too. With a search the list is the people found, in the same order."""
from __future__ import annotations

import re

import pytest

from app import create_app
from conftest import Client, PASSWORD, make_person
from databases import module_world, new_database_url
from pop.db import database
from pop.models import Person
from support import doc, every_page
from test_lists import use_database

# key: (first name, surname, the key of their manager or None, active)
PEOPLE = {
    "anna": ("Anna", "Bakker", None, True),
    "piet1": ("Piet", "Jansen", "anna", True),
    "piet2": ("Piet", "Jansen", "anna", True),  # a second manager of the same name
    "annaj": ("Anna", "Jansen", None, True),  # the same surname, an earlier first name
    "eva": ("Eva", "Mulder", "piet1", False),  # left, her people not moved yet
    "kees": ("Kees", "Zwart", None, True),  # a manager without anyone
    "cas1": ("Cas", "Kok", "piet1", True),
    "cas2": ("Cas", "Kok", "piet1", True),  # two people of one name under one manager
    "bram": ("Bram", "Aalbers", "piet2", True),
    "dirk": ("Dirk", "Kok", "piet2", True),
    "fien": ("Fien", "Evers", "piet1", False),  # inactive, listed
    "gert": ("Gert", "Aalbers", "annaj", True),
    "hein": ("Hein", "Claessen", "annaj", True),
    "ilse": ("Ilse", "Dekker", "eva", True),
    "joop": ("Joop", "Bakker", "eva", True),
    "karin": ("Karin", "Hendriks", "anna", True),
    "lars": ("Lars", "Aalbers", "anna", True),
    "mia": ("Mia", "Linden", None, True),
    "nina": ("Nina", "Aalbers", None, False),
    "otto": ("Otto", "Kok", "annaj", True),
    "rik": ("Rik", "Evers", "piet2", True),
    "sara": ("Sara", "Kok", "piet2", True),
    "tom": ("Tom", "Dekker", "piet1", True),
}


class Org:
    def __init__(self, tmp_path):
        self.app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                               "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                               "DATABASE_URL": new_database_url(tmp_path, "people_order")})
        use_database(self.app)
        with self.app.app_context(), database.connection_context():
            make_person("hr@order.test", "Henk", "Zuidema", role="hr", afdeling="HR")
            made: dict[str, Person] = {}
            for key, (first, last, manager, active) in PEOPLE.items():
                role = "leidinggevende" if any(m == key for _, _, m, _ in PEOPLE.values()) else "medewerker"
                made[key] = make_person(f"{key}@order.test", first, last, role=role,
                                        manager=made[manager] if manager else None)
            for key, (_, _, _, active) in PEOPLE.items():
                if not active:
                    Person.update(active=False).where(Person.id == made[key].id).execute()
        self.hr = Client(self.app)
        assert self.hr.login("hr@order.test", PASSWORD).status_code == 302


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    yield from module_world(Org, tmp_path_factory, "people_order")


@pytest.fixture(autouse=True)
def _db(org):
    use_database(org.app)


def expected(org, descending: bool, word: str | None = None) -> list[int]:
    """The ids in the order the list must show, computed from the rows as the module's docstring says."""
    with org.app.app_context():
        people = {p.id: p for p in Person.select()}
    listed = [p for p in people.values() if word is None or word in f"{p.voornaam} {p.achternaam}".lower()]
    by_name = sorted(listed, key=lambda p: (p.achternaam, p.voornaam, p.id))
    names = sorted({(people[p.manager_id].achternaam, people[p.manager_id].voornaam)
                    for p in listed if p.manager_id}, reverse=descending)
    runs = [[p for p in by_name if p.manager_id and
             (people[p.manager_id].achternaam, people[p.manager_id].voornaam) == name] for name in names]
    return [p.id for run in runs for p in run] + [p.id for p in by_name if not p.manager_id]


def shown(response) -> list[int]:
    assert response.status_code == 200
    return [int(re.search(r"/mensen/(\d+)$", a.get("href")).group(1))
            for a in doc(response).xpath('//table[@class="list"]/tbody/tr/td[1]/a')]


def paged(org, url: str) -> list[int]:
    """Every page of ten of the list, in turn, joined."""
    return every_page(org.hr, url, shown)


@pytest.mark.parametrize("direction", ["op", "af"])
def test_the_people_list_pages_in_the_order_of_their_managers_names(org, direction):
    order = expected(org, direction == "af")
    assert len(order) == len(PEOPLE) + 1  # HR too
    url = f"/mensen/?sorteer=leidinggevende&richting={direction}"
    assert paged(org, url) == order
    assert shown(org.hr.get(f"{url}&aantal=200")) == order
    page = org.hr.get(f"{url}&aantal=10&pagina=2")
    assert f"van {len(order)} " in doc(page).xpath('string(//p[@class="count"])') + " "


def test_the_order_spelled_out_for_a_reader(org):
    """Once by name, for a reader: both directions of the runs, the same order within each."""
    with org.app.app_context():
        key = {p.id: p.email.split("@")[0] for p in Person.select()}
    bakker = ["lars", "karin", "piet1", "piet2"]  # Anna Bakker's: Aalbers, Hendriks, both Piet Jansens by id
    jansen_anna = ["gert", "hein", "otto"]
    # both Piet Jansens' people in one run by their own names: the two Cas Koks by id, Eva (who left)
    jansen_piet = ["bram", "tom", "fien", "rik", "cas1", "cas2", "dirk", "sara", "eva"]
    mulder = ["joop", "ilse"]  # Eva Mulder left; her people are still hers
    without = ["nina", "anna", "annaj", "mia", "hr", "kees"]  # last both ways, Kees too (no one under him)
    up = [key[i] for i in shown(org.hr.get("/mensen/?sorteer=leidinggevende&aantal=200"))]
    assert up == bakker + jansen_anna + jansen_piet + mulder + without
    down = [key[i] for i in shown(org.hr.get("/mensen/?sorteer=leidinggevende&richting=af&aantal=200"))]
    assert down == mulder + jansen_piet + jansen_anna + bakker + without


def test_a_search_keeps_the_order(org):
    for direction in ("op", "af"):
        order = expected(org, direction == "af", word="kok")
        assert len(order) == 5
        assert shown(org.hr.get(f"/mensen/?zoek=kok&sorteer=leidinggevende&richting={direction}")) == order
