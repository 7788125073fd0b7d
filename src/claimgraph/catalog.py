"""The stored-query catalog: each ``queries/NAME.rq`` file and its grlc-style header.

Each file starts with a header::

    #+ summary: Sources that support a claim
    #+ description: Lists every reference the essay cites in support of the claim.
    #+ param: claim: IRI of a cg:Claim (default: no-binding-agreement)
    #+ param: doc: IRI of a cg:Document (optional)
    #+ tags: provenance, sources
    #+ enumerate: claim: claims-in-section

``enumerate`` names another stored query (a SELECT that needs no parameter) whose first column
lists the values a parameter takes (its second, when there is one, labels them): forms offer
them as a choice. It is checked when the catalog loads, like everything else in the header.

The header loads into :class:`StoredQuery`; a malformed header, a query that does not parse,
or a parameter the query cannot take is a :class:`CatalogError` naming the file and line when
the catalog loads, never silently empty metadata and never a surprise at run time.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from .errors import CatalogError, UnknownQueryError, query_error_position
from .guard import query_form
from .resources import bundled_dir
from .terms import PREFIXES, compact

__all__ = [
    "PARAM_TYPES",
    "Parameter",
    "StoredQuery",
    "Catalog",
    "load_catalog",
    "parse_stored_query",
    "did_you_mean",
]

XSD = PREFIXES["xsd"]

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

_HEADER_KEYS = ("summary", "description", "param", "tags", "enumerate")
_PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<type>[A-Za-z]+)"
    r"(?:\s+of\s+(?:an?\s+)?(?P<cls>[A-Za-z][\w-]*:[A-Za-z][\w-]*))?"
    r"(?P<rest>.*?)"
    r"(?:\s*\((?:default:\s*(?P<default>[^()]*)|(?P<optional>optional))\))?\s*$"
)


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a stored query."""

    name: str
    type: str
    description: str
    class_iri: str | None = None
    default: str | None = None
    #: Left out, the parameter binds nothing (``(optional)`` in the header): a ``doc``
    #: parameter then answers across all documents.
    optional: bool = False
    #: A stored query whose first column lists the values this parameter takes (or None).
    enumerate: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "name": self.name,
            "type": self.type,
            "class": compact(self.class_iri) if self.class_iri else None,
            "default": self.default,
            "required": self.required,
            "description": self.description,
        }
        if self.enumerate is not None:  # only then: the listing of other queries stays as it was
            out["enumerate"] = self.enumerate
        return out


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
                f"no stored query named {name!r}{did_you_mean(name, self._queries)}"
                " (claimgraph queries lists them)"
            ) from None


def did_you_mean(word: str, choices: Mapping[str, object] | list[str]) -> str:
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
    for lineno, value in fields["enumerate"]:
        pname, sep, source = (part.strip() for part in value.partition(":"))
        index = next((i for i, p in enumerate(params) if p.name == pname), None)
        if not sep or not source or index is None:
            raise CatalogError(
                "enumerate line must read 'PARAM: QUERY' with PARAM a declared parameter",
                path=path,
                line=lineno,
            )
        params[index] = replace(params[index], enumerate=source)
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
    description = re.sub(r"\s*\((?:default:[^()]*|optional)\)\s*$", "", after_name).strip()
    default = m["default"].strip() if m["default"] is not None else None
    return Parameter(
        name=m["name"],
        type=ptype,
        description=description,
        class_iri=class_iri,
        default=default or None,
        optional=m["optional"] is not None,
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
        line, col, msg = query_error_position(e)
        raise CatalogError(
            f"query does not parse: {msg}", path=query.path, line=line, column=col
        ) from None
    except RuntimeError as e:
        raise CatalogError(
            f"a parameter cannot be bound ({e}); a SELECT query must project its parameters "
            "and every query must use them in its pattern, not only in a FILTER",
            path=query.path,
        ) from None


def _check_enumerations(catalog: Catalog) -> None:
    """Every ``enumerate`` names a SELECT of the catalog that runs without parameters."""
    for query in catalog.values():
        for p in query.params:
            if p.enumerate is None:
                continue
            source = catalog.get(p.enumerate)
            if source is None or source.form != "SELECT" or any(
                q.required for q in source.params
            ):
                hint = did_you_mean(p.enumerate, catalog)
                raise CatalogError(
                    f"parameter {p.name!r} is enumerated by {p.enumerate!r}, which is not a "
                    f"stored SELECT that runs without parameters{hint}",
                    path=query.path,
                )


_CATALOG_CACHE: dict[Path, Catalog] = {}


def load_catalog(folder: str | Path | None = None) -> Catalog:
    """Load every ``*.rq`` in ``folder`` (default: the bundled queries)."""
    folder = Path(folder) if folder is not None else bundled_dir("queries")
    if folder in _CATALOG_CACHE:
        return _CATALOG_CACHE[folder]
    if not folder.is_dir():
        raise CatalogError("query folder does not exist", path=folder)
    catalog = Catalog({p.stem: parse_stored_query(p) for p in sorted(folder.glob("*.rq"))})
    _check_enumerations(catalog)
    _CATALOG_CACHE[folder] = catalog
    return catalog
