"""Which requests a local endpoint answers: the Host and Origin checks of ``claimgraph serve``.

A SPARQL endpoint on 127.0.0.1 is reachable from every web page the user opens. Two browser
paths lead to it, and both are closed here, before any handler runs:

* DNS rebinding: a page on ``evil.example`` re-points that name at 127.0.0.1 and then reads
  the endpoint's answers as same-origin. The browser still sends ``Host: evil.example``, so
  a request whose Host is not the bound address, a loopback name, or a ``--host-name`` is
  refused (as Jupyter and Vite do).
* Cross-site requests (CSRF, blind SSRF through SERVICE): a form POST or a ``fetch`` from
  another origin runs the query even though the page cannot read the answer. Browsers say
  where a request comes from in ``Origin`` (every POST and every CORS request) and in
  ``Sec-Fetch-Site`` (every request of a current browser), so a request that runs SPARQL is
  refused when ``Origin`` is neither this endpoint nor the ``--cors`` origin, or, without
  ``Origin``, when ``Sec-Fetch-Site`` is anything but ``same-origin`` or ``none``. Clients
  that are not browsers (curl, SPARQLWrapper, rdflib) send neither header and are unaffected.

Both refusals are 403 with the endpoint's JSON error shape. 403 rather than 421 (Misdirected
Request): a 421 invites a client to retry on another connection, and no retry can succeed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["HostPolicy", "HostGuardMiddleware", "check_host_name", "LOOPBACK_HOSTS"]

#: Names every local endpoint answers to, with its port.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")

#: Routes that run SPARQL: only these get the cross-site check (pages and the catalog are
#: harmless to a cross-site request, and browsers keep their answers from foreign pages).
_RUNS_SPARQL = ("/sparql", "/api/queries/")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def check_host_name(name: str) -> str:
    """A ``--host-name`` value, normalised; ValueError unless it is a bare host name."""
    host = name.strip().lower().rstrip(".")
    bad = ValueError(f"--host-name takes a host name such as sparql.example.org, not {name!r}")
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise bad from None
        return host
    if not host or any(c in host for c in "/:@ \\?#[]"):
        raise bad
    return host


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _split(authority: str) -> tuple[str, int | None] | None:
    """(host, port) of a Host header value, or None when it is malformed."""
    a = authority.strip().lower()
    if not a or any(c in a for c in "/@ \\?#"):
        return None
    if a.startswith("["):
        end = a.find("]")
        if end < 0:
            return None
        host, rest = a[: end + 1], a[end + 1 :]
    else:
        host, sep, port_text = a.partition(":")
        rest = sep + port_text
    if not rest:
        return host, None
    if not rest.startswith(":") or not rest[1:].isdigit() or len(rest) > 6:
        return None
    return host, int(rest[1:])


@dataclass(frozen=True)
class HostPolicy:
    """The names and port this endpoint is addressed by, and the one cross-origin it allows."""

    bound_host: str
    port: int
    host_names: tuple[str, ...] = ()
    cors: str | None = None  # an origin, "*" or None

    def host_allowed(self, authority: str) -> bool:
        """Whether a ``Host`` value addresses this endpoint.

        The bound address and the loopback names must carry the bound port (a browser always
        sends it unless it is 80); ``--host-name`` names may also come without a port, as
        they do behind a reverse proxy.
        """
        parts = _split(authority)
        if parts is None:
            return False
        host, port = parts
        if host in self.host_names:
            return port is None or port == self.port
        if host in LOOPBACK_HOSTS or host == _bracketed(self.bound_host.lower()):
            return port == self.port or (port is None and self.port == 80)
        return False

    def origin_allowed(self, origin: str) -> bool:
        """Whether a browser page of this ``Origin`` may run queries here."""
        if self.cors == "*" or (self.cors is not None and origin == self.cors):
            return True
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or parts.path or parts.query:
            return False
        return self.host_allowed(parts.netloc)

    def refusal(
        self, method: str, path: str, headers: Iterable[tuple[bytes, bytes]]
    ) -> tuple[str, str] | None:
        """(error code, message) refusing a request, or None to let it through.

        A CORS preflight (OPTIONS) runs nothing; the CORS middleware answers or refuses it.
        """
        host = origin = fetch_site = None
        for name, value in headers:
            if name == b"host":
                host = value.decode("latin-1")
            elif name == b"origin":
                origin = value.decode("latin-1")
            elif name == b"sec-fetch-site":
                fetch_site = value.decode("latin-1").strip().lower()
        # No Host at all is HTTP/1.0 from a client that is not a browser: nothing to rebind.
        if host is not None and not self.host_allowed(host):
            names = ", ".join(f"{h}:{self.port}" for h in self._names())
            return "host-not-allowed", (
                f"this endpoint answers only to the Host names {names} (DNS-rebinding "
                "protection); start it with --host-name NAME to add one"
            )
        if method == "OPTIONS" or not (path == "/sparql" or path.startswith(_RUNS_SPARQL[1])):
            return None
        if origin is not None:
            if self.origin_allowed(origin.strip()):
                return None
            return "cross-site-refused", (
                "cross-origin requests may not run queries or updates here; "
                "start the endpoint with --cors ORIGIN to allow one origin"
            )
        if fetch_site not in (None, "same-origin", "none"):
            return "cross-site-refused", (
                f"a {fetch_site} request may not run queries or updates here; "
                "start the endpoint with --cors ORIGIN to allow one origin"
            )
        return None

    def _names(self) -> list[str]:
        names = [_bracketed(self.bound_host.lower()), *LOOPBACK_HOSTS, *self.host_names]
        return list(dict.fromkeys(names))


class HostGuardMiddleware:
    """Pure ASGI middleware: refuses per :class:`HostPolicy`, and keeps Host out of redirects.

    Starlette builds the ``Location`` of its slash redirects from the request's Host; this
    rewrites an absolute ``Location`` to its path, so no response repeats a Host back.
    """

    def __init__(
        self,
        app: ASGIApp,
        policy: HostPolicy,
        refuse: Callable[[str, str], tuple[int, list[tuple[bytes, bytes]], bytes]],
    ) -> None:
        self.app = app
        self.policy = policy
        self.refuse = refuse  # (code, message) -> (status, headers, body) of the JSON error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        reason = self.policy.refusal(
            scope.get("method", "GET"), scope.get("path", ""), scope.get("headers", [])
        )
        if reason is not None:
            status, headers, body = self.refuse(*reason)
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return

        async def send_relative(message: Message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                message["headers"] = [
                    (k, _relative(v) if k.lower() == b"location" else v)
                    for k, v in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, send_relative)


def _relative(location: bytes) -> bytes:
    parts = urlsplit(location.decode("latin-1"))
    if not parts.netloc:
        return location
    path = parts.path or "/"
    return (path + (f"?{parts.query}" if parts.query else "")).encode("latin-1")
