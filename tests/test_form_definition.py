"""The form definition against the paper form it was transcribed from (shared/seeds/003_…)."""
import os
import re
from pathlib import Path

import pytest

from forms import FORMS
from forms.kinds import Field, Matrix, Table
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


def test_every_text_of_the_definition_stands_on_the_paper(paper):
    texts = [normalise(t) for t in POP_UITGEBREID.texts() if t and t.strip()]
    assert len(texts) > 150, "texts() yields suspiciously few texts"
    missing = sorted({t for t in texts if t not in paper and t not in DELIBERATE})
    assert not missing, "texts not on the paper form (typo in the transcription?):\n" + "\n".join(missing)


def test_deliberate_deviations_are_still_deviations(paper):
    """The allowlist stays honest: each entry is used by the definition and is really not on paper."""
    texts = {normalise(t) for t in POP_UITGEBREID.texts() if t}
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
        "gegevens", "fase-1", "fase-2", "fase-3", "fase-4", "afronding"]
    for part in POP_UITGEBREID.parts:
        assert part.title and part.nav_title and part.sections, part.key
