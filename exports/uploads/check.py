"""Checks on a template HR uploads, before it is stored. Each problem is a sentence in Dutch for HR,
saying what is wrong, where, and how to put it right; notes are what HR should know without the upload
being refused. The upload is then tried on the demo plan and on the extremes (sample_plans.py), in a
child process with limits (isolation.py), and every result must be a document Word and Excel open."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field as dataclass_field

from jinja2 import TemplateSyntaxError, nodes

from exports.uploads import messages
from exports.context import Group, example_plan_context
from exports.word.engine import (CompiledDocx, TemplateProblem, TEMPLATED_PART, count_placeholders,
                                 make_environment, prepare_xml)
from exports.uploads.package_check import check_package
from exports.uploads.places import crowded_tags, part_name, place_of, read_layout
from exports.excel.template import CompiledXlsx

LOOP_FIELDS = {"index": 1, "index0": 0, "first": True, "last": True, "length": 1, "revindex": 1,
               "revindex0": 0, "cycle": None, "previtem": None, "nextitem": None, "depth": 1}
TRACKED = re.compile(r"<w:(ins|del|moveFrom|moveTo)\b")
SINGLE_BRACES = re.compile(r"(?<![{])\{\s*([A-Za-z_][\w.]*)\s*\}(?![}])")


@dataclass
class Report:
    """What the upload check found. problems refuse the upload; notes are shown with it."""

    template: object | None
    problems: list[str] = dataclass_field(default_factory=list)
    notes: list[str] = dataclass_field(default_factory=list)
    found: list[tuple[str, str]] = dataclass_field(default_factory=list)  # (placeholder, where)
    unused: list[str] = dataclass_field(default_factory=list)  # the form's questions not in it
    preview: bytes | None = None  # the demo plan filled in, when the upload is accepted
    marks: dict = dataclass_field(default_factory=dict)  # Word part → its tags (places.Mark)

    def add(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)


def compile_template(data: bytes, fmt: str, definition=None):
    """The uploaded file checked as a package and compiled; definition lets Word's own fields
    (merge fields, content controls) be matched to the form's questions by their labels."""
    check_package(data, fmt)
    try:
        return CompiledDocx(data, definition) if fmt == "docx" else CompiledXlsx(data)
    except TemplateProblem as exc:
        raise messages.in_dutch(exc) from exc


def check_template(data: bytes, fmt: str, definition, render: bool = True) -> Report:
    """Everything HR needs to hear about an upload. Raises TemplateProblem when the file cannot be
    read as a template at all; otherwise returns a Report, accepted when it has no problems. With
    render, an accepted template is tried on every sample plan and its preview is made.

    Nothing of it runs here: the package check (a 100 MB unpacked upload takes seconds), reading the
    template (docxtpl's clean-up is quadratic on some inputs: 8.000 braces in a long paragraph took
    minutes), compiling and filling it run in the child process, under one time and memory limit for
    all of it (isolation.py)."""
    from exports.uploads.isolation import TemplateTimeout, check_timeout, inspect_upload
    from exports.uploads.sample_plans import trial_contexts

    trials = trial_contexts(definition, excel=fmt == "xlsx") if render else []
    try:
        found, documents = inspect_upload(data, fmt, definition.key, [c for _, c in trials])
    except TemplateTimeout as exc:
        # One limit covers reading the template and every trial plan: which step ran out of time
        # says little, so the message names the whole check and both likely causes.
        seconds = f"{check_timeout():g}".replace(".", ",")
        raise TemplateProblem(
            f"De controle van het sjabloon (lezen en invullen met {len(trials)} voorbeeldplannen, "
            f"waarvan één tot elke grens gevuld) duurde langer dan {seconds} seconden en is gestopt. "
            "Bij een heel groot sjabloon: splits het, of laat herhaalde stukken weg. Kijk ook na of er "
            "lussen in lussen staan, of lussen over range() die bij echte plannen veel vaker rondgaan "
            "dan nodig.") from exc
    except TemplateProblem as exc:
        index = getattr(exc, "context_index", None)
        if index is None or index >= len(trials):
            raise messages.in_dutch(exc) from exc
        return Report(None, problems=[f"Ingevuld met {trials[index][0]} gaat het mis: "
                                      f"{messages.in_dutch(exc)}"])
    report = Report(None, **found)
    if not report.problems and documents:
        report.preview = documents[0]
    return report


