"""The fast path: GET ``/sparql?query=`` and GET ``/api/queries/NAME`` as plain ASGI.

Profiling showed the per-request cost of the endpoint in Starlette's layers (exception and
error middleware, routing, Request and QueryParams objects), not in the query. This app sits
in front of the Starlette one and answers the common case itself: a GET that passes the Host
and Origin checks and names a query. It decodes the request with the very functions the
Starlette handlers use (``Endpoint.query_job`` / ``stored_job``) and sends the very response
``reply_response`` builds, so the answer is the same bytes. Anything else — another path or
method, a refusal, any error in the request, a service-description GET, ``--cors`` (whose
headers the CORS middleware adds) — goes to the Starlette app, which answers and words it as
before. Time limits, memory caps, row caps and the network block live in the workers and hold
for both paths alike. A reply the cache keeps is also filed in its wire form under the raw
request, for :mod:`.lane` to answer the next identical GET at the socket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from .cache import wire_key
from .protocol import multi_dict
from .responses import reply_response
from .wire import error_reply

if TYPE_CHECKING:
    from .app import Endpoint
    from .hostguard import HostPolicy

__all__ = ["STORED_PREFIX", "FastPath", "fast_job"]

STORED_PREFIX = "/api/queries/"


class FastPath:
    """ASGI app: answers fast-path GETs, hands everything else to ``app`` unchanged."""

    def __init__(self, app: Any, endpoint: Endpoint, policy: HostPolicy) -> None:
        self.app = app
        self.endpoint = endpoint
        self.policy = policy

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            job = self._job(scope)
            if job is not None:
                accept = None
                for key, value in scope["headers"]:
                    if key == b"accept":
                        accept = value
                        break
                wire = wire_key(scope["raw_path"], scope["query_string"], accept)
                try:
                    reply = await self.endpoint.answer(job, wire)
                except Exception:  # what the app's catch-all sends, in the one error shape
                    reply = error_reply(500, "internal-error", "internal server error")
                await reply_response(reply)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _job(self, scope: Any) -> Any:
        return fast_job(
            self.endpoint,
            self.policy,
            scope["path"],
            scope["query_string"],
            scope["headers"],
        )


def fast_job(
    endpoint: Endpoint,
    policy: HostPolicy,
    path: str,
    query_string: bytes,
    headers: list[tuple[bytes, bytes]],
) -> Any:
    """The job of a GET the fast path answers, or None for the app to answer (and word).

    ``path`` is the decoded path, ``headers`` lower-cased as the ASGI scope has them. Shared
    by :class:`FastPath` and :mod:`.lane`, so that both take exactly the same requests.
    """
    if path == "/sparql":
        name = None
    elif path.startswith(STORED_PREFIX):
        name = path[len(STORED_PREFIX) :]
        if not name or "/" in name:
            return None
    else:
        return None
    if policy.refusal("GET", path, headers) is not None:
        return None
    accept = None
    for key, value in headers:
        if key == b"accept":
            accept = value.decode("latin-1")
            break
    items = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    try:
        if name is None:
            return endpoint.query_job(multi_dict(items), accept)
        return endpoint.stored_job(name, items, accept)
    except Exception:  # the Starlette app answers (and words) every refused request
        return None
