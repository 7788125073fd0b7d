"""Issue 8 §4: a query's own FROM / FROM NAMED names its dataset, on the CLI and the endpoint.

Before the fix the default graph was always the union of all graphs, so
``SELECT (COUNT(*) AS ?n) FROM <ontology> WHERE { ?s ?p ?o }`` counted every graph. The union
stays the default for a query that names no dataset, also when it merely contains the word
"from" in a variable, a string, a comment, a prefixed name or a language tag.
"""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from claimgraph.cli import app as cli_app
from claimgraph.endpoint import ServerConfig, create_app
from claimgraph.sparql import declares_dataset, execute
from claimgraph.store import open_store
from claimgraph.terms import ONTOLOGY_GRAPH, SHAPES_GRAPH

from .cli_runner import CliRunner

COUNT = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
GRAPHS = "SELECT DISTINCT ?g {} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"

#: Queries with no dataset clause that mention the word where a careless check would see one.
MERELY_MENTION_FROM = [
    'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o != "taken from <urn:x>") }',
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # FROM <urn:x>",
    "SELECT (COUNT(?from) AS ?n) WHERE { ?s ?p ?from }",
    "PREFIX from: <urn:from:> SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?p != from:x) }",
    'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o != "x"@from) }',
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?p != <urn:FROM>) }",
]


@pytest.fixture(scope="module")
def store():
    return open_store(None)


def count(store, text: str) -> int:
    result = execute(store, text)
    return int(result.rows[0][0].value)  # type: ignore[union-attr]


def test_from_a_graph_counts_only_that_graph(store):
    everything = count(store, COUNT.format(""))
    ontology = count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> "
                            "{ ?s ?p ?o } }")
    assert 0 < ontology < everything
    assert count(store, COUNT.format(f"FROM <{ONTOLOGY_GRAPH}>")) == ontology
    assert count(store, COUNT.format("from cgg:ontology")) == ontology  # prefixed, any case
    both = count(store, COUNT.format(f"FROM <{ONTOLOGY_GRAPH}> FROM <{SHAPES_GRAPH}>"))
    assert ontology < both < everything


def test_from_named_limits_the_graphs_graph_sees(store):
    result = execute(store, GRAPHS.format(f"FROM NAMED <{SHAPES_GRAPH}>"))
    assert [row[0].value for row in result.rows] == [SHAPES_GRAPH]  # type: ignore[union-attr]
    assert len(execute(store, GRAPHS.format("")).rows) > 2


def test_no_dataset_clause_keeps_the_union_even_when_the_word_from_appears(store):
    everything = count(store, COUNT.format(""))
    for text in MERELY_MENTION_FROM:
        assert not declares_dataset(text), text
        assert count(store, text) > 0, text
    assert count(store, MERELY_MENTION_FROM[2]) == everything


def test_the_protocol_dataset_wins_over_from(store):
    from pyoxigraph import NamedNode

    shapes = count(store, COUNT.format(f"FROM <{SHAPES_GRAPH}>"))
    result = execute(store, COUNT.format(f"FROM <{ONTOLOGY_GRAPH}>"),
                     default_graph=[NamedNode(SHAPES_GRAPH)], named_graphs=[])
    assert int(result.rows[0][0].value) == shapes  # type: ignore[union-attr]


def test_cli_query_sparql_honours_from():
    runner = CliRunner()
    args = ["query", "--format", "json", "--sparql"]
    env = {"CLAIMGRAPH_STORE": None}
    union = runner.invoke(cli_app, [*args, COUNT.format("")], env=env)
    scoped = runner.invoke(cli_app, [*args, COUNT.format(f"FROM <{ONTOLOGY_GRAPH}>")], env=env)
    assert union.exit_code == scoped.exit_code == 0, union.output + scoped.output

    def n(output: str) -> int:
        return int(json.loads(output)["results"]["bindings"][0]["n"]["value"])

    assert 0 < n(scoped.stdout) < n(union.stdout)


def test_endpoint_honours_from():
    with TestClient(
        create_app(ServerConfig(workers=1, timeout=10.0)), base_url="http://127.0.0.1:7878"
    ) as client:

        def n(query: str) -> int:
            r = client.get("/sparql", params={"query": query})
            assert r.status_code == 200, r.text
            return int(r.json()["results"]["bindings"][0]["n"]["value"])

        union = n(COUNT.format(""))
        ontology = n(COUNT.format(f"FROM <{ONTOLOGY_GRAPH}>"))
        assert 0 < ontology < union
        assert n(MERELY_MENTION_FROM[2]) == union
        r = client.get("/sparql", params={"query": COUNT.format(f"FROM <{ONTOLOGY_GRAPH}>"),
                                          "default-graph-uri": SHAPES_GRAPH})
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == n(
            COUNT.format(f"FROM <{SHAPES_GRAPH}>"))
