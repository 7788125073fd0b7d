"""The stored-query catalog, parameter binding and query execution.

Each ``queries/NAME.rq`` starts with a grlc-style header::

    #+ summary: Sources that support a claim
    #+ description: Lists every reference the essay cites in support of the claim.
    #+ param: claim: IRI of a cg:Claim (default: no-binding-agreement)
    #+ tags: provenance, sources

The header loads into :class:`StoredQuery`; a malformed header, a query that does not parse,
or a parameter the query cannot take is a :class:`CatalogError` naming the file and line when
the catalog loads, never silently empty metadata and never a surprise at run time.

Parameter values are turned into RDF terms and bound with pyoxigraph's ``substitutions``
(SEP-0007): a value is never pasted into query text, so it cannot change the query.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from .errors import (
    CatalogError,
    ParameterError,
    QuerySyntaxError,
    RemoteError,
    UnknownQueryError,
)
from .namespaces import CG, PREFIXES, SLUG_NAMESPACES, compact
from .resources import bundled_dir
from .safety import guard_query, query_form

__all__ = [
    "PARAM_TYPES",
    "Parameter",
    "StoredQuery",
    "Catalog",
    "load_catalog",
    "parse_stored_query",
    "bind_parameters",
    "execute",
    "run_stored",
    "drop_parameter_columns",
    "QueryResult",
]

XSD = PREFIXES["xsd"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

#: Parameter types a header may declare, and the datatype of the literal each binds.
PARAM_TYPES: dict[str, str | None] = {
    "iri": None,
    "string": XSD + "string",
    "integer": XSD + "integer",
    "decimal": XSD + "decimal",
    "boolean": XSD + "boolean",
    "date": XSD + "date",
    "year": XSD + "gYear",
}

_HEADER_KEYS = ("summary", "description", "param", "tags")
_PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<type>[A-Za-z]+)"
    r"(?:\s+of\s+(?:an?\s+)?(?P<cls>[A-Za-z][\w-]*:[A-Za-z][\w-]*))?"
    r"(?P<rest>.*?)"
    r"(?:\s*\(default:\s*(?P<default>[^()]*)\))?\s*$"
)
_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_BAD_IRI_CHARS = re.compile(r'[\s<>"{}|^`\\]')


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a stored query."""

    name: str
    type: str
    description: str
    class_iri: str | None = None
    default: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "type": self.type,
            "class": compact(self.class_iri) if self.class_iri else None,
            "default": self.default,
            "required": self.required,
            "description": self.description,
        }


@dataclass(frozen=True)
class StoredQuery:
    """A stored query: its header metadata and its SPARQL text."""

    name: str
    path: Path
    summary: str
    text: str
    form: str
    description: str = ""
    tags: tuple[str, ...] = ()
    params: tuple[Parameter, ...] = field(default_factory=tuple)

    def param(self, name: str) -> Parameter:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "form": self.form,
            "tags": list(self.tags),
            "params": [p.as_dict() for p in self.params],
        }


class Catalog(Mapping[str, StoredQuery]):
    """The stored queries by name, with a "did you mean" for names that are not there."""

    def __init__(self, queries: Mapping[str, StoredQuery]) -> None:
        self._queries = dict(sorted(queries.items()))

    def __getitem__(self, name: str) -> StoredQuery:
        return self._queries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._queries)

    def __len__(self) -> int:
        return len(self._queries)

    def get_query(self, name: str) -> StoredQuery:
        try:
            return self._queries[name]
        except KeyError:
            raise UnknownQueryError(
                f"no stored query named {name!r}{_did_you_mean(name, self._queries)}"
                " (claimgraph queries lists them)"
            ) from None


