"""Validation with the compiled shapes: run the checks, read their rows, make the report.

The data graph is what :func:`claimgraph.validate.validate_store` validates: every graph of the
store but the shapes graph (the ontology stays in, for ``rdfs:subClassOf``). Locally that is the
query's default graph (``StoreRows``); on a remote endpoint it is the endpoint's default graph,
or the ``FROM`` graphs given at compile time.

Engines: ``compiler`` (an unsupported shape is an error), ``auto`` (such a shape, with its
property shapes, is validated by pyshacl instead, and ``Outcome.notes`` says so), ``pyshacl``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..anchors import check_anchors
from ..draftprofile import lower_missing_values
from ..store import iter_rdf_file, parse_rdf_file
from ..terms import CG, ONTOLOGY_GRAPH, SHAPES_GRAPH, SHARED_GRAPH
from ..texts import TextSources
from ..validate import ValidationReport
from .compiler import Check, Compiled, compile_shapes
from .errors import ShapesError
from .executor import ExecutorRows, Row, RowExecutor, StoreRows, default_threads, run_all
from .model import RDF, RDFS, SH, Shape
from .reference import pyshacl_results
from .results import CompiledReport, ShaclResult, Term, to_report
from .sparql_based import substitute

if TYPE_CHECKING:
    from ..executor import Executor

__all__ = [
    "ENGINES",
    "Outcome",
    "run_checks",
    "shacl_results",
    "document_graphs",
    "validate_store",
    "validate_quads",
    "validate_file",
    "validate_executor",
]

ENGINES = ("compiler", "auto", "pyshacl")
RDFS_LABEL = ox.NamedNode(RDFS + "label")
RDF_TYPE = ox.NamedNode(RDF + "type")
DOCUMENT = ox.NamedNode(CG + "Document")


@dataclass
class Outcome:
    results: list[ShaclResult] = field(default_factory=list)
    #: One line per shape left to pyshacl (``auto``), saying which and why.
    notes: list[str] = field(default_factory=list)
    queries: int = 0


def _message(messages: Iterable[ox.Literal]) -> str | None:
    ordered = sorted(
        messages, key=lambda m: (m.language not in (None, "en"), m.language or "", m.value)
    )
    return ordered[0].value if ordered else None


def _default_message(component: ox.NamedNode) -> str:
    name = component.value[len(SH) :].removesuffix("ConstraintComponent")
    return f"The {name} constraint is not met."


def _results(check: Check, rows: list[Row]) -> list[ShaclResult]:
    shape: Shape = check.shape
    path_term = shape.path.term if shape.path is not None else None
    message = _message(shape.messages)
    found = []
    for row in rows:
        focus = row.get("this")
        if focus is None:
            continue
        value = row.get("value")
        path: Term | None = row.get("path", path_term)
        text: str | None = message or _default_message(check.component)
        if check.messages:
            text = substitute(_message(check.messages) or "", row)
        if check.sparql is not None:
            # the row's ?message, else the constraint's sh:message, else none (as pyshacl)
            given = row.get("message")
            own = _message(check.sparql.messages)
            text = given.value if isinstance(given, ox.Literal) else own
            text = substitute(text, row) if text else None
            if value is None and shape.path is None:
                value = focus
        found.append(
            ShaclResult(
                focus=focus,
                component=check.component,
                severity=shape.severity,
                shape=shape.node,
                path=path,
                value=value,
                message=text,
            )
        )
    return found


def run_checks(
    compiled: Compiled, rows: RowExecutor, threads: int | None = None
) -> list[ShaclResult]:
    """Every check's results; the queries run in ``threads`` threads (default: one per core)."""
    answers = run_all(
        compiled.checks,
        lambda c: rows.select(c.text),
        default_threads() if threads is None else threads,
    )
    found: list[ShaclResult] = []
    for check, answer in zip(compiled.checks, answers, strict=True):
        found.extend(_results(check, answer))
    return found


