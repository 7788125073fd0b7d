"""The wire lane (endpoint/lane.py) answers a repeated GET at the socket with the app's bytes.

It must never answer what the app would not: not a request the Host or Origin checks refuse,
not a stale answer after an update, not out of order when a client pipelines. The parser is
tested as a table; the rest against a real ``claimgraph serve`` over raw sockets, because the
lane lives below ASGI, where an in-process test client never reaches.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from claimgraph.endpoint.cache import ResponseCache, wire_key
from claimgraph.endpoint.lane import parse_simple_get
from claimgraph.endpoint.responses import reply_response, wire_answer
from claimgraph.endpoint.wire import Reply

from .serving import running_serve

ASK = "/sparql?query=" + quote("ASK { ?s ?p ?o }")
STORED = "/api/queries/sources-supporting-claim?claim=no-binding-agreement"
TOKEN = "lane-test-token"


def raw(target: str = ASK, *extra: str, host: str = "127.0.0.1") -> bytes:
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


# ---- the parser, as a table -------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        raw(),
        raw(STORED, "Accept: text/csv"),
        raw(ASK, "Connection: keep-alive", "User-Agent: x"),
        raw("/sparql"),
    ],
)
def test_simple_gets_are_read(data):
    request = parse_simple_get(data)
    assert request is not None
    assert request.path + (b"?" + request.query if request.query else b"") == data.split()[1]


@pytest.mark.parametrize(
    "data",
    [
        raw()[:-2],  # head not complete
        raw() + raw(),  # pipelined: two requests
        raw().replace(b"GET", b"HEAD"),
        raw().replace(b"HTTP/1.1", b"HTTP/1.0"),
        raw("/"),  # not a query route
        raw("/api/openapi.json"),
        raw("/sparql%3Fquery=x"),  # an escaped path: the app decodes it
        raw(ASK + "#frag"),
        raw(ASK, "Content-Length: 0"),
        raw(ASK, "Transfer-Encoding: chunked"),
        raw(ASK, "Expect: 100-continue"),
        raw(ASK, "Connection: close"),
        raw(ASK, "Connection: Upgrade", "Upgrade: websocket"),
        raw(ASK, "Bad Header: x"),  # a space in a header name
        raw(ASK, "NoColon"),
        raw(ASK, "X: a\x01b"),  # a control character
        raw(ASK, "X: a\nb"),  # a bare LF
        raw("/sparql?query=\xe9"),  # not ASCII
        b"GET  " + ASK.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n",  # two spaces
    ],
)
def test_anything_else_goes_to_the_full_parser(data):
    assert parse_simple_get(data) is None


def test_accept_is_the_first_one_trimmed_as_uvicorn_trims_it():
    request = parse_simple_get(raw(ASK, "Accept:  text/csv \t", "Accept: text/tsv"))
    assert request is not None and request.accept == b"text/csv"


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, "application/sparql-results+json", b'{"boolean": true}'),
        Reply(200, "text/csv", b"a\r\n1\r\n", truncated=True),
        Reply(200, "text/csv; charset=utf-8", b"a\r\n"),
        Reply(200, "text/turtle", b"<a> <b> <c> .\n"),
        Reply(200, "application/n-triples", b""),
        Reply(400, "application/json", b'{"error": {}}'),
        Reply(503, "application/json", b'{"error": {}}'),
        Reply(204, "text/plain", b""),
    ],
)
def test_the_wire_form_is_the_response_the_app_sends(reply):
    status, lines, body = wire_answer(reply)
    response = reply_response(reply)
    phrase = {200: b"OK", 204: b"No Content", 400: b"Bad Request", 503: b"Service Unavailable"}
    assert status == b"HTTP/1.1 %d %s\r\n" % (reply.status, phrase[reply.status])
    assert lines == b"".join(n + b": " + v + b"\r\n" for n, v in response.raw_headers) + b"\r\n"
    assert body == response.body


def test_wire_entries_count_against_the_bounds_and_go_with_an_update():
    cache = ResponseCache(max_entries=2, max_bytes=10_000)
    reply = Reply(200, "application/json", b"{}")
    key = wire_key(b"/sparql", b"query=x", None)
    assert cache.put("job", reply, cache.generation, "ASK {}")
    assert cache.put_wire(key, wire_answer(reply), cache.generation)
    assert cache.get_wire(key) is not None and cache.get(key) is None
    stale = cache.generation
    cache.clear()
    assert cache.get_wire(key) is None
    assert not cache.put_wire(key, wire_answer(reply), stale)


# ---- against a real server --------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[int]:
    folder: Path = tmp_path_factory.mktemp("lane")
    options = ["--workers", "1", "--allow-update", "--token-env", "CG_LANE_TOKEN"]
    with running_serve(options, log=folder / "serve.log", env={"CG_LANE_TOKEN": TOKEN}) as port:
        yield port


def on(port: int, target: str, *extra: str, host: str | None = None) -> bytes:
    return raw(target, *extra, host=host or f"127.0.0.1:{port}")


def exchange(port: int, data: bytes, answers: int = 1) -> list[bytes]:
    """Send ``data`` on one connection; read ``answers`` whole responses."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        return read_responses(sock, answers)


