"""The query worker process: setup after fork, the request loop, running and rendering.

Runs only in the child (blocking code, no asyncio). The pool (``pool.py``) forks it and talks
to it through :mod:`.wire` frames; nothing here knows about HTTP beyond the finished reply.
Over 400 lines because the child's setup (limits, seccomp, descriptors, parent death) and its
request handlers run in one process image that is forked or exec'd as a unit; the request
handlers are the part to move out next.
"""

from __future__ import annotations

import contextlib
import gc
import json
import marshal
import os
import resource
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import ClaimgraphError, StoreError
from .wire import (
    FRAME,
    GRAPH_MEDIA,
    RESULT_MEDIA,
    Reply,
    encode_reply,
    error_for,
    error_reply,
)

__all__ = [
    "GIB",
    "WorkerSpec",
    "apply_update",
    "check_disk_store",
    "check_main",
    "exec_main",
    "fork_worker",
]

GIB = 1024**3

# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerSpec:
    """What every worker needs; fixed for the life of the server."""

    store_path: str | None = None
    max_rows: int | None = 10000
    allow_service: tuple[str, ...] = ()
    memory_limit: int | None = 2 * GIB
    queries_dir: str | None = None
    #: Relative IRIs in user queries and updates resolve against this (the endpoint's URL).
    base_iri: str | None = None

    @property
    def block_network(self) -> bool:
        """No host allowed: nothing a worker runs has a reason to open an internet socket."""
        return not self.allow_service


# --------------------------------------------------------------------------------------------
# The worker side (runs in the forked child; blocking code)
# --------------------------------------------------------------------------------------------


class _FrameReader:
    """Blocking frame reader for the worker: usually one ``recv`` per request."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def _fill(self, n: int) -> bool:
        while len(self.buffer) < n:
            chunk = self.sock.recv(max(n - len(self.buffer), 65536))
            if not chunk:
                return False
            self.buffer += chunk
        return True

    def read(self) -> bytes | None:
        """The next frame's payload, or None once the server has closed its end."""
        if not self._fill(FRAME.size):
            return None
        (n,) = FRAME.unpack_from(self.buffer)
        if not self._fill(FRAME.size + n):
            return None
        payload = bytes(self.buffer[FRAME.size : FRAME.size + n])
        del self.buffer[: FRAME.size + n]
        return payload


def _send_frame(sock: socket.socket, payload: bytes) -> None:
    header = FRAME.pack(len(payload))
    if len(payload) < 65536:
        sock.sendall(header + payload)
    else:
        sock.sendall(header)
        sock.sendall(payload)


