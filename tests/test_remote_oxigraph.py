"""The stored and ad-hoc queries give the same answers on an Oxigraph server as locally.

The bundled graphs are pushed to ``oxigraph serve --union-default-graph``; every stored query
then runs both ways and the results are compared as multisets of rows of RDF terms (CONSTRUCT:
as graphs), not as formatted text, so the test holds for whatever data is bundled.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

import pyoxigraph as ox
import pytest

from claimgraph import catalog, remote
from claimgraph.binding import bind_parameters
from claimgraph.cli import app
from claimgraph.remote.push import push_graphs
from claimgraph.sparql import QueryResult, drop_parameter_columns, execute
from claimgraph.store import graph_names

from .cli_runner import CliRunner
from .conftest import FakeServer, OxigraphServer

CATALOG = catalog.load_catalog()


@pytest.fixture(scope="module")
def pushed(oxigraph_server: OxigraphServer) -> OxigraphServer:
    """The server, holding exactly the bundled graphs."""
    from claimgraph.store import open_store

    push_graphs(open_store(), oxigraph_server.gsp, query_endpoint=oxigraph_server.query)
    return oxigraph_server


def _canonical(triples: Iterable[ox.Triple]) -> set[ox.Triple]:
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {q.triple for q in dataset}


def _key(term: object) -> str:
    return "_:b" if isinstance(term, ox.BlankNode) else repr(term)


def assert_same(local: QueryResult, remote_result: QueryResult) -> None:
    assert remote_result.form == local.form
    if local.form == "ASK":
        assert remote_result.boolean == local.boolean
    elif local.form == "SELECT":
        assert remote_result.variables == local.variables
        assert Counter(tuple(_key(t) for t in row) for row in remote_result.rows) == Counter(
            tuple(_key(t) for t in row) for row in local.rows
        )
        # terms are pyoxigraph terms, equal to the local ones (not strings)
        assert set(remote_result.rows) == set(local.rows) or any(
            isinstance(t, ox.BlankNode) for row in local.rows for t in row
        )
    else:
        assert _canonical(remote_result.triples) == _canonical(local.triples)


def _local(store: ox.Store, name: str, values: dict[str, str] | None = None) -> QueryResult:
    query = CATALOG.get_query(name)
    subs = bind_parameters(query, values or {}, store)
    return drop_parameter_columns(execute(store, query.text, substitutions=subs), query)


def _remote(
    server: OxigraphServer, name: str, values: dict[str, str] | None = None, *, check: bool = True
) -> QueryResult:
    executor = remote.RemoteExecutor(server.query) if check else None
    text, query = remote.prepare_stored_query(name, values, executor=executor)
    return drop_parameter_columns(remote.remote_execute(server.query, text), query)


@pytest.mark.parametrize("name", list(CATALOG))
def test_every_stored_query_gives_the_same_answer_remotely(
    name: str, pushed: OxigraphServer, bundled_store: ox.Store
) -> None:
    assert_same(_local(bundled_store, name), _remote(pushed, name))


def _instances(store: ox.Store, class_iri: str) -> list[str]:
    text = f"SELECT DISTINCT ?x WHERE {{ ?x a/rdfs:subClassOf* <{class_iri}> }} ORDER BY ?x"
    result = execute(store, text)
    return [row[0].value for row in result.rows if isinstance(row[0], ox.NamedNode)]


def test_parameterised_queries_agree_for_every_instance(
    pushed: OxigraphServer, bundled_store: ox.Store
) -> None:
    checked = 0
    for query in CATALOG.values():
        for p in query.params:
            if p.class_iri is None:
                continue
            others = {x.name: x.default for x in query.params if x.default}
            for iri in _instances(bundled_store, p.class_iri)[:6]:
                values = {k: v for k, v in others.items() if v is not None} | {p.name: f"<{iri}>"}
                assert_same(_local(bundled_store, query.name, values),
                            _remote(pushed, query.name, values))
                checked += 1
    if checked == 0:
        pytest.skip("no instances of any parameter class in the bundled data yet")


def test_a_value_naming_nothing_gives_nothing_remotely(pushed: OxigraphServer) -> None:
    for query in CATALOG.values():
        iri_params = [p for p in query.params if p.type == "iri"]
        if not iri_params:
            continue
        values = {iri_params[0].name: "<urn:claimgraph:nothing-here>"}
        result = _remote(pushed, query.name, values, check=False)
        assert len(result) == 0 or result.form == "ASK", query.name


# --- through the command line ----------------------------------------------------------------


def _bindings(output: bytes) -> Counter[str]:
    doc = json.loads(output)
    return Counter(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])


@pytest.mark.parametrize("name", [n for n, q in CATALOG.items() if q.form == "SELECT"])
def test_cli_query_endpoint_prints_what_the_local_query_prints(
    name: str, runner: CliRunner, pushed: OxigraphServer
) -> None:
    local = runner.invoke(app, ["query", name, "--format", "json"])
    there = runner.invoke(app, ["query", name, "--format", "json", "--endpoint", pushed.query])
    if local.exit_code != 0:  # e.g. a default parameter naming data not bundled: same error
        assert (there.exit_code, there.stderr) == (local.exit_code, local.stderr)
        return
    assert there.exit_code == 0, there.output
    assert json.loads(there.stdout_bytes)["head"] == json.loads(local.stdout_bytes)["head"]
    assert _bindings(there.stdout_bytes) == _bindings(local.stdout_bytes)


def test_a_parameter_naming_no_instance_fails_as_locally(
    runner: CliRunner, pushed: OxigraphServer
) -> None:
    for args in (["claims-by-actor", "-p", "actor=no-such-actor"],
                 ["claim-provenance", "-p", "claim=<urn:claimgraph:nothing>"]):
        local = runner.invoke(app, ["query", *args])
        there = runner.invoke(app, ["query", *args, "--endpoint", pushed.query])
        assert local.exit_code == 2
        assert (there.exit_code, there.stderr) == (local.exit_code, local.stderr)


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "xml"])
def test_every_result_format_works_remotely(
    fmt: str, runner: CliRunner, pushed: OxigraphServer
) -> None:
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    local = runner.invoke(app, ["query", "--sparql", text, "--format", fmt])
    there = runner.invoke(app, ["query", "--sparql", text, "--format", fmt,
                                "--endpoint", pushed.query])
    assert there.exit_code == 0, there.output
    assert there.stdout_bytes == local.stdout_bytes  # same rows, same order, same renderer


def test_ad_hoc_queries_get_the_default_prefixes(
    runner: CliRunner, pushed: OxigraphServer
) -> None:
    text = "SELECT ?class WHERE { ?class a owl:Class ; rdfs:label ?l } ORDER BY ?class"
    local = runner.invoke(app, ["query", "--sparql", text, "--format", "csv"])
    there = runner.invoke(app, ["query", "--sparql", text, "--format", "csv",
                                "--endpoint", pushed.query])
    assert local.exit_code == 0, local.output
    assert there.exit_code == 0, there.output
    assert there.stdout_bytes == local.stdout_bytes
    assert there.stdout.count("\n") > 1


def test_ad_hoc_ask_and_construct(runner: CliRunner, pushed: OxigraphServer,
                                  bundled_store: ox.Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ask = runner.invoke(app, ["query", "--sparql", "ASK { ?s a owl:Ontology }",
                              "--endpoint", pushed.query])
    assert (ask.exit_code, ask.stdout) == (0, "true\n")
    construct = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a owl:Class ; rdfs:label ?l }"
    file = tmp_path / "q.rq"
    file.write_text(construct, encoding="utf-8")
    there = runner.invoke(app, ["query", "--file", str(file), "--format", "ntriples",
                                "--endpoint", pushed.query])
    assert there.exit_code == 0, there.output
    got = {q.triple for q in ox.parse(there.stdout_bytes, format=ox.RdfFormat.N_TRIPLES)}
    assert got == set(execute(bundled_store, construct).triples)
    assert got


def test_the_remote_data_equals_the_local_data(pushed: OxigraphServer,
                                               bundled_store: ox.Store) -> None:
    for graph in graph_names(bundled_store):
        text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        there = remote.remote_execute(pushed.query, text)
        local = [q.triple for q in bundled_store.quads_for_pattern(
            None, None, None, ox.NamedNode(graph))]
        assert _canonical(there.triples) == _canonical(local)


def test_updates_are_not_sent(runner: CliRunner, fake_server) -> None:  # type: ignore[no-untyped-def]
    server: FakeServer = fake_server(200)
    for text in ("DROP ALL", "CLEAR DEFAULT", "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                 "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
                 "SELECT * " + "{" * 300 + "}" * 300):
        result = runner.invoke(app, ["query", "--sparql", text, "--endpoint", server.url])
        assert result.exit_code == 2, (text, result.output)
        assert result.stderr.startswith("claimgraph: error: ")
    assert server.requests == []


# --- failures ------------------------------------------------------------------------------


def _error_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_server_that_is_down(runner: CliRunner) -> None:
    from .conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    result = runner.invoke(app, ["query", "claims-per-kind", "--endpoint", url])
    assert _error_line(result) == (
        f"claimgraph: error: {url}: connection refused (is the server running?)"
    )


@pytest.mark.parametrize("status", [400, 401, 403, 404, 414, 500, 502, 503])
def test_a_server_answering_an_error(
    status: int, runner: CliRunner, fake_server  # type: ignore[no-untyped-def]
) -> None:
    body = b"\x07Something \x1b[1mbroke\x1b[0m: " + b"x" * 400 + b"\nsecond line"
    server: FakeServer = fake_server(status, body)
    result = runner.invoke(app, ["query", "--sparql", "ASK {}", "--endpoint", server.url + "/q"])
    line = _error_line(result)
    prefix = f"claimgraph: error: {server.url}/q: HTTP {status}: Something [1mbroke[0m: xxx"
    assert line.startswith(prefix)
    assert line.endswith("…")
    assert len(line) == len(f"claimgraph: error: {server.url}/q: HTTP {status}: ") + 200
    assert "\x1b" not in line and "\x07" not in line and "second" not in line


def test_an_html_error_page_is_reduced_to_its_first_line(
    runner: CliRunner, fake_server  # type: ignore[no-untyped-def]
) -> None:
    page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>x</body></html>"
    server: FakeServer = fake_server(502, page, "text/html")
    result = runner.invoke(app, ["query", "--sparql", "ASK {}", "--endpoint", server.url])
    assert _error_line(result) == f"claimgraph: error: {server.url}: HTTP 502: 502 Bad Gateway"


def test_a_server_error_with_no_text(runner: CliRunner, fake_server) -> None:  # type: ignore[no-untyped-def]
    server: FakeServer = fake_server(500, b"")
    result = runner.invoke(app, ["query", "--sparql", "ASK {}", "--endpoint", server.url])
    assert _error_line(result).startswith(f"claimgraph: error: {server.url}: HTTP 500")


def test_a_silent_server_times_out_quickly(runner: CliRunner, fake_server) -> None:  # type: ignore[no-untyped-def]
    import time

    server: FakeServer = fake_server(None)
    started = time.monotonic()
    result = runner.invoke(app, ["query", "claims-per-kind", "--endpoint", server.url,
                                 "--timeout", "0.5"])
    assert time.monotonic() - started < 5
    assert _error_line(result) == (
        f"claimgraph: error: {server.url}: no answer within 0.5 s (--timeout)"
    )


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"not json", "application/sparql-results+json", "not JSON"),
        (b'{"head": {}}', "application/sparql-results+json", "not SPARQL JSON results"),
        (b"<html>hello</html>", "text/html", "expected SPARQL JSON results"),
        (b'{"x":' * 5000 + b"1" + b"}" * 5000, "application/sparql-results+json",
         "nested too deeply"),
    ],
)
def test_an_answer_that_is_not_results(
    body: bytes, content_type: str, message: str, runner: CliRunner, fake_server  # type: ignore[no-untyped-def]
) -> None:
    server: FakeServer = fake_server(200, body, content_type)
    result = runner.invoke(app, ["query", "--sparql", "SELECT * {}", "--endpoint", server.url])
    assert message in _error_line(result)


def test_deeply_nested_quoted_triples_are_refused_not_parsed(fake_server) -> None:  # type: ignore[no-untyped-def]
    term = "<http://o>"
    for _ in range(20000):
        term = f"<<( <http://a> <http://p> {term} )>>"
    server: FakeServer = fake_server(200, f"<http://s> <http://p> {term} .\n".encode(),
                                     "application/n-triples")
    with pytest.raises(remote.RemoteError, match="too deeply"):
        remote.remote_execute(server.url, "CONSTRUCT WHERE { ?s ?p ?o }")


def test_a_bad_endpoint_url_is_bad_usage(runner: CliRunner) -> None:
    for url in ("ftp://example.org/q", "not a url", "http://u:secret@127.0.0.1/q"):
        result = runner.invoke(app, ["query", "--sparql", "ASK {}", "--endpoint", url])
        assert result.exit_code == 2, result.output
        assert "secret" not in result.stderr


def test_a_key_in_the_endpoint_query_string_is_not_shown(
    runner: CliRunner, fake_server  # type: ignore[no-untyped-def]
) -> None:
    server: FakeServer = fake_server(500, b"oops")
    result = runner.invoke(app, ["query", "--sparql", "ASK {}",
                                 "--endpoint", server.url + "/q?key=SECRET123"])
    assert _error_line(result) == f"claimgraph: error: {server.url}/q: HTTP 500: oops"
    assert "SECRET123" not in result.output
