"""The shapes graph read into a small model, with pyoxigraph only.

The compiler needs to walk shapes many times (nested ``sh:node``, ``sh:or``…); reading them once
into plain objects keeps it free of graph look-ups and of rdflib, whose parser and graph are the
slow half of the pyshacl path. Every term stays the pyoxigraph term it was in the shapes graph,
so a result names its shape exactly as the shapes graph does (blank nodes included).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import ShapesError
from .paths import Path, read_path

__all__ = ["SH", "RDF", "RDFS", "COMPILER_SELECT", "Shape", "ShapesGraph", "read_shapes", "Term"]

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
#: On a SPARQL target: a SELECT of the same focus nodes, in a form this compiler runs faster
#: than sh:select's (pyshacl ignores it); see the shapes file, where claimgraph's targets use it.
COMPILER_SELECT = "https://w3id.org/claimgraph/shapes#compilerSelect"
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"

Term = ox.NamedNode | ox.BlankNode | ox.Literal

#: Shape-level parameters the model keeps aside: they are no constraint of their own.
_NOT_CONSTRAINTS = {
    "path",
    "targetClass",
    "targetNode",
    "targetSubjectsOf",
    "targetObjectsOf",
    "target",
    "severity",
    "message",
    "deactivated",
    "name",
    "description",
    "order",
    "group",
    "defaultValue",
    "property",
}


@dataclass(eq=False)
class Shape:
    """One node or property shape: its targets, its constraint parameters (by local name)."""

    node: ox.NamedNode | ox.BlankNode
    path: Path | None = None
    params: dict[str, list[Term]] = field(default_factory=dict)
    properties: list[Shape] = field(default_factory=list)
    target_class: list[Term] = field(default_factory=list)
    target_node: list[Term] = field(default_factory=list)
    target_subjects_of: list[Term] = field(default_factory=list)
    target_objects_of: list[Term] = field(default_factory=list)
    sparql_targets: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    severity: ox.NamedNode = field(default_factory=lambda: ox.NamedNode(SH + "Violation"))
    messages: list[ox.Literal] = field(default_factory=list)
    deactivated: bool = False
    #: Parameters of SPARQL-based constraint components (``sh:ConstraintComponent``) it uses.
    custom: list[str] = field(default_factory=list)

    @property
    def has_targets(self) -> bool:
        return bool(
            self.target_class
            or self.target_node
            or self.target_subjects_of
            or self.target_objects_of
            or self.sparql_targets
        )

    def __repr__(self) -> str:
        return f"Shape({self.node})"


class ShapesGraph:
    """The triples of a shapes graph indexed by subject, with list and prefix reading."""

    def __init__(self, triples: Iterable[ox.Quad | ox.Triple]) -> None:
        self.by_subject: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.by_object: dict[tuple[str, Term], list[Term]] = defaultdict(list)
        for t in triples:
            s, o = t.subject, t.object
            if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
                continue  # RDF-star: no shape is written with quoted triples
            self.by_subject[s][t.predicate.value].append(o)
            self.by_object[(t.predicate.value, o)].append(s)

    def objects(self, node: Term, predicate: str) -> list[Term]:
        found = self.by_subject.get(node)
        return list(found.get(predicate, ())) if found else []

    def one(self, node: Term, predicate: str) -> Term | None:
        found = self.objects(node, predicate)
        return found[0] if found else None

    def subjects(self, predicate: str, obj: Term) -> list[Term]:
        return list(self.by_object.get((predicate, obj), ()))

    def rdf_list(self, head: Term) -> list[Term]:
        items: list[Term] = []
        seen = set()
        while head != ox.NamedNode(RDF + "nil"):
            if head in seen:
                raise ShapesError(f"the RDF list at {head} is cyclic")
            seen.add(head)
            first = self.one(head, RDF + "first")
            rest = self.one(head, RDF + "rest")
            if first is None or rest is None:
                raise ShapesError(f"{head} is not a well-formed RDF list")
            items.append(first)
            head = rest
        return items

    def prefixes(self, node: Term) -> dict[str, str]:
        """The ``sh:declare`` prefixes of every ``sh:prefixes`` node of ``node``, and of the
        graphs those nodes ``owl:imports`` (as the SHACL spec reads them)."""
        found: dict[str, str] = {}
        todo = list(self.objects(node, SH + "prefixes"))
        seen: set[Term] = set()
        while todo:
            owner = todo.pop()
            if owner in seen:
                continue
            seen.add(owner)
            todo.extend(self.objects(owner, OWL_IMPORTS))
            for decl in self.objects(owner, SH + "declare"):
                prefix = self.one(decl, SH + "prefix")
                namespace = self.one(decl, SH + "namespace")
                if prefix is None or namespace is None:
                    continue
                if found.get(prefix.value, namespace.value) != namespace.value:
                    raise ShapesError(f"prefix {prefix.value!r} is declared twice at {node}")
                found[prefix.value] = namespace.value
        return found


def _is_true(term: Term | None) -> bool:
    return isinstance(term, ox.Literal) and term.value in ("true", "1")


def read_shapes(triples: Iterable[ox.Quad | ox.Triple]) -> tuple[ShapesGraph, list[Shape]]:
    """Every shape of the graph (targeted or referenced), in a stable order."""
    g = ShapesGraph(triples)
    shape_nodes: set[Term] = set()
    for kind in ("NodeShape", "PropertyShape"):
        shape_nodes.update(g.subjects(RDF + "type", ox.NamedNode(SH + kind)))
    for subject, preds in g.by_subject.items():
        if any(p.startswith(SH + "target") for p in preds) or SH + "path" in preds:
            shape_nodes.add(subject)
        for p in ("property", "node", "not", "qualifiedValueShape"):
            shape_nodes.update(preds.get(SH + p, ()))
        for p in ("and", "or", "xone"):
            for head in preds.get(SH + p, ()):
                shape_nodes.update(g.rdf_list(head))
    custom: set[str] = set()
    # any node with sh:parameter is a constraint component (its class may be a subclass)
    for component_preds in list(g.by_subject.values()):
        for parameter in component_preds.get(SH + "parameter", ()):
            custom.update(
                p.value for p in g.objects(parameter, SH + "path") if isinstance(p, ox.NamedNode)
            )
    for subject, preds in g.by_subject.items():
        if custom.intersection(preds):
            shape_nodes.add(subject)
    ordered = sorted(shape_nodes, key=lambda n: (isinstance(n, ox.BlankNode), str(n)))
    shapes: dict[Term, Shape] = {
        n: _read_shape(g, n) for n in ordered if not isinstance(n, ox.Literal)
    }
    for node, shape in shapes.items():
        shape.custom = sorted(custom.intersection(g.by_subject.get(node, {})))
        shape.properties = [shapes[p] for p in g.objects(node, SH + "property") if p in shapes]
    return g, list(shapes.values())


def _read_shape(g: ShapesGraph, node: Term) -> Shape:
    assert not isinstance(node, ox.Literal)
    shape = Shape(node=node)
    path = g.one(node, SH + "path")
    if path is not None:
        shape.path = read_path(g, path)
    preds = g.by_subject.get(node, {})
    for predicate, objects in preds.items():
        if predicate.startswith(SH):
            name = predicate[len(SH) :]
            if name not in _NOT_CONSTRAINTS:
                shape.params[name] = list(objects)
    shape.target_class = g.objects(node, SH + "targetClass")
    types = g.objects(node, RDF + "type")
    if ox.NamedNode(RDFS + "Class") in types and (
        ox.NamedNode(SH + "NodeShape") in types or ox.NamedNode(SH + "PropertyShape") in types
    ):
        shape.target_class.append(node)  # an implicit class target
    shape.target_node = g.objects(node, SH + "targetNode")
    shape.target_subjects_of = g.objects(node, SH + "targetSubjectsOf")
    shape.target_objects_of = g.objects(node, SH + "targetObjectsOf")
    for target in g.objects(node, SH + "target"):
        if _is_true(g.one(target, SH + "deactivated")):
            continue
        select = g.one(target, COMPILER_SELECT) or g.one(target, SH + "select")
        if select is None:
            raise ShapesError(f"shape {node}: sh:target {target} has no sh:select")
        shape.sparql_targets.append((select.value, g.prefixes(target)))
    severity = g.one(node, SH + "severity")
    if isinstance(severity, ox.NamedNode):
        shape.severity = severity
    shape.messages = [m for m in g.objects(node, SH + "message") if isinstance(m, ox.Literal)]
    shape.deactivated = _is_true(g.one(node, SH + "deactivated"))
    return shape
