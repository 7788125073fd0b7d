"""``claimgraph serve``: a SPARQL 1.1 endpoint and the stored queries as a web API.

Routes:

* ``/sparql`` — SPARQL 1.1 Protocol: GET ``?query=``, POST form or ``application/sparql-query``,
  updates by POST (off unless ``--allow-update``, then with a bearer token). GET without a query
  returns the SPARQL service description.
* ``/api/queries`` (catalog), ``/api/queries/{name}?param=value`` (run a stored query),
  ``/api/openapi.json`` (OpenAPI 3.1, one path per stored query).
* ``/endpoint`` a plain HTML page with the catalog and a query form; ``/health``.
* ``/`` and the other HTML pages: the web UI for analysts (``claimgraph.web``), whose queries
  run in the same worker pool under the same limits.

Every user query runs in a worker process (``pool.py``) under the time limit; this process
parses HTTP, negotiates the media type and relays the bytes a worker produced. The status is
sent only once the worker has the whole result. Every error response has one JSON shape::

    {"error": {"status": 400, "code": "query-syntax", "message": "line 1, column 8: …"}}

Over 400 lines because :class:`Endpoint` holds every handler that shares its config, catalog,
pool and cache (the SPARQL protocol's GET/POST/form/update dispatch is most of it); the update
handlers are the part to move out next.
"""

from __future__ import annotations

import contextlib
import hmac
import json
from collections.abc import AsyncIterator, Hashable, Iterable
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..catalog import Catalog, StoredQuery, load_catalog
from ..errors import ClaimgraphError, UnknownQueryError
from ..guard import guard_query, query_form
from .cache import ResponseCache, WireAnswer
from .config import ServerConfig
from .fastpath import FastPath
from .hostguard import HostGuardMiddleware
from .lane import Lane
from .pages import HTML_HEADERS, html_page, serialize_service_description, service_description
from .pool import WorkerPool
from .protocol import (
    FORM,
    GRAPH_OFFERS,
    SPARQL_QUERY,
    SPARQL_UPDATE,
    TRUNCATED_HEADER,
    HTTPError,
    charset,
    choose_formats,
    decode_body,
    graph_iris,
    media_type,
    multi_dict,
    negotiate,
    not_acceptable,
)
from .responses import (
    Cors,
    NoSniffResponse,
    head_response,
    on_claimgraph_error,
    on_http_error,
    on_http_exception,
    on_unexpected,
    read_body,
    reply_response,
    wire_answer,
)
from .wire import GRAPH_MEDIA, Reply, error_body

__all__ = ["Endpoint", "Job", "create_app"]




# The application
# --------------------------------------------------------------------------------------------


class Job(NamedTuple):
    """One decoded query request: what the worker gets, its cache key, and its query text."""

    request: tuple[Any, ...]
    key: Hashable
    text: str


