"""SHACL property paths: read from the shapes graph, written as SPARQL property paths.

A path is kept as its SPARQL text (which is also its structural identity: two blank-node paths
with the same structure compare equal, as the W3C suite asks when it compares result paths) and
the shapes-graph term it came from (what a report gives as ``sh:resultPath``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import ShapesError

if TYPE_CHECKING:
    from .model import ShapesGraph

__all__ = ["Path", "read_path"]

SH = "http://www.w3.org/ns/shacl#"
RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
_UNARY = {
    "inversePath": "^{}",
    "zeroOrMorePath": "{}*",
    "oneOrMorePath": "{}+",
    "zeroOrOnePath": "{}?",
}


@dataclass(frozen=True)
class Path:
    """``sparql`` is the path as SPARQL; ``term`` the node of the shapes graph it was read from;
    ``predicate`` the IRI when the path is a single predicate (closed shapes and equality
    constraints need it)."""

    sparql: str
    term: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode | None = None


def read_path(g: ShapesGraph, node: object) -> Path:
    if isinstance(node, ox.NamedNode):
        return Path(f"<{node.value}>", node, node)
    if not isinstance(node, ox.BlankNode):
        raise ShapesError(f"{node} is not a SHACL path")
    return Path(_sparql(g, node, set()), node)


def _sparql(g: ShapesGraph, node: object, seen: set[object]) -> str:
    if isinstance(node, ox.NamedNode):
        return f"<{node.value}>"
    if not isinstance(node, ox.BlankNode) or node in seen:
        raise ShapesError(f"{node} is not a SHACL path")
    seen = seen | {node}
    # A list is a sequence path even when the node also has other path properties (the W3C
    # suite's "strange" paths): the list is checked first.
    if g.one(node, "http://www.w3.org/1999/02/22-rdf-syntax-ns#first") is not None:
        items = [_sparql(g, i, seen) for i in g.rdf_list(node)]
        if len(items) < 2:
            raise ShapesError(f"the sequence path {node} needs two members")
        return "(" + "/".join(items) + ")"
    for name, form in _UNARY.items():
        inner = g.one(node, SH + name)
        if inner is not None:
            return form.format("(" + _sparql(g, inner, seen) + ")")
    alternatives = g.one(node, SH + "alternativePath")
    if alternatives is not None:
        items = [_sparql(g, i, seen) for i in g.rdf_list(alternatives)]
        if len(items) < 2:
            raise ShapesError(f"the alternative path {node} needs two members")
        return "(" + "|".join(items) + ")"
    raise ShapesError(f"{node} is not a SHACL path")
