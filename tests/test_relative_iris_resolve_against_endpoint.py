"""Relative IRIs in endpoint queries and updates resolve against the endpoint's URL.

Before issue 8 they were a 400 (no base IRI); the base comes from the configuration (bound
address and port, or the first ``--host-name``), never from the request's Host.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from claimgraph.endpoint import ServerConfig, create_app

TOKEN = "relative-iri-token-0123456789"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    config = ServerConfig(allow_update=True, token=TOKEN, workers=1, timeout=5.0, port=8123,
                          host_names=("sparql.example.org",))
    with TestClient(create_app(config), base_url="http://127.0.0.1:8123") as c:
        yield c


def test_relative_iri_in_a_query_resolves_against_the_endpoint_url(client):
    r = client.post("/sparql", content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                    headers={"Content-Type": "application/sparql-query",
                             "Accept": "application/n-triples", "Host": "localhost:8123"})
    assert r.status_code == 200, r.text
    assert "<http://sparql.example.org:8123/s> <http://sparql.example.org:8123/p>" in r.text


def test_relative_iri_in_an_update_resolves_against_the_endpoint_url(client):
    r = client.post("/sparql", content=b"INSERT DATA { GRAPH <urn:rel> { <urn:s> <urn:p> <o> } }",
                    headers={"Content-Type": "application/sparql-update",
                             "Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 204, r.text
    query = "ASK { GRAPH <urn:rel> { <urn:s> <urn:p> <http://sparql.example.org:8123/o> } }"
    assert client.get("/sparql", params={"query": query}).json()["boolean"] is True


def test_a_query_with_its_own_base_keeps_it(client):
    r = client.get("/sparql", params={"query": "BASE <http://b.example/> SELECT (<x> AS ?x) {}"})
    assert r.json()["results"]["bindings"][0]["x"]["value"] == "http://b.example/x"


def test_endpoint_url_is_the_bound_address_without_host_names():
    assert ServerConfig(port=9000).endpoint_url == "http://127.0.0.1:9000/sparql"
    assert ServerConfig(host="::1", port=9000).endpoint_url == "http://[::1]:9000/sparql"
