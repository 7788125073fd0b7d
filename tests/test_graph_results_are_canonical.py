"""CONSTRUCT/DESCRIBE output is byte-stable: blank nodes are relabelled canonically (RDFC-1.0).

pyoxigraph gives blank nodes new labels on every load, so two fresh stores holding the same
graphs differ in labels; the bytes written must not.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph import api
from claimgraph.render import serialize_triples
from claimgraph.serialize import canonical_quads, serialize_graph
from claimgraph.store import open_store

#: The bundled shapes graph is full of blank nodes (sh:property [ ... ]).
WITH_BLANKS = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isBlank(?s)) }"
MINTED = (
    "CONSTRUCT { [] <http://example.org/p> ?o ; <http://example.org/q> [] }"
    " WHERE { VALUES ?o { 1 2 } }"
)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml", "table"])
@pytest.mark.parametrize("query", [WITH_BLANKS, MINTED], ids=["stored-blanks", "minted-blanks"])
def test_same_construct_gives_same_bytes_across_fresh_stores(query, fmt):
    first, second = open_store(None), open_store(None)
    raw = [list(s.query(query)) for s in (first, second)]
    assert any(isinstance(t.subject, ox.BlankNode) for t in raw[0])
    assert {str(t) for t in raw[0]} != {str(t) for t in raw[1]}  # labels do differ underneath
    a = api.run_query(first, sparql=query, fmt=fmt)
    b = api.run_query(second, sparql=query, fmt=fmt)
    assert a == b
    assert a.strip()


def test_the_workers_function_writes_the_same_canonical_bytes():
    stores = [open_store(None), open_store(None)]
    out = [serialize_triples(list(s.query(WITH_BLANKS)), "turtle") for s in stores]
    assert out[0] == out[1]
    assert out[0] == serialize_graph(list(stores[0].query(WITH_BLANKS)), "turtle")


def test_canonical_quads_keep_the_graph_and_drop_duplicates():
    b = ox.BlankNode()
    p = ox.NamedNode("http://example.org/p")
    quads = [ox.Quad(b, p, ox.Literal("x")), ox.Quad(b, p, ox.Literal("x"))]
    out = canonical_quads(quads)
    assert len(out) == 1
    assert out[0].subject != b  # relabelled
    assert canonical_quads([ox.Quad(ox.BlankNode(), p, ox.Literal("x"))]) == out


def test_the_endpoint_answers_the_same_bytes_from_every_worker_and_server():
    """Each worker loads its own store (own blank-node labels); the answers must not differ."""
    from starlette.testclient import TestClient

    from claimgraph.endpoint import ServerConfig, create_app

    bodies = set()
    for _ in range(2):  # two servers, two workers each, several requests
        app = create_app(ServerConfig(timeout=10.0, workers=2))
        with TestClient(app, base_url="http://127.0.0.1:7878") as client:
            for _ in range(4):
                r = client.get("/sparql", params={"query": WITH_BLANKS, "format": "ntriples"})
                assert r.status_code == 200, r.text
                assert "_:" in r.text
                bodies.add(r.content)
    assert len(bodies) == 1
