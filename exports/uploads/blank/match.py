"""What each place of a blank form should hold: the targets a form offers (its questions, tables, options
and the people's details), and the matching of a printed label to one of them.

Labels are compared the way people write them on their own forms: case, accents, punctuation,
numbering ("1.", "a)", "Vraag 3:") and small spelling differences do not count; the words count, and
the heading above a place says whose "Naam:" it is, or which "Toelichting" of several is meant.
"""
from __future__ import annotations

import difflib
import functools
import re
from functools import lru_cache
from dataclasses import dataclass, field, replace

from exports.field_names import PEOPLE, ROLE_WORDS, loose, resolve, words
from forms.kinds import Check, Checklist, Choice, Costs, Info, Matrix, Signature, Smart, Table

ANSWER, ROWS, TICK = "answer", "rows", "tick"
# Kinds the paper forms do not print as a place of their own (the app's SMART check, checklist and
# cost grid): a blank form has no box for them, so they are never proposed.
UNPLACED = (Smart, Checklist, Costs)
NUMBERING = re.compile(r"^\s*(?:(?:vraag|stap|fase)\s+)?(?:\d+[.)]?\d*[.)]?|[a-z][.)]|[ivx]+[.)])\s+",
                       re.IGNORECASE)
GOOD_ENOUGH = 0.62
LONGEST = 160  # characters of a label compared: a question is shorter, a paragraph of help longer  # below this a label is left for HR to choose ("niet invullen" proposed)


@dataclass(frozen=True)
class Target:
    """One thing a place can hold: `path` is the placeholder it will print."""

    path: str
    label: str  # as printed on the form
    shape: str  # ANSWER, ROWS or TICK
    context: str = ""  # the part and section it stands in
    question: str = ""  # a tick: the question or grid row its option belongs to
    columns: tuple[tuple[str, str], ...] = ()  # rows: (column key, column label)
    key: str = ""  # the form's question it belongs to
    also: str = ""  # the sentence printed under the question, which HR's own wording often follows
    section: str = ""  # the section or person it is under, to tell "Naam" from "Naam"

    @property
    def choice_label(self) -> str:
        """How HR sees it in the list to choose from: "Naam (Medewerker)", "Het volgende gesprek is
        een: Voortgangsgesprek", "Sterke punten (tabel: Sterke punten, Verbeterpunten)"."""
        if self.shape == TICK:
            return f"{self.question.rstrip(': ')}: {self.label}"
        if self.shape == ROWS:
            return f"{self.label} (tabel: {', '.join(label for _, label in self.columns)})"
        label = self.label.rstrip(": ")
        if self.section and len(label.split()) <= 2 and loose(self.section) not in loose(label):
            return f"{label} ({self.section})"
        return label


def targets(definition) -> list[Target]:
    """Every target of a form, in the form's order; the people's details (name, function, ...) of the
    employee and the manager where the form has no question of its own for them."""
    out: list[Target] = []
    prefilled = {f.prefill for f in definition.fields if f.prefill}
    for role, (source, role_label) in (("medewerker", ("employee", "Medewerker")),
                                       ("leidinggevende", ("manager", "Leidinggevende"))):
        for attribute, label in PEOPLE.items():
            if f"{source}.{attribute}" not in prefilled:
                out.append(Target(f"{role}.{attribute}", label, ANSWER, context=role_label,
                                  section=role_label))
    out.append(Target("plan.periode", "Periode", ANSWER))
    for part in definition.parts:
        for section in part.sections:
            context = f"{part.title} {section.title}"
            for item in section.items:
                if isinstance(item, (Info, *UNPLACED)):
                    continue
                out += [replace(t, section=t.section or section.title) for t in _targets_of(item, context)]
    return out


@functools.singledispatch
def _targets_of(f, context: str) -> list[Target]:
    """What one question of the form can fill on a blank form, by its kind: any kind its answer in
    one place, under its label."""
    return [Target(f.key, f.label, ANSWER, context, key=f.key, also=f.intro)]


@_targets_of.register(Choice)
def _choice(f, context):
    return _targets_of.dispatch(object)(f, context) + [
        Target(f"{f.key}_{value}", option, TICK, context, question=f.label, key=f.key)
        for value, option in f.options]


@_targets_of.register(Check)
def _check(f, context):
    return [Target(f"{f.key}_ja", f.label, TICK, context, question=f.label, key=f.key)]


