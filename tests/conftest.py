"""Shared fixtures: stores, the CLI runner, the essay text, small hand-written texts."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph.store import open_store

from ._listener import Listener
from .cli_runner import CliRunner
from .serving import free_port

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
EXPECTED = DATA / "expected"
REPO = TESTS.parent
ESSAY_NAME = "broken-promises-narrative.txt"


def essay_path() -> Path | None:
    """The real essay: $CLAIMGRAPH_ESSAY, else ../shared/essay/ beside the repo."""
    env = os.environ.get("CLAIMGRAPH_ESSAY")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "essay" / ESSAY_NAME)
    for c in candidates:
        if c.is_file():
            return c
    return None


@pytest.fixture(scope="session")
def essay_text() -> str:
    path = essay_path()
    if path is None:
        pytest.skip(
            f"the essay {ESSAY_NAME} is not at ../shared/essay/ and CLAIMGRAPH_ESSAY is unset; "
            "CI always has it"
        )
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def bundled_store() -> ox.Store:
    """The bundled graphs in memory, shared by read-only tests (do not write to it)."""
    return open_store()


@pytest.fixture
def memory_store() -> ox.Store:
    """A fresh in-memory store with the bundled graphs, for tests that write."""
    return open_store()


@pytest.fixture
def disk_store(tmp_path: Path) -> Path:
    """A temporary on-disk store folder, created with the bundled graphs."""
    folder = tmp_path / "store"
    store = open_store(folder, create=True)
    del store  # release the lock: tests open it again through the API or the CLI
    return folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# --- Servers for the remote tests (push, query --endpoint) ----------------------------------
# A real Oxigraph server (the `oxigraph` PyPI package, test extra) and tiny stand-ins that
# answer every request with one canned reply, or accept connections and never answer.

import http.server  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402


@dataclass
class OxigraphServer:
    base: str

    @property
    def gsp(self) -> str:
        return self.base + "/store"

    @property
    def query(self) -> str:
        return self.base + "/query"

    @property
    def update(self) -> str:
        return self.base + "/update"


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """``oxigraph serve --union-default-graph`` on a free port, for one test module."""
    import shutil

    import httpx

    exe = Path(sys.executable).with_name("oxigraph")
    found = str(exe) if exe.exists() else shutil.which("oxigraph")
    if found is None:
        pytest.skip("the Oxigraph server is not installed (pip install 'claimgraph[test]')")
    folder = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(
        [found, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    server = OxigraphServer(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"oxigraph serve exited: {(folder / 'server.log').read_text()[-2000:]}")
        try:
            if httpx.get(server.query, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("oxigraph serve did not answer within 30 s")
        time.sleep(0.05)
    try:
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@dataclass
class FakeServer:
    """An HTTP server on 127.0.0.1 giving every request the same reply; records requests."""

    url: str
    requests: list[dict[str, object]] = field(default_factory=list)


def _read_request_body(handler: http.server.BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        parts: list[bytes] = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(parts)
            parts.append(handler.rfile.read(size))
            handler.rfile.readline()
    return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))


@pytest.fixture
def fake_server() -> Iterator[Callable[..., FakeServer]]:
    """``fake_server(status, body, content_type=…)`` starts one; ``status=None``: never answer."""
    stops: list[Callable[[], None]] = []

    def start(
        status: int | None = 500, body: bytes = b"", content_type: str = "text/plain"
    ) -> FakeServer:
        if status is None:  # accept connections and hold them without a word
            sock = socket.create_server(("127.0.0.1", 0))
            held: list[socket.socket] = []
            closing = threading.Event()

            def hold() -> None:
                sock.settimeout(0.1)
                while not closing.is_set():
                    try:
                        held.append(sock.accept()[0])
                    except OSError:
                        continue

            thread = threading.Thread(target=hold, daemon=True)
            thread.start()

            def stop_silent() -> None:
                closing.set()
                thread.join(2)
                for c in held:
                    c.close()
                sock.close()

            stops.append(stop_silent)
            return FakeServer(f"http://127.0.0.1:{sock.getsockname()[1]}")

        server_box: list[FakeServer] = []
        code: int = status

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                server_box[0].requests.append({
                    "method": self.command, "path": self.path,
                    "headers": dict(self.headers), "body": _read_request_body(self),
                })
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args: object) -> None:
                pass

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server_box.append(FakeServer(f"http://127.0.0.1:{httpd.server_address[1]}"))
        thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
        thread.start()

        def stop() -> None:
            httpd.shutdown()
            httpd.server_close()

        stops.append(stop)
        return server_box[0]

    yield start
    for stop in stops:
        stop()


# --- A listener that tells whether a request ran (Host / Origin checks, browser tests) ------
# (tests/_listener.py: the one Listener every network test counts connections with)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


# --- Figures for the CI log --------------------------------------------------------------------
# Tests that measure something (conformance counts) report it with `summary_lines`; the lines
# are printed in pytest's terminal summary, so CI's log shows them whether or not -s is given.

_SUMMARY = pytest.StashKey[list[str]]()


@pytest.fixture(scope="session")
def summary_lines(request: pytest.FixtureRequest) -> list[str]:
    return request.config.stash.setdefault(_SUMMARY, [])


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    lines = config.stash.get(_SUMMARY, [])
    if lines:
        terminalreporter.section("measured figures")
        for line in lines:
            terminalreporter.write_line(line)
