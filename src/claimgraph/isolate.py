"""Run one command's work in a forked child process that the CLI can stop at any moment.

pyoxigraph cannot be interrupted in-process: while a query runs in native code, Python never
sees SIGINT, and no thread can stop it. So the CLI's local commands (``query``, ``show``,
``validate``, ``export``) do their work in a child: the parent only waits on a pipe, with the
time limit as its deadline, and on Ctrl-C or an overrun it SIGKILLs the child and reports one
line. A crash in the child (a segfault on a pathological query) is reported the same way
instead of taking the CLI down with it.

The child must open the store itself: an on-disk (RocksDB) store opened before a fork does not
survive it (see ``endpoint/pool.py``). It ignores SIGINT (the parent decides), dies with the parent
(``PR_SET_PDEATHSIG``), and, unless the caller allows the network (``--allow-service``), loses
the ability to open internet sockets (``sandbox.block_network``) before it runs anything.

The result comes back through the pipe as a length, then a tag: ``B`` with the network-block
flag and the raw bytes (what every CLI command returns), or ``P`` with ``(kind, value, blocked)``
pickled (errors, other values). Only ``os.fork`` and ``os.pipe``: no multiprocessing, and
pickle is imported only for a ``P`` answer, so a cold query's parent does not load it.
"""

from __future__ import annotations

import os
import select
import signal
import struct
import sys
import time
from collections.abc import Callable

from .errors import ClaimgraphError, Interrupted, ProcessCrashed, QueryTimeout

TYPE_CHECKING = False  # typing costs ~2 ms of every cold command; annotations are strings
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

__all__ = ["run_isolated"]

_LENGTH = struct.Struct("!Q")
_FLAG = {None: b"-", True: b"1", False: b"0"}
_FLAG_OF = {v: k for k, v in _FLAG.items()}
_CHUNK = 1 << 20
_PIPE_SIZE = 1 << 20  # fewer wake-ups for big exports; best effort
_OUT_OF_MEMORY = 71  # the child's exit code for a Python MemoryError
_warned = False


def run_isolated(
    work: Callable[[], T],
    *,
    timeout: float | None = None,
    block_network: bool = True,
    warn_unblocked: bool = False,
    memory: int | None = None,
    limit_name: str = "--timeout",
    memory_name: str = "--memory",
) -> T:
    """Return ``work()`` computed in a child process; raise what it raised.

    ``timeout`` (seconds; None or 0: none) kills the child and raises :class:`QueryTimeout`.
    Ctrl-C kills it and raises :class:`Interrupted`. ``memory`` (bytes) caps its address space,
    so that a runaway ORDER BY (it can grow by a gigabyte a second) dies alone instead of taking
    the machine's memory; a child that dies without answering raises :class:`ProcessCrashed`.
    ``work`` itself is not pickled (the child is a fork), but what it returns or raises is.
    """
    if not hasattr(os, "fork"):  # pragma: no cover - not Linux/macOS: no way to stop it
        return work()
    deadline = time.monotonic() + timeout if timeout else None
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    parent = os.getpid()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        _child(work, r, w, parent, block_network, memory)
    try:
        os.close(w)
        data = _receive(r, deadline)
    except _Overrun:
        _kill(pid)
        raise QueryTimeout(f"query timed out after {timeout:g} s ({limit_name})") from None
    except KeyboardInterrupt:
        _kill(pid)
        raise Interrupted("interrupted") from None
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(r)
    status = _reap(pid)
    hint = f" (it may have needed more than {memory_name} {memory // 2**20} MiB)" if memory else ""
    kind, value, blocked = _decode(data, status, hint)
    if blocked is False and warn_unblocked:
        _warn_once()
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    raise value


class _Overrun(Exception):
    pass


def _receive(fd: int, deadline: float | None) -> bytearray:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    buf = bytearray()
    while True:
        if deadline is None:
            wait_ms = None
        else:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Overrun
            wait_ms = max(1, int(left * 1000) + 1)
        if not poller.poll(wait_ms):
            continue
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            return buf
        buf += chunk


def _kill(pid: int) -> None:
    """SIGKILL and reap the child; a second Ctrl-C meanwhile must not leave it running."""
    main = True
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: no Ctrl-C arrives here anyway
        main = False
    try:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _reap(pid)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


def _reap(pid: int) -> int:
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:
            return 0
        except InterruptedError:  # pragma: no cover - PEP 475 retries already
            continue


