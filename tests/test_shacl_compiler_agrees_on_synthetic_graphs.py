"""On generated claim graphs (benchmarks/gen_claim_graph.py) the compiler finds what pyshacl
finds, every kind of injected fault is found, the generator is byte-identical for a seed, and
the number of queries does not grow with the data."""

from __future__ import annotations

import io
import sys
from collections import Counter

import pyoxigraph as ox
import pytest

from claimgraph.shacl import StoreRows, pyshacl_results, shacl_results
from claimgraph.terms import ONTOLOGY_GRAPH, SHAPES_GRAPH

from .conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from gen_claim_graph import generate  # noqa: E402


def _graph(triples: int, seed: int, rate: float) -> tuple[list[ox.Quad], dict[str, int]]:
    out = io.StringIO()
    stats = generate(out, triples, seed=seed, fault_rate=rate)
    return list(ox.parse(out.getvalue().encode(), format=ox.RdfFormat.N_TRIPLES)), stats


class Counting:
    def __init__(self, inner: StoreRows) -> None:
        self.inner = inner
        self.sent = 0

    def select(self, text: str):  # type: ignore[no-untyped-def]
        self.sent += 1
        return self.inner.select(text)


def _keys(results):  # type: ignore[no-untyped-def]
    return Counter(
        (str(r.focus), str(r.component), str(r.path), str(r.severity), str(r.value), str(r.shape))
        for r in results
    )


def test_the_generator_is_byte_identical_for_a_seed():
    a, b, c = io.StringIO(), io.StringIO(), io.StringIO()
    generate(a, 5000, seed=7)
    generate(b, 5000, seed=7)
    generate(c, 5000, seed=8)
    assert a.getvalue() == b.getvalue() != c.getvalue()


@pytest.fixture(scope="module")
def shapes_and_ontology(bundled_store) -> tuple[list[ox.Quad], list[ox.Quad]]:
    def graph(name: str) -> list[ox.Quad]:
        return list(bundled_store.quads_for_pattern(None, None, None, ox.NamedNode(name)))

    return graph(SHAPES_GRAPH), graph(ONTOLOGY_GRAPH)


def test_a_synthetic_graph_gives_pyshacls_results(shapes_and_ontology):
    shapes, ontology = shapes_and_ontology
    data, stats = _graph(8000, seed=3, rate=0.05)
    assert all(stats[kind] > 0 for kind in stats if kind not in ("triples", "documents"))
    data = data + ontology
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in data)
    ours = shacl_results(StoreRows(store, [ox.DefaultGraph()]), shapes).results
    theirs = pyshacl_results(data, shapes)
    assert _keys(ours) == _keys(theirs)
    messages = {r.message for r in ours}
    for expected in (
        "The claim names no document it is stated in (cg:statedIn).",
        "The claim has no text anchor (cg:anchor), so nobody can find where it stands.",
        "No agent asserts the claim (prov:wasAttributedTo).",
        "A claim cites as evidence only a reference of the list (a cg:Source).",
        "A text position needs one integer start (oa:start), at least 0 and before its end.",
        "The source has no year of publication (dcterms:issued as an xsd:gYear).",
    ):
        assert expected in messages


def test_the_number_of_queries_does_not_depend_on_the_data(shapes_and_ontology):
    shapes, ontology = shapes_and_ontology
    sent = []
    for size in (2000, 20000):
        store = ox.Store()
        quads = _graph(size, seed=1, rate=0.01)[0] + ontology
        store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        rows = Counting(StoreRows(store, [ox.DefaultGraph()]))
        shacl_results(rows, shapes)
        sent.append(rows.sent)
    assert sent[0] == sent[1]
