"""The W3C SHACL core test suite read with pyoxigraph, and one test run on the compiler.

Each test file of ``../shared/conformance/shacl/core`` is a manifest whose entries name a data
graph, a shapes graph and the expected report. A report is compared as the suite's "full"
compliance asks: the multiset of results keeping focus node, path, severity, component, source
shape and value. Blank-node paths are compared by structure; other blank nodes by label when
they come from the same file, else as "some blank node". Literals are compared as pyoxigraph's
store holds them (it canonicalises lexical forms, e.g. ``"01"^^xsd:integer`` is ``"1"``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from claimgraph.shacl import ShaclResult, StoreRows, shacl_results
from claimgraph.shacl.model import ShapesGraph
from claimgraph.shacl.paths import read_path

SUITE = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "shacl"
CORE = SUITE / "core"
SPARQL = SUITE / "sparql"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class W3cTest:
    name: str  # e.g. "property/minCount-001"
    file: Path
    data: Path
    shapes: Path
    result: ox.NamedNode | ox.BlankNode  # sht:Failure: the shapes must be refused


@cache
def quads(path: Path) -> tuple[ox.Quad, ...]:
    return tuple(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))


def _file(term: object) -> Path:
    assert isinstance(term, ox.NamedNode) and term.value.startswith("file://")
    return Path(term.value[len("file://") :])


def core_tests(folder: Path = CORE) -> list[W3cTest]:
    tests = []
    for manifest in sorted(folder.glob("*/manifest.ttl")):
        g = ShapesGraph(quads(manifest))
        for preds in list(g.by_subject.values()):
            for included in preds.get(MF + "include", ()):
                path = _file(included)
                tg = ShapesGraph(quads(path))
                for entry in tg.subjects(RDF_TYPE, ox.NamedNode(SHT + "Validate")):
                    action = tg.one(entry, MF + "action")
                    result = tg.one(entry, MF + "result")
                    assert action is not None and isinstance(result, ox.NamedNode | ox.BlankNode)
                    tests.append(
                        W3cTest(
                            name=f"{manifest.parent.name}/{path.stem}",
                            file=path,
                            data=_file(tg.one(action, SHT + "dataGraph")),
                            shapes=_file(tg.one(action, SHT + "shapesGraph")),
                            result=result,
                        )
                    )
    return sorted(tests, key=lambda t: t.name)


def _canon(term: object) -> object:
    if isinstance(term, ox.Literal):
        store = ox.Store()
        store.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), term))
        return str(next(iter(store)).object)
    return str(term) if term is not None else None


def _key(focus, path, severity, component, shape, value, graph: ShapesGraph, same: bool):  # type: ignore[no-untyped-def]
    def node(t: object) -> object:
        if isinstance(t, ox.BlankNode) and not same:
            return "_:"
        return _canon(t)

    if isinstance(path, ox.BlankNode):
        path_key: object = read_path(graph, path).sparql
    else:
        path_key = _canon(path)
    return (
        node(focus),
        path_key,
        _canon(severity),
        _canon(component),
        "_:" if isinstance(shape, ox.BlankNode) else _canon(shape),
        node(value),
    )


def expected(test: W3cTest) -> tuple[bool, Counter[tuple[object, ...]]]:
    g = ShapesGraph(quads(test.file))
    conforms = g.one(test.result, SH + "conforms")
    same = test.data == test.file
    found: Counter[tuple[object, ...]] = Counter()
    for r in g.objects(test.result, SH + "result"):
        found[
            _key(
                g.one(r, SH + "focusNode"),
                g.one(r, SH + "resultPath"),
                g.one(r, SH + "resultSeverity"),
                g.one(r, SH + "sourceConstraintComponent"),
                g.one(r, SH + "sourceShape"),
                g.one(r, SH + "value"),
                g,
                same,
            )
        ] += 1
    return (isinstance(conforms, ox.Literal) and conforms.value == "true"), found


def actual(test: W3cTest) -> tuple[bool, Counter[tuple[object, ...]]]:
    """The compiler's report (:class:`Unsupported` when it does not support the shapes)."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads(test.data))
    shapes = quads(test.shapes)
    g = ShapesGraph(shapes)
    outcome = shacl_results(StoreRows(store, [ox.DefaultGraph()]), shapes, threads=1)
    results: list[ShaclResult] = outcome.results
    same = test.data == test.file
    found = Counter(
        _key(r.focus, r.path, r.severity, r.component, r.shape, r.value, g, same) for r in results
    )
    conforms = not results  # SHACL: any result, whatever its severity, means non-conforming
    return conforms, found