@_targets_of.register(Signature)
def _signature(f, context):
    return [Target(f"{f.key}.naam", f"{f.label} naam", ANSWER, context, key=f.key, section=f.label),
            Target(f"{f.key}.datum", f"{f.label} datum", ANSWER, context, key=f.key, section=f.label)]


@_targets_of.register(Matrix)
def _matrix(f, context):
    out = []
    for row in f.rows:
        for col_key, heading in f.columns:
            cell = f"{f.key}.{row.key}.{col_key}"
            row_label = f"{row.label} {heading}" if len(f.columns) > 1 else row.label
            out.append(Target(cell, row_label, ANSWER, context, key=f.key))
            out += [Target(f"{cell}_{value}", mark, TICK, context, question=row_label, key=f.key)
                    for value, mark in f.scale]
    return out


@_targets_of.register(Table)
def _table(f, context):
    if any(isinstance(c, Checklist) for c in f.columns):
        return []  # the manager's record of each conversation lives in the app, not on the paper form
    label = f.label
    out = [Target(f.key, label, ROWS, context, key=f.key,
                  columns=tuple((c.key, c.label) for c in f.columns if not isinstance(c, UNPLACED)))]
    if f.layout == "blocks":
        # On paper a block of questions ("Voortgangsgesprek 1"): its places hold the first row.
        block = f"{f.row_title or label} 1"
        out += [Target(f"{f.key}[0].{c.key}", c.label, ANSWER, f"{context} {block}", key=f.key,
                       also=c.intro) for c in f.columns if not isinstance(c, UNPLACED)]
    return out


def plain(text: str) -> str:
    """A label as compared: without numbering, leading 'Uw antwoord', trailing colon or dots."""
    text = " ".join(str(text).split())
    text = NUMBERING.sub("", text)
    return text.strip(" :.?…_-–").strip()


@lru_cache(maxsize=50_000)
def _prepared(text: str) -> tuple[str, frozenset]:
    written = plain(text)[:LONGEST]
    return loose(written), frozenset(words(written))


@lru_cache(maxsize=200_000)
def similarity(a: str, b: str) -> float:
    """0..1: how alike two printed labels are, by their letters and by their words."""
    (la, wa), (lb, wb) = _prepared(a), _prepared(b)
    if not la or not lb:
        return 0.0
    if la == lb:
        return 1.0
    ratio = 0.0
    # Two texts of very different length are never alike letter by letter (the ratio is at most
    # 2 * shorter / both): the costly comparison is left out where it cannot reach a match.
    if 2 * min(len(la), len(lb)) / (len(la) + len(lb)) >= 0.5:
        matcher = difflib.SequenceMatcher(None, la, lb, autojunk=False)
        if matcher.quick_ratio() >= 0.45:  # an upper bound of the ratio, far cheaper
            ratio = matcher.ratio()
    if wa and wb:
        shared = len(wa & wb) + 0.8 * _near_words(wa - wb, wb - wa)
        # A shortened question ("Meer doen" for "Meer doen: wat wilt u meer doen?") still names it.
        cover = shared / min(len(wa), len(wb))
        overlap = shared / max(len(wa), len(wb))
        ratio = max(ratio, 0.55 * cover + 0.45 * overlap)
    if la in lb or lb in la:
        # A label shortened from the question names it; one word found inside a long question does not.
        share = min(len(la), len(lb)) / max(len(la), len(lb))
        ratio = max(ratio, 0.55 + 0.45 * share if share >= 0.3 else 0.45)
    return ratio


def _near_words(left: frozenset, right: frozenset) -> int:
    """Words that differ only by a slip ("ontwikkelingsdoel" / "ontwikkeldoel")."""
    if not left or not right or len(left) * len(right) > 60:
        return 0
    return sum(1 for w in left if any(_near(w, r) for r in right))


@lru_cache(maxsize=100_000)
def _near(a: str, b: str) -> bool:
    return abs(len(a) - len(b)) <= max(len(a), len(b)) * 0.4 and \
        difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.8


# The paper's signature line is where the app's akkoord goes: its name and date stand in for the
# signature ("Handtekening medewerker" → akkoord_medewerker.naam, "Datum:" under it → .datum).
SIGNED = re.compile(r"\b(handtekening(en)?|paraaf|ondertekening|ondertekend|getekend|signature)\b",
                    re.IGNORECASE)
