"""The template environment and the one way a page becomes a response.

Jinja2 with autoescaping on for every template (labels, literals and IRIs are data, never
markup), and the headers every HTML page carries: a Content-Security-Policy that allows this
origin only (scripts and styles from ``/static/``, queries to ``/sparql``), no referrer, no
framing, no sniffing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .. import __version__
from .data import PageError
from .links import SITE_HEADER, Linker
from .model import page_path

__all__ = ["CSP", "STATIC_DIR", "page", "error_page", "is_site"]

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"

#: Every other origin is forbidden; inline styles are allowed for the vendored widgets, which
#: set them from script (no inline script runs anywhere).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}

ENV = Environment(
    loader=FileSystemLoader(str(HERE / "templates")),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def short(value: str | None) -> str:
    """The last segment of an IRI, for a node without a label."""
    if not value:
        return ""
    return value.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


ENV.filters["short"] = short
ENV.globals["page_path"] = page_path
ENV.globals["version"] = __version__


def is_site(request: Request) -> bool:
    return request.headers.get(SITE_HEADER) == "1"


def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    """Render ``template`` with the page's linker ``u`` and the security headers."""
    site = is_site(request)
    current = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    context.setdefault("title", "claimgraph")
    body = ENV.get_template(template).render(u=Linker(current, site), site=site, **context)
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def error_page(request: Request, error: PageError) -> Response:
    return page(request, "error.html", status=error.status, title=f"Error {error.status}",
                message=error.message)
