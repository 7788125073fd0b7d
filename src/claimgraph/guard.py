"""Checks every piece of user text passes before it becomes a query.

pyoxigraph crashes the whole process on very deeply nested queries, and it executes
``SERVICE <http://…>`` (and ``LOAD`` in updates) by making real HTTP requests. So, everywhere
user text becomes a query (CLI and endpoint alike), claimgraph bounds the size and the bracket
depth and refuses SERVICE/LOAD unless the target host is on an allow-list.

``guard_query`` decides from the raw text alone. The rough lexer ``tokens`` is kept for callers
that only need a good guess (``query_form``, ``remote`` adding a dataset clause); a guess is
never what lets a query through.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import QueryRefused

__all__ = [
    "MAX_QUERY_BYTES",
    "MAX_DEPTH",
    "NESTING_BUDGET",
    "Token",
    "tokens",
    "guard_query",
    "query_form",
    "declared_prefixes",
    "may_reach_out",
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


#: The nesting budget and its weights, from the parser's stack use measured on pyoxigraph
#: 0.5.13 (see ``guard_query``): any bracket can open the costliest level there is.
NESTING_BUDGET = 4096
_NESTING_COST = {"{": 10, "[": 10, "(": 10}
_OPERATORS = "!&|+-*/=<>^"

_BRACKET = re.compile(r"[(){}\[\]]")
_REMOTE_WORD = re.compile(r"SERVICE|LOAD", re.IGNORECASE)
#: In a query only SERVICE reaches out: LOAD is an update operation, which the query grammar
#: (``Store.query``, a remote ``query=``) cannot parse at all, so "download" may stand there.
_SERVICE_WORD = re.compile(r"SERVICE", re.IGNORECASE)
#: What may follow SERVICE or LOAD: SPARQL white space only, optionally SILENT, then an absolute
#: http(s) IRI written out plainly: no escapes, no userinfo, a host that can be compared.
_TARGET = re.compile(
    r"[ \t\r\n]*(?:SILENT[ \t\r\n]*)?"
    r"<https?://(?P<host>[a-z0-9.\-]+|\[[0-9a-f:.]+\])(?::[0-9]+)?(?:[/?#][^<>\"{}|^`\\\x00-\x20@]*)?>",
    re.IGNORECASE,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _decode_codepoints(text: str) -> str:
    """Apply SPARQL's ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes (a code point out of range stays)."""

    def one(m: re.Match[str]) -> str:
        value = int(m.group(1) or m.group(2), 16)
        return chr(value) if value <= 0x10FFFF else m.group()

    return _CODEPOINT.sub(one, text)


def _spellings(text: str) -> list[str]:
    """The raw text, and the text after each round of escape decoding until nothing changes.

    SPARQL 1.1 decodes code-point escapes before parsing; pyoxigraph 0.5.13 does so inside IRIs
    and strings but not in keywords. Checking every spelling covers both readings (and a parser
    that decodes twice).
    """
    found = [text]
    while "\\u" in found[-1] or "\\U" in found[-1]:
        decoded = _decode_codepoints(found[-1])
        if decoded == found[-1]:
            break
        found.append(decoded)
    return found


def may_reach_out(text: str, *, update: bool = False) -> bool:
    """Whether ``text`` names SERVICE (or, in an update, LOAD) the way the guard reads it.

    Every spelling, no word boundary: ``1SERVICE<…>`` is the keyword to pyoxigraph. Used to
    tell a failure of an allowed remote from a failure of the query itself.
    """
    words = _REMOTE_WORD if update else _SERVICE_WORD
    return any(words.search(spelling) for spelling in _spellings(text))