class _WorkerState:
    """The child's store and settings, and the handlers for each request kind."""

    def __init__(self, spec: WorkerSpec, store: ox.Store) -> None:
        from ..catalog import load_catalog

        self.spec = spec
        self.store = store
        self.catalog = load_catalog(spec.queries_dir)
        self.retire = False

    def handle(self, request: tuple[Any, ...]) -> Reply:
        kind = request[0]
        try:
            if kind == "query":
                return self._query(*request[1:])
            if kind == "stored":
                return self._stored(*request[1:])
            if kind == "update":
                return self._update(request[1])
            if kind == "exit":
                if hasattr(self.store, "flush"):
                    self.store.flush()
                self.retire = True
                return Reply(204, "text/plain", b"")
            return error_reply(500, "internal-error", f"unknown worker request {kind!r}")
        except ClaimgraphError as e:
            return error_for(e)
        except OSError:
            # pyoxigraph raises OSError when a SERVICE or LOAD request fails; its message can
            # carry the remote server's body, which is never passed on.
            return error_reply(
                502, "remote-error", "a remote SERVICE or LOAD request failed (details withheld)"
            )
        except MemoryError:
            self.retire = True
            return error_reply(503, "worker-failed", "the query ran out of memory")
        except Exception as e:  # a bug, or a pyoxigraph error we do not know: no details out
            print(f"claimgraph worker: {type(e).__name__}: {e}", file=sys.stderr)
            self.retire = True
            return error_reply(500, "internal-error", "the query failed unexpectedly")

    def _render(self, result: Any, rfmt: str | None, gfmt: str | None) -> Reply:
        from .. import render

        if result.form in ("SELECT", "ASK"):
            if rfmt is None:
                return _not_acceptable(result.form)
            writers: dict[str, Callable[[Any], bytes]] = {
                "json": render.results_json,
                "xml": render.results_xml,
                "csv": render.results_csv,
                "tsv": render.results_tsv,
            }
            body = writers[rfmt](result)
            return Reply(200, RESULT_MEDIA[rfmt], body, result.truncated)
        if gfmt is None:
            return _not_acceptable(result.form)
        body = render.serialize_triples(result.triples, gfmt)
        return Reply(200, GRAPH_MEDIA[gfmt], body, result.truncated)

    def _query(
        self,
        text: str,
        default_graph: list[str] | None,
        named_graphs: list[str] | None,
        rfmt: str | None,
        gfmt: str | None,
    ) -> Reply:
        from ..sparql import execute

        result = execute(
            self.store,
            text,
            allow_service=self.spec.allow_service,
            max_rows=self.spec.max_rows,
            default_graph=_nodes(default_graph),
            named_graphs=_nodes(named_graphs),
            base_iri=self.spec.base_iri,
        )
        return self._render(result, rfmt, gfmt)

    def _stored(
        self, name: str, values: dict[str, str], rfmt: str | None, gfmt: str | None
    ) -> Reply:
        from ..binding import bind, bind_parameters
        from ..sparql import drop_parameter_columns, execute

        query = self.catalog.get_query(name)
        subs = bind_parameters(query, values, self.store)
        bound = bind(query.text, {v.value: t for v, t in subs.items()}, inline=False)
        result = execute(
            self.store,
            bound.text,
            substitutions=bound.substitutions,
            max_rows=self.spec.max_rows,
            source=name,
        )
        given = {v.value for v in subs}  # an optional parameter left out keeps its column
        return self._render(drop_parameter_columns(result, query, given), rfmt, gfmt)

    def _update(self, text: str) -> Reply:
        apply_update(self.store, text, self.spec.allow_service, base_iri=self.spec.base_iri)
        if hasattr(self.store, "flush") and self.spec.store_path is not None:
            self.store.flush()
        return Reply(204, "text/plain", b"")


def apply_update(
    store: ox.Store, text: str, allow_service: tuple[str, ...], *, base_iri: str | None = None
) -> None:
    """Run a SPARQL update (guarded like a query); raise QuerySyntaxError / QueryRefused.

    A failing allowed LOAD is a RemoteError: the message of pyoxigraph quotes the fetched data.
    """
    from ..sparql import update

    update(store, text, allow_service=allow_service, base_iri=base_iri)


def _not_acceptable(form: str) -> Reply:
    kinds = "SPARQL results" if form in ("SELECT", "ASK") else "RDF graph"
    return error_reply(
        406,
        "not-acceptable",
        f"a {form} result is sent as {kinds}, which the Accept header refuses",
    )


def _nodes(iris: list[str] | None) -> list[ox.NamedNode] | None:
    return None if iris is None else [ox.NamedNode(g) for g in iris]


