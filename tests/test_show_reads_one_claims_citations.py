"""``show``'s citations query reads the anchors of the claim's own citations, not of every
citation in the store (issue 13: 1 s of ``show`` at 1M triples), and answers as before."""

from __future__ import annotations

import io
import sys
import time

import pyoxigraph as ox

from claimgraph import card
from claimgraph.sparql import LocalExecutor

from .conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from gen_claim_graph import claim_iri, generate  # noqa: E402

OLD = card._CITATIONS.replace(
    "OPTIONAL { ?claim cg:hasCitation ?citation .\n             ?citation cg:anchor",
    "OPTIONAL { ?citation cg:anchor",
)


def _best(fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(3):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def test_the_citations_query_answers_as_before_and_does_not_scan_every_anchor():
    assert OLD != card._CITATIONS
    out = io.StringIO()
    generate(out, 60_000, seed=2)
    store = ox.Store()
    store.load(out.getvalue().encode(), format=ox.RdfFormat.N_TRIPLES)
    executor = LocalExecutor(store)
    claim = ox.NamedNode(claim_iri(3, 17))

    def rows(text: str):  # type: ignore[no-untyped-def]
        return executor.query(text, bindings={"claim": claim}).rows

    assert rows(card._CITATIONS) == rows(OLD) and len(rows(OLD)) == 1
    assert _best(lambda: rows(card._CITATIONS)) * 5 < _best(lambda: rows(OLD))
