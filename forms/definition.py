"""The shape of a paper form: a form has parts (the pages a user moves between, on paper the phases),
a part has sections (the numbered paragraphs), a section has items (guidance and questions)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

from . import limits
from .kinds import Field, Info


@dataclass(frozen=True)
class AskColleagues(Info):
    """Guidance on paper that has the employee put questions to colleagues (seed 003, Fase I: "Vraag
    voorleggen aan collega’s"). It reads and prints as any Info; a form that holds one also lets the
    employee send its questions to colleagues in the app (pop/feedback.py), and a form without one has
    no feedback from colleagues at all. The bullets are the questions, word for word, and the only place
    they are written: the first asks for strengths, the second for what to improve, and their answers
    are shown beside the table named by `beside` (Sterke punten / Verbeterpunten, in that order), in the
    same part. An answer may be as long as an open question of the form."""

    beside: str = ""
    max_length: int = limits.LONG_ANSWER_CHARS

    @property
    def questions(self) -> tuple[str, ...]:
        return self.bullets


@dataclass(frozen=True)
class Section:
    title: str
    intro: tuple[str, ...] = ()  # paragraphs printed under the heading
    items: tuple[Field | Info, ...] = ()
    outro: tuple[str, ...] = ()  # paragraphs after the items
    columns: int = 1  # 2: the header's Medewerker | Leidinggevende side by side

    @property
    def fields(self) -> list[Field]:
        return [i for i in self.items if i.is_field]


@dataclass(frozen=True)
class Part:
    key: str  # in the URL: /plans/3/fase-1
    title: str  # "Fase I: Zelfanalyse"
    nav_title: str  # "Fase I"
    intro: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    intro_list: tuple[str, ...] = ()  # the numbered guiding questions of Fase I
    intro_after: tuple[str, ...] = ()  # paragraphs after that list
    # Where the part belongs in the POP cycle (pop/cycle.py): "plan" is the agreed content of the
    # POP-overeenkomst, "voortgang" the progress talks, "evaluatie" the closing evaluation, "afronding"
    # the next talk and the akkoorden.
    cycle: str = "plan"

    @property
    def fields(self) -> list[Field]:
        return [f for s in self.sections for f in s.fields]


@dataclass(frozen=True)
class FormDefinition:
    key: str
    title: str
    short_title: str
    parts: tuple[Part, ...]
    # For overviews across plans (HR's workbook): which table holds the goals, which date the next talk.
    goals_field: str = ""
    next_talk_field: str = ""
    next_talk_kind_field: str = ""  # the choice of which talk comes next (voortgangsgesprek, ...)
    max_chars: int = limits.PLAN_CHARS  # everything typed into one plan together
    # One sentence for HR choosing the forms the organisation uses.
    description: str = ""
    # "landscape": the Word export is laid out on landscape pages (the POP table).
    orientation: str = "portrait"
    # The Costs field whose totals count against the employee's development budget (POB); "" when the
    # form has none. goals_field, next_talk_field and next_talk_kind_field may be "" as well: every
    # reader of them copes with a form that lacks one.
    costs_field: str = ""

    def chars(self, values: dict) -> int:
        """Characters typed into a plan, counted as the limit counts them."""
        return sum(f.chars(values.get(f.key)) for f in self.fields)

    def __post_init__(self):
        keys = [f.key for f in self.fields]
        duplicates = {k for k in keys if keys.count(k) > 1}
        if duplicates:
            raise ValueError(f"{self.key}: field keys used twice: {sorted(duplicates)}")
        if self.orientation not in ("portrait", "landscape"):
            raise ValueError(f"{self.key}: orientation is portrait or landscape, not {self.orientation!r}")
        for name, kind in (("goals_field", "table"), ("next_talk_field", "date"),
                           ("next_talk_kind_field", "choice"), ("costs_field", "costs")):
            key = getattr(self, name)
            if key and (key not in keys or self._by_key[key].kind != kind):
                raise ValueError(f"{self.key}: {name} {key!r} is no {kind} field of this form")
        asking = [(p, i) for p in self.parts for s in p.sections for i in s.items
                  if isinstance(i, AskColleagues)]
        if len(asking) > 1:
            raise ValueError(f"{self.key}: colleagues are asked in one place of a form, not {len(asking)}")
        for part, item in asking:
            # Two answers are stored per colleague (pop.models.FeedbackRequest: sterk, verbeteren).
            if len(item.questions) != 2:
                raise ValueError(f"{self.key}: AskColleagues asks two questions (strengths, points to "
                                 f"improve), not {len(item.questions)}")
            if not any(f.key == item.beside and f.kind == "table" for f in part.fields):
                raise ValueError(f"{self.key}: AskColleagues beside {item.beside!r}: no table of part "
                                 f"{part.key!r}")

    @cached_property
    def _by_key(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    @property
    def fields(self) -> list[Field]:
        return [f for p in self.parts for f in p.fields]

    @cached_property
    def colleague_feedback(self) -> tuple[Part, AskColleagues] | None:
        """Where this form asks colleagues for feedback, or None when it does not."""
        return next(((p, i) for p in self.parts for s in p.sections for i in s.items
                     if isinstance(i, AskColleagues)), None)

    def parts_in(self, cycle: str) -> list[Part]:
        return [p for p in self.parts if p.cycle == cycle]

    @property
    def signature_fields(self) -> list[str]:
        return [f.key for f in self.fields if f.kind == "signature"]

    def signature(self, signer: str) -> Field | None:
        """The akkoord line of "employee" or "manager", None when the form has none."""
        keys = set(self.signature_fields)
        return next((f for f in self.fields if f.key in keys and f.signer == signer), None)

    @property
    def signature_part(self) -> Part | None:
        """The part that holds the akkoord lines, where a reminder sends whoever must still sign."""
        keys = set(self.signature_fields)
        return next((p for p in self.parts if any(f.key in keys for f in p.fields)), None)

    def field(self, key: str) -> Field:
        return self._by_key[key]

    def part(self, key: str) -> Part | None:
        return next((p for p in self.parts if p.key == key), None)

    def next_part(self, part: Part) -> Part | None:
        index = self.parts.index(part)
        return self.parts[index + 1] if index + 1 < len(self.parts) else None

    def texts(self) -> Iterator[str]:
        """Every label, heading and help text, for checks that the paper's words all reach the user."""
        for part in self.parts:
            yield part.title
            yield from part.intro
            yield from part.intro_list
            yield from part.intro_after
            for section in part.sections:
                yield section.title
                yield from section.intro
                yield from section.outro
                for item in section.items:
                    yield from _item_texts(item)


def _item_texts(item) -> Iterator[str]:
    if isinstance(item, Info):
        yield item.title
        yield item.text
        yield from item.bullets
        return
    yield item.label
    yield item.intro
    yield item.answer_label
    yield from item.help
    for col in getattr(item, "columns", ()):
        if isinstance(col, Field):
            yield from _item_texts(col)
        else:
            yield col[1]
    for row in getattr(item, "rows", ()):
        yield row.label
        yield row.text
        yield row.group
    yield getattr(item, "row_heading", "")
    yield getattr(item, "group_heading", "")
    for _, label in getattr(item, "options", ()):
        yield label
    for _, label, help_text in getattr(item, "letters", ()):  # Smart
        yield label
        yield help_text
    for title, entries in getattr(item, "groups", ()):  # Checklist
        yield title
        for _, text in entries:
            yield text
    yield getattr(item, "advice", "")