def shacl_results(
    rows: RowExecutor,
    shapes: Iterable[ox.Quad | ox.Triple],
    *,
    engine: str = "compiler",
    data: Iterable[ox.Quad | ox.Triple] | None = None,
    threads: int | None = None,
    dataset: list[str] | None = None,
    lateral: bool = True,
) -> Outcome:
    """Validate the data ``rows`` answers for against ``shapes``.

    ``data`` (the data graph's triples) is needed only when pyshacl runs (``pyshacl``, or
    ``auto`` with a shape the compiler does not support); without it that is an error.
    ``dataset``/``lateral``: see :func:`~.compiler.compile_shapes`.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
    shapes = list(shapes)
    if engine == "pyshacl":
        found = pyshacl_results(_need(data), shapes)
        return Outcome(lower_missing_values(found, shapes, rows, dataset))
    compiled = compile_shapes(
        shapes,
        unsupported="collect" if engine == "auto" else "raise",
        dataset=dataset,
        lateral=lateral,
    )
    outcome = Outcome(run_checks(compiled, rows, threads), queries=len(compiled.checks))
    if compiled.fallback:
        outcome.notes = [f"validated with pyshacl: {why}" for why in compiled.fallback.values()]
        every = {shape.node for shape in compiled.shapes}
        only = _only_targets_of(shapes, every - compiled.fallback_tree)
        outcome.results += [
            r for r in pyshacl_results(_need(data), only) if r.shape in compiled.fallback_tree
        ]
    # the shapes' draft profile: on draft nodes, a missing value is a warning
    outcome.results = lower_missing_values(outcome.results, shapes, rows, dataset)
    return outcome


_TARGETS = {SH + t for t in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")}
_TARGETS.add(SH + "target")
_IMPLICIT = (RDF + "type", RDFS + "Class")


def _only_targets_of(
    shapes: list[ox.Quad | ox.Triple], drop: set[ox.NamedNode | ox.BlankNode]
) -> list[ox.Quad | ox.Triple]:
    """The shapes graph without the targets of the shapes in ``drop`` (the compiled ones), so
    pyshacl validates the fallback shapes only; the dropped shapes stay whole otherwise, for
    ``sh:node``… references from the fallback shapes."""

    def kept(t: ox.Quad | ox.Triple) -> bool:
        if t.subject not in drop:
            return True
        if t.predicate.value in _TARGETS:
            return False
        return not (t.predicate.value, getattr(t.object, "value", None)) == _IMPLICIT

    return [t for t in shapes if kept(t)]


def _need(data: Iterable[ox.Quad | ox.Triple] | None) -> Iterable[ox.Quad | ox.Triple]:
    if data is None:
        raise ShapesError(
            "pyshacl would need the whole data graph here (a SPARQL endpoint's data is not "
            "downloaded): use the compiler's engine, with shapes it supports"
        )
    return data


def _labels(store: ox.Store):  # type: ignore[no-untyped-def]
    def label(term: Term) -> str | None:
        if isinstance(term, ox.Literal):
            return None
        for q in store.quads_for_pattern(term, RDFS_LABEL, None, None):
            if isinstance(q.object, ox.Literal):
                return q.object.value
        return None

    return label


def _data_graphs(store: ox.Store) -> list[ox.NamedNode | ox.DefaultGraph]:
    """Every graph but the shapes graph; the default graph only if it holds a triple (each
    graph of the list costs every lookup one more index seek: issue 13 measured 10%)."""
    default = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
    return ([ox.DefaultGraph()] if default is not None else []) + sorted(
        (
            g
            for g in store.named_graphs()
            if isinstance(g, ox.NamedNode) and g.value != SHAPES_GRAPH
        ),
        key=lambda g: g.value,
    )


def document_graphs(store: ox.Store, doc: ox.NamedNode) -> list[ox.NamedNode | ox.DefaultGraph]:
    """What one document's validation reads: the graphs that say it is a ``cg:Document`` (its
    own, by convention), with the shared graph (actors, works) and the ontology.

    Its report keeps the results about nodes the document's own graphs describe (a subject
    there): a shared node's provenance spans documents (an event is dated by the document that
    mentions it), so a shared node is judged by a validation of the whole store."""
    holding = {q.graph_name for q in store.quads_for_pattern(doc, RDF_TYPE, DOCUMENT, None)}
    named = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    holding |= {ox.NamedNode(g) for g in (SHARED_GRAPH, ONTOLOGY_GRAPH) if g in named}
    return sorted(
        (g for g in holding if isinstance(g, ox.NamedNode | ox.DefaultGraph)),
        key=lambda g: "" if isinstance(g, ox.DefaultGraph) else g.value,
    )


def validate_store(
    store: ox.Store,
    texts: TextSources | None = None,
    *,
    engine: str = "compiler",
    threads: int | None = None,
    doc: ox.NamedNode | None = None,
) -> CompiledReport:
    """:func:`claimgraph.validate.validate_store` with this engine: the store's documents (and
    ontology) against its shapes graph and, with ``texts``, every anchor against its text.

    ``doc``: one document only (:func:`document_graphs`, and its anchors).
    """
    checks = check_anchors(store, texts) if texts is not None else None
    if doc is not None and checks is not None:
        checks = [c for c in checks if c.document == doc]
    graphs = _data_graphs(store) if doc is None else document_graphs(store, doc)
    shapes = list(store.quads_for_pattern(None, None, None, ox.NamedNode(SHAPES_GRAPH)))
    # read only if pyshacl runs (``auto`` reads it only when a shape falls back)
    data = (q for g in graphs for q in store.quads_for_pattern(None, None, None, g))
    outcome = shacl_results(
        StoreRows(store, graphs), shapes, engine=engine, data=data, threads=threads
    )
    if doc is not None:
        own = [g for g in graphs if getattr(g, "value", "") not in (SHARED_GRAPH, ONTOLOGY_GRAPH)]
        outcome.results = [
            r
            for r in outcome.results
            if not isinstance(r.focus, ox.Literal)
            and any(True for g in own for _ in store.quads_for_pattern(r.focus, None, None, g))
        ]
    return to_report(outcome.results, _labels(store), checks, outcome.notes)


def validate_quads(
    data: list[ox.Quad],
    ontology: list[ox.Quad],
    shapes: list[ox.Quad],
    texts: TextSources | None = None,
    *,
    engine: str = "compiler",
    threads: int | None = None,
) -> CompiledReport:
    """:func:`claimgraph.validate.validate_quads` with this engine."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in data + ontology)
    checks = None
    if texts is not None:
        anchors = ox.Store()
        anchors.extend(data)
        checks = check_anchors(anchors, texts)
    outcome = shacl_results(
        StoreRows(store, [ox.DefaultGraph()]),
        shapes,
        engine=engine,
        data=data + ontology,
        threads=threads,
    )
    return to_report(outcome.results, _labels(store), checks, outcome.notes)


