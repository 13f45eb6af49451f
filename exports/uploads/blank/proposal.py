"""The proposal HR confirms: per place found in the blank form, the question it will hold; and the
marked document once HR has confirmed or changed it."""
from __future__ import annotations

from dataclasses import dataclass

from . import excel, word
from .match import (ANSWER, GOOD_ENOUGH, ROWS, TICK, Place, Target, answer_scores, rows_scores,
                    targets, tick_scores)

ROWS_GOOD_ENOUGH = 0.5


@dataclass
class Proposal:
    places: list[Place]
    targets: list[Target]

    def choices(self, shape: str) -> list[Target]:
        """What HR may choose for a place of this shape."""
        return [t for t in self.targets if t.shape == shape]

    def unplaced(self) -> list[Target]:
        """The form's questions that got no place: one line per question, not per option."""
        placed = {p.target for p in self.places if p.target}
        keys = {_key(t) for t in self.targets if t.path in placed}
        seen, out = set(), []
        for t in self.targets:
            if t.key and t.key not in keys and t.key not in seen:
                seen.add(t.key)
                out.append(t)
        return out

    def unmatched(self) -> list[Place]:
        return [p for p in self.places if not p.target]


def _key(t: Target) -> str:
    return t.key or t.path


def _spots(data: bytes, fmt: str, definition, options: list[Target]):
    def likely_question(text: str) -> bool:
        text = text.strip()
        if text.endswith((":", "?")):
            return True
        place = Place("", ANSWER, text)
        return any(score >= GOOD_ENOUGH for score, _ in answer_scores(place, definition, options))

    def likely_rows(headers: list[str]) -> bool:
        return any(score >= ROWS_GOOD_ENOUGH for score, *_ in rows_scores(headers, options))

    reader = word if fmt == "docx" else excel
    return reader.walk(data, likely_question, likely_rows)


def propose(data: bytes, fmt: str, definition) -> Proposal:
    """Every place of a blank .docx or .xlsx form with the question proposed for it: each target goes
    to the place that fits it best, the best fits first, and a place nothing fits well enough is
    proposed as "niet invullen"."""
    options = targets(definition)
    spots, _save = _spots(data, fmt, definition, options)
    places = [s.place for s in spots]
    assign(places, definition, options)
    return Proposal(places, options)


def assign(places: list[Place], definition, options: list[Target]) -> None:
    candidates = []
    for index, place in enumerate(places):
        if place.shape == ROWS:
            for score, path, columns in rows_scores(place.headers, options):
                if score >= ROWS_GOOD_ENOUGH:
                    candidates.append((score, index, path, columns))
            continue
        scores = answer_scores(place, definition, options) if place.shape == ANSWER else \
            tick_scores(place, options)
        candidates += [(score, index, path, {}) for score, path in scores if score >= GOOD_ENOUGH]
    used: set[str] = set()
    for score, index, path, columns in sorted(candidates, key=lambda c: (-c[0], c[1])):
        place = places[index]
        if place.target or path in used:
            continue
        place.target, place.score, place.columns = path, score, columns
        used.add(path)


def apply(data: bytes, fmt: str, definition, chosen: dict[str, str | None],
          columns: dict[str, dict[int, str]] | None = None) -> bytes:
    """The form with a placeholder in each place HR kept or chose (chosen: place id -> target path or
    None); a table's columns as proposed unless `columns` says otherwise."""
    options = targets(definition)
    by_path = {t.path: t for t in options}
    spots, save = _spots(data, fmt, definition, options)
    places = [s.place for s in spots]
    assign(places, definition, options)
    # From the end back: a write changes the text after it, never the offsets of what comes before.
    for spot in reversed(spots):
        path = chosen.get(spot.place.id, spot.place.target)
        target = by_path.get(path or "")
        if target is None or target.shape != spot.place.shape:
            continue
        wanted = (columns or {}).get(spot.place.id)
        if wanted is None and spot.place.shape == ROWS:
            wanted = spot.place.columns if path == spot.place.target else \
                _columns_for(spot.place.headers, target)
        spot.write(path, wanted or {})
    return save()


def _columns_for(headers: list[str], target: Target) -> dict[int, str]:
    for score, path, columns in rows_scores(headers, [target]):
        return columns
    return {}


__all__ = ["Proposal", "propose", "apply", "ANSWER", "ROWS", "TICK"]