ROLE_LOOSE = {loose(word) for role_words in ROLE_WORDS.values() for word in role_words}


# Other words for the two roles, as organisations print them: read as the form's own words.
ROLES_AS = {"leidinggevende": ("teamleider", "bedrijfsleider", "manager", "direct leidinggevende",
                               "chef", "afdelingshoofd"),
            "medewerker": ("werknemer", "employee", "docent", "medewerkster")}
ROLES_AS_RE = {role: re.compile(r"\b(" + "|".join(map(re.escape, others)) + r")\b", re.IGNORECASE)
               for role, others in ROLES_AS.items()}


def canonical(text: str) -> str:
    """'Akkoord teamleider' as 'Akkoord leidinggevende', 'Naam docent' as 'Naam medewerker'."""
    for role, pattern in ROLES_AS_RE.items():
        text = pattern.sub(role, text)
    return text


def signed(text: str) -> str:
    """A heading as the akkoord it is: "Handtekening medewerker", "Voor akkoord medewerker"."""
    return re.sub(r"\bvoor akkoord\b", "akkoord", SIGNED.sub("akkoord", text), flags=re.IGNORECASE)


def _role_in(heading: str) -> str | None:
    found = set(words(heading))
    for role, role_words in ROLE_WORDS.items():
        if any(loose(w) in found for w in role_words):
            return role
    return None


@dataclass
class Place:
    """A place found in a blank form, and what is proposed for it."""

    id: str  # stable for the same file: "t2.r3.c2", "p14#1", "Blad1!B4", "t3.rows"
    shape: str  # ANSWER, ROWS or TICK
    label: str  # the printed words it belongs to (a tick: the option after the box)
    question: str = ""  # a tick: the question or grid row before it
    heading: str = ""  # the heading above it
    above: str = ""  # a short label's neighbour above ("Akkoord medewerker" over "Datum:")
    where: str = ""  # in Dutch, for HR: "tabel 2, rij 3, kolom 2"
    headers: list[str] = field(default_factory=list)  # ROWS: the header row
    target: str | None = None  # the proposal: a Target's path, or None (niet invullen)
    score: float = 0.0
    columns: dict[int, str] = field(default_factory=dict)  # ROWS: header index -> column key


def answer_scores(place: Place, definition, options: list[Target]) -> list[tuple[float, str]]:
    """How well a one-answer place fits each question: by the form's own names first
    (field_names.resolve: labels, "Naam leidinggevende"), then by likeness of the printed label, the
    heading breaking ties between questions printed alike."""
    by_path = {t.path: t for t in options if t.shape == ANSWER}
    written = canonical(plain(place.label))
    if SIGNED.search(written):
        return []  # a signature is written by hand; the app's akkoord goes beside it, under "Naam"
    role = _role_in(place.heading) or _role_in(written)
    exact = None
    contexts = [canonical(signed(plain(c))) for c in (place.above, place.heading) if c] \
        if len(words(written)) <= 2 else []
    by_role = [f"{written} {role}", f"{role} {written}"] \
        if role and written and loose(written) not in {loose(r) for r in ROLE_WORDS[role]} else []
    in_context = [name for context in contexts  # "Datum:" under "Akkoord medewerker"
                  for name in (f"{context} {written}", f"{written} {context}")]
    # Under a bare role ("Medewerker") the label is that person's; under more ("Akkoord medewerker")
    # the more says what it is.
    bare_role = bool(contexts) and all(loose(c) in ROLE_LOOSE for c in contexts)
    tries = by_role + in_context if bare_role or not contexts else in_context + by_role
    for name in (*tries, written):
        path = resolve(name, definition) if name else None
        if path in by_path:
            exact = path
            break
        own = _own_question(path, definition, by_path)
        if own:
            exact = own
            break
    scored = []
    for t in by_path.values():
        # The question's key was named by its meaning ("voorbereiding_functie"): HR's shortened
        # label often says the same words.
        score = max(similarity(written, t.label), similarity(written, _key_words(t.path)) - 0.05,
                    similarity(written, t.also) - 0.08 if t.also else 0.0)
        for context in contexts:
            score = max(score, similarity(f"{context} {written}", t.label) - 0.02)
        if score < 0.4 and t.path != exact:
            continue
        if place.heading and t.context:
            score += 0.08 * similarity(place.heading, t.context)
        if role and score >= 0.5 and (t.path.startswith(role + ".") or t.context.lower() == role):
            score += 0.05  # whose it is, between questions already alike: never what makes them alike
        scored.append((1.0 + score / 100 if t.path == exact else min(score, 0.99), t.path))
    return scored


