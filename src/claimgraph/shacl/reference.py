"""pyshacl as the reference engine: its results as :class:`~.results.ShaclResult` terms.

Used for ``auto`` fallback (shapes the compiler does not support) and by the equivalence tests.
The rdflib graphs are built term by term from pyoxigraph quads, keeping blank-node labels, so a
blank focus node means the same node in both engines' results.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

import pyoxigraph as ox

from .results import ShaclResult, Term

__all__ = ["pyshacl_results", "to_rdflib"]

SH = "http://www.w3.org/ns/shacl#"


def to_rdflib(triples: Iterable[ox.Quad | ox.Triple]):  # type: ignore[no-untyped-def]
    import rdflib

    def term(t):  # type: ignore[no-untyped-def]
        if isinstance(t, ox.NamedNode):
            return rdflib.URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))

    graph = rdflib.Graph()
    for t in triples:
        graph.add((term(t.subject), term(t.predicate), term(t.object)))
    return graph


def _ox(t) -> Term:  # type: ignore[no-untyped-def]
    import rdflib

    if isinstance(t, rdflib.URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, rdflib.BNode):
        return ox.BlankNode(str(t))
    if t.language:
        return ox.Literal(str(t), language=t.language)
    if t.datatype is None:
        return ox.Literal(str(t))
    return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))


def pyshacl_results(
    data: Iterable[ox.Quad | ox.Triple], shapes: Iterable[ox.Quad | ox.Triple]
) -> list[ShaclResult]:
    """pyshacl's results, run as claimgraph runs it (advanced, no inference)."""
    import rdflib

    from ..validate import run_pyshacl

    data_graph = to_rdflib(data)
    shapes_graph = to_rdflib(shapes)
    report = run_pyshacl(data_graph, shapes_graph)
    sh = rdflib.Namespace(SH)
    found = []

    def value(node, p):  # type: ignore[no-untyped-def]
        v = report.value(node, p)
        return None if v is None else _ox(v)

    for node in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        one = partial(value, node)

        message = report.value(node, sh.resultMessage)
        path = report.value(node, sh.resultPath)
        shape = one(sh.sourceShape)
        found.append(
            ShaclResult(
                focus=one(sh.focusNode),  # type: ignore[arg-type]
                component=one(sh.sourceConstraintComponent),  # type: ignore[arg-type]
                severity=one(sh.resultSeverity),  # type: ignore[arg-type]
                shape=shape if not isinstance(shape, ox.Literal) else None,
                path=None if path is None else _ox(path),
                value=one(sh.value),
                message=str(message) if message is not None else None,
            )
        )
    return found
