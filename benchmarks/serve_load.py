"""Throughput of `claimgraph serve` beside the native `oxigraph serve-read-only`, under wrk.

Two datasets: (a) the bundled graphs, (b) the bundled graphs plus a synthetic graph of about
100k triples (claims citing sources, generated into a temp dir). For each, a claimgraph store is
made on disk (``claimgraph load --store``), exported as N-Quads and loaded into an oxigraph
store with ``oxigraph load``, so both servers hold the same quads. Both servers are started by
this script on free 127.0.0.1 ports and stopped at the end; temp dirs are removed.

Cases (claimgraph / native), each twice:

* ``uncached``: every request's query text ends in a different comment (a wrk Lua ``request``
  hook counting per thread), so claimgraph's response cache can never answer — the figure
  the per-request path must earn on its own; the native server gets the same distinct texts;
* ``repeat``: the same request over and over, which claimgraph answers from its response cache
  after the first (the native server has no such cache) — the figure for repeated questions.

The queries: ``sources-supporting-claim`` via SPARQL (the stored query's text with ``?claim``
bound to a constant IRI by ``VALUES``, to claimgraph ``/sparql`` and oxigraph ``/query``); the
same stored query by name (claimgraph ``/api/queries/sources-supporting-claim?claim=…``, repeat
only: its request has no free text to vary); ``ASK {}`` (the fixed cost of one request).

Every run is ``wrk -t THREADS -c CONNECTIONS -d SECONDS`` (keep-alive); a small Lua ``done`` hook
prints requests, duration, p50/p99 latency and errors. Servers alternate within every case
(native first in odd rounds, claimgraph first in even ones), for ROUNDS rounds. A closing table
gives the claimgraph/native req/s ratio per case and round, and its median. Asserts nothing.

Run: python benchmarks/serve_load.py [--duration S] [--connections C] [--threads T]
     [--rounds R] [--workers W] [--method GET|POST] [--triples N] [--only bundled|synthetic]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from claimgraph.catalog import load_catalog

CLAIM_NS = "https://w3id.org/claimgraph/id/doc/broken-promises-narrative/claim/"
SOURCE_NS = "https://w3id.org/claimgraph/id/source/"
SYNTH_GRAPH = "https://w3id.org/claimgraph/id/graph/synthetic-load"
BUNDLED_CLAIM = CLAIM_NS + "no-binding-agreement"
SYNTH_CLAIM = CLAIM_NS + "synth-0"
ACCEPT = "application/sparql-results+json"
QUERY = "sources-supporting-claim"

LUA_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRKRESULT %.0f %.0f %.0f %.0f %.0f\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def fail(message: str) -> None:
    raise SystemExit(f"serve_load: {message}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def synthetic_graph(path: Path, triples: int, seed: int = 7) -> int:
    """Write about ``triples`` N-Triples: claims that cite sources (the shapes the query reads).

    Per source 5 triples (type, title, issued, url or doi, label); per claim 2 + 18 links.
    Claim ``synth-0`` cites 18 sources like every other claim. Returns the count written.
    """
    rng = random.Random(seed)
    cg = "https://w3id.org/claimgraph/ontology#"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    title = "<http://purl.org/dc/terms/title>"
    issued = "<http://purl.org/dc/terms/issued>"
    url = "<https://schema.org/url>"
    doi = "<http://purl.org/ontology/bibo/doi>"
    links = ("<http://purl.org/spar/cito/obtainsSupportFrom>",
             "<http://purl.org/spar/cito/citesAsEvidence>")
    gyear = "<http://www.w3.org/2001/XMLSchema#gYear>"
    sources = max(1, triples // 10)  # 5 * sources + 20 * claims = triples, claims = sources / 4
    claims = max(1, sources // 4)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(sources):
            s = f"<{SOURCE_NS}synth-{i}>"
            year = 1950 + rng.randrange(75)
            out.write(f"{s} {rdf_type} <{cg}Source> .\n")
            out.write(f'{s} {title} "Synthetic source {i} on topic {rng.randrange(500)}" .\n')
            out.write(f'{s} {issued} "{year}"^^{gyear} .\n')
            if i % 2:
                out.write(f'{s} {url} "https://example.org/source/{i}" .\n')
            else:
                out.write(f'{s} {doi} "10.5555/synth.{i}" .\n')
            out.write(f'{s} {label} "Source {i}" .\n')
            count += 5
        for j in range(claims):
            c = f"<{CLAIM_NS}synth-{j}>"
            out.write(f"{c} {rdf_type} <{cg}Claim> .\n")
            out.write(f'{c} {label} "Synthetic claim {j}" .\n')
            count += 2
            for k in rng.sample(range(sources), min(18, sources)):
                out.write(f"{c} {links[k % 2]} <{SOURCE_NS}synth-{k}> .\n")
                count += 1
    return count


def build_stores(tmp: Path, oxigraph: str, synth: Path | None) -> tuple[Path, Path, int]:
    """A claimgraph store (bundled graphs, plus ``synth``) and an oxigraph store of its quads."""
    cg_store = tmp / "claimgraph-store"
    cg = [sys.executable, "-m", "claimgraph"]
    if synth is not None:
        run([*cg, "load", "--store", str(cg_store), "--graph", SYNTH_GRAPH, str(synth)])
    else:  # only `load` creates a store (with the bundled graphs); an empty file adds nothing
        empty = tmp / "empty.nt"
        empty.write_bytes(b"")
        run([*cg, "load", "--store", str(cg_store), str(empty)])
        empty.unlink()
    dump = tmp / "all.nq"
    run([*cg, "export", "--store", str(cg_store), "--format", "nquads", "-o", str(dump)])
    quads = sum(1 for line in dump.open(encoding="utf-8") if line.strip())
    ox_store = tmp / "oxigraph-store"
    run([oxigraph, "load", "--location", str(ox_store), "--file", str(dump)])
    dump.unlink()
    return cg_store, ox_store, quads


def run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(no output)"]
        fail(f"{Path(cmd[0]).name} {cmd[1:3]} exited with {done.returncode}: {tail[0]}")


# --------------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start(name: str, cmd: list[str], port: int, ready_path: str, log: Path) -> Server:
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    server = Server(name, port, proc, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
            fail(f"{name} exited with {proc.returncode} on start: {tail[0]}")
        try:
            if get(port, ready_path)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    fail(f"{name} on port {port} did not become ready in 60 s")
    raise AssertionError  # unreachable


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept": ACCEPT})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def request(port: int, req: Request) -> tuple[int, bytes]:
    if req.body is None:
        return get(port, req.path)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", req.path, body=req.body.encode(),
                     headers={"Accept": ACCEPT, "Content-Type": "application/sparql-query"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------
# Load
# --------------------------------------------------------------------------------------------


@dataclass
class Request:
    path: str
    body: str | None = None  # POST application/sparql-query when set
    #: Every request's query text differs (a comment with a counter): no cache can answer.
    distinct: bool = False


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def lua_script(tmp: Path, req: Request, n: int) -> Path:
    lines = []
    if req.body is not None:
        if "]==]" in req.body:
            fail("query text cannot be quoted for Lua")
        lines += [
            'wrk.method = "POST"',
            f"wrk.body = [==[{req.body}]==]",
            'wrk.headers["Content-Type"] = "application/sparql-query"',
        ]
    if req.distinct:
        # A comment "#<thread>-<n>" ends every query, so that no two requests are the same.
        lines += [
            "local threads = 0",
            "setup = function(thread) threads = threads + 1; thread:set('tid', threads) end",
            "counter = 0",
            "request = function()",
            "  counter = counter + 1",
            "  local tag = tostring(tid) .. '-' .. counter",
        ]
        if req.body is not None:
            lines.append("  return wrk.format(nil, nil, nil, wrk.body .. '\\n#' .. tag)")
        else:
            lines.append(f"  return wrk.format(nil, [==[{req.path}]==] .. '%0A%23' .. tag)")
        lines.append("end")
    path = tmp / f"case{n}.lua"
    path.write_text("\n".join(lines) + LUA_DONE, encoding="utf-8")
    return path


def wrk(wrk_bin: str, port: int, req: Request, script: Path, args: argparse.Namespace) -> Result:
    cmd = [
        wrk_bin, "-t", str(args.threads), "-c", str(args.connections),
        "-d", f"{args.duration:g}s", "--timeout", "10s", "-H", f"Accept: {ACCEPT}",
        "-s", str(script), f"http://127.0.0.1:{port}{req.path}",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRKRESULT ")), None)
    if done.returncode != 0 or line is None:
        fail(f"wrk failed ({done.returncode}): {(done.stderr or done.stdout).strip()[:200]}")
    requests, duration_us, p50, p99, errors = (float(x) for x in line.split()[1:])
    return Result(requests / (duration_us / 1e6), p50 / 1000, p99 / 1000, int(requests),
                  int(errors))


def bound_query(text: str, claim: str) -> str:
    """The stored query with ?claim bound to a constant IRI by VALUES."""
    where = text.index("WHERE {") + len("WHERE {")
    return text[:where] + f"\n  VALUES ?claim {{ <{claim}> }}" + text[where:]


def sparql_request(base: str, query: str, method: str, distinct: bool = False) -> Request:
    if method == "POST":
        return Request(base, query, distinct)
    return Request(base + "?" + urlencode({"query": query}), None, distinct)


def rows(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


@dataclass
class Case:
    name: str
    native: Request
    claimgraph: Request


def bench_dataset(label: str, tmp: Path, synth: Path | None, tools: dict[str, str],
                  args: argparse.Namespace, table: list[tuple[str, str, list[Result],
                                                              list[Result]]]) -> None:
    t0 = time.monotonic()
    cg_store, ox_store, quads = build_stores(tmp, tools["oxigraph"], synth)
    print(f"\n== {label}: {quads} quads (stores built in {time.monotonic() - t0:.1f} s)")
    claim = SYNTH_CLAIM if synth is not None else BUNDLED_CLAIM
    text = bound_query(load_catalog().get_query(QUERY).text, claim)
    # "uncached": every request's text differs, so claimgraph's response cache never answers
    # (the native server gets the same distinct texts); "repeat": the same request again and
    # again, which claimgraph answers from its cache after the first time.
    cases = [
        Case(f"{QUERY} /sparql uncached", sparql_request("/query", text, args.method, True),
             sparql_request("/sparql", text, args.method, True)),
        Case("ASK {} uncached", sparql_request("/query", "ASK {}", args.method, True),
             sparql_request("/sparql", "ASK {}", args.method, True)),
        Case(f"{QUERY} /sparql repeat", sparql_request("/query", text, args.method),
             sparql_request("/sparql", text, args.method)),
        Case(f"{QUERY} /api repeat", sparql_request("/query", text, args.method),
             Request(f"/api/queries/{QUERY}?claim=" + quote(claim, safe=""))),
        Case("ASK {} repeat", sparql_request("/query", "ASK {}", args.method),
             sparql_request("/sparql", "ASK {}", args.method)),
    ]
    ox_port, cg_port = free_port(), free_port()
    servers: list[Server] = []
    try:
        servers.append(start(
            "oxigraph", [tools["oxigraph"], "serve-read-only", "--location", str(ox_store),
                         "--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"],
            ox_port, "/query?" + urlencode({"query": "ASK {}"}), tmp / "oxigraph.log"))
        servers.append(start(
            "claimgraph", [sys.executable, "-m", "claimgraph", "serve", "--store", str(cg_store),
                           "--port", str(cg_port), "--workers", str(args.workers)],
            cg_port, "/health", tmp / "claimgraph.log"))
        ports = {"native": ox_port, "claimgraph": cg_port}
        scripts: dict[tuple[int, str], Path] = {}
        for i, case in enumerate(cases):  # check answers agree, write the Lua scripts, warm up
            answers = {}
            for side in ("native", "claimgraph"):
                req = getattr(case, side)
                status, body = request(ports[side], req)
                if status != 200:
                    fail(f"{side} {req.path[:60]} answered {status}: {body[:160]!r}")
                answers[side] = body if case.name.startswith("ASK") else rows(body)
                scripts[i, side] = lua_script(tmp, req, 2 * i + (side == "claimgraph"))
            if case.name.startswith("ASK"):
                same = all(json.loads(b)["boolean"] is True for b in answers.values())
            else:
                same = answers["native"] == answers["claimgraph"] and answers["native"] > 0
            if not same:
                fail(f"{case.name}: the servers disagree or return nothing: {answers}")
            if not case.name.startswith("ASK"):
                print(f"   {case.name}: {answers['native']} rows from both servers")
        results = {(i, side): [] for i in range(len(cases)) for side in ports}
        print(f"   {'round':<5} {'case':<40} {'server':<10} {'req/s':>8} {'p50 ms':>8} "
              f"{'p99 ms':>8} {'errors':>6}")
        for r in range(args.rounds):
            order = ("native", "claimgraph") if r % 2 == 0 else ("claimgraph", "native")
            for i, case in enumerate(cases):
                for side in order:
                    res = wrk(tools["wrk"], ports[side], getattr(case, side), scripts[i, side],
                              args)
                    results[i, side].append(res)
                    print(f"   {r + 1:<5} {case.name:<40} {side:<10} {res.rps:>8.0f} "
                          f"{res.p50_ms:>8.2f} {res.p99_ms:>8.2f} {res.errors:>6}", flush=True)
        for i, case in enumerate(cases):
            table.append((label, case.name, results[i, "native"], results[i, "claimgraph"]))
    finally:
        for s in reversed(servers):
            s.stop()
    shutil.rmtree(cg_store, ignore_errors=True)
    shutil.rmtree(ox_store, ignore_errors=True)


def print_table(table: list[tuple[str, str, list[Result], list[Result]]], rounds: int) -> None:
    heads = " ".join(f"{'r' + str(r + 1):>6}" for r in range(rounds))
    print("\nclaimgraph/native req/s per round and median; median req/s and p50/p99 ms of each")
    print(f"{'dataset':<10} {'case':<40} {heads} {'median':>7}  "
          f"{'native req/s p50 p99':>22}  {'claimgraph req/s p50 p99':>25}")
    for label, name, native, cg in table:
        ratios = [c.rps / n.rps if n.rps else float("nan") for n, c in zip(native, cg, strict=True)]
        cells = " ".join(f"{x:>6.3f}" for x in ratios)

        def summary(rs: list[Result]) -> str:
            return (f"{statistics.median(r.rps for r in rs):>8.0f} "
                    f"{statistics.median(r.p50_ms for r in rs):>6.2f} "
                    f"{statistics.median(r.p99_ms for r in rs):>6.2f}")

        print(f"{label:<10} {name:<40} {cells} {statistics.median(ratios):>7.3f}  "
              f"{summary(native):>22}  {summary(cg):>25}")
    errors = sum(r.errors for _, _, n, c in table for r in n + c)
    if errors:
        print(f"wrk counted {errors} errors (non-2xx, timeouts or socket errors) in all")


def find_tools() -> dict[str, str]:
    wrk_bin = shutil.which("wrk")
    if wrk_bin is None:
        fail("wrk not found on PATH (Debian: apt-get install wrk)")
    venv_ox = Path(sys.executable).parent / "oxigraph"
    oxigraph = str(venv_ox) if venv_ox.exists() else shutil.which("oxigraph")
    if oxigraph is None:
        fail("oxigraph server binary not found (pip install oxigraph, in this venv)")
    return {"wrk": str(wrk_bin), "oxigraph": str(oxigraph)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all cases")
    parser.add_argument("--workers", type=int, default=2, help="claimgraph query workers")
    parser.add_argument("--method", choices=("GET", "POST"), default="GET",
                        help="SPARQL as GET ?query= or POST application/sparql-query")
    parser.add_argument("--triples", type=int, default=100_000, help="synthetic graph size")
    parser.add_argument("--only", choices=("bundled", "synthetic"), help="one dataset only")
    args = parser.parse_args()
    if args.connections < args.threads:
        fail("--connections must be at least --threads (wrk needs one per thread)")
    tools = find_tools()
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s, {args.rounds} rounds, "
          f"SPARQL by {args.method}; claimgraph --workers {args.workers}; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at start; loopback only")
    table: list[tuple[str, str, list[Result], list[Result]]] = []
    with tempfile.TemporaryDirectory(prefix="claimgraph-serve-load-") as tmpname:
        tmp = Path(tmpname)
        if args.only in (None, "bundled"):
            (tmp / "bundled").mkdir()
            bench_dataset("bundled", tmp / "bundled", None, tools, args, table)
        if args.only in (None, "synthetic"):
            (tmp / "synthetic").mkdir()
            synth = tmp / "synthetic" / "synthetic.nt"
            n = synthetic_graph(synth, args.triples)
            bench_dataset(f"+{n // 1000}k", tmp / "synthetic", synth, tools, args, table)
    print_table(table, args.rounds)


if __name__ == "__main__":
    main()
