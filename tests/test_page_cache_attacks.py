"""Attacks on the whole plan pages kept per app (pop/fragments.py page()): whatever a kept page shows
that its key does not hold would be stale, or another person's. Each test here failed before the fix
named in its docstring."""
from conftest import text_of
from pop import fragments
from support import as_post, part_url, shown_values, stored


def test_an_answer_that_reads_like_the_token_mark_is_shown_and_saved_as_typed(app, org, login):
    """The CSRF token went into a kept page wherever a fixed mark stood, answers included: an answer
    holding that mark showed the reader's own token instead, and saving the page as shown stored it.
    Now the mark is new for every page drawn, and nobody can have typed it."""
    anna = login(org["a"])
    fase2 = part_url(org["plan_a"], "fase-2")
    typed = "Zie csrf-token-van-dit-verzoek-7f3c9a hierboven"
    shown = as_post(shown_values(anna.get(fase2)))
    assert anna.post(fase2, data={**shown, "pop_wat": typed, "go": "stay"}).status_code == 302
    anna.get("/")  # "Opgeslagen." shown: the part page after it is drawn to be kept
    for _ in range(2):  # drawn, then the page kept
        page = anna.get(fase2)
        assert page.status_code == 200
        assert shown_values(page)["pop_wat"] == typed
    # Saved again as shown, unchanged: the answer stays as typed.
    assert anna.post(fase2, data={**as_post(shown_values(page)), "go": "stay"}).status_code == 302
    assert stored(app, org["plan_a"])["pop_wat"] == typed
    assert len(fragments.pages_of(app)) > 0  # the attack went through a kept page
