"""The components that relate a focus node's values to something else: another property
(``sh:equals``, ``sh:disjoint``, ``sh:lessThan``, ``sh:lessThanOrEquals``), a counted shape
(``sh:qualifiedValueShape``) or the shape's own property list (``sh:closed``).

Kept apart from :mod:`.components` (which dispatches and writes the per-value tests) only to
keep each module readable; they write :class:`~.components.Piece` the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import Unsupported
from .model import SH, Shape
from .piece import SUPPORTED, Piece, integer
from .terms import sparql_term

if TYPE_CHECKING:
    from .components import Components

__all__ = ["pair", "qualified", "closed"]


def pair(c: Components, shape: Shape, name: str, other: object, f: str) -> list[Piece]:
    comp = SUPPORTED[name]
    p = sparql_term(other, shape.node, f"sh:{name}")
    v, o = c.fresh(), c.fresh()
    vals = c.values(shape, f, v)
    if name == "disjoint":
        return [Piece(comp, f"{vals} {f} {p} {v} .", value=v)]
    if name == "equals":
        if shape.path is None:
            return [
                Piece(comp, f"FILTER NOT EXISTS {{ {f} {p} {f} }}", value=f),
                Piece(comp, f"{f} {p} {o} . FILTER(!sameTerm({o}, {f}))", value=o),
            ]
        w = c.fresh()
        return [
            Piece(comp, f"{vals} FILTER NOT EXISTS {{ {f} {p} {v} }}", value=v),
            Piece(
                comp,
                f"{f} {p} {o} . FILTER NOT EXISTS {{ {c.values(shape, f, w)} "
                f"FILTER(sameTerm({w}, {o})) }}",
                value=o,
            ),
        ]
    op = "<" if name == "lessThan" else "<="
    # one result per pair of values compared, as pyshacl and the W3C suite count them
    return [
        Piece(comp, f"{vals} {f} {p} {o} . FILTER(!COALESCE({v} {op} {o}, false))", value=v, key=o)
    ]


def qualified(c: Components, shape: Shape, q: object, f: str) -> list[Piece]:
    if shape.path is None:
        raise Unsupported(shape.node, "sh:qualifiedValueShape", "on a node shape")
    inner = c.shape(q, shape, "sh:qualifiedValueShape")
    siblings: list[Shape] = []
    disjoint = c.g.one(shape.node, SH + "qualifiedValueShapesDisjoint")
    if isinstance(disjoint, ox.Literal) and disjoint.value in ("true", "1"):
        for parent in c.g.subjects(SH + "property", shape.node):
            for sibling in c.g.objects(parent, SH + "property"):
                if sibling == shape.node:
                    continue
                for s in c.g.objects(sibling, SH + "qualifiedValueShape"):
                    siblings.append(c.shape(s, shape, "sh:qualifiedValueShape"))
    v, k, n = c.fresh(), c.fresh(), c.fresh()
    conforms = [f"NOT EXISTS {{ {c.violation(inner, v)} }}"]
    conforms += [f"EXISTS {{ {c.violation(s, v)} }}" for s in siblings]
    count = (
        f"OPTIONAL {{ SELECT {f} (COUNT(DISTINCT {v}) AS {k}) WHERE {{ "
        f"{f} {shape.path.sparql} {v} . FILTER({' && '.join(conforms)}) }} GROUP BY {f} }} "
        f"BIND(COALESCE({k}, 0) AS {n})"
    )
    found = []
    for param, comp, op in (
        ("qualifiedMinCount", "QualifiedMinCount", "<"),
        ("qualifiedMaxCount", "QualifiedMaxCount", ">"),
    ):
        bound = c.g.one(shape.node, SH + param)
        if bound is not None:
            found.append(
                Piece(comp, f"{count} FILTER({n} {op} {integer(bound, shape.node, param)})")
            )
    return found


def closed(c: Components, shape: Shape, f: str) -> Piece:
    allowed = {p.path.predicate for p in shape.properties if p.path and p.path.predicate}
    for head in c.g.objects(shape.node, SH + "ignoredProperties"):
        allowed.update(t for t in c.g.rdf_list(head) if isinstance(t, ox.NamedNode))
    p, o = c.fresh(), c.fresh()
    subject = f
    prefix = ""
    if shape.path is not None:
        subject = c.fresh()
        prefix = c.values(shape, f, subject) + " "
    keep = ", ".join(sorted(str(a) for a in allowed if a is not None))
    test = f"FILTER({p} NOT IN ({keep}))" if keep else ""
    return Piece("Closed", f"{prefix}{subject} {p} {o} . {test}", value=o, path=p)
