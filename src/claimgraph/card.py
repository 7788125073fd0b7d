"""A readable provenance card for one claim (``claimgraph show``).

Everything on the card comes from the graph; the quoted span comes from the essay file only
when one is at hand, and only after its SHA-256 matches the anchor's, so the card never shows
text that is not what the graph points at.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .binding import bind_parameters
from .catalog import Parameter, StoredQuery
from .errors import InputError
from .executor import Executor
from .sparql import LocalExecutor, Term
from .terms import CG, compact

__all__ = ["ClaimCard", "claim_card", "render_card"]

_CLAIM_PARAM = Parameter(name="claim", type="iri", description="the claim", class_iri=CG + "Claim")
_PREFIXES = """
PREFIX cg: <https://w3id.org/claimgraph/ontology#>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX mp: <http://purl.org/mp/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_MAIN = (
    _PREFIXES
    + """
SELECT ?claim ?label ?section ?sectionLabel ?document ?title ?start ?end ?sha
       ?unsourced ?stance ?verb ?verbClass ?relayVerb
WHERE {
  ?claim rdfs:label ?label .
  OPTIONAL { ?claim cg:reportingVerb ?v . ?v skos:prefLabel ?verb .
             OPTIONAL { ?v skos:broader/skos:prefLabel ?verbClass } }
  OPTIONAL { ?claim cg:relayVerb/skos:prefLabel ?relayVerb }
  OPTIONAL { ?claim cg:inSection ?section . ?section rdfs:label ?sectionLabel }
  OPTIONAL { ?claim cg:statedIn ?document . OPTIONAL { ?document dcterms:title ?title } }
  OPTIONAL { ?claim cg:anchor ?anchor .
             ?anchor oa:hasSelector ?pos ; cg:sha256 ?sha .
             ?pos oa:start ?start ; oa:end ?end }
  OPTIONAL { ?claim cg:unsourced ?unsourced }
  OPTIONAL { ?claim cg:stance/skos:prefLabel ?stance }
}
"""
)
_KINDS = (
    _PREFIXES
    + """
SELECT ?claim ?role ?label WHERE {
  VALUES (?p ?role) { (cg:kind "kind") (cg:modality "modality") }
  ?claim ?p ?concept .
  ?concept skos:prefLabel ?label .
} ORDER BY ?role ?label
"""
)
_AGENTS = (
    _PREFIXES
    + """
SELECT ?claim ?role ?agent ?name WHERE {
  VALUES (?p ?given) { (prov:wasAttributedTo "asserted by") (cg:reportedBy "reported by")
                       (cg:relayedBy "relayed by") (cg:relayedIn "relayed in")
                       (dcterms:subject "about") (dcterms:temporal "about time")
                       (prov:wasGeneratedBy "uttered at") }
  ?claim ?p ?agent .
  # a tool run (claimgraph ingest's draft activity) generated the node; nobody uttered it there
  BIND (IF(?p = prov:wasGeneratedBy && EXISTS { ?agent a prov:Activity }, "drafted by",
           ?given) AS ?role)
  OPTIONAL { ?agent rdfs:label|dcterms:title ?name }
} ORDER BY ?role ?agent
"""
)
_SOURCES = (
    _PREFIXES
    + """
SELECT ?claim ?role ?source ?year ?title WHERE {
  {
    VALUES (?p ?role) { (cito:obtainsSupportFrom "supports")
                        (cito:citesAsEvidence "is evidence for") }
    ?claim ?p ?source .
  } UNION {
    ?other mp:challenges ?claim ; cito:obtainsSupportFrom|cito:citesAsEvidence ?source .
    BIND ("disputes" AS ?role)
  }
  OPTIONAL { ?source dcterms:issued ?year }
  OPTIONAL { ?source dcterms:title ?title }
} ORDER BY ?role ?year ?source
"""
)
# The anchor's OPTIONAL repeats the claim's pattern: with only ?citation in common, pyoxigraph
# evaluates a group of several patterns on its own and joins it afterwards, reading every
# citation's anchor in the store (1 s of `show` at 1M triples); with the claim (a constant once
# bound) it reads this claim's only. The answer is the same.
_CITATIONS = (
    _PREFIXES
    + """
SELECT ?claim ?citation ?text ?start ?end ?unresolved WHERE {
  ?claim cg:hasCitation ?citation .
  OPTIONAL { ?citation cg:citationText ?text }
  OPTIONAL { ?claim cg:hasCitation ?citation .
             ?citation cg:anchor/oa:hasSelector ?pos . ?pos oa:start ?start ; oa:end ?end }
  OPTIONAL { ?citation cg:unresolved ?unresolved }
} ORDER BY ?start ?citation
"""
)
_RELATED = (
    _PREFIXES
    + """
SELECT ?claim ?role ?other ?label WHERE {
  {
    VALUES (?p ?role) { (mp:supports "supports") (mp:challenges "challenges")
                        (mp:qualifies "qualifies") }
    ?claim ?p ?other .
  } UNION {
    VALUES (?p ?role) { (mp:supports "is supported by") (mp:challenges "is challenged by")
                        (mp:qualifies "is qualified by") }
    ?other ?p ?claim .
  }
  OPTIONAL { ?other rdfs:label ?label }
} ORDER BY ?role ?other
"""
)


