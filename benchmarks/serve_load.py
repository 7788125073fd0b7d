"""Requests per second of `claimgraph serve` beside the native `oxigraph serve-read-only`.

Both servers hold the same quads (``claimgraph export --format nquads`` loaded with
``oxigraph load``) and listen on free 127.0.0.1 ports. A few client threads with keep-alive
connections send a bounded number of requests (and stop at a time limit), loopback only. Cases:

* a trivial ``ASK`` (the fixed cost of one request),
* the stored query sources-supporting-claim: on oxigraph as SPARQL with the claim IRI inlined;
  on claimgraph as the same SPARQL to /sparql, and by name on /api/queries/… .

Prints requests/s and median latency per case and the ratio to native; asserts nothing.
Run: python benchmarks/serve_load.py [--requests N] [--clients C] [--seconds S] [--workers W]
     [--rounds R]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from claimgraph.queries import load_catalog

CLAIM_PREFIX = "https://w3id.org/claimgraph/id/claim/"
ACCEPT = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, path: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path, headers={"Accept": ACCEPT})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not become ready")


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept": ACCEPT})
    resp = conn.getresponse()
    return resp.status, resp.read()


def load(port: int, path: str, requests: int, clients: int, seconds: float) -> dict[str, float]:
    """Send ``requests`` GETs from ``clients`` threads (stopping at ``seconds``)."""
    lock = threading.Lock()
    sent = [0]
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < deadline:
            with lock:
                if sent[0] >= requests:
                    break
                sent[0] += 1
            start = time.perf_counter()
            conn.request("GET", path, headers={"Accept": ACCEPT})
            resp = conn.getresponse()
            resp.read()
            mine.append(time.perf_counter() - start)
            if resp.status != 200:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "median_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
    }


def pick_claim(port: int) -> str | None:
    """no-binding-agreement if the data has it, else any claim, else None."""
    query = (
        "SELECT ?c WHERE { ?c a <https://w3id.org/claimgraph/ontology#Claim> } ORDER BY ?c LIMIT 50"
    )
    status, body = get(port, "/query?" + urlencode({"query": query}))
    if status != 200:
        return None
    claims = [b["c"]["value"] for b in json.loads(body)["results"]["bindings"]]
    preferred = CLAIM_PREFIX + "no-binding-agreement"
    if preferred in claims:
        return preferred
    return claims[0] if claims else None


def inline(text: str, claim: str) -> str:
    """The stored query with ?claim bound by VALUES (what substitutions do)."""
    where = text.index("WHERE {") + len("WHERE {")
    return text[:where] + f"\n  VALUES ?claim {{ <{claim}> }}" + text[where:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="requests per case")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per case")
    parser.add_argument("--workers", type=int, default=2, help="claimgraph query workers")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all cases")
    args = parser.parse_args()
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "all.nq"
        subprocess.run(
            [sys.executable, "-m", "claimgraph", "export", "--format", "nquads", "-o", str(dump)],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        location = Path(tmp) / "oxigraph"
        subprocess.run(
            [oxigraph, "load", "--location", str(location), "--file", str(dump)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        ox_port, cg_port = free_port(), free_port()
        try:
            procs.append(
                subprocess.Popen(
                    [oxigraph, "serve-read-only", "--location", str(location),
                     "--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "claimgraph", "serve", "--port", str(cg_port),
                     "--workers", str(args.workers)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            wait_ready(ox_port, "/query?" + urlencode({"query": "ASK {}"}), procs[0])
            wait_ready(cg_port, "/health", procs[1])
            run_cases(ox_port, cg_port, args)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()


def run_cases(ox_port: int, cg_port: int, args: argparse.Namespace) -> None:
    stored = load_catalog().get_query("sources-supporting-claim")
    claim = pick_claim(ox_port)
    ask = urlencode({"query": "ASK { ?s ?p ?o }"})
    cases: list[tuple[str, int, str]] = [
        ("ASK: oxigraph /query", ox_port, "/query?" + ask),
        ("ASK: claimgraph /sparql", cg_port, "/sparql?" + ask),
    ]
    if claim is None:
        print("no cg:Claim in the data: the stored-query cases are skipped")
    else:
        text = urlencode({"query": inline(stored.text, claim)})
        slug = claim.removeprefix(CLAIM_PREFIX)
        cases += [
            ("sources-supporting-claim: oxigraph /query", ox_port, "/query?" + text),
            ("sources-supporting-claim: claimgraph /sparql", cg_port, "/sparql?" + text),
            (
                "sources-supporting-claim: claimgraph /api/queries",
                cg_port,
                "/api/queries/sources-supporting-claim?claim=" + quote(slug),
            ),
        ]
    for _, port, path in cases:  # check the answers and warm up
        status, body = get(port, path)
        if status != 200:
            raise SystemExit(f"{path} on port {port} answered {status}: {body[:200]!r}")
    print(
        f"{args.requests} requests per case and round, {args.rounds} rounds (cases interleaved; "
        f"the median round is shown), {args.clients} clients, keep-alive, loopback; "
        f"claimgraph with {args.workers} workers; {os.cpu_count()} CPUs"
    )
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in cases}
    for _ in range(args.rounds):
        for name, port, path in cases:
            rounds[name].append(load(port, path, args.requests, args.clients, args.seconds))
    results = {}
    print(f"{'case':<52} {'req/s':>8} {'median ms':>10} {'errors':>7}")
    for name, _, _ in cases:
        ordered = sorted(rounds[name], key=lambda r: r["rps"])
        r = results[name] = ordered[len(ordered) // 2]
        errors = sum(x["errors"] for x in rounds[name])
        print(f"{name:<52} {r['rps']:>8.0f} {r['median_ms']:>10.2f} {errors:>7.0f}")
    native = results["ASK: oxigraph /query"]["rps"]
    ratio = results["ASK: claimgraph /sparql"]["rps"] / native
    print(f"ratio ASK claimgraph/oxigraph: {ratio:.2f}x")
    if claim is not None:
        native = results["sources-supporting-claim: oxigraph /query"]["rps"]
        for name in (
            "sources-supporting-claim: claimgraph /sparql",
            "sources-supporting-claim: claimgraph /api/queries",
        ):
            print(f"ratio {name.split(': ')[1]}/oxigraph: {results[name]['rps'] / native:.2f}x")


if __name__ == "__main__":
    main()
