"""Every piece of SPARQL the web pages run, and the IRI ↔ page-path mapping.

Kept in one module on purpose: the pages know the data model only through these texts, so a
vocabulary change (the v2 model is still moving) is an edit here and nowhere else. Every query
is bounded: a fixed shape with a ``LIMIT`` (lists) or one subject (detail pages), and all of
them run in the endpoint's worker pool under the same time and row limits as ``/sparql``.

Values from a request are never spliced as text: :func:`iri` and :func:`literal` turn them into
N-Triples terms through pyoxigraph, which refuses (IRIs) or escapes (literals) anything that
could break out of the term.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..terms import ID

__all__ = [
    "ID",
    "ListFilters",
    "PAGE_SIZE",
    "claim_iri",
    "claim_queries",
    "count_query",
    "document_queries",
    "actor_queries",
    "event_queries",
    "events_query",
    "facet_queries",
    "instances_query",
    "iri",
    "list_query",
    "literal",
    "page_path",
    "source_queries",
]

DOC = ID + "doc/"
SOURCE = ID + "source/"
ACTOR = ID + "actor/"
EVENT = ID + "event/"
PAGE_SIZE = 50

PREFIXES = """PREFIX cg: <https://w3id.org/claimgraph/ontology#>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX mp: <http://purl.org/mp/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

#: How a claim relates to a work it cites (backing), and to anything it names as a source.
BACKS = "cito:obtainsSupportFrom|cito:citesAsEvidence"
CITES = (
    "cito:obtainsSupportFrom|cito:citesAsEvidence|cg:relayedIn|(cg:hasCitation/cito:hasCitedEntity)"
)


def iri(value: str) -> str:
    """``<value>`` as an N-Triples IRI; ValueError unless ``value`` is an absolute IRI."""
    return str(ox.NamedNode(value))


def literal(value: str) -> str:
    """``value`` as an escaped SPARQL string literal."""
    return str(ox.Literal(value))


def claim_iri(doc: str, slug: str) -> str:
    return f"{DOC}{doc}/claim/{slug}"


def page_path(value: str) -> str | None:
    """The page that shows the node ``value``, or None when no page shows such nodes."""
    for namespace, prefix in ((SOURCE, "/source/"), (ACTOR, "/actor/"), (EVENT, "/event/")):
        if value.startswith(namespace):
            rest = value[len(namespace):]
            return prefix + rest if rest and "/" not in rest else None
    if value.startswith(DOC):
        parts = value[len(DOC):].split("/")
        if len(parts) == 1 and parts[0]:
            return "/doc/" + parts[0]
        if len(parts) == 3 and parts[1] == "claim" and parts[0] and parts[2]:
            return f"/claim/{parts[0]}/{parts[2]}"
    return None


# --------------------------------------------------------------------------------------------
# The claims list
# --------------------------------------------------------------------------------------------

#: Facet name -> (triple pattern binding ?v for a ?claim, label pattern binding ?l from ?v).
FACETS: dict[str, tuple[str, str]] = {
    "doc": ("?claim cg:statedIn ?v .", "?v dcterms:title ?l"),
    "section": ("?claim cg:inSection ?v .", "?v rdfs:label ?l"),
    "kind": ("?claim cg:kind ?v .", "?v skos:prefLabel ?l"),
    "voice": ("?claim prov:wasAttributedTo ?v .", "?v rdfs:label ?l"),
    "source": (f"?claim {CITES} ?v .", "?v dcterms:title ?l"),
}
FACET_TITLES = {"doc": "Document", "section": "Section", "kind": "Kind", "voice": "Voice",
                "source": "Cited source"}


