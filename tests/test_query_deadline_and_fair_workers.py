"""Issue 8 §4: one deadline per query, and runaway queries do not stall every other client.

Before the fix a client that went away gave its query a fresh full timeout (the worker died at
about 1.5x the limit here), waiting for a worker did not count against the limit, and two
runaway queries on two workers made a trivial ``ASK {}`` wait for the whole timeout. The pool
records each timeout kill as (pid, deadline, killed at), so these tests compare the kill with
the query's own deadline instead of timing anything themselves.
"""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from claimgraph.endpoint.pool import WorkerPool, WorkerSpec

from .test_query_workers import ASK_ANY, RUNAWAY, boolean, error, gone, query, with_pool

#: How late after its deadline the pool may kill a worker: an event-loop turn on a loaded
#: two-core machine (the defect this pins was a whole second timeout, 2 s here).
SLACK = 1.0


def test_a_client_that_disconnects_does_not_give_its_query_a_fresh_timeout():
    async def body(pool: WorkerPool) -> None:
        accepted = time.monotonic()
        task = asyncio.ensure_future(pool.run(query(RUNAWAY)))
        await asyncio.sleep(1.5)  # the client goes away three quarters into the limit
        (victim,) = [w.pid for w in pool._workers if w.busy]
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        while not pool.kills:
            await asyncio.sleep(0.01)
        pid, deadline, killed_at = pool.kills[0]
        assert pid == victim
        assert deadline == pytest.approx(accepted + 2.0, abs=0.2)
        # old behaviour: a fresh 2 s from the cancellation, i.e. killed 1.5 s after the deadline
        assert deadline <= killed_at < deadline + SLACK
        for _ in range(200):
            if gone(victim):
                break
            await asyncio.sleep(0.01)
        assert gone(victim)
        assert len(pool.kills) == 1

    with_pool(body, size=1, timeout=2.0, spare=0)


def test_waiting_for_a_worker_counts_against_the_query_deadline():
    async def body(pool: WorkerPool) -> None:
        first = asyncio.ensure_future(pool.run(query(RUNAWAY)))
        await asyncio.sleep(0.2)
        second_accepted = time.monotonic()
        second = asyncio.ensure_future(pool.run(query(RUNAWAY.replace("?l }", "?l . ?m ?n ?o }"))))
        replies = await asyncio.gather(first, second)
        assert all(error(r)["code"] in ("query-timeout", "server-busy") for r in replies)
        # the second query waited for the first one's worker; it must not then get 2 s more
        for _pid, deadline, killed_at in pool.kills:
            assert killed_at < deadline + SLACK
        assert all(d <= second_accepted + 2.0 + 0.01 for _p, d, _k in pool.kills)

    with_pool(body, size=1, timeout=2.0, spare=0)


def test_two_runaway_queries_do_not_stall_a_trivial_ask():
    async def body(pool: WorkerPool) -> None:
        runaways = [asyncio.ensure_future(pool.run(query(RUNAWAY))) for _ in range(2)]
        await asyncio.sleep(0.1)
        assert pool.running == 2 and pool.idle == 0
        reply = await pool.run(query("ASK {}"))
        assert boolean(reply) is True
        # answered by the spare while both runaways still run: well before their deadline
        assert not any(r.done() for r in runaways)
        assert pool.alive <= pool.size + pool.spare
        for r in runaways:
            assert error(await r)["code"] == "query-timeout"
        for _ in range(500):  # the spare retires once the regular workers are back
            if pool.alive == pool.size and pool.idle == pool.size:
                break
            await asyncio.sleep(0.01)
        assert pool.alive == pool.size, (pool._starting, pool.retired_spares, pool.replaced,
                                         pool.idle, len(pool._tasks))
        assert boolean(await pool.run(query(ASK_ANY)))

    with_pool(body, size=2, timeout=6.0)


def test_a_burst_of_short_queries_starts_no_spare_worker():
    async def body(pool: WorkerPool) -> None:
        pids = {w.pid for w in pool._workers}
        replies = await asyncio.gather(*(pool.run(query(ASK_ANY)) for _ in range(30)))
        assert all(boolean(r) for r in replies)
        assert {w.pid for w in pool._workers} == pids
        assert pool.retired_spares == 0

    with_pool(body, size=2, timeout=10.0)


def test_health_reports_the_backlog():
    async def body(pool: WorkerPool) -> None:
        assert pool.health() == {
            "status": "ok", "workers": 1, "idle": 1, "running": 0, "queued": 0, "starting": 0
        }
        runaway = asyncio.ensure_future(pool.run(query(RUNAWAY)))
        await asyncio.sleep(0.1)
        waiting = [asyncio.ensure_future(pool.run(query(ASK_ANY))) for _ in range(3)]
        await asyncio.sleep(0.1)
        health = pool.health()
        assert (health["running"], health["idle"], health["queued"]) == (1, 0, 3)
        await asyncio.gather(runaway, *waiting)
        assert os.getpid() not in {w.pid for w in pool._workers}

    with_pool(body, WorkerSpec(), size=1, timeout=1.0, spare=0)
