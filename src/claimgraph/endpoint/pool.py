"""Query worker processes: the only place where the endpoint runs user SPARQL.

pyoxigraph cannot interrupt a running query (signals do not reach it, a thread running one
cannot be stopped) and a runaway ORDER BY can take gigabytes within seconds. So the server
never runs a user query in its own process. It keeps a pool of persistent worker processes,
forked once, each holding the store; every query goes to an idle worker and the server waits
for the answer with asyncio. A worker that overruns the time limit is killed (SIGKILL) and
replaced; a worker that dies (its memory cap, a crash) is replaced too. Meanwhile the other
workers keep answering.

Each request has one deadline, fixed when it is accepted: waiting for a worker uses it up, and
a client that goes away does not reset it (its worker is killed at that same deadline). A
running query cannot be paused, so no queueing order helps a short query while every worker
runs a long one; instead, when requests wait and every worker has been busy for ``short``
seconds, up to ``spare`` extra workers start, and retire as soon as they are idle.

The round trip is kept cheap: a request is a small ``marshal``-ed tuple (query text or stored
query name, parameter values as strings, the negotiated formats); the worker binds, runs and
serialises, and returns the finished response body and its media type, so the server only
relays bytes. Frames on the socket pair are a 4-byte length and the payload.

Stores:

* in memory (no ``store_path``): the server process loads the bundled graphs once, before it
  forks; every worker inherits that store copy-on-write (no load per worker). Updates are
  applied to every worker's copy and remembered in order, so that a replacement worker replays
  them; that log is bounded (``MAX_REPLAYED_*``) so that a replacement starts quickly. They
  live only as long as the server process.
* on disk: each worker is a fresh interpreter (fork, then exec: RocksDB's thread pools do not
  survive a fork) that opens the store read-only. pyoxigraph calls a read-only open beside a
  writing process undefined behaviour, so an update stops the readers, runs in one writer
  process (killed like any worker if it overruns: writes are all-or-nothing under SIGKILL),
  then starts the readers again on the new snapshot. Queries wait meanwhile.

Every worker runs under an address-space cap (``RLIMIT_AS``), ignores SIGINT (the server
decides when workers stop), closes every descriptor it inherited but its socket, and gets
SIGKILL if the server dies (``PR_SET_PDEATHSIG``). Unless ``--allow-service`` named a host, a
worker also loses the ability to open internet sockets (``sandbox.block_network``), so a query
that got past the text guard still cannot reach the network.

This module is the server side only (the child is ``worker.py``, the frames ``wire.py``). It
is over 400 lines because :class:`WorkerPool` is one state machine — idle queue, waiters,
deadlines, spares, respawns and the update log all read and write the same sets — and cutting
it into mixins would spread one invariant over several files. The update log (replay bounds,
the on-disk writer) is the part to move out next, into ``update.py``.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import marshal
import math
import os
import signal
import sys
import time
from collections.abc import Callable
from typing import Any, cast

import pyoxigraph as ox

from ..errors import StoreError
from .wire import FRAME, Reply, decode_reply, error_reply, timeout_reply
from .worker import GIB, WorkerSpec, check_disk_store, fork_worker

__all__ = ["GIB", "Reply", "WorkerPool", "WorkerSpec"]

#: In-memory updates live only as a log that every replacement worker replays before it
#: answers; these bound that log (count, text, and the time applying it took) so that a
#: respawn stays quick. Beyond them an update is refused: serve an on-disk store instead.
MAX_REPLAYED_UPDATES = 1000
MAX_REPLAYED_BYTES = 4 * 1024 * 1024
MAX_REPLAYED_SECONDS = 15.0

class WorkerDied(Exception):
    """The worker's end of the socket closed: it crashed, ran out of memory or was killed."""


class WorkerStartError(Exception):
    pass



