"""Writing graphs and datasets canonically: the same graph always gives the same bytes.

Export, CONSTRUCT/DESCRIBE results on the CLI and graph answers of the endpoint all come
through here, so a graph reads (and diffs) the same whichever way it left the store. Blank
nodes, whose labels pyoxigraph changes on every load and every query, are renamed canonically
(RDFC-1.0) first; then triples or quads are sorted, and only those of claimgraph's fixed
prefixes that occur are declared, in alphabetical order.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from . import formats
from .terms import PREFIXES, document_item, split_document_item

__all__ = [
    "canonical_quads",
    "canonical_triples",
    "serialize_graph",
    "serialize_quads",
    "used_prefixes",
    "prefix_facts",
    "add_prefix_facts",
    "prefixes_of",
    "sort_prefix_lines",
]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

#: Formats that have no prefix declarations to pass to pyoxigraph.
_NO_PREFIXES = ("ntriples", "nquads")


def used_prefixes(terms: Iterable[Term]) -> dict[str, str]:
    """The subset of our prefixes whose namespace some IRI among ``terms`` starts with."""
    iris: set[str] = set()
    for t in terms:
        if isinstance(t, ox.NamedNode):
            iris.add(t.value)
        elif isinstance(t, ox.Literal):
            iris.add(t.datatype.value)
    return prefixes_of(*prefix_facts(iris))


#: What :func:`prefixes_of` needs to know of a set of IRIs: the fixed prefixes some of them
#: start with, and the documents having items of each kind. Facts of parts of a graph add up
#: (set unions) to the facts of the whole, so a streamed export gathers them chunk by chunk.
PrefixFacts = tuple[set[str], dict[str, set[str]]]


def prefix_facts(iris: set[str]) -> PrefixFacts:
    ordered = sorted(iris)  # the IRIs starting with a namespace follow it in order

    def starting_with(ns: str) -> Iterator[str]:
        for i in range(bisect.bisect_left(ordered, ns), len(ordered)):
            if not ordered[i].startswith(ns):
                return
            yield ordered[i]

    used = {p for p, ns in PREFIXES.items() if next(starting_with(ns), None) is not None}
    kinds: dict[str, set[str]] = {}
    doc = PREFIXES["doc"]
    i = bisect.bisect_left(ordered, doc)
    while i < len(ordered) and ordered[i].startswith(doc):
        item = split_document_item(ordered[i])
        i += 1
        if item is not None:
            kinds.setdefault(item[1], set()).add(item[0])
            # the other items of this document and kind add nothing: past them (a graph's
            # items are most of its IRIs, and checking each one's slug took most of the time)
            i = bisect.bisect_left(ordered, f"{doc}{item[0]}/{item[1]}/\U0010ffff", i)
    return used, kinds


def add_prefix_facts(total: PrefixFacts, more: PrefixFacts) -> None:
    total[0].update(more[0])
    for kind, docs in more[1].items():
        total[1].setdefault(kind, set()).update(docs)


def prefixes_of(used: set[str], kinds: dict[str, set[str]]) -> dict[str, str]:
    """The prefixes to declare: the fixed ones in ``used``, alphabetically, then the document's."""
    chosen = {p: ns for p, ns in sorted(PREFIXES.items()) if p in used}
    return chosen | _document_prefixes(kinds)


def _document_prefixes(kinds: dict[str, set[str]]) -> dict[str, str]:
    """``claim:`` and the like for items minted under a document, as the data files write them,
    when the IRIs hold items of one document only (with several, no prefix could name both)."""
    docs = set().union(*kinds.values()) if kinds else set()
    if len(docs) != 1:
        return {}
    (doc,) = docs
    return {kind: document_item(doc, kind, "") for kind in sorted(kinds)}


def sort_prefix_lines(data: bytes) -> bytes:
    """Put the leading ``@prefix`` lines of Turtle or TriG in alphabetical order.

    pyoxigraph writes them in an order of its own; sorted, they read (and diff) predictably.
    """
    if not data.startswith(b"@prefix "):
        return data
    lines = data.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix "):
        n += 1
    return b"\n".join(sorted(lines[:n]) + lines[n:])


def _has_blank(q: ox.Quad) -> bool:
    return (
        isinstance(q.subject, ox.BlankNode)
        or isinstance(q.object, ox.BlankNode)
        or isinstance(q.graph_name, ox.BlankNode)
    )


def _key(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Quads without duplicates, blank nodes relabelled by RDFC-1.0, in a fixed order."""
    items = list(quads)
    if any(_has_blank(q) for q in items):
        dataset = ox.Dataset(items)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        items = list(dataset)
    return sorted(set(items), key=_key)


def serialize_quads(quads: Iterable[ox.Quad], fmt: str) -> bytes:
    """Quads canonically in ``fmt``; a one-graph format keeps their triples only.

    Whether dropping graph names is right is the caller's decision (export refuses it when
    the store has several graphs).
    """
    f = formats.get(fmt, "graph", "dataset")
    ordered = canonical_quads(quads)
    kwargs: dict[str, object] = {}
    if f.name not in _NO_PREFIXES:
        kwargs["prefixes"] = used_prefixes(
            t for q in ordered for t in (q.subject, q.predicate, q.object)
        )
    items: list[ox.Quad] | list[ox.Triple]
    if f.family == "dataset" or f.holds_datasets:
        items = ordered
    else:
        items = [ox.Triple(q.subject, q.predicate, q.object) for q in ordered]
    data = ox.serialize(items, format=f.ox_format, **kwargs)  # type: ignore[arg-type]
    return sort_prefix_lines(data or b"")


def canonical_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Triples without duplicates, blank nodes relabelled by RDFC-1.0, in a fixed order.

    The common case (no blank nodes) stays on triples: building quads first doubled the time
    of a 100k-triple CONSTRUCT answer.
    """
    items = list(triples)
    if any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in items
    ):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in items)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        items = [ox.Triple(q.subject, q.predicate, q.object) for q in dataset]
    return sorted(set(items), key=str)


def serialize_graph(triples: Iterable[ox.Triple], fmt: str) -> bytes:
    """Triples (one graph, e.g. a CONSTRUCT result) canonically in the graph format ``fmt``."""
    f = formats.get(fmt, "graph")
    ordered = canonical_triples(triples)
    kwargs: dict[str, object] = {}
    if f.name not in _NO_PREFIXES:
        kwargs["prefixes"] = used_prefixes(
            term for t in ordered for term in (t.subject, t.predicate, t.object)
        )
    data = ox.serialize(ordered, format=f.ox_format, **kwargs)  # type: ignore[arg-type]
    return sort_prefix_lines(data or b"")