def inspect_structure(data: bytes, fmt: str, definition=None, template=None) -> Report:
    """The part of the reading that does not depend on the form's names: the package, the layout of
    the tags, whether it compiles, Word's own fields and tracked changes. What docxtpl itself
    renders should pass here (tests/test_docxtpl_compat.py measures it on docxtpl's own templates);
    report.marks holds each Word part's tags with their places for the name check."""
    check_package(data, fmt)
    marks = {}
    if fmt == "docx":
        marks, problems = _word_layout(data)
        if problems:
            return Report(None, problems=problems)
    template = template or compile_template(data, fmt, definition)
    report = Report(template, notes=list(getattr(template, "notes", [])), marks=marks)
    for problem in getattr(template, "field_problems", []):
        report.add(problem)
    if fmt == "docx":
        for where, source in template.sources.items():
            if TRACKED.search(source):
                report.add(f"In {part_name(where)} staan bijgehouden wijzigingen. Accepteer ze eerst in "
                           "Word (Controleren → Accepteren → Alle wijzigingen accepteren) en upload het "
                           "document opnieuw; anders komen ze in elk plan terecht.")
    return report


def inspect_template(data: bytes, fmt: str, definition, template=None) -> Report:
    """The reading of an upload, in the child process: what is wrong, where, and what is in it."""
    report = inspect_structure(data, fmt, definition, template)
    if report.template is None:
        return report
    template, marks = report.template, report.marks
    context, _ = example_plan_context(definition)
    analysis = Analysis(template.env, context, definition)
    for where, source in template.sources.items():
        place = _place_finder(fmt, where, marks.get(where, []))
        for problem in analysis.run(source, place):
            report.add(problem)
        for name, position in _single_braces(source, context, fmt):
            where_ = place_of(where, source, position) if fmt == "docx" else place(name)
            note = (f"{{ {name} }} in {where_} staat tussen enkele accolades en wordt niet "
                    f"ingevuld; bedoelt u {{{{ {name} }}}}?")
            if note not in report.notes:
                report.notes.append(note)
    report.notes.extend(n for n in analysis.notes if n not in report.notes)
    report.found = _found(template, fmt, marks)
    if not report.found and not report.problems:
        report.add(_nothing_found(template))
    report.unused = [f"{f.label.rstrip(':')}" for f in definition.fields
                     if not analysis.uses(f.key)]
    return report


def _word_layout(data: bytes):
    """Each Word part's tags with their places, and the problems of their layout, read before
    compiling so that a mistake is named where it is and in Dutch, not as Jinja reports it."""
    env = make_environment()
    marks, problems = {}, []
    placeholders = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not TEMPLATED_PART.match(name):
                continue
            try:
                raw = archive.read(name).decode("utf-8")
                xml = prepare_xml(raw)
            except Exception:  # noqa: BLE001 - left to the compile step, which says it in Dutch
                continue
            crowded = crowded_tags(name, raw)
            if crowded:  # what Jinja would then say about the one tag left is beside the point
                problems.extend(p for p in crowded if p not in problems)
                continue
            # Counted before reading: the reading is linear in the tags, but a file of nothing but
            # half a million "{%" would still take minutes.
            placeholders = count_placeholders(xml, placeholders)
            layout = read_layout(name, xml)
            marks[name] = layout.marks
            problems.extend(p for p in layout.problems if p not in problems)
            for mark in layout.marks:
                problem = _tag_problem(env, mark)
                if problem and problem not in problems:
                    problems.append(problem)
    return marks, problems


def _tag_problem(env, mark) -> str | None:
    """A single {{ }} or {% %} Jinja cannot read, in Dutch, with where it is."""
    if mark.kind == "print":
        source = "{{ " + mark.expression + " }}"
    elif mark.kind in ("if", "elif"):
        source = "{% if " + mark.expression + " %}{% endif %}"
    elif mark.kind == "for":
        source = "{% for " + mark.expression + " %}{% endfor %}"
    elif mark.kind in ("set",):
        source = mark.text
    elif mark.kind in ("macro", "call"):  # docxtpl renders them: so does the engine
        source = "{% " + mark.kind + " " + mark.expression + " %}{% end" + mark.kind + " %}"
    elif mark.kind in ("else", "endif", "endfor", "with", "endwith", "filter", "endfilter",
                       "endmacro", "endcall"):
        return None
    else:
        return (f"{mark.text} in {mark.where} is geen opdracht die een sjabloon kent. Gebruik "
                "{% if … %}, {% for … %} of {{ … }}; zie de lijst met plaatshouders.")
    try:
        env.compile(source)  # compiled, not only parsed: an unknown filter is found here
    except TemplateSyntaxError as exc:
        return f"{' '.join(mark.text.split())} in {mark.where} {messages.syntax(exc.message)}"
    return None


