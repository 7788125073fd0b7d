"""`claimgraph claims` lists and filters claims; `claimgraph graphs` lists graphs with counts.

Expectations are derived from the bundled graph's own triples, not copied from a run.
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from claimgraph.claims import list_claims
from claimgraph.cli import app
from claimgraph.graphs import graph_counts

CG = "https://w3id.org/claimgraph/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PROV = ox.NamedNode("http://www.w3.org/ns/prov#wasAttributedTo")


def run(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"CLAIMGRAPH_STORE": None})


def all_claims(store: ox.Store) -> set[str]:
    return {
        q.subject.value
        for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(CG + "Claim"), None)
    }


def labels(store: ox.Store) -> dict[str, str]:
    return {q.subject.value: q.object.value for q in store.quads_for_pattern(None, LABEL, None)}


def test_claims_lists_every_claim_once(runner, bundled_store):
    result = run(runner, "claims", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    listed = [r["claim"] for r in rows]
    assert len(listed) == len(set(listed))
    assert set(listed) == all_claims(bundled_store)


@pytest.mark.parametrize("text", ["binding", "NATO", "crimea"])
def test_search_matches_labels_in_any_case(bundled_store, text):
    names = labels(bundled_store)
    expected = {c for c in all_claims(bundled_store) if text.lower() in names[c].lower()}
    found = {row[0].value for row in list_claims(bundled_store, search=text).rows}
    assert expected and found == expected


def test_voice_and_kind_filter(bundled_store):
    albright = ox.NamedNode("https://w3id.org/claimgraph/id/actor/madeleine-albright")
    expected = {q.subject.value for q in bundled_store.quads_for_pattern(None, PROV, albright)}
    found = list_claims(bundled_store, voice="madeleine-albright")
    assert expected and {r[0].value for r in found.rows} == expected
    factual = list_claims(bundled_store, kind="factual")
    kinds = {r[2].value for r in factual.rows}
    assert len(kinds) == 1 and kinds.pop().endswith("factual")
    everything = list_claims(bundled_store).rows
    assert 0 < len(factual.rows) < len(everything)


def test_search_text_is_a_literal_never_query_text(bundled_store):
    for text in ['") } } DROP ALL #', "' || true || '", "\\"]:
        assert list_claims(bundled_store, search=text).rows == []


def test_bad_filter_value_is_one_line(runner):
    result = run(runner, "claims", "--voice", "not a slug")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("claimgraph: error: parameter 'voice'")


def test_graphs_lists_each_named_graph_with_its_triples(runner, bundled_store):
    expected = {
        g.value: sum(1 for _ in bundled_store.quads_for_pattern(None, None, None, g))
        for g in bundled_store.named_graphs()
    }
    assert dict(graph_counts(bundled_store)) == expected
    result = run(runner, "graphs", "-f", "json")
    assert result.exit_code == 0 and result.stdout.endswith("]\n")
    assert {r["graph"]: r["triples"] for r in json.loads(result.stdout)} == expected
    table = run(runner, "graphs").stdout
    assert table.splitlines()[-1] == f"({len(expected)} graphs)"


def test_graphs_of_a_disk_store_include_loaded_ones(runner, tmp_path, disk_store):
    path = tmp_path / "x.ttl"
    path.write_text("<http://example.org/a> <http://example.org/b> 1 .\n", encoding="utf-8")
    loaded = run(runner, "load", str(path), "--graph", "http://example.org/g",
                 "--store", str(disk_store))
    assert loaded.exit_code == 0, loaded.stderr
    table = run(runner, "graphs", "--store", str(disk_store)).stdout
    assert ["<http://example.org/g>", "1"] in [line.split() for line in table.splitlines()]
