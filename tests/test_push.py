"""``claimgraph push``: graphs go to a Graph Store Protocol endpoint, one PUT per named graph."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterable

import httpx
import pyoxigraph as ox
import pytest

from claimgraph.cli import app
from claimgraph.errors import ClaimgraphError
from claimgraph.remote import push as push_module
from claimgraph.remote import remote_count
from claimgraph.store import graph_names
from claimgraph.terms import ONTOLOGY_GRAPH, SHAPES_GRAPH

from .cli_runner import CliRunner
from .conftest import FakeServer, OxigraphServer


def _local_counts(store: ox.Store) -> dict[str, int]:
    return {
        g: sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        for g in graph_names(store)
    }


def _canonical(triples: Iterable[ox.Triple]) -> set[ox.Triple]:
    """Triples with canonical blank-node labels, so two loads of one graph compare equal."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {q.triple for q in dataset}


def _graph(store: ox.Store, graph: str) -> set[ox.Triple]:
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    return _canonical(q.triple for q in quads)


def _remote_counts(server: OxigraphServer) -> dict[str, int]:
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    r = httpx.post(server.query, data={"query": text},
                   headers={"Accept": "application/sparql-results+json"}, timeout=10)
    r.raise_for_status()
    return {
        b["g"]["value"]: int(b["n"]["value"]) for b in r.json()["results"]["bindings"]
    }


def _update(server: OxigraphServer, text: str) -> None:
    httpx.post(server.update, data={"update": text}, timeout=10).raise_for_status()


def _push(runner: CliRunner, *args: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["push", *args], **kwargs)  # type: ignore[arg-type]


def test_push_uploads_every_named_graph_and_reports_counts(
    runner: CliRunner, oxigraph_server: OxigraphServer, bundled_store: ox.Store
) -> None:
    _update(oxigraph_server, "DROP ALL")
    result = _push(runner, "--endpoint", oxigraph_server.gsp,
                   "--query-endpoint", oxigraph_server.query)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # messages go to stderr, stdout stays clean for pipes
    local = _local_counts(bundled_store)
    assert local, "the bundled store has named graphs"
    for graph, n in local.items():
        assert f"pushed {n} triples to <{graph}>" in result.stderr
        assert f"checked <{graph}>: the server has {n} triples (ok)" in result.stderr
    assert _remote_counts(oxigraph_server) == local


def test_pushing_twice_gives_the_same_remote_state(
    runner: CliRunner, oxigraph_server: OxigraphServer, bundled_store: ox.Store
) -> None:
    for _ in range(2):
        result = _push(runner, "--endpoint", oxigraph_server.gsp)
        assert result.exit_code == 0, result.output
    assert _remote_counts(oxigraph_server) == _local_counts(bundled_store)


def test_pushing_one_graph_leaves_the_others_untouched(
    runner: CliRunner, oxigraph_server: OxigraphServer, bundled_store: ox.Store
) -> None:
    local = _local_counts(bundled_store)
    assert _push(runner, "--endpoint", oxigraph_server.gsp).exit_code == 0
    # change the server behind our back: one extra triple in the ontology, shapes cleared
    _update(oxigraph_server, f"INSERT DATA {{ GRAPH <{ONTOLOGY_GRAPH}> "
                             "{ <urn:x:s> <urn:x:p> <urn:x:o> } }")
    _update(oxigraph_server, f"CLEAR GRAPH <{SHAPES_GRAPH}>")
    result = _push(runner, "--endpoint", oxigraph_server.gsp, "--graph", "cgg:shapes",
                   "--query-endpoint", oxigraph_server.query)
    assert result.exit_code == 0, result.output
    assert f"pushed {local[SHAPES_GRAPH]} triples to <{SHAPES_GRAPH}>" in result.stderr
    assert "ontology" not in result.stderr
    remote = _remote_counts(oxigraph_server)
    assert remote[SHAPES_GRAPH] == local[SHAPES_GRAPH]
    assert remote[ONTOLOGY_GRAPH] == local[ONTOLOGY_GRAPH] + 1  # not pushed, so not reset
    for graph in set(local) - {SHAPES_GRAPH, ONTOLOGY_GRAPH}:
        assert remote[graph] == local[graph]
    # and a full push puts everything back
    assert _push(runner, "--endpoint", oxigraph_server.gsp).exit_code == 0
    assert _remote_counts(oxigraph_server) == local