class Endpoint:
    """The request handlers, sharing the config, the catalog, the worker pool and the cache.

    Public for :mod:`.fastpath`, which decodes requests with the same ``*_job`` methods.
    """

    def __init__(self, config: ServerConfig, catalog: Catalog, pool: WorkerPool) -> None:
        self.config = config
        self.catalog = catalog
        self.pool = pool
        self.cache = ResponseCache(config.cache_entries, config.cache_bytes)
        # With --cors the fast path is off (the CORS middleware must see every response), so
        # nothing is filed for the lane either.
        self.lane = None if config.cors else Lane(self, config.host_policy())
        self.page = html_page(catalog, config)
        self.catalog_json = json.dumps(
            [q.as_dict() for q in catalog.values()], ensure_ascii=False
        ).encode("utf-8")
        from .openapi import build_openapi

        self.openapi_json = json.dumps(
            build_openapi(catalog, allow_update=config.allow_update), ensure_ascii=False
        ).encode("utf-8")

    # ---- simple pages ----

    async def home(self, request: Request) -> Response:
        return NoSniffResponse(
            self.page, media_type="text/html; charset=utf-8", headers=HTML_HEADERS
        )

    async def health(self, request: Request) -> Response:
        health = self.pool.health()
        health["cache"] = {
            "entries": len(self.cache),
            "hits": self.cache.hits,
            "misses": self.cache.misses,
            "answered_at_socket": self.lane.answered if self.lane is not None else 0,
            "relayed_at_socket": self.lane.relayed if self.lane is not None else 0,
        }
        body = json.dumps(health).encode("utf-8")
        return NoSniffResponse(
            body, media_type="application/json", headers={"Cache-Control": "no-store"}
        )

    async def list_queries(self, request: Request) -> Response:
        return NoSniffResponse(self.catalog_json, media_type="application/json")

    async def openapi(self, request: Request) -> Response:
        return NoSniffResponse(self.openapi_json, media_type="application/json")

    # ---- stored queries ----

    async def stored_query(self, request: Request) -> Response:
        job = self.stored_job(
            request.path_params["name"],
            request.query_params.multi_items(),
            request.headers.get("accept"),
        )
        if request.method == "HEAD":
            return head_response(job.request[3], job.request[4])
        return reply_response(await self.answer(job))

    async def answer(self, job: Job, wire: Hashable | None = None) -> Reply:
        """The worker's reply to ``job``, or the cached one for the same question.

        ``wire`` is the raw request's key (:func:`.cache.wire_key`): a kept reply is filed
        under it too, in the form :mod:`.lane` sends.
        """
        return (await self.answer_on_wire(job, wire, built=False))[0]

    async def answer_on_wire(
        self, job: Job, wire: Hashable | None, *, built: bool = True
    ) -> tuple[Reply, WireAnswer | None]:
        """:meth:`answer`, with the reply's wire form (when ``built``, or filed under ``wire``)."""
        if not self.cache.enabled:
            reply = await self.pool.run(job.request)
            return reply, wire_answer(reply) if built else None
        generation = self.cache.generation
        hit = self.cache.get(job.key)
        if hit is not None:
            reply, kept = hit, True
        else:
            reply = await self.pool.run(job.request)
            kept = self.cache.put(job.key, reply, generation, job.text)
        entry = None
        if built or (kept and wire is not None):
            entry = wire_answer(reply)
        if kept and wire is not None and entry is not None:
            self.cache.put_wire(wire, entry, generation)
        return reply, entry

    def stored_job(
        self, name: str, items: Iterable[tuple[str, str]], accept: str | None
    ) -> Job:
        """Decode a stored-query request; HTTPError (404, 400, 406) when it is refused."""
        query = self._stored(name)
        declared = {p.name for p in query.params}
        values: dict[str, str] = {}
        formats: list[str] = []
        for key, value in items:
            if key == "format" and "format" not in declared:
                formats.append(value)
                continue
            if key in values:
                raise HTTPError(400, "bad-parameter", f"parameter {key!r} is given twice")
            values[key] = value
        rfmt, gfmt = choose_formats(accept, formats, query.form)
        if rfmt is None and gfmt is None:
            raise not_acceptable(query.form)
        cache_key = ("stored", name, tuple(values.items()), rfmt, gfmt)
        return Job(("stored", name, values, rfmt, gfmt), cache_key, query.text)

    def _stored(self, name: str) -> StoredQuery:
        try:
            return self.catalog.get_query(name)
        except UnknownQueryError as e:
            message = e.message.replace("(claimgraph queries lists them)", "(GET /api/queries "
                                        "lists them)")
            raise HTTPError(404, "unknown-query", message) from None

    # ---- SPARQL protocol ----

    async def sparql(self, request: Request) -> Response:
        url_params = list(request.query_params.multi_items())
        if request.method in ("GET", "HEAD"):
            return await self._protocol(request, multi_dict(url_params), via_get=True)
        content_type = request.headers.get("content-type")
        media = media_type(content_type)
        if media == FORM:
            body = await read_body(request, self.config.max_body, self.config.read_timeout)
            text = decode_body(body, charset(content_type))
            try:
                pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False,
                                  errors="strict")
            except (ValueError, UnicodeDecodeError):
                raise HTTPError(400, "bad-request", "the form body is not valid") from None
            return await self._protocol(request, multi_dict(pairs), via_get=False)
        if media == SPARQL_QUERY:
            body = await read_body(request, self.config.max_body, self.config.read_timeout)
            params = multi_dict(url_params)
            if "query" in params or "update" in params:
                raise HTTPError(400, "bad-request", "with Content-Type application/sparql-query "
                                "the query is the body; do not also pass query= or update=")
            params["query"] = [decode_body(body, charset(content_type))]
            return await self._protocol(request, params, via_get=False)
        if media == SPARQL_UPDATE:
            self._authorize(request)
            body = await read_body(request, self.config.max_body, self.config.read_timeout)
            params = multi_dict(url_params)
            if "query" in params or "update" in params:
                raise HTTPError(400, "bad-request", "with Content-Type application/sparql-update "
                                "the update is the body; do not also pass query= or update=")
            return await self._update(decode_body(body, charset(content_type)), params)
        shown = media or "none"
        raise HTTPError(
            415,
            "unsupported-media-type",
            f"Content-Type {shown} is not supported; POST {FORM}, {SPARQL_QUERY} "
            f"or {SPARQL_UPDATE}",
        )

    async def _protocol(
        self, request: Request, params: dict[str, list[str]], *, via_get: bool
    ) -> Response:
        queries = params.get("query", [])
        updates = params.get("update", [])
        if queries and updates:
            raise HTTPError(400, "bad-request", "give a query or an update, not both")
        if updates:
            if via_get:
                raise HTTPError(400, "bad-request", "an update must be sent with POST")
            if len(updates) > 1:
                raise HTTPError(400, "bad-request", "give exactly one update")
            self._authorize(request)
            return await self._update(updates[0], params)
        if not queries:
            if via_get:
                return self._service_description(request)
            raise HTTPError(400, "bad-request", "no query: pass query= (or update=)")
        job = self.query_job(params, request.headers.get("accept"))
        assert job is not None  # a query and no update: checked above
        if request.method == "HEAD":
            form = query_form(job.text)
            _, _, _, _, rfmt, gfmt = job.request
            return head_response(
                rfmt if form in ("SELECT", "ASK") else None,
                gfmt if form in ("CONSTRUCT", "DESCRIBE") else None,
            )
        return reply_response(await self.answer(job))

    def query_job(self, params: dict[str, list[str]], accept: str | None) -> Job | None:
        """Decode a SPARQL query request; None if it is no query (or also an update).

        HTTPError (400, 406) when it is refused.
        """
        queries = params.get("query", [])
        if not queries or "update" in params:
            return None
        if len(queries) > 1:
            raise HTTPError(400, "bad-request", "give exactly one query parameter")
        text = queries[0]
        default = params.get("default-graph-uri")
        named = params.get("named-graph-uri")
        if default is not None or named is not None:
            # SPARQL protocol: a dataset given in the request replaces the service's, and
            # a part that is not given is empty.
            default = graph_iris(default or [], "default-graph-uri")
            named = graph_iris(named or [], "named-graph-uri")
        # The worker guards the text (size, depth, SERVICE) before its parser sees it.
        rfmt, gfmt = choose_formats(accept, params.get("format", []), None)
        if rfmt is None and gfmt is None:
            raise not_acceptable(None)
        key = (
            "query",
            text,
            None if default is None else tuple(default),
            None if named is None else tuple(named),
            rfmt,
            gfmt,
        )
        return Job(("query", text, default, named, rfmt, gfmt), key, text)

    def _authorize(self, request: Request) -> None:
        token = self.config.update_token
        if not self.config.allow_update or token is None:
            raise HTTPError(
                403,
                "updates-disabled",
                "this endpoint is read-only; updates need a server started with --allow-update",
            )
        given = request.headers.get("authorization", "")
        scheme, _, credentials = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            credentials.strip().encode("utf-8"), token.encode("utf-8")
        ):
            raise HTTPError(
                401,
                "unauthorized",
                "an update needs the header Authorization: Bearer <token>",
                headers={"WWW-Authenticate": 'Bearer realm="claimgraph"'},
            )

    async def _update(self, text: str, params: dict[str, list[str]]) -> Response:
        using = params.get("using-graph-uri")
        using_named = params.get("using-named-graph-uri")
        if using is not None or using_named is not None:
            from .update import with_protocol_dataset

            text = with_protocol_dataset(
                text,
                graph_iris(using or [], "using-graph-uri"),
                graph_iris(using_named or [], "using-named-graph-uri"),
            )
        guard_query(text, allow_service=self.config.allow_service, update=True)
        self.cache.clear()  # answers computed while the update runs are not kept either
        try:
            return reply_response(await self.pool.update(text))
        finally:
            self.cache.clear()

    def _service_description(self, request: Request) -> Response:
        offers: dict[str, tuple[str, ...]] = {**GRAPH_OFFERS, "html": ("text/html",)}
        fmt = negotiate(request.headers.get("accept"), offers)
        if fmt is None:
            raise not_acceptable("CONSTRUCT")
        if fmt == "html":
            return NoSniffResponse(
                self.page, media_type="text/html; charset=utf-8", headers=HTML_HEADERS
            )
        triples = service_description(
            self.config.endpoint_url,
            update=self.config.allow_update,
            federated=bool(self.config.allow_service),
        )
        return NoSniffResponse(
            serialize_service_description(triples, fmt),
            media_type=GRAPH_MEDIA[fmt],
            headers={"Vary": "Accept"},
        )


