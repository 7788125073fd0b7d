"""``claimgraph site -o DIR``: the web UI's pages as a static folder, for publishing a report.

The pages are not rendered a second way: the builder starts the very app ``serve`` runs (its
worker pool, limits and templates) in process, asks for each page with the site header so that
links come out relative (:mod:`.links`), and writes the answers to files. It follows the links
of the pages it writes, breadth first, from ``/`` and the fixed index pages; a link the site
cannot hold (a filtered list, a form) was already rendered as plain text, so every link in the
folder resolves from ``file://``.
"""

from __future__ import annotations

import re
import shutil
import warnings
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ..errors import InputError
from .links import SITE_HEADER, site_file
from .render import STATIC_DIR

if TYPE_CHECKING:
    from ..endpoint.config import ServerConfig

__all__ = ["build_site", "resolve_links"]

_LINK = re.compile(r'(?:href|src)="([^"#]*)(?:#[^"]*)?"')
#: The pages every site starts from; the rest are found by following links.
_ROOTS = ("/", "/events", "/queries")
_LIMIT = 100_000  # pages at most: a runaway crawl stops instead of filling the disk


def _server_path(file: str) -> str:
    """The server path whose page the site writes to ``file`` (the inverse of ``site_file``)."""
    if file == "index.html":
        return "/"
    match = re.fullmatch(r"index-(\d+)\.html", file)
    if match:
        return f"/?page={match.group(1)}"
    return "/" + (file[: -len(".html")] if file.endswith(".html") else file)


def build_site(config: ServerConfig, output: Path, *, report: object = None) -> int:
    """Write every page reachable from the roots into ``output``; the number of files written."""
    with warnings.catch_warnings():  # about the test client's HTTP library, not the pages
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient

    from ..endpoint.app import create_app

    if output.exists() and not output.is_dir():
        raise InputError("is a file; --output takes a folder", path=output)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot create the folder: {e.strerror or e}", path=output) from None
    shutil.copytree(STATIC_DIR, output / "static", dirs_exist_ok=True)
    base = f"http://{config.host}:{config.port}"
    written = 0
    seen: set[str] = set()
    queue = deque(f for f in (site_file(p) for p in _ROOTS) if f)
    with TestClient(create_app(config), base_url=base, headers={SITE_HEADER: "1"}) as client:
        while queue and written < _LIMIT:
            file = queue.popleft()
            if file in seen or file.startswith("static/"):
                continue
            seen.add(file)
            response = client.get(_server_path(file))
            if response.status_code == 404 or response.status_code >= 500:
                # a page that links to it exists, so this is a fault, never a page to skip
                raise RuntimeError(f"{_server_path(file)} answered {response.status_code}")
            target = output / file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(response.content)
            written += 1
            if callable(report) and written % 100 == 0:
                report(f"{written} files")
            if file.endswith(".html"):
                folder = Path(file).parent
                for link in _LINK.findall(response.text):
                    if not link or "://" in link or link.startswith(("mailto:", "data:")):
                        continue
                    resolved = (folder / unquote(link)).as_posix()
                    normal = _normalise(resolved)
                    if normal is not None and normal not in seen:
                        queue.append(normal)
    return written


def _normalise(path: str) -> str | None:
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) or None


def resolve_links(folder: Path) -> list[str]:
    """Links in the site's HTML files that name no file of the site (empty when all resolve)."""
    broken = []
    for page in folder.rglob("*.html"):
        for link in _LINK.findall(page.read_text(encoding="utf-8")):
            if not link or "://" in link or link.startswith(("mailto:", "data:")):
                continue
            if not (page.parent / unquote(link)).resolve().is_file():
                broken.append(f"{page.relative_to(folder)}: {link}")
    return broken
