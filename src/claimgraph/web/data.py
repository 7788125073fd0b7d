"""Running the pages' queries through the endpoint, and finding a document's text.

Pages never open the store: a query goes through :meth:`Endpoint.answer` like any request to
``/sparql`` — a worker process, the time limit, the row cap, the memory cap, the response
cache — so a page can cost no more than a query anyone could send.

The text is read by this process (workers hold no files but the store), and only when its
SHA-256 is the one the graph records for the document; a span is highlighted only when its own
SHA-256 is the anchor's. Either check failing means the page shows a banner instead.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..texts import ESSAY_ENV, TEXTS_ENV, text_sources

if TYPE_CHECKING:
    from ..endpoint.app import Endpoint

__all__ = ["ESSAY_ENV", "PageError", "Rows", "Span", "find_document_text", "select", "select_many",
           "span_in_text"]

JSON_RESULTS = "application/sparql-results+json"


class PageError(Exception):
    """A page cannot be shown: the status and a sentence for the reader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Rows:
    """A SELECT's answer: variable names, rows of {name: (value, type)}, and whether it was cut."""

    names: list[str]
    rows: list[dict[str, tuple[str, str]]] = field(default_factory=list)
    truncated: bool = False

    def values(self) -> list[dict[str, str]]:
        """The rows with plain string values (unbound names are left out)."""
        return [{k: v[0] for k, v in row.items()} for row in self.rows]


def parse_results(body: bytes, truncated: bool = False) -> Rows:
    data = json.loads(body)
    names = list(data.get("head", {}).get("vars", []))
    rows = [
        {k: (str(v.get("value", "")), str(v.get("type", ""))) for k, v in b.items()}
        for b in data.get("results", {}).get("bindings", [])
    ]
    return Rows(names, rows, truncated)


def error_message(body: bytes) -> str:
    try:
        return str(json.loads(body)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return "the query failed"


async def select(endpoint: Endpoint, text: str) -> Rows:
    """Run one SELECT through the worker pool; PageError when the worker refuses or fails."""
    job = endpoint.query_job({"query": [text]}, JSON_RESULTS)
    assert job is not None
    reply = await endpoint.answer(job)
    if not reply.ok:
        raise PageError(reply.status, error_message(reply.body))
    return parse_results(reply.body, reply.truncated)


async def select_many(endpoint: Endpoint, queries: dict[str, str]) -> dict[str, Rows]:
    """Several SELECTs at once (the pool spreads them over its workers)."""
    names = list(queries)
    answers = await asyncio.gather(*(select(endpoint, queries[n]) for n in names))
    return dict(zip(names, answers, strict=True))


# --------------------------------------------------------------------------------------------
# Document texts
# --------------------------------------------------------------------------------------------

_HASHES: dict[tuple[str, float, int], str] = {}


def _sha256_of(path: Path) -> str | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime, stat.st_size)
    if key not in _HASHES:
        try:
            _HASHES[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None
    return _HASHES[key]


def find_document_text(file_name: str | None, sha: str | None) -> Path | None:
    """The document's text file whose SHA-256 is ``sha``: $CLAIMGRAPH_ESSAY, then the
    ``CLAIMGRAPH_TEXTS`` folders (named ``file_name``). None when none matches.
    """
    if not sha:
        return None
    sources = text_sources()  # read per request: the environment names the texts
    candidates = list(sources.offered)
    if file_name and "/" not in file_name and file_name not in (".", ".."):
        candidates += [folder / file_name for folder in sources.folders]
    for path in candidates:
        if path.is_file() and _sha256_of(path) == sha:
            return path
    return None


@dataclass(frozen=True)
class Span:
    """A claim's paragraph, split around its span; ``verified`` only when the hashes matched."""

    before: str
    span: str
    after: str
    verified: bool
    problem: str | None = None


def span_in_text(path: Path | None, start: int, end: int, sha: str) -> Span:
    """The paragraph around ``[start, end)``, with the span marked only if its hash is ``sha``."""
    if path is None:
        return Span("", "", "", False, "the document's text is not available with the SHA-256 "
                    f"the graph records (set {ESSAY_ENV} or {TEXTS_ENV})")
    text = path.read_text(encoding="utf-8")
    if not 0 <= start < end <= len(text):
        return Span("", "", "", False, "the anchor's offsets lie outside the text")
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    span = text[start:end]
    if hashlib.sha256(span.encode("utf-8")).hexdigest() != sha:
        # The paragraph is still shown, unmarked: the reader sees where the anchor pointed.
        return Span(text[para_start:para_end], "", "", False,
                    "the text at this anchor changed: its SHA-256 does not match the anchor's, "
                    "so no span is highlighted")
    return Span(text[para_start:start], span, text[end:para_end], True)


def as_int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
