"""SPARQL-based targets and constraints (``sh:target``/``sh:SPARQLTarget``, ``sh:sparql``).

pyshacl runs a SPARQL constraint once per focus node; here it runs once per validation: the
shape's focus nodes are joined into the constraint's own ``WHERE`` group, which is what
pre-binding ``$this`` means for the queries SHACL allows there (the spec forbids the constructs,
such as ``MINUS`` and sub-selects, where joining and pre-binding differ). ``$PATH`` becomes the
property shape's path. Prefixes come from ``sh:prefixes`` and are declared once in the prologue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import ShapesError, Unsupported
from .model import SH, Shape, ShapesGraph

__all__ = [
    "SparqlConstraint",
    "read_constraints",
    "split_prologue",
    "with_focus",
    "lateral",
    "prologue",
]

_PROLOGUE = re.compile(
    r"\s*(?:(PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>|(BASE)\s*<[^>]*>)", re.IGNORECASE
)
_UNSUPPORTED_VARS = re.compile(r"\$(currentShape|shapesGraph)\b")


@dataclass(frozen=True)
class SparqlConstraint:
    node: ox.NamedNode | ox.BlankNode
    select: str  # the body, prologue removed
    prefixes: dict[str, str]
    messages: tuple[ox.Literal, ...]
    component: ox.NamedNode = ox.NamedNode(SH + "SPARQLConstraintComponent")
    #: A node validator of a constraint component: ``$value`` is pre-bound to ``$this``.
    value_is_this: bool = False


def split_prologue(text: str, owner: object) -> tuple[str, dict[str, str]]:
    """(query without its PREFIX/BASE lines, the prefixes they declared)."""
    found: dict[str, str] = {}
    pos = 0
    while True:
        m = _PROLOGUE.match(text, pos)
        if m is None:
            break
        if m.group(4):
            raise Unsupported(owner, "sh:select", "BASE in a SPARQL-based constraint")
        found[m.group(2) or ""] = m.group(3)
        pos = m.end()
    return text[pos:], found


def prologue(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))


def merge_prefixes(into: dict[str, str], more: dict[str, str], owner: object) -> None:
    for p, ns in more.items():
        if into.setdefault(p, ns) != ns:
            raise ShapesError(f"{owner}: prefix {p!r} means two namespaces in one query")


def read_constraints(g: ShapesGraph, shape: Shape) -> list[SparqlConstraint]:
    found = []
    for node in shape.params.get("sparql", []):
        if isinstance(node, ox.Literal):
            raise ShapesError(f"shape {shape.node}: sh:sparql {node} is no node")
        deactivated = g.one(node, SH + "deactivated")
        if isinstance(deactivated, ox.Literal) and deactivated.value in ("true", "1"):
            continue
        select = g.one(node, SH + "select")
        if select is None:
            raise Unsupported(shape.node, "sh:sparql", "only sh:select constraints are supported")
        body, declared = split_prologue(select.value, shape.node)
        check_allowed(body, shape.node)
        if _UNSUPPORTED_VARS.search(body):
            raise Unsupported(shape.node, "sh:sparql", "$currentShape / $shapesGraph")
        prefixes = g.prefixes(node)
        merge_prefixes(prefixes, declared, shape.node)
        messages = tuple(m for m in g.objects(node, SH + "message") if isinstance(m, ox.Literal))
        found.append(SparqlConstraint(node, body, prefixes, messages))
    return found


#: What SHACL forbids in a SPARQL-based constraint (section 5.3.1: pre-binding is undefined for
#: them), found in the query with its strings and IRIs blanked out.
_FORBIDDEN = re.compile(
    r"\b(MINUS|VALUES|SERVICE)\b|(?-i:\bAS\s*[?$](this|value|PATH|currentShape|shapesGraph)\b)",
    re.IGNORECASE,
)
#: A sub-SELECT's projection: it must project ``$this`` (not even ``*``) to see the pre-bound value.
_SUBSELECT = re.compile(r"\{\s*SELECT\b(.*?)(?:\bWHERE\b|\{)", re.IGNORECASE | re.DOTALL)
_STRINGS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'
    r"'(?:[^'\\\n]|\\.)*'|<[^<>\s]*>|#[^\n]*"
)


def check_allowed(body: str, owner: object) -> None:
    """A :class:`ShapesError` for a construct SHACL forbids in SPARQL-based constraints."""
    bare = _STRINGS.sub(" ", body)
    m = _FORBIDDEN.search(bare)
    if m is not None:
        what = m.group(1) or f"AS ?{m.group(2)}"
        raise ShapesError(f"shape {owner}: SHACL does not allow {what} in a SPARQL constraint")
    for sub in _SUBSELECT.finditer(bare):
        if not re.search(r"[?$]this\b", sub.group(1)):
            raise ShapesError(
                f"shape {owner}: a sub-SELECT of a SPARQL constraint must project $this"
            )


def _path_substituted(body: str, path: str | None, owner: object) -> str:
    if "$PATH" in body:
        if path is None:
            raise Unsupported(owner, "sh:sparql", "$PATH in a node shape")
        body = body.replace("$PATH", path)
    return body


def lateral(
    body: str, focus: str, path: str | None, dataset: str, owner: object, value: bool = False
) -> str:
    """The constraint's SELECT run once per focus node with ``$this`` pre-bound: a LATERAL
    join (pyoxigraph evaluates its right side with the left side's bindings substituted,
    which is exactly SHACL's pre-binding), in one query for all focus nodes."""
    body = _path_substituted(body, path, owner)
    bind = " BIND(?this AS ?value)" if value else ""
    return f"SELECT * {dataset}WHERE {{ {focus}{bind} LATERAL {{ {body} }} }}"


def with_focus(body: str, focus: str, path: str | None, owner: object, value: bool = False) -> str:
    """The SELECT with the focus pattern first in its WHERE group and ``$PATH`` substituted:
    for servers without LATERAL; equal to pre-binding unless ``$this`` is used in an inner
    group before it is bound there."""
    body = _path_substituted(body, path, owner)
    brace = body.find("{")
    if brace < 0:
        raise ShapesError(f"{owner}: the SPARQL query has no WHERE group")
    bind = " BIND(?this AS ?value)" if value else ""
    return body[: brace + 1] + " " + focus + bind + " " + body[brace + 1 :]


def substitute(message: str, row: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
    """``{?var}``/``{$var}`` in a message replaced by the row's values."""

    def one(m: re.Match[str]) -> str:
        term = row.get(m.group(1))
        if term is None:
            return m.group(0)
        # as pyshacl writes them: an IRI without brackets, a literal's lexical form
        return term.value if isinstance(term, ox.Literal | ox.NamedNode) else str(term)

    return re.sub(r"\{[?$](\w+)\}", one, message)
