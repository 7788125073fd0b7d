"""How ``claimgraph serve`` is configured: the options, checked once before anything listens.

Kept apart from the app so that the CLI can validate options (and fail with one line) without
importing Starlette.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import ClaimgraphError
from .hostguard import HostPolicy, check_host_name
from .worker import GIB, WorkerSpec

__all__ = ["ServerConfig"]

_LOOPBACK_NAMES = {"localhost", "ip6-localhost"}



@dataclass
class ServerConfig:
    """Everything ``claimgraph serve`` takes; :meth:`check` validates it."""

    store: str | Path | None = None
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    read_timeout: float = 10.0
    max_rows: int = 10000
    max_body: int = 1_048_576
    allow_service: tuple[str, ...] = ()
    allow_update: bool = False
    token: str | None = None
    token_env: str | None = None
    cors: str | None = None
    workers: int = 2
    worker_memory: int | None = 2 * GIB
    queries_dir: str | Path | None = None
    #: Extra names clients may address the endpoint by (Host header), besides the loopback ones.
    host_names: tuple[str, ...] = ()
    #: Response cache bounds (entries, bytes); 0 turns the cache off. See ``cache.py``.
    cache_entries: int = 1024
    cache_bytes: int = 64 * 1024 * 1024
    _resolved_token: str | None = field(default=None, init=False, repr=False)

    def check(self) -> list[str]:
        """Raise :class:`ClaimgraphError` for bad options; return warnings for risky ones."""
        warnings: list[str] = []
        if not 0 <= self.port <= 65535:
            raise ClaimgraphError(f"--port must be between 0 and 65535, not {self.port}")
        if not self.timeout > 0:
            raise ClaimgraphError("--timeout must be more than 0 seconds")
        if not self.read_timeout > 0:
            raise ClaimgraphError("--read-timeout must be more than 0 seconds")
        if self.max_rows < 1:
            raise ClaimgraphError("--max-rows must be at least 1")
        if self.max_body < 1:
            raise ClaimgraphError("--max-body must be at least 1 byte")
        if self.cache_entries < 0 or self.cache_bytes < 0:
            raise ClaimgraphError("the response cache bounds must be 0 (off) or more")
        if not 1 <= self.workers <= 64:
            raise ClaimgraphError("--workers must be between 1 and 64")
        if self.worker_memory is not None and self.worker_memory < 256 * 1024**2:
            raise ClaimgraphError("the worker memory cap must be at least 256 MiB")
        hosts = []
        for h in self.allow_service:
            host = h.strip().lower()
            if not host or any(c in host for c in "/:@ "):
                raise ClaimgraphError(
                    f"--allow-service takes a host name such as dbpedia.org, not {h!r}"
                )
            hosts.append(host)
        self.allow_service = tuple(hosts)
        try:
            self.host_names = tuple(dict.fromkeys(check_host_name(n) for n in self.host_names))
        except ValueError as e:
            raise ClaimgraphError(str(e)) from None
        if self.token is not None and self.token_env is not None:
            raise ClaimgraphError("give --token or --token-env, not both")
        token = self.token
        if self.token_env is not None:
            token = os.environ.get(self.token_env)
            if not token:
                raise ClaimgraphError(f"environment variable {self.token_env} is not set or empty")
        if self.allow_update:
            if not token:
                raise ClaimgraphError(
                    "--allow-update needs a bearer token: --token-env VAR (or --token TOKEN)"
                )
            if len(token) < 16:
                warnings.append("the update token is shorter than 16 characters")
            if self.token is not None:
                warnings.append(
                    "--token shows the token to other users of this machine (ps); "
                    "prefer --token-env VAR"
                )
        elif token:
            raise ClaimgraphError("a token is only used with --allow-update")
        self._resolved_token = token if self.allow_update else None
        if self.cors is not None:
            parts = urlsplit(self.cors)
            if self.cors == "*":
                warnings.append("--cors '*' lets pages from any site query this endpoint")
            elif (
                parts.scheme not in ("http", "https")
                or not parts.hostname
                or parts.path not in ("", "/")
                or parts.query
                or parts.fragment
            ):
                raise ClaimgraphError(
                    f"--cors takes an origin such as https://example.org, not {self.cors!r}"
                )
            else:
                self.cors = f"{parts.scheme}://{parts.netloc}"
        if not _is_loopback(self.host):
            warnings.append(
                f"listening on {self.host}, not on a loopback address: other machines can "
                "reach this endpoint (by the names given with --host-name only)"
            )
        if self.allow_service:
            warnings.append(
                "SERVICE and LOAD may reach " + ", ".join(self.allow_service) + " from this host"
            )
        return warnings

    @property
    def update_token(self) -> str | None:
        return self._resolved_token

    @property
    def endpoint_url(self) -> str:
        """This endpoint's URL from the configuration alone, never from a request's Host.

        It is the base IRI of relative IRIs in queries and updates and the subject of the
        service description; the first ``--host-name`` when given, else the bound address.
        """
        host = self.host_names[0] if self.host_names else self.host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}/sparql"

    def host_policy(self) -> HostPolicy:
        return HostPolicy(
            bound_host=self.host, port=self.port, host_names=self.host_names, cors=self.cors
        )

    def worker_spec(self) -> WorkerSpec:
        return WorkerSpec(
            store_path=None if self.store is None else str(self.store),
            max_rows=self.max_rows,
            allow_service=tuple(self.allow_service),
            memory_limit=self.worker_memory,
            queries_dir=None if self.queries_dir is None else str(self.queries_dir),
            base_iri=self.endpoint_url,
        )


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --------------------------------------------------------------------------------------------
# Content negotiation
