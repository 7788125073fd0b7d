"""SHACL Core constraint components as SPARQL patterns.

Each component of a shape becomes one or more :class:`Piece`: a group-pattern body with the
focus node in a given variable, whose solutions are the component's violations (the value in
``value``, the result path in ``path`` when the component reports one). The same pieces serve
both at the top (joined with the shape's focus nodes, one query each) and nested inside
``EXISTS`` for ``sh:node``/``sh:not``/``sh:and``/``sh:or``/``sh:xone``/qualified shapes, where
the focus variable is bound by the enclosing query. So a nested shape costs no extra query and
the number of queries depends only on the shapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace

import pyoxigraph as ox

from . import relations
from .custom import CustomUse, uses
from .errors import Unsupported
from .model import RDF, RDFS, SH, Shape, ShapesGraph
from .piece import COMPANIONS, SUPPORTED, Piece, integer
from .sparql_based import merge_prefixes
from .terms import LOSSY_DATATYPES, lexical_check, sparql_term

__all__ = ["Piece", "Components", "SUPPORTED"]  # Piece, SUPPORTED: from .piece

_COMPARE = {"minExclusive": ">", "minInclusive": ">=", "maxExclusive": "<", "maxInclusive": "<="}
_NODE_KIND = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
CLASS_PATH = f"<{RDF}type>/<{RDFS}subClassOf>*"


class Components:
    """Writes pieces; ``violation`` (given by the compiler) writes a nested shape's check."""

    def __init__(
        self,
        g: ShapesGraph,
        shapes: dict[object, Shape],
        fresh: Callable[[], str],
        violation: Callable[[Shape, str], str],
    ) -> None:
        self.g = g
        self.shapes = shapes
        self.fresh = fresh
        self.violation = violation
        #: Prefixes the inlined ASK validators need, for every query's prologue.
        self.prefixes: dict[str, str] = {}

    def shape(self, node: object, owner: Shape, component: str) -> Shape:
        if node not in self.shapes:
            raise Unsupported(owner.node, component, f"{node} is not a shape")
        return self.shapes[node]

    def pieces(self, shape: Shape, f: str) -> list[Piece]:
        found: list[Piece] = []
        if shape.custom:
            for use in uses(self.g, shape):
                if use.ask is not None:
                    found.append(self.ask(shape, f, use))
        for name, values in sorted(shape.params.items()):
            if name in COMPANIONS or name == "sparql":
                continue  # sh:sparql: one query of its own (sparql_based), never inlined
            if name not in SUPPORTED:
                raise Unsupported(shape.node, f"sh:{name}")
            for value in values:
                found.extend(self.piece(shape, name, value, f))
        return found

    # --- value nodes ------------------------------------------------------------------------

    def values(self, shape: Shape, f: str, v: str) -> str:
        """A pattern binding ``v`` to each value node of ``shape`` for the focus in ``f``."""
        if shape.path is None:
            return f"BIND({f} AS {v})"
        return f"{f} {shape.path.sparql} {v} ."

    def per_value(
        self,
        shape: Shape,
        f: str,
        component: str,
        ok: Callable[[str], str],
        conforming: Callable[[str], str] | None = None,
    ) -> Piece:
        """Violations: the value nodes for which ``ok`` is not true. ``conforming`` (optional):
        a pattern binding only its argument to every conforming node, for :attr:`Piece.top`."""
        if shape.path is None:
            top = f"MINUS {{ {conforming(f)} }}" if conforming else None
            return Piece(component, f"FILTER(!COALESCE({ok(f)}, false))", value=f, top=top)
        v = self.fresh()
        values = self.values(shape, f, v)
        return Piece(
            component,
            f"{values} FILTER(!COALESCE({ok(v)}, false))",
            value=v,
            top=f"{values} MINUS {{ {conforming(v)} }}" if conforming else None,
        )

    def bounded(self, shape: Shape) -> bool:
        """Whether the path can be read unbound at reasonable cost: no ``*``, ``+`` or ``?``
        (which would reach every node of the store at length zero)."""
        return shape.path is not None and not any(
            op in re.sub(r"<[^>]*>", "", shape.path.sparql) for op in "*+?"
        )

    def count(self, shape: Shape, f: str) -> tuple[str, str]:
        """(pattern, var): the number of distinct value nodes of ``f`` (0 when there are none)."""
        v, c, n = self.fresh(), self.fresh(), self.fresh()
        if shape.path is None:
            return f"BIND(1 AS {n})", n
        sub = (
            f"OPTIONAL {{ SELECT {f} (COUNT(DISTINCT {v}) AS {c}) WHERE "
            f"{{ {f} {shape.path.sparql} {v} }} GROUP BY {f} }} BIND(COALESCE({c}, 0) AS {n})"
        )
        return sub, n

    # --- the components ---------------------------------------------------------------------

    def piece(self, shape: Shape, name: str, value: object, f: str) -> list[Piece]:
        comp = SUPPORTED[name]
        node = shape.node
        if name == "sparql":
            raise Unsupported(node, "sh:sparql", "handled by the SPARQL constraint compiler")
        if name == "class":
            c = sparql_term(value, node, "sh:class")
            return [
                self.per_value(
                    shape,
                    f,
                    comp,
                    lambda v: f"EXISTS {{ {v} {CLASS_PATH} {c} }}",
                    lambda v: f"{v} {CLASS_PATH} {c}",
                )
            ]
        if name == "datatype":
            if not isinstance(value, ox.NamedNode):
                raise Unsupported(node, "sh:datatype", f"{value} is no IRI")
            if value.value in LOSSY_DATATYPES:
                raise Unsupported(
                    node,
                    "sh:datatype",
                    f"the store keeps {value.value} values as xsd:integer/dateTime",
                )
            if value.value == RDF + "langString":
                return [
                    self.per_value(shape, f, comp, lambda v: f'(isLiteral({v}) && LANG({v}) != "")')
                ]
            return [
                self.per_value(
                    shape,
                    f,
                    comp,
                    lambda v: (
                        f"(isLiteral({v}) && sameTerm(DATATYPE({v}), {value}) && "
                        f'LANG({v}) = "" && {lexical_check(v, value)})'
                    ),
                )
            ]
        if name == "nodeKind":
            kind = value.value[len(SH) :] if isinstance(value, ox.NamedNode) else ""
            if kind not in _NODE_KIND:
                raise Unsupported(node, "sh:nodeKind", f"{value} is no node kind")
            return [self.per_value(shape, f, comp, lambda v: _NODE_KIND[kind].format(v=v))]
        if name in _COMPARE:
            c = sparql_term(value, node, f"sh:{name}")
            op = _COMPARE[name]
            return [self.per_value(shape, f, comp, lambda v: f"({v} {op} {c})")]
        if name in ("minLength", "maxLength"):
            op = ">=" if name == "minLength" else "<="
            n = integer(value, node, name)
            return [
                self.per_value(
                    shape, f, comp, lambda v: f"(!isBlank({v}) && STRLEN(STR({v})) {op} {n})"
                )
            ]
        if name == "pattern":
            flags = self.g.one(node, SH + "flags")
            pat = json.dumps(value.value if isinstance(value, ox.Literal) else "")
            fl = "" if flags is None else ", " + json.dumps(flags.value)
            return [
                self.per_value(
                    shape, f, comp, lambda v: f"(!isBlank({v}) && REGEX(STR({v}), {pat}{fl}))"
                )
            ]
        if name == "languageIn":
            tags = [t.value for t in self.g.rdf_list(_node(value, node, name))]

            def lang_ok(v: str) -> str:
                tests = [f"langMatches(LANG({v}), {json.dumps(t)})" for t in tags]
                return f"(isLiteral({v}) && ({' || '.join(tests) or 'false'}))"

            return [self.per_value(shape, f, comp, lang_ok)]
        if name == "in":
            items = [
                sparql_term(t, node, "sh:in") for t in self.g.rdf_list(_node(value, node, name))
            ]
            return [
                self.per_value(
                    shape,
                    f,
                    comp,
                    lambda v: (
                        "(" + (" || ".join(f"sameTerm({v}, {t})" for t in items) or "false") + ")"
                    ),
                )
            ]
        if name == "hasValue":
            c = sparql_term(value, node, "sh:hasValue")
            if shape.path is None:
                return [Piece(comp, f"FILTER(!sameTerm({f}, {c}))")]
            return [Piece(comp, f"FILTER NOT EXISTS {{ {f} {shape.path.sparql} {c} }}")]
        if name in ("minCount", "maxCount"):
            n = integer(value, node, name)
            if name == "minCount" and n == 0:
                return []
            if name == "minCount" and n == 1 and shape.path is not None:
                values = self.values(shape, f, self.fresh())
                top = f"MINUS {{ {values} }}" if self.bounded(shape) else None
                return [Piece(comp, f"FILTER NOT EXISTS {{ {values} }}", top=top)]
            top = None
            if name == "maxCount" and n > 0 and self.bounded(shape):
                v = self.fresh()
                top = (
                    f"{{ SELECT {f} WHERE {{ {self.values(shape, f, v)} }} GROUP BY {f} "
                    f"HAVING (COUNT(DISTINCT {v}) > {n}) }}"
                )
            if name == "maxCount" and n == 0 and shape.path is not None:
                # no top form: sh:maxCount 0 mostly guards a few nodes a SPARQL target found
                values = self.values(shape, f, self.fresh())
                return [Piece(comp, f"FILTER EXISTS {{ {values} }}")]
            pattern, c = self.count(shape, f)
            op = "<" if name == "minCount" else ">"
            return [Piece(comp, f"{pattern} FILTER({c} {op} {n})", top=top)]
        if name == "uniqueLang":
            if not (isinstance(value, ox.Literal) and value.value == "true"):
                return []  # only "true" turns it on ("1"^^xsd:boolean does not, says the suite)
            a, b, k = self.fresh(), self.fresh(), self.fresh()
            return [
                Piece(
                    comp,
                    f"{self.values(shape, f, a)} {self.values(shape, f, b)} "
                    f'FILTER(!sameTerm({a}, {b}) && LANG({a}) != "" && '
                    f"LCASE(LANG({a})) = LCASE(LANG({b}))) BIND(LCASE(LANG({a})) AS {k})",
                    key=k,
                )
            ]
        if name in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
            return relations.pair(self, shape, name, value, f)
        if name in ("not", "node"):
            inner = self.shape(value, shape, f"sh:{name}")
            exists = "EXISTS" if name == "node" else "NOT EXISTS"
            return [
                self.per_value(
                    shape, f, comp, lambda v: f"{_negate(exists)} {{ {self.violation(inner, v)} }}"
                )
            ]
        if name in ("and", "or", "xone"):
            members = [
                self.shape(m, shape, f"sh:{name}")
                for m in self.g.rdf_list(_node(value, node, name))
            ]
            return [
                self.per_value(
                    shape,
                    f,
                    comp,
                    lambda v: _logic(
                        name, [f"NOT EXISTS {{ {self.violation(m, v)} }}" for m in members]
                    ),
                )
            ]
        if name == "qualifiedValueShape":
            return relations.qualified(self, shape, value, f)
        if name == "closed":
            if not (isinstance(value, ox.Literal) and value.value in ("true", "1")):
                return []
            return [relations.closed(self, shape, f)]
        raise Unsupported(node, f"sh:{name}")  # pragma: no cover - SUPPORTED is exhaustive

    def ask(self, shape: Shape, f: str, use: CustomUse) -> Piece:
        """An ASK validator: a value conforms when the ASK, pre-bound, is true."""
        merge_prefixes(self.prefixes, use.prefixes, shape.node)
        group = use.ask or "{}"

        def ok(v: str) -> str:
            body = re.sub(r"[?$]value\b", lambda _m: v, group)
            return "EXISTS " + re.sub(r"[?$]this\b", lambda _m: f, body)

        piece = self.per_value(shape, f, "Custom", ok)
        return replace(piece, iri=use.component, messages=use.messages)


def _negate(exists: str) -> str:
    """``ok`` of sh:node is "no violation"; of sh:not, "a violation"."""
    return "NOT EXISTS" if exists == "EXISTS" else "EXISTS"


def _logic(name: str, conforms: list[str]) -> str:
    if not conforms:
        return "true" if name == "and" else "false"
    if name == "and":
        return "(" + " && ".join(conforms) + ")"
    if name == "or":
        return "(" + " || ".join(conforms) + ")"
    return "((" + " + ".join(f"IF({c}, 1, 0)" for c in conforms) + ") = 1)"


def _node(value: object, shape: object, name: str) -> ox.NamedNode | ox.BlankNode:
    if isinstance(value, ox.NamedNode | ox.BlankNode):
        return value
    raise Unsupported(shape, f"sh:{name}", f"{value} is no list")
