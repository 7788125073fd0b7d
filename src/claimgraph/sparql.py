"""Running SPARQL: the local side of the ``executor.Executor`` protocol, and stored queries.

Every query passes ``guard.guard_query`` before pyoxigraph sees it; the default graph is the
union of the documents' graphs unless the query or the protocol names a dataset. Results are
materialised as a :class:`QueryResult` of pyoxigraph terms, which is also what
``remote.RemoteExecutor`` returns, so rendering, comparing and the card never ask where a
query ran.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .binding import bind, bind_parameters
from .catalog import StoredQuery
from .errors import (
    ClaimgraphError,
    InputError,
    ParameterError,
    QuerySyntaxError,
    RemoteError,
    query_error_position,
)
from .guard import guard_query, may_reach_out
from .terms import PREFIXES

#: ``typing.TYPE_CHECKING`` without importing typing, which every cold CLI command would pay for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .executor import Executor

__all__ = [
    "QueryResult",
    "Term",
    "execute",
    "update",
    "declares_dataset",
    "needed_prefixes",
    "remote_failure",
    "materialise",
    "run_stored",
    "run_request",
    "LocalExecutor",
    "drop_parameter_columns",
    "query_text_from",
]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple




@dataclass
class QueryResult:
    """A materialised query result: rows for SELECT, a boolean for ASK, triples otherwise."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(
        default_factory=list
    )
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False

    def __len__(self) -> int:
        if self.form == "ASK":
            return 1
        return len(self.rows) if self.form == "SELECT" else len(self.triples)


def execute(
    store: ox.Store,
    text: str,
    *,
    substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
    allow_service: tuple[str, ...] = (),
    max_rows: int | None = None,
    source: str = "query",
    default_graph: list[ox.NamedNode] | None = None,
    named_graphs: list[ox.NamedNode] | None = None,
    base_iri: str | None = None,
) -> QueryResult:
    """Run SPARQL text on ``store`` and materialise the result.

    The dataset: ``default_graph`` / ``named_graphs`` if given (the protocol's
    ``default-graph-uri`` / ``named-graph-uri``), else the query's own ``FROM`` / ``FROM NAMED``,
    else the union of all graphs as the default graph (each document lives in its own named
    graph). ``max_rows`` cuts the result and sets ``truncated``.
    """
    guard_query(text, allow_service=allow_service)
    kwargs: dict[str, object] = {}
    prefixes = needed_prefixes(text)
    if prefixes:
        kwargs["prefixes"] = prefixes
    if base_iri is not None:  # the endpoint's URL (SPARQL protocol); None: no resolution
        kwargs["base_iri"] = base_iri
    if default_graph is not None:
        kwargs["default_graph"] = default_graph
    if named_graphs is not None:
        kwargs["named_graphs"] = named_graphs
    if substitutions:
        kwargs["substitutions"] = dict(substitutions)
    if default_graph is None and named_graphs is None:
        base = kwargs.get("base_iri")
        if not declares_dataset(text, base if isinstance(base, str) else None):
            kwargs["use_default_graph_as_union"] = True
    try:
        return _query(store, text, kwargs, prefixes, max_rows)
    except (SyntaxError, RuntimeError) as caught:
        # The failed frames hold pyoxigraph's result iterator, which must be dropped on the
        # thread that made it; a caller keeping the error could free it anywhere.
        caught.__traceback__ = None
        failure = caught
    if isinstance(failure, SyntaxError):
        if not str(failure.msg).startswith("error at ") and may_reach_out(text):
            raise remote_failure() from None  # not the SPARQL parser: a SERVICE's answer
        line, col, msg = query_error_position(failure)
        raise QuerySyntaxError(msg, path=source, line=line, column=col) from None
    if may_reach_out(text):
        raise remote_failure() from None
    raise QuerySyntaxError(f"query cannot run: {failure}", path=source) from None


def _query(
    store: ox.Store,
    text: str,
    kwargs: dict[str, object],
    prefixes: object,
    max_rows: int | None,
) -> QueryResult:
    try:
        raw = store.query(text, **kwargs)  # type: ignore[arg-type]
    except SyntaxError as e:
        if prefixes is PREFIXES or not str(e.msg).startswith("error at "):
            raise
        kwargs["prefixes"] = PREFIXES  # the lexer missed a prefix the text uses
        raw = store.query(text, **kwargs)  # type: ignore[arg-type]
    return materialise(raw, max_rows)


def update(
    store: ox.Store,
    text: str,
    *,
    allow_service: tuple[str, ...] = (),
    base_iri: str | None = None,
) -> None:
    """Run a SPARQL update (guarded like a query); raise QuerySyntaxError / QueryRefused.

    A failing allowed LOAD is a RemoteError: the message of pyoxigraph quotes the fetched data.
    """
    guard_query(text, allow_service=allow_service, update=True)
    try:
        store.update(text, prefixes=PREFIXES, base_iri=base_iri)
    except SyntaxError as e:
        # The SPARQL parser says "error at L:C: …"; anything else is the parser of the data
        # a LOAD fetched, whose message quotes that data.
        if not str(e.msg).startswith("error at ") and may_reach_out(text, update=True):
            raise remote_failure() from None
        line, col, msg = query_error_position(e)
        raise QuerySyntaxError(msg, path="update", line=line, column=col) from None
    except RuntimeError as e:
        if may_reach_out(text, update=True):
            raise remote_failure() from None
        raise QuerySyntaxError(f"update cannot run: {e}", path="update") from None