class _Connection(asyncio.Protocol):
    """The server's end of one worker's socket: frames in, frames out."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.frames: collections.deque[bytes] = collections.deque()
        self.waiter: asyncio.Future[bytes] | None = None
        self.closed = False
        self.on_lost: Callable[[], None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        buf = self.buffer
        buf += data
        while len(buf) >= 4:
            (n,) = FRAME.unpack_from(buf)
            if len(buf) < 4 + n:
                break
            frame = bytes(buf[4 : 4 + n])
            del buf[: 4 + n]
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_result(frame)
                self.waiter = None
            else:
                self.frames.append(frame)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(WorkerDied())
        self.waiter = None
        if self.on_lost is not None:
            self.on_lost()

    def send(self, payload: bytes) -> None:
        if self.closed or self.transport is None:
            raise WorkerDied()
        self.transport.write(FRAME.pack(len(payload)) + payload)

    def expect(self) -> asyncio.Future[bytes]:
        """A future for the next frame (a plain future: no task per request)."""
        fut: asyncio.Future[bytes] = self.loop.create_future()
        if self.frames:
            fut.set_result(self.frames.popleft())
        elif self.closed:
            fut.set_exception(WorkerDied())
        else:
            self.waiter = fut
        return fut

    async def receive(self) -> bytes:
        return await self.expect()


class _Worker:
    def __init__(self, pid: int, conn: _Connection, write: bool, generation: int = 0) -> None:
        self.pid = pid
        self.conn = conn
        self.write = write
        self.generation = generation  # in-memory updates this worker's copy has applied
        self.busy = False
        self.busy_since = 0.0
        self.retired = False
        self.ready = False  # counted as alive only once it has said so (starting otherwise)


def _give_up(waiter: asyncio.Future[_Worker | None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _expire(fut: asyncio.Future[bytes]) -> None:
    if not fut.done():
        fut.set_exception(TimeoutError())


class WorkerPool:
    """A fixed number of persistent worker processes; ``run`` sends one request to one.

    Call :meth:`prepare` before any event loop runs (it loads the in-memory store, or checks
    the on-disk one), then ``await start()`` inside the loop that will serve, and
    ``await close()`` at the end.
    """

    def __init__(
        self,
        spec: WorkerSpec,
        *,
        size: int = 2,
        timeout: float = 10.0,
        start_timeout: float = 60.0,
        log: Callable[[str], None] | None = None,
        spare: int = 1,
        short: float = 0.5,
        max_updates: int = MAX_REPLAYED_UPDATES,
        max_update_bytes: int = MAX_REPLAYED_BYTES,
        max_update_seconds: float = MAX_REPLAYED_SECONDS,
    ) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.spec = spec
        self.size = size
        self.timeout = timeout
        self.start_timeout = start_timeout
        # Without preemption no queueing order can answer a short query while every worker
        # runs a runaway one; an extra process can. ``spare`` extra workers start when requests
        # wait and every busy worker has been busy for ``short`` seconds; they retire when idle.
        self.spare = spare
        self.short = short
        self.max_updates = max_updates
        self.max_update_bytes = max_update_bytes
        self.max_update_seconds = max_update_seconds
        self._update_bytes = 0
        self._update_seconds = 0.0
        self._writing = False  # an on-disk update has stopped the readers
        self._starting = 0
        self._spare_check: asyncio.TimerHandle | None = None
        self.kills: list[tuple[int, float, float]] = []  # (pid, deadline, killed at): timeouts
        self._log = log or (lambda msg: print(f"claimgraph serve: {msg}", file=sys.stderr))
        self._template: ox.Store | None = None
        self._updates: list[str] = []
        self._prepared = False
        self._idle: collections.deque[_Worker] = collections.deque()
        self._waiters: collections.deque[asyncio.Future[_Worker | None]] = collections.deque()
        self._started = False
        self._workers: set[_Worker] = set()
        self._pids: set[int] = set()  # forked and not yet killed
        self._killed: set[int] = set()  # killed and not yet reaped
        self._tasks: set[asyncio.Task[Any]] = set()
        self._update_lock: asyncio.Lock | None = None
        self._closing = False
        self.replaced = 0  # workers killed or lost and replaced (for tests)
        self.retired_spares = 0

    # ---- life cycle ------------------------------------------------------------------------

    def prepare(self) -> None:
        """Load the template store (in memory) or check/create the on-disk store.

        Raises a :class:`ClaimgraphError` for bad data or a store that cannot be opened, so
        that ``claimgraph serve`` fails with one line before it listens.
        """
        if self._prepared:
            return
        from ..catalog import load_catalog

        load_catalog(self.spec.queries_dir)  # the workers inherit the parsed catalog
        if self.spec.block_network:
            from ..sandbox import network_block_supported

            if not network_block_supported():
                self._log(
                    "warning: this platform cannot block the query workers' network access "
                    "(seccomp); only the query guard stops SERVICE and LOAD"
                )
        if self.spec.store_path is None:
            from ..store import open_store

            self._template = open_store(None)
        else:
            check_disk_store(self.spec.store_path)
        self._prepared = True

    async def start(self) -> None:
        self.prepare()
        self._idle.clear()
        self._waiters.clear()
        self._started = True
        self._update_lock = asyncio.Lock()
        self._closing = False
        workers = await asyncio.gather(
            *(self._spawn() for _ in range(self.size)), return_exceptions=True
        )
        failed = [w for w in workers if isinstance(w, BaseException)]
        started = [w for w in workers if isinstance(w, _Worker)]
        if failed:
            for w in started:
                self._kill(w)
            raise StoreError(f"query workers did not start: {failed[0]}")
        for w in started:
            self._put_idle(w)

    async def close(self) -> None:
        """Kill every worker and wait until each process is gone."""
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        for w in list(self._workers):
            self._kill(w).cancel()
        every = set(self._pids) | set(self._killed)  # including workers still starting
        for pid in every:
            _hard_kill(pid)
        for pid in every:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self._pids.clear()
        self._killed.clear()

    @property
    def alive(self) -> int:
        return sum(1 for w in self._workers if w.ready and not w.retired)

    # ---- spawning, killing ------------------------------------------------------------------

    async def _spawn(self, *, write: bool = False) -> _Worker:
        self._starting += 1
        try:
            return await self._spawn_one(write)
        finally:
            self._starting -= 1

    async def _spawn_one(self, write: bool) -> _Worker:
        loop = asyncio.get_running_loop()
        generation = len(self._updates)
        pid, sock = fork_worker(self.spec, self._template, tuple(self._updates), write)
        self._pids.add(pid)
        try:
            _, conn = await loop.create_unix_connection(_Connection, sock=sock)
        except BaseException:
            sock.close()
            _hard_kill(pid)
            self._pids.discard(pid)
            self._killed.add(pid)
            self._background(self._reap(pid))
            raise
        worker = _Worker(pid, conn, write, generation)
        self._workers.add(worker)
        try:
            # a replacement replays the in-memory updates first: give it their time too
            ready_within = self.start_timeout + 2 * self._update_seconds
            frame = await asyncio.wait_for(conn.receive(), ready_within)
        except (TimeoutError, WorkerDied):
            self._kill(worker)
            raise WorkerStartError("a worker did not start in time or died starting") from None
        status, media, body, _ = marshal.loads(frame)
        if status != 0:
            self._kill(worker)
            message = json.loads(body)["error"]["message"] if body else media
            raise WorkerStartError(message)
        conn.on_lost = lambda: self._lost(worker)
        worker.ready = True
        return worker

    def _kill(self, worker: _Worker) -> asyncio.Task[None]:
        """SIGKILL a worker; the returned task ends once the process is gone."""
        worker.retired = True
        worker.conn.on_lost = None
        _hard_kill(worker.pid)
        if worker.conn.transport is not None:
            worker.conn.transport.close()
        self._workers.discard(worker)
        self._pids.discard(worker.pid)
        self._killed.add(worker.pid)
        return self._background(self._reap(worker.pid))

    def _lost(self, worker: _Worker) -> None:
        """A worker's socket closed while it sat idle (it retired or died)."""
        if not worker.retired and not worker.busy:
            self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        if worker.retired and worker not in self._workers:
            return
        self._kill(worker)
        self.replaced += 1
        if not worker.write:
            self._top_up()

    def _top_up(self) -> None:
        """Start workers until ``size`` are alive or starting (not during an on-disk update)."""
        if self._closing or not self._started or self._writing:
            return
        for _ in range(self.size - self.alive - self._starting):
            self._start_respawn()

    def _start_respawn(self) -> None:
        self._starting += 1  # counted now, not once the task runs: no second start meanwhile
        self._background(self._respawn())

    async def _respawn(self) -> None:
        delay = 0.1
        try:
            while not self._closing:
                try:
                    worker = await self._spawn_one(False)
                except (WorkerStartError, OSError) as e:
                    self._log(f"a replacement query worker failed to start ({e}); retrying")
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
                    continue
                self._starting -= 1
                self._put_idle(worker)
                return
        finally:
            if self._closing:
                self._starting = 0

    def _background(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _wait_exit(self, pid: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return
            if done:
                return
            await asyncio.sleep(0.005)

    async def _reap(self, pid: int) -> None:
        try:
            await self._wait_exit(pid, math.inf)
        finally:
            self._killed.discard(pid)

    # ---- running requests --------------------------------------------------------------------

    @property
    def idle(self) -> int:
        """Workers ready for a request now."""
        return len(self._idle)

    @property
    def queued(self) -> int:
        """Requests waiting for a worker."""
        return sum(1 for w in self._waiters if not w.done())

    @property
    def running(self) -> int:
        """Workers holding a request."""
        return sum(1 for w in self._workers if w.busy and not w.retired)

    def health(self) -> dict[str, Any]:
        """What ``/health`` reports: the backlog, so that a stalled pool shows."""
        return {
            "status": "ok",
            "workers": self.alive,
            "idle": self.idle,
            "running": self.running,
            "queued": self.queued,
            "starting": self._starting,
        }

    def _put_idle(self, worker: _Worker) -> None:
        """Hand the worker to the longest-waiting request, or keep it idle.

        A worker beyond ``size`` (a spare) that nobody waits for retires at once.
        """
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        if self.alive > self.size and not worker.write:
            self._kill(worker)
            self.retired_spares += 1
            return
        self._idle.append(worker)

    def _want_spare(self) -> None:
        """Start a spare worker when requests wait behind workers that all run long queries."""
        self._spare_check = None
        if self._closing or not self.queued or not self._started:
            return
        if self._update_lock is not None and self._update_lock.locked():
            return
        if self.alive + self._starting >= self.size + self.spare:
            return
        busy = [w.busy_since for w in self._workers if w.busy and not w.retired]
        now = time.monotonic()
        youngest = max(busy, default=now - self.short)
        if now - youngest < self.short:
            self._schedule_spare_check(youngest + self.short - now)
            return
        self._start_respawn()

    def _schedule_spare_check(self, delay: float) -> None:
        if self._spare_check is None and self.spare > 0:
            loop = asyncio.get_running_loop()
            self._spare_check = loop.call_later(max(delay, 0.0), self._want_spare)

    async def _acquire(self, deadline: float) -> _Worker | None:
        """An idle worker, waiting (first come, first served) until ``deadline`` at most."""
        assert self._started, "the worker pool is not started"
        loop = asyncio.get_running_loop()
        if self.alive + self._starting < self.size:
            self._top_up()
        while True:
            if self._idle:  # the common case: no future, no timer
                worker = self._idle.popleft()
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                waiter: asyncio.Future[_Worker | None] = loop.create_future()
                self._waiters.append(waiter)
                self._schedule_spare_check(0.0)
                timer = loop.call_later(remaining, _give_up, waiter)
                try:
                    got = await waiter
                except asyncio.CancelledError:
                    # handed a worker just as the request was cancelled: pass it on
                    handed = waiter.result() if waiter.done() and not waiter.cancelled() else None
                    if handed is not None:
                        self._put_idle(handed)
                    raise
                finally:
                    timer.cancel()
                if got is None:
                    return None
                worker = got
            if worker.retired:
                continue
            if worker.conn.closed or (
                self.spec.store_path is None and worker.generation != len(self._updates)
            ):
                # dead, or started while an update was applied and so missing it
                self._replace(worker)
                continue
            worker.busy = True
            worker.busy_since = time.monotonic()
            return worker

    def _release(self, worker: _Worker) -> None:
        worker.busy = False
        if worker.retired:
            return
        if worker.conn.closed:
            self._replace(worker)
            return
        self._put_idle(worker)

    async def _call(self, worker: _Worker, request: tuple[Any, ...], deadline: float) -> Reply:
        """Send one request to a worker we hold and wait for its reply until ``deadline``.

        On timeout or death the worker is killed and replaced; on success the caller keeps it.
        The deadline is the request's, fixed when it was accepted: neither waiting for a worker
        nor a client going away gives a query more time.
        """
        fut = worker.conn.expect()
        loop = asyncio.get_running_loop()
        timer = loop.call_later(max(deadline - time.monotonic(), 0.0), _expire, fut)
        try:
            worker.conn.send(marshal.dumps(request))
            frame = await fut
        except TimeoutError:
            self._timed_out(worker, deadline)
            return timeout_reply(self.timeout)
        except WorkerDied:
            self._replace(worker)
            return error_reply(
                503,
                "worker-failed",
                "the query stopped its worker (memory limit or crash); try a smaller query",
            )
        except asyncio.CancelledError:
            # The client went away: let the worker finish within the same deadline, or kill it.
            self._background(self._drain(worker, deadline))
            raise
        finally:
            timer.cancel()
        return decode_reply(frame)

    def _timed_out(self, worker: _Worker, deadline: float) -> None:
        self.kills.append((worker.pid, deadline, time.monotonic()))
        self._replace(worker)

    async def _drain(self, worker: _Worker, deadline: float) -> None:
        try:
            await asyncio.wait_for(worker.conn.receive(), max(deadline - time.monotonic(), 0.0))
        except TimeoutError:
            self._timed_out(worker, deadline)
            return
        except WorkerDied:
            self._replace(worker)
            return
        self._release(worker)

    async def run(self, request: tuple[Any, ...]) -> Reply:
        """Run one query request on an idle worker, within the time limit."""
        deadline = time.monotonic() + self.timeout
        worker = await self._acquire(deadline)
        if worker is None:
            return _busy_reply(self.timeout)
        reply = await self._call(worker, request, deadline)
        if not worker.retired:
            self._release(worker)
        return reply

    async def run_on_all(self, request: tuple[Any, ...]) -> list[Reply]:
        """Run the same request on every worker at once (holding them all), for tests."""
        deadline = time.monotonic() + self.timeout
        workers = await self._acquire_all(deadline)
        if workers is None:
            return [_busy_reply(self.timeout)]
        try:
            return await self._call_all(workers, request, deadline)
        finally:
            for w in workers:
                if not w.retired:
                    self._release(w)

    async def _acquire_all(self, deadline: float) -> list[_Worker] | None:
        """Every live worker (spares included: each holds its own copy of an in-memory store)."""
        held: list[_Worker] = []
        while len(held) < max(self.size, self.alive):
            worker = await self._acquire(deadline)
            if worker is None:
                for w in held:
                    self._release(w)
                return None
            held.append(worker)
        return held

    async def _call_all(
        self, workers: list[_Worker], request: tuple[Any, ...], deadline: float
    ) -> list[Reply]:
        return list(await asyncio.gather(*(self._call(w, request, deadline) for w in workers)))

    async def update(self, text: str) -> Reply:
        """Apply a SPARQL update to the store, every worker seeing it once it returns."""
        assert self._update_lock is not None, "the worker pool is not started"
        async with self._update_lock:
            if self.spec.store_path is None:
                return await self._update_in_memory(text)
            return await self._update_on_disk(text)

    def _log_full(self, text: str) -> Reply | None:
        size = len(text.encode("utf-8"))
        if (
            len(self._updates) < self.max_updates
            and self._update_bytes + size <= self.max_update_bytes
            and self._update_seconds < self.max_update_seconds
        ):
            return None
        return error_reply(
            507,
            "update-log-full",
            f"this in-memory store has taken {len(self._updates)} updates "
            f"({self._update_bytes} bytes, {self._update_seconds:.1f} s to apply), which every "
            f"replacement worker must replay; the limits are {self.max_updates} updates, "
            f"{self.max_update_bytes} bytes and {self.max_update_seconds:g} s. "
            "Serve an on-disk store (claimgraph serve --store DIR) to update further",
        )

    async def _update_in_memory(self, text: str) -> Reply:
        refused = self._log_full(text)
        if refused is not None:
            return refused
        # Waiting for every worker and applying the update each get the time limit: readers
        # that run long queries must not use up the update's own time.
        workers = await self._acquire_all(time.monotonic() + self.timeout)
        if workers is None:
            return _busy_reply(self.timeout)
        try:
            started = time.monotonic()
            replies = await self._call_all(workers, ("update", text), started + self.timeout)
            if all(r.ok for r in replies):
                self._updates.append(text)
                self._update_bytes += len(text.encode("utf-8"))
                self._update_seconds += time.monotonic() - started
                for w in workers:
                    w.generation = len(self._updates)
                return replies[0]
            # Some copies took the update and some did not: start those again from the
            # template and the updates so far, so that every worker has the same data.
            for w, r in zip(workers, replies, strict=True):
                if r.ok and not w.retired:
                    self._replace(w)
            return next(r for r in replies if not r.ok)
        finally:
            for w in workers:
                if not w.retired:
                    self._release(w)

    async def _update_on_disk(self, text: str) -> Reply:
        readers = await self._acquire_all(time.monotonic() + self.timeout)
        if readers is None:
            return _busy_reply(self.timeout)
        # Readers must be gone while the writer writes (a read-only open beside a writer is
        # undefined behaviour in pyoxigraph); none is started meanwhile.
        self._writing = True
        try:
            await asyncio.gather(*(self._kill(w) for w in readers))
            reply = await self._write(text)
        finally:
            self._writing = False
        started = await asyncio.gather(
            *(self._spawn() for _ in range(self.size)), return_exceptions=True
        )
        for w in started:
            if isinstance(w, _Worker):
                self._put_idle(w)
        self._top_up()  # for the readers that failed to start
        return reply

    async def _write(self, text: str) -> Reply:
        try:
            writer = await self._spawn(write=True)
        except WorkerStartError as e:
            return error_reply(503, "store-busy", f"the store cannot be opened for writing: {e}")
        reply = await self._call(writer, ("update", text), time.monotonic() + self.timeout)
        if not writer.retired:
            # A clean close: the writer flushes, answers, drops the store and exits.
            await self._call(writer, ("exit",), time.monotonic() + self.start_timeout)
            await self._wait_exit(writer.pid, self.start_timeout)
        await self._kill(writer)
        return reply


def _busy_reply(seconds: float) -> Reply:
    return error_reply(
        503,
        "server-busy",
        f"every query worker stayed busy for {seconds:g} s; try again later",
    )


def _hard_kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)

