"""The one registry of output formats: names, families, media types, aliases, extensions.

CLI choices, content negotiation, the ``format`` override, OpenAPI and the HTML form all
derive from :data:`FORMATS`, so that adding a format is one entry here (plus its writer in
``render``/``serialize``) instead of an edit to every table that used to list formats.

Names are unique across the registry; aliases and media types are unique within a family, not
across families, because the endpoint's ``format=json`` means SPARQL JSON results for a SELECT
but JSON-LD for a CONSTRUCT (and ``application/json`` likewise). Lookups therefore take the
families to search; without them a name wins over an alias and the registry order decides.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .errors import ParameterError

__all__ = [
    "Format",
    "FORMATS",
    "FAMILIES",
    "W3C_FORMATS",
    "get",
    "find",
    "names",
    "offers",
    "for_media",
]

W3C_FORMATS = "http://www.w3.org/ns/formats/"

#: The families, in registry order: SELECT/ASK results, one graph, quads, a table for people.
FAMILIES = ("results", "graph", "dataset", "text")


@dataclass(frozen=True)
class Format:
    """One output format; ``media_types[0]`` is what we send, the rest we also accept."""

    name: str
    family: str
    media_types: tuple[str, ...]
    aliases: tuple[str, ...]
    extension: str
    ox_format: object | None
    #: Whether a graph format can also carry named graphs (JSON-LD can; Turtle cannot).
    holds_datasets: bool = False
    #: Local name in http://www.w3.org/ns/formats/ for service descriptions (pyoxigraph's own
    #: ``iri`` for JSON-LD is a different, newer IRI).
    w3c_name: str | None = None

    @property
    def w3c_iri(self) -> str | None:
        """The format's IRI in the W3C formats namespace, as sd:resultFormat names it."""
        return W3C_FORMATS + self.w3c_name if self.w3c_name else None

    @property
    def content_type(self) -> str:
        """The Content-Type header sent: text types say their charset (always UTF-8)."""
        media = self.media_types[0]
        return media + "; charset=utf-8" if media.startswith("text/") else media


FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "results",
        ("application/sparql-results+json", "application/json"),
        (),
        "srj",
        ox.QueryResultsFormat.JSON,
        w3c_name="SPARQL_Results_JSON",
    ),
    Format(
        "xml",
        "results",
        ("application/sparql-results+xml", "application/xml", "text/xml"),
        (),
        "srx",
        ox.QueryResultsFormat.XML,
        w3c_name="SPARQL_Results_XML",
    ),
    Format(
        "csv",
        "results",
        ("text/csv",),
        (),
        "csv",
        ox.QueryResultsFormat.CSV,
        w3c_name="SPARQL_Results_CSV",
    ),
    Format(
        "tsv",
        "results",
        ("text/tab-separated-values",),
        (),
        "tsv",
        ox.QueryResultsFormat.TSV,
        w3c_name="SPARQL_Results_TSV",
    ),
    Format("table", "text", ("text/plain",), (), "txt", None),
    Format(
        "turtle",
        "graph",
        ("text/turtle", "application/x-turtle", "application/turtle"),
        ("ttl",),
        "ttl",
        ox.RdfFormat.TURTLE,
        w3c_name="Turtle",
    ),
    Format(
        "ntriples",
        "graph",
        ("application/n-triples",),
        ("nt",),
        "nt",
        ox.RdfFormat.N_TRIPLES,
        w3c_name="N-Triples",
    ),
    Format(
        "jsonld",
        "graph",
        ("application/ld+json", "application/json"),
        ("json-ld", "json"),
        "jsonld",
        ox.RdfFormat.JSON_LD,
        holds_datasets=True,
        w3c_name="JSON-LD",
    ),
    Format(
        "rdfxml",
        "graph",
        ("application/rdf+xml",),
        ("rdf", "xml"),
        "rdf",
        ox.RdfFormat.RDF_XML,
        w3c_name="RDF_XML",
    ),
    Format(
        "trig", "dataset", ("application/trig",), (), "trig", ox.RdfFormat.TRIG, w3c_name="TriG"
    ),
    Format(
        "nquads",
        "dataset",
        ("application/n-quads",),
        ("nq",),
        "nq",
        ox.RdfFormat.N_QUADS,
        w3c_name="N-Quads",
    ),
)


def _among(families: tuple[str, ...]) -> list[Format]:
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown format families {unknown}; use {', '.join(FAMILIES)}")
    return [f for f in FORMATS if not families or f.family in families]


def get(name: str, *families: str) -> Format:
    """The format called ``name`` (a name or an alias) among ``families`` (all if none)."""
    candidates = _among(families)
    key = name.strip().lower()
    for f in candidates:
        if f.name == key:
            return f
    for f in candidates:
        if key in f.aliases:
            return f
    raise ParameterError(
        f"unknown format {name!r}; use one of {', '.join(f.name for f in candidates)}"
    )


def find(name: str, *families: str) -> Format | None:
    """Like :func:`get`, but None for an unknown name (for the endpoint's ``format`` override)."""
    try:
        return get(name, *families)
    except ParameterError:
        return None


def names(*families: str) -> list[str]:
    """Format names of ``families`` in registry order, e.g. for CLI choices."""
    return [f.name for f in _among(families)]


def offers(*families: str) -> dict[str, tuple[str, ...]]:
    """Name to media types for content negotiation (the first media type is the one sent)."""
    return {f.name: f.media_types for f in _among(families)}


def for_media(media_type: str, *families: str) -> Format | None:
    """The format a media type names (parameters and case ignored), or None."""
    media = media_type.split(";", 1)[0].strip().lower()
    for f in _among(families):
        if media in f.media_types:
            return f
    return None
