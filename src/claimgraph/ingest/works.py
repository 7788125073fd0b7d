"""Reference-list entries and the works they refer to, for a draft.

Each entry of the list becomes a ``cg:ReferenceEntry`` of the document (anchored, with the
authors as printed) linked by ``biro:references`` to a global ``cg:Source`` minted
``firstauthor-year`` as the curated data does, described with the fields the CRF parser read
(:func:`claimgraph.ingest.references.parse_reference`). The authors become proposed actors
(``actor:family-initials``), persons or organisations.

Two readers look at every entry: the CRF parser and the simple author-year grammar the
citations were resolved with (:func:`claimgraph.ingest.citations.reference_key`). Where they
disagree on the surnames or the year, resolution may have used a reading the work does not
carry, so the entry gets a ``cg:reviewNote`` saying both readings (names and years only).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ..terms import CG, PREFIXES, mint_slug
from .citations import ReferenceKey
from .draftgraph import NS, DraftGraph
from .references import Author, ParsedReference

__all__ = ["DraftWorks", "add_references", "disagreement"]


@dataclass(frozen=True)
class DraftWorks:
    """What the entries became: per entry (in list order) its entry IRI, its work IRI and its
    review note (None when both readers agree); and a proposed actor per folded surname."""

    entries: tuple[str, ...]
    works: tuple[str, ...]
    notes: tuple[str | None, ...]
    authors: dict[str, str]

    @property
    def flagged(self) -> int:
        return sum(1 for n in self.notes if n)


def _fold(name: str) -> str:
    s = unicodedata.normalize("NFKD", name.replace("’", "'")).encode("ascii", "ignore").decode()
    return " ".join(s.strip(" .,").split()).casefold()


def _year4(year: str | None) -> str | None:
    m = re.match(r"\d{4}", year or "")
    return m.group(0) if m else None


# a name that is only initials ("M.E", "A") is no surname for either reader
_INITIALS = re.compile(r"^\s*(?:[A-Z][a-z]?\.\s*-?\s*)*[A-Z](?:[a-z]?\.)?\s*$")


def _surname(name: str) -> str:
    """The folded last word of a name: "M. Rocha" and "Rocha" are the same reading."""
    words = _fold(name).split()
    return words[-1] if words else ""


def disagreement(parsed: ParsedReference, key: ReferenceKey) -> str | None:
    """The review note for an entry the two readers read differently, else None.

    Surnames are compared only for author-year entries: a numbered entry is resolved by its
    number, so the grammar's reading of its names was never used.
    """
    crf = [_surname(a.family) for a in parsed.authors
           if a.family.strip() and not _INITIALS.match(a.family)]
    simple = [_surname(s) for s in key.surnames if s.strip() and not _INITIALS.match(s)]
    year_crf = (parsed.year or "").replace(" ", "").lower() or None
    problems = []
    if key.number is None and (crf[:1] != simple[:1] or set(crf) != set(simple)):
        problems.append(
            f"surnames: the parser reads {'; '.join(a.family for a in parsed.authors) or 'none'}, "
            f"the author-year grammar {'; '.join(key.surnames) or 'none'}"
        )
    if year_crf != key.year:
        problems.append(f"year: the parser reads {parsed.year or 'none'}, "
                        f"the author-year grammar {key.year or 'none'}")
    if not problems:
        return None
    return "The two readers of this entry disagree on " + " and ".join(problems) + "."


def _actor(g: DraftGraph, author: Author) -> str:
    if author.corporate or not author.given:
        slug, label = mint_slug(author.family), author.family
    else:
        initials = " ".join(w[0] for w in re.split(r"[\s.\-]+", author.given) if w)
        slug, label = mint_slug(f"{author.family} {initials}"), f"{author.family}, {author.given}"
    iri = PREFIXES["actor"] + slug
    kind = "Organisation" if author.corporate else "Person"
    g.node(iri, CG + kind)
    g.lit(iri, NS["rdfs"] + "label", label)
    return iri


def _organisation(g: DraftGraph, name: str) -> str:
    iri = g.node(PREFIXES["actor"] + mint_slug(name), CG + "Organisation")
    g.lit(iri, NS["rdfs"] + "label", name)
    return iri


def _describe_work(g: DraftGraph, work: str, parsed: ParsedReference) -> list[str]:
    g.node(work, CG + "Source")
    if parsed.title:
        g.lit(work, NS["dcterms"] + "title", parsed.title)
    year = _year4(parsed.year)
    if year:
        g.lit(work, NS["dcterms"] + "issued", year, "gYear")
    creators = [_actor(g, a) for a in parsed.authors]
    for c in creators:
        g.add(work, NS["dcterms"] + "creator", c)
    for field, prop in (("volume", "volume"), ("issue", "issue"), ("pages", "pages"),
                        ("doi", "doi")):
        value = getattr(parsed, field)
        if value:
            g.lit(work, NS["bibo"] + prop, value)
    if parsed.url:
        g.lit(work, NS["schema"] + "url", parsed.url, "anyURI")
    if parsed.publisher:
        g.add(work, NS["dcterms"] + "publisher", _organisation(g, parsed.publisher))
    if parsed.place:
        g.lit(work, CG + "publicationPlace", parsed.place)
    if parsed.container:
        container = g.node(PREFIXES["container"] + mint_slug(parsed.container))
        g.lit(container, NS["dcterms"] + "title", parsed.container)
        g.add(work, NS["dcterms"] + "isPartOf", container)
    return creators


def _printed_authors(parsed: ParsedReference) -> str | None:
    words = [t for t, label in zip(parsed.tokens, parsed.labels, strict=False) if label == "author"]
    return " ".join(words) or None


def add_references(
    g: DraftGraph, keys: Sequence[ReferenceKey], parsed: Sequence[ParsedReference]
) -> DraftWorks:
    """Entries, works and authors of the reference list into ``g``; see :class:`DraftWorks`."""
    entries: list[str] = []
    works: list[str] = []
    notes: list[str | None] = []
    authors: dict[str, str] = {}
    taken: set[str] = set()
    for key, ref in zip(keys, parsed, strict=True):
        first = ref.authors[0].family if ref.authors else (key.surnames[:1] or ("anonymous",))[0]
        slug = mint_slug(f"{first} {ref.year or key.year or 'n.d.'}", taken)
        taken.add(slug)
        entry = g.node(g.item("reference", slug), CG + "ReferenceEntry")
        work = PREFIXES["source"] + slug
        creators = _describe_work(g, work, ref)
        for author, actor in zip(ref.authors, creators, strict=True):
            authors.setdefault(_fold(author.family), actor)
        g.add(entry, NS["biro"] + "references", work)
        g.add(entry, NS["dcterms"] + "isPartOf", g.doc_iri)
        printed = _printed_authors(ref)
        if printed:
            g.lit(entry, CG + "authorsAsPrinted", printed)
        g.add(entry, CG + "anchor", g.anchor(f"reference-{slug}", *key.span))
        if key.number is not None:
            g.lit(entry, NS["bibo"] + "locator", key.number)
        note = disagreement(ref, key)
        if note:
            g.lit(entry, CG + "reviewNote", note)
        entries.append(entry)
        works.append(work)
        notes.append(note)
    return DraftWorks(tuple(entries), tuple(works), tuple(notes), authors)
