"""``claimgraph serve``: the SPARQL endpoint, its worker pool and its web API.

A subpackage because the endpoint is a front end with its own dependencies (starlette, uvicorn:
the ``serve`` extra); nothing in the core imports it. The CLI needs only ``ServerConfig`` and
``run``; tests build the app with ``create_app`` and drive the pool directly.
"""

from __future__ import annotations

from .app import ServerConfig, create_app, run
from .pool import WorkerPool, WorkerSpec

__all__ = ["ServerConfig", "WorkerPool", "WorkerSpec", "create_app", "run"]