@dataclass(frozen=True)
class ListFilters:
    """The claims list's filters, each already a valid IRI (or a yes/no, or search words)."""

    values: tuple[tuple[str, str], ...] = ()  # (facet, IRI)
    contested: str = ""  # "", "yes", "no"
    search: str = ""

    def where(self) -> str:
        lines = ["?claim a cg:Claim ; rdfs:label ?label ; cg:statedIn ?doc ."]
        for facet, value in self.values:
            lines.append(FACETS[facet][0].replace("?v", iri(value)))
        if self.contested == "yes":
            lines.append("FILTER EXISTS { ?x mp:challenges ?claim }")
        elif self.contested == "no":
            lines.append("FILTER NOT EXISTS { ?x mp:challenges ?claim }")
        for word in self.search.split()[:8]:
            lines.append(f"FILTER(CONTAINS(LCASE(STR(?label)), LCASE({literal(word)})))")
        return "\n  ".join(lines)


def list_query(filters: ListFilters, offset: int, limit: int = PAGE_SIZE) -> str:
    return PREFIXES + f"""
SELECT ?claim ?label ?doc ?docTitle ?section ?sectionLabel ?start
  (GROUP_CONCAT(DISTINCT ?kindLabel; separator=", ") AS ?kinds)
  (GROUP_CONCAT(DISTINCT ?voiceLabel; separator=", ") AS ?voices)
  (COUNT(DISTINCT ?for) AS ?backing) (COUNT(DISTINCT ?against) AS ?disputing)
WHERE {{
  {{ SELECT ?claim ?label ?doc ?start WHERE {{
      {filters.where()}
      OPTIONAL {{ ?claim cg:anchor/oa:hasSelector/oa:start ?start }}
    }} ORDER BY ?doc ?start ?claim LIMIT {int(limit)} OFFSET {int(offset)} }}
  OPTIONAL {{ ?doc dcterms:title ?docTitle }}
  OPTIONAL {{ ?claim cg:inSection ?section . OPTIONAL {{ ?section rdfs:label ?sectionLabel }} }}
  OPTIONAL {{ ?claim cg:kind ?k . OPTIONAL {{ ?k skos:prefLabel ?kl }}
             BIND(COALESCE(?kl, REPLACE(STR(?k), "^.*/", "")) AS ?kindLabel) }}
  OPTIONAL {{ ?claim prov:wasAttributedTo ?vo . OPTIONAL {{ ?vo rdfs:label ?vl }}
             BIND(COALESCE(?vl, REPLACE(STR(?vo), "^.*/", "")) AS ?voiceLabel) }}
  OPTIONAL {{ {{ ?claim {BACKS} ?for }} UNION {{ ?for mp:supports ?claim }} }}
  OPTIONAL {{ {{ ?against mp:challenges ?claim }} UNION
             {{ ?ch mp:challenges ?claim ; {BACKS} ?against }} }}
}}
GROUP BY ?claim ?label ?doc ?docTitle ?section ?sectionLabel ?start
ORDER BY ?doc ?start ?claim
"""


def count_query(filters: ListFilters) -> str:
    return PREFIXES + f"SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE {{\n  {filters.where()}\n}}"


def facet_queries() -> dict[str, str]:
    """One query per facet: its values over all claims, with a label and a count (at most 500)."""
    out = {}
    for name, (pattern, label) in FACETS.items():
        out[name] = PREFIXES + f"""
SELECT ?v (SAMPLE(?l0) AS ?l) (COUNT(DISTINCT ?claim) AS ?n) WHERE {{
  ?claim a cg:Claim . {pattern}
  OPTIONAL {{ {label.replace("?l", "?l0")} }}
}} GROUP BY ?v ORDER BY LCASE(STR(?l)) ?v LIMIT 500"""
    return out


def instances_query(class_iri: str) -> str:
    """Nodes of a class with a label, for a stored-query parameter's select (at most 500)."""
    return PREFIXES + f"""
SELECT ?v (SAMPLE(?l0) AS ?l) WHERE {{
  ?v a {iri(class_iri)} .
  OPTIONAL {{ ?v rdfs:label|dcterms:title ?l0 }}
}} GROUP BY ?v ORDER BY ?v LIMIT 500"""