def _child_setup(keep_fd: int, memory_limit: int | None, block_network: bool = False) -> None:
    """First thing after fork: own signals, no inherited descriptors, resource caps.

    The network block comes after the descriptors are closed: it stops new internet sockets,
    not ones already open, and the server's (its listener, its clients) are among those closed.
    It survives the exec of an on-disk worker.
    """
    # Objects inherited from the server are never collected here: a collected socket object
    # would close a descriptor number that the store may be using by then.
    gc.freeze()
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGPIPE):
        with contextlib.suppress(OSError, ValueError):
            signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group; the server decides
    _die_with_parent()
    # The server's listening socket, its client connections and the other workers' sockets must
    # not stay open here (a client would never see its connection close).
    os.closerange(3, keep_fd)
    os.closerange(keep_fd + 1, 1 << 16)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_limit:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory_limit if hard == resource.RLIM_INFINITY else min(memory_limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    if block_network:
        from ..sandbox import block_network as block

        block()  # where the platform cannot, the server said so once at start-up


def _die_with_parent() -> None:
    """Linux: SIGKILL this worker when the server dies, even in the middle of a query."""
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(0)


def _child_main(
    sock: socket.socket,
    spec: WorkerSpec,
    template: ox.Store | None,
    replay: tuple[str, ...],
    write: bool,
) -> None:
    try:
        if spec.store_path is None:
            assert template is not None
            store = template
            for text in replay:
                apply_update(store, text, spec.allow_service)
        else:
            from ..store import open_store

            store = open_store(spec.store_path, write=write)
        state = _WorkerState(spec, store)
    except ClaimgraphError as e:
        _send_frame(sock, encode_reply(error_for(e)))
        return
    except Exception as e:
        reply = error_reply(500, "worker-start", f"{type(e).__name__}: {e}")
        _send_frame(sock, encode_reply(reply))
        return
    del store  # the state holds the only reference, so that "exit" closes the store
    _send_frame(sock, marshal.dumps((0, "ready", b"", False)))
    reader = _FrameReader(sock)
    while True:
        payload = reader.read()
        if payload is None:
            return
        reply = state.handle(marshal.loads(payload))
        _send_frame(sock, encode_reply(reply))
        if state.retire:
            del state  # drops the store: an on-disk store closes cleanly
            return


def fork_worker(
    spec: WorkerSpec, template: ox.Store | None, replay: tuple[str, ...], write: bool
) -> tuple[int, socket.socket]:
    parent_sock, child_sock = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child never returns into the server's code
        code = 0
        try:
            parent_sock.close()
            _child_setup(child_sock.fileno(), spec.memory_limit, spec.block_network)
            if spec.store_path is None:
                _child_main(child_sock, spec, template, replay, write)
            else:
                _exec_worker(child_sock, spec, write)
        except BaseException as e:  # a fork of the server: never unwind into its code
            code = 1
            _report_failure(e)
        finally:
            os._exit(code)
    child_sock.close()
    return pid, parent_sock


#: Where the claimgraph package lives, so that an exec'd worker imports this very copy.
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
_EXEC_CODE = (
    "import json, sys; a = json.loads(sys.argv[1]); sys.path.insert(0, a['path']); "
    "from claimgraph.endpoint.worker import exec_main; exec_main(a)"
)


def _exec_worker(sock: socket.socket, spec: WorkerSpec, write: bool) -> None:
    """On-disk stores: replace the forked child with a fresh interpreter.

    RocksDB keeps global thread pools; a forked copy of a process that has ever opened an
    on-disk store has their state but not their threads, and its flushes wait forever. A fresh
    interpreter has neither. (The server process itself never opens the store.) The socket,
    the memory cap and the parent-death signal survive the exec.
    """
    os.set_inheritable(sock.fileno(), True)
    args = {"fd": sock.fileno(), "write": write, "path": _PACKAGE_PARENT, "spec": asdict(spec)}
    os.execv(sys.executable, [sys.executable, "-c", _EXEC_CODE, json.dumps(args)])


def _report_failure(exc: BaseException) -> None:
    """One line on the server's stderr for a worker that failed outside a request.

    Without it a worker that cannot start (or whose loop breaks) exits with 1 and the pool only
    sees its socket close ("died starting"), with nothing saying why.
    """
    with contextlib.suppress(Exception):
        print(f"claimgraph worker {os.getpid()}: {type(exc).__name__}: {exc}", file=sys.stderr,
              flush=True)


def exec_main(args: dict[str, Any]) -> None:
    """The exec'd worker's entry point."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    code = 0
    try:
        sock = socket.socket(fileno=int(args["fd"]))
        fields = dict(args["spec"])
        fields["allow_service"] = tuple(fields["allow_service"])
        spec = WorkerSpec(**fields)
        if spec.block_network:  # inherited from the fork already; again in case of another path
            from ..sandbox import block_network

            block_network()
        _child_main(sock, spec, None, (), bool(args["write"]))
    except BaseException as e:  # the exit code and this line are all the server gets
        code = 1
        _report_failure(e)
    finally:
        os._exit(code)


# --------------------------------------------------------------------------------------------
# The server side

def check_disk_store(path: str, timeout: float = 300.0) -> None:
    """Open the on-disk store (never created here) in a short-lived fresh process, not in this one.

    RocksDB starts threads, and this process forks its workers.
    """
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from claimgraph.endpoint.worker import check_main; check_main(sys.argv[2])"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, _PACKAGE_PARENT, path],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise StoreError("opening the store took too long", path=path) from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise StoreError(lines[-1] if lines else "cannot open the store")


def check_main(path: str) -> None:
    """In the check process: open the store (only load creates one); one line on stderr if not."""
    from ..store import open_store

    try:
        open_store(path)
    except ClaimgraphError as e:
        print(str(e), file=sys.stderr)
        sys.exit(2)
