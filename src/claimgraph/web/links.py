"""Links between pages, for the server and for the static site (``claimgraph site``).

Templates never write a URL themselves: they call ``u(path)``. On the server that is the path
as given. In the static site it is the file the site writes for that path, relative to the page
being written, so that every link works from ``file://`` (where ``/`` is the disk's root and a
folder opens as a listing, not as its ``index.html``). Paths the site cannot hold (a filtered
list, a form's answer) map to None, and the templates show plain text instead of a link.
"""

from __future__ import annotations

import posixpath
from urllib.parse import parse_qsl, urlsplit

__all__ = ["SITE_HEADER", "Linker", "site_file"]

#: Request header by which ``claimgraph site`` asks for pages with static-site links.
SITE_HEADER = "x-claimgraph-site"

_DATA_SUFFIXES = (".csv", ".json", ".ttl", ".jsonld")


def site_file(path: str) -> str | None:
    """The file (relative to the site's root) the static site writes for ``path``, or None."""
    parts = urlsplit(path)
    query = dict(parse_qsl(parts.query))
    route = parts.path
    if route == "/":
        page = query.pop("page", "1")
        if query or not page.isdigit():
            return None
        return "index.html" if page == "1" else f"index-{int(page)}.html"
    if query or not route.startswith("/") or ".." in route.split("/"):
        return None
    if route.startswith("/static/") or route.endswith(_DATA_SUFFIXES):
        return route[1:]
    if route == "/editor":
        return None
    return route[1:] + ".html"


class Linker:
    """``u(path)`` for one page: the server path, or the relative file in the static site."""

    def __init__(self, current: str, site: bool) -> None:
        self.site = site
        here = site_file(current) if site else None
        self.folder = posixpath.dirname(here) if here else ""

    def __call__(self, path: str | None) -> str | None:
        if path is None:
            return None
        if not self.site:
            return path
        fragment = ""
        if "#" in path:
            path, fragment = path.split("#", 1)
            fragment = "#" + fragment
        target = site_file(path)
        if target is None:
            return None
        return posixpath.relpath(target, self.folder or ".") + fragment
