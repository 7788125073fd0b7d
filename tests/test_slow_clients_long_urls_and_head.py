"""Issue 8 §4 on a real port, with raw sockets: what reaches the HTTP layer is bounded.

Before the fix a GET URL over ~64 KB got a plain-text 400 from uvicorn's httptools layer,
a client could send its request head or body at a byte a second (or open a connection and
send nothing) for as long as it liked, and HEAD ran the whole query in a worker.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from .serving import running_serve
from .test_server_real_port import RUNAWAY

MAX_URL = 65535


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    log = tmp_path_factory.mktemp("serve-bounds") / "stderr.txt"
    options = ["--timeout", "20", "--read-timeout", "2", "--workers", "2"]
    with running_serve(options, log=log) as port:
        yield port


def exchange(port: int, data: bytes, *, trickle: float | None = None) -> bytes:
    """Send ``data`` (a byte at a time every ``trickle`` s), then read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            if trickle is None:
                sock.sendall(data)
            else:
                for i in range(len(data)):
                    sock.sendall(data[i : i + 1])
                    time.sleep(trickle)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before we finished: read what it said
        out = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return out


def parse(response: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:])}
    return status, headers, body


def json_error(response: bytes, status: int, code: str) -> str:
    got, headers, body = parse(response)
    assert got == status, response[:300]
    assert headers["content-type"] == "application/json"
    doc = json.loads(body)
    assert doc["error"]["status"] == status and doc["error"]["code"] == code
    return str(doc["error"]["message"])


def get_of_length(length: int, port: int) -> bytes:
    """A GET whose request target is exactly ``length`` bytes: ASK {} and a long comment."""
    target = "/sparql?query=" + quote("ASK {} #", safe="")
    target += "a" * (length - len(target))
    assert len(target) == length
    return f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()


def test_a_get_url_of_exactly_the_limit_is_answered(port: int):
    status, headers, body = parse(exchange(port, get_of_length(MAX_URL, port)))
    assert status == 200
    assert json.loads(body)["boolean"] is True


def test_a_get_url_one_byte_over_the_limit_is_a_414_in_the_json_shape(port: int):
    message = json_error(exchange(port, get_of_length(MAX_URL + 1, port)), 414, "uri-too-long")
    assert "POST" in message


def test_a_huge_get_url_is_refused_without_being_buffered(port: int):
    json_error(exchange(port, get_of_length(4 * 1024 * 1024, port)), 414, "uri-too-long")


def test_garbage_instead_of_http_gets_the_json_shape(port: int):
    json_error(exchange(port, b"GET garbage\r\n\r\n"), 400, "bad-request")


def test_a_body_sent_a_byte_a_second_is_cut_off_with_408(port: int):
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/sparql-query\r\nContent-Length: 40\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        # Three bytes at 0.5 s each, well inside the 2 s --read-timeout, then silence: the body
        # stays 37 bytes short, so only the deadline can end it. Sending no more after that
        # leaves nothing unread when the server closes, which would reset the connection
        # (and lose its 408) on a loaded machine.
        for byte in b"ASK":
            sock.sendall(bytes([byte]))
            time.sleep(0.5)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        message = json_error(answer, 408, "request-timeout")
    assert "body" in message


def test_a_request_head_sent_a_byte_at_a_time_is_cut_off_with_408(port: int):
    head = f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: {'z' * 20}\r\n\r\n".encode()
    message = json_error(exchange(port, head, trickle=0.25), 408, "request-timeout")
    assert "head" in message


def test_an_idle_connection_is_closed_by_the_server(port: int):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        assert sock.recv(1) == b""  # closed, with nothing to say: no request was begun


def test_an_idle_keep_alive_connection_is_closed_after_its_response(port: int):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            data += sock.recv(65536)
        assert parse(data)[0] == 200
        assert sock.recv(1) == b""


def test_head_answers_headers_without_running_the_query(port: int):
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(timeout=30) as client:
        r = client.head(base + "/sparql", params={"query": RUNAWAY})
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/sparql-results+json"
        assert r.content == b""
        health = client.get(base + "/health").json()
        assert health["running"] == 0 and health["idle"] == health["workers"] == 2
        r = client.head(base + "/api/queries/claims-per-kind", headers={"Accept": "text/csv"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert client.head(base + "/api/queries/no-such-query").status_code == 404


def test_health_reports_workers_and_backlog(port: int):
    health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=30).json()
    assert set(health) == {"status", "workers", "idle", "running", "queued", "starting", "cache"}
    assert set(health["cache"]) == {
        "entries", "hits", "misses", "answered_at_socket", "relayed_at_socket"
    }
    assert health["status"] == "ok" and health["workers"] == 2


def test_read_timeout_must_be_positive():
    from claimgraph.endpoint import ServerConfig
    from claimgraph.errors import ClaimgraphError

    with pytest.raises(ClaimgraphError, match="--read-timeout"):
        ServerConfig(read_timeout=0).check()