#: Above this size a text gets every default prefix without being lexed (see needed_prefixes).
_LEX_PREFIXES_BELOW = 8192


@functools.lru_cache(maxsize=512)
def needed_prefixes(text: str) -> Mapping[str, str]:
    """The default prefixes ``text`` uses, for pyoxigraph's ``prefixes`` argument.

    Handing pyoxigraph all 30 costs about 13 µs per query (measured on 0.5.13: 23 µs for the
    instance check's ASK alone, 36 µs with every prefix), which the endpoint pays on every
    request. A scan of the raw text picks the names that look used; it only narrows what is offered,
    never what a query means: a text that then fails to parse is parsed again with every
    prefix (``execute``), so a miss costs time, not an answer. Long texts, mostly
    one-off, skip the scan and get them all.
    """
    if len(text) >= _LEX_PREFIXES_BELOW:
        return PREFIXES
    # Every ``name:`` in the raw text, strings and IRIs included: a superset of the prefixes
    # used, found by one C-level scan (the token lexer took ~130 µs a query, ten times what
    # narrowing saves; on texts the endpoint had not seen, that was most of the overhead).
    used = set(_PREFIX_USE.findall(text))
    return {p: PREFIXES[p] for p in sorted(used) if p in PREFIXES}


_PREFIX_USE = re.compile(r"(?<![\w.\-])([A-Za-z][\w.\-]*):")


