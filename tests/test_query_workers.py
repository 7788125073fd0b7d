"""The worker pool: queries run in killable processes, under a time and a memory limit.

Each test runs its own small pool in ``asyncio.run``. No test asserts a duration: a runaway
query is one that would run for hours, and the tests check what the pool answers and that it
keeps answering.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from claimgraph.endpoint.pool import GIB, Reply, WorkerPool, WorkerSpec
from claimgraph.store import open_store

ASK_ANY = "ASK { ?s ?p ?o }"
#: Counts a four-fold cartesian product of every quad: CPU for hours, memory flat.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: Sorts a three-fold cartesian product: memory grows until something stops it.
MEMORY_HOG = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g ?c ?f ?i"
INSERTED = "ASK { <urn:test:a> <urn:test:b> <urn:test:c> }"
INSERT = "INSERT DATA { GRAPH <urn:test:g> { <urn:test:a> <urn:test:b> <urn:test:c> } }"


def query(text: str, rfmt: str | None = "json", gfmt: str | None = "turtle") -> tuple[Any, ...]:
    return ("query", text, None, None, rfmt, gfmt)


def error(reply: Reply) -> dict[str, Any]:
    assert reply.media_type == "application/json"
    doc = json.loads(reply.body)
    assert set(doc) == {"error"}
    assert set(doc["error"]) == {"status", "code", "message"}
    assert doc["error"]["status"] == reply.status
    return doc["error"]


def boolean(reply: Reply) -> bool:
    assert reply.status == 200, reply.body
    return bool(json.loads(reply.body)["boolean"])


def with_pool(
    body: Callable[[WorkerPool], Awaitable[None]], spec: WorkerSpec | None = None, **kwargs: Any
) -> None:
    async def main() -> None:
        pool = WorkerPool(spec or WorkerSpec(), **kwargs)
        await pool.start()
        try:
            await body(pool)
        finally:
            await pool.close()

    asyncio.run(main())


async def settled(pool: WorkerPool) -> None:
    """Wait until every worker is back and idle (replacements started)."""
    for _ in range(3000):
        if pool.idle == pool.size and pool.alive == pool.size:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the pool did not get its workers back")


def pids(pool: WorkerPool) -> set[int]:
    return {w.pid for w in pool._workers}


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_query_runs_in_a_worker_and_comes_back_serialised():
    async def body(pool: WorkerPool) -> None:
        reply = await pool.run(query(ASK_ANY))
        assert reply.media_type == "application/sparql-results+json"
        assert boolean(reply) is True
        reply = await pool.run(query("CONSTRUCT { ?s a ?o } WHERE { ?s a ?o } LIMIT 3"))
        assert reply.status == 200
        assert reply.media_type.startswith("text/turtle")
        assert len(list(ox.parse(reply.body, format=ox.RdfFormat.TURTLE))) == 3
        reply = await pool.run(query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 2", rfmt="csv"))
        assert reply.media_type.startswith("text/csv")
        assert reply.body.decode().splitlines()[0] == "s"
        assert os.getpid() not in pids(pool)

    with_pool(body)


def test_errors_come_back_in_the_one_shape_with_line_and_column():
    async def body(pool: WorkerPool) -> None:
        e = error(await pool.run(query("SELECT * WHERE { ?s ?p }")))
        assert (e["status"], e["code"]) == (400, "query-syntax")
        assert e["message"].startswith("line 1, column ")
        e = error(await pool.run(query("SELECT * { SERVICE <http://x.example/> { ?s ?p ?o } }")))
        assert (e["status"], e["code"]) == (400, "query-refused")
        assert "SERVICE" in e["message"]
        e = error(await pool.run(("stored", "no-such-query", {}, "json", "turtle")))
        assert (e["status"], e["code"]) == (404, "unknown-query")
        e = error(await pool.run(("stored", "claims-per-kind", {"nope": "1"}, "json", None)))
        assert (e["status"], e["code"]) == (400, "bad-parameter")
        e = error(await pool.run(query("SELECT * { ?s ?p ?o } LIMIT 1", rfmt=None)))
        assert (e["status"], e["code"]) == (406, "not-acceptable")

    with_pool(body)


def test_rows_are_cut_at_the_limit_and_marked():
    async def body(pool: WorkerPool) -> None:
        reply = await pool.run(query("SELECT * WHERE { ?s ?p ?o }"))
        assert reply.truncated
        assert len(json.loads(reply.body)["results"]["bindings"]) == 3
        reply = await pool.run(query("SELECT * WHERE { ?s ?p ?o } LIMIT 3"))
        assert not reply.truncated

    with_pool(body, WorkerSpec(max_rows=3))


def test_an_overrunning_query_is_killed_and_its_worker_replaced():
    async def body(pool: WorkerPool) -> None:
        before = pids(pool)
        e = error(await pool.run(query(RUNAWAY)))
        assert (e["status"], e["code"]) == (503, "query-timeout")
        assert pool.replaced == 1
        await settled(pool)
        killed = before - pids(pool)
        assert len(killed) == 1
        assert all(gone(pid) for pid in killed)
        assert boolean(await pool.run(query(ASK_ANY)))

    with_pool(body, size=1, timeout=1.0)


def test_a_simple_query_is_answered_while_another_worker_runs_away():
    async def body(pool: WorkerPool) -> None:
        runaway = asyncio.ensure_future(pool.run(query(RUNAWAY)))
        await asyncio.sleep(0)  # let it take its worker
        simple = await pool.run(query(ASK_ANY))
        assert boolean(simple)
        assert not runaway.done()  # still running: the simple query did not wait for it
        e = error(await runaway)
        assert e["code"] == "query-timeout"

    with_pool(body, size=2, timeout=3.0)


def test_the_memory_cap_stops_a_worker_and_the_pool_carries_on():
    async def body(pool: WorkerPool) -> None:
        e = error(await pool.run(query(MEMORY_HOG)))
        assert (e["status"], e["code"]) == (503, "worker-failed")
        await settled(pool)
        assert boolean(await pool.run(query(ASK_ANY)))

    # A generous time limit: the cap, not the clock, must stop this query.
    with_pool(body, WorkerSpec(memory_limit=GIB // 2), size=1, timeout=120.0)


def test_a_busy_pool_answers_503_server_busy():
    async def body(pool: WorkerPool) -> None:
        runaway = asyncio.ensure_future(pool.run(query(RUNAWAY)))
        await asyncio.sleep(0)
        e = error(await pool.run(query(ASK_ANY)))
        assert (e["status"], e["code"]) == (503, "server-busy")
        assert error(await runaway)["code"] == "query-timeout"

    with_pool(body, size=1, timeout=1.0, spare=0)


def test_a_client_that_goes_away_does_not_lose_the_worker():
    async def body(pool: WorkerPool) -> None:
        task = asyncio.ensure_future(pool.run(query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await settled(pool)
        assert pool.replaced == 0
        assert boolean(await pool.run(query(ASK_ANY)))

    with_pool(body, size=1, timeout=30.0)


def test_more_requests_than_workers_wait_their_turn():
    async def body(pool: WorkerPool) -> None:
        replies = await asyncio.gather(*(pool.run(query(ASK_ANY)) for _ in range(25)))
        assert all(boolean(r) for r in replies)
        await settled(pool)

    with_pool(body, size=2, timeout=30.0)


def test_a_request_cancelled_while_waiting_for_a_worker_loses_nothing():
    async def body(pool: WorkerPool) -> None:
        first = asyncio.ensure_future(pool.run(query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))
        await asyncio.sleep(0)
        waiting = asyncio.ensure_future(pool.run(query(ASK_ANY)))
        await asyncio.sleep(0)
        waiting.cancel()
        assert (await first).status == 200
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await settled(pool)
        assert pool.replaced == 0

    with_pool(body, size=1, timeout=30.0)


def test_updates_reach_every_in_memory_worker_and_their_replacements():
    async def body(pool: WorkerPool) -> None:
        assert not any(boolean(r) for r in await pool.run_on_all(query(INSERTED)))
        reply = await pool.update(INSERT)
        assert reply.status == 204
        assert all(boolean(r) for r in await pool.run_on_all(query(INSERTED)))
        assert error(await pool.run(query(RUNAWAY)))["code"] == "query-timeout"
        await settled(pool)
        assert pool.replaced == 1
        # the replacement replayed the update on its copy of the bundled store
        assert all(boolean(r) for r in await pool.run_on_all(query(INSERTED)))

    with_pool(body, size=2, timeout=1.5)


def test_a_failing_update_changes_nothing():
    async def body(pool: WorkerPool) -> None:
        e = error(await pool.update("INSERT DATA { <urn:a> <urn:b> }"))
        assert (e["status"], e["code"]) == (400, "query-syntax")
        e = error(await pool.update("LOAD <http://evil.example/data.ttl>"))
        assert (e["status"], e["code"]) == (400, "query-refused")
        assert pool._updates == []
        assert not any(boolean(r) for r in await pool.run_on_all(query(INSERTED)))

    with_pool(body, size=2)


def test_updates_on_a_disk_store_are_written_and_seen_by_every_reader(tmp_path: Path):
    folder = tmp_path / "store"
    open_store(folder, create=True)  # only load creates a store; serve opens it

    async def body(pool: WorkerPool) -> None:
        assert not any(boolean(r) for r in await pool.run_on_all(query(INSERTED)))
        assert (await pool.update(INSERT)).status == 204
        assert all(boolean(r) for r in await pool.run_on_all(query(INSERTED)))
        e = error(await pool.update("INSERT DATA { <urn:a> <urn:b> }"))
        assert e["code"] == "query-syntax"
        assert boolean(await pool.run(query(ASK_ANY)))

    with_pool(body, WorkerSpec(store_path=str(folder)), size=2)
    store = open_store(folder)  # read-only, after the server is gone: the update persisted
    assert bool(store.query(INSERTED, use_default_graph_as_union=True))


def test_workers_do_not_keep_the_servers_sockets_open():
    listener = socket.create_server(("127.0.0.1", 0))
    inode = os.fstat(listener.fileno()).st_ino

    async def body(pool: WorkerPool) -> None:
        for pid in pids(pool):
            fd_dir = Path(f"/proc/{pid}/fd")
            links = {os.readlink(fd_dir / name) for name in os.listdir(fd_dir)}
            assert f"socket:[{inode}]" not in links

    try:
        if not Path("/proc/self/fd").is_dir():
            pytest.skip("needs /proc (Linux)")
        with_pool(body)
    finally:
        listener.close()
