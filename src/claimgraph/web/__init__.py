"""The web UI for analysts: claims, their spans in the text, sources, actors, events, stored
queries and a SPARQL editor, served by ``claimgraph serve`` and written by ``claimgraph site``.

Server-rendered (Jinja2, autoescaped) on the endpoint's own Starlette app, so every page's
queries go through the same worker pool, limits and cache as ``/sparql``. The model-dependent
SPARQL is all in :mod:`.model`; scripts and styles are vendored under ``static/``.
"""

from __future__ import annotations

from .routes import web_routes

__all__ = ["web_routes"]
