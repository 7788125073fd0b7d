"""An allowed SERVICE or LOAD that fails is a 502 ``remote-error`` that shows nothing of the remote.

Before issue 8, a remote answering with a media type pyoxigraph cannot read gave a 400
``query-syntax`` whose message echoed that media type, and a LOAD of malformed data quoted it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from claimgraph.endpoint import ServerConfig, create_app
from claimgraph.errors import RemoteError
from claimgraph.sparql import execute

BASE = "http://127.0.0.1:7878"
TOKEN = "remote-error-token-0123456789"
SECRET = "s3cret-of-the-remote"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    config = ServerConfig(allow_service=("127.0.0.1",), allow_update=True, token=TOKEN,
                          workers=1, timeout=5.0)
    with TestClient(create_app(config), base_url=BASE) as c:
        yield c


def remote_error(response) -> str:
    assert response.status_code == 502, response.text
    error = response.json()["error"]
    assert error["code"] == "remote-error"
    assert SECRET not in response.text and "text/html" not in response.text
    return str(error["message"])


@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [
        (200, "text/html", f"<html>{SECRET}</html>"),
        (200, "application/sparql-results+json", "{" + SECRET),
        (200, "text/tab-separated-values", f"?s\n<{SECRET}"),
        (500, "text/plain", SECRET),
    ],
)
def test_failed_service_is_502_remote_error_without_the_remote_answer(
    client, fake_server, status, content_type, body
):
    remote = fake_server(status, body.encode(), content_type=content_type)
    query = f"SELECT * WHERE {{ SERVICE <{remote.url}/sparql> {{ ?s ?p ?o }} }}"
    remote_error(client.get("/sparql", params={"query": query}))
    assert remote.requests, "the allowed SERVICE did reach the remote"


@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [
        (200, "text/turtle", f"<urn:a> <urn:b> {SECRET} ."),
        (200, "text/html", f"<html>{SECRET}</html>"),
        (404, "text/plain", SECRET),
    ],
)
def test_failed_load_is_502_remote_error_without_the_remote_answer(
    client, fake_server, status, content_type, body
):
    remote = fake_server(status, body.encode(), content_type=content_type)
    r = client.post("/sparql", content=f"LOAD <{remote.url}/data.ttl>".encode(),
                    headers={"Content-Type": "application/sparql-update",
                             "Authorization": f"Bearer {TOKEN}"})
    remote_error(r)


def test_update_syntax_error_beside_a_load_is_still_a_syntax_error(client):
    r = client.post("/sparql", content=b"LOAD <http://127.0.0.1:9/x> INTO GRAPH",
                    headers={"Content-Type": "application/sparql-update",
                             "Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "query-syntax"


def test_local_query_with_failing_service_raises_remote_error(bundled_store, fake_server):
    remote = fake_server(200, f"<p>{SECRET}</p>".encode(), content_type="text/html")
    query = f"ASK {{ SERVICE <{remote.url}/> {{ ?s ?p ?o }} }}"
    with pytest.raises(RemoteError) as caught:
        execute(bundled_store, query, allow_service=("127.0.0.1",))
    assert SECRET not in str(caught.value) and "text/html" not in str(caught.value)


@pytest.mark.parametrize(
    "template",
    [
        # glued on: pyoxigraph still reads the keyword (and the guard lets the allowed host by)
        "SELECT * {{ ?a ?b 1SERVICE <{url}/> {{ ?s ?p ?o }} }}",
        "ASK {{ FILTER(true) service <{url}/> {{ ?s ?p ?o }} }}",
    ],
)
def test_a_failing_allowed_service_is_a_remote_error_however_it_is_spelled(
    bundled_store, fake_server, template
):
    remote = fake_server(200, f"<p>{SECRET}</p>".encode(), content_type="text/html")
    query = template.format(url=remote.url)
    with pytest.raises(RemoteError) as caught:
        execute(bundled_store, query, allow_service=("127.0.0.1",))
    assert remote.requests and SECRET not in str(caught.value)


def test_may_reach_out_reads_as_the_guard_does():
    from claimgraph.guard import may_reach_out

    assert may_reach_out("ASK{1SERVICE<http://a/>{}}")
    assert may_reach_out("ASK{\\u0053ERVICE<http://a/>{}}")
    assert not may_reach_out("ASK { ?s ?p 'x' }")
    assert not may_reach_out("LOAD <http://a/>")  # LOAD reaches out only in an update
    assert may_reach_out("LOAD <http://a/>", update=True)
