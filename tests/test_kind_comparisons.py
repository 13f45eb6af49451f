"""A new kind of question is one class in forms/kinds.py (issue 19): everything outside forms/ asks a
field what it is about (its template, its days, whether it is filled, its text) instead of comparing its
kind with a name. This counts the comparisons that are left, in pop/, exports/, templates/ and app.py:
`kind == "table"`, `!=`, `kind in ("text", "date")`, `not in`, reversed (`"table" == kind`), and
Jinja's `selectattr('kind', 'equalto', 'table')` / `rejectattr('kind', 'in', [...])`, where the name is
the kind of one of forms/kinds.py's classes (so a reminder's or a draft's own kinds do not count).
At most ten may stay, each with a comment on its line or the line above saying why.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from forms import kinds

ROOT = Path(__file__).resolve().parents[1]
BOUND = 10


def kind_names() -> set[str]:
    """The kinds of forms/kinds.py's classes (text, longtext, date, ... info), the base's 'field' aside."""
    return {cls.kind for cls in vars(kinds).values()
            if isinstance(cls, type) and isinstance(getattr(cls, "kind", None), str)} - {"field"}


QUOTED = re.compile(r"""['"]([\w-]+)['"]""")
GROUP = r"""([\(\[\{][^\)\]\}]*[\)\]\}])"""  # ("text", "date"), [...], {...}
ATTR = r"""['"]kind['"]"""


def _patterns(names: set[str]) -> list[tuple[re.Pattern, bool]]:
    """(pattern, whether its first group is a collection of names that must all be kinds)."""
    quoted = rf"""['"](?:{"|".join(sorted(map(re.escape, names)))})['"]"""
    kind = r"""\bkind['"]?[\]\)]?"""  # f.kind, f["kind"], getattr(f, "kind")
    return [
        (re.compile(rf"""{kind}\s*(?:==|!=)\s*{quoted}"""), False),
        (re.compile(rf"""{quoted}\s*(?:==|!=)\s*[\w.\[\]'"]*\bkind\b"""), False),
        # Not `for kind in (...)`: a loop over names, no comparison.
        (re.compile(rf"""(?<!for ){kind}\s+(?:not\s+)?in\s*{GROUP}"""), True),
        (re.compile(rf"""(?:select|reject)attr\(\s*{ATTR}\s*,\s*['"](?:equalto|==|eq|ne|!=|sameas)['"]\s*,\s*{quoted}"""), False),
        (re.compile(rf"""(?:select|reject)attr\(\s*{ATTR}\s*,\s*['"]in['"]\s*,\s*{GROUP}"""), True),
    ]


def _compares(line: str, patterns, names: set[str]) -> bool:
    for pattern, group in patterns:
        for match in pattern.finditer(line):
            # A collection compares with kinds when every name in it is a kind: ("date", "datetime")
            # is about cell formats, not questions.
            if not group or (set(QUOTED.findall(match.group(1))) or {""}) <= names:
                return True
    return False


def comparisons(text: str, names: set[str]) -> list[int]:
    """The numbers of the lines holding a comparison of a kind with one of names (once per line)."""
    patterns = _patterns(names)
    return [number for number, line in enumerate(text.splitlines(), start=1)
            if _compares(line, patterns, names)]


def _files():
    for folder, pattern in (("pop", "*.py"), ("exports", "*.py"), ("templates", "*.html")):
        yield from sorted((ROOT / folder).rglob(pattern))
    yield ROOT / "app.py"


def _commented(lines: list[str], number: int) -> bool:
    """A comment on the line or the line above: Python's # or Jinja's {# ... #}."""
    here, above = lines[number - 1], lines[number - 2].strip() if number > 1 else ""
    return "#" in here.split("kind", 1)[-1] or above.startswith("#") or above.startswith("{#") \
        or above.endswith("#}") or "{#" in here


@functools.cache  # read once for both tests
def found() -> list[tuple[str, int, str, bool]]:
    names = kind_names()
    result = []
    for path in _files():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for number in comparisons(text, names):
            result.append((str(path.relative_to(ROOT)), number, lines[number - 1].strip(),
                           _commented(lines, number)))
    return result


def _listing(rows) -> str:
    return "\n".join(f"{path}:{number}: {line}" for path, number, line, _ in rows)


def test_the_names_are_those_of_the_kinds():
    assert {"text", "longtext", "date", "choice", "rank", "table", "matrix", "signature", "check",
            "amount", "costs", "smart", "checklist", "info"} <= kind_names()
    assert "field" not in kind_names()


@pytest.mark.parametrize("line", [
    'if field.kind == "table":',
    "if f.kind != 'signature'",
    'if col.kind in ("text", "longtext"):',
    "{% elif item.kind in ('check', 'amount') %}",
    'if c.kind not in {"smart", "checklist"}:',
    'if "date" == column.kind:',
    "{% set wide = item.columns | selectattr('kind', 'in', ['smart', 'checklist']) | list %}",
    "{{ cols | rejectattr('kind', 'equalto', 'smart') }}",
    "kind in [\"matrix\"]",
    'if row["kind"] == "table":',
    "if getattr(field, 'kind') in ('smart', 'costs'):",
    'if f.kind=="date"',
])
def test_a_comparison_is_found(line):
    assert comparisons(line, kind_names()) == [1]


@pytest.mark.parametrize("line", [
    'if item.kind == "akkoord":',  # a reminder's kind
    'if kind == drafts.REACTION:',
    '{% for group in groups if group.kind == "checkboxes" %}',
    'template = field.template',
    'kind_of_table = "table"',
    "if isinstance(field, Table):",
])
def test_other_kinds_and_other_code_are_not(line):
    assert comparisons(line, kind_names()) == []


def test_at_most_ten_comparisons_with_kind_names_remain_outside_forms():
    rows = found()
    assert len(rows) <= BOUND, f"{len(rows)} comparisons of a field's kind with a name:\n{_listing(rows)}"


def test_each_comparison_left_says_why():
    silent = [row for row in found() if not row[3]]
    assert not silent, f"without a comment saying why:\n{_listing(silent)}"
