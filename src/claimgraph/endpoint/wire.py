"""What crosses the worker socket and what the client sees: frames, replies, error bodies.

Shared by the worker (which writes finished replies) and the pool and app (which relay them),
so that neither side imports the other's internals.
"""

from __future__ import annotations

import json
import marshal
import struct
from dataclasses import dataclass

from .. import formats
from ..errors import ClaimgraphError

__all__ = [
    "FRAME",
    "GRAPH_MEDIA",
    "RESULT_MEDIA",
    "Reply",
    "decode_reply",
    "encode_reply",
    "error_body",
    "error_for",
    "error_reply",
    "status_of",
    "timeout_reply",
]

#: Content-Type of each results (SELECT/ASK) and graph (CONSTRUCT/DESCRIBE) format the
#: worker writes, from the format registry.
RESULT_MEDIA: dict[str, str] = {
    f.name: f.content_type for f in formats.FORMATS if f.family == "results"
}
GRAPH_MEDIA: dict[str, str] = {
    f.name: f.content_type for f in formats.FORMATS if f.family == "graph"
}

FRAME = struct.Struct("!I")
_MAX_MESSAGE = 1000  # characters of an error message sent to a client

# --------------------------------------------------------------------------------------------
# Replies and the one error shape
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A finished HTTP answer: status, media type, body, and whether rows were cut."""

    status: int
    media_type: str
    body: bytes
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.status < 400


def error_body(status: int, code: str, message: str) -> bytes:
    """The one JSON error shape of the endpoint and the API."""
    message = " ".join(str(message).split())
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 1] + "…"
    doc = {"error": {"status": status, "code": code, "message": message}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def error_reply(status: int, code: str, message: str) -> Reply:
    return Reply(status, "application/json", error_body(status, code, message))


def status_of(exc: ClaimgraphError) -> tuple[int, str]:
    """HTTP status and JSON error code of a library error: the endpoint's one mapping.

    Every class in ``errors.py`` carries its own ``http_status`` and ``code``, so the mapping
    is defined once, beside the classes, for the endpoint and the API alike.
    """
    return exc.http_status, exc.code


def error_for(exc: ClaimgraphError) -> Reply:
    """The error reply for a library error: its message, with line and column, never a path."""
    status, code = status_of(exc)
    message = exc.message
    if exc.line is not None:
        where = f"line {exc.line}" + (f", column {exc.column}" if exc.column is not None else "")
        message = f"{where}: {message}"
    return error_reply(status, code, message)


def timeout_reply(seconds: float) -> Reply:
    return error_reply(
        503,
        "query-timeout",
        f"the query did not finish within the time limit of {seconds:g} s and was stopped",
    )


# --------------------------------------------------------------------------------------------

def encode_reply(reply: Reply) -> bytes:
    return marshal.dumps((reply.status, reply.media_type, reply.body, reply.truncated))


def decode_reply(frame: bytes) -> Reply:
    status, media, body, truncated = marshal.loads(frame)
    return Reply(status, media, body, truncated)
