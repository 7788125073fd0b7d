"""Checks every piece of user text passes before it becomes a query.

pyoxigraph crashes the whole process on very deeply nested queries, and it executes
``SERVICE <http://…>`` (and ``LOAD`` in updates) by making real HTTP requests. So, everywhere
user text becomes a query (CLI and endpoint alike), claimgraph bounds the size and the bracket
depth and refuses SERVICE/LOAD unless the target host is on an allow-list.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import QueryRefused

__all__ = [
    "MAX_QUERY_BYTES",
    "MAX_DEPTH",
    "Token",
    "tokens",
    "guard_query",
    "query_form",
    "declared_prefixes",
]

MAX_QUERY_BYTES = 64 * 1024
MAX_DEPTH = 256


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "iri", "string", "punct", "var"
    text: str
    start: int = 0  # offset of the token in the query text
    end: int = 0


_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_WORD = re.compile(r"[A-Za-z_][\w\-.]*(?::[\w\-.%:]*)?|:[\w\-.%:]*")
_VAR = re.compile(r"[?$][A-Za-z_0-9]\w*")


def tokens(text: str) -> Iterator[Token]:
    """A rough SPARQL lexer: enough to find keywords outside strings, comments and IRIs.

    Tokens carry their offsets, so callers can also edit the text at a token (``remote``).
    """
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            end = min(n, j + len(quote))
            yield Token("string", text[i:end], i, end)
            i = end
        elif c == "<" and (m := _IRI.match(text, i)):
            yield Token("iri", m.group(), i, m.end())
            i = m.end()
        elif c in "?$" and (m := _VAR.match(text, i)):
            yield Token("var", m.group(), i, m.end())
            i = m.end()
        elif m := _WORD.match(text, i):
            yield Token("word", m.group(), i, m.end())
            i = m.end()
        else:
            yield Token("punct", c, i, i + 1)
            i += 1


def _depth(toks: Iterable[Token]) -> int:
    depth = deepest = 0
    for t in toks:
        if t.kind == "punct":
            if t.text in "({[":
                depth += 1
                deepest = max(deepest, depth)
            elif t.text in ")}]":
                depth -= 1
    return deepest


def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, ASK, DESCRIBE, or UPDATE for anything else that is a keyword."""
    for t in tokens(text):
        if t.kind == "word":
            word = t.text.upper()
            if word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                return word
            if word not in ("PREFIX", "BASE") and ":" not in t.text:
                return "UPDATE"
    return "UNKNOWN"


def declared_prefixes(text: str) -> set[str]:
    """Prefix names a query declares itself (``PREFIX claim: <…>`` gives ``claim``)."""
    found: set[str] = set()
    toks = list(tokens(text))
    for a, b in zip(toks, toks[1:], strict=False):
        if a.kind == "word" and a.text.upper() == "PREFIX" and b.kind == "word":
            found.add(b.text.rstrip(":").split(":")[0])
    return found


def guard_query(
    text: str,
    *,
    allow_service: Iterable[str] = (),
    max_bytes: int = MAX_QUERY_BYTES,
    max_depth: int = MAX_DEPTH,
) -> None:
    """Raise :class:`QueryRefused` unless ``text`` is safe to hand to the SPARQL engine.

    Texts that pass are remembered: the endpoint's workers see the same stored-query texts over
    and over, and tokenising one costs as much as running it. Refusals raise and are not cached.
    """
    allowed = frozenset(h.lower() for h in allow_service)
    _guard(text, allowed, max_bytes, max_depth)


@functools.lru_cache(maxsize=256)
def _guard(text: str, allowed: frozenset[str], max_bytes: int, max_depth: int) -> None:
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise QueryRefused(f"query is {size} bytes; the limit is {max_bytes}")
    toks = list(tokens(text))
    depth = _depth(toks)
    if depth > max_depth:
        raise QueryRefused(f"query nests brackets {depth} deep; the limit is {max_depth}")
    for k, t in enumerate(toks):
        if t.kind != "word" or t.text.upper() not in ("SERVICE", "LOAD"):
            continue
        keyword = t.text.upper()
        rest = [
            x for x in toks[k + 1 : k + 3] if not (x.kind == "word" and x.text.upper() == "SILENT")
        ]
        target = rest[0] if rest else None
        host = None
        if target is not None and target.kind == "iri":
            host = (urlsplit(target.text[1:-1]).hostname or "").lower()
        if host and host in allowed:
            continue
        where = f" to {host}" if host else ""
        raise QueryRefused(
            f"{keyword}{where} is refused: federated queries and remote loads are off "
            "unless the host is allowed (--allow-service HOST)"
        )
