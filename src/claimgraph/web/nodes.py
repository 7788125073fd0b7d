"""Pages of the other nodes: a source, an actor, an event, the event timeline, a document.

Each is a handful of bounded queries about one IRI (``model.py``), rendered by one template.
The document page also checks every anchor of the document against its text, the same check
``claimgraph validate`` makes, so a reader sees at once whether the offsets still hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from . import model
from .data import PageError, as_int, find_document_text, select, select_many
from .render import page

if TYPE_CHECKING:
    from ..endpoint.app import Endpoint

__all__ = ["actor_page", "document_page", "event_page", "source_page", "timeline_page"]


def _group(rows: list[dict[str, str]], key: str) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return out


def _queries(build: Callable[[str], dict[str, str]], iri: str) -> dict[str, str]:
    """The page's queries about ``iri``; a path segment that makes no IRI is no page (404)."""
    try:
        return build(iri)
    except ValueError:
        raise PageError(404, "no such page") from None


async def _node(
    endpoint: Endpoint,
    request: Request,
    namespace: str,
    build: Callable[[str], dict[str, str]],
    kind: str,
) -> tuple[str, dict, dict[str, str]]:
    """The node's IRI, the answers of its page's queries, and its main row (404 if none)."""
    iri = namespace + request.path_params["slug"]
    answers = await select_many(endpoint, _queries(build, iri))
    main = answers["main"].values()
    if not main:
        raise PageError(404, f"no {kind} {request.path_params['slug']} in the graph")
    return iri, answers, main[0]


async def source_page(endpoint: Endpoint, request: Request) -> Response:
    source, answers, info = await _node(
        endpoint, request, model.SOURCE, model.source_queries, "source"
    )
    claims = answers["claims"].values()
    documents = sorted({r["doc"] for r in claims if "doc" in r})
    return page(request, "source.html", title=info.get("title") or source, iri=source,
                info=info, claims=_group(claims, "how"), documents=documents)


async def actor_page(endpoint: Endpoint, request: Request) -> Response:
    actor, answers, info = await _node(endpoint, request, model.ACTOR, model.actor_queries, "actor")
    return page(request, "actor.html", title=info.get("l") or actor, iri=actor, info=info,
                claims=_group(answers["claims"].values(), "how"),
                works=answers["works"].values())


async def event_page(endpoint: Endpoint, request: Request) -> Response:
    event, answers, info = await _node(endpoint, request, model.EVENT, model.event_queries, "event")
    return page(request, "event.html", title=info.get("l") or event, iri=event, info=info,
                actors=answers["actors"].values(),
                claims=_group(answers["claims"].values(), "how"))


async def timeline_page(endpoint: Endpoint, request: Request) -> Response:
    rows = (await select(endpoint, model.events_query())).values()
    for r in rows:
        r["actor_list"] = r.get("actors", "").split()  # type: ignore[assignment]
    return page(request, "events.html", title="Event timeline", events=rows)


async def document_page(endpoint: Endpoint, request: Request) -> Response:
    doc = model.DOC + request.path_params["doc"]
    answers = await select_many(endpoint, _queries(model.document_queries, doc))
    main = answers["main"].values()
    if not main:
        raise PageError(404, f"no document {request.path_params['doc']} in the graph")
    info = main[0]
    path = find_document_text(info.get("file"), info.get("sha"))
    anchors = answers["anchors"].values()
    checked = bad = 0
    if path is not None:
        text = path.read_text(encoding="utf-8")
        for a in anchors:
            checked += 1
            span = text[as_int(a["start"]):as_int(a["end"])]
            if hashlib.sha256(span.encode("utf-8")).hexdigest() != a["sha"]:
                bad += 1
    counts = answers["counts"].values()
    return page(request, "document.html", title=info.get("title") or doc, iri=doc,
                slug=request.path_params["doc"], info=info,
                sections=answers["sections"].values(), counts=counts[0] if counts else {},
                unresolved=answers["unresolved"].values(), text_found=path is not None,
                anchors=len(anchors), checked=checked, bad=bad,
                anchors_cut=answers["anchors"].truncated)
