"""The queries that walked past 0.1's guard, and their relatives, on the CLI and the endpoint.

Every SERVICE or LOAD here targets a TCP listener on 127.0.0.1 that must never see a connection.
The CLI path runs in this process (no network block), so there the guard alone must hold; the
endpoint must refuse with the JSON error shape before a worker runs anything.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from claimgraph.cli import app as cli_app
from claimgraph.endpoint import ServerConfig, create_app
from claimgraph.errors import QueryRefused
from claimgraph.guard import guard_query

from ._listener import Listener, listening

TOKEN = "guard-regression-token-0123456789"

#: The three texts from issue 8 ({url} is the listener).
LESS_THAN_HIDES_SERVICE = (
    "SELECT ?x WHERE { OPTIONAL { FILTER(0<1)?s?p'>' } SERVICE <{url}> { ?x ?y ?z } } #'"
)
ESCAPE_IN_PREFIXED_NAME_HIDES_SERVICE = (
    "SELECT * WHERE { BIND(actor:x\\# AS ?a) SERVICE <{url}> { ?x ?p ?s } }"
)
LESS_THAN_HIDES_DEPTH = "SELECT * WHERE { FILTER(1<" + "(" * 5000 + "1" + ")" * 5000 + "&&2>1) }"

#: Found while fixing it: pyoxigraph reads the keyword right after a number or a boolean.
GLUED_AFTER_NUMBER = "SELECT * WHERE { ?a ?b 1SERVICE <{url}> { ?x ?y ?z } }"
GLUED_AFTER_TRUE = "SELECT * WHERE { ?a ?b trueSERVICE<{url}>{ ?x ?y ?z } }"
GLUED_PREFIXED_NAME = "PREFIX e: <{url}> SELECT * WHERE { SERVICEe:x { ?x ?y ?z } }"
ESCAPED_KEYWORD = "SELECT * WHERE { \\u0053ERVICE <{url}> { ?x ?y ?z } }"
#: No bracket at all, yet 10,000 levels deep for the parser (it segfaults at ~6,900).
OPERATOR_CHAIN = "ASK { FILTER(1" + "+1" * 10000 + ") }"
#: 900 nested FILTER EXISTS: fewer braces than 0.1's cap on total brackets, deep enough to crash.
EXISTS_HIDDEN_BY_STRINGS = (
    "ASK { " + "FILTER EXISTS { ?s ?p '}}}}' " * 900 + "}" * 900 + " }"
)

SERVICE_TEXTS = [
    LESS_THAN_HIDES_SERVICE,
    ESCAPE_IN_PREFIXED_NAME_HIDES_SERVICE,
    GLUED_AFTER_NUMBER,
    GLUED_AFTER_TRUE,
    GLUED_PREFIXED_NAME,
    ESCAPED_KEYWORD,
]
SERVICE_IDS = [
    "less-than", "escape-in-name", "after-number", "after-true", "glued-name", "u-escape"
]
#: Function calls cost the parser five times a plain bracket; the strings hide every level.
CALLS_HIDDEN_BY_STRINGS = "ASK { FILTER(" + "STR(CONCAT(')))'," * 500 + "'a'" + "))" * 500 + ") }"
DEPTH_TEXTS = [
    LESS_THAN_HIDES_DEPTH, OPERATOR_CHAIN, EXISTS_HIDDEN_BY_STRINGS, CALLS_HIDDEN_BY_STRINGS
]
DEPTH_IDS = ["less-than-depth", "operator-chain", "exists-behind-strings", "calls-behind-strings"]


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with listening() as found:
        yield found


@pytest.fixture(scope="module")
def endpoint() -> Iterator[TestClient]:
    config = ServerConfig(allow_update=True, token=TOKEN, workers=1, timeout=10.0)
    with TestClient(create_app(config), base_url="http://localhost:7878") as client:
        yield client


def one_cli_error(result: object, code: int) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("claimgraph: error: "), lines
    return str(lines[0])


def refused_by_endpoint(response: object) -> str:
    assert response.status_code == 400, response.text  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert set(error) == {"status", "code", "message"}
    assert error["code"] == "query-refused"
    return str(error["message"])


@pytest.mark.parametrize("template", SERVICE_TEXTS, ids=SERVICE_IDS)
def test_service_hidden_from_a_lexer_is_refused_on_the_cli(runner, listener, template):
    text = template.replace("{url}", listener.url)
    result = runner.invoke(cli_app, ["query", "--sparql", text], env={"CLAIMGRAPH_STORE": None})
    assert "SERVICE" in one_cli_error(result, 2)
    assert listener.connections == 0


@pytest.mark.parametrize("template", SERVICE_TEXTS, ids=SERVICE_IDS)
def test_service_hidden_from_a_lexer_is_refused_by_the_endpoint(endpoint, listener, template):
    text = template.replace("{url}", listener.url)
    assert "SERVICE" in refused_by_endpoint(endpoint.get("/sparql", params={"query": text}))
    assert "SERVICE" in refused_by_endpoint(
        endpoint.post("/sparql", content=text.encode(),
                      headers={"Content-Type": "application/sparql-query"})
    )
    assert listener.connections == 0


@pytest.mark.parametrize(
    "template",
    [
        "INSERT DATA { <urn:a> <urn:b> 1 } ;LOAD <{url}>",
        "INSERT DATA { <urn:a> <urn:b> 'x\\'' } ; LOAD SILENT <{url}> INTO GRAPH <urn:g>",
        "DELETE WHERE { ?s ?p ?o FILTER(1<2) } ; LOAD <{url}> # '>'",
    ],
    ids=["glued", "escaped-quote", "less-than"],
)
def test_load_hidden_from_a_lexer_is_refused_by_the_endpoint(endpoint, listener, template):
    text = template.replace("{url}", listener.url)
    headers = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"}
    assert "LOAD" in refused_by_endpoint(endpoint.post("/sparql", content=text.encode(),
                                                       headers=headers))
    assert listener.connections == 0


@pytest.mark.parametrize("text", DEPTH_TEXTS, ids=DEPTH_IDS)
def test_nesting_hidden_from_a_lexer_does_not_crash_the_cli(text):
    """A separate process: were the parser to see this, it would segfault, not fail a test."""
    done = subprocess.run(
        [sys.executable, "-m", "claimgraph", "query", "--sparql", text],
        capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert done.stderr.startswith("claimgraph: error: ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("text", DEPTH_TEXTS, ids=DEPTH_IDS)
def test_nesting_hidden_from_a_lexer_is_refused_by_the_endpoint(endpoint, text):
    message = refused_by_endpoint(endpoint.post(
        "/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-query"}
    ))
    assert "deep" in message or "brackets and operators" in message
    assert endpoint.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_pyoxigraph_does_not_decode_escapes_in_keywords(listener):
    """What the decoded-spelling check guards against if a later parser does (SPARQL 1.1 says
    escapes are decoded before parsing): pyoxigraph 0.5.13 rejects the escaped keyword."""
    with pytest.raises(SyntaxError):
        ox.Store().query(ESCAPED_KEYWORD.replace("{url}", listener.url))
    assert listener.connections == 0
    with pytest.raises(QueryRefused, match="SERVICE"):
        guard_query(ESCAPED_KEYWORD.replace("{url}", listener.url))


@pytest.mark.parametrize(
    "iri",
    [
        "http://evil\\u002F@ok.example/",
        "http://evil@ok.example/",
        "http://ok.example\\u002F",
        "//ok.example/",
        "ok",
        "ftp://ok.example/",
        "http://ok.example.evil/",
        "http://ok%2Eexample/",
    ],
)
def test_service_iri_that_may_not_go_where_it_says_is_refused(iri):
    text = f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryRefused):
        guard_query(text, allow_service=["ok.example"])


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://ok.example/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT\n<https://OK.example:8443/q?x=1#f> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE<http://ok.example/>{ ?s ?p ?o } }",
    ],
)
def test_service_to_an_allowed_host_written_plainly_passes(text):
    guard_query(text, allow_service=["ok.example"])


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE # comment\n <http://ok.example/> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
        "PREFIX e: <http://ok.example/> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <http://ok.example/services> { ?s ?p ?o } }",
    ],
    ids=["comment-between", "variable", "prefixed-name", "word-inside-the-iri"],
)
def test_service_target_that_is_not_a_plain_iri_is_refused_even_for_an_allowed_host(text):
    with pytest.raises(QueryRefused, match="without a plain"):
        guard_query(text, allow_service=["ok.example"])


def test_refusal_of_the_word_in_a_literal_says_why_and_how():
    with pytest.raises(QueryRefused) as info:
        guard_query("SELECT * WHERE { ?s ?p 'customer service' }")
    message = str(info.value)
    assert "even inside a string" in message and "--allow-service" in message


def test_ordinary_deep_but_legal_queries_still_pass():
    braces = "{ " * 150 + "}" * 150
    guard_query("ASK { " + braces + " FILTER(" + "(" * 250 + "1" + ")" * 250 + ") }")


def test_the_word_load_in_a_query_is_harmless_and_passes(listener):
    # LOAD is an update operation: the query grammar cannot parse it, so a query naming a
    # ".../download" IRI is not refused, and a LOAD sent as a query never reaches out.
    guard_query("SELECT * WHERE { ?s ?p <http://example.org/download> }")
    with pytest.raises(SyntaxError):
        ox.Store().query(f"LOAD <{listener.url}>")
    assert listener.connections == 0


def test_the_word_load_in_an_update_is_still_refused():
    with pytest.raises(QueryRefused, match="LOAD"):
        guard_query("INSERT DATA { <urn:a> <urn:b> <http://example.org/download> }", update=True)
