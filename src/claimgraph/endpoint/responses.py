"""The endpoint's responses: the nosniff response class, the one JSON error shape, handlers.

Shared by the Starlette app and the fast path, so that both send the very same bytes; the
request-body reader lives here too because its refusals are responses (408, 413).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response

from ..errors import ClaimgraphError
from .cache import WireAnswer
from .protocol import TRUNCATED_HEADER, HTTPError
from .wire import GRAPH_MEDIA, RESULT_MEDIA, Reply, error_body, error_for

__all__ = [
    "Cors",
    "NoSniffResponse",
    "error_response",
    "head_response",
    "on_claimgraph_error",
    "on_http_error",
    "on_http_exception",
    "on_unexpected",
    "read_body",
    "reply_response",
    "wire_answer",
]


class NoSniffResponse(Response):
    """Every response of ours says ``X-Content-Type-Options: nosniff``."""

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        super().init_headers(headers)
        self.raw_headers.append((b"x-content-type-options", b"nosniff"))

def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    return NoSniffResponse(
        error_body(status, code, message),
        status_code=status,
        media_type="application/json",
        headers=dict(headers or {}),
    )


def reply_response(reply: Reply) -> Response:
    if reply.status == 204:
        return NoSniffResponse(status_code=204)
    headers = {"Vary": "Accept"}
    if reply.truncated:
        headers[TRUNCATED_HEADER] = "true"
    return NoSniffResponse(
        reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers
    )


def wire_answer(reply: Reply) -> WireAnswer:
    """``reply`` as uvicorn writes :func:`reply_response` for a keep-alive GET, less ``date``.

    Built directly rather than through a Starlette response (a third of the lane's time per
    request); a test compares the two header for header.
    """
    status = _STATUS_LINES.get(reply.status)
    if status is None:
        status = f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}\r\n".encode("ascii")
        _STATUS_LINES[reply.status] = status
    if reply.status == 204:
        return WireAnswer((status, b"x-content-type-options: nosniff\r\n\r\n", b""))
    media = reply.media_type
    if media.startswith("text/") and "charset=" not in media.lower():
        media += "; charset=utf-8"
    lines = b"".join(
        (
            b"vary: Accept\r\n",
            b"x-claimgraph-truncated: true\r\n" if reply.truncated else b"",
            b"content-length: %d\r\n" % len(reply.body),
            b"content-type: ",
            media.encode("latin-1"),
            b"\r\nx-content-type-options: nosniff\r\n\r\n",
        )
    )
    return WireAnswer((status, lines, reply.body))


_STATUS_LINES: dict[int, bytes] = {}


_HTTP_CODES = {
    400: "bad-request",
    404: "not-found",
    408: "request-timeout",
    414: "uri-too-long",
    405: "method-not-allowed",
    406: "not-acceptable",
    413: "body-too-large",
    415: "unsupported-media-type",
}


async def on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http-error")
    message = {
        404: f"no such resource: {request.url.path} (see / or /api/openapi.json)",
        405: f"method {request.method} is not allowed here",
    }.get(exc.status_code, str(exc.detail))
    return error_response(exc.status_code, code, message, exc.headers)


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def on_claimgraph_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ClaimgraphError)
    return reply_response(error_for(exc))


async def on_unexpected(request: Request, exc: Exception) -> Response:
    return error_response(500, "internal-error", "internal server error")


class Cors(CORSMiddleware):
    """Starlette's CORS middleware, with a refused preflight in the one error shape."""

    def preflight_response(self, request_headers: Any) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        reason = bytes(response.body).decode("utf-8", "replace")
        headers = {
            k: v for k, v in response.headers.items() if k.lower().startswith("access-control-")
        }
        return error_response(400, "cors-refused", reason, headers)


# --------------------------------------------------------------------------------------------
# Request helpers
# --------------------------------------------------------------------------------------------
async def read_body(request: Request, limit: int, timeout: float | None = None) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit``.

    The whole body must arrive within ``timeout`` seconds (408 beyond): a client that sends a
    byte a second would otherwise hold a connection and its buffer for as long as it likes.
    """
    try:
        async with asyncio.timeout(timeout):
            return await _read_body(request, limit)
    except TimeoutError:
        raise HTTPError(
            408,
            "request-timeout",
            f"the request body did not arrive within {timeout:g} s",
            headers={"Connection": "close"},
        ) from None


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise HTTPError(400, "bad-request", "Content-Length is not a number") from None
        if size > limit:
            raise HTTPError(
                413, "body-too-large", f"the request body is {size} bytes; the limit is {limit}"
            )
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise HTTPError(
                413, "body-too-large", f"the request body exceeds the limit of {limit} bytes"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def head_response(rfmt: str | None, gfmt: str | None) -> Response:
    """HEAD: the headers a GET would send, without running the query.

    Running it would cost a worker for up to the time limit to send nothing; the length of the
    body is unknown without running it, so no Content-Length is sent.
    """
    media = RESULT_MEDIA[rfmt] if rfmt else GRAPH_MEDIA[gfmt] if gfmt else None
    response = NoSniffResponse(b"", status_code=200, media_type=media, headers={"Vary": "Accept"})
    response.raw_headers = [(k, v) for k, v in response.raw_headers if k != b"content-length"]
    return response