def create_app(config: ServerConfig, *, pool: WorkerPool | None = None) -> Starlette:
    """The Starlette application; its lifespan starts and stops the worker pool."""
    config.check()
    catalog = load_catalog(config.queries_dir)
    if pool is None:
        pool = WorkerPool(config.worker_spec(), size=config.workers, timeout=config.timeout)
    endpoint = Endpoint(config, catalog, pool)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.close()

    from ..web import web_routes

    routes = [
        Route("/endpoint", endpoint.home, methods=["GET"]),
        Route("/health", endpoint.health, methods=["GET"]),
        Route("/sparql", endpoint.sparql, methods=["GET", "POST"], name="sparql"),
        Route("/api/queries", endpoint.list_queries, methods=["GET"]),
        Route("/api/openapi.json", endpoint.openapi, methods=["GET"]),
        Route("/api/queries/{name}", endpoint.stored_query, methods=["GET"]),
        *web_routes(endpoint),
    ]
    middleware: list[Middleware] = []
    if not config.cors:  # with --cors, the CORS middleware must see every response
        middleware.append(Middleware(FastPath, endpoint=endpoint, policy=config.host_policy()))
    middleware += [
        Middleware(HostGuardMiddleware, policy=config.host_policy(), refuse=_forbidden)
    ]
    if config.cors:
        middleware.append(
            Middleware(
                Cors,
                allow_origins=[config.cors],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type", "Authorization"],
                expose_headers=[TRUNCATED_HEADER],
                max_age=600,
            )
        )
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            HTTPException: on_http_exception,
            HTTPError: on_http_error,
            ClaimgraphError: on_claimgraph_error,
            Exception: on_unexpected,
        },
        lifespan=lifespan,
    )
    app.state.pool = pool
    app.state.config = config
    app.state.endpoint = endpoint
    return app


def _forbidden(code: str, message: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The 403 of the Host / Origin checks, in the one JSON error shape."""
    body = error_body(403, code, message)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"x-content-type-options", b"nosniff"),
        (b"vary", b"Origin, Sec-Fetch-Site"),
    ]
    return 403, headers, body


