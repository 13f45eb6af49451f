"""The sandbox's text-size limit holds for every way a template builds text, also the ones that take a
tiny input and a number (printf-style %, str.format and format_map, widths from nested fields or `*`):
refused before the text is built, so it neither fills a plan with 100 MB nor takes the memory first."""
import tracemalloc

import pytest

from export_support import FORM, FORM_KEY, simple_docx
from exports.context import example_plan_context
from exports.uploads.isolation import render_upload
from exports.uploads.limits_sandbox import percent_size
from exports.word.engine import MAX_TEXT, TOO_LONG, TemplateProblem, make_environment

HUNDRED_MB = [
    "{{ '%0100000000d' % 1 }}",
    "{{ '%100000000s' % 'x' }}",
    "{{ '%*s' % (100000000, '') }}",
    "{{ '%.*f' % (100000000, 1.5) }}",
    "{{ '%(a)100000000s' % {'a': 1} }}",
    "{{ '{:>100000000}'.format(1) }}",
    "{{ '{:.100000000f}'.format(1.5) }}",
    "{{ '{:{w}}'.format(1, w='100000000') }}",
    "{{ '{a:>100000000}'.format_map({'a': 1}) }}",
    # Each piece under the limit, together over it.
    "{{ '%999999d%999999d' % (1, 2) }}",
    "{{ '{0:>999999}{0:>999999}'.format(1) }}",
    "{% set s = 'x' * 90000 %}{{ ('%s' * 12) % (s, s, s, s, s, s, s, s, s, s, s, s) }}",
]


def render(source: str) -> str:
    return make_environment(autoescape=False, finalize=None).from_string(source).render()


@pytest.mark.parametrize("source", HUNDRED_MB)
def test_text_past_the_limit_is_refused_before_it_is_built(source):
    tracemalloc.start()
    try:
        with pytest.raises(TemplateProblem) as refused:
            render(source)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(refused.value) == TOO_LONG
    assert peak < 8 * 1024 * 1024, peak  # a check after building would have taken 100 MB


@pytest.mark.parametrize("source, text", [
    ("{{ '%s-%05d' % ('a', 3) }}", "a-00003"),
    ("{{ '%s %%' % 5 }}", "5 %"),
    ("{{ '%(x)s/%(x)s' % {'x': 'y'} }}", "y/y"),
    ("{{ '%.2f' % 2.5 }}", "2.50"),
    ("{{ 7 % 3 }}", "1"),
    ("{{ '{:>5}|{:.2f}'.format('x', 2.5) }}", "    x|2.50"),
    ("{{ '{a}'.format_map({'a': 'b'}) }}", "b"),
    # Just under the limit is allowed: the limit is the limit, not a guess far below it.
    ("{{ ('%' ~ (MAX - 10) ~ 's') % 'x' | length }}", None),
])
def test_ordinary_formatting_still_works(source, text):
    source = source.replace("MAX", str(MAX_TEXT))
    if text is None:
        assert len(render(source.replace(" | length", ""))) == MAX_TEXT - 10
    else:
        assert render(source) == text


def test_the_estimate_bounds_what_python_builds():
    for template, args in [("%5s|%-3d|%.1f|%r", ("ab", 7, 2.25, "x\U0001f600")), ("%(a)s%(a)s", {"a": "xyz"}),
                           ("%*.*f", (12, 3, 1e300)), ("%x %o %e %%", (255, 8, 1.5))]:
        assert percent_size(template, args) >= len(template % args)


def test_a_plan_is_not_filled_with_100_mb_in_the_child():
    """The child's memory limit (1 GB by default) let `'%0100000000d' % 1` through: 100 MB of zeros in
    the document. Now the sandbox refuses it, in Dutch."""
    context = example_plan_context(FORM)[0]
    with pytest.raises(TemplateProblem) as refused:
        render_upload(simple_docx("{{ '%0100000000d' % 1 }}"), "docx", FORM_KEY, [context])
    assert "te lange tekst" in str(refused.value)
