"""Stored-query pages in the manner of Datasette, the downloads, and the SPARQL editor.

``/queries/NAME`` shows the query's description, a GET form built from its typed parameters
(defaults filled in; a parameter typed with a class offers that class's nodes as a select)
and the answer as a table. ``/queries/NAME.csv`` (``.json``, ``.ttl``, ``.jsonld``) is the
same request as ``/api/queries/NAME`` with the format fixed, so the download is the bytes the
API sends. Everything runs as the API runs it: ``Endpoint.stored_job`` and the worker pool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from ..catalog import StoredQuery
from ..endpoint.protocol import HTTPError
from ..endpoint.responses import reply_response
from . import model
from .data import PageError, error_message, parse_results, select
from .render import page

if TYPE_CHECKING:
    from ..endpoint.app import Endpoint

__all__ = ["SUFFIX_FORMATS", "claim_data", "editor_page", "queries_index", "query_data",
           "query_page"]

#: Download suffix -> format name of the registry.
SUFFIX_FORMATS = {"csv": "csv", "json": "json", "tsv": "tsv", "ttl": "turtle",
                  "jsonld": "jsonld"}


def _query(endpoint: Endpoint, name: str) -> StoredQuery:
    if name not in endpoint.catalog:
        raise PageError(404, f"no stored query {name!r}")
    return endpoint.catalog[name]


def _given(request: Request, query: StoredQuery) -> list[tuple[str, str]]:
    declared = {p.name for p in query.params}
    return [(k, v) for k, v in request.query_params.multi_items() if k in declared and v]


async def _run(endpoint: Endpoint, name: str, items: list[tuple[str, str]], fmt: str) -> Any:
    try:
        job = endpoint.stored_job(name, [*items, ("format", fmt)], None)
    except HTTPError as e:
        raise PageError(e.status, e.message) from None
    return await endpoint.answer(job)


async def _enumerated(endpoint: Endpoint, name: str) -> list[dict[str, str]]:
    """The values (first column) and labels (second, if any) the stored query ``name`` lists."""
    reply = await _run(endpoint, name, [], "json")
    if not reply.ok:
        raise PageError(reply.status, error_message(reply.body))
    table = parse_results(reply.body)
    if not table.names:
        return []
    first, label = table.names[0], table.names[1] if len(table.names) > 1 else table.names[0]
    seen: dict[str, str] = {}
    for row in table.rows:
        if first in row and row[first][0] not in seen:
            seen[row[first][0]] = row.get(label, row[first])[0]
    return [{"value": v, "label": text} for v, text in seen.items()]


async def queries_index(endpoint: Endpoint, request: Request) -> Response:
    return page(request, "queries.html", title="Stored queries",
                queries=list(endpoint.catalog.values()))


async def query_page(endpoint: Endpoint, request: Request) -> Response:
    name = request.path_params["name"]
    query = _query(endpoint, name)
    items = _given(request, query)
    given = dict(items)
    fields = []
    for p in query.params:
        options: list[dict[str, str]] = []
        if p.enumerate:  # the header names a stored query that lists the allowed values
            options = await _enumerated(endpoint, p.enumerate)
        elif p.type == "iri" and p.class_iri:
            rows = (await select(endpoint, model.instances_query(p.class_iri))).values()
            options = [{"value": r["v"], "label": r.get("l") or r["v"]} for r in rows]
        value = given.get(p.name, p.default or "")
        for o in options:  # a default may be a short name: select the IRI it names
            if value and not any(x["value"] == value for x in options) and (
                    o["value"].endswith("/" + value)):
                value = o["value"]
        fields.append({"param": p, "value": value, "options": options})
    table = turtle = None
    error = None
    truncated = False
    fmt = "json" if query.form in ("SELECT", "ASK") else "turtle"
    reply = await _run(endpoint, name, items, fmt)
    if not reply.ok:
        error = error_message(reply.body)
    elif fmt == "json":
        table = parse_results(reply.body, reply.truncated)
        truncated = reply.truncated
    else:
        turtle = reply.body.decode("utf-8", "replace")
        truncated = reply.truncated
    suffixes = ["csv", "json"] if fmt == "json" else ["ttl", "jsonld"]
    downloads = [(s, f"/queries/{name}.{s}" + (f"?{urlencode(items)}" if items else ""))
                 for s in suffixes]
    return page(request, "query.html", title=name, query=query, fields=fields, table=table,
                turtle=turtle, error=error, truncated=truncated, downloads=downloads,
                status=200 if error is None else 400)


async def query_data(endpoint: Endpoint, request: Request) -> Response:
    name, suffix = request.path_params["name"], request.path_params["suffix"]
    if suffix not in SUFFIX_FORMATS:
        raise PageError(404, f"no download .{suffix}; try .csv, .json, .ttl or .jsonld")
    query = _query(endpoint, name)
    return reply_response(await _run(endpoint, name, _given(request, query),
                                     SUFFIX_FORMATS[suffix]))


async def claim_data(endpoint: Endpoint, request: Request) -> Response:
    """``/claim/DOC/SLUG.ttl`` and ``.jsonld``: the claim-provenance query for that claim."""
    suffix = request.path_params["suffix"]
    if suffix not in ("ttl", "jsonld"):
        raise PageError(404, "a claim is offered as .ttl or .jsonld")
    claim = model.claim_iri(request.path_params["doc"], request.path_params["slug"])
    _query(endpoint, "claim-provenance")
    reply = await _run(endpoint, "claim-provenance", [("claim", claim)], SUFFIX_FORMATS[suffix])
    return reply_response(reply)


async def editor_page(endpoint: Endpoint, request: Request) -> Response:
    initial = request.query_params.get("query") or (
        "PREFIX cg: <https://w3id.org/claimgraph/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?claim ?label WHERE { ?claim a cg:Claim ; rdfs:label ?label } LIMIT 20")
    return page(request, "editor.html", title="SPARQL editor", initial=initial[:20000],
                limits={"timeout": endpoint.config.timeout, "rows": endpoint.config.max_rows})
