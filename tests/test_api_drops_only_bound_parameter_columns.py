"""The web API drops a parameter's column only when the request bound it (issue 10 merge).

A stored query projects its parameters (pyoxigraph substitutes only projected variables); the
echoed column is dropped for a bound parameter. An optional ``doc`` left out keeps its column,
which then tells the documents' rows apart, as on the command line.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from claimgraph.endpoint import ServerConfig, create_app

BASE = "http://127.0.0.1:7878"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(ServerConfig(workers=1)), base_url=BASE) as c:
        yield c


def columns(client: TestClient, **params: str) -> list[str]:
    r = client.get("/api/queries/claims-by-actor", params=params, headers=JSON)
    assert r.status_code == 200, r.text
    return list(r.json()["head"]["vars"])


def test_a_bound_doc_is_not_echoed_and_a_left_out_doc_is_a_column(client):
    assert "doc" in columns(client, actor="russian-government")
    bound = columns(client, actor="russian-government", doc="broken-promises-narrative")
    assert "doc" not in bound and "actor" not in bound


def test_the_api_and_the_cli_give_the_same_columns(client, runner):
    from claimgraph.cli import app

    result = runner.invoke(
        app, ["query", "claims-by-actor", "--param", "actor=russian-government",
              "--param", "doc=broken-promises-narrative", "-f", "csv"],
        env={"CLAIMGRAPH_STORE": None},
    )
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0].split(",")
    assert header == columns(client, actor="russian-government", doc="broken-promises-narrative")