#: ``FROM`` where it could be the keyword: not inside a variable, prefixed or blank-node name,
#: language tag, or longer word. Strings, comments and IRIs may still match; the probe decides.
_FROM_WORD = re.compile(r"(?<![\w?$:.@\\-])FROM(?![\w:.-])", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def declares_dataset(text: str, base_iri: str | None = None) -> bool:
    """Whether the query has its own ``FROM`` or ``FROM NAMED`` clause.

    The default graph is the union of all graphs only for a query that names no dataset; one
    that says ``FROM <g>`` must get exactly ``<g>``. pyoxigraph does not tell whether a parsed
    query has a dataset clause, and a lexer would guess (``<`` is an IRI or less-than; the
    word may sit in a string or a comment), and either wrong guess gives wrong answers: the
    union for a ``FROM <g>`` query, or an empty default graph for a query that merely mentions
    "from". So pyoxigraph's own parser decides. Where the word cannot occur at all (nearly
    every query) there is no dataset. Otherwise every occurrence is turned into ``FR0M``, which
    is no keyword: inside a string, comment or IRI that changes nothing, while the keyword
    itself becomes a syntax error. The altered text is parsed on an empty store and never run
    on data (an ASK is evaluated there, on no data; the text has passed the guard already).
    A query that does not parse either way fails with its own error in the real run.
    """
    spans = [m.start() for m in _FROM_WORD.finditer(text)]
    if not spans:
        return False
    pieces, last = [], 0
    for start in spans:
        pieces += [text[last:start], text[start : start + 2], "0", text[start + 3 : start + 4]]
        last = start + 4
    masked = "".join([*pieces, text[last:]])
    try:
        ox.Store().query(masked, prefixes=PREFIXES, base_iri=base_iri)
    except SyntaxError:
        return True
    except (RuntimeError, OSError):
        return False  # it parsed; only evaluating it failed
    return False




def remote_failure() -> RemoteError:
    return RemoteError(
        "a SERVICE or LOAD request failed or its answer could not be read (details withheld)"
    )


def materialise(raw: object, max_rows: int | None) -> QueryResult:
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult(form="ASK", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows: list[tuple[Term | None, ...]] = []
        truncated = False
        for solution in raw:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            rows.append(tuple(solution[v] for v in variables))
        return QueryResult(form="SELECT", variables=variables, rows=rows, truncated=truncated)
    triples: list[ox.Triple] = []
    truncated = False
    for t in raw:  # type: ignore[attr-defined]
        if max_rows is not None and len(triples) >= max_rows:
            truncated = True
            break
        triples.append(t)
    return QueryResult(form="CONSTRUCT", triples=triples, truncated=truncated)


_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_SUBCLASS_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
#: Classes walked up from a term's types before ``confirms_instance`` leaves it to the ASK.
_CLASS_WALK_LIMIT = 64


class LocalExecutor:
    """Runs queries on an ``ox.Store`` in this process, with pyoxigraph's substitutions."""

    def __init__(
        self,
        store: ox.Store,
        *,
        allow_service: tuple[str, ...] = (),
        base_iri: str | None = None,
        default_graph: list[ox.NamedNode] | None = None,
        named_graphs: list[ox.NamedNode] | None = None,
    ) -> None:
        self.store = store
        self.allow_service = allow_service
        self.base_iri = base_iri
        self.default_graph = default_graph
        self.named_graphs = named_graphs

    def confirms_instance(self, term: ox.NamedNode, cls: ox.NamedNode) -> bool:
        """Whether the store plainly shows ``term`` to be a ``cls``: typed with it or with a
        class that is ``rdfs:subClassOf*`` it, in any graph (the union default graph).

        The instance check's shortcut (``binding.check_instance``): two or three index
        lookups (about 8 µs at 1M triples) instead of a SPARQL ASK (about 40 µs, a second
        query per run of a sub-millisecond stored query). Only a yes is final: on False the
        check asks its ASK as before, so a miss, its "did you mean", and any executor with a
        dataset of its own (``default_graph``, ``named_graphs``: then this says False) answer
        exactly as the ASK does.
        """
        if self.default_graph is not None or self.named_graphs is not None:
            return False
        todo: list[object] = [q.object for q in self.store.quads_for_pattern(term, _TYPE, None)]
        seen: set[object] = set()
        while todo and len(seen) < _CLASS_WALK_LIMIT:
            t = todo.pop()
            if t == cls:
                return True
            if t in seen or not isinstance(t, (ox.NamedNode, ox.BlankNode)):
                continue
            seen.add(t)
            todo += [q.object for q in self.store.quads_for_pattern(t, _SUBCLASS_OF, None)]
        return False

    def query(
        self,
        text: str,
        *,
        bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
        max_rows: int | None = None,
        source: str = "query",
    ) -> QueryResult:
        bound = bind(text, bindings, inline=False)
        return execute(
            self.store,
            bound.text,
            substitutions=bound.substitutions,
            allow_service=self.allow_service,
            max_rows=max_rows,
            source=source,
            default_graph=self.default_graph,
            named_graphs=self.named_graphs,
            base_iri=self.base_iri,
        )


def run_stored(
    executor: Executor | ox.Store,
    query: StoredQuery,
    values: Mapping[str, str] | None = None,
    *,
    max_rows: int | None = None,
    check_instances: bool = True,
) -> QueryResult:
    """Run a stored query with parameter values given as strings (as on the command line).

    ``executor`` is a :class:`LocalExecutor`, a ``remote.RemoteExecutor``, or a bare store.
    ``check_instances=False`` skips the instance check of class-typed IRI parameters (one ASK
    fewer) for callers that know their values exist.
    """
    if isinstance(executor, ox.Store):
        executor = LocalExecutor(executor)
    subs = bind_parameters(query, values or {}, executor if check_instances else None)
    result = executor.query(
        query.text,
        bindings={v.value: term for v, term in subs.items()},
        max_rows=max_rows,
        source=str(query.path),
    )
    return drop_parameter_columns(result, query, {v.value for v in subs})


def run_request(
    executor: Executor,
    *,
    name: str | None = None,
    sparql: str | None = None,
    file: str | Path | None = None,
    params: Mapping[str, str] | None = None,
    lookup: Callable[[str], StoredQuery],
    check_instances: bool = True,
) -> QueryResult:
    """A stored query by name (found with ``lookup``), or ad-hoc SPARQL text or file.

    The one dispatch of ``claimgraph query``, locally and with ``--endpoint``: the same usage
    errors and parameter checks whichever executor answers.
    """
    if sum(x is not None for x in (name, sparql, file)) != 1:
        raise ClaimgraphError("give exactly one of a query NAME, --sparql TEXT or --file FILE")
    if name is not None:
        return run_stored(executor, lookup(name), params or {}, check_instances=check_instances)
    if params:
        raise ParameterError("--param applies to stored queries only")
    text, source = query_text_from(sparql, file)
    return executor.query(text, source=source)


def query_text_from(sparql: str | None, file: str | Path | None) -> tuple[str, str]:
    """The ad-hoc query text and the name to report errors under."""
    if file is not None:
        try:
            return Path(file).read_text(encoding="utf-8"), str(file)
        except FileNotFoundError:
            raise InputError("no such file", path=file) from None
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read query file: {e}", path=file) from None
    assert sparql is not None
    return sparql, "query"


def drop_parameter_columns(
    result: QueryResult, query: StoredQuery, bound: set[str] | None = None
) -> QueryResult:
    """Remove the columns that only echo a bound parameter: those named in ``bound`` or,
    without it, every required one (an optional one may have been left out).

    pyoxigraph substitutes a SELECT variable only if the query projects it, so stored queries
    project their parameters; the caller already knows those values. An optional parameter
    left out (``doc``) keeps its column: it then tells the rows of each document apart.
    """
    if result.form != "SELECT" or not query.params:
        return result
    names = {p.name for p in query.params if (p.name in bound if bound else not p.optional)}
    keep = [i for i, v in enumerate(result.variables) if v not in names]
    result.variables = [result.variables[i] for i in keep]
    result.rows = [tuple(row[i] for i in keep) for row in result.rows]
    return result