def _did_you_mean(word: str, choices: Mapping[str, object] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _expand_curie(curie: str, path: Path, line: int) -> str:
    prefix, _, local = curie.partition(":")
    if prefix not in PREFIXES:
        raise CatalogError(f"unknown prefix {prefix!r} in {curie!r}", path=path, line=line)
    return PREFIXES[prefix] + local


def parse_stored_query(path: str | Path, name: str | None = None) -> StoredQuery:
    """Read one ``.rq`` file into a :class:`StoredQuery`; raise :class:`CatalogError` if bad."""
    path = Path(path)
    name = name or path.stem
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CatalogError(f"cannot read stored query: {e}", path=path) from None
    fields: dict[str, list[tuple[int, str]]] = {k: [] for k in _HEADER_KEYS}
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        if not stripped.startswith("#+"):
            continue
        body = stripped[2:].strip()
        key, sep, value = body.partition(":")
        key = key.strip().lower()
        if not sep or key not in _HEADER_KEYS:
            raise CatalogError(
                f"header line is not 'KEY: value' with KEY one of {', '.join(_HEADER_KEYS)}",
                path=path,
                line=lineno,
            )
        fields[key].append((lineno, value.strip()))
    if not fields["summary"] or not fields["summary"][0][1]:
        raise CatalogError("stored query has no '#+ summary:' header line", path=path, line=1)
    if len(fields["summary"]) > 1:
        raise CatalogError("more than one summary line", path=path, line=fields["summary"][1][0])
    params: list[Parameter] = []
    for lineno, value in fields["param"]:
        params.append(_parse_param(value, path, lineno))
    seen: set[str] = set()
    for p in params:
        if p.name in seen:
            raise CatalogError(f"parameter {p.name!r} is declared twice", path=path)
        seen.add(p.name)
    tags = tuple(t.strip() for _, v in fields["tags"] for t in v.split(",") if t.strip())
    form = query_form(text)
    if form not in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
        raise CatalogError("a stored query must be SELECT, CONSTRUCT, ASK or DESCRIBE", path=path)
    query = StoredQuery(
        name=name,
        path=path,
        summary=fields["summary"][0][1],
        description=" ".join(v for _, v in fields["description"]),
        tags=tags,
        params=tuple(params),
        text=text,
        form=form,
    )
    _check_query(query)
    return query


def _parse_param(value: str, path: Path, lineno: int) -> Parameter:
    m = _PARAM_RE.match(value)
    if not m:
        raise CatalogError(
            "param line must read 'NAME: TYPE [of a CLASS] [description] [(default: VALUE)]'",
            path=path,
            line=lineno,
        )
    ptype = m["type"].lower()
    if ptype not in PARAM_TYPES:
        raise CatalogError(
            f"parameter {m['name']!r} has unknown type {m['type']!r}; "
            f"expected one of {', '.join(PARAM_TYPES)}",
            path=path,
            line=lineno,
        )
    class_iri = _expand_curie(m["cls"], path, lineno) if m["cls"] else None
    if class_iri and ptype != "iri":
        raise CatalogError(
            f"only an IRI parameter can name a class: {m['name']!r}", path=path, line=lineno
        )
    after_name = value.split(":", 1)[1]
    description = re.sub(r"\s*\(default:[^()]*\)\s*$", "", after_name).strip()
    default = m["default"].strip() if m["default"] is not None else None
    return Parameter(
        name=m["name"],
        type=ptype,
        description=description,
        class_iri=class_iri,
        default=default or None,
    )


_PROBE_VALUES: dict[str, ox.NamedNode | ox.Literal] = {
    "iri": ox.NamedNode("urn:claimgraph:probe"),
    "string": ox.Literal("probe"),
    "integer": ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")),
    "decimal": ox.Literal("1.0", datatype=ox.NamedNode(XSD + "decimal")),
    "boolean": ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    "date": ox.Literal("2000-01-01", datatype=ox.NamedNode(XSD + "date")),
    "year": ox.Literal("2000", datatype=ox.NamedNode(XSD + "gYear")),
}
_PROBE_STORE: ox.Store | None = None


def _check_query(query: StoredQuery) -> None:
    """Parse the query and bind every declared parameter once, against an empty store.

    pyoxigraph refuses to substitute a variable that appears only in a FILTER; finding that
    here turns a user's run-time surprise into an error when the catalog loads.
    """
    global _PROBE_STORE
    for p in query.params:
        if not re.search(rf"[?$]{re.escape(p.name)}\b", query.text):
            raise CatalogError(
                f"parameter {p.name!r} is declared but ?{p.name} does not occur in the query",
                path=query.path,
            )
    if _PROBE_STORE is None:
        _PROBE_STORE = ox.Store()
    subs = {ox.Variable(p.name): _PROBE_VALUES[p.type] for p in query.params}
    try:
        result = _PROBE_STORE.query(
            query.text, prefixes=PREFIXES, substitutions=subs or None  # type: ignore[arg-type]
        )
        if not isinstance(result, ox.QueryBoolean):
            for _ in result:
                break
    except SyntaxError as e:
        line, col, msg = _query_error_position(e)
        raise CatalogError(
            f"query does not parse: {msg}", path=query.path, line=line, column=col
        ) from None
    except RuntimeError as e:
        raise CatalogError(
            f"a parameter cannot be bound ({e}); a SELECT query must project its parameters "
            "and every query must use them in its pattern, not only in a FILTER",
            path=query.path,
        ) from None


def _query_error_position(e: SyntaxError) -> tuple[int | None, int | None, str]:
    msg = e.msg if isinstance(e.msg, str) else str(e)
    m = re.match(r"error at (\d+):(\d+): (.*)", msg, re.S)
    if m:
        return int(m[1]), int(m[2]), m[3]
    return e.lineno, e.offset, msg


_CATALOG_CACHE: dict[Path, Catalog] = {}


def load_catalog(folder: str | Path | None = None) -> Catalog:
    """Load every ``*.rq`` in ``folder`` (default: the bundled queries)."""
    folder = Path(folder) if folder is not None else bundled_dir("queries")
    if folder in _CATALOG_CACHE:
        return _CATALOG_CACHE[folder]
    if not folder.is_dir():
        raise CatalogError("query folder does not exist", path=folder)
    catalog = Catalog({p.stem: parse_stored_query(p) for p in sorted(folder.glob("*.rq"))})
    _CATALOG_CACHE[folder] = catalog
    return catalog


# --------------------------------------------------------------------------------------------
# Binding
# --------------------------------------------------------------------------------------------


def resolve_iri(value: str, param: Parameter) -> str:
    """A full IRI (with or without ``<>``), a prefixed name, or a bare slug, as an IRI."""
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        v = v[1:-1]
    elif ":" in v and v.split(":", 1)[0] in PREFIXES:
        prefix, local = v.split(":", 1)
        v = PREFIXES[prefix] + local
    elif ":" not in v:
        if not _SLUG_RE.match(v):
            raise ParameterError(f"parameter {param.name!r}: {value!r} is not an IRI or a slug")
        ns = SLUG_NAMESPACES.get(param.class_iri or "")
        if ns is None:
            raise ParameterError(
                f"parameter {param.name!r} needs a full IRI or a prefixed name, not a bare slug"
            )
        v = ns + v
    if _BAD_IRI_CHARS.search(v) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", v):
        raise ParameterError(f"parameter {param.name!r}: {value!r} is not a valid IRI")
    try:
        ox.NamedNode(v)
    except ValueError:
        raise ParameterError(f"parameter {param.name!r}: {value!r} is not a valid IRI") from None
    return v


def to_term(value: str, param: Parameter) -> ox.NamedNode | ox.Literal:
    """Turn a parameter value into the RDF term of the parameter's declared type."""
    t = param.type
    if t == "iri":
        return ox.NamedNode(resolve_iri(value, param))
    datatype = PARAM_TYPES[t]
    assert datatype is not None
    ok = True
    lexical = value
    if t == "integer":
        ok = re.fullmatch(r"[+-]?\d+", value.strip()) is not None
        lexical = value.strip()
    elif t == "decimal":
        try:
            Decimal(value.strip())
            lexical = value.strip()
        except InvalidOperation:
            ok = False
    elif t == "boolean":
        lexical = value.strip().lower()
        ok = lexical in ("true", "false", "1", "0")
    elif t == "date":
        try:
            _dt.date.fromisoformat(value.strip())
            lexical = value.strip()
            ok = re.fullmatch(r"\d{4}-\d{2}-\d{2}", lexical) is not None
        except ValueError:
            ok = False
    elif t == "year":
        lexical = value.strip()
        ok = re.fullmatch(r"-?\d{4}", lexical) is not None
    if not ok:
        raise ParameterError(f"parameter {param.name!r} must be {_a(t)}, not {value!r}")
    return ox.Literal(lexical, datatype=ox.NamedNode(datatype))


def _a(t: str) -> str:
    return {"integer": "an integer", "iri": "an IRI"}.get(t, f"a {t}")


def bind_parameters(
    query: StoredQuery, values: Mapping[str, str], store: ox.Store | None = None
) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Check ``values`` against the query's declared parameters and make the substitutions.

    With a ``store``, an IRI parameter that names a class (``IRI of a cg:Claim``) must name an
    instance of it there, so that a typo gets "did you mean" instead of an empty result.
    """
    declared = {p.name: p for p in query.params}
    for name in values:
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise ParameterError(
                f"query {query.name!r} has no parameter {name!r}"
                f"{_did_you_mean(name, list(declared))} (its parameters: {known})"
            )
    subs: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    for p in query.params:
        raw = values.get(p.name, p.default)
        if raw is None:
            raise ParameterError(
                f"query {query.name!r} needs parameter {p.name!r} ({p.description})"
            )
        term = to_term(raw, p)
        if store is not None and isinstance(term, ox.NamedNode) and p.class_iri:
            _check_instance(store, term, p)
        subs[ox.Variable(p.name)] = term
    return subs


_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_INSTANCE_ASK = f"ASK {{ ?x a ?t . ?t {_SUBCLASS}* ?class }}"
_INSTANCES = f"SELECT DISTINCT ?x ?class {{ ?x a ?t . ?t {_SUBCLASS}* ?class }}"


def _check_instance(store: ox.Store, term: ox.NamedNode, p: Parameter) -> None:
    assert p.class_iri is not None
    cls = ox.NamedNode(p.class_iri)
    found = store.query(
        _INSTANCE_ASK,
        use_default_graph_as_union=True,
        substitutions={ox.Variable("x"): term, ox.Variable("class"): cls},
    )
    if bool(found):
        return
    names = [
        compact(row["x"].value)
        for row in store.query(  # type: ignore[union-attr]
            _INSTANCES, use_default_graph_as_union=True, substitutions={ox.Variable("class"): cls}
        )
        if isinstance(row["x"], ox.NamedNode)
    ]
    shown = compact(term.value)
    hint = _did_you_mean(shown, names)
    raise ParameterError(f"parameter {p.name!r}: there is no {compact(p.class_iri)} {shown}{hint}")


# --------------------------------------------------------------------------------------------
# Execution
# --------------------------------------------------------------------------------------------


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
    kwargs: dict[str, object] = {"prefixes": PREFIXES}
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
        raw = store.query(text, **kwargs)  # type: ignore[arg-type]
        return _materialise(raw, max_rows)
    except SyntaxError as e:
        if not str(e.msg).startswith("error at ") and REACHES_OUT.search(text):
            raise remote_failure() from None  # not the SPARQL parser: a SERVICE's answer
        line, col, msg = _query_error_position(e)
        raise QuerySyntaxError(msg, path=source, line=line, column=col) from None
    except RuntimeError as e:
        if REACHES_OUT.search(text):
            raise remote_failure() from None
        raise QuerySyntaxError(f"query cannot run: {e}", path=source) from None


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


#: SERVICE or LOAD anywhere in the text. A run-time error of a text that passed the guard with
#: either word is taken for a failure of the (allowed) remote: pyoxigraph's message then
#: carries the remote's content type or body, which is never shown.
REACHES_OUT = re.compile(r"\b(SERVICE|LOAD)\b", re.IGNORECASE)


def remote_failure() -> RemoteError:
    return RemoteError(
        "a SERVICE or LOAD request failed or its answer could not be read (details withheld)"
    )


def _materialise(raw: object, max_rows: int | None) -> QueryResult:
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


def run_stored(
    store: ox.Store,
    query: StoredQuery,
    values: Mapping[str, str] | None = None,
    *,
    max_rows: int | None = None,
) -> QueryResult:
    """Run a stored query with parameter values given as strings (as on the command line)."""
    subs = bind_parameters(query, values or {}, store)
    result = execute(
        store, query.text, substitutions=subs, max_rows=max_rows, source=str(query.path)
    )
    return drop_parameter_columns(result, query)


def drop_parameter_columns(result: QueryResult, query: StoredQuery) -> QueryResult:
    """Remove the columns that only echo a bound parameter.

    pyoxigraph substitutes a SELECT variable only if the query projects it, so stored queries
    project their parameters; the caller already knows those values.
    """
    if result.form != "SELECT" or not query.params:
        return result
    names = {p.name for p in query.params}
    keep = [i for i, v in enumerate(result.variables) if v not in names]
    result.variables = [result.variables[i] for i in keep]
    result.rows = [tuple(row[i] for i in keep) for row in result.rows]
    return result


def is_claimgraph_class(iri: str) -> bool:
    return iri.startswith(CG)
