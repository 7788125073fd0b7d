"""``using-graph-uri`` / ``using-named-graph-uri`` on updates (SPARQL 1.1 Protocol §2.2.3).

Before issue 8 both were refused with 400. They are now written into the update as USING
clauses; only validated IRIs are inserted, and an update with its own USING or WITH is refused.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from claimgraph.endpoint import ServerConfig, create_app
from claimgraph.endpoint.update import with_protocol_dataset
from claimgraph.errors import ClaimgraphError

BASE = "http://127.0.0.1:7878"
TOKEN = "update-dataset-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}


def test_using_clauses_go_before_the_where_of_every_modify_operation():
    text = ("INSERT DATA { <urn:a> <urn:b> 'WHERE' } ;\n"
            "INSERT { ?s <urn:p> 1 } WHERE { ?s ?p ?o } ;\n"
            "DELETE { ?s ?p ?o } INSERT { ?s ?p 2 } WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }")
    out = with_protocol_dataset(text, ["urn:g1", "urn:g2"], ["urn:n"])
    using = "USING <urn:g1> USING <urn:g2> USING NAMED <urn:n> "
    assert out == text.replace("} WHERE { ?s", "} " + using + "WHERE { ?s").replace(
        "} WHERE { {", "} " + using + "WHERE { {")
    assert out.count("USING NAMED") == 2


def test_no_protocol_dataset_leaves_the_update_alone():
    assert with_protocol_dataset("CLEAR ALL", [], []) == "CLEAR ALL"


@pytest.mark.parametrize(
    "text",
    [
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "INSERT { ?s ?p 1 } USING <urn:g> WHERE { ?s ?p ?o }",
        "INSERT DATA { <urn:with> <urn:b> 'using' }",  # the word alone is enough: conservative
    ],
)
def test_update_with_its_own_using_or_with_is_refused(text: str):
    with pytest.raises(ClaimgraphError, match="in one place only"):
        with_protocol_dataset(text, ["urn:g"], [])


def test_delete_where_shorthand_is_refused_with_the_longhand_to_use():
    with pytest.raises(ClaimgraphError, match=r"DELETE \{ … \} WHERE"):
        with_protocol_dataset("DELETE WHERE { ?s ?p ?o }", ["urn:g"], [])


@pytest.fixture(scope="module")
def writable() -> Iterator[TestClient]:
    config = ServerConfig(allow_update=True, token=TOKEN, workers=1, timeout=5.0)
    with TestClient(create_app(config), base_url=BASE) as c:
        yield c


def ask(client: TestClient, query: str) -> bool:
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 200, r.text
    return bool(r.json()["boolean"])


def test_using_graph_uri_sets_the_where_dataset_of_an_update(writable):
    setup = ("INSERT DATA { GRAPH <urn:ud:one> { <urn:ud:x> a <urn:ud:T> } "
             "GRAPH <urn:ud:two> { <urn:ud:y> a <urn:ud:T> } }")
    assert writable.post("/sparql", content=setup.encode(), headers=AUTH).status_code == 204
    copy = "INSERT { GRAPH <urn:ud:out> { ?s a <urn:ud:Copied> } } WHERE { ?s a <urn:ud:T> }"
    r = writable.post("/sparql", params={"using-graph-uri": "urn:ud:one"},
                      content=copy.encode(), headers=AUTH)
    assert r.status_code == 204, r.text
    assert ask(writable, "ASK { GRAPH <urn:ud:out> { <urn:ud:x> a <urn:ud:Copied> } }")
    assert not ask(writable, "ASK { GRAPH <urn:ud:out> { <urn:ud:y> a <urn:ud:Copied> } }")


def test_using_named_graph_uri_reaches_graph_patterns_in_a_form_update(writable):
    setup = "INSERT DATA { GRAPH <urn:ud:n1> { <urn:ud:z> a <urn:ud:N> } }"
    assert writable.post("/sparql", content=setup.encode(), headers=AUTH).status_code == 204
    update = ("INSERT { GRAPH <urn:ud:nout> { ?s <urn:ud:from> ?g } } "
              "WHERE { GRAPH ?g { ?s a <urn:ud:N> } }")
    r = writable.post("/sparql", data={"update": update, "using-named-graph-uri": "urn:ud:n1"},
                      headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 204, r.text
    assert ask(writable, "ASK { GRAPH <urn:ud:nout> { <urn:ud:z> <urn:ud:from> <urn:ud:n1> } }")


def test_using_graph_uri_that_is_not_an_iri_is_refused(writable):
    r = writable.post("/sparql", params={"using-graph-uri": "urn:x> } ; DROP ALL ; #"},
                      content=b"INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }", headers=AUTH)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad-request"
    assert ask(writable, "ASK { ?s ?p ?o }")


def test_protocol_dataset_beside_with_is_a_400(writable):
    r = writable.post("/sparql", params={"using-named-graph-uri": "urn:ud:n1"},
                      content=b"WITH <urn:g> DELETE { ?s ?p 1 } WHERE { ?s ?p 1 }", headers=AUTH)
    assert r.status_code == 400 and "WITH" in r.json()["error"]["message"]
