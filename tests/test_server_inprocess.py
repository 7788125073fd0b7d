"""The endpoint in process (Starlette TestClient): protocol, statuses, negotiation, API.

Every error response has one JSON shape, pinned here. Queries still run in worker processes
(the app's lifespan starts the pool).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from openapi_spec_validator import validate as validate_openapi
from starlette.testclient import TestClient as _StarletteClient

from claimgraph.catalog import load_catalog
from claimgraph.cli import app as cli_app
from claimgraph.endpoint import ServerConfig, create_app
from claimgraph.endpoint.pages import html_page
from claimgraph.endpoint.protocol import TRUNCATED_HEADER, negotiate, parse_accept
from claimgraph.errors import ClaimgraphError
from claimgraph.terms import ONTOLOGY_GRAPH, PREFIXES


class TestClient(_StarletteClient):
    """Addressed as a browser on this machine would: the endpoint refuses other Host names."""

    __test__ = False

    def __init__(self, app: Any, **kwargs: Any) -> None:
        kwargs.setdefault("base_url", "http://127.0.0.1:7878")
        super().__init__(app, **kwargs)


TOKEN = "test-token-0123456789abcdef"
JSON = "application/sparql-results+json"
SPARQL_QUERY = "application/sparql-query"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SD = "http://www.w3.org/ns/sparql-service-description#"
CLAIM = PREFIXES["doc"] + "broken-promises-narrative/claim/no-binding-agreement"


@pytest.fixture(scope="module")
def client():
    """Read-only, 2 workers, 2 s limit, at most 50 rows, 4 KiB bodies."""
    config = ServerConfig(timeout=2.0, max_rows=50, max_body=4096, workers=2)
    with TestClient(create_app(config)) as c:
        yield c


@pytest.fixture(scope="module")
def writable():
    """Updates on (in memory), with a token; one worker."""
    config = ServerConfig(allow_update=True, token=TOKEN, workers=1, timeout=5.0)
    with TestClient(create_app(config)) as c:
        yield c


def error_of(response: httpx.Response, status: int, code: str) -> str:
    """Check the one error shape; return the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    doc = response.json()
    assert list(doc) == ["error"]
    assert list(doc["error"]) == ["status", "code", "message"]
    assert doc["error"]["status"] == status
    assert doc["error"]["code"] == code
    message = doc["error"]["message"]
    assert isinstance(message, str) and message and "\n" not in message
    assert "Traceback" not in message and "/work/" not in message and ".rq" not in message
    return message


