"""Remote parameter binding is as safe as local binding.

Locally a value is bound with pyoxigraph's ``substitutions``; remotely it becomes one row of a
``VALUES`` block. These tests check that a hostile value is either refused before any request is
sent, or arrives as exactly one RDF term: the server's data stays complete and the answer is
the local answer (never wider).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from claimgraph import api, remote
from claimgraph.catalog import load_catalog
from claimgraph.cli import app
from claimgraph.errors import ParameterError
from claimgraph.remote.push import push_graphs
from claimgraph.sparql import execute
from claimgraph.store import graph_names, open_store

from .cli_runner import CliRunner
from .conftest import FakeServer, OxigraphServer

XSD = "http://www.w3.org/2001/XMLSchema#"

HOSTILE_STRINGS = [
    "x> } ; DROP ALL ; #",
    '"}) . ?s ?p ?o #',
    '" } UNION { ?s ?p ?o } #',
    "' } UNION { ?s ?p ?o } #",
    '"""',
    "'''",
    "\\",
    '\\"',
    "\\u0022 } ; DROP ALL ; #",
    "line one\nline two",
    "carriage\rreturn",
    "tab\tand\x00nul\x1bescape",
    "} } } ; CLEAR ALL",
    "# a comment\n} ; DROP ALL",
    "ünïcödé \u2028 \u202e right-to-left",
    "",
]

HOSTILE_IRIS = [
    "x> } ; DROP ALL ; #",
    "<urn:a> } ; DROP ALL ; #",
    '"}) . ?s ?p ?o #',
    "http://example.org/with space",
    'http://example.org/"quote"',
    "http://example.org/new\nline",
    "http://example.org/a>b",
    "http://example.org/{x}",
    "http://example.org/back\\slash",
    "urn:x:a> ?p ?o } UNION { ?s ?p ?o",
    "claim:broken-promises-narrative/x> } ; DROP ALL ; #",
    "no-binding agreement",
]

CATALOG_FILES = {
    "by-text.rq": (
        "#+ summary: What has a given string value\n"
        "#+ param: text: string the value\n"
        "SELECT ?text ?node ?p WHERE { ?node ?p ?text }\n"
    ),
    "by-node.rq": (
        "#+ summary: Everything said about a node\n"
        "#+ param: node: iri the node\n"
        "SELECT ?node ?p ?o WHERE { ?node ?p ?o }\n"
    ),
    "graph-of-node.rq": (
        "#+ summary: The triples of a node, as a graph\n"
        "#+ param: node: iri the node\n"
        "CONSTRUCT { ?node ?p ?o } WHERE { ?node ?p ?o }\n"
    ),
    "has-text.rq": (
        "#+ summary: Whether a string value exists\n"
        "#+ param: text: string the value\n"
        "ASK { ?node ?p ?text }\n"
    ),
    "by-year.rq": (
        "#+ summary: What has a given year\n"
        "#+ param: year: year the year\n"
        "SELECT ?year ?s WHERE { ?s ?p ?year }\n"
    ),
}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return open_store()


@pytest.fixture(scope="module")
def pushed(oxigraph_server: OxigraphServer, store: ox.Store) -> OxigraphServer:
    push_graphs(store, oxigraph_server.gsp, query_endpoint=oxigraph_server.query)
    return oxigraph_server


@pytest.fixture(scope="module")
def catalog_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("catalog")
    for name, text in CATALOG_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _remote_counts(server: OxigraphServer) -> dict[str, int]:
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    result = remote.remote_execute(server.query, text)
    return {row[0].value: int(row[1].value) for row in result.rows}  # type: ignore[union-attr]


def _local_counts(store: ox.Store) -> dict[str, int]:
    return {
        g: sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        for g in graph_names(store)
    }


# --- the VALUES block itself ----------------------------------------------------------------


def _literals() -> list[ox.Literal]:
    out = [ox.Literal(s) for s in HOSTILE_STRINGS]
    out += [ox.Literal(s, language="en") for s in HOSTILE_STRINGS[:4]]
    out += [ox.Literal("2020", datatype=ox.NamedNode(XSD + "gYear"))]
    return out


@pytest.mark.parametrize("term", _literals(), ids=repr)
def test_a_hostile_literal_reads_back_as_exactly_itself(term: ox.Literal) -> None:
    text = remote.inject_values("SELECT ?v WHERE { }", {ox.Variable("v"): term})
    rows = list(ox.Store().query(text))  # type: ignore[arg-type]
    assert len(rows) == 1
    assert rows[0]["v"] == term  # type: ignore[index]


