"""The IRIs claimgraph mints and the prefixes it reads and writes, defined once.

The ontology file declares the same bases; ``tests/test_terms_agree_with_the_ontology.py``
checks they agree.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "CG",
    "ID",
    "GRAPH",
    "ONTOLOGY_GRAPH",
    "SHAPES_GRAPH",
    "SHARED_GRAPH",
    "SHARED_FOLDER",
    "PREFIXES",
    "SLUG_NAMESPACES",
    "DOCUMENT_KINDS",
    "document_graph",
    "document_item",
    "split_document_item",
    "compact",
    "expand",
    "mint_slug",
]

CG = "https://w3id.org/claimgraph/ontology#"
ID = "https://w3id.org/claimgraph/id/"
VOCAB = "https://w3id.org/claimgraph/vocab/"
GRAPH = "https://w3id.org/claimgraph/graph/"

ONTOLOGY_GRAPH = GRAPH + "ontology"
SHAPES_GRAPH = GRAPH + "shapes"
#: What every document shares (actors, events, cited works, outside knowledge) lives once, in
#: this graph, loaded from the data folder named ``SHARED_FOLDER``; each document's own items
#: live in the document's graph. (A triple in two graphs would be two rows in the union.)
SHARED_GRAPH = GRAPH + "shared"
SHARED_FOLDER = "shared"

#: Prefixes used in output, in stored queries (as defaults) and for prefixed parameter values.
#: Order matters for ``compact``: the longest namespace that matches wins.
PREFIXES: dict[str, str] = {
    "cg": CG,
    "ctype": VOCAB + "claim-type/",
    "stance": VOCAB + "stance/",
    "rverb": VOCAB + "reporting-verb/",
    "mod": VOCAB + "modality/",
    "cform": VOCAB + "citation-form/",
    "status": VOCAB + "status/",
    "doc": ID + "doc/",
    "source": ID + "source/",
    "actor": ID + "actor/",
    "role": ID + "role/",
    "event": ID + "event/",
    "container": ID + "container/",
    "fact": ID + "fact/",
    "cgg": GRAPH,
    "bibo": "http://purl.org/ontology/bibo/",
    "biro": "http://purl.org/spar/biro/",
    "cito": "http://purl.org/spar/cito/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "mp": "http://purl.org/mp/",
    "oa": "http://www.w3.org/ns/oa#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

#: What is minted under a document (``…/id/doc/DOC/KIND/SLUG``): the class of each kind of item.
#: Actors, events, works (``source:``), roles, containers and outside facts stay global. Such an
#: IRI is written ``KIND:DOC/SLUG`` (``claim:broken-promises-narrative/no-binding-agreement``),
#: claimgraph's short form, which ``expand`` reads back; it is not a SPARQL prefixed name.
DOCUMENT_KINDS: dict[str, str] = {
    "claim": CG + "Claim",
    "section": CG + "Section",
    "citation": CG + "InTextCitation",
    "reference": CG + "ReferenceEntry",
    "anchor": CG + "TextAnchor",
}

#: Which namespace a bare slug belongs to, by the class a parameter expects (global things).
SLUG_NAMESPACES: dict[str, str] = {
    CG + "Source": PREFIXES["source"],
    CG + "Actor": PREFIXES["actor"],
    CG + "Event": PREFIXES["event"],
    CG + "Document": PREFIXES["doc"],
}

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def document_graph(slug: str) -> str:
    """The named graph holding one document's triples is the document's own IRI."""
    return PREFIXES["doc"] + slug


def document_item(doc: str, kind: str, slug: str) -> str:
    """The IRI of an item minted under a document: ``…/id/doc/DOC/KIND/SLUG``."""
    return f"{PREFIXES['doc']}{doc}/{kind}/{slug}"


def split_document_item(iri: str) -> tuple[str, str, str] | None:
    """``(doc, kind, slug)`` of an IRI minted under a document, else ``None``."""
    if not iri.startswith(PREFIXES["doc"]):
        return None
    parts = iri[len(PREFIXES["doc"]) :].split("/")
    if len(parts) != 3 or parts[1] not in DOCUMENT_KINDS or not all(map(_is_slug, parts)):
        return None
    return parts[0], parts[1], parts[2]


def _is_slug(local: str) -> bool:
    return bool(local) and all(c.isalnum() or c in "-_." for c in local) and local[-1] != "."


def compact(iri: str) -> str:
    """``actor:russia`` for a known namespace, ``claim:DOC/SLUG`` for an item of a document,
    else ``<iri>``."""
    item = split_document_item(iri)
    if item is not None:
        return f"{item[1]}:{item[0]}/{item[2]}"
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns):
            local = iri[len(ns) :]
            if _is_slug(local):
                return f"{prefix}:{local}"
    return f"<{iri}>"


def expand(name: str) -> str:
    """The IRI of ``<iri>``, ``prefix:local`` (a known prefix), ``KIND:DOC/SLUG`` (an item of a
    document) or a full IRI, as given."""
    name = name.strip()
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, sep, local = name.partition(":")
    if sep and prefix in DOCUMENT_KINDS:
        doc, slash, slug = local.partition("/")
        if slash and _is_slug(doc) and _is_slug(slug):
            return document_item(doc, prefix, slug)
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return name


def mint_slug(text: str, taken: Iterable[str] = ()) -> str:
    """A readable slug for an instance IRI (``no-binding-agreement``), unique among ``taken``.

    Lower-case ASCII words joined by ``-``; a clash gets ``a``, ``b``, … appended, as reference
    slugs (``sarotte-2009a``) do by convention, so minting stays predictable for ingest.
    """
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    base = "-".join(words) or "item"
    used = set(taken)
    if base not in used:
        return base
    for suffix in "abcdefghijklmnopqrstuvwxyz":
        if base + suffix not in used:
            return base + suffix
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"

