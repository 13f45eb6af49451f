"""The form definition against the paper form it was transcribed from (shared/seeds/003_…).

The parts every form shares (forms/common.py: SMART on the goals, the POB costs, the conversation
checklist) come from other seeds; texts_by_seed() tells which seed each text must stand in, and this
module checks the paper's own texts against the paper, tests/test_seed_forms.py all of them against
their seeds (failing when a seed is missing)."""
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

from forms import FORMS
from forms.common import SMART_002, SMART_004
from forms.definition import FormDefinition, _item_texts
from forms.kinds import Costs, Field, Matrix, Smart, Table
from forms.pop_uitgebreid import POP_UITGEBREID

PAPER_NAME = "003_71ca0095a1902dfb.txt"

# Texts that deliberately differ from the paper (see README, "The paper forms").
DELIBERATE = {
    "Ontwikkeldoelen",  # the goals table has no heading on paper
    "Achteraf ‘bewijzen’ leveren",  # the paper's option reads "Achter ‘bewijzen’ leveren"
    "Datum voortgangsgesprek",  # the paper's progress talk has no date line
}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def seed_dirs():
    yield Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if os.environ.get("POP_SEEDS"):
        yield Path(os.environ["POP_SEEDS"])


SEED_OF_FORM = {"pop-uitgebreid": "003", "pop-compact": "000", "pop-tabel": "004", "pop-zes-stappen": "002"}


def texts_by_seed(definition: FormDefinition, own: str) -> dict[str, list[frozenset[str]]]:
    """Every text of the definition (normalised) -> per place it is shown, the seeds it may come from
    there: the form's own seed (own), except in the shared parts of forms/common.py: the conversation
    checklist part (cycle "gesprek") from 001, a Smart field from the seed of its letters (004 §2.4.1 or
    002 step 4), a Costs field from 003 (the cost aspects) or 004 (§2.5.2 POB, §2.10), the akkoord part
    from 003 as well. A text must stand in one of the seeds of each of its places."""
    found: dict[str, list[frozenset[str]]] = defaultdict(list)

    def add(texts, seeds):
        for text in texts:
            if text and text.strip() and frozenset(seeds) not in found[normalise(text)]:
                found[normalise(text)].append(frozenset(seeds))

    def add_item(item, seeds):
        if isinstance(item, Smart):
            letters = {SMART_004: "004", SMART_002: "002"}.get(item.letters)
            assert letters, f"{item.key}: SMART letters that are no set of forms/common.py"
            add(_item_texts(item), {letters})
        elif isinstance(item, Costs):
            add(_item_texts(item), {"003", "004"})
        elif isinstance(item, Table):
            add([item.label, item.intro, item.answer_label, *item.help, item.advice], seeds)
            for col in item.columns:
                add_item(col, seeds)
        else:
            add(_item_texts(item), seeds)

    add([definition.title], {own})
    for part in definition.parts:
        seeds = {"gesprek": {"001"}, "afronding": {own, "003"}}.get(part.cycle, {own})
        add([part.title, *part.intro, *part.intro_list, *part.intro_after], seeds)
        for section in part.sections:
            # A section that only holds the shared costs may take its title from their seeds.
            costs_only = section.items and all(isinstance(i, Costs) for i in section.items)
            add([section.title, *section.intro, *section.outro], seeds | {"003", "004"} if costs_only
                else seeds)
            for item in section.items:
                add_item(item, seeds)
    # Nothing the definition shows escapes the walk above.
    shown = {normalise(t) for t in definition.texts() if t and t.strip()}
    assert shown <= set(found), sorted(shown - set(found))
    return dict(found)


@pytest.fixture(scope="module")
def paper() -> str:
    for folder in seed_dirs():
        path = folder / PAPER_NAME
        if path.is_file():
            return normalise(path.read_text(encoding="utf-8"))
    message = (f"paper form {PAPER_NAME} not found in ../shared/seeds or $POP_SEEDS; "
               "set POP_SEEDS to the folder holding the seeds to run this check")
    if os.environ.get("CI"):  # CI has ../shared beside the clone: there the check must run
        pytest.fail(message)
    pytest.skip(message)


def paper_texts() -> list[str]:
    """The texts of the extended form that come from its paper (not from the shared parts)."""
    return sorted(t for t, places in texts_by_seed(POP_UITGEBREID, "003").items()
                  if frozenset({"003"}) in places)


def test_every_text_of_the_definition_stands_on_the_paper(paper):
    texts = paper_texts()
    assert len(texts) > 150, "texts() yields suspiciously few texts"
    missing = sorted({t for t in texts if t not in paper and t not in DELIBERATE})
    assert not missing, "texts not on the paper form (typo in the transcription?):\n" + "\n".join(missing)


