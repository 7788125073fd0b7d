"""Top-level checks run set at a time where that is safe (issue 13), and the data graph of a
store is every graph but the shapes graph.

On a large on-disk store a lookup per focus node costs a RocksDB seek each; ``MINUS`` and
``GROUP BY … HAVING`` read a predicate once and join by hashing. They are used only on paths
without ``*``, ``+`` or ``?`` (which, read unbound, would reach every node at length zero).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph.cli import app
from claimgraph.shacl.compiler import compile_shapes
from claimgraph.store import open_store
from claimgraph.terms import CG, ID, SHAPES_GRAPH

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
#: a claim with nothing else: a violation of every required property, if it were data
STRAY = ox.NamedNode(ID + "doc/nowhere/claim/stray")
#: the same kind of claim in a data graph: it must be reported
FAULTY = ox.NamedNode(ID + "doc/nowhere/claim/faulty")


def _fill(folder: Path) -> None:
    store = open_store(folder, write=True)
    claim = ox.NamedNode(CG + "Claim")
    store.add(ox.Quad(STRAY, RDF_TYPE, claim, ox.NamedNode(SHAPES_GRAPH)))
    store.add(ox.Quad(FAULTY, RDF_TYPE, claim, ox.NamedNode(ID + "doc/nowhere")))
    store.flush()


def test_a_triple_of_the_shapes_graph_is_not_data(disk_store: Path, runner) -> None:  # type: ignore[no-untyped-def]
    _fill(disk_store)
    def foci(*engine: str) -> set[str]:
        result = runner.invoke(
            app,
            ["validate", "--store", str(disk_store), "-f", "json", *engine],
            env={"CLAIMGRAPH_STORE": None},
        )
        assert result.exit_code == 1
        return {r["focus"] for r in json.loads(result.stdout)["results"]}

    found = foci()
    assert any(f.endswith("/faulty") for f in found)
    assert not any(f.endswith("/stray") for f in found)
    assert foci("--engine", "pyshacl") == found


@pytest.mark.parametrize(
    ("path", "set_at_a_time"),
    [
        ("rdfs:label", True),
        ("( cg:anchor oa:hasSelector )", True),
        ("[ sh:zeroOrMorePath rdfs:seeAlso ]", False),
    ],
)
def test_counts_and_classes_are_checked_set_at_a_time_only_on_bounded_paths(
    path: str, set_at_a_time: bool
) -> None:
    shapes = ox.Store()
    shapes.load(
        f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix cg: <{CG}> .
        @prefix oa: <http://www.w3.org/ns/oa#> .
        <urn:s> a sh:NodeShape ; sh:targetClass cg:Claim ;
            sh:property [ sh:path {path} ; sh:minCount 1 ; sh:maxCount 2 ; sh:class cg:Thing ] .
        """.encode(),
        format=ox.RdfFormat.TURTLE,
    )
    texts = {c.component.value.rsplit("#", 1)[1]: c.text for c in compile_shapes(shapes).checks}
    assert ("MINUS" in texts["MinCountConstraintComponent"]) is set_at_a_time
    assert ("HAVING" in texts["MaxCountConstraintComponent"]) is set_at_a_time
    assert "MINUS" in texts["ClassConstraintComponent"]  # its right side is bound by the class
