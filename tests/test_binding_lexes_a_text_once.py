"""A stored query's text is lexed and analysed once, not at every run (issue 13: the fixed
cost of binding a parameter as a constant was most of a sub-millisecond query's time), and the
cached analysis gives the same text as a fresh one."""

from __future__ import annotations

import pyoxigraph as ox

from claimgraph import binding
from claimgraph.catalog import load_catalog
from claimgraph.sparql import LocalExecutor, run_stored

CLAIM = "https://w3id.org/claimgraph/id/doc/broken-promises-narrative/claim/no-binding-agreement"


def test_a_stored_query_is_lexed_once_across_runs(bundled_store):
    query = load_catalog()["sources-supporting-claim"]
    executor = LocalExecutor(bundled_store)
    first = run_stored(executor, query, {"claim": CLAIM})
    caches = (binding._lexed, binding._template, binding._inlined)
    before = [c.cache_info() for c in caches]
    again = [run_stored(executor, query, {"claim": CLAIM}) for _ in range(5)]
    after = [c.cache_info() for c in caches]
    assert [a.misses for a in after] == [b.misses for b in before]  # lexed, analysed, written once
    assert after[2].hits > before[2].hits
    assert all(r.rows == first.rows for r in again)


def test_cached_tokens_bind_as_fresh_ones_do():
    text = load_catalog()["claims-about-actor"].text
    subs = {ox.Variable("actor"): ox.NamedNode("https://w3id.org/claimgraph/id/actor/russia")}
    binding._lexed.cache_clear()
    binding._template.cache_clear()
    binding._inlined.cache_clear()
    fresh = binding.inline_constants(text, subs)
    cached = binding.inline_constants(text, subs)
    assert fresh is not None and fresh == cached
    other = {ox.Variable("actor"): ox.NamedNode("https://w3id.org/claimgraph/id/actor/nato")}
    assert binding.inline_constants(text, other) == fresh.replace("/actor/russia>", "/actor/nato>")
