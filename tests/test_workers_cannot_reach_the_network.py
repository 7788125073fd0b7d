"""Endpoint workers cannot open internet sockets, even when the text guard lets a query by.

The guard is turned into a no-op in the pytest process before the pool forks, so the forked
workers inherit the no-op: what stops SERVICE and LOAD here is the kernel-level block alone.
"""

from __future__ import annotations

import asyncio
import json
import platform
import sys
from typing import Any

import pytest

from claimgraph import guard
from claimgraph.endpoint.pool import WorkerPool, WorkerSpec

from ._listener import listening

pytestmark = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and platform.machine() in ("x86_64", "aarch64")),
    reason="the seccomp block exists only on Linux x86_64 and aarch64",
)


@pytest.fixture
def no_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "_guard", lambda *args: None)


def run_in_pool(spec: WorkerSpec, requests: list[tuple[Any, ...]]) -> list[Any]:
    async def main() -> list[Any]:
        pool = WorkerPool(spec, size=1, timeout=20.0)
        await pool.start()
        try:
            return [
                await (pool.update(r[1]) if r[0] == "update" else pool.run(r)) for r in requests
            ]
        finally:
            await pool.close()

    return asyncio.run(main())


def test_guard_disabled_in_test_is_really_disabled(no_guard: None) -> None:
    guard.guard_query("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")


def test_worker_without_guard_cannot_reach_a_local_listener_by_service(no_guard: None) -> None:
    with listening() as listener:
        text = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        (reply,) = run_in_pool(WorkerSpec(), [("query", text, None, None, "json", "json")])
        assert reply.status == 502, reply.body
        assert json.loads(reply.body)["error"]["code"] == "remote-error"
        assert listener.connections == 0


def test_worker_without_guard_cannot_reach_a_local_listener_by_load(no_guard: None) -> None:
    with listening() as listener:
        (reply,) = run_in_pool(WorkerSpec(), [("update", f"LOAD <{listener.url}>")])
        assert reply.status == 502, reply.body
        assert listener.connections == 0


def test_worker_with_an_allowed_host_is_not_blocked(no_guard: None) -> None:
    """The block is for the default; with --allow-service the allow-list governs instead."""
    with listening() as listener:
        text = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        spec = WorkerSpec(allow_service=("127.0.0.1",))
        (reply,) = run_in_pool(spec, [("query", text, None, None, "json", "json")])
        assert reply.status == 502  # the listener hangs up: a failed remote
        assert listener.connections >= 1




def filters(pid: int | str) -> int:
    """How many seccomp filters the process runs under (Linux 5.9+ reports it in /proc)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Seccomp_filters:"):
                return int(line.split()[1])
    raise AssertionError("this kernel does not report Seccomp_filters")


def worker_filters(spec: WorkerSpec) -> list[int]:
    """Filters of each live worker beyond those this process (a container's, say) runs under."""

    async def main() -> list[int]:
        pool = WorkerPool(spec, size=2, timeout=20.0)
        await pool.start()
        try:
            return [filters(w.pid) - filters("self") for w in pool._workers]
        finally:
            await pool.close()

    return asyncio.run(main())


def test_forked_in_memory_workers_run_under_a_seccomp_filter() -> None:
    assert worker_filters(WorkerSpec()) == [1, 1]


def test_exec_on_disk_workers_run_under_a_seccomp_filter(disk_store: Any) -> None:
    counts = worker_filters(WorkerSpec(store_path=str(disk_store)))
    assert len(counts) == 2 and all(n >= 1 for n in counts)  # blocked before and after exec


def test_workers_with_an_allowed_host_run_without_a_filter() -> None:
    assert worker_filters(WorkerSpec(allow_service=("127.0.0.1",))) == [0, 0]


def test_endpoint_without_guard_cannot_reach_a_local_listener(no_guard: None) -> None:
    """The whole app, guard off in the server and in the workers it forks: the kernel holds."""
    from starlette.testclient import TestClient

    from claimgraph.endpoint import ServerConfig, create_app

    with listening() as listener:
        text = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        config = ServerConfig(workers=1, timeout=10.0)
        with TestClient(create_app(config), base_url="http://localhost:7878") as client:
            r = client.post("/sparql", content=text.encode(),
                            headers={"Content-Type": "application/sparql-query"})
        assert r.status_code == 502, r.text
        assert r.json()["error"]["code"] == "remote-error"
        assert listener.connections == 0
