"""The wire lane: a repeated GET answered from the response cache at the socket.

Measured under wrk, a cached answer still cost about 65 µs of the server's one core: uvicorn's
request cycle (a scope dict, an asyncio task, two ASGI messages) and Starlette's response
object, not the lookup. The lane reads a request as it arrives and, when it is one complete,
simple GET (``GET target HTTP/1.1``, no body, no ``Expect``, ``Upgrade`` or ``Connection:
close``) whose raw path, query string and Accept header name an answer the fast path filed
(:meth:`.cache.ResponseCache.put_wire`), writes the kept bytes itself. The Host and Origin
checks run on every request, as in front of the app. Anything else — a partial or pipelined
request, a refusal, a header the lane does not read, a miss — goes to uvicorn's parser
untouched, and the app answers as before; the lane never answers differently from the app,
because what it sends is what the app sent for the same raw request on the same store
generation (a test compares the bytes).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .cache import ResponseCache, WireAnswer
    from .hostguard import HostPolicy

__all__ = ["Lane", "SimpleGet", "parse_simple_get", "wire_key"]

#: The longest request target taken (httptools' own limit; see ``serve.MAX_URL``).
_MAX_TARGET = 65535
#: Headers that make a request anything but simple: a body, an upgrade, a closing connection.
_NOT_SIMPLE = frozenset(
    (b"content-length", b"transfer-encoding", b"expect", b"upgrade", b"te", b"trailer")
)
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PATHS = (b"/sparql", b"/api/queries/")


class SimpleGet(NamedTuple):
    """A simple GET as read off the wire: raw path and query, lower-cased headers, Accept."""

    path: bytes
    query: bytes
    headers: list[tuple[bytes, bytes]]
    accept: bytes | None


WireKey = tuple[str, bytes, bytes, "bytes | None"]


def wire_key(path: bytes, query: bytes, accept: bytes | None) -> WireKey:
    """The cache key of a raw request; the fast path files under it, the lane looks it up."""
    return ("wire", path, query, accept)


def parse_simple_get(data: bytes) -> SimpleGet | None:
    """The request in ``data`` if it is exactly one complete simple GET to a query route.

    None for anything else (the caller hands ``data`` to the full parser). Strict where the
    full parser is strict: bare CR or LF, control characters, malformed header names and
    non-ASCII targets all mean "not simple", so that the full parser words the error.
    """
    end = data.find(b"\r\n\r\n")
    if end < 0 or end + 4 != len(data) or not data.startswith(b"GET /"):
        return None
    head = data[:end]
    if _CONTROL.search(head) or head.count(b"\r") != head.count(b"\n") or b"\r\n" * 2 in head:
        return None
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or parts[2] != b"HTTP/1.1":
        return None
    target = parts[1]
    if len(target) > _MAX_TARGET or not target.isascii() or b"#" in target:
        return None
    path, _, query = target.partition(b"?")
    if b"%" in path or not (path == _PATHS[0] or path.startswith(_PATHS[1])):
        return None
    headers: list[tuple[bytes, bytes]] = []
    accept = None
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or _TOKEN.fullmatch(name) is None:
            return None
        name = name.lower()
        value = value.strip(b" \t")
        if name in _NOT_SIMPLE:
            return None
        if name == b"connection" and value.lower() != b"keep-alive":
            return None
        if name == b"accept" and accept is None:
            accept = value
        headers.append((name, value))
    return SimpleGet(path, query, headers, accept)


class Lane:
    """Answers simple GETs from the cache's wire entries, after the Host and Origin checks."""

    def __init__(self, cache: ResponseCache, policy: HostPolicy) -> None:
        self.cache = cache
        self.policy = policy
        self.answered = 0

    def answer(self, data: bytes, default_headers: list[tuple[bytes, bytes]]) -> bytes | None:
        """The whole response to ``data``, or None to let the full parser and app answer."""
        request = parse_simple_get(data)
        if request is None:
            return None
        if self.policy.refusal("GET", request.path.decode("ascii"), request.headers):
            return None  # the app refuses it, in its words
        entry = self.cache.get_wire(wire_key(request.path, request.query, request.accept))
        if entry is None:
            return None
        self.answered += 1
        return _wire_bytes(entry, default_headers)


def _wire_bytes(entry: WireAnswer, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    status, header_lines, body = entry
    parts = [status]
    for name, value in default_headers:
        parts += (name, b": ", value, b"\r\n")
    parts += (header_lines, body)
    return b"".join(parts)
