"""``claimgraph serve``: the SPARQL endpoint, its worker pool and its web API.

A subpackage because the endpoint is a front end with its own dependencies (starlette, uvicorn:
the ``serve`` extra); nothing in the core imports it. The CLI needs only ``ServerConfig`` and
``run``; tests build the app with ``create_app`` and drive the pool directly.

Modules: ``config`` (ServerConfig), ``protocol`` (negotiation and request parsing as pure
functions), ``pages`` (service description, HTML page), ``app`` (Starlette routes and handlers),
``pool`` (worker processes), ``hostguard``, ``update`` (protocol dataset of an update),
``openapi``, ``serve`` (socket, uvicorn, :func:`run`).
"""

from __future__ import annotations

from .app import create_app
from .config import ServerConfig
from .pool import WorkerPool, WorkerSpec
from .serve import run

__all__ = ["ServerConfig", "WorkerPool", "WorkerSpec", "create_app", "run"]