def _place_finder(fmt, where, marks):
    """A function naming where a placeholder stands: its Word part and table, or its cell."""
    if fmt != "docx":  # a cell ("Blad1!B3") or a page header or footer ("koptekst van Blad1")
        return lambda _path: f"cel {where}" if "!" in where else where
    area = part_name(where)

    def place(path: str) -> str:
        needle = path.split("[")[0]
        for mark in marks:
            if needle in mark.expression:
                return mark.where
        return area
    return place


def _single_braces(source: str, context: dict, fmt: str) -> list[tuple[str, int]]:
    """{ medewerker.naam } with one brace each side: (the name, where it is in the source)."""
    text = re.sub(r"<[^>]+>", "", source) if fmt == "docx" else source
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.S)
    found = []
    for m in SINGLE_BRACES.finditer(text):
        name = m.group(1)
        if name.split(".")[0] in context:
            found.append((name, max(source.find(name), 0)))
    return found


def _found(template, fmt, marks) -> list[tuple[str, str]]:
    if getattr(template, "found", None):
        listed = list(template.found)
    else:
        listed = []
    seen = {path for path, _ in listed}
    if fmt == "docx":
        for part_marks in marks.values():
            for mark in part_marks:
                shown = ("{{ " + mark.expression + " }}" if mark.kind == "print"
                         else " ".join(mark.text.split()))
                name = mark.expression.split("|")[0].strip()  # datum_pop_gesprek|upper: one field
                if mark.kind in ("print", "for", "if") and name not in seen:
                    listed.append((shown, mark.where))
    elif not listed:
        listed = [(" ".join(source.split()), f"cel {where}" if "!" in where else where)
                  for where, source in template.sources.items()]
    return listed


# How the message for an upload without a single field begins: the upload view sends such an upload
# to the blank-form proposal (pop/views/blank_forms.py) instead of refusing it.
NOTHING_FOUND = "In dit sjabloon staat geen enkel veld dat wordt ingevuld"


def _nothing_found(template) -> str:
    from exports.word.fields import describe_markings

    markings = getattr(template, "markings", None) or {}
    seen = describe_markings(markings) if any(markings.values()) else ""
    return (f"{NOTHING_FOUND}: geen plaatshouders zoals "
            "{{ medewerker.naam }}, geen samenvoegvelden («Naam») en geen inhoudsbesturingselementen "
            "met de naam van een vraag uit het formulier." +
            (f" Wel gevonden: {seen}, maar zonder naam die in het formulier voorkomt." if seen else
             " Voeg de plaatshouders toe die op de pagina ‘Welke plaatshouders?’ staan."))


class Analysis:
    """Reads a template's Jinja tree against the example plan: names the form does not have, whole
    tables printed as text, comparisons that can never be true, and which questions are used."""

    def __init__(self, env, context: dict, definition):
        self.env = env
        self.context = context
        self.definition = definition
        self.allowed_globals = set(env.globals)
        self.known = _known_paths(context)
        self.roots: set[str] = set()
        self.notes: list[str] = []
        self.values = messages.possible_values(definition)

    def uses(self, key: str) -> bool:
        return any(root == key or root.startswith(key + "_") for root in self.roots)

    def run(self, source: str, place) -> list[str]:
        self.place = place
        self.problems: list[str] = []
        self._walk(self.env.parse(source), {})
        return self.problems

    # ------------------------------------------------------------------ the tree
    def _walk(self, node, scope):
        if isinstance(node, nodes.For):
            self._walk(node.iter, scope)
            element = _element(_schema(node.iter, scope, self.context))
            inner = dict(scope, loop=LOOP_FIELDS)
            for target in _target_names(node.target):
                inner[target] = element if isinstance(node.target, nodes.Name) else None
            for child in node.body:
                self._walk(child, inner)
            for child in node.else_:
                self._walk(child, scope)
            if node.test is not None:
                self._walk(node.test, inner)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            if isinstance(node, nodes.Macro):
                scope[node.name] = None  # defined by the template: callable from here on
            else:
                self._walk(node.call, scope)
            inner = dict(scope, caller=None, varargs=None, kwargs=None)
            for argument in node.args:
                inner[argument.name] = None
            for default in node.defaults:
                self._walk(default, scope)
            for child in node.body:
                self._walk(child, inner)
            return
        if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
            for target in _target_names(node.target):
                scope[target] = None  # set by the template itself: anything goes
        if isinstance(node, nodes.Output):
            for expression in node.nodes:
                self._printed(expression, scope)
        if isinstance(node, nodes.Compare):
            self._compared(node, scope)
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)) and _base_name(node):
            self._name(node, scope)
            if isinstance(node, nodes.Getitem):
                self._walk(node.arg, scope)
            return
        for child in node.iter_child_nodes():
            self._walk(child, scope)

    def _name(self, node, scope):
        base = _base_name(node)
        if base not in scope:
            self.roots.add(base)
        path, missing = _resolve(node, scope, self.context, self.allowed_globals)
        if missing:
            path = _written(node)
            problem = messages.unknown_name(path, self.place(path), self.known, self.context,
                                            self.definition, in_scope=scope)
            if problem not in self.problems:
                self.problems.append(problem)

    def _printed(self, expression, scope):
        if not isinstance(expression, (nodes.Name, nodes.Getattr, nodes.Getitem)) or \
                not _base_name(expression):
            return
        path, missing = _resolve(expression, scope, self.context, self.allowed_globals)
        if missing:
            return
        schema = _schema(expression, scope, self.context)
        # A SMART check, cost grid or checklist prints as its text (context.Group); other groups
        # and tables would print as Python's brackets.
        if isinstance(schema, (list, dict)) and not isinstance(schema, Group):
            problem = messages.not_printable(path, schema, self.place(path), self.context)
            if problem not in self.problems:
                self.problems.append(problem)

    def _compared(self, node, scope):
        sides = [node.expr] + [op.expr for op in node.ops]
        paths = [_resolve(s, scope, self.context, self.allowed_globals)[0]
                 if isinstance(s, (nodes.Name, nodes.Getattr, nodes.Getitem)) and _base_name(s) else None
                 for s in sides]
        constants = [s.value for s in sides if isinstance(s, nodes.Const) and isinstance(s.value, str)]
        for path in paths:
            if path in self.values:
                for constant in constants:
                    note = messages.impossible_comparison(path, constant, self.values[path],
                                                          self.place(path))
                    if note and note not in self.notes:
                        self.notes.append(note)


