"""Median wall time of cold `claimgraph query NAME` and `claimgraph queries` beside a bare
`python -c "import pyoxigraph"`, measured in one run and printed as ratios (goal: <= 6x).

Prints measured numbers; asserts nothing. Run: python benchmarks/cli_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = shutil.which("claimgraph") or str(Path(sys.executable).parent / "claimgraph")
    cases = {
        "python -c 'import pyoxigraph'": [sys.executable, "-c", "import pyoxigraph"],
        "claimgraph --help": [exe, "--help"],
        "claimgraph query sources-supporting-claim": [
            exe,
            "query",
            "sources-supporting-claim",
            "--param",
            "claim=no-binding-agreement",
        ],
        "claimgraph query claims-per-section": [exe, "query", "claims-per-section"],
        "claimgraph queries": [exe, "queries"],
    }
    for cmd in cases.values():  # warm the file cache once
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    medians = {}
    print(f"{'command':<45} {'median ms':>10} {'min ms':>8} {'max ms':>8}  (runs={args.runs})")
    for name, cmd in cases.items():
        t = timed(cmd, args.runs)
        medians[name] = statistics.median(t)
        print(
            f"{name:<45} {medians[name] * 1000:>10.1f} {min(t) * 1000:>8.1f} {max(t) * 1000:>8.1f}"
        )
    base = medians["python -c 'import pyoxigraph'"]
    for name, median in medians.items():
        if name.startswith("claimgraph"):
            print(f"ratio {name} / import pyoxigraph: {median / base:.2f}x")


if __name__ == "__main__":
    main()