# --------------------------------------------------------------------------------------------
# Detail pages: each a dict of named queries about one node
# --------------------------------------------------------------------------------------------

def claim_queries(claim: str) -> dict[str, str]:
    c = iri(claim)
    return {
        "main": PREFIXES + f"""
SELECT ?label ?doc ?docTitle ?file ?docSha ?section ?sectionLabel ?start ?end ?sha
       ?stance ?verb ?relayVerb ?unsourced WHERE {{
  {c} a cg:Claim ; rdfs:label ?label .
  OPTIONAL {{ {c} cg:statedIn ?doc . OPTIONAL {{ ?doc dcterms:title ?docTitle }}
             OPTIONAL {{ ?doc cg:fileName ?file }} OPTIONAL {{ ?doc cg:sha256 ?docSha }} }}
  OPTIONAL {{ {c} cg:inSection ?section . OPTIONAL {{ ?section rdfs:label ?sectionLabel }} }}
  OPTIONAL {{ {c} cg:anchor ?a . ?a oa:hasSelector ?pos ; cg:sha256 ?sha .
             ?pos oa:start ?start ; oa:end ?end }}
  OPTIONAL {{ {c} cg:stance ?st . OPTIONAL {{ ?st skos:prefLabel ?stance }} }}
  OPTIONAL {{ {c} cg:reportingVerb/skos:prefLabel ?verb }}
  OPTIONAL {{ {c} cg:relayVerb/skos:prefLabel ?relayVerb }}
  OPTIONAL {{ {c} cg:unsourced ?unsourced }}
}} LIMIT 1""",
        "kinds": PREFIXES + f"""
SELECT ?role ?v ?l WHERE {{
  VALUES (?p ?role) {{ (cg:kind "kind") (cg:modality "modality") }}
  {c} ?p ?v . OPTIONAL {{ ?v skos:prefLabel ?l }}
}} ORDER BY ?role ?l LIMIT 50""",
        "agents": PREFIXES + f"""
SELECT ?role ?v ?l ?isEvent WHERE {{
  VALUES (?p ?role) {{ (prov:wasAttributedTo "voice") (cg:reportedBy "reported by")
                      (cg:relayedBy "relayed by") (cg:relayedIn "relayed in")
                      (dcterms:subject "about") (dcterms:temporal "about the time of")
                      (prov:wasGeneratedBy "uttered at") }}
  {c} ?p ?v .
  OPTIONAL {{ ?v rdfs:label|dcterms:title ?l }}
  BIND(EXISTS {{ ?v a cg:Event }} AS ?isEvent)
}} ORDER BY ?role ?l LIMIT 200""",
        "sources": PREFIXES + f"""
SELECT ?side ?rel ?via ?viaLabel ?s ?title ?issued ?doi ?url
       (GROUP_CONCAT(DISTINCT ?creator; separator="; ") AS ?creators) WHERE {{
  {{ VALUES (?p ?rel) {{ (cito:obtainsSupportFrom "obtains support from")
                        (cito:citesAsEvidence "cites as evidence") }}
     {c} ?p ?s . BIND("backing" AS ?side) }}
  UNION
  {{ ?via mp:challenges {c} ; {BACKS} ?s . OPTIONAL {{ ?via rdfs:label ?viaLabel }}
     BIND("disputing" AS ?side) BIND("cited by a challenging claim" AS ?rel) }}
  OPTIONAL {{ ?s dcterms:title ?title }}
  OPTIONAL {{ ?s dcterms:issued ?issued }}
  OPTIONAL {{ ?s bibo:doi ?doi }}
  OPTIONAL {{ ?s schema:url ?url }}
  OPTIONAL {{ ?s dcterms:creator/rdfs:label ?creator }}
}} GROUP BY ?side ?rel ?via ?viaLabel ?s ?title ?issued ?doi ?url
ORDER BY ?side ?issued ?s LIMIT 200""",
        "related": PREFIXES + f"""
SELECT ?dir ?rel ?other ?l WHERE {{
  VALUES (?p ?rel) {{ (mp:supports "supports") (mp:challenges "challenges")
                      (mp:qualifies "qualifies") }}
  {{ {c} ?p ?other . BIND("out" AS ?dir) }} UNION {{ ?other ?p {c} . BIND("in" AS ?dir) }}
  OPTIONAL {{ ?other rdfs:label ?l }}
}} ORDER BY ?dir ?rel ?l LIMIT 200""",
    }