def _key_words(path: str) -> str:
    """A question's key as words; "" for a grid's cell or a row's column, whose keys say less."""
    return "" if "." in path or "[" in path else re.sub(r"[\W_]+|\d+", " ", path).strip()


def _own_question(path, definition, by_path) -> str | None:
    """A person's detail the form asks itself (prefilled from the record): its own question."""
    if not path or not path.startswith(("medewerker.", "leidinggevende.")):
        return None
    source = ("employee." if path.startswith("medewerker.") else "manager.") + path.split(".")[1]
    return next((p for p in by_path if p in {f.key for f in definition.fields}
                 and definition.field(p).prefill == source), None)


def rows_scores(headers: list[str], options: list[Target]) -> list[tuple[float, str, dict[int, str]]]:
    """How well a header row names each table of the form, and which header is which column."""
    out = []
    # A column of row numbers ("Nr.", "#") is the paper's own, no column of the form.
    headers = ["" if loose(h) in NUMBER_HEADERS or not loose(h) else h for h in headers]
    named = sum(1 for h in headers if h.strip()) or 1
    if len({loose(h) for h in headers if h.strip()}) < named:
        return []  # "Datum: | | Datum:" side by side is two labels, not a table's columns
    for t in options:
        if t.shape != ROWS:
            continue
        columns: dict[int, str] = {}
        total = 0.0
        taken: set[str] = set()
        pairs = sorted(((similarity(h, label), i, key) for i, h in enumerate(headers) if h.strip()
                        for key, label in t.columns), reverse=True)
        for score, i, key in pairs:
            if score >= 0.5 and i not in columns and key not in taken:
                columns[i] = key
                taken.add(key)
                total += score
        # How well the headers are named, and a little how much of the table they cover: HR's own
        # table often leaves a column of the form out.
        score = 0.8 * total / named + 0.2 * len(columns) / len(t.columns) if columns else 0.0
        if named == 1 and len(t.columns) > 1:
            score *= 0.5  # one label over an empty cell is a question and its box, not a table
        if len(t.columns) == 1 and columns:
            score = max(score, similarity(" ".join(headers), t.label))
        if score > 0:
            out.append((score, t.path, columns))
    return out


def tick_scores(place: Place, options: list[Target]) -> list[tuple[float, str]]:
    """How well a tick box fits each option: the option word after the box, and the question (or
    grid row and column) printed before it."""
    scored = []
    for t in options:
        if t.shape != TICK:
            continue
        said = loose(place.label) == loose(t.label) or _same_mark(place.label, t.label)
        score = (0.45 if said else 0.45 * similarity(place.label, t.label)) + \
            0.55 * similarity(place.question, t.question)
        if place.heading and t.context:
            score += 0.05 * similarity(place.heading, t.context)
        if score >= 0.35:
            scored.append((min(score, 0.99), t.path))
    return scored


MARKS = {"+": "+", "±": "±", "+/-": "±", "+-": "±", "-": "–", "–": "–", "—": "–", "−": "–", "0": "±"}


NUMBER_HEADERS = {"nr", "no", "nummer", "volgnummer", "number"}
NUMBER = re.compile(r"\s*(#|nr\.?|no\.?)?\s*\d{1,3}[.)]?\s*", re.IGNORECASE)


def is_number(text: str) -> bool:
    """A row's printed number ("1", "2.", "#3"): an empty row of a numbered table still."""
    return bool(NUMBER.fullmatch(text))


def is_mark(text: str) -> bool:
    """An option printed as a mark over a column of boxes: + ± – or ja / nee."""
    return text.strip().replace(" ", "").casefold() in MARK_WORDS


def _same_mark(a: str, b: str) -> bool:
    a, b = a.strip().replace(" ", ""), b.strip().replace(" ", "")
    return bool(a) and MARKS.get(a, a) == MARKS.get(b, b)


MARK_WORDS = {m.casefold() for m in MARKS} | {"ja", "nee", "j", "n", "x"}
