"""Validation at scale (issue 13): the compiled SHACL engine beside pyshacl, in one run.

For each size (default 10k, 100k and 1M triples) a graph from ``gen_claim_graph.py`` (seed 1,
~1% faults, model v2) is written to a file and loaded with ``claimgraph load --store DIR``;
then, engines interleaved (compiler, pyshacl, compiler):

(a) the already-loaded on-disk store validated by ``api.validate`` (SHACL only), each run in a
    fresh process that opens the store and times the call: time of each engine, ratio, and
    whether the result multisets are identical;
(b) ``claimgraph validate --data FILE -f json`` end to end, whole process: time and peak RSS
    (``os.wait4`` of the child; includes the children it waited for), ratio, same results;
(d) ``oxigraph serve`` holding the same graphs (``oxigraph load``, ``--union-default-graph``):
    ``claimgraph validate --endpoint URL`` whole process, then once more in this process with
    every HTTP request counted (a wrapper around ``claimgraph.remote.client.send``), and whether
    its results equal the local compiler's.
And once: (c) the bundled graph, ``claimgraph validate`` vs a bare ``claimgraph queries``,
whole process, interleaved, medians.

pyshacl runs once per measurement (at 1M it takes minutes and GBs); ``--skip-pyshacl-at N``
skips it for sizes >= N (the output says so). The closing lines are the ratios against the
issue's goals. Temporary files live under ``--workdir`` (removed unless ``--keep``).
Run: python benchmarks/validate_scale.py [--sizes 10000 100000 1000000] [--skip-pyshacl-at N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_claim_graph import generate  # noqa: E402

GRAPH = "https://example.org/claimgraph-gen/graph"
BIN = Path(sys.executable).parent
CLAIMGRAPH = str(BIN / "claimgraph")
OXIGRAPH = str(BIN / "oxigraph")
TIME = "/usr/bin/time"


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) {five:.1f} (5 min) on {os.cpu_count()} cores"


def run(cmd: Sequence[str], **kw: Any) -> tuple[float, float, int, bytes]:
    """Seconds, peak RSS (MB) and exit code of one whole process, and its stdout.

    The peak comes from ``/usr/bin/time``: a child forked from this (large) process and then
    exec'd keeps this process's peak in its own ``ru_maxrss``; ``time``'s child does not.
    """
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as usage:
        start = time.perf_counter()
        code = subprocess.call(
            [TIME, "-f", "%M", "-o", usage.name, *cmd],
            stdout=out,
            stderr=subprocess.DEVNULL,
            **kw,
        )
        seconds = time.perf_counter() - start
        out.seek(0)
        body = out.read()
        lines = usage.read().split()
    kilobytes = float(lines[-1]) if lines else float("nan")
    return seconds, kilobytes / 1024, code, body


def json_results(body: bytes) -> Counter[tuple[Any, ...]]:
    """The SHACL results of a ``validate -f json`` report (text checks left out)."""
    found = json.loads(body)["results"]
    return Counter(
        tuple(sorted((k, v) for k, v in r.items() if k != "detail"))
        for r in found
        if r.get("severity") != "Info"
    )


VALIDATE_IN_CHILD = """
import sys, time
import pyoxigraph as ox
from claimgraph import api
store = ox.Store.read_only(sys.argv[1])
start = time.perf_counter()
report = api.validate(store, check_texts=False, engine=sys.argv[2])
seconds = time.perf_counter() - start
sys.stdout.write(f"{seconds}\\n" + report.to_json())
"""


def validate_in_child(store_dir: Path, engine: str) -> tuple[float, bytes]:
    """``api.validate`` of the on-disk store in a fresh process: its time (the store open,
    the report made) and the report's JSON. A fresh interpreter each time, because one
    engine's run leaves the process slower for the next (after pyshacl's 3.6 GB at 1M, the
    compiler took twice as long in the same process)."""
    out = subprocess.run(
        [sys.executable, "-c", VALIDATE_IN_CHILD, str(store_dir), engine],
        capture_output=True,
        check=True,
    ).stdout
    seconds, _, body = out.partition(b"\n")
    return float(seconds), body


def report_results(report: Any) -> Counter[tuple[Any, ...]]:
    return Counter(
        tuple(sorted((k, v) for k, v in r.as_dict().items() if k != "detail"))
        for r in report.results
        if r.severity != "Info"
    )


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Size:
    def __init__(self, triples: int) -> None:
        self.triples = triples
        self.lines: list[str] = []
        self.closing: list[str] = []


def measure(size: Size, work: Path, pyshacl: bool) -> None:
    say = size.lines.append
    big = size.triples >= 1_000_000
    label = f"{size.triples // 1_000_000}M" if big else f"{size.triples // 1000}k"
    data = work / f"claims-{label}.nt"
    seconds, stats = timed(lambda: _write(data, size.triples))
    say(
        f"[{label}] generated {stats['triples']:,} triples, {stats['documents']} documents in "
        f"{seconds:.1f} s; faults: "
        + ", ".join(f"{k} {v}" for k, v in stats.items() if k not in ("triples", "documents"))
    )

    # (a) an already-loaded on-disk store
    store_dir = work / f"store-{label}"
    seconds, rss, code, _ = run(
        [CLAIMGRAPH, "load", str(data), "--graph", GRAPH, "--store", str(store_dir)]
    )
    if code != 0:
        raise SystemExit(f"claimgraph load failed ({code})")
    say(f"[{label}] claimgraph load --store: {seconds:.1f} s, peak {rss:.0f} MB ({load_note()})")
    compiled: list[float] = []
    first: dict[str, Any] | None = None
    reports = {}
    for engine in ("compiler", "pyshacl", "compiler"):
        if engine == "pyshacl" and not pyshacl:
            continue
        seconds, body = validate_in_child(store_dir, engine)
        reports[engine] = json_results(body)
        if engine == "compiler":
            compiled.append(seconds)
            first = first or json.loads(body)
        else:
            py_a = seconds
        say(f"[{label}] (a) on-disk store, {engine}: {seconds:.2f} s ({load_note()})")
    assert first is not None
    comp_a = statistics.median(compiled)
    if pyshacl:
        same_a = reports["compiler"] == reports["pyshacl"]
        size.closing.append(
            f"(a) {label} on-disk store: compiler {comp_a:.2f} s, pyshacl {py_a:.1f} s -> "
            f"{py_a / comp_a:.1f}x (goal >= 20x); {first['violations']} violations, "
            f"{first['warnings']} warnings; identical results: {same_a}"
        )
    else:
        size.closing.append(
            f"(a) {label} on-disk store: compiler {comp_a:.2f} s "
            f"({first['violations']} violations); pyshacl skipped (--skip-pyshacl-at)"
        )
    local = reports["compiler"]

    # (b) validate --data FILE, whole process
    runs: dict[str, list[tuple[float, float]]] = {"compiler": [], "pyshacl": []}
    outs: dict[str, Counter[tuple[Any, ...]]] = {}
    for engine in ("compiler", "pyshacl", "compiler"):
        if engine == "pyshacl" and not pyshacl:
            continue
        seconds, rss, code, body = run(
            [CLAIMGRAPH, "validate", "--data", str(data), "-f", "json", "--engine", engine]
        )
        if code not in (0, 1):
            raise SystemExit(f"validate --data --engine {engine} failed ({code})")
        runs[engine].append((seconds, rss))
        outs[engine] = json_results(body)
        say(
            f"[{label}] (b) validate --data, {engine}: {seconds:.1f} s, peak {rss:.0f} MB "
            f"({load_note()})"
        )
    comp_b = statistics.median(s for s, _ in runs["compiler"])
    comp_rss = max(r for _, r in runs["compiler"])
    if pyshacl:
        py_b, py_rss = runs["pyshacl"][0]
        size.closing.append(
            f"(b) {label} validate --data end to end: compiler {comp_b:.1f} s, peak "
            f"{comp_rss:.0f} MB; pyshacl {py_b:.1f} s, peak {py_rss:.0f} MB -> "
            f"{py_b / comp_b:.1f}x (goal >= 12x, <= 1024 MB); identical results: "
            f"{outs['compiler'] == outs['pyshacl']}"
        )
    else:
        size.closing.append(
            f"(b) {label} validate --data end to end: compiler {comp_b:.1f} s, "
            f"peak {comp_rss:.0f} MB (goal <= 1024 MB); pyshacl skipped"
        )

    # (d) oxigraph serve holding the same graphs
    size.closing.append(endpoint(label, data, work, local, say))
    shutil.rmtree(store_dir, ignore_errors=True)


def _write(path: Path, triples: int) -> dict[str, int]:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        return generate(f, triples, seed=1)


def endpoint(
    label: str, data: Path, work: Path, local: Counter[tuple[Any, ...]], say: Callable[[str], None]
) -> str:
    import pyoxigraph as ox

    from claimgraph.remote import client
    from claimgraph.remote import executor as remote_executor
    from claimgraph.shacl import validate_executor
    from claimgraph.store import bundled_quads

    if not Path(OXIGRAPH).exists():
        return f"(d) {label} --endpoint: skipped (no {OXIGRAPH}; pip install -e '.[test]')"
    folder = work / f"oxigraph-{label}"
    bundled = work / "bundled.nq"
    bundled.write_bytes(ox.serialize(list(bundled_quads()), format=ox.RdfFormat.N_QUADS) or b"")
    seconds = time.perf_counter()
    for extra in (["--file", str(bundled)], ["--file", str(data), "--graph", GRAPH]):
        subprocess.run(
            [OXIGRAPH, "load", "--location", str(folder), *extra],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    say(f"[{label}] (d) oxigraph load: {time.perf_counter() - seconds:.1f} s")
    port = free_port()
    server = subprocess.Popen(
        [
            OXIGRAPH,
            "serve",
            "--location",
            str(folder),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                return f"(d) {label} --endpoint: oxigraph serve did not start"
            time.sleep(0.2)
        seconds, rss, code, body = run(
            [CLAIMGRAPH, "validate", "--endpoint", url, "-f", "json", "--timeout", "600"]
        )
        if code not in (0, 1):
            return f"(d) {label} --endpoint: claimgraph validate failed ({code})"
        whole_same = json_results(body) == local
        say(
            f"[{label}] (d) validate --endpoint: {seconds:.1f} s, peak {rss:.0f} MB ({load_note()})"
        )
        # the same once more in this process, counting the HTTP requests it sends
        sent = [0]
        original = remote_executor.send

        def counting(*args: Any, **kw: Any) -> Any:
            sent[0] += 1
            return original(*args, **kw)

        remote_executor.send = counting  # type: ignore[assignment]
        try:
            inproc, report = timed(
                lambda: validate_executor(remote_executor.RemoteExecutor(url, timeout=600.0))
            )
        finally:
            remote_executor.send = original  # type: ignore[assignment]
        assert client.send is original
        same = report_results(report) == local
        return (
            f"(d) {label} validate --endpoint on oxigraph serve: {seconds:.1f} s whole process "
            f"({inproc:.1f} s in process), {sent[0]} HTTP requests; identical results to the "
            f"local compiler: {whole_same and same}"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def bundled(rounds: int) -> str:
    times: dict[str, list[float]] = {"validate": [], "queries": []}
    for _ in range(rounds):
        for name, cmd in (
            ("validate", [CLAIMGRAPH, "validate"]),
            ("queries", [CLAIMGRAPH, "queries"]),
        ):
            seconds, _, code, _ = run(cmd)
            if code != 0:
                raise SystemExit(f"claimgraph {name} failed on the bundled graph ({code})")
            times[name].append(seconds)
    v, q = (statistics.median(times[k]) for k in ("validate", "queries"))
    return (
        f"(c) bundled graph: claimgraph validate {v:.2f} s, claimgraph queries {q:.2f} s "
        f"(whole process, median of {rounds}) -> {v / q:.2f}x (goal <= 3x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--skip-pyshacl-at", type=int, default=None, metavar="N", help="skip pyshacl for sizes >= N"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of (c)")
    parser.add_argument("--workdir", default=None, help="default: a new folder under /tmp")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="claimgraph-validate-scale."))
    work.mkdir(parents=True, exist_ok=True)
    print(f"validate_scale: sizes {args.sizes}, work folder {work}; {load_note()}", flush=True)
    closing: list[str] = []
    try:
        closing.append(bundled(args.rounds))
        print(closing[-1], flush=True)
        for triples in args.sizes:
            size = Size(triples)
            pyshacl = args.skip_pyshacl_at is None or triples < args.skip_pyshacl_at
            if not pyshacl:
                print(
                    f"skipped: pyshacl at {triples:,} triples (--skip-pyshacl-at "
                    f"{args.skip_pyshacl_at})",
                    flush=True,
                )
            _measure_printing(size, work, pyshacl)
            closing.extend(size.closing)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n== closing lines ({load_note()}) ==")
    for line in closing:
        print(line)


def _measure_printing(size: Size, work: Path, pyshacl: bool) -> None:
    class Printing(list[str]):
        def append(self, line: str) -> None:
            print(line, flush=True)
            super().append(line)

    size.lines = Printing()
    measure(size, work, pyshacl)


if __name__ == "__main__":
    main()
