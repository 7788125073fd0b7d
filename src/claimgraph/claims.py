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
SELECT ?claim ?label (GROUP_CONCAT(DISTINCT STRAFTER(STR(?kind), "claim-type/"); separator=" ")
       AS ?kinds) (MIN(?by) AS ?assertedBy) (COUNT(DISTINCT ?by) AS ?asserters) ?reportedBy ?doc
WHERE {
  VALUES (?wantDoc ?wantKind ?search ?wantVoice ?reported) { %s }
  ?claim a cg:Claim ;
         rdfs:label ?label ;
         cg:kind ?kind ;
         prov:wasAttributedTo ?by ;
         cg:anchor/oa:hasSelector/oa:start ?start .
  OPTIONAL { ?claim cg:statedIn ?doc }
  OPTIONAL { ?claim cg:reportedBy ?reportedBy }
  FILTER (!BOUND(?wantDoc) || ?doc = ?wantDoc)
  FILTER (!BOUND(?wantKind) || EXISTS { ?claim cg:kind ?wantKind })
  FILTER (!BOUND(?search) || CONTAINS(LCASE(STR(?label)), LCASE(STR(?search))))
  FILTER (!BOUND(?wantVoice) || EXISTS { ?claim prov:wasAttributedTo ?wantVoice })
  FILTER (!BOUND(?reported) || ?reported = BOUND(?reportedBy))
}
GROUP BY ?claim ?label ?reportedBy ?doc ?start
ORDER BY ?doc ?start ?claim ?label
"""

_DOC = Parameter("doc", "iri", "the document", CG + "Document")
_VOICE = Parameter("voice", "iri", "the voice asserting the claim", CG + "Actor")
_KIND = Parameter("kind", "iri", "the claim kind (ctype:factual, ctype:predictive, ...)")
#: ``--voice author`` and ``--voice reported``: whether a claim is reported follows from its
#: attribution (a reporter, cg:reportedBy, for any voice but the author's), not from its kind.
VOICES = ("author", "reported")


def _kind_iri(value: str) -> str:
    """A bare claim kind (``predictive``) means ``ctype:predictive``."""
    return value if ":" in value else f"ctype:{value}" if "ctype" in PREFIXES else value


def list_claims(
    store: ox.Store,
    *,
    doc: str | None = None,
    search: str | None = None,
    kind: str | None = None,
    voice: str | None = None,
) -> QueryResult:
    """The claims, optionally of one document, kind or voice, or whose label contains text.

    ``voice`` is ``author`` (the author's own claims), ``reported`` (reported speech) or an
    actor (the claims it asserts).
    """
    reported = None if voice not in VOICES else voice == "reported"
    wanted: Mapping[str, tuple[str | None, Parameter]] = {
        "wantDoc": (doc, _DOC),
        "wantKind": (_kind_iri(kind) if kind else None, _KIND),
        "search": (None, _KIND),
        "wantVoice": (None if voice in VOICES else voice, _VOICE),
    }
    cells: list[str] = []
    for var, (value, param) in wanted.items():
        term: ox.NamedNode | ox.Literal | None = None
        if var == "search":
            term = None if search is None else ox.Literal(search)
        elif value is not None:
            term = to_term(value, param)
        cells.append("UNDEF" if term is None else str(term))
    cells.append("UNDEF" if reported is None else str(ox.Literal(reported)))
    text = CLAIMS_QUERY % f"({' '.join(cells)})"
    return execute(store, text, source="claims")