def validate_file(
    store: ox.Store,
    path: str | Path,
    texts: TextSources | None = None,
    *,
    engine: str = "compiler",
    threads: int | None = None,
) -> CompiledReport:
    """:func:`claimgraph.validate.validate_file` with this engine."""

    def graph(name: str) -> list[ox.Quad]:
        return list(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))

    ontology, shapes = graph(ONTOLOGY_GRAPH), graph(SHAPES_GRAPH)
    if engine == "compiler":
        streamed = _streamed_file(path)
        if streamed is not None:  # the same store and anchor checks, without a list of quads
            checks = check_anchors(streamed, texts) if texts is not None else None
            streamed.extend(ox.Quad(q.subject, q.predicate, q.object) for q in ontology)
            outcome = shacl_results(
                StoreRows(streamed, [ox.DefaultGraph()]), shapes, engine=engine, threads=threads
            )
            return to_report(outcome.results, _labels(streamed), checks, outcome.notes)
    return validate_quads(
        parse_rdf_file(path), ontology, shapes, texts, engine=engine, threads=threads
    )


def _streamed_file(path: str | Path) -> ox.Store | None:
    """The file's triples streamed into a new in-memory store's default graph, or None if it
    has a named graph (then :func:`validate_quads` keeps the graphs for the anchor checks).

    No Python list of the file's quads is kept (at 1M triples that list alone is ~400 MB), and
    the store is what :func:`validate_quads` would build and check the anchors of.
    """
    named = False

    def triples() -> Iterable[ox.Quad]:
        nonlocal named
        for q in iter_rdf_file(path):
            if not isinstance(q.graph_name, ox.DefaultGraph):
                named = True
                return
            yield q

    found = ox.Store()
    found.extend(triples())
    return None if named else found