def bindings(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON
    return response.json()["results"]["bindings"]


def count(client: TestClient, query: str = COUNT_ALL, **params: Any) -> int:
    r = client.get("/sparql", params={"query": query, **params})
    return int(bindings(r)[0]["n"]["value"])


# --- the error shape, pinned ------------------------------------------------------------------


def test_the_error_shape_is_pinned(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {
        "error": {
            "status": 404,
            "code": "not-found",
            "message": "no such resource: /no/such/page (see / or /api/openapi.json)",
        }
    }


def test_method_not_allowed_is_json_too(client):
    r = client.delete("/sparql")
    error_of(r, 405, "method-not-allowed")
    assert "GET" in r.headers["allow"]


# --- health, page ------------------------------------------------------------------------------


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.json()["workers"] >= 1
    assert r.headers["x-content-type-options"] == "nosniff"


def test_front_page_lists_the_catalog_and_has_a_query_form(client):
    r = client.get("/endpoint")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    page = r.text
    assert '<form action="/sparql" method="get">' in page
    assert '<textarea name="query"' in page
    for name in load_catalog():
        assert f'href="/api/queries/{name}"' in page
    assert "<script" not in page


def test_front_page_escapes_everything(tmp_path: Path):
    hostile = '<script>alert("x")</script>'
    (tmp_path / "evil.rq").write_text(
        f"#+ summary: {hostile} & more\n"
        f"#+ description: a \"quoted\" '{hostile}'\n"
        "#+ param: claim: IRI of a cg:Claim says <b>bold</b> (default: no-binding-agreement)\n\n"
        "SELECT ?claim ?p WHERE { ?claim ?p ?o }\n",
        encoding="utf-8",
    )
    catalog = load_catalog(tmp_path)
    page = html_page(catalog, ServerConfig()).decode("utf-8")
    assert "<script" not in page
    assert "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in page
    # and through the app (no queries run, so no workers needed)
    app = create_app(ServerConfig(queries_dir=tmp_path))
    r = TestClient(app).get("/endpoint")
    assert r.status_code == 200 and "<script" not in r.text


# --- SPARQL protocol: queries ------------------------------------------------------------------


def test_get_select_defaults_to_sparql_json(client):
    rows = bindings(client.get("/sparql", params={"query": COUNT_ALL}))
    assert int(rows[0]["n"]["value"]) > 0


def test_post_form_and_post_direct_give_the_same_answer(client):
    expected = count(client)
    r = client.post("/sparql", data={"query": COUNT_ALL})
    assert int(bindings(r)[0]["n"]["value"]) == expected
    r = client.post(
        "/sparql",
        content=COUNT_ALL.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert int(bindings(r)[0]["n"]["value"]) == expected


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/sparql-results+json", JSON),
        ("application/json", JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("application/sparql-results+xml;q=0.2, text/*;q=0.9", "text/csv; charset=utf-8"),
        ("text/csv, */*;q=0.1", "text/csv; charset=utf-8"),
        ("text/html, */*;q=0.8", JSON),
    ],
)
def test_select_results_are_negotiated(client, accept, media):
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { BIND(1 AS ?x) }"},
                   headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == media
    assert "accept" in r.headers["vary"].lower()
    if media == "text/csv; charset=utf-8":
        assert r.text == "x\r\n1\r\n"
    if media.startswith("text/tab"):
        assert r.text.splitlines() == ["?x", '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'] \
            or r.text.splitlines()[0] == "?x"


def test_ask_in_json_and_xml(client):
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert r.status_code == 200 and r.json()["boolean"] is True
    r = client.get("/sparql", params={"query": "ASK { <urn:no> ?p ?o }"},
                   headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and "<boolean>false</boolean>" in r.text


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        (None, "text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
        ("text/turtle", "text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/rdf+xml;q=0.3, application/n-triples;q=0.9", "application/n-triples",
         ox.RdfFormat.N_TRIPLES),
    ],
)
def test_construct_results_are_negotiated(client, accept, media, fmt):
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }} LIMIT 5"
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", params={"query": query}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == media
    assert len(list(ox.parse(r.content, format=fmt))) == 5


def test_the_format_parameter_overrides_accept(client):
    r = client.get("/sparql", params={"query": "ASK {}", "format": "csv"},
                   headers={"Accept": JSON})
    assert r.headers["content-type"].startswith("text/csv")
    r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s a ?o } LIMIT 1",
                                      "format": "ntriples"})
    assert r.headers["content-type"] == "application/n-triples"


def test_406_when_no_offered_type_is_acceptable(client):
    r = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 1"},
                   headers={"Accept": "text/html"})
    error_of(r, 406, "not-acceptable")
    r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"},
                   headers={"Accept": JSON})
    error_of(r, 406, "not-acceptable")
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "*/*;q=0"})
    error_of(r, 406, "not-acceptable")


def test_400_for_a_malformed_query_with_the_parsers_message(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    message = error_of(r, 400, "query-syntax")
    assert message.startswith("line 1, column ")


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"query": ["ASK {}", "ASK {}"]}, "exactly one query"),
        ({"query": "ASK {}", "default-graph-uri": "not an iri"}, "not an IRI"),
    ],
)
def test_400_for_a_malformed_request(client, params, fragment):
    assert fragment in error_of(client.get("/sparql", params=params), 400, "bad-request")


def test_400_for_a_post_without_a_query(client):
    error_of(client.post("/sparql", data={"nothing": "here"}), 400, "bad-request")
    r = client.post("/sparql", content=b"\xff\xfe", headers={"Content-Type": SPARQL_QUERY})
    error_of(r, 400, "bad-request")


def test_415_for_an_unsupported_content_type(client):
    r = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert "text/plain" in error_of(r, 415, "unsupported-media-type")
    r = client.post("/sparql", content=b"ASK {}")
    error_of(r, 415, "unsupported-media-type")


def test_413_for_a_body_over_the_limit_by_content_length(client):
    big = "ASK {}" + "#" * 5000
    r = client.post("/sparql", content=big.encode(), headers={"Content-Type": SPARQL_QUERY})
    assert "4096" in error_of(r, 413, "body-too-large")
    error_of(client.post("/sparql", data={"query": big}), 413, "body-too-large")


def test_413_for_a_chunked_body_over_the_limit(client):
    def chunks():
        yield b"ASK {}"
        for _ in range(10):
            yield b"#" * 1000

    r = client.post("/sparql", content=chunks(), headers={"Content-Type": SPARQL_QUERY})
    assert "content-length" not in {k.lower() for k in r.request.headers}
    error_of(r, 413, "body-too-large")


