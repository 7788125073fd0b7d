"""The endpoint is not a proxy for web pages (issue 8 §2): Host and Origin checks.

The request headers here are the ones Chromium sends for a cross-origin HTML form POST, for a
``fetch`` from another site and for a page on a DNS-rebound name. "Ran nothing" is checked
with a SERVICE to a local listener that the endpoint is allowed to reach: a refused request
must never make the listener see a connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from claimgraph.endpoint import ServerConfig, create_app
from claimgraph.endpoint.hostguard import HostPolicy
from claimgraph.errors import ClaimgraphError
from tests._listener import Listener  # the type of the `listener` fixture

BASE = "http://127.0.0.1:7878"

#: What Chromium sends for <form method=post action=http://127.0.0.1:7878/sparql> on a page
#: served from http://127.0.0.2:8000 (a different site).
FORM_POST_FROM_OTHER_SITE = {
    "Host": "127.0.0.1:7878",
    "Origin": "http://127.0.0.2:8000",
    "Content-Type": "application/x-www-form-urlencoded",
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-User": "?1",
    "Referer": "http://127.0.0.2:8000/",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
}

#: What Chromium sends for fetch(url, {mode: "no-cors"}) (a GET: no Origin header at all).
NO_CORS_GET_FROM_OTHER_SITE = {
    "Host": "127.0.0.1:7878",
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "no-cors",
    "Sec-Fetch-Dest": "empty",
    "Accept": "*/*",
}

#: A page on evil.example whose name was re-pointed at 127.0.0.1 (DNS rebinding): to the
#: browser this is same-origin, and only Host tells.
REBOUND_SAME_ORIGIN_POST = {
    "Host": "evil.example:7878",
    "Origin": "http://evil.example:7878",
    "Content-Type": "application/x-www-form-urlencoded",
    "Sec-Fetch-Site": "same-origin",
    "Sec-Fetch-Mode": "cors",
}


@pytest.fixture(scope="module")
def client(listener: Listener) -> Iterator[TestClient]:
    """SERVICE to 127.0.0.1 allowed, so that a request that ran would reach the listener."""
    config = ServerConfig(allow_service=("127.0.0.1",), workers=1, timeout=5.0,
                          host_names=("sparql.example.org",))
    with TestClient(create_app(config), base_url=BASE) as c:
        yield c


def service_query(listener: Listener) -> str:
    return f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"


def refused(response: Any, code: str) -> str:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["status"] == 403 and error["code"] == code
    return str(error["message"])


def test_cross_origin_form_post_is_refused_and_runs_nothing(client, listener):
    before = listener.connections
    body = "query=" + quote(service_query(listener))
    r = client.post("/sparql", content=body, headers=FORM_POST_FROM_OTHER_SITE)
    assert "--cors" in refused(r, "cross-site-refused")
    assert listener.connections == before


def test_the_listener_sees_a_service_query_that_does_run(client, listener):
    # The oracle of the "runs nothing" tests: the same query from the endpoint's own page.
    before = listener.connections
    r = client.post("/sparql", data={"query": service_query(listener)},
                    headers={"Origin": BASE, "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 200, r.text
    assert listener.connections > before


def test_cross_origin_form_post_of_an_update_is_refused(client):
    headers = {**FORM_POST_FROM_OTHER_SITE}
    r = client.post("/sparql", content="update=CLEAR+ALL", headers=headers)
    refused(r, "cross-site-refused")


def test_no_cors_get_from_another_site_is_refused_and_runs_nothing(client, listener):
    before = listener.connections
    r = client.get("/sparql", params={"query": service_query(listener)},
                   headers=NO_CORS_GET_FROM_OTHER_SITE)
    refused(r, "cross-site-refused")
    assert listener.connections == before


def test_same_site_request_from_another_port_is_refused(client):
    # 127.0.0.1:8000 and 127.0.0.1:7878 are the same site but not the same origin.
    headers = {**NO_CORS_GET_FROM_OTHER_SITE, "Sec-Fetch-Site": "same-site"}
    r = client.get("/sparql", params={"query": "ASK {}"}, headers=headers)
    refused(r, "cross-site-refused")
    headers = {**FORM_POST_FROM_OTHER_SITE, "Origin": "http://127.0.0.1:8000",
               "Sec-Fetch-Site": "same-site"}
    refused(client.post("/sparql", content="query=ASK+%7B%7D", headers=headers),
            "cross-site-refused")


def test_stored_query_from_another_site_is_refused(client):
    r = client.get("/api/queries/sources-supporting-claim",
                   headers={**NO_CORS_GET_FROM_OTHER_SITE, "Origin": "https://evil.example"})
    refused(r, "cross-site-refused")


def test_opaque_null_origin_is_refused(client):
    headers = {**FORM_POST_FROM_OTHER_SITE, "Origin": "null"}
    refused(client.post("/sparql", content="query=ASK+%7B%7D", headers=headers),
            "cross-site-refused")


def test_dns_rebinding_host_is_refused_and_runs_nothing(client, listener):
    before = listener.connections
    body = "query=" + quote(service_query(listener))
    r = client.post("/sparql", content=body, headers=REBOUND_SAME_ORIGIN_POST)
    message = refused(r, "host-not-allowed")
    assert "--host-name" in message and "evil" not in message
    assert listener.connections == before


def test_rebound_host_is_refused_on_every_route(client):
    for path in ("/", "/health", "/api/queries", "/api/openapi.json", "/sparql"):
        refused(client.get(path, headers={"Host": "evil.example:7878"}), "host-not-allowed")


def test_same_origin_browser_requests_and_plain_clients_are_answered(client):
    ask = {"query": "ASK {}"}
    own = {"Origin": BASE, "Sec-Fetch-Site": "same-origin"}
    assert client.get("/sparql", params=ask, headers=own).json()["boolean"] is True
    assert client.post("/sparql", data=ask, headers=own).status_code == 200
    # typed into the address bar, or curl / SPARQLWrapper (no Origin, no Sec-Fetch-Site)
    assert client.get("/sparql", params=ask, headers={"Sec-Fetch-Site": "none"}).status_code == 200
    assert client.get("/sparql", params=ask).status_code == 200


def test_loopback_names_and_host_names_are_accepted_with_the_bound_port(client):
    for host in ("127.0.0.1:7878", "localhost:7878", "[::1]:7878", "LOCALHOST:7878",
                 "sparql.example.org:7878", "sparql.example.org"):
        r = client.get("/health", headers={"Host": host})
        assert r.status_code == 200, host
    for host in ("localhost:7879", "127.0.0.1", "127.0.0.2:7878", "localhost.:7878",
                 "sparql.example.org:1", "127.0.0.1:7878@evil.example", ""):
        r = client.get("/health", headers={"Host": host})
        assert r.status_code == 403, host


def test_origin_of_a_host_name_is_same_origin(client):
    headers = {"Host": "sparql.example.org", "Origin": "https://sparql.example.org"}
    assert client.get("/sparql", params={"query": "ASK {}"}, headers=headers).status_code == 200


def test_cors_origin_may_run_queries_and_no_other():
    config = ServerConfig(cors="https://yasgui.example", workers=1)
    with TestClient(create_app(config), base_url=BASE) as c:
        ok = c.get("/sparql", params={"query": "ASK {}"},
                   headers={"Origin": "https://yasgui.example", "Sec-Fetch-Site": "cross-site"})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://yasgui.example"
        r = c.get("/sparql", params={"query": "ASK {}"},
                  headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
        refused(r, "cross-site-refused")


def test_service_description_names_the_configured_endpoint_not_the_host_header(client):
    for host in ("localhost:7878", "sparql.example.org"):
        r = client.get("/sparql", headers={"Host": host, "Accept": "application/n-triples"})
        assert r.status_code == 200
        assert "<http://sparql.example.org:7878/sparql>" in r.text
        assert "localhost" not in r.text


def test_slash_redirect_does_not_repeat_the_host_header(client):
    r = client.get("/sparql/?query=ASK+%7B%7D", headers={"Host": "sparql.example.org"},
                   follow_redirects=False)
    assert 300 <= r.status_code < 400
    assert r.headers["location"] == "/sparql?query=ASK+%7B%7D"


def test_host_policy_as_a_pure_function():
    policy = HostPolicy(bound_host="::1", port=80)
    assert policy.host_allowed("[::1]") and policy.host_allowed("localhost:80")
    assert not policy.host_allowed("[::1]:81") and not policy.host_allowed("::1")
    assert policy.refusal("GET", "/", [(b"host", b"localhost")]) is None
    assert policy.refusal("OPTIONS", "/sparql", [(b"origin", b"https://x.example")]) is None
    code, _ = policy.refusal("POST", "/sparql", [(b"origin", b"https://x.example")]) or ("", "")
    assert code == "cross-site-refused"
    # A request with no Host at all (HTTP/1.0, not a browser) has nothing to rebind.
    assert policy.refusal("GET", "/sparql", []) is None


@pytest.mark.parametrize("bad", ["", "http://x.example", "x.example:80", "a b", "x/y", "[zz]"])
def test_host_name_option_takes_only_a_host_name(bad: str):
    with pytest.raises(ClaimgraphError, match="--host-name"):
        ServerConfig(host_names=(bad,)).check()


def test_serve_with_a_bad_host_name_exits_2_with_one_line(runner):
    from claimgraph.cli import app as cli_app

    result = runner.invoke(cli_app, ["serve", "--host-name", "http://x.example", "--port", "0"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [
        "claimgraph: error: --host-name takes a host name such as sparql.example.org, "
        "not 'http://x.example'"
    ]