def test_the_shared_parts_are_on_the_extended_form():
    """SMART on the goals, the POB costs in Fase II section 3 and the conversation checklist, each from
    its own seed (tests/test_seed_forms.py checks those texts); the paper's keys all stay."""
    goals = POP_UITGEBREID.field("ontwikkeldoelen")
    assert [c.key for c in goals.columns] == ["doel", "belang", "smart"]
    assert goals.column("smart").letters == SMART_004
    costs = POP_UITGEBREID.field(POP_UITGEBREID.costs_field)
    assert isinstance(costs, Costs)
    section3 = next(s for s in POP_UITGEBREID.part("fase-2").sections if s.title == "3. Wat gaat dit kosten?")
    assert costs in section3.items
    # Its aspects are those of the paper's ja/nee grid beside it.
    assert [(r.key, r.label, r.group) for r in costs.rows] == [
        (r.key, r.label, r.group) for r in POP_UITGEBREID.field("kosten").rows]
    assert [p.cycle for p in POP_UITGEBREID.parts].count("gesprek") == 1
    texts = texts_by_seed(POP_UITGEBREID, "003")
    assert frozenset({"001"}) in texts["Voorbereiding"] and texts["Tijdgebonden"] == [frozenset({"004"})]


# Every field key of the extended form before the shared parts came: a plan stored then keeps every
# answer only while each of these is still a field of the same kind.
KEYS_BEFORE = {
    "medewerker_naam": "text", "medewerker_afdeling": "text", "medewerker_functie": "text",
    "datum_pop_gesprek": "date", "leidinggevende_naam": "text", "leidinggevende_functie": "text",
    "kwaliteiten": "table", "meer_doen": "longtext", "nieuwe_ontwikkelingen": "longtext",
    "werk_over_3_jaar": "longtext", "nieuwe_eisen": "longtext", "voorbereiding_functie": "longtext",
    "ontwikkeldoelen": "table", "on_the_job": "matrix", "off_the_job": "matrix", "pop_wat": "longtext",
    "pop_hoe": "longtext", "pop_wanneer_voldaan": "longtext", "pop_ondersteuning": "longtext",
    "kosten": "matrix", "kosten_antwoord": "longtext", "wanneer_geleerd": "longtext",
    "evaluatie_optie": "choice", "evaluatie_vooraf": "longtext", "evaluatie_achteraf": "longtext",
    "voortgangsgesprekken": "table", "doelen_gehaald": "longtext", "hoe_geleerd": "longtext",
    "pop_afsluiten": "longtext", "volgend_gesprek": "choice", "volgend_gesprek_datum": "date",
    "akkoord_medewerker": "signature", "akkoord_leidinggevende": "signature",
}
COLUMNS_BEFORE = {"kwaliteiten": ["sterk", "verbeter"], "ontwikkeldoelen": ["doel", "belang"],
                  "voortgangsgesprekken": ["datum", "gedaan", "opgeleverd", "tevreden", "verder"]}


def test_no_stored_answer_loses_its_field():
    kinds = {f.key: f.kind for f in POP_UITGEBREID.fields}
    assert {k: kinds.get(k) for k in KEYS_BEFORE} == KEYS_BEFORE
    for key, columns in COLUMNS_BEFORE.items():
        table = POP_UITGEBREID.field(key)
        assert [c.key for c in table.columns][:len(columns)] == columns, key
    assert set(kinds) - set(KEYS_BEFORE) == {"kosten_pob", "gesprekken"}


def test_deliberate_deviations_are_still_deviations(paper):
    """The allowlist stays honest: each entry is used by the definition and is really not on paper."""
    texts = set(paper_texts())
    for text in DELIBERATE:
        assert text in texts, f"allowlisted text {text!r} is no longer in the definition"
        assert text not in paper, f"allowlisted text {text!r} is on the paper after all"


def test_paper_check_catches_a_typo(paper):
    """The comparison is sharp enough to see a one-letter slip."""
    assert "Hoe ziet uw werk er over 3 jaar uit?" in paper
    assert "Hoe ziet uw werk er over 3 jaren uit?" not in paper


@pytest.mark.parametrize("definition", FORMS.values(), ids=list(FORMS))
def test_field_keys_are_unique(definition):
    keys = [f.key for f in definition.fields]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


@pytest.mark.parametrize("definition", FORMS.values(), ids=list(FORMS))
def test_column_and_cell_keys_are_unique_within_their_field(definition):
    for field in definition.fields:
        if isinstance(field, Table):
            keys = [c.key for c in field.columns]
            assert len(keys) == len(set(keys)), field.key
            assert all(isinstance(c, Field) for c in field.columns)
        if isinstance(field, Matrix):
            rows = [r.key for r in field.rows]
            cols = [c for c, _ in field.columns]
            assert len(rows) == len(set(rows)), field.key
            assert len(cols) == len(set(cols)), field.key
            assert all("__" not in k for k in rows + cols), f"{field.key}: '__' joins cell keys"


@pytest.mark.parametrize("definition", FORMS.values(), ids=list(FORMS))
def test_every_part_has_a_url_safe_unique_key(definition):
    keys = [p.key for p in definition.parts]
    assert keys, "a form without parts"
    assert len(keys) == len(set(keys)), keys
    for key in keys:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key), f"part key {key!r} is not URL-safe"
        # The plan routes /plans/<id>/nieuw|afdrukken|status must not be shadowed by a part.
        assert key not in {"afdrukken", "status", "nieuw"}, key


def test_the_form_has_the_phases_of_the_paper():
    assert [p.key for p in POP_UITGEBREID.parts] == [
        "gegevens", "fase-1", "fase-2", "fase-3", "fase-4", "afronding", "gesprekken"]
    for part in POP_UITGEBREID.parts:
        assert part.title and part.nav_title and part.sections, part.key
