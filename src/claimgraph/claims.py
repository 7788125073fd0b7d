"""Listing and searching claims, for ``claimgraph claims``: the one view no stored query gives.

A stored query answers one question with fixed parameters; an analyst starting out wants to
browse, so the filters here are all optional. Every user value becomes a validated pyoxigraph
term (``to_term``) or a literal first, and enters the query only as that term's N-Triples form
in a ``VALUES`` row (pyoxigraph's substitutions must be projected, and these are not).
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from .binding import to_term
from .catalog import Parameter
from .sparql import QueryResult, execute
from .terms import CG, PREFIXES

__all__ = ["CLAIMS_QUERY", "list_claims"]

#: One row per claim; several asserters are joined into one cell, first by IRI.
CLAIMS_QUERY = """
PREFIX cg:      <https://w3id.org/claimgraph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa:      <http://www.w3.org/ns/oa#>
PREFIX prov:    <http://www.w3.org/ns/prov#>
PREFIX rdfs:    <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?claim ?label ?type (MIN(?by) AS ?assertedBy) (COUNT(DISTINCT ?by) AS ?asserters) ?doc
WHERE {
  VALUES (?wantDoc ?wantKind ?search ?wantVoice) { %s }
  ?claim a cg:Claim ;
         rdfs:label ?label ;
         cg:claimType ?type ;
         prov:wasAttributedTo ?by ;
         cg:anchor/oa:hasSelector/oa:start ?start .
  OPTIONAL { ?claim cg:statedIn ?doc }
  FILTER (!BOUND(?wantDoc) || ?doc = ?wantDoc)
  FILTER (!BOUND(?wantKind) || ?type = ?wantKind)
  FILTER (!BOUND(?search) || CONTAINS(LCASE(STR(?label)), LCASE(STR(?search))))
  FILTER (!BOUND(?wantVoice) || EXISTS { ?claim prov:wasAttributedTo ?wantVoice })
}
GROUP BY ?claim ?label ?type ?doc ?start
ORDER BY ?doc ?start ?claim ?type ?label
"""

_DOC = Parameter("doc", "iri", "the document", CG + "Document")
_VOICE = Parameter("voice", "iri", "the voice asserting the claim", CG + "Actor")
_KIND = Parameter("kind", "iri", "the claim type (ctype:factual, ctype:reported, ...)")


def _kind_iri(value: str) -> str:
    """A bare claim type (``reported``) means ``ctype:reported``."""
    return value if ":" in value else f"ctype:{value}" if "ctype" in PREFIXES else value


def list_claims(
    store: ox.Store,
    *,
    doc: str | None = None,
    search: str | None = None,
    kind: str | None = None,
    voice: str | None = None,
) -> QueryResult:
    """The claims, optionally of one document, kind or voice, or whose label contains text."""
    wanted: Mapping[str, tuple[str | None, Parameter]] = {
        "wantDoc": (doc, _DOC),
        "wantKind": (_kind_iri(kind) if kind else None, _KIND),
        "search": (None, _KIND),
        "wantVoice": (voice, _VOICE),
    }
    cells: list[str] = []
    for var, (value, param) in wanted.items():
        term: ox.NamedNode | ox.Literal | None = None
        if var == "search":
            term = None if search is None else ox.Literal(search)
        elif value is not None:
            term = to_term(value, param)
        cells.append("UNDEF" if term is None else str(term))
    text = CLAIMS_QUERY % f"({' '.join(cells)})"
    return execute(store, text, source="claims")
