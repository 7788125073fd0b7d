"""``claimgraph validate --doc DOC`` validates one document of a store (issue 13: "per document
or all"): its graph with the shared graph and the ontology, locally and on an endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph import RemoteExecutor, api
from claimgraph.cli import app
from claimgraph.remote.push import push_graphs
from claimgraph.shacl import validate_executor
from claimgraph.store import open_store
from claimgraph.terms import CG, SHARED_GRAPH, document_graph, document_item

from .conftest import DATA, OxigraphServer

BPN = "broken-promises-narrative"
SECOND = "promises-and-perceptions"
#: a claim of the second essay with nothing but its type: it breaks every required property
BROKEN = ox.NamedNode(document_item(SECOND, "claim", "broken"))


def _two_documents(folder: Path) -> None:
    store = open_store(folder, write=True)
    graph = ox.NamedNode(document_graph(SECOND))
    for name, into in ((f"{SECOND}.ttl", graph), ("shared.ttl", ox.NamedNode(SHARED_GRAPH))):
        triples = ox.parse(path=str(DATA / "second-essay" / name))
        store.extend(ox.Quad(t.subject, t.predicate, t.object, into) for t in triples)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store.add(ox.Quad(BROKEN, rdf_type, ox.NamedNode(CG + "Claim"), graph))
    store.flush()


@pytest.fixture
def two(disk_store: Path) -> Path:
    _two_documents(disk_store)
    return disk_store


def _validate(runner, folder: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app,
        ["validate", "--store", str(folder), "-f", "json", *args],
        env={"CLAIMGRAPH_STORE": None},
    )


def _foci(result) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {
        (r["focus"], r["message"] or "", r["path"] or "")
        for r in json.loads(result.stdout)["results"]
    }


def test_each_document_is_validated_apart_and_together_they_make_the_whole(
    two: Path, runner
) -> None:  # type: ignore[no-untyped-def]
    first = _validate(runner, two, "--doc", BPN)
    second = _validate(runner, two, "--doc", SECOND)
    whole = _validate(runner, two)
    assert first.exit_code == 0, first.stderr
    assert second.exit_code == 1 and whole.exit_code == 1
    assert any(f.endswith(f"{SECOND}/broken") for f, _, _ in _foci(second))
    assert not any(f"{SECOND}/" in f for f, _, _ in _foci(first))
    assert _foci(whole) == _foci(first) | _foci(second)


def test_the_reference_engine_agrees_on_one_document(two: Path, runner) -> None:  # type: ignore[no-untyped-def]
    compiled = _validate(runner, two, "--doc", SECOND)
    reference = _validate(runner, two, "--doc", SECOND, "--engine", "pyshacl")
    assert reference.exit_code == compiled.exit_code == 1
    assert json.loads(reference.stdout)["results"] == json.loads(compiled.stdout)["results"]


def test_an_unknown_document_is_one_line_and_exit_2(two: Path, runner) -> None:  # type: ignore[no-untyped-def]
    result = _validate(runner, two, "--doc", "promises-and-perception")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "claimgraph: error: parameter 'doc': there is no cg:Document "
        "doc:promises-and-perception; did you mean 'doc:promises-and-perceptions'?\n"
    )


def test_doc_does_not_go_with_data(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "g.ttl"
    data.write_text("<urn:a> <urn:b> <urn:c> .\n")
    result = runner.invoke(
        app, ["validate", "--data", str(data), "--doc", BPN], env={"CLAIMGRAPH_STORE": None}
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "claimgraph: error: --doc picks a document of the store; it cannot go with --data\n"
    )


def test_an_endpoint_validates_one_document_as_the_local_store_does(
    two: Path, oxigraph_server: OxigraphServer
) -> None:
    store = open_store(two)
    push_graphs(store, oxigraph_server.gsp, query_endpoint=oxigraph_server.query)
    remote = RemoteExecutor(oxigraph_server.query, timeout=30)
    for doc in (BPN, SECOND):
        local = api.validate(store, check_texts=False, doc=doc)
        there = validate_executor(remote, doc=api.document_term(remote, doc))
        assert there.results == local.results
        assert there.conforms is (doc == BPN)
