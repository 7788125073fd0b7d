"""``validate --data FILE`` with the compiler streams the file into the store it validates (no
list of the file's quads: issue 13's 1M-triple file peaked at 1.4 GB) and reports exactly what
the list-based path does; a file with named graphs keeps its graphs for the anchor checks."""

from __future__ import annotations

import io
import sys

import pyoxigraph as ox
import pytest

from claimgraph import api
from claimgraph.errors import ClaimgraphError
from claimgraph.shacl import engine
from claimgraph.store import parse_rdf_file
from claimgraph.terms import ONTOLOGY_GRAPH, SHAPES_GRAPH
from claimgraph.texts import text_sources

from .conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from gen_claim_graph import generate  # noqa: E402


def _list_based(store: ox.Store, path) -> str:  # type: ignore[no-untyped-def]
    def graph(name: str) -> list[ox.Quad]:
        return list(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))

    report = engine.validate_quads(
        parse_rdf_file(path),
        graph(ONTOLOGY_GRAPH),
        graph(SHAPES_GRAPH),
        text_sources((), None, None),
    )
    return report.to_json()


@pytest.mark.parametrize("suffix", [".nt", ".trig"])
def test_the_streamed_file_reports_what_the_list_did(bundled_store, tmp_path, suffix, monkeypatch):
    out = io.StringIO()
    generate(out, 6000, seed=5, fault_rate=0.05)
    path = tmp_path / f"claims{suffix}"
    if suffix == ".nt":
        path.write_text(out.getvalue(), encoding="utf-8")
    else:  # the same triples in a named graph, plus one in the default graph
        body = out.getvalue()
        first = body.splitlines()[0]
        path.write_text(f"{first}\n<http://example.org/g> {{\n{body}}}\n", encoding="utf-8")
    streamed = []
    real = engine._streamed_file
    monkeypatch.setattr(
        engine, "_streamed_file", lambda p: streamed.append(real(p)) or streamed[-1]
    )
    ours = api.validate(bundled_store, path).to_json()
    assert ours == _list_based(bundled_store, path)
    assert (streamed[0] is None) == (suffix == ".trig")


def test_a_syntax_error_in_a_streamed_file_is_still_bad_input(bundled_store, tmp_path):
    path = tmp_path / "broken.nt"
    path.write_text("<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
    with pytest.raises(ClaimgraphError):
        api.validate(bundled_store, path)


def test_an_empty_default_graph_is_left_out_of_the_validated_graphs(bundled_store):
    graphs = engine._data_graphs(bundled_store)
    assert ox.DefaultGraph() not in graphs and graphs
    assert ox.NamedNode(SHAPES_GRAPH) not in graphs
    store = ox.Store()
    store.extend(bundled_store)
    store.add(
        ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode(ONTOLOGY_GRAPH), ox.Literal("x"))
    )
    assert engine._data_graphs(store)[0] == ox.DefaultGraph()
    before = api.validate(bundled_store, check_texts=False).results
    assert before == api.validate(store, check_texts=False).results