def test_service_is_refused_unless_allowed(client):
    r = client.get("/sparql", params={
        "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    message = error_of(r, 400, "query-refused")
    assert "SERVICE" in message and "--allow-service" in message


def test_deep_nesting_is_refused(client):
    r = client.post("/sparql", data={"query": "SELECT * WHERE " + "{" * 300 + "}" * 300})
    assert "nests brackets" in error_of(r, 400, "query-refused")


def test_rows_are_cut_at_max_rows_with_a_header(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(bindings(r)) == 50
    assert r.headers[TRUNCATED_HEADER] == "true"
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 7"})
    assert len(bindings(r)) == 7
    assert TRUNCATED_HEADER.lower() not in {k.lower() for k in r.headers}


def test_the_default_graph_is_the_union_unless_the_request_names_graphs(client):
    everything = count(client)
    ontology = count(client, **{"default-graph-uri": ONTOLOGY_GRAPH})
    assert 0 < ontology <= everything
    assert count(client, **{"default-graph-uri": "urn:claimgraph:none"}) == 0
    in_named = count(
        client,
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        **{"named-graph-uri": ONTOLOGY_GRAPH},
    )
    assert in_named == ontology
    # only named graphs given: the default graph is empty (SPARQL protocol)
    assert count(client, **{"named-graph-uri": ONTOLOGY_GRAPH}) == 0


def test_503_when_a_query_overruns_and_the_server_carries_on(client):
    r = client.get("/sparql", params={"query": RUNAWAY})
    assert "time limit of 2 s" in error_of(r, 503, "query-timeout")
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


# --- service description ----------------------------------------------------------------------


def test_get_without_query_returns_the_service_description(client):
    r = client.get("/sparql")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/turtle; charset=utf-8"
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    g = {(t.subject, t.predicate, t.object) for t in triples}
    service = ox.NamedNode("http://127.0.0.1:7878/sparql")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert (service, rdf_type, ox.NamedNode(SD + "Service")) in g
    assert (service, ox.NamedNode(SD + "endpoint"), service) in g
    query_language = ox.NamedNode(SD + "SPARQL11Query")
    assert (service, ox.NamedNode(SD + "supportedLanguage"), query_language) in g
    assert (service, ox.NamedNode(SD + "feature"), ox.NamedNode(SD + "UnionDefaultGraph")) in g
    formats = {t.object for t in triples if t.predicate == ox.NamedNode(SD + "resultFormat")}
    assert ox.NamedNode("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert ox.NamedNode("http://www.w3.org/ns/formats/Turtle") in formats
    assert not any(t.object == ox.NamedNode(SD + "SPARQL11Update") for t in triples)


def test_the_service_description_is_negotiated(client):
    r = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert r.headers["content-type"] == "application/ld+json"
    assert list(ox.parse(r.content, format=ox.RdfFormat.JSON_LD))
    r = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.headers["content-type"].startswith("text/html")
    error_of(client.get("/sparql", headers={"Accept": JSON}), 406, "not-acceptable")


# --- updates ----------------------------------------------------------------------------------


def test_updates_are_403_on_a_read_only_server(client):
    r = client.post("/sparql", content=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                    headers={"Content-Type": "application/sparql-update"})
    assert "read-only" in error_of(r, 403, "updates-disabled")
    r = client.post("/sparql", data={"update": "DROP ALL"},
                    headers={"Authorization": f"Bearer {TOKEN}"})
    error_of(r, 403, "updates-disabled")
    assert count(client) > 0


def test_an_update_by_get_is_refused(client):
    r = client.get("/sparql", params={"update": "DROP ALL"})
    assert "POST" in error_of(r, 400, "bad-request")


def test_updates_need_the_bearer_token(writable):
    update = "INSERT DATA { GRAPH <urn:test:g> { <urn:test:a> <urn:test:b> 'x' } }"
    headers = {"Content-Type": "application/sparql-update"}
    r = writable.post("/sparql", content=update.encode(), headers=headers)
    error_of(r, 401, "unauthorized")
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = writable.post("/sparql", content=update.encode(),
                      headers={**headers, "Authorization": "Bearer wrong-token"})
    error_of(r, 401, "unauthorized")
    r = writable.post("/sparql", content=update.encode(),
                      headers={**headers, "Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 204, r.text
    ask = "ASK { <urn:test:a> <urn:test:b> 'x' }"
    assert writable.get("/sparql", params={"query": ask}).json()["boolean"] is True


def test_form_updates_and_their_errors(writable):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = writable.post("/sparql", data={"update": "INSERT DATA { <urn:f> <urn:g> <urn:h> }"},
                      headers=auth)
    assert r.status_code == 204
    r = writable.post("/sparql", data={"update": "INSERT DATA { <urn:f> <urn:g> }"}, headers=auth)
    error_of(r, 400, "query-syntax")
    r = writable.post("/sparql", data={"update": "LOAD <http://example.org/data.ttl>"},
                      headers=auth)
    assert "LOAD" in error_of(r, 400, "query-refused")
    r = writable.post("/sparql", data={"update": "DROP ALL", "query": "ASK {}"}, headers=auth)
    error_of(r, 400, "bad-request")


def test_a_writable_server_says_so_in_its_service_description(writable):
    r = writable.get("/sparql")
    assert f"<{SD}SPARQL11Update>" in r.text or "sd:SPARQL11Update" in r.text


# --- stored queries as a web API --------------------------------------------------------------


def test_the_catalog_is_listed_as_json(client):
    r = client.get("/api/queries")
    assert r.status_code == 200
    assert r.json() == [q.as_dict() for q in load_catalog().values()]


def test_a_stored_query_runs_by_name(client):
    r = client.get("/api/queries/claims-per-kind")
    rows = bindings(r)
    assert json.loads(r.content)["head"]["vars"] == [
        "doc", "kind", "label", "claims", "reportedClaims"
    ]
    assert rows and all(row["kind"]["type"] == "uri" for row in rows)
    r = client.get("/api/queries/claims-per-kind", headers={"Accept": "text/csv"})
    assert r.text.splitlines()[0] == "doc,kind,label,claims,reportedClaims"
    r = client.get("/api/queries/claims-per-kind", params={"format": "tsv"})
    assert r.headers["content-type"].startswith("text/tab-separated-values")


def test_a_stored_query_with_a_parameter(client):
    path = "/api/queries/sources-supporting-claim"
    r = client.get(path, params={"claim": "no-binding-agreement"})
    assert r.json()["head"]["vars"] == ["source", "role", "year", "title", "link"]
    same = client.get(path, params={"claim": CLAIM})
    by_default = client.get(path)
    assert r.content == same.content == by_default.content
    assert r.json()["results"]["bindings"], "the claim has supporting sources"
    claim = "claim:broken-promises-narrative/no-binding-agreement"
    r = client.get("/api/queries/claim-provenance", params={"claim": claim})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    subjects = {t.subject for t in ox.parse(r.content, format=ox.RdfFormat.TURTLE)}
    assert ox.NamedNode(CLAIM) in subjects
    error_of(client.get("/api/queries/claim-provenance", headers={"Accept": JSON}),
             406, "not-acceptable")


def test_an_unknown_stored_query_is_404_with_a_suggestion(client):
    r = client.get("/api/queries/sources-supporting-claims")
    message = error_of(r, 404, "unknown-query")
    assert "did you mean 'sources-supporting-claim'?" in message
    assert "/api/queries" in message


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"nope": "1"}, "no parameter 'nope'"),
        ({"claim": "not a slug!"}, "claim"),
        ({"claim": "no-such-claim-at-all"}, "there is no cg:Claim"),
        ({"claim": "http://example.org/x y"}, "claim"),
        ({"claim": ["no-binding-agreement", "no-binding-agreement"]}, "given twice"),
    ],
)
def test_bad_parameters_are_400(client, params, fragment):
    r = client.get("/api/queries/sources-supporting-claim", params=params)
    assert fragment in error_of(r, 400, "bad-parameter")


@pytest.mark.parametrize(
    "value",
    [
        "no-binding-agreement> } ; DROP ALL ; #",
        'x" . ?s ?p ?o #',
        "<urn:x> } UNION { ?s ?p ?o }",
        "claim:broken-promises-narrative/x> . ?s ?p ?o . #",
        "no-binding-agreement\n} SELECT * { ?s ?p ?o",
    ],
)
def test_a_parameter_cannot_inject_sparql(client, value):
    before = count(client)
    r = client.get("/api/queries/sources-supporting-claim", params={"claim": value})
    if r.status_code == 200:  # bound as one term: an empty answer, never more data
        assert r.json()["results"]["bindings"] == []
    else:
        error_of(r, 400, "bad-parameter")
    assert count(client) == before


# --- OpenAPI ----------------------------------------------------------------------------------


def test_openapi_is_valid_and_lists_every_stored_query(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    validate_openapi(doc)
    catalog = load_catalog()
    for name, q in catalog.items():
        op = doc["paths"][f"/api/queries/{name}"]["get"]
        assert op["summary"] == q.summary
        assert [p["name"] for p in op["parameters"]] == [p.name for p in q.params]
        for p in op["parameters"]:
            assert p["in"] == "query" and p["schema"]["type"] == "string"
        media = set(op["responses"]["200"]["content"])
        if q.form in ("SELECT", "ASK"):
            assert JSON in media and "text/csv" in media
        else:
            assert "text/turtle" in media
    assert {"/sparql", "/api/queries", "/health"} <= set(doc["paths"])


# --- an on-disk store -------------------------------------------------------------------------


def test_an_on_disk_store_answers_like_the_bundled_graphs(client, disk_store: Path):
    config = ServerConfig(store=disk_store, workers=1)  # made by load: serve creates no store
    with TestClient(create_app(config)) as on_disk:
        assert count(on_disk) == count(client)
        r = on_disk.post("/sparql", data={"update": "DROP ALL"})
        error_of(r, 403, "updates-disabled")


# --- CORS -------------------------------------------------------------------------------------


def test_cors_is_off_by_default(client):
    r = client.get("/health", headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_allows_exactly_the_given_origin():
    app = create_app(ServerConfig(cors="https://example.org"))
    c = TestClient(app)  # no lifespan: /health needs no worker
    r = c.get("/health", headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "https://example.org"
    r = c.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    preflight = {"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    assert c.options("/sparql", headers=preflight).status_code == 200
    r = c.options("/sparql", headers={**preflight, "Origin": "https://evil.example"})
    assert "origin" in error_of(r, 400, "cors-refused")


# --- negotiation and configuration, as functions ----------------------------------------------


def test_parse_accept_reads_q_values_and_drops_malformed_ones():
    assert parse_accept("text/csv;q=0.5, application/json, */*;q=x, bad") == [
        ("text", "csv", 0.5),
        ("application", "json", 1.0),
    ]


def test_negotiate_prefers_q_then_specificity_then_server_order():
    offers = {"json": ("application/sparql-results+json",), "csv": ("text/csv",)}
    assert negotiate(None, offers) == "json"
    assert negotiate("", offers) == "json"
    assert negotiate("text/csv, */*", offers) == "csv"
    assert negotiate("text/*;q=0.9, application/*;q=0.8", offers) == "csv"
    assert negotiate("text/csv;q=0, */*", offers) == "json"
    assert negotiate("image/png", offers) is None


def test_config_checks_options_and_warns_about_risky_ones(monkeypatch):
    assert ServerConfig().check() == []
    warnings = ServerConfig(host="0.0.0.0").check()
    assert any("not on a loopback address" in w for w in warnings)
    with pytest.raises(ClaimgraphError, match="needs a bearer token"):
        ServerConfig(allow_update=True).check()
    monkeypatch.setenv("CG_TEST_TOKEN", TOKEN)
    config = ServerConfig(allow_update=True, token_env="CG_TEST_TOKEN")
    assert config.check() == [] and config.update_token == TOKEN
    with pytest.raises(ClaimgraphError, match="not set"):
        ServerConfig(allow_update=True, token_env="CG_TEST_NO_SUCH_VAR").check()
    with pytest.raises(ClaimgraphError, match="origin"):
        ServerConfig(cors="https://example.org/path").check()
    with pytest.raises(ClaimgraphError, match="host name"):
        ServerConfig(allow_service=("http://example.org/sparql",)).check()


def test_cli_serve_validates_options_before_listening(runner, monkeypatch):
    r = runner.invoke(cli_app, ["serve", "--port", "70000"])
    assert r.exit_code == 2
    assert "claimgraph: error: --port must be between 0 and 65535" in r.output
    r = runner.invoke(cli_app, ["serve", "--allow-update"])
    assert r.exit_code == 2 and "bearer token" in r.output

    import claimgraph.endpoint.serve

    def stop(config):
        raise ClaimgraphError("stopped before listening")

    monkeypatch.setattr(claimgraph.endpoint.serve, "create_app", stop)
    r = runner.invoke(cli_app, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 2
    assert "claimgraph: warning: listening on 0.0.0.0, not on a loopback address" in r.output
