"""How well the blank-form mapper proposes on the corpus of tests/blank_forms: per file, the expected
places found (a place HR can correct), those proposed with the right question, and places proposed
where the corpus expects none. Used by tests/test_blank_corpus.py and printed by
`.venv/bin/python tests/blank_measure.py`."""
from __future__ import annotations

import difflib
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exports.field_names import loose  # noqa: E402
from exports.uploads.blank import propose  # noqa: E402
from exports.uploads.blank.match import ROWS, plain  # noqa: E402
from forms import FORMS  # noqa: E402


@dataclass
class Score:
    expected: int = 0
    found: int = 0  # aligned with a place of the proposal
    right: int = 0  # and proposed with the expected question (and a table's columns)
    extra_proposed: int = 0  # places the corpus does not have, proposed with a question
    misses: list = field(default_factory=list)

    def add(self, other: "Score") -> None:
        self.expected += other.expected
        self.found += other.found
        self.right += other.right
        self.extra_proposed += other.extra_proposed
        self.misses += other.misses


def key(label: str) -> str:
    return loose(plain(label)) or loose(label)


def score_file(blank) -> tuple[Score, dict[str, Score]]:
    definition = FORMS[blank.form_key]
    proposal = propose(blank.data, blank.kind, definition)
    places = proposal.places
    matcher = difflib.SequenceMatcher(None, [key(e.label) for e in blank.expected],
                                      [key(p.label) for p in places], autojunk=False)
    pairs = {}
    for block in matcher.get_matching_blocks():
        for i in range(block.size):
            pairs[block.a + i] = block.b + i
    total, per_kind = Score(), defaultdict(Score)
    used = set(pairs.values())
    for i, exp in enumerate(blank.expected):
        kind = _kind(exp, definition)
        s = Score(expected=1)
        j = pairs.get(i)
        if j is not None:
            s.found = 1
            place = places[j]
            ok = place.target == exp.target
            if ok and exp.columns:
                got = {place.headers[index]: column for index, column in place.columns.items()}
                ok = got == exp.columns
            s.right = int(ok)
            if not ok:
                s.misses.append(f"{blank.name}: {exp.label!r} → {place.target} (verwacht {exp.target})")
        else:
            s.misses.append(f"{blank.name}: {exp.label!r} niet gevonden (verwacht {exp.target})")
        total.add(s)
        per_kind[kind].add(s)
    for j, place in enumerate(places):
        if j not in used and place.target:
            total.extra_proposed += 1
            total.misses.append(f"{blank.name}: extra plaats {place.label!r} ({place.where}) → {place.target}")
    return total, per_kind


def _kind(exp, definition) -> str:
    from exports.uploads.blank.match import targets
    shapes = {t.path: t.shape for t in targets(definition)}
    return {"tick": "vakje", "rows": "tabel"}.get(shapes.get(exp.target), "antwoord")


def measure(corpus):
    by_style, by_kind, total = defaultdict(Score), defaultdict(Score), Score()
    for blank in corpus:
        s, kinds = score_file(blank)
        by_style[blank.style].add(s)
        for kind, ks in kinds.items():
            by_kind[kind].add(ks)
        total.add(s)
    return total, by_style, by_kind


def report(total, by_style, by_kind) -> str:
    def line(name, s):
        return (f"{name:18} {s.expected:5} plaatsen  gevonden {s.found / max(s.expected, 1):6.1%}  "
                f"goed voorgesteld {s.right / max(s.expected, 1):6.1%}  extra voorgesteld {s.extra_proposed}")
    lines = [line(k, v) for k, v in sorted(by_style.items())]
    lines += [line(k, v) for k, v in sorted(by_kind.items())]
    lines.append(line("totaal", total))
    return "\n".join(lines)


if __name__ == "__main__":
    from tests.blank_forms.make import corpus
    total, by_style, by_kind = measure(corpus())
    print(report(total, by_style, by_kind))
    if "-v" in sys.argv:
        print("\n".join(total.misses))
