"""The web UI's routes, mounted on the endpoint's Starlette app by ``endpoint/app.py``.

Each handler takes the :class:`Endpoint` (its pool, catalog and config); a :class:`PageError`
becomes an HTML error page with its status, so a bad filter is a 400 page, not a JSON error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from . import claims, nodes, queries
from .data import PageError
from .render import STATIC_DIR, error_page

if TYPE_CHECKING:
    from ..endpoint.app import Endpoint

__all__ = ["web_routes"]

Handler = Callable[["Endpoint", Request], Awaitable[Response]]


def web_routes(endpoint: Endpoint) -> list[BaseRoute]:
    """The UI's routes for ``endpoint``; ``/`` is the claims list."""

    def bind(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                return await handler(endpoint, request)
            except PageError as e:
                return error_page(request, e)

        return run

    pages: list[tuple[str, Handler]] = [
        ("/", claims.claims_list),
        ("/claim/{doc}/{slug}.{suffix}", queries.claim_data),
        ("/claim/{doc}/{slug}", claims.claim_page),
        ("/source/{slug}", nodes.source_page),
        ("/actor/{slug}", nodes.actor_page),
        ("/event/{slug}", nodes.event_page),
        ("/events", nodes.timeline_page),
        ("/doc/{doc}", nodes.document_page),
        ("/queries", queries.queries_index),
        ("/queries/{name}.{suffix}", queries.query_data),
        ("/queries/{name}", queries.query_page),
        ("/editor", queries.editor_page),
    ]
    routes: list[BaseRoute] = [Route(path, bind(h), methods=["GET"]) for path, h in pages]
    routes.append(Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"))
    return routes
