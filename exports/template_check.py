"""Checks on a template HR uploads, before it is stored. Each problem is a sentence in Dutch for HR."""
from __future__ import annotations

import difflib

from jinja2 import nodes

from .context import example_plan_context
from .docx_engine import CompiledDocx
from .package_check import check_package
from .xlsx_template import CompiledXlsx

LOOP_FIELDS = {"index": 1, "index0": 0, "first": True, "last": True, "length": 1, "revindex": 1,
               "revindex0": 0, "cycle": None, "previtem": None, "nextitem": None, "depth": 1}


def compile_template(data: bytes, fmt: str, definition=None):
    """The uploaded file checked as a package and compiled; definition lets Word's own fields
    (merge fields, content controls) be matched to the form's questions by their labels."""
    check_package(data, fmt)
    return CompiledDocx(data, definition) if fmt == "docx" else CompiledXlsx(data)


def check_template(data: bytes, fmt: str, definition) -> tuple[object, list[str]]:
    """Compile the template and find placeholders the form does not have. Returns the compiled
    template and a list of problems (empty when it can be used); raises TemplateProblem when the
    file cannot be read as a template at all."""
    template = compile_template(data, fmt, definition)
    context, _ = example_plan_context(definition)
    known = _known_paths(context)
    problems = []
    for where, source in template.sources.items():
        for path in unknown_placeholders(template.env, source, context):
            nearest = difflib.get_close_matches(path, known, n=1, cutoff=0.6)
            hint = f" Bedoelt u {{{{ {nearest[0]} }}}}?" if nearest else ""
            place = "" if fmt == "docx" else f" (cel {where})"
            message = f"Onbekende plaatshouder {{{{ {path} }}}}{place}.{hint}"
            if message not in problems:
                problems.append(message)
    if not problems:
        try:
            render_example(template, fmt, definition)
        except Exception as exc:  # noqa: BLE001 - any failure of an uploaded template is HR's to see
            problems.append(f"Het sjabloon kon niet worden ingevuld met het voorbeeldplan: {exc}")
    return template, problems


def render_example(template, fmt: str, definition) -> bytes:
    """The template filled with an example plan in which every answer is given: the preview."""
    context, _ = example_plan_context(definition, excel=fmt == "xlsx")
    return template.render(context)


def unknown_placeholders(env, source: str, context: dict) -> list[str]:
    """Dotted names the template uses that the context does not offer, loop variables followed into
    the rows of the table they loop over."""
    tree = env.parse(source)
    unknown: list[str] = []
    allowed_globals = set(env.globals)
    _walk(tree, {}, context, allowed_globals, unknown)
    return unknown


def _walk(node, scope, context, allowed_globals, unknown):
    if isinstance(node, nodes.For):
        _walk(node.iter, scope, context, allowed_globals, unknown)
        element = _element(_schema(node.iter, scope, context))
        inner = dict(scope, loop=LOOP_FIELDS)
        for target in _target_names(node.target):
            inner[target] = element if isinstance(node.target, nodes.Name) else None
        for child in node.body:
            _walk(child, inner, context, allowed_globals, unknown)
        for child in node.else_:
            _walk(child, scope, context, allowed_globals, unknown)
        if node.test is not None:
            _walk(node.test, inner, context, allowed_globals, unknown)
        return
    if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
        for target in _target_names(node.target):
            scope[target] = None  # set by the template itself: anything goes
    if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)) and _base_name(node):
        path, missing = _resolve(node, scope, context, allowed_globals)
        if missing and path not in unknown:
            unknown.append(path)
        if isinstance(node, nodes.Getitem):
            _walk(node.arg, scope, context, allowed_globals, unknown)
        return
    for child in node.iter_child_nodes():
        _walk(child, scope, context, allowed_globals, unknown)


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
