"""Synthetic claim graphs in claimgraph's vocabulary (model v2), with ~1% injected faults.

Written as the bundled data is (ontology/claimgraph.ttl, data/README.md): each document
(…/id/doc/gen-N) has sections, a reference list (cg:ReferenceEntry under the document, each
anchored and linked by biro:references to a global work …/id/source/…, with creator and year),
and claims (…/id/doc/gen-N/claim/SLUG) with one or two kinds (cg:kind), a text anchor (a text
position selector), a voice (prov:wasAttributedTo: the document's author, or another actor
reported by the author with a stance), and an in-text citation of one work (with its own
anchor). Actors are global (…/id/actor/…). About 1% of claims and works carry one fault each,
drawn in turn from: missing document, missing anchor, missing voice (no prov:wasAttributedTo),
untyped source, wrong datatype (an oa:start written as a string), source without year.

The output is N-Triples written line by line from a seeded ``random.Random``: the same seed and
size give a byte-identical file. Run:
    python benchmarks/gen_claim_graph.py --triples 100000 --seed 1 -o /tmp/claims-100k.nt
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from collections.abc import Iterator
from typing import TextIO

CG = "https://w3id.org/claimgraph/ontology#"
CTYPE = "https://w3id.org/claimgraph/vocab/claim-type/"
STANCE = "https://w3id.org/claimgraph/vocab/stance/"
CFORM = "https://w3id.org/claimgraph/vocab/citation-form/"
BIRO = "http://purl.org/spar/biro/"
CITO = "http://purl.org/spar/cito/"
DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
ID = "https://w3id.org/claimgraph/id/"
KINDS = ("factual", "interpretive", "normative", "predictive")

FAULTS = (
    "missing-document",
    "missing-anchor",
    "missing-voice",
    "untyped-source",
    "wrong-datatype",
    "source-without-year",
)
CLAIMS_PER_DOC = 200
SOURCES_PER_DOC = 40
SECTIONS_PER_DOC = 8
ACTORS = 300


def iri(s: str) -> str:
    return f"<{s}>"


def lit(text: str, datatype: str | None = None, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def integer(n: int) -> str:
    return lit(str(n), XSD + "integer")


def actor(n: int) -> str:
    return iri(f"{ID}actor/gen-{n}")


def doc_iri(d: int) -> str:
    """The IRI of generated document ``d`` (…/id/doc/gen-D)."""
    return f"{ID}doc/gen-{d}"


def claim_iri(d: int, c: int) -> str:
    """The IRI of claim ``c`` of generated document ``d`` (…/id/doc/gen-D/claim/cC)."""
    return f"{doc_iri(d)}/claim/c{c}"


def source_iri(d: int, r: int) -> str:
    return f"{ID}source/gen-{d}-{r}"


class Generator:
    def __init__(self, seed: int, fault_rate: float) -> None:
        self.rnd = random.Random(seed)
        self.fault_rate = fault_rate
        self.next_fault = 0
        self.faults: dict[str, int] = dict.fromkeys(FAULTS, 0)

    def fault(self, allowed: tuple[str, ...]) -> str | None:
        """The next fault of those ``allowed`` here, with probability ``fault_rate``."""
        if self.rnd.random() >= self.fault_rate:
            return None
        for _ in range(len(FAULTS)):
            kind = FAULTS[self.next_fault % len(FAULTS)]
            self.next_fault += 1
            if kind in allowed:
                self.faults[kind] += 1
                return kind
        return None

    def actors(self) -> Iterator[tuple[str, str, str]]:
        for a in range(ACTORS):
            yield actor(a), iri(RDF_TYPE), iri(CG + "Person")
            yield actor(a), iri(RDFS_LABEL), lit(f"Actor {a}")

    def document(self, d: int) -> Iterator[tuple[str, str, str]]:
        rnd = self.rnd
        base = doc_iri(d) + "/"
        doc = iri(doc_iri(d))
        author = rnd.randrange(ACTORS)
        length = 50_000 + rnd.randrange(50_000)
        body_end = length - 5_000  # the reference list follows the body
        digest = hashlib.sha256(f"doc {d}".encode()).hexdigest()
        yield doc, iri(RDF_TYPE), iri(CG + "Document")
        yield doc, iri(DCT + "title"), lit(f"Essay {d}")
        yield doc, iri(DCT + "creator"), actor(author)
        yield (
            doc,
            iri(DCT + "issued"),
            lit(
                f"20{rnd.randrange(10, 26)}-0{rnd.randrange(1, 10)}-1{rnd.randrange(10)}",
                XSD + "date",
            ),
        )
        yield doc, iri(CG + "sha256"), lit(digest)
        yield doc, iri(CG + "charLength"), integer(length)
        yield doc, iri(CG + "bodyStart"), integer(0)
        yield doc, iri(CG + "bodyEnd"), integer(body_end)
        for s in range(SECTIONS_PER_DOC):
            section = iri(f"{base}section/s{s}")
            yield section, iri(RDF_TYPE), iri(CG + "Section")
            yield section, iri(RDFS_LABEL), lit(f"Section {s}")
            yield section, iri(DCT + "isPartOf"), doc
            yield section, iri(CG + "order"), integer(s + 1)
        for r in range(SOURCES_PER_DOC):
            source = iri(source_iri(d, r))
            fault = self.fault(("untyped-source", "source-without-year"))
            if fault != "untyped-source":
                yield source, iri(RDF_TYPE), iri(CG + "Source")
            yield source, iri(DCT + "title"), lit(f"Work {d}.{r}")
            if fault != "source-without-year":
                yield (
                    source,
                    iri(DCT + "issued"),
                    lit(str(1900 + rnd.randrange(125)), XSD + "gYear"),
                )
            yield source, iri(DCT + "creator"), actor(rnd.randrange(ACTORS))
            entry = iri(f"{base}reference/r{r}")
            entry_anchor = iri(f"{base}anchor/reference-r{r}")
            yield entry, iri(RDF_TYPE), iri(CG + "ReferenceEntry")
            yield entry, iri(BIRO + "references"), source
            yield entry, iri(DCT + "isPartOf"), doc
            yield entry, iri(CG + "anchor"), entry_anchor
            yield from self.anchor(entry_anchor, doc, body_end, length)
        for c in range(CLAIMS_PER_DOC):
            yield from self.claim(d, c, author, body_end)

    def anchor(self, node: str, doc: str, low: int, high: int, typed_start: bool = True):  # type: ignore[no-untyped-def]
        """A text anchor of ``doc`` within [low, high)."""
        start = low + self.rnd.randrange(high - low - 200)
        end = start + 20 + self.rnd.randrange(150)
        selector = iri(node[1:-1] + "-position")
        yield node, iri(RDF_TYPE), iri(CG + "TextAnchor")
        yield node, iri(OA + "hasSource"), doc
        yield node, iri(OA + "hasSelector"), selector
        yield node, iri(CG + "sha256"), lit(hashlib.sha256(node.encode()).hexdigest())
        yield selector, iri(RDF_TYPE), iri(OA + "TextPositionSelector")
        yield selector, iri(OA + "start"), integer(start) if typed_start else lit(str(start))
        yield selector, iri(OA + "end"), integer(end)

    def claim(self, d: int, c: int, author: int, body_end: int) -> Iterator[tuple[str, str, str]]:
        rnd = self.rnd
        base = doc_iri(d) + "/"
        doc = iri(doc_iri(d))
        claim = iri(claim_iri(d, c))
        anchor = iri(f"{base}anchor/claim-c{c}")
        citation = iri(f"{base}citation/c{c}")
        source = iri(source_iri(d, rnd.randrange(SOURCES_PER_DOC)))
        fault = self.fault(
            ("missing-document", "missing-anchor", "missing-voice", "wrong-datatype")
        )
        reported = rnd.random() < 0.1
        yield claim, iri(RDF_TYPE), iri(CG + "Claim")
        yield claim, iri(RDFS_LABEL), lit(f"Claim {c} of document {d}", lang="en")
        kinds = rnd.sample(KINDS, 2 if rnd.random() < 0.1 else 1)
        for kind in sorted(kinds):
            yield claim, iri(CG + "kind"), iri(CTYPE + kind)
        if fault != "missing-document":
            yield claim, iri(CG + "statedIn"), doc
        yield claim, iri(CG + "inSection"), iri(f"{base}section/s{rnd.randrange(SECTIONS_PER_DOC)}")
        if fault != "missing-anchor":
            yield claim, iri(CG + "anchor"), anchor
        voice = (author + 1 + rnd.randrange(ACTORS - 1)) % ACTORS if reported else author
        if fault != "missing-voice":
            yield claim, iri(PROV + "wasAttributedTo"), actor(voice)
        if reported:
            yield claim, iri(CG + "reportedBy"), actor(author)
            yield (
                claim,
                iri(CG + "stance"),
                iri(STANCE + rnd.choice(("endorses", "disputes", "relays"))),
            )
        yield claim, iri(CG + "hasCitation"), citation
        yield claim, iri(CITO + "citesAsEvidence"), source
        yield from self.anchor(anchor, doc, 0, body_end, typed_start=fault != "wrong-datatype")
        citation_anchor = iri(f"{base}anchor/citation-c{c}")
        yield citation, iri(RDF_TYPE), iri(CG + "InTextCitation")
        yield citation, iri(CG + "citationText"), lit(f"(Author, {1900 + c % 125})")
        yield citation, iri(CG + "citationForm"), iri(CFORM + "parenthetical")
        yield citation, iri(CITO + "hasCitingEntity"), doc
        yield citation, iri(CITO + "hasCitedEntity"), source
        yield (
            citation,
            iri(CG + "inSection"),
            iri(f"{base}section/s{rnd.randrange(SECTIONS_PER_DOC)}"),
        )
        yield citation, iri(CG + "anchor"), citation_anchor
        yield from self.anchor(citation_anchor, doc, 0, body_end)


def generate(out: TextIO, triples: int, seed: int = 1, fault_rate: float = 0.01) -> dict[str, int]:
    """Write at least ``triples`` triples (whole documents); the faults injected, by kind."""
    gen = Generator(seed, fault_rate)
    written = 0
    for t in gen.actors():
        out.write(" ".join(t) + " .\n")
        written += 1
    d = 0
    while written < triples:
        for t in gen.document(d):
            out.write(" ".join(t) + " .\n")
            written += 1
        d += 1
    return {"triples": written, "documents": d, **gen.faults}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault-rate", type=float, default=0.01)
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args()
    if args.output == "-":
        stats = generate(sys.stdout, args.triples, args.seed, args.fault_rate)
    else:
        with open(args.output, "w", encoding="utf-8", newline="\n") as f:
            stats = generate(f, args.triples, args.seed, args.fault_rate)
    print(", ".join(f"{k} {v}" for k, v in stats.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