@pytest.mark.parametrize("term", _literals(), ids=repr)
def test_a_hostile_literal_reaches_the_server_as_exactly_itself(
    term: ox.Literal, pushed: OxigraphServer
) -> None:
    text = remote.inject_values("SELECT ?v WHERE { }", {ox.Variable("v"): term})
    result = remote.remote_execute(pushed.query, text)
    assert result.rows == [(term,)]


def test_several_parameters_share_one_values_row() -> None:
    subs = {ox.Variable("a"): ox.NamedNode("urn:x:a"), ox.Variable("b"): ox.Literal('"')}
    text = remote.inject_values("SELECT ?a ?b WHERE { }", subs)
    assert 'VALUES (?a ?b) { (<urn:x:a> "\\"") }' in text
    (row,) = ox.Store().query(text)  # type: ignore[misc]
    assert (row["a"], row["b"]) == (subs[ox.Variable("a")], subs[ox.Variable("b")])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE { VALUES"),
        ("SELECT ?x { ?x ?p ?o }", "SELECT ?x { VALUES"),
        ("# { not this\nSELECT ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE { VALUES"),
        ('SELECT ?x ("{" AS ?b) WHERE { ?x ?p ?o }', 'AS ?b) WHERE { VALUES'),
        ("SELECT (EXISTS { ?a ?b ?c } AS ?e) ?x WHERE { ?x ?p ?o }", "?x WHERE { VALUES"),
        ("SELECT ?x FROM <urn:g> WHERE { ?x ?p ?o }", "<urn:g> WHERE { VALUES"),
        ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "} WHERE { VALUES"),
        ("CONSTRUCT { ?x ?p [ ?q ?o ] } { ?x ?p ?o }", "] } { VALUES"),
        ("ASK { ?x ?p ?o }", "ASK { VALUES"),
        ("DESCRIBE ?x WHERE { ?x ?p ?o }", "DESCRIBE ?x WHERE { VALUES"),
        ("PREFIX a: <urn:a#> SELECT ?x WHERE { ?x a:p '}{' }", "SELECT ?x WHERE { VALUES"),
        ("SELECT ?x WHERE { { SELECT ?x { ?x ?p ?o } } }", "SELECT ?x WHERE { VALUES"),
    ],
)
def test_values_goes_into_the_outermost_where_group(query: str, expected: str) -> None:
    text = remote.inject_values(query, {ox.Variable("x"): ox.NamedNode("urn:x:a")})
    assert expected in text
    execute(ox.Store(), text)  # still parses


def test_a_short_form_construct_cannot_be_bound() -> None:
    with pytest.raises(ParameterError, match="short-form"):
        remote.inject_values(
            "CONSTRUCT WHERE { ?x ?p ?o }", {ox.Variable("x"): ox.NamedNode("urn:x")}
        )


def test_an_iri_with_forbidden_characters_is_never_written() -> None:
    for iri in ("urn:x:a", "http://example.org/é"):
        assert remote.term_text(ox.NamedNode(iri)) == f"<{iri}>"
    for bad in ("http://example.org/a b", "http://example.org/a>b", "http://example.org/{x}"):
        with pytest.raises(ValueError):
            remote.term_text(ox.NamedNode(bad))  # pyoxigraph or our check refuses it


def test_default_prefixes_are_added_on_the_first_line_only_when_missing() -> None:
    text = 'PREFIX cg: <urn:mine#>\nSELECT * WHERE {\n ?s a cg:Claim ; rdfs:label "owl:x" }'
    out = remote.with_default_prefixes(text)
    assert out.count("\n") == text.count("\n")  # error line numbers stay right
    assert out.startswith(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX cg: <urn:mine#>"
    )
    assert "PREFIX owl:" not in out  # only in a string
    assert remote.with_default_prefixes("ASK { <urn:x:a> ?p ?o }") == "ASK { <urn:x:a> ?p ?o }"


# --- hostile values on the command line -------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE_IRIS)
def test_a_hostile_iri_parameter_is_refused_before_any_request(
    value: str, runner: CliRunner, fake_server  # type: ignore[no-untyped-def]
) -> None:
    server: FakeServer = fake_server(200)
    result = runner.invoke(app, ["query", "claim-provenance", "-p", f"claim={value}",
                                 "--endpoint", server.url])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("claimgraph: error: parameter 'claim'")
    assert server.requests == []


