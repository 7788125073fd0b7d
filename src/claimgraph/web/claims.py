"""The claims list (``/``) and the claim page (``/claim/DOC/SLUG``).

The list is a plain GET form: facets and search words are query parameters, so a filtered
list is a URL (shareable, the back button works) and the page works without JavaScript. Only
one page of rows is fetched (``LIMIT``/``OFFSET`` inside the query), plus a count and the facet
values; at thousands of claims a page still costs a few bounded queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from . import model
from .data import PageError, Rows, as_int, find_document_text, select_many, span_in_text
from .render import page

if TYPE_CHECKING:
    from ..endpoint.app import Endpoint

__all__ = ["claim_page", "claims_list", "read_filters"]


def read_filters(request: Request) -> model.ListFilters:
    """The list's filters from the URL; PageError 400 for a value that is not an IRI."""
    values = []
    for facet in model.FACETS:
        for value in request.query_params.getlist(facet):
            if not value:
                continue
            try:
                model.iri(value)
            except ValueError:
                raise PageError(400, f"the {facet} filter must be an IRI, not {value!r}") from None
            values.append((facet, value))
    contested = request.query_params.get("contested", "")
    if contested not in ("", "yes", "no"):
        raise PageError(400, "contested takes yes or no")
    search = request.query_params.get("q", "")[:200]
    return model.ListFilters(tuple(values), contested, search)


async def claims_list(endpoint: Endpoint, request: Request) -> Response:
    filters = read_filters(request)
    page_number = max(1, as_int(request.query_params.get("page"), 1))
    offset = (page_number - 1) * model.PAGE_SIZE
    queries = {"rows": model.list_query(filters, offset), "count": model.count_query(filters)}
    queries.update({f"facet:{k}": v for k, v in model.facet_queries().items()})
    answers = await select_many(endpoint, queries)
    total = as_int(answers["count"].values()[0].get("n") if answers["count"].rows else 0)
    pages = max(1, -(-total // model.PAGE_SIZE))
    chosen = {(facet, value) for facet, value in filters.values}
    facets = []
    for name, title in model.FACET_TITLES.items():
        options = [
            {"value": r["v"], "label": r.get("l") or r["v"], "count": r.get("n", "0"),
             "selected": (name, r["v"]) in chosen}
            for r in answers[f"facet:{name}"].values()
        ]
        facets.append({"name": name, "title": title, "options": options})

    def page_link(n: int) -> str:
        items = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
        if n > 1:
            items.append(("page", str(n)))
        return "/" + ("?" + urlencode(items) if items else "")

    return page(
        request, "claims.html", title="Claims",
        rows=answers["rows"].values(), total=total, page_number=page_number, pages=pages,
        prev_link=page_link(page_number - 1) if page_number > 1 else None,
        next_link=page_link(page_number + 1) if page_number < pages else None,
        facets=facets, filters=filters, filtered=bool(filters.values or filters.contested
                                                      or filters.search),
    )


def _graph(claim: str, label: str, answers: dict[str, Rows]) -> dict[str, Any]:
    """The neighbourhood picture as Cytoscape elements: the claim, its sources, related claims
    and the agents and events it names."""
    nodes: dict[str, dict[str, str]] = {claim: {"id": claim, "label": label, "kind": "claim"}}
    edges: list[dict[str, str]] = []

    def add(node: str, text: str, kind: str, source: str, target: str, rel: str) -> None:
        nodes.setdefault(node, {"id": node, "label": text, "kind": kind})
        edges.append({"id": f"e{len(edges)}", "source": source, "target": target, "label": rel})

    for r in answers["sources"].values():
        text = r.get("title") or r["s"]
        if r["side"] == "backing":
            add(r["s"], text, "source", claim, r["s"], "backed by")
        elif "via" in r:
            add(r["via"], r.get("viaLabel", r["via"]), "claim-other", r["via"], claim,
                "challenges")
            add(r["s"], text, "disputing", r["via"], r["s"], "cites")
    for r in answers["related"].values():
        src, dst = (claim, r["other"]) if r["dir"] == "out" else (r["other"], claim)
        add(r["other"], r.get("l", r["other"]), "claim-other", src, dst, r["rel"])
    for r in answers["agents"].values():
        kind = "event" if r.get("isEvent") == "true" else "agent"
        add(r["v"], r.get("l", r["v"]), kind, claim, r["v"], r["role"])
    return {"nodes": list(nodes.values()), "edges": edges}


async def claim_page(endpoint: Endpoint, request: Request) -> Response:
    doc, slug = request.path_params["doc"], request.path_params["slug"]
    claim = model.claim_iri(doc, slug)
    try:
        queries = model.claim_queries(claim)
    except ValueError:
        raise PageError(404, f"no claim {doc}/{slug}") from None
    answers = await select_many(endpoint, queries)
    main = answers["main"].values()
    if not main:
        raise PageError(404, f"no claim {doc}/{slug} in the graph")
    info = main[0]
    span = None
    if "start" in info and "sha" in info:
        path = find_document_text(info.get("file"), info.get("docSha"))
        span = span_in_text(path, as_int(info["start"]), as_int(info["end"]), info["sha"])
    agents: dict[str, list[dict[str, str]]] = {}
    for r in answers["agents"].values():
        agents.setdefault(r["role"], []).append(r)
    sources = answers["sources"].values()
    graph = _graph(claim, info["label"], answers)
    # YASGUI opens with the stored claim-provenance query, its ?claim fixed to this claim
    provenance = endpoint.catalog.get("claim-provenance")
    editor_query = provenance.text.replace("?claim", f"<{claim}>") if provenance else ""
    return page(
        request, "claim.html", title=info["label"], claim=claim, doc=doc, slug=slug,
        info=info, span=span, agents=agents,
        kinds=[r for r in answers["kinds"].values() if r["role"] == "kind"],
        modality=[r for r in answers["kinds"].values() if r["role"] == "modality"],
        backing=[r for r in sources if r["side"] == "backing"],
        disputing=[r for r in sources if r["side"] == "disputing"],
        related_out=[r for r in answers["related"].values() if r["dir"] == "out"],
        related_in=[r for r in answers["related"].values() if r["dir"] == "in"],
        graph=graph,
        editor_link="/editor?" + urlencode({"query": editor_query}) if editor_query else None,
    )
