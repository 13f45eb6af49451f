"""The text-size limit of the template sandbox (exports.word.engine.MAX_TEXT) for the ways of building
text that take a tiny input and a number: `'%0100000000d' % 1`, `'%*s' % (10**8, '')`,
`'{:>100000000}'.format(1)`, `'{:{w}}'.format(1, w='100000000')`. LimitedSandbox checks each result's
size, but only after Python built it: these built 100 MB in one step, under the child's memory limit, and
a plan was filled with it. Here the size is known before anything is built, so such a template stops
with the sandbox's own Dutch message instead of taking memory first.

TextLimits is mixed into LimitedSandbox (engine.py), before Jinja's SandboxedEnvironment.
"""
from __future__ import annotations

import re
import types
from collections.abc import Mapping
from functools import update_wrapper

from jinja2.sandbox import SandboxedEscapeFormatter, SandboxedFormatter
from markupsafe import Markup

# One conversion of printf-style formatting: %(key)-08.3f, %*.*s, %%.
PERCENT_SPEC = re.compile(r"%(?:\(([^)]*)\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([a-zA-Z%])")
# str.format's spec after nested fields are filled in: [[fill]align][sign][z][#][0][width][,_][.precision][type]
FORMAT_SPEC = re.compile(r"^(?:.?[<>=^])?[+\- ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[a-zA-Z%]?$", re.DOTALL)
FLOAT_DIGITS = 320  # '%f' % 1e308 writes 309 digits before the point


def _limit():
    from exports.word.engine import MAX_TEXT, TOO_LONG, TemplateProblem
    return MAX_TEXT, lambda: TemplateProblem(TOO_LONG)


def _length(value, conversion: str) -> int:
    """An upper bound on what one value adds before width and precision, without building it."""
    if isinstance(value, float) and conversion in "eEfFgG":
        return FLOAT_DIGITS
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() // 3 + 2
    if isinstance(value, str):
        return len(value) * (6 if conversion in "ra" else 1)  # repr escapes: \U0001f600 is 10
    return len(str(value)) * (6 if conversion in "ra" else 1)


def percent_size(template: str, args) -> int:
    """At most how long `template % args` comes out; 0 when the arguments do not fit the template
    (Python then raises its own error, which the child describes)."""
    values = args if isinstance(args, tuple) else (args,)
    position = 0
    total = len(template)

    def take():
        nonlocal position
        position += 1
        return values[position - 1] if position <= len(values) else 0

    for match in PERCENT_SPEC.finditer(template):
        key, width, precision, conversion = match.groups()
        if conversion == "%":
            continue
        width = take() if width == "*" else int(width or 0)
        precision = take() if precision == "*" else int(precision or 0)
        if key is not None:
            value = args.get(key, "") if isinstance(args, Mapping) else ""
        else:
            value = take()
        numbers = [n for n in (width, precision) if isinstance(n, int) and not isinstance(n, bool)]
        total += sum(abs(n) for n in numbers) + _length(value, conversion)
    return total


class _Bounded:
    """A str.format formatter that refuses a field whose width or precision alone is past the limit,
    and stops as soon as the fields built so far are."""

    built = 0

    def format_field(self, value, format_spec):
        limit, too_long = _limit()
        spec = FORMAT_SPEC.match(format_spec or "")
        if spec and any(int(n) > limit for n in spec.groups() if n):
            raise too_long()
        if spec is None and len(format_spec) > limit:
            raise too_long()
        piece = super().format_field(value, format_spec)
        self.built += len(piece)
        if self.built > limit:
            raise too_long()
        return piece


class BoundedFormatter(_Bounded, SandboxedFormatter):
    pass


class BoundedEscapeFormatter(_Bounded, SandboxedEscapeFormatter):
    pass


class TextLimits:
    """For a sandbox whose intercepted_binops include "%"."""

    def call_binop(self, context, operator, left, right):
        if operator == "%" and isinstance(left, str):
            limit, too_long = _limit()
            if percent_size(left, right) > limit:
                raise too_long()
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value):
        """Jinja's own wrapper (jinja2.sandbox) with the bounded formatters in place of its own."""
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) \
                or value.__name__ not in ("format", "format_map"):
            return None
        f_self = value.__self__
        if not isinstance(f_self, str):
            return None
        str_type = type(f_self)
        is_format_map = value.__name__ == "format_map"

        def wrapper(*args, **kwargs):
            # A fresh formatter per call: the size built so far is counted per text.
            formatter = (BoundedEscapeFormatter(self, escape=f_self.escape) if isinstance(f_self, Markup)
                         else BoundedFormatter(self))
            if is_format_map:
                if kwargs:
                    raise TypeError("format_map() takes no keyword arguments")
                if len(args) != 1:
                    raise TypeError(f"format_map() takes exactly one argument ({len(args)} given)")
                kwargs, args = args[0], ()
            return str_type(formatter.vformat(f_self, args, kwargs))

        return update_wrapper(wrapper, value)