@pytest.mark.parametrize("value", HOSTILE_IRIS)
def test_a_hostile_iri_parameter_changes_nothing_on_the_server(
    value: str, runner: CliRunner, pushed: OxigraphServer, store: ox.Store
) -> None:
    for name in ("claim-provenance", "claims-by-actor", "sources-supporting-claim"):
        param = load_catalog()[name].params[0].name
        result = runner.invoke(app, ["query", name, "-p", f"{param}={value}",
                                     "--endpoint", pushed.query])
        assert result.exit_code == 2, result.output
    assert _remote_counts(pushed) == _local_counts(store)


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
@pytest.mark.parametrize("name", ["by-text", "has-text"])
def test_a_hostile_string_parameter_gives_the_local_answer(
    value: str, name: str, pushed: OxigraphServer, store: ox.Store, catalog_dir: Path
) -> None:
    catalog = load_catalog(catalog_dir)
    local = api.run_query(store, name=name, params={"text": value}, fmt="json", catalog=catalog)
    there = remote.run_remote_query(pushed.query, name=name, params={"text": value}, fmt="json",
                                    catalog=catalog)
    assert there == local
    assert b'"bindings": []' in local or b'"boolean": false' in local  # nothing matches
    assert _remote_counts(pushed) == _local_counts(store)


def test_a_real_string_value_matches_the_same_rows_remotely(
    pushed: OxigraphServer, store: ox.Store, catalog_dir: Path
) -> None:
    plain = [
        q.object for q in store.quads_for_pattern(None, None, None, None)
        if isinstance(q.object, ox.Literal) and q.object.datatype.value == XSD + "string"
        and not q.object.language
    ]
    assert plain, "the bundled graphs hold plain strings"
    catalog = load_catalog(catalog_dir)
    for literal in sorted(set(plain), key=str)[:5]:
        params = {"text": literal.value}
        local = api.run_query(store, name="by-text", params=params, fmt="csv", catalog=catalog)
        there = remote.run_remote_query(pushed.query, name="by-text", params=params, fmt="csv",
                                        catalog=catalog)
        assert sorted(there.splitlines()) == sorted(local.splitlines())
        assert len(local.splitlines()) > 1


def test_an_iri_parameter_without_a_class_binds_exactly(
    pushed: OxigraphServer, store: ox.Store, catalog_dir: Path
) -> None:
    catalog = load_catalog(catalog_dir)
    node = sorted(graph_names(store))[0]
    subject = next(iter(store.quads_for_pattern(None, None, None, ox.NamedNode(node)))).subject
    assert isinstance(subject, ox.NamedNode)
    for name, fmt in (("by-node", "csv"), ("graph-of-node", "ntriples")):
        params = {"node": f"<{subject.value}>"}
        local = api.run_query(store, name=name, params=params, fmt=fmt, catalog=catalog)
        there = remote.run_remote_query(pushed.query, name=name, params=params, fmt=fmt,
                                        catalog=catalog)
        assert sorted(there.splitlines()) == sorted(local.splitlines())
        assert local


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "2020 } ; DROP ALL"}, "must be a year"),
        ({"year": "2020", "extra": "1"}, "has no parameter 'extra'"),
        ({}, "needs parameter 'year'"),
    ],
)
def test_parameter_errors_are_the_local_ones(
    params: dict[str, str], message: str, fake_server, catalog_dir: Path  # type: ignore[no-untyped-def]
) -> None:
    server: FakeServer = fake_server(200)
    catalog = load_catalog(catalog_dir)
    with pytest.raises(ParameterError, match=message):
        remote.run_remote_query(server.url, name="by-year", params=params, catalog=catalog)
    assert server.requests == []


def test_what_is_sent_is_one_urlencoded_post(fake_server) -> None:  # type: ignore[no-untyped-def]
    answer = b'{"head":{"vars":["claim","source"]},"results":{"bindings":[]}}'
    server: FakeServer = fake_server(200, answer, "application/sparql-results+json")
    out = remote.run_remote_query(server.url + "/sparql", name="sources-supporting-claim",
                                  params={"claim": "claim:doc/ok"}, fmt="json",
                                  check_instances=False)
    assert out == b'{"head": {"vars": ["source"]}, "results": {"bindings": []}}'
    (request,) = server.requests
    assert request["method"] == "POST"
    headers = {k.lower(): v for k, v in request["headers"].items()}  # type: ignore[attr-defined]
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["accept"] == "application/sparql-results+json"
    body = request["body"]
    assert isinstance(body, bytes)
    sent = httpx.QueryParams(body.decode())
    assert list(sent.keys()) == ["query"]
    iri = "https://w3id.org/claimgraph/id/doc/doc/claim/ok"
    # the engine sees a constant where ?claim stood, and the projected ?claim keeps its value
    query = " ".join(sent["query"].split())
    assert f"<{iri}> ?property ?source" in query and "?claim ?property" not in query
    assert f"BIND(<{iri}> AS ?claim)" in query and "VALUES (?claim)" not in query
