"""Push and remote queries share one HTTP client and one mapping of its failures."""

from __future__ import annotations

import httpx
import pytest

from claimgraph.errors import RemoteError
from claimgraph.remote.client import http_error, network_error, send

URL = "http://127.0.0.1:9/q?key=SECRET"


@pytest.mark.parametrize(
    ("error", "during", "message"),
    [
        (httpx.ReadTimeout("timed out"), "", "no answer within 1.5 s (--timeout)"),
        (httpx.ConnectTimeout("timed out"), "pushing <urn:g>",
         "no answer within 1.5 s (--timeout) while pushing <urn:g>"),
        (httpx.ConnectError("[Errno 111] Connection refused"), "pushing <urn:g>",
         "connection refused (is the server running?)"),
        (httpx.ConnectError("[Errno -2] Name or service not known"), "", "unknown host"),
        (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] bad"), "",
         "TLS error: [SSL: CERTIFICATE_VERIFY_FAILED] bad"),
        (httpx.RemoteProtocolError("Server disconnected"), "",
         "the server closed the connection or sent a bad answer"),
        (httpx.ReadError("[Errno 104] Connection reset by peer"), "",
         "the server closed the connection"),
        (httpx.WriteError("[Errno 32] Broken pipe"), "pushing <urn:g>",
         "the server closed the connection while pushing <urn:g>"),
        (httpx.WriteError("\x1b[1mbroken\x1b[0m wire"), "pushing <urn:g>",
         "request failed while pushing <urn:g>: [1mbroken[0m wire"),
    ],
)
def test_one_mapping_of_network_failures(error: Exception, during: str, message: str) -> None:
    got = network_error(URL, error, 1.5, during)
    assert isinstance(got, RemoteError) and got.exit_code == 3
    assert str(got) == f"http://127.0.0.1:9/q: {message}"


def test_an_http_error_names_status_and_first_clean_line() -> None:
    got = http_error(URL, 503, b"\x07maintenance\nuntil noon", "Service Unavailable", "pushing <g>")
    assert str(got) == "http://127.0.0.1:9/q: HTTP 503: maintenance (while pushing <g>)"
    assert str(http_error(URL, 500, b"", "Internal Server Error")).endswith(
        "HTTP 500: Internal Server Error"
    )


def test_send_to_a_closed_port_is_a_remote_error_without_the_key() -> None:
    from .conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/q?key=SECRET"
    with pytest.raises(RemoteError) as caught:
        send("POST", url, timeout=2, data={"query": "ASK {}"})
    assert "connection refused" in str(caught.value)
    assert "SECRET" not in str(caught.value)


def test_send_refuses_a_timeout_of_zero() -> None:
    from claimgraph.errors import ClaimgraphError

    with pytest.raises(ClaimgraphError, match="more than 0 seconds"):
        send("GET", "http://127.0.0.1:9/", timeout=0)
