"""Stores for the web UI's tests and benchmark: a hostile/tampered copy of the bundled graphs,
and a synthetic graph of many claims.

The synthetic claims follow the shapes the pages query (document, section, kinds, voice,
cited works, challenges) so that a page at 10,000 claims does the work it would do on real
data of that size; their labels are generated words, never text from the essay.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox

from claimgraph.store import open_store

ID = "https://w3id.org/claimgraph/id/"
CG = "https://w3id.org/claimgraph/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT = "http://purl.org/dc/terms/"
DOC = "broken-promises-narrative"
HOSTILE_SLUG = "no-binding-agreement"
TAMPERED_SLUG = "west-pledged-no-eastward-move"
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


def claim(slug: str, doc: str = DOC) -> str:
    return f"{ID}doc/{doc}/claim/{slug}"


def hostile_store(folder: Path) -> Path:
    """The bundled graphs with a ``<script>`` in one claim's label and one anchor's SHA-256
    changed (the text "changed" under that claim)."""
    store = open_store(folder, create=True)
    store.update(f"""
PREFIX rdfs: <{RDFS}>
PREFIX cg: <{CG}>
DELETE {{ GRAPH ?g {{ ?c rdfs:label ?l }} }}
INSERT {{ GRAPH ?g {{ ?c rdfs:label {ox.Literal(HOSTILE)} }} }}
WHERE {{ GRAPH ?g {{ ?c rdfs:label ?l }} FILTER(?c = <{claim(HOSTILE_SLUG)}>) }} ;
DELETE {{ GRAPH ?g {{ ?a cg:sha256 ?s }} }}
INSERT {{ GRAPH ?g {{ ?a cg:sha256 "{'0' * 64}" }} }}
WHERE {{ GRAPH ?h {{ <{claim(TAMPERED_SLUG)}> cg:anchor ?a }} GRAPH ?g {{ ?a cg:sha256 ?s }} }}
""")
    store.flush()
    del store
    return folder


def synthetic_store(folder: Path, claims: int = 10_000, seed: int = 12) -> Path:
    """An on-disk store: the bundled graphs plus ``claims`` generated claims in 20 documents."""
    rng = random.Random(seed)
    store = open_store(folder, create=True)
    n = ox.NamedNode
    words = ["treaty", "border", "alliance", "pledge", "summit", "reform", "sanction", "accord",
             "troops", "election", "pipeline", "missile", "charter", "grievance", "security"]
    actors = [n(f"{ID}actor/synthetic-actor-{i}") for i in range(60)]
    works = [n(f"{ID}source/synthetic-work-{i}") for i in range(300)]
    kinds = [n(f"https://w3id.org/claimgraph/vocab/claim-type/{k}")
             for k in ("factual", "interpretive", "normative", "predictive")]
    quads: list[ox.Quad] = []
    shared = n(f"{ID}graph/shared-synthetic")
    for i, a in enumerate(actors):
        quads.append(ox.Quad(a, n(RDFS + "label"), ox.Literal(f"Actor {i}", language="en"),
                             shared))
    for i, w in enumerate(works):
        quads += [ox.Quad(w, RDF_TYPE, n(CG + "Source"), shared),
                  ox.Quad(w, n(DCT + "title"), ox.Literal(f"Synthetic work {i}"), shared)]
    per_doc = claims // 20
    for d in range(20):
        doc_slug = f"synthetic-{d}"
        doc = n(f"{ID}doc/{doc_slug}")
        graph = doc
        quads += [ox.Quad(doc, RDF_TYPE, n(CG + "Document"), graph),
                  ox.Quad(doc, n(DCT + "title"), ox.Literal(f"Synthetic document {d}"), graph)]
        sections = [n(f"{ID}doc/{doc_slug}/section/s{s}") for s in range(25)]
        for s, sec in enumerate(sections):
            quads += [ox.Quad(sec, RDF_TYPE, n(CG + "Section"), graph),
                      ox.Quad(sec, n(RDFS + "label"), ox.Literal(f"Section {s}"), graph),
                      ox.Quad(sec, n(DCT + "isPartOf"), doc, graph)]
        previous: list[ox.NamedNode] = []
        for c in range(per_doc):
            node = n(f"{ID}doc/{doc_slug}/claim/c{c}")
            label = " ".join(rng.choice(words) for _ in range(6)) + f" {d}-{c}"
            quads += [
                ox.Quad(node, RDF_TYPE, n(CG + "Claim"), graph),
                ox.Quad(node, n(RDFS + "label"), ox.Literal(label, language="en"), graph),
                ox.Quad(node, n(CG + "statedIn"), doc, graph),
                ox.Quad(node, n(CG + "inSection"), sections[c * 25 // per_doc], graph),
                ox.Quad(node, n(CG + "kind"), rng.choice(kinds), graph),
                ox.Quad(node, n("http://www.w3.org/ns/prov#wasAttributedTo"), rng.choice(actors),
                        graph),
                ox.Quad(node, n("http://purl.org/spar/cito/citesAsEvidence"), rng.choice(works),
                        graph),
            ]
            if previous and rng.random() < 0.2:
                quads.append(ox.Quad(node, n("http://purl.org/mp/challenges"),
                                     rng.choice(previous), graph))
            previous.append(node)
    store.extend(quads)
    store.flush()
    del store
    return folder
