"""The store's named graphs with their sizes, for ``claimgraph graphs`` and error messages.

A user who mistypes a graph name needs to see which graphs exist; counting is one aggregate
query, so it stays cheap on a large store.
"""

from __future__ import annotations

import pyoxigraph as ox

__all__ = ["graph_counts"]

_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def graph_counts(store: ox.Store) -> list[tuple[str, int]]:
    """(graph IRI, triple count) for every named graph, sorted by IRI; empty graphs too."""
    counts: dict[str, int] = {}
    for row in store.query(_COUNTS):  # type: ignore[union-attr]
        counts[row["g"].value] = int(row["n"].value)
    for g in store.named_graphs():
        if isinstance(g, ox.NamedNode):
            counts.setdefault(g.value, 0)
    return sorted(counts.items())
