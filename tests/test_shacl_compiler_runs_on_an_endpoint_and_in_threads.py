"""The compiled checks run anywhere a SELECT runs: on a real ``oxigraph serve`` through
claimgraph's RemoteExecutor (the data stays on the server: one query per check, scoped with
FROM), and in any number of threads locally, with the same report as pyshacl's."""

from __future__ import annotations

import pyoxigraph as ox

from claimgraph import RemoteExecutor
from claimgraph.remote.push import push_graphs
from claimgraph.shacl import StoreRows, compile_shapes, run_checks, validate_executor
from claimgraph.shacl import validate_store as compiled_validate_store
from claimgraph.store import open_store
from claimgraph.terms import SHAPES_GRAPH
from claimgraph.validate import validate_store as pyshacl_validate_store

from .conftest import OxigraphServer


class Counting:
    """A RemoteExecutor that counts the requests it sends."""

    def __init__(self, inner: RemoteExecutor) -> None:
        self.inner = inner
        self.sent = 0

    def query(self, text, **kwargs):  # type: ignore[no-untyped-def]
        self.sent += 1
        return self.inner.query(text, **kwargs)


def _with_a_fault(store: ox.Store) -> ox.Store:
    """The bundled graphs with one claim's document link removed, so there is a violation."""
    claim = next(
        q.subject
        for q in store.quads_for_pattern(
            None, ox.NamedNode("https://w3id.org/claimgraph/ontology#statedIn"), None, None
        )
    )
    for q in list(
        store.quads_for_pattern(
            claim, ox.NamedNode("https://w3id.org/claimgraph/ontology#statedIn"), None, None
        )
    ):
        store.remove(q)
    return store


def test_an_endpoint_gives_the_local_report(oxigraph_server: OxigraphServer):
    store = _with_a_fault(open_store())
    push_graphs(store, oxigraph_server.gsp, query_endpoint=oxigraph_server.query)
    remote = Counting(RemoteExecutor(oxigraph_server.query, timeout=30))
    report = validate_executor(remote)  # type: ignore[arg-type]
    expected = pyshacl_validate_store(store)
    assert not expected.conforms
    assert report.results == expected.results
    assert report.to_text() == expected.to_text()
    shapes = list(store.quads_for_pattern(None, None, None, ox.NamedNode(SHAPES_GRAPH)))
    checks = len(compile_shapes(shapes).checks)
    # the shapes, the graph list, the draft nodes (the missing cg:statedIn is a missing value,
    # which the shapes' draft profile lowers on a draft node), the labels
    assert remote.sent == checks + 4


def test_threads_change_nothing_but_time(bundled_store):
    store = _with_a_fault(open_store())
    one = compiled_validate_store(store, threads=1)
    four = compiled_validate_store(store, threads=4)
    assert one.results == four.results and not one.conforms


def test_each_query_names_its_shape_and_runs_alone(bundled_store):
    shapes = list(bundled_store.quads_for_pattern(None, None, None, ox.NamedNode(SHAPES_GRAPH)))
    compiled = compile_shapes(shapes)
    rows = StoreRows(bundled_store)
    for check in compiled.checks:
        assert check.text.lstrip().startswith(("PREFIX", "SELECT"))
        run_checks(type(compiled)(checks=[check]), rows, threads=1)


def test_the_cli_validates_an_endpoint(oxigraph_server: OxigraphServer, runner):
    from claimgraph.cli import app

    store = open_store()  # the same graphs as the first test pushed (it removed one link)
    expected = pyshacl_validate_store(_with_a_fault(store))
    push_graphs(store, oxigraph_server.gsp, query_endpoint=oxigraph_server.query)
    env = {"CLAIMGRAPH_STORE": None, "CLAIMGRAPH_TEXTS": None, "CLAIMGRAPH_ESSAY": None}
    result = runner.invoke(app, ["validate", "--endpoint", oxigraph_server.query], env=env)
    assert (result.exit_code, result.stdout) == (1, expected.to_text())
    refused = runner.invoke(
        app, ["validate", "--endpoint", oxigraph_server.query, "--engine", "pyshacl"], env=env
    )
    assert refused.exit_code == 2 and refused.stdout == ""
    assert "--endpoint validates the server's graphs" in refused.stderr