def guard_query(
    text: str,
    *,
    allow_service: Iterable[str] = (),
    max_bytes: int = MAX_QUERY_BYTES,
    max_depth: int = MAX_DEPTH,
    update: bool = False,
) -> None:
    """Raise :class:`QueryRefused` unless ``text`` is safe to hand to the SPARQL engine.

    ``update``: the text goes to the update parser (``Store.update``), where LOAD is an
    operation; a query is only ever parsed by the query grammar, which has no LOAD, so for a
    query the word LOAD (say in ``<…/download>``) is harmless and not refused.

    The decision never depends on reading the query as SPARQL: a lexer that differs from the
    parser's in one corner (``<`` as less-than or IRI, an escape in a prefixed name) can be
    walked past, and 0.1's was. So every check runs over the raw text, and again over the text
    with code-point escapes decoded, ignoring strings, comments and IRIs:

    * SERVICE and LOAD: every occurrence of the letters, anywhere and in any case (pyoxigraph
      reads ``1SERVICE<…>`` and ``trueSERVICE<…>`` as the keyword, so not even a word boundary
      is required), must be followed by white space, optionally SILENT, and a plain absolute
      http(s) IRI whose host is allowed. The word inside a string, a comment, a variable name or
      an IRI is refused too; the message says so.
    * Depth: the running count of ``( { [`` against ``) } ]`` stays within ``max_depth``. That
      count can be fooled (closers inside a string hide real nesting), so a second bound cannot
      be: a budget over every opening bracket and operator character in the text, however it
      is read. pyoxigraph's parser recurses once per bracket and per operator of a chain and
      segfaults when its stack runs out; how soon depends on the construct. Measured on 0.5.13
      with an 8 MiB stack: ``STR(CONCAT(')))',`` dies at 482 levels (964 brackets, and its
      strings hide every level from the running count), nested ``COUNT(`` at 826, ``FILTER NOT
      EXISTS {`` at 845, ``COALESCE(`` at 922, ``{`` at 2,226, ``(`` at 4,687, and with no
      bracket at all ``1+1+…`` at 6,914 terms and ``!!…`` at 9,375. A bracket costs 10, an
      operator character 1, the budget is 4,096: at most 409 brackets (half the fewest that
      crash) and 4,096 operators (60% of the chain that crashes).

    Texts that pass are remembered: the endpoint's workers see the same stored-query texts over
    and over. Refusals raise and are not cached.
    """
    allowed = frozenset(h.lower() for h in allow_service)
    _guard(text, allowed, max_bytes, max_depth, update)


@functools.lru_cache(maxsize=256)
def _guard(
    text: str, allowed: frozenset[str], max_bytes: int, max_depth: int, update: bool
) -> None:
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise QueryRefused(f"query is {size} bytes; the limit is {max_bytes}")
    for spelling in _spellings(text):
        _check_nesting(spelling, max_depth)
    words = _REMOTE_WORD if update else _SERVICE_WORD
    for spelling in _spellings(text):
        _check_remote(spelling, allowed, words)


def _check_nesting(text: str, max_depth: int) -> None:
    depth = deepest = 0
    for c in _BRACKET.findall(text):  # only the brackets: a 64 KB text is mostly other characters
        if c in "({[":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    if deepest > max_depth:
        raise QueryRefused(f"query nests brackets {deepest} deep; the limit is {max_depth}")
    cost = sum(text.count(c) * w for c, w in _NESTING_COST.items())
    cost += sum(text.count(c) for c in _OPERATORS)
    if cost > NESTING_BUDGET:
        raise QueryRefused(
            f"query has too many brackets and operators for the parser's stack ({cost} of "
            f"{NESTING_BUDGET}: each of ( {{ [ counts 10, each of {_OPERATORS} 1, counted "
            "everywhere, even inside strings, IRIs and comments); "
            "split the query or send less of it at once"
        )


def _check_remote(text: str, allowed: frozenset[str], words: re.Pattern[str]) -> None:
    for m in words.finditer(text):
        keyword = m.group().upper()
        target = _TARGET.match(text, m.end())
        host = target.group("host").lower().strip("[]") if target else None
        if host is not None and allowed and host in allowed:
            continue
        if target is None:
            raise QueryRefused(
                f"the word {keyword} appears in the query (anywhere, even inside a string, "
                "comment, name or IRI, it is refused) without a plain <http://host/…> IRI right "
                f"after it; {keyword} is allowed only as `{keyword} <http(s)://HOST/…>` with "
                "HOST given to --allow-service, so rename or split the word elsewhere"
            )
        raise QueryRefused(
            f"{keyword} to {host} is refused: federated queries and remote loads are off "
            "unless the host is allowed (--allow-service HOST); the guard reads the raw text, "
            "so this holds even inside a string, comment, name or IRI"
        )
