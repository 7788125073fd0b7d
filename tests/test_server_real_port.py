"""`python -m claimgraph serve` as a real process on a free 127.0.0.1 port, used by real clients.

SPARQLWrapper (JSON, XML, CSV, ASK, CONSTRUCT), rdflib's SPARQLStore, and raw HTTP for the
status codes; a runaway query stopped at the time limit while a second client is answered.
The server is always terminated by the fixture's finalizer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, RDFXML, TURTLE, XML, SPARQLWrapper

from claimgraph.terms import CG, ONTOLOGY_GRAPH

from .serving import running_serve

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
OWL_CLASS = "<http://www.w3.org/2002/07/owl#Class>"
CLASSES = f"SELECT ?c WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?c a {OWL_CLASS} }} }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a running `claimgraph serve --timeout 2`."""
    log = tmp_path_factory.mktemp("serve") / "stderr.txt"
    options = ["--timeout", "2", "--workers", "2", "--max-rows", "1000"]
    with running_serve(options, log=log) as port:
        yield f"http://127.0.0.1:{port}"


def wrapper(server: str, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setTimeout(30)
    return sparql


def test_sparqlwrapper_select_in_json(server):
    result = wrapper(server, CLASSES, JSON).queryAndConvert()
    assert isinstance(result, dict)
    classes = {b["c"]["value"] for b in result["results"]["bindings"]}
    assert CG + "Claim" in classes


def test_sparqlwrapper_select_in_xml(server):
    doc = wrapper(server, CLASSES, XML).queryAndConvert()
    uris = [n.firstChild.data for n in doc.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert CG + "Claim" in uris


def test_sparqlwrapper_select_in_csv(server):
    data = wrapper(server, CLASSES, CSV).queryAndConvert()
    lines = data.decode("utf-8").splitlines()  # type: ignore[union-attr]
    assert lines[0] == "c" and CG + "Claim" in lines[1:]


def test_sparqlwrapper_ask(server):
    assert wrapper(server, "ASK { ?s ?p ?o }", JSON).queryAndConvert()["boolean"] is True
    assert wrapper(server, "ASK { <urn:no> ?p ?o }", XML).queryAndConvert() is not None


def test_sparqlwrapper_construct_into_an_rdflib_graph(server):
    query = (
        f"CONSTRUCT {{ ?c a <http://www.w3.org/2002/07/owl#Class> }} "
        f"WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?c a <http://www.w3.org/2002/07/owl#Class> }} }}"
    )
    graph = wrapper(server, query, RDFXML).queryAndConvert()
    assert isinstance(graph, rdflib.Graph)
    assert (rdflib.URIRef(CG + "Claim"), rdflib.RDF.type, rdflib.OWL.Class) in graph
    turtle = wrapper(server, query, TURTLE).queryAndConvert()
    parsed = rdflib.Graph().parse(data=turtle, format="turtle", publicID=server + "/")
    assert len(parsed) == len(graph) > 0


def test_rdflib_sparqlstore_runs_a_query(server):
    graph = rdflib.Graph(SPARQLStore(server + "/sparql", returnFormat="json"))
    rows = list(graph.query(CLASSES))
    assert rdflib.URIRef(CG + "Claim") in {row[0] for row in rows}  # type: ignore[index]


def test_status_codes_over_http(server):
    with httpx.Client(base_url=server, timeout=30) as http:
        assert http.get("/health").json()["status"] == "ok"
        assert http.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        assert http.get("/sparql", params={"query": "SELECT * {"}).status_code == 400
        assert http.get("/nope").status_code == 404
        assert http.get("/api/queries/nope").status_code == 404
        r = http.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
        assert r.status_code == 406
        r = http.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
        assert r.status_code == 415
        r = http.post("/sparql", content=b"#" * 1_100_000,
                      headers={"Content-Type": "application/sparql-query"})
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "body-too-large"
        sd = http.get("/sparql")
        assert sd.status_code == 200 and "sd:Service" in sd.text


def test_service_is_refused(server):
    r = httpx.get(server + "/sparql", timeout=30, params={
        "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "query-refused"


def test_updates_are_refused(server):
    r = httpx.post(server + "/sparql", timeout=30, content=b"DROP ALL",
                   headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "updates-disabled"
    assert httpx.get(server + "/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"]


def test_a_runaway_query_stops_at_the_limit_while_another_client_is_answered(server):
    done: dict[str, tuple[float, httpx.Response]] = {}

    def runaway() -> None:
        r = httpx.get(server + "/sparql", params={"query": RUNAWAY}, timeout=60)
        done["runaway"] = (time.monotonic(), r)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)  # ordering only: the runaway has its worker before the second client asks
    r = httpx.get(server + "/sparql", params={"query": CLASSES}, timeout=60)
    answered = time.monotonic()
    thread.join(timeout=60)
    assert r.status_code == 200
    assert any(b["c"]["value"] == CG + "Claim" for b in r.json()["results"]["bindings"])
    finished, slow = done["runaway"]
    assert answered < finished  # the second client did not wait for the runaway
    assert slow.status_code == 503
    assert slow.json()["error"] == {
        "status": 503,
        "code": "query-timeout",
        "message": "the query did not finish within the time limit of 2 s and was stopped",
    }
    # the killed worker was replaced: the server keeps answering
    for _ in range(5):
        r = httpx.get(server + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert r.status_code == 200 and r.json()["boolean"] is True
