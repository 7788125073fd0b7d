"""The wire lane: simple GETs answered at the socket, below uvicorn's request cycle.

Measured under wrk, a cached answer still cost about 65 µs of the server's one core: uvicorn's
request cycle (a scope dict, an asyncio task, two ASGI messages) and Starlette's routing and
response objects, not the lookup. The lane reads a request as it arrives and, when it is one
complete, simple GET (``GET target HTTP/1.1``, no body, no ``Expect``, ``Upgrade`` or
``Connection: close``) to ``/sparql`` or ``/api/queries/NAME``, takes it itself:

* a repeat whose raw path, query string and Accept header name an answer the cache keeps in
  wire form (:meth:`.cache.ResponseCache.put_wire`) is written back at once;
* any other request the fast path would take (:func:`.fastpath.fast_job` decides, the same
  function for both) is relayed to the worker pool, and its reply written when it comes.

The Host and Origin checks run on every request, as in front of the app. Anything else — a
partial or pipelined request, a refusal, an error in the request, a header the lane does not
read — goes to uvicorn's parser untouched, and the app answers and words it as before. What the
lane sends is what the app sends for the same request (the tests compare the bytes); time
limits, memory caps, row caps and the network block live in the workers and hold alike.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from .cache import WireAnswer, wire_key
from .fastpath import fast_job
from .responses import wire_answer
from .wire import error_reply

if TYPE_CHECKING:
    from .app import Endpoint, Job
    from .cache import WireKey
    from .hostguard import HostPolicy

__all__ = ["Lane", "SimpleGet", "parse_simple_get"]

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
    """Takes simple GETs for the endpoint: cached ones answered, the others relayed."""

    def __init__(self, endpoint: Endpoint, policy: HostPolicy) -> None:
        self.endpoint = endpoint
        self.cache = endpoint.cache
        self.policy = policy
        self.answered = 0  # repeats written from the cache
        self.relayed = 0  # requests sent to a worker from the lane

    def take(
        self, data: bytes, default_headers: list[tuple[bytes, bytes]]
    ) -> bytes | tuple[Job, WireKey] | None:
        """The whole response to ``data``; or the job to relay and its wire key; or None to
        let the full parser and the app answer."""
        request = parse_simple_get(data)
        if request is None:
            return None
        path = request.path.decode("ascii")
        wire = wire_key(request.path, request.query, request.accept)
        entry = self.cache.get_wire(wire)
        if entry is not None:
            if self.policy.refusal("GET", path, request.headers) is not None:
                return None  # the app refuses it, in its words
            self.answered += 1
            return wire_bytes(entry, default_headers)
        job = fast_job(self.endpoint, self.policy, path, request.query, request.headers)
        if job is None:
            return None
        self.relayed += 1
        return job, wire

    async def relay(
        self, job: Job, wire: WireKey, default_headers: list[tuple[bytes, bytes]]
    ) -> bytes:
        """The response to a relayed job, as the fast path would send it."""
        try:
            _, entry = await self.endpoint.answer_on_wire(job, wire)
            assert entry is not None
        except Exception:  # what the app's catch-all sends, in the one error shape
            entry = wire_answer(error_reply(500, "internal-error", "internal server error"))
        return wire_bytes(entry, default_headers)


def wire_bytes(entry: WireAnswer, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """A wire answer with the server's default headers (``date``) in uvicorn's place."""
    status, header_lines, body = entry
    parts = [status]
    for name, value in default_headers:
        parts += (name, b": ", value, b"\r\n")
    parts += (header_lines, body)
    return b"".join(parts)
