"""The endpoint's own documents: the SPARQL service description and the HTML front page.

Built once when the app starts (they depend only on the config and the catalog).
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from .. import __version__, formats
from ..catalog import Catalog
from .config import ServerConfig
from .protocol import TRUNCATED_HEADER

__all__ = ["HTML_HEADERS", "html_page", "serialize_service_description", "service_description"]

SD = "http://www.w3.org/ns/sparql-service-description#"
#: Every results and graph format the endpoint writes, from the format registry.
_SERVED = [f for f in formats.FORMATS if f.family in ("results", "graph")]


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
    triples += [
        ox.Triple(s, sd("resultFormat"), ox.NamedNode(f.w3c_iri)) for f in _SERVED if f.w3c_iri
    ]
    return triples


_SD_RDF_FORMATS: dict[str, ox.RdfFormat] = {
    f.name: f.ox_format for f in _SERVED if isinstance(f.ox_format, ox.RdfFormat)
}


def serialize_service_description(triples: list[ox.Triple], fmt: str) -> bytes:
    kwargs: dict[str, Any] = {}
    if fmt != "ntriples":
        kwargs["prefixes"] = {"sd": SD, "formats": formats.W3C_FORMATS}
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


#: The format family each query form answers in.
_FAMILY = {"SELECT": "results", "ASK": "results", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


def _options(*families: str) -> str:
    return "".join(f"<option>{name}</option>" for name in formats.names(*families))


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
            f'<select name="format">{_options(_FAMILY[q.form])}</select> '
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
<label>format <select name="format">{_options("results", "graph")}</select></label>
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


HTML_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