@dataclass
class ClaimCard:
    iri: str
    label: str
    kinds: list[str] = field(default_factory=list)
    modality: list[str] = field(default_factory=list)
    section: str | None = None
    document: str | None = None
    start: int | None = None
    end: int | None = None
    sha256: str | None = None
    unsourced: bool = False
    stance: str | None = None
    verb: str | None = None
    relay_verb: str | None = None
    agents: list[tuple[str, str]] = field(default_factory=list)  # (role, "Name (iri)")
    sources: list[tuple[str, str]] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)
    quote: str | None = None
    quote_note: str | None = None


def _v(term: object) -> str | None:
    if term is None:
        return None
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def _rows(executor: Executor, text: str, claim: ox.NamedNode) -> list[dict[str, Term | None]]:
    result = executor.query(text, bindings={"claim": claim}, source="show")
    return [dict(zip(result.variables, row, strict=True)) for row in result.rows]


def _named(term: object, name: object) -> str:
    iri = compact(_v(term) or "")
    return f"{_v(name)} ({iri})" if name is not None else iri


def claim_card(store: Executor | ox.Store, claim: str, text: str | None = None) -> ClaimCard:
    """Collect the card of ``claim`` (IRI, prefixed name or slug); quote it if ``text`` is given.

    ``store`` may be any executor, so a card can be drawn from a remote endpoint as well.
    """
    executor = LocalExecutor(store) if isinstance(store, ox.Store) else store
    query = StoredQuery(
        name="show", path=Path("show"), summary="", text="", form="SELECT", params=(_CLAIM_PARAM,)
    )
    node = bind_parameters(query, {"claim": claim}, executor)[ox.Variable("claim")]
    assert isinstance(node, ox.NamedNode)
    main = _rows(executor, _MAIN, node)[0]
    card = ClaimCard(iri=compact(node.value), label=_v(main["label"]) or "")
    for row in _rows(executor, _KINDS, node):
        (card.kinds if _v(row["role"]) == "kind" else card.modality).append(_v(row["label"]) or "")
    if main["verb"] is not None:
        card.verb = f"{_v(main['verb'])} ({_v(main['verbClass']) or 'unclassed'})"
    card.relay_verb = _v(main["relayVerb"])
    if main["section"] is not None:
        card.section = _named(main["section"], main["sectionLabel"])
    if main["document"] is not None:
        card.document = _named(main["document"], main["title"])
    if main["start"] is not None:
        card.start = int(_v(main["start"]) or 0)
        card.end = int(_v(main["end"]) or 0)
        card.sha256 = _v(main["sha"])
    card.unsourced = _v(main["unsourced"]) in ("true", "1")
    card.stance = _v(main["stance"])
    for row in _rows(executor, _AGENTS, node):
        card.agents.append((_v(row["role"]) or "", _named(row["agent"], row["name"])))
    for row in _rows(executor, _SOURCES, node):
        year = _v(row["year"]) or "n.d."
        card.sources.append(
            (
                _v(row["role"]) or "",
                f"{compact(_v(row['source']) or '')} ({year}) {_v(row['title']) or ''}".rstrip(),
            )
        )
    for row in _rows(executor, _CITATIONS, node):
        span = f" [{_v(row['start'])}-{_v(row['end'])}]" if row["start"] is not None else ""
        flag = " (unresolved: not in the reference list)" if _v(row["unresolved"]) == "true" else ""
        card.citations.append(
            f"{_v(row['text']) or compact(_v(row['citation']) or '')}{span}{flag}"
        )
    for row in _rows(executor, _RELATED, node):
        other = compact(_v(row["other"]) or "")
        label = f' "{_v(row["label"])}"' if row["label"] is not None else ""
        card.related.append((_v(row["role"]) or "", f"{other}{label}"))
    if text is not None and card.start is not None and card.end is not None:
        span = text[card.start : card.end]
        if hashlib.sha256(span.encode("utf-8")).hexdigest() == card.sha256:
            card.quote = " ".join(span.split())
        else:
            card.quote_note = "the text at hand does not match the anchor's SHA-256; not quoted"
    return card


