"""``claimgraph serve``: a SPARQL 1.1 endpoint and the stored queries as a web API.

Routes:

* ``/sparql`` — SPARQL 1.1 Protocol: GET ``?query=``, POST form or ``application/sparql-query``,
  updates by POST (off unless ``--allow-update``, then with a bearer token). GET without a query
  returns the SPARQL service description.
* ``/api/queries`` (catalog), ``/api/queries/{name}?param=value`` (run a stored query),
  ``/api/openapi.json`` (OpenAPI 3.1, one path per stored query).
* ``/`` a plain HTML page with the catalog and a query form; ``/health``.

Every user query runs in a worker process (``workers.py``) under the time limit; this process
parses HTTP, negotiates the media type and relays the bytes a worker produced. The status is
sent only once the worker has the whole result. Every error response has one JSON shape::

    {"error": {"status": 400, "code": "query-syntax", "message": "line 1, column 8: …"}}
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
import ipaddress
import json
import os
import socket
import sys
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import __version__
from .catalog import Catalog, StoredQuery, load_catalog
from .errors import ClaimgraphError, InputError, UnknownQueryError
from .guard import guard_query, query_form
from .hostguard import HostGuardMiddleware, HostPolicy, check_host_name
from .workers import (
    GIB,
    GRAPH_MEDIA,
    RESULT_MEDIA,
    Reply,
    WorkerPool,
    WorkerSpec,
    error_body,
    error_for,
)

__all__ = [
    "ServerConfig",
    "create_app",
    "run",
    "negotiate",
    "parse_accept",
    "TRUNCATED_HEADER",
    "service_description",
]

TRUNCATED_HEADER = "X-Claimgraph-Truncated"


class _Response(Response):
    """Every response of ours says ``X-Content-Type-Options: nosniff``."""

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        super().init_headers(headers)
        self.raw_headers.append((b"x-content-type-options", b"nosniff"))

#: Media types each results format answers to (the first one is what we send).
RESULT_OFFERS: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
}
#: Media types each graph format answers to.
GRAPH_OFFERS: dict[str, tuple[str, ...]] = {
    "turtle": ("text/turtle", "application/x-turtle", "application/turtle"),
    "ntriples": ("application/n-triples",),
    "jsonld": ("application/ld+json", "application/json"),
    "rdfxml": ("application/rdf+xml",),
}
#: Values of the ``format`` override, per family.
RESULT_NAMES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}
GRAPH_NAMES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "ntriples": "ntriples",
    "nt": "ntriples",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "rdfxml": "rdfxml",
    "rdf": "rdfxml",
    "xml": "rdfxml",
}

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

_LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------


@dataclass
class ServerConfig:
    """Everything ``claimgraph serve`` takes; :meth:`check` validates it."""

    store: str | Path | None = None
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    read_timeout: float = 10.0
    max_rows: int = 10000
    max_body: int = 1_048_576
    allow_service: tuple[str, ...] = ()
    allow_update: bool = False
    token: str | None = None
    token_env: str | None = None
    cors: str | None = None
    workers: int = 2
    worker_memory: int | None = 2 * GIB
    queries_dir: str | Path | None = None
    #: Extra names clients may address the endpoint by (Host header), besides the loopback ones.
    host_names: tuple[str, ...] = ()
    _resolved_token: str | None = field(default=None, init=False, repr=False)

    def check(self) -> list[str]:
        """Raise :class:`ClaimgraphError` for bad options; return warnings for risky ones."""
        warnings: list[str] = []
        if not 0 <= self.port <= 65535:
            raise ClaimgraphError(f"--port must be between 0 and 65535, not {self.port}")
        if not self.timeout > 0:
            raise ClaimgraphError("--timeout must be more than 0 seconds")
        if not self.read_timeout > 0:
            raise ClaimgraphError("--read-timeout must be more than 0 seconds")
        if self.max_rows < 1:
            raise ClaimgraphError("--max-rows must be at least 1")
        if self.max_body < 1:
            raise ClaimgraphError("--max-body must be at least 1 byte")
        if not 1 <= self.workers <= 64:
            raise ClaimgraphError("--workers must be between 1 and 64")
        if self.worker_memory is not None and self.worker_memory < 256 * 1024**2:
            raise ClaimgraphError("the worker memory cap must be at least 256 MiB")
        hosts = []
        for h in self.allow_service:
            host = h.strip().lower()
            if not host or any(c in host for c in "/:@ "):
                raise ClaimgraphError(
                    f"--allow-service takes a host name such as dbpedia.org, not {h!r}"
                )
            hosts.append(host)
        self.allow_service = tuple(hosts)
        try:
            self.host_names = tuple(dict.fromkeys(check_host_name(n) for n in self.host_names))
        except ValueError as e:
            raise ClaimgraphError(str(e)) from None
        if self.token is not None and self.token_env is not None:
            raise ClaimgraphError("give --token or --token-env, not both")
        token = self.token
        if self.token_env is not None:
            token = os.environ.get(self.token_env)
            if not token:
                raise ClaimgraphError(f"environment variable {self.token_env} is not set or empty")
        if self.allow_update:
            if not token:
                raise ClaimgraphError(
                    "--allow-update needs a bearer token: --token-env VAR (or --token TOKEN)"
                )
            if len(token) < 16:
                warnings.append("the update token is shorter than 16 characters")
            if self.token is not None:
                warnings.append(
                    "--token shows the token to other users of this machine (ps); "
                    "prefer --token-env VAR"
                )
        elif token:
            raise ClaimgraphError("a token is only used with --allow-update")
        self._resolved_token = token if self.allow_update else None
        if self.cors is not None:
            parts = urlsplit(self.cors)
            if self.cors == "*":
                warnings.append("--cors '*' lets pages from any site query this endpoint")
            elif (
                parts.scheme not in ("http", "https")
                or not parts.hostname
                or parts.path not in ("", "/")
                or parts.query
                or parts.fragment
            ):
                raise ClaimgraphError(
                    f"--cors takes an origin such as https://example.org, not {self.cors!r}"
                )
            else:
                self.cors = f"{parts.scheme}://{parts.netloc}"
        if not _is_loopback(self.host):
            warnings.append(
                f"listening on {self.host}, not on a loopback address: other machines can "
                "reach this endpoint (by the names given with --host-name only)"
            )
        if self.allow_service:
            warnings.append(
                "SERVICE and LOAD may reach " + ", ".join(self.allow_service) + " from this host"
            )
        return warnings

    @property
    def update_token(self) -> str | None:
        return self._resolved_token

    @property
    def endpoint_url(self) -> str:
        """This endpoint's URL from the configuration alone, never from a request's Host.

        It is the base IRI of relative IRIs in queries and updates and the subject of the
        service description; the first ``--host-name`` when given, else the bound address.
        """
        host = self.host_names[0] if self.host_names else self.host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}/sparql"

    def host_policy(self) -> HostPolicy:
        return HostPolicy(
            bound_host=self.host, port=self.port, host_names=self.host_names, cors=self.cors
        )

    def worker_spec(self) -> WorkerSpec:
        return WorkerSpec(
            store_path=None if self.store is None else str(self.store),
            max_rows=self.max_rows,
            allow_service=tuple(self.allow_service),
            memory_limit=self.worker_memory,
            queries_dir=None if self.queries_dir is None else str(self.queries_dir),
            base_iri=self.endpoint_url,
        )


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --------------------------------------------------------------------------------------------
# Content negotiation
# --------------------------------------------------------------------------------------------


def parse_accept(header: str) -> list[tuple[str, str, float]]:
    """``Accept`` as (type, subtype, q) ranges; ranges with a malformed q are dropped."""
    ranges: list[tuple[str, str, float]] = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        mtype, _, subtype = media.partition("/")
        if not mtype or not subtype:
            continue
        q = 1.0
        ok = True
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    ok = False
                if not 0 <= q <= 1:
                    ok = False
        if ok:
            ranges.append((mtype, subtype, q))
    return ranges


def _match(ranges: Sequence[tuple[str, str, float]], media: str) -> tuple[float, int]:
    """q of the most specific range matching ``media`` (-1 if none), and its specificity."""
    mtype, _, subtype = media.partition("/")
    best_q, best_spec = -1.0, -1
    for rtype, rsub, q in ranges:
        if rtype == mtype and rsub == subtype:
            spec = 2
        elif rtype == mtype and rsub == "*":
            spec = 1
        elif rtype == "*" and rsub == "*":
            spec = 0
        else:
            continue
        if spec > best_spec or (spec == best_spec and q > best_q):
            best_q, best_spec = q, spec
    return best_q, best_spec


def negotiate(accept: str | None, offers: Mapping[str, Sequence[str]]) -> str | None:
    """The offered format the client prefers, or None when it accepts none of them.

    Highest q wins; on a tie, the format named by the more specific range, then the server's
    order (the first offer is the default: no Accept, ``*/*`` or an unparseable header). A
    format's first media type matches wildcards; its aliases (``application/json`` for SPARQL
    JSON results) only when the client names them.
    """
    names = list(offers)
    if accept is None or not accept.strip():
        return names[0]
    ranges = parse_accept(accept)
    if not ranges:
        return names[0]
    best: str | None = None
    best_key: tuple[float, int, int] | None = None
    for index, name in enumerate(names):
        for alias, media in enumerate(offers[name]):
            q, spec = _match(ranges, media)
            if q <= 0 or (alias and spec < 2):  # an alias counts only when named exactly
                continue
            key = (q, spec, -index)
            if best_key is None or key > best_key:
                best, best_key = name, key
    return best


def _override(values: Sequence[str], names: Mapping[str, str], offers: Mapping[str, Sequence[str]]
              ) -> str | None:
    """The first ``format`` value that names a format of this family (a name or media type)."""
    for value in values:
        v = value.strip().lower()
        if v in names:
            return names[v]
        for name, medias in offers.items():
            if v in medias:
                return name
    return None


def _choose(
    accept: str | None, format_values: Sequence[str], form: str | None
) -> tuple[str | None, str | None]:
    """(results format, graph format) for a query whose form may not be known yet."""
    rfmt = gfmt = None
    if form in (None, "SELECT", "ASK"):
        rfmt = _override(format_values, RESULT_NAMES, RESULT_OFFERS) or negotiate(
            accept, RESULT_OFFERS
        )
    if form in (None, "CONSTRUCT", "DESCRIBE"):
        gfmt = _override(format_values, GRAPH_NAMES, GRAPH_OFFERS) or negotiate(
            accept, GRAPH_OFFERS
        )
    return rfmt, gfmt


# --------------------------------------------------------------------------------------------
# Errors and responses
# --------------------------------------------------------------------------------------------


class HTTPError(Exception):
    """An error response decided in this process (not by a worker)."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    return _Response(
        error_body(status, code, message),
        status_code=status,
        media_type="application/json",
        headers=dict(headers or {}),
    )


def reply_response(reply: Reply) -> Response:
    if reply.status == 204:
        return _Response(status_code=204)
    headers = {"Vary": "Accept"}
    if reply.truncated:
        headers[TRUNCATED_HEADER] = "true"
    return _Response(
        reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers
    )


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


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http-error")
    message = {
        404: f"no such resource: {request.url.path} (see / or /api/openapi.json)",
        405: f"method {request.method} is not allowed here",
    }.get(exc.status_code, str(exc.detail))
    return error_response(exc.status_code, code, message, exc.headers)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def _on_claimgraph_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ClaimgraphError)
    return reply_response(error_for(exc))


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    return error_response(500, "internal-error", "internal server error")


class _Cors(CORSMiddleware):
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


def _media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def _charset(header: str | None) -> str:
    for part in (header or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return "utf-8"


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


def _decode(body: bytes, charset: str = "utf-8") -> str:
    if charset not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise HTTPError(415, "unsupported-media-type", f"charset {charset} is not supported; "
                        "send UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, "bad-request", "the request body is not valid UTF-8") from None


def _multi(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def _graph_iris(values: list[str], name: str) -> list[str]:
    for v in values:
        try:
            ox.NamedNode(v)
        except ValueError:
            raise HTTPError(400, "bad-request", f"{name} {v!r} is not an IRI") from None
        if ":" not in v:
            raise HTTPError(400, "bad-request", f"{name} {v!r} is not an absolute IRI")
    return values


# --------------------------------------------------------------------------------------------
# Service description, HTML page
# --------------------------------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
_SD_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def service_description(
    endpoint: str, *, update: bool = False, federated: bool = False
) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint, as triples."""
    s = ox.NamedNode(endpoint)
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def sd(local: str) -> ox.NamedNode:
        return ox.NamedNode(SD + local)

    triples = [
        ox.Triple(s, a, sd("Service")),
        ox.Triple(s, sd("endpoint"), s),
        ox.Triple(s, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(s, sd("feature"), sd("UnionDefaultGraph")),
    ]
    if update:
        triples.append(ox.Triple(s, sd("supportedLanguage"), sd("SPARQL11Update")))
    if federated:
        triples.append(ox.Triple(s, sd("feature"), sd("BasicFederatedQuery")))
    triples += [ox.Triple(s, sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in _SD_FORMATS]
    return triples


_SD_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def _serialize_sd(triples: list[ox.Triple], fmt: str) -> bytes:
    kwargs: dict[str, Any] = {}
    if fmt != "ntriples":
        kwargs["prefixes"] = {"sd": SD, "formats": FORMATS}
    data = ox.serialize(triples, format=_SD_RDF_FORMATS[fmt], **kwargs)
    assert isinstance(data, bytes)
    return data


_PAGE_STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}"
    "table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:.3em .6em;"
    "text-align:left;vertical-align:top}textarea{width:100%;font-family:monospace}"
    "code{background:#f4f4f4}"
)
_EXAMPLE_QUERY = (
    "PREFIX cg: <https://w3id.org/claimgraph/ontology#>\n"
    "SELECT ?class (COUNT(?x) AS ?n)\nWHERE { ?x a ?class }\nGROUP BY ?class\nORDER BY DESC(?n)"
)


def html_page(catalog: Catalog, config: ServerConfig) -> bytes:
    """The front page: the catalog with links, and a form that sends SPARQL to /sparql."""
    e = html.escape
    rows = []
    for q in catalog.values():
        link = "/api/queries/" + quote(q.name, safe="")
        params = []
        for p in q.params:
            default = f" (default {e(p.default)})" if p.default else ""
            params.append(f"<code>{e(p.name)}</code>: {e(p.type)}{default}")
        inputs = "".join(
            f' <label>{e(p.name)} <input name="{e(p.name)}" value="{e(p.default or "")}">'
            "</label>"
            for p in q.params
        )
        form = (
            f'<form action="{e(link)}" method="get">{inputs} '
            '<select name="format"><option>json</option><option>csv</option>'
            "<option>tsv</option><option>xml</option><option>turtle</option></select> "
            '<button type="submit">run</button></form>'
        )
        rows.append(
            f'<tr><td><a href="{e(link)}">{e(q.name)}</a></td><td>{e(q.summary)}'
            f"<br><small>{e(q.description)}</small></td><td>{'<br>'.join(params) or '-'}"
            f"</td><td>{form}</td></tr>"
        )
    mode = "updates allowed with a token" if config.allow_update else "read-only"
    body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>claimgraph SPARQL endpoint</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_PAGE_STYLE}</style></head><body>
<h1>claimgraph SPARQL endpoint</h1>
<p>SPARQL 1.1 endpoint: <code>/sparql</code> ({e(mode)}; queries stop after
{e(f"{config.timeout:g}")} s; at most {e(str(config.max_rows))} rows, marked by the header
<code>{TRUNCATED_HEADER}: true</code> when cut).
<a href="/sparql">Service description</a> · <a href="/api/queries">catalog (JSON)</a> ·
<a href="/api/openapi.json">OpenAPI</a> · <a href="/health">health</a></p>
<h2>Run a query</h2>
<form action="/sparql" method="get">
<textarea name="query" rows="10" cols="80">{e(_EXAMPLE_QUERY)}</textarea><br>
<label>format <select name="format"><option>json</option><option>xml</option>
<option>csv</option><option>tsv</option><option>turtle</option><option>ntriples</option>
<option>jsonld</option><option>rdfxml</option></select></label>
<button type="submit">run</button>
</form>
<h2>Stored queries</h2>
<table><thead><tr><th>name</th><th>summary</th><th>parameters</th><th>run</th></tr></thead>
<tbody>
{"".join(rows)}
</tbody></table>
<p><small>claimgraph {e(__version__)}</small></p>
</body></html>
"""
    return body.encode("utf-8")


_HTML_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


# --------------------------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------------------------


class _Endpoint:
    """The request handlers, sharing the config, the catalog and the worker pool."""

    def __init__(self, config: ServerConfig, catalog: Catalog, pool: WorkerPool) -> None:
        self.config = config
        self.catalog = catalog
        self.pool = pool
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
        return _Response(self.page, media_type="text/html; charset=utf-8", headers=_HTML_HEADERS)

    async def health(self, request: Request) -> Response:
        body = json.dumps(self.pool.health()).encode("utf-8")
        return _Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})

    async def list_queries(self, request: Request) -> Response:
        return _Response(self.catalog_json, media_type="application/json")

    async def openapi(self, request: Request) -> Response:
        return _Response(self.openapi_json, media_type="application/json")

    # ---- stored queries ----

    async def stored_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        query = self._stored(name)
        declared = {p.name for p in query.params}
        values: dict[str, str] = {}
        formats: list[str] = []
        for key, value in request.query_params.multi_items():
            if key == "format" and "format" not in declared:
                formats.append(value)
                continue
            if key in values:
                raise HTTPError(400, "bad-parameter", f"parameter {key!r} is given twice")
            values[key] = value
        rfmt, gfmt = _choose(request.headers.get("accept"), formats, query.form)
        if rfmt is None and gfmt is None:
            raise _not_acceptable(query.form)
        if request.method == "HEAD":
            return _head_response(rfmt, gfmt)
        return reply_response(await self.pool.run(("stored", name, values, rfmt, gfmt)))

    def _stored(self, name: str) -> StoredQuery:
        try:
            return self.catalog.get_query(name)
        except UnknownQueryError as e:
            message = e.message.replace("(claimgraph queries lists them)", "(GET /api/queries "
                                        "lists them)")
            raise HTTPError(e.http_status, e.code, message) from None

    # ---- SPARQL protocol ----

    async def sparql(self, request: Request) -> Response:
        url_params = list(request.query_params.multi_items())
        if request.method in ("GET", "HEAD"):
            return await self._protocol(request, _multi(url_params), via_get=True)
        content_type = request.headers.get("content-type")
        media = _media_type(content_type)
        if media == FORM:
            body = await read_body(request, self.config.max_body, self.config.read_timeout)
            text = _decode(body, _charset(content_type))
            try:
                pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False,
                                  errors="strict")
            except (ValueError, UnicodeDecodeError):
                raise HTTPError(400, "bad-request", "the form body is not valid") from None
            return await self._protocol(request, _multi(pairs), via_get=False)
        if media == SPARQL_QUERY:
            body = await read_body(request, self.config.max_body, self.config.read_timeout)
            params = _multi(url_params)
            if "query" in params or "update" in params:
                raise HTTPError(400, "bad-request", "with Content-Type application/sparql-query "
                                "the query is the body; do not also pass query= or update=")
            params["query"] = [_decode(body, _charset(content_type))]
            return await self._protocol(request, params, via_get=False)
        if media == SPARQL_UPDATE:
            self._authorize(request)
            body = await read_body(request, self.config.max_body, self.config.read_timeout)
            params = _multi(url_params)
            if "query" in params or "update" in params:
                raise HTTPError(400, "bad-request", "with Content-Type application/sparql-update "
                                "the update is the body; do not also pass query= or update=")
            return await self._update(_decode(body, _charset(content_type)), params)
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
        if len(queries) > 1:
            raise HTTPError(400, "bad-request", "give exactly one query parameter")
        text = queries[0]
        default = params.get("default-graph-uri")
        named = params.get("named-graph-uri")
        if default is not None or named is not None:
            # SPARQL protocol: a dataset given in the request replaces the service's, and
            # a part that is not given is empty.
            default = _graph_iris(default or [], "default-graph-uri")
            named = _graph_iris(named or [], "named-graph-uri")
        # The worker guards the text (size, depth, SERVICE) before its parser sees it.
        rfmt, gfmt = _choose(request.headers.get("accept"), params.get("format", []), None)
        if rfmt is None and gfmt is None:
            raise _not_acceptable(None)
        if request.method == "HEAD":
            form = query_form(text)
            return _head_response(
                rfmt if form in ("SELECT", "ASK") else None,
                gfmt if form in ("CONSTRUCT", "DESCRIBE") else None,
            )
        reply = await self.pool.run(("query", text, default, named, rfmt, gfmt))
        return reply_response(reply)

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
            from .update_dataset import with_protocol_dataset

            text = with_protocol_dataset(
                text,
                _graph_iris(using or [], "using-graph-uri"),
                _graph_iris(using_named or [], "using-named-graph-uri"),
            )
        guard_query(text, allow_service=self.config.allow_service, update=True)
        return reply_response(await self.pool.update(text))

    def _service_description(self, request: Request) -> Response:
        offers: dict[str, tuple[str, ...]] = {**GRAPH_OFFERS, "html": ("text/html",)}
        fmt = negotiate(request.headers.get("accept"), offers)
        if fmt is None:
            raise _not_acceptable("CONSTRUCT")
        if fmt == "html":
            return _Response(
                self.page, media_type="text/html; charset=utf-8", headers=_HTML_HEADERS
            )
        triples = service_description(
            self.config.endpoint_url,
            update=self.config.allow_update,
            federated=bool(self.config.allow_service),
        )
        return _Response(
            _serialize_sd(triples, fmt),
            media_type=GRAPH_MEDIA[fmt],
            headers={"Vary": "Accept"},
        )


def _head_response(rfmt: str | None, gfmt: str | None) -> Response:
    """HEAD: the headers a GET would send, without running the query.

    Running it would cost a worker for up to the time limit to send nothing; the length of the
    body is unknown without running it, so no Content-Length is sent.
    """
    media = RESULT_MEDIA[rfmt] if rfmt else GRAPH_MEDIA[gfmt] if gfmt else None
    response = _Response(b"", status_code=200, media_type=media, headers={"Vary": "Accept"})
    response.raw_headers = [(k, v) for k, v in response.raw_headers if k != b"content-length"]
    return response


def _not_acceptable(form: str | None) -> HTTPError:
    if form in ("SELECT", "ASK"):
        offered = ", ".join(m[0] for m in RESULT_OFFERS.values())
    elif form in ("CONSTRUCT", "DESCRIBE"):
        offered = ", ".join(m[0] for m in GRAPH_OFFERS.values())
    else:
        offered = ", ".join(m[0] for m in [*RESULT_OFFERS.values(), *GRAPH_OFFERS.values()])
    return HTTPError(406, "not-acceptable", f"no acceptable media type; this offers {offered}")


def create_app(config: ServerConfig, *, pool: WorkerPool | None = None) -> Starlette:
    """The Starlette application; its lifespan starts and stops the worker pool."""
    config.check()
    catalog = load_catalog(config.queries_dir)
    if pool is None:
        pool = WorkerPool(config.worker_spec(), size=config.workers, timeout=config.timeout)
    endpoint = _Endpoint(config, catalog, pool)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.close()

    routes = [
        Route("/", endpoint.home, methods=["GET"]),
        Route("/health", endpoint.health, methods=["GET"]),
        Route("/sparql", endpoint.sparql, methods=["GET", "POST"], name="sparql"),
        Route("/api/queries", endpoint.list_queries, methods=["GET"]),
        Route("/api/openapi.json", endpoint.openapi, methods=["GET"]),
        Route("/api/queries/{name}", endpoint.stored_query, methods=["GET"]),
    ]
    middleware: list[Middleware] = [
        Middleware(HostGuardMiddleware, policy=config.host_policy(), refuse=_forbidden)
    ]
    if config.cors:
        middleware.append(
            Middleware(
                _Cors,
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
            HTTPException: _on_http_exception,
            HTTPError: _on_http_error,
            ClaimgraphError: _on_claimgraph_error,
            Exception: _on_unexpected,
        },
        lifespan=lifespan,
    )
    app.state.pool = pool
    app.state.config = config
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


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


def _listen(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise InputError(f"cannot resolve --host {host}: {e.strerror}") from None
    family, kind, proto, _, address = infos[0]
    # The protocol must be IPPROTO_TCP (not 0): asyncio sets TCP_NODELAY only on such sockets,
    # and without it every keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as e:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.set_inheritable(False)
    return sock


#: The longest request target (path and query string) served. httptools' URL parser stops at
#: 65,535 bytes (its offsets are 16-bit), so this is the real limit of a GET; longer queries
#: go by POST. Checked as the URL arrives, so that a longer one is not even buffered.
MAX_URL = 65535


def _http_protocol(head_timeout: float) -> type[asyncio.Protocol]:
    """uvicorn's httptools protocol with our limits, and its errors in our JSON shape.

    uvicorn answers a request it cannot parse with a plain-text 400, never cuts off a client
    that sends its request head slowly (or opens a connection and sends nothing), and lets the
    URL grow until httptools fails on it; here the head must be complete within
    ``head_timeout`` seconds (408), and a URL over :data:`MAX_URL` bytes is a 414.
    """
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class Protocol(HttpToolsProtocol):
        _head_timer: asyncio.TimerHandle | None = None
        _url_too_long = False
        _got_bytes = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_head_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_head_timer()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            self._got_bytes = True
            super().data_received(data)

        def on_url(self, url: bytes) -> None:
            super().on_url(url)
            if len(self.url) > MAX_URL:
                self._url_too_long = True
                raise ValueError("URL too long")  # stops the parser: send_400_response follows

        def on_headers_complete(self) -> None:
            self._disarm_head_timer()
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and not self.pipeline:
                self._got_bytes = False
                self._arm_head_timer()

        def _arm_head_timer(self) -> None:
            self._disarm_head_timer()
            self._head_timer = self.loop.call_later(head_timeout, self._head_timed_out)

        def _disarm_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timed_out(self) -> None:
            self._head_timer = None
            if self.transport.is_closing():
                return
            if self.cycle is not None and not self.cycle.response_complete:
                return  # a request is being answered; its own deadlines apply
            if not self._got_bytes:
                self.transport.close()  # an idle connection: nothing to answer
                return
            message = f"the request head did not arrive within {head_timeout:g} s"
            self._send_error(408, "request-timeout", message)

        def send_400_response(self, msg: str) -> None:
            if self._url_too_long:
                self._send_error(
                    414,
                    "uri-too-long",
                    f"the request URL is longer than {MAX_URL} bytes; send a long query with "
                    "POST (application/sparql-query or a form)",
                )
            else:
                self._send_error(400, "bad-request", "the request is not valid HTTP/1.1")

        def _send_error(self, status: int, code: str, message: str) -> None:
            body = error_body(status, code, message)
            phrase = {400: "Bad Request", 408: "Request Timeout", 414: "URI Too Long"}[status]
            head = [
                f"HTTP/1.1 {status} {phrase}",
                "content-type: application/json",
                f"content-length: {len(body)}",
                "x-content-type-options: nosniff",
                "connection: close",
            ]
            self.transport.write(("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body)
            self.transport.close()

    return Protocol


def run(config: ServerConfig, *, echo: Any = None) -> None:
    """Validate, load the store, listen, and serve until interrupted (Ctrl-C or SIGTERM)."""
    say = echo or (lambda line: print(line, file=sys.stderr, flush=True))
    for warning in config.check():
        say(f"claimgraph: warning: {warning}")
    sock = _listen(config.host, config.port)
    host, port = sock.getsockname()[:2]
    config.port = port  # with --port 0, the Host check and the base IRI need the real port
    try:
        app = create_app(config)
        app.state.pool.prepare()  # bad data or an unusable store fail here, with one line
    except BaseException:
        sock.close()
        raise
    shown = f"[{host}]" if ":" in host else host
    import uvicorn

    say(
        f"claimgraph: serving SPARQL at http://{shown}:{port}/sparql "
        f"({config.workers} workers, {config.timeout:g} s limit, "
        f"{'updates with token' if config.allow_update else 'read-only'}); Ctrl-C stops"
    )
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            server_header=False,
            proxy_headers=False,
            timeout_graceful_shutdown=5,
            http=_http_protocol(config.read_timeout),
            timeout_keep_alive=5,  # an idle keep-alive connection is closed after 5 s
        )
    )
    server.run(sockets=[sock])