def source_queries(source: str) -> dict[str, str]:
    s = iri(source)
    return {
        "main": PREFIXES + f"""
SELECT ?title ?issued ?doi ?url ?place
       (GROUP_CONCAT(DISTINCT ?creator; separator="; ") AS ?creators)
       (SAMPLE(?pub) AS ?publisher) WHERE {{
  {s} ?anything ?o .
  OPTIONAL {{ {s} dcterms:title ?title }} OPTIONAL {{ {s} dcterms:issued ?issued }}
  OPTIONAL {{ {s} bibo:doi ?doi }} OPTIONAL {{ {s} schema:url ?url }}
  OPTIONAL {{ {s} cg:publicationPlace ?place }}
  OPTIONAL {{ {s} dcterms:creator/rdfs:label ?creator }}
  OPTIONAL {{ {s} dcterms:publisher/rdfs:label ?pub }}
}} GROUP BY ?title ?issued ?doi ?url ?place LIMIT 1""",
        "claims": PREFIXES + f"""
SELECT DISTINCT ?how ?claim ?l ?doc WHERE {{
  {{ SELECT ?how ?claim WHERE {{
    {{ VALUES (?p ?how) {{ (cito:obtainsSupportFrom "backs") (cito:citesAsEvidence "backs")
                          (cg:relayedIn "relays") }}
       ?claim ?p {s} }}
    UNION {{ ?claim cg:hasCitation/cito:hasCitedEntity {s} . BIND("cites" AS ?how) }}
    UNION {{ ?ch {BACKS} {s} ; mp:challenges ?claim . BIND("disputes" AS ?how) }}
  }} LIMIT 500 }}
  ?claim rdfs:label ?l . OPTIONAL {{ ?claim cg:statedIn ?doc }}
}} ORDER BY ?how ?doc ?claim""",
    }


def actor_queries(actor: str) -> dict[str, str]:
    a = iri(actor)
    return {
        "main": PREFIXES + f"""
SELECT ?l (GROUP_CONCAT(DISTINCT REPLACE(STR(?t), "^.*[#/]", ""); separator=", ") AS ?types)
WHERE {{ {a} ?anything ?o . OPTIONAL {{ {a} rdfs:label ?l }} OPTIONAL {{ {a} a ?t }} }}
GROUP BY ?l LIMIT 1""",
        "claims": PREFIXES + f"""
SELECT DISTINCT ?how ?claim ?l ?doc WHERE {{
  VALUES (?p ?how) {{ (prov:wasAttributedTo "said by") (cg:reportedBy "reported by")
                      (cg:relayedBy "relayed by") (dcterms:subject "about") }}
  ?claim ?p {a} ; rdfs:label ?l . OPTIONAL {{ ?claim cg:statedIn ?doc }}
}} ORDER BY ?how ?doc ?claim LIMIT 500""",
        "works": PREFIXES + f"""
SELECT ?s ?title ?issued WHERE {{ ?s dcterms:creator {a} .
  OPTIONAL {{ ?s dcterms:title ?title }} OPTIONAL {{ ?s dcterms:issued ?issued }}
}} ORDER BY ?issued ?s LIMIT 200""",
    }


