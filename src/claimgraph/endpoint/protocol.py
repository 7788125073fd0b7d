"""The SPARQL protocol as pure functions: Accept negotiation, request parameters, error codes.

No Starlette here: every function takes strings (headers, parameter lists) and returns a choice
or raises :class:`HTTPError`, so the rules are tested as tables without a server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from .. import formats

__all__ = [
    "TRUNCATED_HEADER",
    "FORM",
    "GRAPH_NAMES",
    "GRAPH_OFFERS",
    "HTTPError",
    "RESULT_NAMES",
    "RESULT_OFFERS",
    "SPARQL_QUERY",
    "SPARQL_UPDATE",
    "charset",
    "choose_formats",
    "decode_body",
    "graph_iris",
    "media_type",
    "multi_dict",
    "negotiate",
    "not_acceptable",
    "parse_accept",
]

#: Set to "true" on an answer cut at the row cap.
TRUNCATED_HEADER = "X-Claimgraph-Truncated"

#: Media types each results / graph format answers to (the first one is what we send),
#: and the values of the ``format`` override per family: all from the format registry.
RESULT_OFFERS: dict[str, tuple[str, ...]] = formats.offers("results")
GRAPH_OFFERS: dict[str, tuple[str, ...]] = formats.offers("graph")


def _override_names(family: str) -> dict[str, str]:
    table = {f.name: f.name for f in formats.FORMATS if f.family == family}
    for f in formats.FORMATS:
        if f.family == family:
            table.update({alias: f.name for alias in f.aliases if alias not in table})
    return table


RESULT_NAMES = _override_names("results")
GRAPH_NAMES = _override_names("graph")

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


def parse_accept(header: str) -> list[tuple[str, str, float]]:
    """``Accept`` as (type, subtype, q) ranges; ranges with a malformed q are dropped."""
    ranges: list[tuple[str, str, float]] = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        mtype, _, subtype = media.partition("/")
        if not mtype or not subtype:
            continue
        q = 1.0
        ok = True
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    ok = False
                if not 0 <= q <= 1:
                    ok = False
        if ok:
            ranges.append((mtype, subtype, q))
    return ranges


def _match(ranges: Sequence[tuple[str, str, float]], media: str) -> tuple[float, int]:
    """q of the most specific range matching ``media`` (-1 if none), and its specificity."""
    mtype, _, subtype = media.partition("/")
    best_q, best_spec = -1.0, -1
    for rtype, rsub, q in ranges:
        if rtype == mtype and rsub == subtype:
            spec = 2
        elif rtype == mtype and rsub == "*":
            spec = 1
        elif rtype == "*" and rsub == "*":
            spec = 0
        else:
            continue
        if spec > best_spec or (spec == best_spec and q > best_q):
            best_q, best_spec = q, spec
    return best_q, best_spec


def negotiate(accept: str | None, offers: Mapping[str, Sequence[str]]) -> str | None:
    """The offered format the client prefers, or None when it accepts none of them.

    Highest q wins; on a tie, the format named by the more specific range, then the server's
    order (the first offer is the default: no Accept, ``*/*`` or an unparseable header). A
    format's first media type matches wildcards; its aliases (``application/json`` for SPARQL
    JSON results) only when the client names them.
    """
    names = list(offers)
    if accept is None or not accept.strip():
        return names[0]
    ranges = parse_accept(accept)
    if not ranges:
        return names[0]
    best: str | None = None
    best_key: tuple[float, int, int] | None = None
    for index, name in enumerate(names):
        for alias, media in enumerate(offers[name]):
            q, spec = _match(ranges, media)
            if q <= 0 or (alias and spec < 2):  # an alias counts only when named exactly
                continue
            key = (q, spec, -index)
            if best_key is None or key > best_key:
                best, best_key = name, key
    return best


def _override(values: Sequence[str], names: Mapping[str, str], offers: Mapping[str, Sequence[str]]
              ) -> str | None:
    """The first ``format`` value that names a format of this family (a name or media type)."""
    for value in values:
        v = value.strip().lower()
        if v in names:
            return names[v]
        for name, medias in offers.items():
            if v in medias:
                return name
    return None


def choose_formats(
    accept: str | None, format_values: Sequence[str], form: str | None
) -> tuple[str | None, str | None]:
    """(results format, graph format) for a query whose form may not be known yet."""
    rfmt = gfmt = None
    if form in (None, "SELECT", "ASK"):
        rfmt = _override(format_values, RESULT_NAMES, RESULT_OFFERS) or negotiate(
            accept, RESULT_OFFERS
        )
    if form in (None, "CONSTRUCT", "DESCRIBE"):
        gfmt = _override(format_values, GRAPH_NAMES, GRAPH_OFFERS) or negotiate(
            accept, GRAPH_OFFERS
        )
    return rfmt, gfmt


# --------------------------------------------------------------------------------------------
# Errors and responses
# --------------------------------------------------------------------------------------------


class HTTPError(Exception):
    """An error response decided in this process (not by a worker)."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def charset(header: str | None) -> str:
    for part in (header or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return "utf-8"


def decode_body(body: bytes, charset: str = "utf-8") -> str:
    if charset not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise HTTPError(415, "unsupported-media-type", f"charset {charset} is not supported; "
                        "send UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, "bad-request", "the request body is not valid UTF-8") from None


def multi_dict(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def graph_iris(values: list[str], name: str) -> list[str]:
    for v in values:
        try:
            ox.NamedNode(v)
        except ValueError:
            raise HTTPError(400, "bad-request", f"{name} {v!r} is not an IRI") from None
        if ":" not in v:
            raise HTTPError(400, "bad-request", f"{name} {v!r} is not an absolute IRI")
    return values

def not_acceptable(form: str | None) -> HTTPError:
    if form in ("SELECT", "ASK"):
        offered = ", ".join(m[0] for m in RESULT_OFFERS.values())
    elif form in ("CONSTRUCT", "DESCRIBE"):
        offered = ", ".join(m[0] for m in GRAPH_OFFERS.values())
    else:
        offered = ", ".join(m[0] for m in [*RESULT_OFFERS.values(), *GRAPH_OFFERS.values()])
    return HTTPError(406, "not-acceptable", f"no acceptable media type; this offers {offered}")