def read_text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read text: {e}", path=path) from None


def reporting_chain(card: ClaimCard, by_role: dict[str, list[str]]) -> str:
    """Who reports the claim, through whom, from whom: ``Westra → Schneider → Albright``."""

    def names(role: str) -> str:
        return " & ".join(who.rsplit(" (", 1)[0] for who in by_role.get(role, []))

    links = [names("reported by")]
    if by_role.get("relayed by"):
        how = [card.relay_verb] if card.relay_verb else []
        how += [f"in {who.rsplit(' (', 1)[1].rstrip(')')}" for who in by_role.get("relayed in", [])]
        links.append(names("relayed by") + (f" ({', '.join(how)})" if how else ""))
    links.append(names("asserted by"))
    return " → ".join(links)


def render_card(card: ClaimCard) -> str:
    lines = [card.iri, f"  {card.label}", ""]

    def field_(name: str, value: str | None) -> None:
        lines.append(f"  {name + ':':<13}{value if value else '-'}")

    field_("kinds", ", ".join(card.kinds))
    if card.modality:
        field_("modality", ", ".join(card.modality))
    field_("section", card.section)
    field_("document", card.document)
    by_role: dict[str, list[str]] = {}
    for role, who in card.agents:
        by_role.setdefault(role, []).append(who)
    field_("asserted by", "; ".join(by_role.get("asserted by", [])))
    field_("reported by", "; ".join(by_role.get("reported by", [])))
    if by_role.get("reported by"):
        field_("chain", reporting_chain(card, by_role))
    if card.verb:
        field_("verb", card.verb)
    field_("stance", card.stance)
    for role in ("uttered at", "about time", "drafted by"):
        if by_role.get(role):
            field_(role, "; ".join(by_role[role]))
    if card.start is not None:
        field_("span", f"characters {card.start}-{card.end}, sha256 {card.sha256}")
    else:
        field_("span", None)
    lines.append(
        "  sources:"
        if card.sources
        else "  sources:     none" + (" (unsourced)" if card.unsourced else "")
    )
    for role, source in card.sources:
        lines.append(f"    {role:<17}{source}")
    if card.citations:
        lines.append("  citations:")
        lines.extend(f"    {c}" for c in card.citations)
    if card.related:
        lines.append("  related claims:")
        lines.extend(f"    {role:<17}{other}" for role, other in card.related)
    if by_role.get("about"):
        lines.append("  about:")
        lines.extend(f"    {who}" for who in by_role["about"])
    if card.quote is not None:
        lines.append("  text:")
        lines.append(f"    “{card.quote}”")
    elif card.quote_note:
        lines.append(f"  text:        {card.quote_note}")
    return "\n".join(lines) + "\n"
