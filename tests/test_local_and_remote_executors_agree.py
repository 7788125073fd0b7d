"""One executor interface: every stored query answers the same through either implementation.

The table is every stored query with its default values, plus every class-typed IRI parameter
bound to a few real instances and to one that does not exist. Each row runs through
``run_stored(LocalExecutor(store), …)`` and ``run_stored(RemoteExecutor(url), …)`` against a
real ``oxigraph serve`` holding the same graphs; answers are compared as RDF terms, and a
failure (the instance check's "did you mean") must be the same error with the same message.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph import LocalExecutor, RemoteExecutor, claim_card, render_card, run_stored
from claimgraph.catalog import load_catalog
from claimgraph.errors import ClaimgraphError, ParameterError
from claimgraph.remote.push import push_graphs
from claimgraph.sparql import execute
from claimgraph.store import open_store

from .conftest import OxigraphServer
from .test_remote_oxigraph import assert_same

CATALOG = load_catalog()


def _instances(class_iri: str, n: int = 3) -> list[str]:
    store = open_store()
    text = f"SELECT DISTINCT ?x WHERE {{ ?x a/rdfs:subClassOf* <{class_iri}> }} ORDER BY ?x"
    rows = execute(store, text).rows
    return [f"<{row[0].value}>" for row in rows if isinstance(row[0], ox.NamedNode)][:n]


def _table() -> list[tuple[str, dict[str, str]]]:
    rows: list[tuple[str, dict[str, str]]] = []
    for name, query in CATALOG.items():
        rows.append((name, {}))
        for p in query.params:
            if p.class_iri is None:
                continue
            for iri in [*_instances(p.class_iri), "<urn:claimgraph:no-such-thing>"]:
                rows.append((name, {p.name: iri}))
    return rows


TABLE = _table()


@pytest.fixture(scope="module")
def executors(oxigraph_server: OxigraphServer) -> tuple[LocalExecutor, RemoteExecutor]:
    store = open_store()
    push_graphs(store, oxigraph_server.gsp, query_endpoint=oxigraph_server.query)
    return LocalExecutor(store), RemoteExecutor(oxigraph_server.query, timeout=30)


def _outcome(executor: object, name: str, values: dict[str, str]) -> object:
    try:
        return run_stored(executor, CATALOG[name], values)  # type: ignore[arg-type]
    except ClaimgraphError as e:
        return e


def test_the_table_covers_every_stored_query_and_a_missing_instance() -> None:
    assert {name for name, _ in TABLE} == set(CATALOG)
    assert any("no-such-thing" in v for _, values in TABLE for v in values.values())


@pytest.mark.parametrize(("name", "values"), TABLE, ids=[f"{n}{v}" for n, v in TABLE])
def test_local_and_remote_executors_give_the_same_answer(
    name: str, values: dict[str, str], executors: tuple[LocalExecutor, RemoteExecutor]
) -> None:
    local, remote = executors
    here = _outcome(local, name, values)
    there = _outcome(remote, name, values)
    if isinstance(here, ClaimgraphError):
        assert type(there) is type(here), there
        assert str(there) == str(here)
        return
    assert not isinstance(there, ClaimgraphError), there
    assert_same(here, there)  # type: ignore[arg-type]


def test_the_instance_check_runs_through_either_executor(
    executors: tuple[LocalExecutor, RemoteExecutor],
) -> None:
    query = CATALOG["sources-supporting-claim"]
    messages = []
    for executor in executors:
        with pytest.raises(ParameterError, match="there is no cg:Claim") as caught:
            run_stored(executor, query, {"claim": "no-binding-agreemnt"})
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "did you mean 'claim:broken-promises-narrative/no-binding-agreement'?" in messages[0]


def test_the_card_reads_the_same_from_either_executor(
    executors: tuple[LocalExecutor, RemoteExecutor],
) -> None:
    local, remote = executors
    here = render_card(claim_card(local, "no-binding-agreement"))
    there = render_card(claim_card(remote, "no-binding-agreement"))
    assert here == there
    assert here.startswith("claim:broken-promises-narrative/no-binding-agreement\n")


def test_a_remote_executor_cuts_at_max_rows(
    executors: tuple[LocalExecutor, RemoteExecutor],
) -> None:
    local, remote = executors
    text = "SELECT ?s WHERE { ?s ?p ?o }"
    for executor in executors:
        result = executor.query(text, max_rows=3)
        assert (len(result.rows), result.truncated) == (3, True)
    assert len(local.query(text).rows) == len(remote.query(text).rows) > 3
