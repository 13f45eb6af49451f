"""The proposal HR confirms: per place found in the blank form, the question it will hold; and the
marked document once HR has confirmed or changed it."""
from __future__ import annotations

from dataclasses import dataclass

import hashlib
import io
import zipfile

from lxml import etree

from exports.excel.template import SAFE_PARSER
from . import excel, word
from .word import BOX, Placeholders, _blocks, q
from exports.field_names import loose
from .match import (ANSWER, GOOD_ENOUGH, ROWS, TICK, Place, Target, answer_scores, plain, rows_scores,
                    targets, tick_scores)

ROWS_GOOD_ENOUGH = 0.45  # with two columns named at least (one for a table of one column)
MAX_SCORED = 800  # texts weighed as possible questions, per form
_SCORED: dict[tuple[str, str], dict[str, float]] = {}  # the last few uploads' weighed texts
MAX_PLACES = 600  # places proposed; the paper forms have up to 160


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


def clear_cache() -> None:
    _SCORED.clear()


class TooLarge(ValueError):
    """A file whose parts are too large to search in the web process (a form is a few hundred KB)."""


MAX_SEARCHED = 20 * 1024 * 1024  # unpacked bytes of the parts searched: the body, the worksheets


def _searchable(data: bytes, fmt: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [i for i in archive.infolist()
                 if (i.filename == word.BODY or word.HEADER.fullmatch(i.filename) if fmt == "docx"
                     else i.filename.startswith("xl/worksheets/"))]
        if sum(i.file_size for i in parts) > MAX_SEARCHED:
            raise TooLarge(fmt)


def _spots(data: bytes, fmt: str, definition, options: list[Target]):
    # The page, its post and the marked download each walk the same upload: its texts are weighed once.
    cache_key = (hashlib.sha256(data).hexdigest(), definition.key)
    scored = _SCORED.pop(cache_key, None) or {}
    _SCORED[cache_key] = scored
    while len(_SCORED) > 8:
        _SCORED.pop(next(iter(_SCORED)))

    def question_score(text: str) -> float:
        text = text.strip()
        if text not in scored:
            # A form has a few hundred texts; past that a file is no form, and its further texts
            # count as questions only by their colon or question mark: the work stays bounded.
            if len(scored) >= MAX_SCORED:
                return 0.0
            scores = answer_scores(Place("", ANSWER, text), definition, options)
            scored[text] = max((score for score, _ in scores), default=0.0)
        return scored[text]

    def likely_question(text: str) -> bool:
        return text.strip().endswith((":", "?")) or question_score(text) >= GOOD_ENOUGH

    def likely_rows(headers: list[str]) -> bool:
        return any(score >= ROWS_GOOD_ENOUGH for score, *_ in rows_scores(headers, options))

    labels = {loose(plain(f.label)) for f in definition.fields}

    def is_label(text: str) -> bool:
        """A question's own label on this form ("medewerker:" is pop-tabel's akkoord line)."""
        return loose(plain(text)) in labels

    _searchable(data, fmt)
    reader = word if fmt == "docx" else excel
    spots, save = reader.walk(data, likely_question, likely_rows, question_score, is_label)
    seen: set[str] = set()
    unique = []
    for spot in spots:  # one id, one place: the page posts one choice per id
        if spot.place.id not in seen:
            seen.add(spot.place.id)
            unique.append(spot)
    return unique, save


def propose(data: bytes, fmt: str, definition) -> Proposal:
    """Every place of a blank .docx or .xlsx form with the question proposed for it: each target goes
    to the place that fits it best, the best fits first, and a place nothing fits well enough is
    proposed as "niet invullen"."""
    options = targets(definition)
    spots, _save = _spots(data, fmt, definition, options)
    places = [s.place for s in spots[:MAX_PLACES]]
    assign(places, definition, options)
    return Proposal(places, options)


def assign(places: list[Place], definition, options: list[Target]) -> None:
    candidates = []
    for index, place in enumerate(places):
        if place.shape == ROWS:
            for score, path, columns in rows_scores(place.headers, options):
                if score >= ROWS_GOOD_ENOUGH and len(columns) >= min(2, len(place.headers)):
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
          columns: dict[str, dict[int, str]] | None = None, say=None) -> bytes:
    """The form with a placeholder in each place HR kept or chose (chosen: place id -> target path or
    None); a table's columns as proposed unless `columns` says otherwise."""
    options = targets(definition)
    by_path = {t.path: t for t in options}
    spots, save = _spots(data, fmt, definition, options)
    spots = spots[:MAX_PLACES]
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
        spot.write(path, wanted or {}, say or Placeholders())
    return save()


def _columns_for(headers: list[str], target: Target) -> dict[int, str]:
    for score, path, columns in rows_scores(headers, [target]):
        return columns
    return {}


class Markers(Placeholders):
    """The places numbered as on the proposal page ("[3]"), for the form's own text with each place
    marked; a table's loop is not laid out, its first empty row carries the number."""

    loops = False

    def __init__(self, numbers: dict[str, int], paths: dict[str, str]):
        self.numbers, self.paths = numbers, paths  # place id -> number; path written -> place id

    def answer(self, path: str) -> str:
        return f"[{self.numbers[self.paths[path]]}]"

    def tick(self, path: str, glyph: str) -> str:
        return f"{glyph}[{self.numbers[self.paths[path]]}]"


OUTLINE_ROWS = 600


def outline(data: bytes, fmt: str, definition, numbers: dict[str, int]) -> list[list[str]]:
    """The form's own text in its order, as rows of cells (a paragraph is a row of one), with each
    place's number where it is."""
    # Each place is "chosen" as its own id, so the marker finds its number whatever is proposed.
    unique = {place_id: f"plaats{n}" for place_id, n in numbers.items()}
    options = targets(definition)
    spots, save = _spots(data, fmt, definition, options)
    spots = spots[:MAX_PLACES]
    say = Markers(numbers, {v: k for k, v in unique.items()})
    for spot in reversed(spots):
        if spot.place.id in unique:
            spot.write(unique[spot.place.id], {}, say)
    marked = save()
    rows: list[list[str]] = []
    if fmt == "docx":
        archive = zipfile.ZipFile(io.BytesIO(marked))
        headers = sorted(n for n in archive.namelist() if word.HEADER.fullmatch(n))
        for part in [*headers, word.BODY]:
            root = etree.fromstring(archive.read(part), SAFE_PARSER)
            body = root.find(q("w:body"))
            for block in _blocks(root if body is None else body):
                if block.tag == q("w:p"):
                    text = word.Para.of(block).text.strip()
                    if text:
                        rows.append([text])
                    continue
                for tr in block.iter(q("w:tr")):
                    rows.append([word._cell_text(tc).replace(word.NESTED, "").strip()
                                 for tc in tr.findall(q("w:tc"))])
    else:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(marked), read_only=True)
        for ws in book.worksheets:
            rows.append([ws.title])
            for row in ws.iter_rows(max_row=excel.MAX_ROWS, values_only=True):
                cells = ["" if v is None else str(v) for v in row]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    rows.append(cells)
    return rows[:OUTLINE_ROWS]


__all__ = ["Proposal", "propose", "apply", "outline", "ANSWER", "ROWS", "TICK"]
