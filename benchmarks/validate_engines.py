"""Time of `validate` with the compiled SHACL engine beside pyshacl, on generated claim graphs.

For each size (default 10k and 100k triples) a graph from ``gen_claim_graph.py`` (seed 1, ~1%
faults) is loaded into an in-memory store with the bundled ontology and shapes; then both
engines validate that already-loaded store, interleaved (compiler, pyshacl, compiler with one
thread, per round), their results are required to be identical, and the median times and
ratios are printed. Prints measured numbers; asserts only that the results agree.
Run: python benchmarks/validate_engines.py [--sizes 10000 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_claim_graph import generate  # noqa: E402

from claimgraph.shacl import validate_store as compiled_validate  # noqa: E402
from claimgraph.store import bundled_quads  # noqa: E402
from claimgraph.terms import ONTOLOGY_GRAPH, SHAPES_GRAPH  # noqa: E402
from claimgraph.validate import validate_store as pyshacl_validate  # noqa: E402

GRAPH = "https://example.org/claimgraph-gen/graph"


def build(triples: int) -> tuple[ox.Store, dict[str, int]]:
    text = io.StringIO()
    stats = generate(text, triples, seed=1)
    store = ox.Store()
    keep = (ox.NamedNode(ONTOLOGY_GRAPH), ox.NamedNode(SHAPES_GRAPH))
    store.extend(q for q in bundled_quads() if q.graph_name in keep)
    store.load(
        text.getvalue().encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH)
    )
    return store, stats


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for size in args.sizes:
        store, stats = build(size)
        times: dict[str, list[float]] = {"compiler": [], "pyshacl": [], "compiler-1-thread": []}
        reports = {}
        for _ in range(args.rounds):
            for name, fn in (
                ("compiler", partial(compiled_validate, store)),
                ("pyshacl", partial(pyshacl_validate, store)),
                ("compiler-1-thread", partial(compiled_validate, store, threads=1)),
            ):
                seconds, report = timed(fn)
                times[name].append(seconds)
                reports[name] = report
        same = reports["compiler"].results == reports["pyshacl"].results
        same_one = reports["compiler"].results == reports["compiler-1-thread"].results
        med = {k: statistics.median(v) for k, v in times.items()}
        print(
            f"{stats['triples']:>9,} triples ({reports['pyshacl'].violations} violations, "
            f"{reports['pyshacl'].warnings} warnings): compiler {med['compiler']:.3f} s, "
            f"pyshacl {med['pyshacl']:.3f} s -> {med['pyshacl'] / med['compiler']:.1f}x; "
            f"compiler on 1 thread {med['compiler-1-thread']:.3f} s "
            f"(threads: {med['compiler-1-thread'] / med['compiler']:.2f}x); "
            f"identical results: {same and same_one}"
        )
        if not (same and same_one):
            raise SystemExit("the engines disagree")


if __name__ == "__main__":
    main()