def _target_names(target):
    if isinstance(target, nodes.Name):
        return [target.name]
    if isinstance(target, nodes.Tuple):
        return [n.name for n in target.items if isinstance(n, nodes.Name)]
    return []


def _base_name(node):
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        node = node.node
    return node.name if isinstance(node, nodes.Name) and node.ctx == "load" else None


def _resolve(node, scope, context, allowed_globals):
    """(dotted path, whether it is unknown)."""
    if isinstance(node, nodes.Name):
        if node.name in scope:
            return node.name, False
        if node.name in context or node.name in allowed_globals:
            return node.name, False
        return node.name, True
    parent_path, missing = _resolve(node.node, scope, context, allowed_globals)
    if missing:
        return parent_path, True
    schema = _schema(node.node, scope, context)
    if isinstance(node, nodes.Getattr):
        path = f"{parent_path}.{node.attr}"
        if isinstance(schema, dict):
            return path, node.attr not in schema
        return path, False  # a method of a text or list value, or a value the template made itself
    key = node.arg.value if isinstance(node.arg, nodes.Const) else None
    path = f"{parent_path}[{key!r}]" if isinstance(key, str) else f"{parent_path}[{key}]"
    if isinstance(schema, dict) and isinstance(key, str):
        return path, key not in schema
    return path, False


def _schema(node, scope, context):
    if isinstance(node, nodes.Name):
        return scope[node.name] if node.name in scope else context.get(node.name)
    parent = _schema(node.node, scope, context)
    if isinstance(node, nodes.Getattr):
        return parent.get(node.attr) if isinstance(parent, dict) else None
    if isinstance(node, nodes.Getitem):
        if isinstance(parent, dict) and isinstance(node.arg, nodes.Const):
            return parent.get(node.arg.value)
        return _element(parent)
    return None


def _element(schema):
    """What one item of a list looks like: the first row of a table in the example plan."""
    return schema[0] if isinstance(schema, list) and schema else None


def _known_paths(context, prefix="") -> list[str]:
    paths = []
    for key, value in context.items():
        path = f"{prefix}{key}"
        paths.append(path)
        if isinstance(value, dict):
            paths.extend(_known_paths(value, path + "."))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            paths.extend(_known_paths(value[0], path + "[0]."))
    return paths


def _written(node) -> str:
    """A name as the template writes it, in full: Medewerker.naam, r.sterk, kwaliteiten[0].sterk."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_written(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        key = node.arg.value if isinstance(node.arg, nodes.Const) else "…"
        return f"{_written(node.node)}[{key!r}]" if isinstance(key, str) and key != "…" \
            else f"{_written(node.node)}[{key}]"
    return "…"
