"""Issue 8 §4 on a real port: two runaway queries on two workers do not stall a third client.

Before the fix every worker was held by a runaway until the time limit, so ``ASK {}`` waited
for the whole limit; now a spare worker starts for waiting requests once every worker has
been busy for a while, and ``/health`` shows the backlog meanwhile.
"""

from __future__ import annotations

import threading
import time

import httpx

from .test_server_real_port import RUNAWAY, server  # noqa: F401  (the fixture)


def test_two_runaway_queries_do_not_stall_a_trivial_ask(server):  # noqa: F811
    finished: list[float] = []
    statuses: list[int] = []

    def runaway() -> None:
        r = httpx.get(server + "/sparql", params={"query": RUNAWAY}, timeout=60)
        statuses.append(r.status_code)
        finished.append(time.monotonic())

    threads = [threading.Thread(target=runaway) for _ in range(2)]
    for t in threads:
        t.start()
    for _ in range(200):  # ordering only: both runaways hold their workers first
        if httpx.get(server + "/health", timeout=30).json()["running"] >= 2:
            break
        time.sleep(0.02)
    r = httpx.get(server + "/sparql", params={"query": "ASK {}"}, timeout=60)
    answered = time.monotonic()
    assert r.status_code == 200 and r.json()["boolean"] is True
    for t in threads:
        t.join(timeout=60)
    assert statuses == [503, 503]  # both ran into the limit
    assert answered < min(finished)  # the ASK did not wait for either of them
    health = httpx.get(server + "/health", timeout=30).json()
    assert health["workers"] <= 3
