"""Exports are byte-stable and load back into an isomorphic graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph.errors import ClaimgraphError, InputError
from claimgraph.export import export_graphs, write_atomic
from claimgraph.store import load_files, open_store
from claimgraph.terms import ONTOLOGY_GRAPH, document_graph

DOC_GRAPH = document_graph("broken-promises-narrative")
BLANKS = (
    "@prefix ex: <http://example.org/> .\n"
    'ex:a ex:knows [ ex:name "b" ; ex:knows [ ex:name "c" ] ] .\n'
    'ex:a ex:knows [ ex:name "d" ] .\n'
)


def _canonical(quads: list[ox.Quad]) -> ox.Dataset:
    d = ox.Dataset(quads)
    d.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return d


@pytest.mark.parametrize("fmt", ["trig", "nquads", "jsonld"])
def test_export_all_graphs_twice_gives_identical_bytes(fmt):
    assert export_graphs(open_store(), fmt=fmt) == export_graphs(open_store(), fmt=fmt)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_export_one_graph_is_stable_and_round_trips(fmt, tmp_path):
    first = export_graphs(open_store(), graph=DOC_GRAPH, fmt=fmt)
    assert first == export_graphs(open_store(), graph=DOC_GRAPH, fmt=fmt)
    path = tmp_path / f"doc.{ {'turtle': 'ttl', 'ntriples': 'nt', 'jsonld': 'jsonld'}[fmt] }"
    path.write_bytes(first)
    fresh = ox.Store()
    load_files(fresh, [path], graph=DOC_GRAPH)
    original = open_store()
    node = ox.NamedNode(DOC_GRAPH)
    assert set(fresh.quads_for_pattern(None, None, None, node)) == set(
        original.quads_for_pattern(None, None, None, node)
    )


def test_export_with_blank_nodes_is_byte_stable_across_loads(tmp_path):
    src = tmp_path / "blank.ttl"
    src.write_text(BLANKS, encoding="utf-8")
    outputs = []
    for _ in range(2):
        store = ox.Store()
        load_files(store, [src], graph="http://example.org/g")
        outputs.append(export_graphs(store, fmt="trig"))
    assert outputs[0] == outputs[1]
    back = tmp_path / "back.trig"
    back.write_bytes(outputs[0])
    again = ox.Store()
    load_files(again, [back])
    store = ox.Store()
    load_files(store, [src], graph="http://example.org/g")
    assert _canonical(list(again)) == _canonical(list(store))


def test_turtle_of_several_graphs_is_refused():
    with pytest.raises(ClaimgraphError, match="use --format trig or nquads"):
        export_graphs(open_store(), fmt="turtle")


def test_unknown_graph():
    with pytest.raises(InputError, match="the store has no graph <http://example.org/none>"):
        export_graphs(open_store(), graph="http://example.org/none")


def test_prefixes_are_the_fixed_set_in_use():
    out = export_graphs(open_store(), graph=ONTOLOGY_GRAPH, fmt="turtle").decode()
    assert out.startswith("@prefix ")
    assert "@prefix cg: <https://w3id.org/claimgraph/ontology#> ." in out
    assert "@prefix source:" not in out  # not used in the ontology graph


def test_failed_write_leaves_no_file(tmp_path):
    target = tmp_path / "missing-folder" / "out.ttl"
    with pytest.raises(InputError, match="folder does not exist"):
        write_atomic(target, b"data")
    assert not target.exists()


def test_write_replaces_whole_file(tmp_path: Path):
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old content that is longer")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]
