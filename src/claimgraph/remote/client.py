"""The one HTTP client for remote SPARQL servers, and the one mapping of its failures.

Push (Graph Store Protocol PUTs) and remote queries (SPARQL protocol POSTs) both send through
:func:`send`, so a server that is down, slow, or answers an error reads the same in both: one
:class:`~claimgraph.errors.RemoteError` line naming the endpoint (without its query string,
which may carry a key) and, for HTTP errors, the status and the first line of the server's text,
cleaned of control characters and markup and cut to 200 characters. Exit code 3.

httpx is imported only when a request is made, so commands that never talk to a server do not
pay for it.
"""

from __future__ import annotations

import base64
import contextlib
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import unescape
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import ClaimgraphError, RemoteError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "Credentials",
    "Answer",
    "MAX_ANSWER_BYTES",
    "check_endpoint",
    "shown",
    "server_text",
    "http_error",
    "network_error",
    "send",
]

#: The largest answer read from a server; a bigger one is refused rather than held in memory.
MAX_ANSWER_BYTES = 256 * 1024**2
_ERROR_TEXT_CHARS = 200
_ERROR_BODY_BYTES = 65536


@dataclass(frozen=True)
class Credentials:
    """HTTP Basic (user and password) or a bearer token; never shown by ``repr``."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    def __repr__(self) -> str:
        kind = "token" if self.token else "basic" if self.user else "none"
        return f"Credentials({kind})"

    def authorization(self) -> str | None:
        """The ``Authorization`` header value, if any."""
        if self.token:
            return f"Bearer {self.token}"
        if self.user is not None:
            pair = f"{self.user}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(pair).decode("ascii")
        return None


def check_endpoint(url: str, option: str = "--endpoint") -> str:
    """``url`` if it is an http(s) URL we can use; credentials in it are refused."""
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise ClaimgraphError(f"{option} must be a URL without spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ClaimgraphError(f"{option} must be an http:// or https:// URL, not {shown(url)!r}")
    if parts.username is not None or parts.password is not None:
        raise ClaimgraphError(
            f"{option} must not carry credentials; use --user with --password-env, or --token-env"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ClaimgraphError(f"{option} has an invalid port: {shown(url)!r}") from None
    return url


def shown(url: str | None) -> str | None:
    """An endpoint as named in messages: without its query string, which may carry a key."""
    if url is None:
        return None
    parts = urlsplit(url)
    return parts._replace(query="", fragment="").geturl()


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------



def server_text(body: bytes | str | None, limit: int = _ERROR_TEXT_CHARS) -> str:
    """The first non-blank line of a server's text, without markup or control characters."""
    import re

    if not body:
        return ""
    text = body if isinstance(body, str) else body[:_ERROR_BODY_BYTES].decode("utf-8", "replace")
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body", "<h1", "<p>")):
        text = re.sub(r"<(script|style)\b.*?</\1\s*>", "", text, flags=re.S | re.I)
        text = unescape(re.sub(r"<[^<>]*>", "\n", text))
    for line in text.splitlines():
        clean = "".join(
            c for c in line if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs")
        )
        clean = " ".join(clean.split())
        if clean:
            return clean if len(clean) <= limit else clean[: limit - 1] + "…"
    return ""


def http_error(
    endpoint: str, status: int, body: bytes | str | None, reason: str = "", during: str = ""
) -> RemoteError:
    """``<endpoint>: HTTP 500: <first line of the server's text>``."""
    detail = server_text(body) or server_text(reason)
    message = f"HTTP {status}: {detail}" if detail else f"HTTP {status}"
    return RemoteError(message + (f" (while {during})" if during else ""), path=shown(endpoint))


def network_error(
    endpoint: str, err: Exception, timeout: float, during: str = ""
) -> RemoteError:
    """A connection-level failure of httpx as one plain sentence: the one mapping."""
    import httpx

    suffix = f" while {during}" if during else ""
    if isinstance(err, httpx.TimeoutException):
        message = f"no answer within {timeout:g} s (--timeout){suffix}"
    elif isinstance(err, httpx.ConnectError):
        text = str(err).lower()
        if "refused" in text:
            message = "connection refused (is the server running?)"
        elif "name or service not known" in text or "nodename nor servname" in text:
            message = "unknown host"
        elif "ssl" in text or "certificate" in text:
            message = f"TLS error: {server_text(str(err))}"
        else:
            message = f"cannot connect: {server_text(str(err)) or type(err).__name__}"
    elif isinstance(err, httpx.RemoteProtocolError):
        message = f"the server closed the connection or sent a bad answer{suffix}"
    elif isinstance(err, httpx.NetworkError) and any(
        w in str(err).lower() for w in ("reset by peer", "broken pipe", "connection aborted")
    ):
        message = f"the server closed the connection{suffix}"
    else:
        why = server_text(str(err)) or type(err).__name__
        message = f"request failed{suffix}: {why}"
    return RemoteError(message, path=shown(endpoint))


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A successful (2xx) answer: its media type and its whole body."""

    status: int
    media_type: str
    body: bytes


def send(
    method: str,
    endpoint: str,
    *,
    timeout: float,
    credentials: Credentials | None = None,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
    content: bytes | Iterable[bytes] | None = None,
    during: str = "",
    client: httpx.Client | None = None,
) -> Answer:
    """One request; any failure, or a status outside 2xx, is a :class:`RemoteError`.

    ``timeout`` bounds every network wait and the reading of the whole answer; an answer larger
    than :data:`MAX_ANSWER_BYTES` is refused while it streams in, never held whole.
    """
    import httpx

    if timeout <= 0:
        raise ClaimgraphError("--timeout must be more than 0 seconds")
    sent = dict(headers or {})
    auth = credentials.authorization() if credentials else None
    if auth:
        sent["Authorization"] = auth
    owned = client is None
    http = client or httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False)
    try:
        url = httpx.URL(endpoint)
        if params:
            url = url.copy_merge_params(dict(params))
        request = http.build_request(method, url, headers=sent, data=data, content=content)
        response = http.send(request, stream=True)
        with contextlib.closing(response):
            if not 200 <= response.status_code < 300:
                body = _head_of(response)
                raise http_error(
                    endpoint, response.status_code, body, response.reason_phrase, during
                )
            media = response.headers.get("Content-Type", "")
            deadline = time.monotonic() + timeout  # the headers came in time; now the body
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes(65536):
                if time.monotonic() > deadline:
                    raise RemoteError(
                        f"no complete answer within {timeout:g} s (--timeout)",
                        path=shown(endpoint),
                    )
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise RemoteError(
                        f"the answer is larger than {MAX_ANSWER_BYTES // 1024**2} MiB",
                        path=shown(endpoint),
                    )
                chunks.append(chunk)
            return Answer(response.status_code, media, b"".join(chunks))
    except httpx.HTTPError as e:
        raise network_error(endpoint, e, timeout, during) from None
    finally:
        if owned:
            http.close()


def _head_of(response: httpx.Response) -> bytes | None:
    """The start of an error answer's body: a courtesy for the message, never a failure."""
    import httpx

    got = b""
    try:
        for chunk in response.iter_bytes(8192):
            got += chunk
            if len(got) >= _ERROR_BODY_BYTES:
                break
    except httpx.HTTPError:
        return got or None
    return got
