"""Median wall time of cold `claimgraph query NAME` and `claimgraph queries` beside a bare
`python -c "import pyoxigraph"`, measured in one run and printed as ratios (goal: <= 6x).

Prints measured numbers; asserts nothing. Run: python benchmarks/cli_startup.py [--runs N]

The cases run interleaved (one of each per round), so a neighbour's load burst hits every case
alike, and each ratio comes from the same run. The children run with bytecode caching on, as a
``pip install`` leaves it (pip compiles ``.pyc`` files at install time): with
``PYTHONDONTWRITEBYTECODE=1`` and an editable install without ``__pycache__`` every call would
recompile claimgraph's sources (~25 ms), which no installed user pays; so the warm-up round
writes the ``.pyc`` files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def run_once(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    exe = shutil.which("claimgraph") or str(Path(sys.executable).parent / "claimgraph")
    base_name = "python -c 'import pyoxigraph'"
    cases = {
        base_name: [sys.executable, "-c", "import pyoxigraph"],
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
    for cmd in cases.values():  # warm the file cache (and write bytecode) once
        run_once(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, cmd in cases.items():
            times[name].append(run_once(cmd, env))
    print(
        f"{'command':<45} {'median ms':>10} {'min ms':>8} {'max ms':>8}"
        f"  (runs={args.runs}, interleaved, bytecode cached)"
    )
    for name, t in times.items():
        median = statistics.median(t)
        print(f"{name:<45} {median * 1000:>10.1f} {min(t) * 1000:>8.1f} {max(t) * 1000:>8.1f}")
    base = statistics.median(times[base_name])
    for name, t in times.items():
        if name.startswith("claimgraph"):
            rounds = sorted(a / b for a, b in zip(t, times[base_name], strict=True))
            print(
                f"ratio {name} / import pyoxigraph: {statistics.median(t) / base:.2f}x"
                f"  (per-round ratios {rounds[0]:.2f}-{rounds[-1]:.2f}x)"
            )


if __name__ == "__main__":
    main()
