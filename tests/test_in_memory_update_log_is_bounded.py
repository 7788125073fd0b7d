"""Issue 8 §4: an in-memory store's update log, replayed by every replacement worker, is bounded.

Before the fix every update was kept and replayed, so a server that had taken many updates
respawned a killed worker ever more slowly (and, past the start timeout, not at all). Now the
log has a limit in updates, bytes and time spent applying them; beyond it an update is refused
(507 ``update-log-full``, pointing to ``--store``) and changes nothing.
"""

from __future__ import annotations

from claimgraph.endpoint.pool import WorkerPool

from .test_query_workers import RUNAWAY, boolean, error, query, settled, with_pool


def insert(n: int) -> str:
    return f"INSERT DATA {{ GRAPH <urn:test:g> {{ <urn:test:s{n}> <urn:test:p> {n} }} }}"


def present(n: int) -> str:
    return f"ASK {{ <urn:test:s{n}> <urn:test:p> {n} }}"


def test_updates_beyond_the_replay_log_limit_are_refused_and_change_nothing():
    async def body(pool: WorkerPool) -> None:
        for n in range(3):
            assert (await pool.update(insert(n))).status == 204
        e = error(await pool.update(insert(3)))
        assert (e["status"], e["code"]) == (507, "update-log-full")
        assert "--store" in e["message"]
        assert len(pool._updates) == 3
        assert not boolean(await pool.run(query(present(3))))
        # a replacement replays exactly the accepted updates
        assert error(await pool.run(query(RUNAWAY)))["code"] == "query-timeout"
        await settled(pool)
        for n in range(3):
            assert boolean(await pool.run(query(present(n))))

    with_pool(body, size=1, timeout=1.5, max_updates=3)


def test_the_replay_log_is_bounded_in_bytes_too():
    async def body(pool: WorkerPool) -> None:
        assert (await pool.update(insert(0))).status == 204
        e = error(await pool.update(insert(1) + " ;" + " " * 500 + insert(2)))
        assert e["code"] == "update-log-full"
        assert not boolean(await pool.run(query(present(1))))

    with_pool(body, size=1, max_update_bytes=300)


def test_the_replay_log_is_bounded_in_time_spent_applying_it():
    async def body(pool: WorkerPool) -> None:
        assert (await pool.update(insert(0))).status == 204  # any update takes some time
        assert error(await pool.update(insert(1)))["code"] == "update-log-full"

    with_pool(body, size=1, max_update_seconds=1e-9)
