"""Shapes compiled once into SPARQL SELECT queries, one per constraint of a targeted shape.

Each :class:`Check` is a query whose rows are the violations of one constraint component of one
shape: ``?this`` (focus node), ``?value``, ``?path`` (when the component reports one). Nested
shapes are inlined as ``EXISTS`` patterns, so the number of queries depends on the shapes only,
never on the data. Recursive shapes (a shape reaching itself through ``sh:node``…) cannot be
inlined and are :class:`~.errors.Unsupported`, like any component not compiled here; with
``unsupported="collect"`` such a shape's tree is set aside (``Compiled.fallback``) for another
engine instead of failing the whole compilation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .components import CLASS_PATH, Components
from .custom import uses
from .errors import Unsupported
from .model import SH, Shape, ShapesGraph, read_shapes
from .sparql_based import (
    SparqlConstraint,
    lateral,
    merge_prefixes,
    prologue,
    read_constraints,
    split_prologue,
    with_focus,
)
from .terms import sparql_term

__all__ = ["Check", "Compiled", "compile_shapes"]

Focus = Callable[[str], str]


@dataclass(frozen=True)
class Check:
    """One query; its rows are results of ``component`` from ``shape``."""

    text: str
    shape: Shape
    component: ox.NamedNode
    sparql: SparqlConstraint | None = None
    #: The messages of a constraint component's validator (else the shape's are used).
    messages: tuple[ox.Literal, ...] = ()


@dataclass
class Compiled:
    checks: list[Check] = field(default_factory=list)
    #: Shapes (with their property shapes) left to another engine, with the reason for each.
    fallback: dict[ox.NamedNode | ox.BlankNode, str] = field(default_factory=dict)
    #: Every shape node of a fallback shape's tree: its results come from the other engine.
    fallback_tree: set[ox.NamedNode | ox.BlankNode] = field(default_factory=set)
    shapes: list[Shape] = field(default_factory=list)


class _Compiler:
    def __init__(
        self, triples: Iterable[ox.Quad | ox.Triple], dataset: list[str] | None, lateral: bool
    ) -> None:
        self.lateral = lateral
        self.g: ShapesGraph
        self.g, self.shapes = read_shapes(triples)
        self.by_node: dict[object, Shape] = {s.node: s for s in self.shapes}
        self.counter = 0
        self.stack: list[Shape] = []
        self.components = Components(self.g, self.by_node, self.fresh, self.violation)
        self.dataset = "".join(f"FROM <{g}> " for g in dataset or ())

    def fresh(self) -> str:
        self.counter += 1
        return f"?v{self.counter}"

    # --- nested shapes ----------------------------------------------------------------------

    def violation(self, shape: Shape, v: str) -> str:
        """A pattern with a solution iff the node in ``v`` does not conform to ``shape``."""
        if shape.deactivated:
            return "FILTER(false)"
        if shape in self.stack:
            raise Unsupported(self.stack[0].node, "sh:node", f"{shape.node} is recursive")
        if shape.params.get("sparql") or any(u.select for u in uses(self.g, shape)):
            raise Unsupported(shape.node, "sh:sparql", "SELECT inside sh:node/sh:or/… shapes")
        self.stack.append(shape)
        try:
            branches = [p.pattern for p in self.components.pieces(shape, v)]
            for child in shape.properties:
                if child.deactivated:
                    continue
                if shape.path is None:
                    branches.append(self.violation(child, v))
                else:
                    w = self.fresh()
                    branches.append(f"{v} {shape.path.sparql} {w} . {self.violation(child, w)}")
        finally:
            self.stack.pop()
        if not branches:
            return "FILTER(false)"
        return " UNION ".join("{ " + b + " }" for b in branches)

    # --- focus nodes ------------------------------------------------------------------------

    def targets(self, shape: Shape) -> tuple[Focus, dict[str, str]]:
        """The shape's focus nodes as a DISTINCT sub-select (a node reached by two targets is
        validated once, as pyshacl does), and the prefixes its SPARQL targets need."""
        parts: list[str] = []
        prefixes: dict[str, str] = {}
        for c in shape.target_class:
            parts.append(f"?this {CLASS_PATH} {sparql_term(c, shape.node, 'sh:targetClass')} .")
        if shape.target_node:
            nodes = " ".join(sparql_term(n, shape.node, "sh:targetNode") for n in shape.target_node)
            parts.append(f"VALUES ?this {{ {nodes} }}")
        for p in shape.target_subjects_of:
            parts.append(f"?this {sparql_term(p, shape.node, 'sh:targetSubjectsOf')} [] .")
        for p in shape.target_objects_of:
            parts.append(f"[] {sparql_term(p, shape.node, 'sh:targetObjectsOf')} ?this .")
        for select, declared in shape.sparql_targets:
            body, inline = split_prologue(select, shape.node)
            merge_prefixes(prefixes, declared, shape.node)
            merge_prefixes(prefixes, inline, shape.node)
            parts.append(f"{{ {body} }}")
        union = " UNION ".join("{ " + p + " }" for p in parts)

        def focus(var: str) -> str:
            if var == "?this":
                return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"
            return f"{{ SELECT DISTINCT (?this AS {var}) WHERE {{ {union} }} }}"

        return focus, prefixes

    # --- top-level checks -------------------------------------------------------------------

    def emit(
        self,
        shape: Shape,
        focus: Focus,
        prefixes: dict[str, str],
        out: list[Check],
        depth: int = 0,
        context: tuple[str, ...] = (),
    ) -> None:
        """Checks of ``shape`` on the nodes ``focus`` binds. ``context``: the variables that
        tell focus nodes reached along different parents apart (a property shape of a
        property shape reports once per parent value, as pyshacl does)."""
        if depth > 16:
            raise Unsupported(shape.node, "sh:property", "property shapes nested too deep")
        pieces = self.components.pieces(shape, "?this")
        both = dict(prefixes)
        merge_prefixes(both, self.components.prefixes, shape.node)
        head = prologue(both)
        for piece in pieces:
            cols = ["?this", *context]
            for name, var in (("value", piece.value), ("path", piece.path), ("key", piece.key)):
                if var is not None:
                    cols.append(f"({var} AS ?{name})" if var != f"?{name}" else var)
            text = (
                f"{head}SELECT DISTINCT {' '.join(cols)} {self.dataset}WHERE {{ "
                f"{focus('?this')} {piece.top or piece.pattern} }}"
            )
            component = piece.iri or ox.NamedNode(f"{SH}{piece.component}ConstraintComponent")
            out.append(Check(text, shape, component, messages=piece.messages))
        constraints = read_constraints(self.g, shape)
        for use in uses(self.g, shape) if shape.custom else []:
            if use.select is not None:
                constraints.append(
                    SparqlConstraint(
                        use.component,
                        use.select,
                        use.prefixes,
                        use.messages,
                        use.component,
                        value_is_this=shape.path is None,
                    )
                )
        for constraint in constraints:
            merged = dict(both)
            merge_prefixes(merged, constraint.prefixes, shape.node)
            path = shape.path.sparql if shape.path is not None else None
            value = constraint.value_is_this
            if self.lateral:
                body = lateral(
                    constraint.select, focus("?this"), path, self.dataset, shape.node, value
                )
            else:
                body = with_focus(constraint.select, focus("?this"), path, shape.node, value)
                if self.dataset:
                    brace = body.find("{")
                    body = body[:brace].rstrip() + f" {self.dataset}" + body[brace:]
            out.append(Check(prologue(merged) + body, shape, constraint.component, constraint))
        for child in shape.properties:
            if child.deactivated:
                continue
            if shape.path is None:
                self.emit(child, focus, prefixes, out, depth + 1)
            else:
                parent = f"?ctx{depth}"
                self.emit(
                    child,
                    self.values_of(shape, focus, context, parent),
                    prefixes,
                    out,
                    depth + 1,
                    (*context, parent),
                )

    def values_of(self, shape: Shape, focus: Focus, context: tuple[str, ...], parent: str) -> Focus:
        assert shape.path is not None
        path = shape.path.sparql

        def values(var: str) -> str:
            w = self.fresh()
            keep = " ".join((*context, parent))
            return (
                f"{{ SELECT DISTINCT {keep} ({w} AS {var}) WHERE {{ {focus(parent)} "
                f"{parent} {path} {w} . }} }}"
            )

        return values

    def tree(self, shape: Shape) -> set[ox.NamedNode | ox.BlankNode]:
        found = {shape.node}
        todo = list(shape.properties)
        while todo:
            s = todo.pop()
            if s.node not in found:
                found.add(s.node)
                todo.extend(s.properties)
        return found


def compile_shapes(
    triples: Iterable[ox.Quad | ox.Triple],
    *,
    unsupported: str = "raise",
    dataset: list[str] | None = None,
    lateral: bool = True,
) -> Compiled:
    """Compile every targeted, active shape of a shapes graph.

    ``unsupported``: ``"raise"`` (an :class:`Unsupported` error naming shape and component) or
    ``"collect"`` (the shape's tree goes to ``Compiled.fallback``). ``dataset``: graph IRIs put
    in a ``FROM`` clause of every query (for a remote endpoint; locally the executor scopes).
    ``lateral``: SPARQL constraints pre-bind ``$this`` with a ``LATERAL`` join (pyoxigraph);
    False joins the focus nodes into the constraint's WHERE group instead, for servers without
    LATERAL (the same answers for every constraint that binds ``$this`` before filtering on it).
    """
    if unsupported not in ("raise", "collect"):
        raise ValueError(unsupported)
    c = _Compiler(triples, dataset, lateral)
    compiled = Compiled(shapes=c.shapes)
    for shape in c.shapes:
        if shape.deactivated or not shape.has_targets:
            continue
        checks: list[Check] = []
        try:
            focus, prefixes = c.targets(shape)
            c.emit(shape, focus, prefixes, checks)
        except Unsupported as e:
            if unsupported == "raise":
                raise
            compiled.fallback[shape.node] = e.short
            compiled.fallback_tree |= c.tree(shape)
            continue
        compiled.checks.extend(checks)
    if compiled.fallback_tree:
        compiled.checks = [k for k in compiled.checks if k.shape.node not in compiled.fallback_tree]
    return compiled
