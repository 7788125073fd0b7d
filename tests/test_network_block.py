"""The kernel-level network block (``sandbox.block_network``) in a process of its own.

Each test forks a child, blocks it and reports back through the exit status: the block is
irreversible, so it must never be installed in the pytest process itself.
"""

from __future__ import annotations

import os
import platform
import socket
import sys
from collections.abc import Callable

import pyoxigraph as ox
import pytest

from claimgraph import sandbox

from ._listener import listening

SUPPORTED_HERE = sys.platform.startswith("linux") and platform.machine() in ("x86_64", "aarch64")
needs_linux = pytest.mark.skipif(
    not SUPPORTED_HERE, reason="the seccomp block exists only on Linux x86_64 and aarch64"
)


def in_blocked_child(check: Callable[[], None]) -> int:
    """Run ``check`` in a forked child after ``block_network()``; its exit code (0: passed)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 3
        try:
            if not sandbox.block_network():
                code = 2
            else:
                check()
                code = 0
        except BaseException:  # noqa: B036 - any failure must reach the parent as a code
            code = 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@needs_linux
def test_block_is_supported_on_this_platform() -> None:
    assert sandbox.network_block_supported() is True


@needs_linux
def test_blocked_process_cannot_connect_to_a_local_listener() -> None:
    with listening() as listener:

        def check() -> None:
            try:
                socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()
            except PermissionError:
                return
            raise AssertionError("connected")

        assert in_blocked_child(check) == 0
        assert listener.connections == 0


@needs_linux
def test_blocked_process_cannot_open_ipv6_sockets() -> None:
    def check() -> None:
        with pytest.raises(PermissionError):
            socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        with pytest.raises(PermissionError):
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    assert in_blocked_child(check) == 0


@needs_linux
def test_blocked_process_keeps_unix_sockets_and_socketpairs() -> None:
    def check() -> None:
        a, b = socket.socketpair()
        a.sendall(b"ping")
        assert b.recv(4) == b"ping"
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()

    assert in_blocked_child(check) == 0


@needs_linux
def test_blocked_process_service_query_fails_without_reaching_the_listener() -> None:
    with listening() as listener:

        def check() -> None:
            store = ox.Store()
            query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
            try:
                list(store.query(query))  # type: ignore[arg-type]
            except OSError:
                return
            raise AssertionError("SERVICE answered")

        assert in_blocked_child(check) == 0
        assert listener.connections == 0


@needs_linux
def test_block_is_inherited_by_child_processes() -> None:
    import subprocess

    with listening() as listener:

        def check() -> None:
            code = f"import socket; socket.create_connection(('127.0.0.1', {listener.port}))"
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30)
            assert done.returncode != 0 and b"PermissionError" in done.stderr

        assert in_blocked_child(check) == 0
        assert listener.connections == 0


@needs_linux
def test_block_network_twice_is_harmless() -> None:
    def check() -> None:
        assert sandbox.block_network() is True
        with pytest.raises(PermissionError):
            socket.socket(socket.AF_INET)

    assert in_blocked_child(check) == 0


def test_unknown_architecture_is_not_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platform, "machine", lambda: "riscv64")
    monkeypatch.setattr(sandbox, "_installed", False)
    assert sandbox.block_network() is False


def test_serve_warns_once_at_start_up_where_the_block_is_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from claimgraph.endpoint.pool import WorkerPool, WorkerSpec

    monkeypatch.setattr(sandbox, "network_block_supported", lambda: False)
    said: list[str] = []
    WorkerPool(WorkerSpec(), log=said.append).prepare()
    assert len(said) == 1 and said[0].startswith("warning: this platform cannot block")
    said.clear()
    WorkerPool(WorkerSpec(allow_service=("example.org",)), log=said.append).prepare()
    assert said == []  # a host is allowed: no block is wanted, nothing to warn about
