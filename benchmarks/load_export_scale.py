"""`claimgraph load` and `export` beside pyoxigraph's own `Store.bulk_load` and `Store.dump`.

A seeded claim graph (``gen_claim_graph.py``) of 100k and of 1M triples is loaded into fresh
on-disk stores by ``claimgraph load FILE --graph G`` and by ``Store.bulk_load(to_graph=G)``,
interleaved; then the claimgraph store is exported by ``claimgraph export --format turtle
--graph G`` and ``--format nquads`` (every graph) and by ``Store.dump`` of the same. Each run is
a fresh child process; its time is wall-clock and its peak RSS comes from wait4. The closing
lines give claimgraph's speed as a fraction of pyoxigraph's (goals: load >= 0.8x at <= 1.2x
its peak memory; export >= 0.6x) and its memory. Prints measured numbers; asserts nothing.
Run: python benchmarks/load_export_scale.py [--sizes 100000 1000000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GRAPH = "https://example.org/claimgraph-gen/graph"

BULK_LOAD = """
import sys
import pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(sys.argv[3]))
store.flush()
"""

DUMP = """
import sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
if sys.argv[3] == "turtle":
    store.dump(sys.argv[2], format=ox.RdfFormat.TURTLE, from_graph=ox.NamedNode(sys.argv[4]))
else:
    store.dump(sys.argv[2], format=ox.RdfFormat.N_QUADS)
"""


def child(argv: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one child process."""
    env = {k: v for k, v in os.environ.items() if k != "CLAIMGRAPH_STORE"}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv[:2])}… failed: {err}")
    return seconds, usage.ru_maxrss / 1024


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "claimgraph", *args]


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The fastest run's time and the largest peak memory seen."""
    return min(t for t, _ in runs), max(m for _, m in runs)


def generate(path: Path, triples: int) -> None:
    gen = Path(__file__).with_name("gen_claim_graph.py")
    subprocess.run(
        [sys.executable, str(gen), "--triples", str(triples), "--seed", "1", "-o", str(path)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def measure(tmp: Path, triples: int, rounds: int) -> dict[str, tuple[float, float]]:
    data = tmp / f"claims-{triples}.nt"
    generate(data, triples)
    print(f"\n{triples} triples requested: {data.stat().st_size / 1e6:.0f} MB of N-Triples")
    runs: dict[str, list[tuple[float, float]]] = {}
    store = tmp / "cg"
    for r in range(rounds):
        for name in ("bulk_load", "load") if r % 2 == 0 else ("load", "bulk_load"):
            folder = tmp / name
            shutil.rmtree(folder, ignore_errors=True)
            if name == "load":
                argv = cli("load", str(data), "--graph", GRAPH, "--store", str(folder))
            else:
                argv = [sys.executable, "-c", BULK_LOAD, str(folder), str(data), GRAPH]
            runs.setdefault(name, []).append(child(argv))
            if name == "load" and r == rounds - 1:
                shutil.rmtree(store, ignore_errors=True)
                folder.rename(store)
            shutil.rmtree(folder, ignore_errors=True)
    out = tmp / "out"
    for r in range(rounds):
        for fmt in ("turtle", "nquads"):
            graph_args = ["--graph", GRAPH] if fmt == "turtle" else []
            pair = (
                ("dump", [sys.executable, "-c", DUMP, str(store), str(out), fmt, GRAPH]),
                (
                    "export",
                    cli(
                        "export",
                        "--format",
                        fmt,
                        *graph_args,
                        "-o",
                        str(out),
                        "--store",
                        str(store),
                    ),
                ),
            )
            for name, argv in pair if r % 2 == 0 else pair[::-1]:
                runs.setdefault(f"{name} {fmt}", []).append(child(argv))
                out.unlink(missing_ok=True)
    results = {name: best(r) for name, r in runs.items()}
    for name, (t, m) in results.items():
        print(f"  {name:16} {t:7.2f} s  peak RSS {m:7.0f} MiB")
    shutil.rmtree(store, ignore_errors=True)
    data.unlink()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    closing = []
    with tempfile.TemporaryDirectory(prefix="claimgraph-bench-") as tmp:
        for triples in args.sizes:
            r = measure(Path(tmp), triples, args.rounds)
            (lt, lm), (bt, bm) = r["load"], r["bulk_load"]
            closing.append(
                f"{triples:>9} load:   {bt / lt:.2f}x bulk_load's speed (goal >= 0.8), "
                f"peak {lm:.0f} MiB = {lm / bm:.2f}x its {bm:.0f} (goal <= 1.2)"
            )
            for fmt in ("turtle", "nquads"):
                (et, em), (dt, dm) = r[f"export {fmt}"], r[f"dump {fmt}"]
                closing.append(
                    f"{triples:>9} export {fmt:7} {dt / et:.2f}x Store.dump's speed (goal >= 0.6), "
                    f"peak {em:.0f} MiB (dump {dm:.0f})"
                )
    print()
    print("\n".join(closing))


if __name__ == "__main__":
    main()