def test_push_from_an_on_disk_store(
    runner: CliRunner, oxigraph_server: OxigraphServer, disk_store, tmp_path  # type: ignore[no-untyped-def]
) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:x:a> <urn:x:b> 'one', 'two', 'three' .\n", encoding="utf-8")
    loaded = runner.invoke(app, ["load", "--store", str(disk_store), "--graph", "urn:x:extra",
                                 str(extra)])
    assert loaded.exit_code == 0, loaded.output
    result = _push(runner, "--endpoint", oxigraph_server.gsp, "--store", str(disk_store),
                   "--graph", "urn:x:extra", "--query-endpoint", oxigraph_server.query)
    assert result.exit_code == 0, result.output
    assert "pushed 3 triples to <urn:x:extra>" in result.stderr
    assert remote_count(oxigraph_server.query, "urn:x:extra") == 3


def test_an_unknown_graph_is_bad_usage(runner: CliRunner, oxigraph_server: OxigraphServer) -> None:
    result = _push(runner, "--endpoint", oxigraph_server.gsp, "--graph", "urn:x:nope")
    assert result.exit_code == 2
    assert "no named graph <urn:x:nope>" in result.stderr


def test_the_body_is_streamed_in_ntriples_chunks(bundled_store: ox.Store) -> None:
    graph = ONTOLOGY_GRAPH
    counter = push_module._Counter()
    chunks = push_module.ntriples_chunks(bundled_store, graph, counter, batch=50)
    assert not isinstance(chunks, bytes | bytearray)  # a generator, not one big body
    parts = list(chunks)
    expected = _local_counts(bundled_store)[graph]
    assert len(parts) == -(-expected // 50)
    assert counter.n == expected
    triples = [q.triple for part in parts for q in ox.parse(part, format=ox.RdfFormat.N_TRIPLES)]
    assert set(triples) == {q.triple for q in bundled_store.quads_for_pattern(
        None, None, None, ox.NamedNode(graph))}


def test_the_request_is_a_chunked_ntriples_put_per_graph(
    runner: CliRunner, fake_server, bundled_store: ox.Store  # type: ignore[no-untyped-def]
) -> None:
    server: FakeServer = fake_server(204)
    result = _push(runner, "--endpoint", server.url + "/ds/data?x=1")
    assert result.exit_code == 0, result.output
    graphs = graph_names(bundled_store)
    assert len(server.requests) == len(graphs)
    for request, graph in zip(server.requests, graphs, strict=True):
        headers = {k.lower(): v for k, v in request["headers"].items()}  # type: ignore[attr-defined]
        assert request["method"] == "PUT"
        assert request["path"] == str(httpx.URL("/ds/data?x=1").copy_merge_params({"graph": graph}))
        assert headers["content-type"] == "application/n-triples"
        assert headers.get("transfer-encoding") == "chunked"
        body = request["body"]
        assert isinstance(body, bytes)
        got = _canonical(q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        assert got == _graph(bundled_store, graph)


# --- secrets -------------------------------------------------------------------------------


def _auth_headers(server: FakeServer) -> set[str]:
    return {
        {k.lower(): v for k, v in r["headers"].items()}.get("authorization", "")  # type: ignore[attr-defined]
        for r in server.requests
    }


def test_a_token_comes_from_the_environment_and_is_never_shown(
    runner: CliRunner, fake_server, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    server: FakeServer = fake_server(204)
    monkeypatch.setenv("CG_TEST_TOKEN", "s3cret-token")
    result = _push(runner, "--endpoint", server.url + "/store", "--graph", "cgg:ontology",
                   "--token-env", "CG_TEST_TOKEN")
    assert result.exit_code == 0, result.output
    assert _auth_headers(server) == {"Bearer s3cret-token"}
    assert "s3cret" not in result.output


def test_a_password_comes_from_the_environment(
    runner: CliRunner, fake_server, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    server: FakeServer = fake_server(204)
    monkeypatch.setenv("CG_TEST_PASSWORD", "pa55word")
    result = _push(runner, "--endpoint", server.url + "/store", "--graph", "cgg:ontology",
                   "--user", "alice", "--password-env", "CG_TEST_PASSWORD")
    assert result.exit_code == 0, result.output
    assert _auth_headers(server) == {"Basic " + base64.b64encode(b"alice:pa55word").decode()}
    assert "pa55word" not in result.output


def test_a_password_is_asked_for_without_echo(
    runner: CliRunner, fake_server  # type: ignore[no-untyped-def]
) -> None:
    server: FakeServer = fake_server(204)
    result = _push(runner, "--endpoint", server.url + "/store", "--graph", "cgg:ontology",
                   "--user", "bob", input="typed-secret\n")
    assert result.exit_code == 0, result.output
    assert _auth_headers(server) == {"Basic " + base64.b64encode(b"bob:typed-secret").decode()}
    assert "Password for bob" in result.output
    assert "typed-secret" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--token-env", "CG_TEST_UNSET_VAR"], "CG_TEST_UNSET_VAR: that environment variable"),
        (["--password-env", "CG_TEST_UNSET_VAR"], "--password-env needs --user"),
        (["--user", "a", "--token-env", "X"], "not both"),
    ],
)
def test_bad_secret_options_are_bad_usage(
    runner: CliRunner, fake_server, args: list[str], message: str  # type: ignore[no-untyped-def]
) -> None:
    server: FakeServer = fake_server(204)
    result = _push(runner, "--endpoint", server.url + "/store", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert server.requests == []


def test_credentials_in_the_url_are_refused(runner: CliRunner) -> None:
    result = _push(runner, "--endpoint", "http://alice:pw@127.0.0.1:9/store")
    assert result.exit_code == 2
    assert "pw" not in result.stderr.replace("password", "")
    assert "must not carry credentials" in result.stderr


def test_credentials_resolution_without_a_terminal_fails_cleanly() -> None:
    with pytest.raises(ClaimgraphError, match="--password-env"):
        push_module.resolve_credentials(user="alice", prompt=None)
    assert "alice" not in repr(push_module.resolve_credentials(user="alice", prompt=lambda _: "x"))


# --- failures ------------------------------------------------------------------------------


def _one_error_line(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("claimgraph: error: "), result.stderr
    assert "Traceback" not in result.output
    errors = [line for line in lines if line.startswith("claimgraph: error:")]
    assert len(errors) == 1
    return lines[-1]


def test_an_unreachable_server_exits_3(runner: CliRunner) -> None:
    from .conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/store"
    result = _push(runner, "--endpoint", url)
    assert result.exit_code == 3
    assert _one_error_line(result) == (
        f"claimgraph: error: {url}: connection refused (is the server running?)"
    )


def test_a_server_error_exits_3_with_the_first_line_of_its_text(
    runner: CliRunner, fake_server  # type: ignore[no-untyped-def]
) -> None:
    server: FakeServer = fake_server(500, b"\x1b[31mdisk full\x1b[0m\nsecond line\n")
    result = _push(runner, "--endpoint", server.url + "/store")
    assert result.exit_code == 3
    line = _one_error_line(result)
    assert line.startswith(f"claimgraph: error: {server.url}/store: HTTP 500: [31mdisk full[0m")
    assert "\x1b" not in line and "second line" not in line
    assert "(while pushing <" in line


def test_a_silent_server_times_out_quickly_with_exit_3(
    runner: CliRunner, fake_server  # type: ignore[no-untyped-def]
) -> None:
    server: FakeServer = fake_server(None)
    started = time.monotonic()
    result = _push(runner, "--endpoint", server.url + "/store", "--timeout", "0.5")
    assert time.monotonic() - started < 5
    assert result.exit_code == 3
    assert "no answer within 0.5 s (--timeout)" in _one_error_line(result)


def test_a_count_that_differs_after_the_push_exits_1(
    runner: CliRunner, fake_server  # type: ignore[no-untyped-def]
) -> None:
    gsp: FakeServer = fake_server(204)
    zero = (b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"0",'
            b'"datatype":"http://www.w3.org/2001/XMLSchema#integer"}}]}}')
    sparql: FakeServer = fake_server(200, zero, "application/sparql-results+json")
    result = _push(runner, "--endpoint", gsp.url + "/store", "--graph", "cgg:ontology",
                   "--query-endpoint", sparql.url + "/query")
    assert result.exit_code == 1
    assert "MISMATCH" in result.stderr
    line = _one_error_line(result)
    assert "1 graph(s) differ on the server after the push" in line
    assert f"<{ONTOLOGY_GRAPH}> has 0 triples" in line


def test_a_key_in_the_endpoint_query_string_is_not_shown(
    runner: CliRunner, fake_server  # type: ignore[no-untyped-def]
) -> None:
    server: FakeServer = fake_server(503, b"maintenance")
    result = _push(runner, "--endpoint", server.url + "/store?key=SECRET123")
    assert result.exit_code == 3
    line = _one_error_line(result)
    assert line.startswith(f"claimgraph: error: {server.url}/store: HTTP 503: maintenance")
    assert "SECRET123" not in result.output
    assert server.requests[0]["path"].startswith("/store?key=SECRET123&graph=")  # type: ignore[union-attr]