def _about_foci(
    rows: RowExecutor, results: list[ShaclResult], query: Callable[[str], str]
) -> Iterator[Row]:
    """The rows of ``query(VALUES ?s {…})`` for the results' IRI focus nodes, 200 to a query
    (a few queries, not one per node; a blank node cannot be named to a server)."""
    iris = sorted({r.focus.value for r in results if isinstance(r.focus, ox.NamedNode)})
    for start in range(0, len(iris), 200):
        chunk = " ".join(str(ox.NamedNode(i)) for i in iris[start : start + 200])
        yield from rows.select(query(f"VALUES ?s {{ {chunk} }}"))


def _executor_labels(rows: RowExecutor, results: list[ShaclResult]):  # type: ignore[no-untyped-def]
    """Labels of the results' IRI focus nodes."""
    found: dict[str, str] = {}
    for row in _about_foci(
        rows, results, lambda v: f"SELECT ?s ?l WHERE {{ {v} ?s {RDFS_LABEL} ?l }}"
    ):
        s, text_label = row.get("s"), row.get("l")
        if isinstance(s, ox.NamedNode) and isinstance(text_label, ox.Literal):
            found.setdefault(s.value, text_label.value)

    def label(term: Term) -> str | None:
        return found.get(term.value) if isinstance(term, ox.NamedNode) else None

    return label


def validate_executor(
    executor: Executor,
    *,
    shapes_graph: str = SHAPES_GRAPH,
    threads: int | None = None,
    lateral: bool = False,
    doc: ox.NamedNode | None = None,
) -> ValidationReport:
    """Validate what a claimgraph :class:`~claimgraph.executor.Executor` (e.g. a
    ``RemoteExecutor`` on a SPARQL server) holds, without downloading it.

    The shapes are read from the graph ``shapes_graph`` (one CONSTRUCT), the data graph is
    every other named graph (listed by one query and named in each query's ``FROM``) or, for
    one ``doc``, the graphs :func:`document_graphs` would pick there.
    ``lateral`` stays off by default: LATERAL is not standard SPARQL 1.1 yet.
    """
    rows = ExecutorRows(executor)
    shapes_text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{shapes_graph}> {{ ?s ?p ?o }} }}"
    shapes = executor.query(shapes_text, source="shacl").triples
    listing = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs = sorted(
        g.value
        for row in rows.select(listing)
        if isinstance(g := row.get("g"), ox.NamedNode) and g.value != shapes_graph
    )
    own: list[str] = []
    if doc is not None:
        stating = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {doc} a {DOCUMENT} }} }}"
        own = [
            g.value for row in rows.select(stating) if isinstance(g := row.get("g"), ox.NamedNode)
        ]
        graphs = [g for g in graphs if g in own or g in (SHARED_GRAPH, ONTOLOGY_GRAPH)]
    outcome = shacl_results(rows, shapes, threads=threads, dataset=graphs, lateral=lateral)
    if doc is not None:
        outcome.results = _described_in(rows, outcome.results, own)
    return to_report(outcome.results, _executor_labels(rows, outcome.results))


def _described_in(
    rows: RowExecutor, results: list[ShaclResult], graphs: list[str]
) -> list[ShaclResult]:
    """The results whose focus is a subject in ``graphs`` (see :func:`document_graphs`); a
    blank-node focus cannot be asked about, and is kept."""
    within = " ".join(str(ox.NamedNode(g)) for g in graphs)
    found = {
        s.value
        for row in _about_foci(
            rows,
            results,
            lambda v: (
                f"SELECT DISTINCT ?s WHERE {{ {v} VALUES ?g {{ {within} }} "
                "GRAPH ?g { ?s ?p ?o } }"
            ),
        )
        if isinstance(s := row.get("s"), ox.NamedNode)
    }
    return [r for r in results if not isinstance(r.focus, ox.NamedNode) or r.focus.value in found]
