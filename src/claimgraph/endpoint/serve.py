"""Listening and serving: the socket, uvicorn with our HTTP limits, and :func:`run`.

uvicorn is imported only here, and only when ``run`` is called.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .app import create_app
from .config import ServerConfig

if TYPE_CHECKING:
    from .lane import Lane
from .wire import error_body

__all__ = ["MAX_URL", "run"]

def _listen(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise InputError(f"cannot resolve --host {host}: {e.strerror}") from None
    family, kind, proto, _, address = infos[0]
    # The protocol must be IPPROTO_TCP (not 0): asyncio sets TCP_NODELAY only on such sockets,
    # and without it every keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as e:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.set_inheritable(False)
    return sock


#: The longest request target (path and query string) served. httptools' URL parser stops at
#: 65,535 bytes (its offsets are 16-bit), so this is the real limit of a GET; longer queries
#: go by POST. Checked as the URL arrives, so that a longer one is not even buffered.
MAX_URL = 65535


def _http_protocol(head_timeout: float, lane: Lane | None = None) -> type[asyncio.Protocol]:
    """uvicorn's httptools protocol with our limits, and its errors in our JSON shape.

    uvicorn answers a request it cannot parse with a plain-text 400, never cuts off a client
    that sends its request head slowly (or opens a connection and sends nothing), and lets the
    URL grow until httptools fails on it; here the head must be complete within
    ``head_timeout`` seconds (408), and a URL over :data:`MAX_URL` bytes is a 414. With a
    ``lane``, a connection with nothing in flight first offers each arriving request to it
    (see ``lane.py``), and feeds uvicorn's parser only what the lane does not answer.
    """
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class Protocol(HttpToolsProtocol):
        _head_timer: asyncio.TimerHandle | None = None
        _url_too_long = False
        _got_bytes = False
        _between_messages = True  # the parser holds no part of a request
        _relaying: asyncio.Task[None] | None = None  # a lane request waiting for its worker
        _close_when_answered = False
        _held: bytearray

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._held = bytearray()  # what a pipelining client sends while the lane waits
            self._arm_head_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_head_timer()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            self._got_bytes = True
            if self._relaying is not None:
                # a pipelining client: keep what comes until the lane's request is answered
                self._held += data
                if len(self._held) > MAX_URL:
                    self.flow.pause_reading()
                return
            if (
                lane is not None
                and self._between_messages
                and self._relaying is None
                and not self.pipeline
                and (self.cycle is None or self.cycle.response_complete)
                and not self.flow.write_paused
            ):
                taken = lane.take(data, self.server_state.default_headers)
                if taken is not None:
                    self._unset_keepalive_if_required()
                    self._disarm_head_timer()
                    if isinstance(taken, bytes):
                        self.transport.write(taken)
                        self.on_response_complete()  # keep-alive and head timers, as uvicorn's
                    else:
                        task = self.loop.create_task(self._relay(*taken))
                        self._relaying = task
                        self.tasks.add(task)  # a graceful shutdown waits for it
                        task.add_done_callback(self.tasks.discard)
                    return
            super().data_received(data)

        async def _relay(self, job: Any, wire: Any) -> None:
            assert lane is not None
            try:
                response = await lane.relay(job, wire, self.server_state.default_headers)
            finally:
                self._relaying = None
            if self.transport.is_closing():
                return  # the client went away; the pool kept the deadline
            self.transport.write(response)
            if self._close_when_answered:
                self.transport.close()
                return
            self.on_response_complete()
            if self._held:
                held, self._held = bytes(self._held), bytearray()
                self.data_received(held)

        def shutdown(self) -> None:
            if self._relaying is not None:
                self._close_when_answered = True  # as uvicorn does for a request in flight
                return
            super().shutdown()

        def on_message_begin(self) -> None:
            self._between_messages = False
            super().on_message_begin()

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._between_messages = True

        def on_url(self, url: bytes) -> None:
            super().on_url(url)
            if len(self.url) > MAX_URL:
                self._url_too_long = True
                raise ValueError("URL too long")  # stops the parser: send_400_response follows

        def on_headers_complete(self) -> None:
            self._disarm_head_timer()
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and not self.pipeline:
                self._got_bytes = False
                self._arm_head_timer()

        def _arm_head_timer(self) -> None:
            self._disarm_head_timer()
            self._head_timer = self.loop.call_later(head_timeout, self._head_timed_out)

        def _disarm_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timed_out(self) -> None:
            self._head_timer = None
            if self.transport.is_closing():
                return
            if self.cycle is not None and not self.cycle.response_complete:
                return  # a request is being answered; its own deadlines apply
            if not self._got_bytes:
                self.transport.close()  # an idle connection: nothing to answer
                return
            message = f"the request head did not arrive within {head_timeout:g} s"
            self._send_error(408, "request-timeout", message)

        def send_400_response(self, msg: str) -> None:
            if self._url_too_long:
                self._send_error(
                    414,
                    "uri-too-long",
                    f"the request URL is longer than {MAX_URL} bytes; send a long query with "
                    "POST (application/sparql-query or a form)",
                )
            else:
                self._send_error(400, "bad-request", "the request is not valid HTTP/1.1")

        def _send_error(self, status: int, code: str, message: str) -> None:
            body = error_body(status, code, message)
            phrase = {400: "Bad Request", 408: "Request Timeout", 414: "URI Too Long"}[status]
            head = [
                f"HTTP/1.1 {status} {phrase}",
                "content-type: application/json",
                f"content-length: {len(body)}",
                "x-content-type-options: nosniff",
                "connection: close",
            ]
            self.transport.write(("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body)
            self.transport.close()

    return Protocol


def run(config: ServerConfig, *, echo: Any = None) -> None:
    """Validate, load the store, listen, and serve until interrupted (Ctrl-C or SIGTERM)."""
    say = echo or (lambda line: print(line, file=sys.stderr, flush=True))
    for warning in config.check():
        say(f"claimgraph: warning: {warning}")
    sock = _listen(config.host, config.port)
    host, port = sock.getsockname()[:2]
    config.port = port  # with --port 0, the Host check and the base IRI need the real port
    try:
        app = create_app(config)
        app.state.pool.prepare()  # bad data or an unusable store fail here, with one line
    except BaseException:
        sock.close()
        raise
    shown = f"[{host}]" if ":" in host else host
    import uvicorn

    say(
        f"claimgraph: serving SPARQL at http://{shown}:{port}/sparql "
        f"({config.workers} workers, {config.timeout:g} s limit, "
        f"{'updates with token' if config.allow_update else 'read-only'}); Ctrl-C stops"
    )
    say(f"claimgraph: web UI at http://{shown}:{port}/")
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            server_header=False,
            proxy_headers=False,
            timeout_graceful_shutdown=5,
            http=_http_protocol(config.read_timeout, app.state.endpoint.lane),
            timeout_keep_alive=5,  # an idle keep-alive connection is closed after 5 s
        )
    )
    server.run(sockets=[sock])