def _decode(data: bytearray, status: int, hint: str) -> tuple[str, Any, bool | None]:
    if len(data) >= _LENGTH.size:
        (size,) = _LENGTH.unpack_from(data)
        if len(data) == _LENGTH.size + size:
            body = memoryview(data)[_LENGTH.size :]
            try:
                if body[:1] == b"B":
                    return "ok", bytes(body[2:]), _FLAG_OF[bytes(body[1:2])]
                if body[:1] == b"P":
                    import pickle

                    kind, value, blocked = pickle.loads(body[1:])
                    return kind, value, blocked
            except Exception:  # noqa: BLE001 - a garbled answer is a crash below
                pass
    raise ProcessCrashed(_death(status, hint))


def _death(status: int, hint: str) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        why = ""
        if sig in (signal.SIGKILL, signal.SIGABRT):  # the OOM killer, or an allocation refused
            why = hint or " (out of memory?)"
        return f"the process running the command crashed with {name}{why}; nothing was written"
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    if code == _OUT_OF_MEMORY:
        return f"the process running the command ran out of memory{hint}; nothing was written"
    return f"the process running the command stopped without an answer (exit status {code})"


def _warn_once() -> None:
    global _warned
    if not _warned:
        _warned = True
        sys.stderr.write(
            "claimgraph: warning: this platform cannot block network access for queries "
            "(needs Linux seccomp); only the query guard keeps SERVICE and LOAD off the network\n"
        )
        sys.stderr.flush()


# --------------------------------------------------------------------------------------------
# The child
# --------------------------------------------------------------------------------------------


def _child(
    work: Callable[[], Any], r: int, w: int, parent: int, block: bool, memory: int | None
) -> None:  # pragma: no cover - runs in the child
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.close(r)
        _die_with(parent)
        _quiet_stderr()
        if memory:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        blocked: bool | None = None
        if block:
            from .sandbox import block_network

            blocked = block_network()
        try:
            payload: tuple[str, Any, bool | None] = ("ok", work(), blocked)
        except MemoryError:  # under the cap: the same report as a native abort
            os._exit(_OUT_OF_MEMORY)
        except BaseException as e:  # noqa: B036 - everything goes back to the parent
            payload = ("error", _portable(e), blocked)
        kind, value, _ = payload
        if kind == "ok" and type(value) is bytes:
            data = b"B" + _FLAG[blocked] + value
        else:
            import pickle

            try:
                data = b"P" + pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as e:  # noqa: BLE001 - an unpicklable result is a bug: say which
                error = RuntimeError(f"cannot return the result: {e}")
                data = b"P" + pickle.dumps(("error", error, blocked))
        _set_pipe_size(w, len(data))
        _write_all(w, _LENGTH.pack(len(data)))
        _write_all(w, data)
    except BaseException:  # noqa: B036 - the parent reports a child without an answer
        code = 70
    finally:
        os._exit(code)


def _portable(e: BaseException) -> BaseException:
    """``e`` if it survives a pickle round trip, else the same message in a type that does."""
    if os.environ.get("CLAIMGRAPH_DEBUG") and not isinstance(e, ClaimgraphError):
        import traceback

        traceback.print_exception(e, file=sys.__stderr__)
    import pickle

    try:
        pickle.loads(pickle.dumps(e, protocol=pickle.HIGHEST_PROTOCOL))
        return e
    except Exception:  # noqa: BLE001
        pass
    if isinstance(e, ClaimgraphError):
        copy = ClaimgraphError(e.message, path=e.path, line=e.line, column=e.column)
        copy.exit_code = e.exit_code
        return copy
    return RuntimeError(f"{type(e).__name__}: {e}")


def _quiet_stderr() -> None:  # pragma: no cover - runs in the child
    """The engine's own abort messages (a Rust backtrace, a fault handler's dump) must not reach
    the user's terminal: the parent reports one line. CLAIMGRAPH_DEBUG keeps them."""
    if os.environ.get("CLAIMGRAPH_DEBUG"):
        return
    import faulthandler  # built in; pytest or PYTHONFAULTHANDLER may have it on

    faulthandler.disable()
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)


def _die_with(parent: int) -> None:  # pragma: no cover - runs in the child
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _set_pipe_size(fd: int, size: int) -> None:  # pragma: no cover - runs in the child
    if size > 65536:
        try:
            import fcntl

            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
        except (OSError, AttributeError):
            pass


def _write_all(fd: int, data: bytes) -> None:  # pragma: no cover - runs in the child
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]
