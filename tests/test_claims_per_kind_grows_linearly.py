"""``claims-per-kind`` answers as before its OPTIONAL restated the document and kind, and its
time no longer grows with the square of the store (issue 13: 92x from 100k to 1M triples)."""

from __future__ import annotations

import io
import sys
import time

import pyoxigraph as ox

from claimgraph.catalog import load_catalog
from claimgraph.sparql import execute

from .conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from gen_claim_graph import generate  # noqa: E402

NOW = load_catalog()["claims-per-kind"].text
BEFORE = NOW.replace(
    "    ?doc a cg:Document .\n    ?kind skos:inScheme cg:ClaimKindScheme .\n    ?claim cg:kind",
    "    ?claim cg:kind",
)


def _store(triples: int) -> ox.Store:
    out = io.StringIO()
    generate(out, triples, seed=1, fault_rate=0.0)
    store = ox.Store()
    store.load(out.getvalue().encode(), format=ox.RdfFormat.N_TRIPLES)
    return store


def _best(store: ox.Store, text: str) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        execute(store, text)
        times.append(time.perf_counter() - start)
    return min(times)


def test_claims_per_kind_answers_as_before(bundled_store):
    assert BEFORE != NOW
    for store in (bundled_store, _store(30_000)):
        assert execute(store, NOW).rows == execute(store, BEFORE).rows


def test_claims_per_kind_grows_about_linearly():
    small, large = _store(40_000), _store(160_000)
    assert _best(large, NOW) < 8 * _best(small, NOW)
