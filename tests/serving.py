"""A real ``claimgraph serve`` in a subprocess, for the tests (and the protocol runner) that
need a socket: a free loopback port, the wait for ``/health``, and a clean stop.

One helper, so that every real-port test starts and stops the server the same way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_health(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    import httpx

    for _ in range(600):  # up to a minute on a slow machine
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not answer /health")


@contextlib.contextmanager
def running_serve(
    options: Sequence[str], *, log: Path, env: Mapping[str, str] | None = None
) -> Iterator[int]:
    """``claimgraph serve --port N *options`` until the block ends; yields N.

    Its stderr goes to ``log`` (quoted if it exits early); ``CLAIMGRAPH_STORE`` is not
    inherited, so only ``options`` choose the store.
    """
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "CLAIMGRAPH_STORE"}
    environment.update(env or {})
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "claimgraph", "serve", "--port", str(port), *options],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=environment,
        )
    try:
        wait_for_health(f"http://127.0.0.1:{port}", proc, log)
        yield port
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