def read_responses(sock: socket.socket, answers: int) -> list[bytes]:
    """``answers`` whole responses (each with a Content-Length) off ``sock``."""
    out: list[bytes] = []
    buffer = b""
    while len(out) < answers:
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection"
            buffer += chunk
        head, _, buffer = buffer.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(buffer) < length:
            buffer += sock.recv(65536)
        out.append(head + b"\r\n\r\n" + buffer[:length])
        buffer = buffer[length:]
    return out


def without_date(response: bytes) -> bytes:
    return b"\r\n".join(
        line for line in response.split(b"\r\n") if not line.lower().startswith(b"date:")
    )


def answered_at_socket(port: int) -> int:
    health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=30).json()
    return int(health["cache"]["answered_at_socket"])


@pytest.mark.parametrize(
    "target, accept",
    [(ASK, None), (ASK, "text/csv"), (STORED, None), (STORED, "application/sparql-results+xml")],
)
def test_a_repeat_is_answered_at_the_socket_with_the_same_bytes(server, target, accept):
    request = on(server, target, *([f"Accept: {accept}"] if accept else []))
    first = exchange(server, request)[0]
    before = answered_at_socket(server)
    second = exchange(server, request)[0]
    third = exchange(server, request)[0]
    assert answered_at_socket(server) == before + 2
    assert first.startswith(b"HTTP/1.1 200 OK\r\n")
    assert without_date(second) == without_date(first) == without_date(third)
    assert any(line.lower().startswith(b"date: ") for line in second.split(b"\r\n"))


def test_the_host_check_still_refuses_a_cached_request(server):
    exchange(server, on(server, ASK))  # cached now
    before = answered_at_socket(server)
    refused = exchange(server, on(server, ASK, host="evil.example"))[0]
    assert refused.startswith(b"HTTP/1.1 403 ")
    assert b"host-not-allowed" in refused
    cross = exchange(server, on(server, ASK, "Origin: http://127.0.0.2:8000"))[0]
    assert cross.startswith(b"HTTP/1.1 403 ") and b"cross-site-refused" in cross
    assert answered_at_socket(server) == before


def test_pipelined_repeats_are_answered_in_order(server):
    csv = on(server, ASK, "Accept: text/csv")
    tsv = on(server, ASK, "Accept: text/tab-separated-values")
    exchange(server, csv)
    exchange(server, tsv)
    answers = exchange(server, csv + tsv + csv, answers=3)
    kinds = [next(line for line in a.split(b"\r\n") if line.startswith(b"content-type"))
             for a in answers]
    assert [k.split(b";")[0] for k in kinds] == [
        b"content-type: text/csv", b"content-type: text/tab-separated-values",
        b"content-type: text/csv",
    ]


def test_after_an_update_the_lane_never_answers_the_old_bytes(server):
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:lane> { ?s ?p ?o } }"
    request = on(server, "/sparql?query=" + quote(query), "Accept: application/sparql-results+json")

    def count() -> int:
        body = exchange(server, request)[0].split(b"\r\n\r\n", 1)[1]
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])

    assert count() == 0 and count() == 0  # the second from the socket
    r = httpx.post(
        f"http://127.0.0.1:{server}/sparql",
        content="INSERT DATA { GRAPH <urn:lane> { <urn:a> <urn:b> <urn:c> } }",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert r.status_code == 204
    assert count() == 1 and count() == 1


def relayed_at_socket(port: int) -> int:
    health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=30).json()
    return int(health["cache"]["relayed_at_socket"])


@pytest.mark.parametrize(
    "query",
    ["ASK { ?s ?p ?o }", "SELECT ?s WHERE { ?s a ?t } LIMIT 3", "SELECT * WHERE { oops"],
)
def test_a_first_request_relayed_from_the_socket_gets_the_apps_answer(server, query):
    def request(tag: str, *extra: str) -> bytes:
        return on(server, "/sparql?query=" + quote(f"{query}\n# {tag}"), *extra)

    before = relayed_at_socket(server)
    relayed = exchange(server, request("lane"))[0]
    assert relayed_at_socket(server) == before + 1
    # "TE: trailers" is a header the lane leaves to uvicorn's parser and the app
    by_app = exchange(server, request("app", "TE: trailers"))[0]
    assert relayed_at_socket(server) == before + 1
    assert without_date(relayed) == without_date(by_app)


def test_what_a_client_sends_while_its_request_is_relayed_is_answered_after_it(server):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . FILTER(?b != ?e) }"
    first = on(server, "/sparql?query=" + quote(slow + "\n# held"), "Accept: text/csv")
    second = on(server, ASK, "Accept: text/tab-separated-values")
    with socket.create_connection(("127.0.0.1", server), timeout=60) as sock:
        sock.sendall(first)
        sock.sendall(second)  # arrives while the first runs in a worker
        one, two = read_responses(sock, 2)
    assert b"content-type: text/csv" in one and one.rstrip().split(b"\r\n")[-1].isdigit()
    assert b"content-type: text/tab-separated-values" in two and two.endswith(b"\r\n\r\ntrue\n")
