"""Each ``cgsh:compilerSelect`` of the shapes finds exactly the focus nodes of its ``sh:select``.

The compiler runs the former (sub-selects Oxigraph joins by hashing), pyshacl the latter (a form
rdflib runs well); see the shapes file. Compared on the bundled graph, on every fault of
``test_shacl_compiler_agrees_with_pyshacl`` (those of these targets among them) and on a
generated graph with faults.
"""

from __future__ import annotations

import io
import sys

import pyoxigraph as ox
import pytest

from claimgraph.shacl.model import COMPILER_SELECT, SH, read_shapes
from claimgraph.shacl.sparql_based import prologue
from claimgraph.store import open_store, parse_rdf_file
from claimgraph.terms import ONTOLOGY_GRAPH, SHAPES_GRAPH

from .conftest import DATA, REPO
from .test_shacl_compiler_agrees_with_pyshacl import FAULTS

BUNDLED = open_store()
SHAPES = list(BUNDLED.quads_for_pattern(None, None, None, ox.NamedNode(SHAPES_GRAPH)))


def _pairs() -> list[tuple[str, str, str]]:
    """(shape, sh:select, cgsh:compilerSelect), each with its prefixes."""
    g, shapes = read_shapes(SHAPES)
    found = []
    for shape in shapes:
        for target in g.objects(shape.node, SH + "target"):
            fast = g.one(target, COMPILER_SELECT)
            plain = g.one(target, SH + "select")
            if fast is not None and plain is not None:
                head = prologue(g.prefixes(target))
                found.append((str(shape.node), head + plain.value, head + fast.value))
    return found


PAIRS = _pairs()


def _foci(store: ox.Store, text: str) -> set[str]:
    answer = store.query(text, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    return {str(row["this"]) for row in answer}


def _with_ontology(quads: list[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.extend(quads)
    store.extend(BUNDLED.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))
    return store


def test_the_shapes_give_three_targets_a_compiler_select() -> None:
    assert len(PAIRS) == 3


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_both_selects_find_the_same_nodes_on_every_fault(fault: str) -> None:
    store = _with_ontology(FAULTS[fault](parse_rdf_file(DATA / "mini-graph.ttl")))
    found_any = False
    for _shape, plain, fast in PAIRS:
        expected = _foci(store, plain)
        assert _foci(store, fast) == expected
        found_any = found_any or bool(expected)
    if fault in ("anchor-outside-body", "anchor-past-the-end", "reported-without-reporter"):
        assert found_any, "the fault should be found by one of these targets"


def test_both_selects_find_the_same_nodes_on_the_bundled_and_a_generated_graph() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from gen_claim_graph import generate

    out = io.StringIO()
    generate(out, 20_000, seed=3, fault_rate=0.05)
    generated = _with_ontology(
        [
            ox.Quad(t.subject, t.predicate, t.object)
            for t in ox.parse(out.getvalue(), format=ox.RdfFormat.N_TRIPLES)
        ]
    )
    for store in (BUNDLED, generated):
        for _shape, plain, fast in PAIRS:
            assert _foci(store, fast) == _foci(store, plain)