def events_query() -> str:
    """The timeline: every event, its date, whether a document states that date, its actors."""
    return PREFIXES + """
SELECT ?event ?l ?date (BOUND(?by) AS ?inText)
       (GROUP_CONCAT(DISTINCT ?actor; separator=" ") AS ?actors) WHERE {
  ?event a cg:Event . OPTIONAL { ?event rdfs:label ?l }
  OPTIONAL { ?event dcterms:date ?date }
  OPTIONAL { ?event cg:datedBy ?by }
  OPTIONAL { ?event prov:wasAssociatedWith ?actor }
} GROUP BY ?event ?l ?date ?by ORDER BY (!BOUND(?date)) ?date ?event LIMIT 1000"""


def event_queries(event: str) -> dict[str, str]:
    e = iri(event)
    return {
        "main": PREFIXES + f"""
SELECT ?l ?date ?comment (BOUND(?by) AS ?inText) WHERE {{ {e} a cg:Event .
  OPTIONAL {{ {e} rdfs:label ?l }} OPTIONAL {{ {e} dcterms:date ?date }}
  OPTIONAL {{ {e} rdfs:comment ?comment }} OPTIONAL {{ {e} cg:datedBy ?by }} }} LIMIT 1""",
        "actors": PREFIXES + f"""
SELECT ?v ?l WHERE {{ {e} prov:wasAssociatedWith ?v . OPTIONAL {{ ?v rdfs:label ?l }} }}
ORDER BY ?l LIMIT 200""",
        "claims": PREFIXES + f"""
SELECT DISTINCT ?how ?claim ?l ?doc WHERE {{
  VALUES (?p ?how) {{ (dcterms:subject "about") (dcterms:temporal "about the time of")
                      (prov:wasGeneratedBy "uttered at") }}
  ?claim ?p {e} ; rdfs:label ?l . OPTIONAL {{ ?claim cg:statedIn ?doc }}
}} ORDER BY ?how ?claim LIMIT 500""",
    }


def document_queries(doc: str) -> dict[str, str]:
    d = iri(doc)
    return {
        "main": PREFIXES + f"""
SELECT ?title ?issued ?file ?sha ?creator WHERE {{ {d} a cg:Document .
  OPTIONAL {{ {d} dcterms:title ?title }} OPTIONAL {{ {d} dcterms:issued ?issued }}
  OPTIONAL {{ {d} cg:fileName ?file }} OPTIONAL {{ {d} cg:sha256 ?sha }}
  OPTIONAL {{ {d} dcterms:creator/rdfs:label ?creator }} }} LIMIT 1""",
        "sections": PREFIXES + f"""
SELECT ?section ?l ?order (COUNT(DISTINCT ?claim) AS ?claims) WHERE {{
  ?section a cg:Section ; dcterms:isPartOf {d} .
  OPTIONAL {{ ?section rdfs:label ?l }} OPTIONAL {{ ?section cg:order ?order }}
  OPTIONAL {{ ?claim cg:inSection ?section }}
}} GROUP BY ?section ?l ?order ORDER BY ?order ?section LIMIT 500""",
        "counts": PREFIXES + f"""
SELECT (COUNT(DISTINCT ?claim) AS ?claims) (COUNT(DISTINCT ?cit) AS ?citations)
       (COUNT(DISTINCT ?ref) AS ?references) WHERE {{
  {{ ?claim a cg:Claim ; cg:statedIn {d} }} UNION {{ ?cit cito:hasCitingEntity {d} }}
  UNION {{ ?ref a cg:ReferenceEntry ; dcterms:isPartOf {d} }} }}""",
        "unresolved": PREFIXES + f"""
SELECT ?cit ?text WHERE {{ ?cit cito:hasCitingEntity {d} ; cg:unresolved true .
  OPTIONAL {{ ?cit cg:citationText ?text }} }} ORDER BY ?cit LIMIT 500""",
        "anchors": PREFIXES + f"""
SELECT ?a ?start ?end ?sha WHERE {{ ?a oa:hasSource {d} ; cg:sha256 ?sha ;
  oa:hasSelector ?pos . ?pos oa:start ?start ; oa:end ?end }} LIMIT 20000""",
    }
