"""``query --endpoint … --allow-service HOST`` lets a SERVICE to HOST through, as the refusal
says it will (in 0.1 the option was silently ignored with --endpoint and the refusal stayed).

The SERVICE then runs on the remote server, under that server's own rules: claimgraph only stops
refusing to send it. Hosts not named are still refused before any request leaves.
"""

from __future__ import annotations

import httpx

from claimgraph.cli import app

from .conftest import FakeServer

ANSWER = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
FEDERATED = "SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"


def _invoke(runner, *args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args), env={"CLAIMGRAPH_STORE": None})
    assert "Traceback" not in result.output + result.stderr
    return result


def test_allow_service_with_endpoint_sends_the_federated_query(runner, fake_server) -> None:  # type: ignore[no-untyped-def]
    server: FakeServer = fake_server(200, ANSWER, "application/sparql-results+json")
    result = _invoke(
        runner, "query", "--endpoint", server.url + "/sparql", "--sparql", FEDERATED,
        "--allow-service", "example.org", "--format", "json",
    )
    assert result.exit_code == 0, result.stderr
    (request,) = server.requests
    body = request["body"]
    assert isinstance(body, bytes)
    assert "SERVICE <http://example.org/sparql>" in httpx.QueryParams(body.decode())["query"]


def test_service_to_a_host_not_allowed_is_refused_before_any_request(runner, fake_server) -> None:  # type: ignore[no-untyped-def]
    server: FakeServer = fake_server(200, ANSWER, "application/sparql-results+json")
    for extra in ([], ["--allow-service", "other.example"]):
        result = _invoke(
            runner, "query", "--endpoint", server.url + "/sparql", "--sparql", FEDERATED, *extra
        )
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith("claimgraph: error: SERVICE")
        assert "--allow-service HOST" in result.stderr and result.stderr.count("\n") == 1
    assert server.requests == []
