"""Server-side time of the web UI's pages: the claim page and a filtered claims list (and the
unfiltered list), on the bundled graph and on 10,000 synthetic claims.

Each page is requested in process (Starlette's TestClient: no socket, so the time is the
server's: routing, the page's queries in the worker pool, rendering). The response cache is
off, so every request runs its queries ("cold"); a second column gives the time with the
cache on after one request ("repeat"). Median of --runs requests. Asserts nothing.

Run: python benchmarks/web_pages.py [--runs N] [--claims N] [--workers W]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.web_fixtures

from starlette.testclient import TestClient  # noqa: E402

from claimgraph.endpoint import ServerConfig, create_app  # noqa: E402
from tests.web_fixtures import synthetic_store  # noqa: E402

ID = "https://w3id.org/claimgraph/id/"
BUNDLED = {
    "claim page": "/claim/broken-promises-narrative/no-binding-agreement",
    "filtered list": "/?contested=yes&kind=https://w3id.org/claimgraph/vocab/claim-type/factual",
    "list": "/",
}
SYNTHETIC = {
    "claim page": "/claim/synthetic-4/c123",
    "filtered list": f"/?doc={ID}doc/synthetic-3&contested=yes",
    "list": "/",
}


def timed(client: TestClient, path: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times) * 1000


def measure(store: Path | None, pages: dict[str, str], runs: int, workers: int) -> list[tuple]:
    rows = []
    cold = ServerConfig(store=store, workers=workers, cache_entries=0)
    warm = ServerConfig(store=store, workers=workers)
    base = "http://127.0.0.1:7878"
    with TestClient(create_app(cold), base_url=base) as c, \
            TestClient(create_app(warm), base_url=base) as w:
        for name, path in pages.items():
            c.get(path)  # the workers' first touch of the store is not the page's cost
            w.get(path)
            rows.append((name, timed(c, path, runs), timed(w, path, runs)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"{'graph':<22} {'page':<14} {'cold ms':>9} {'repeat ms':>10}")
    results = [("bundled", measure(None, BUNDLED, args.runs, args.workers))]
    with tempfile.TemporaryDirectory() as tmp:
        store = synthetic_store(Path(tmp) / "store", claims=args.claims)
        results.append((f"{args.claims:,} synthetic", measure(store, SYNTHETIC, args.runs,
                                                              args.workers)))
    for graph, rows in results:
        for name, cold, warm in rows:
            print(f"{graph:<22} {name:<14} {cold:>9.1f} {warm:>10.1f}")


if __name__ == "__main__":
    main()
