"""Turning parameter values given as text into validated RDF terms.

A value is never pasted into query text: it becomes a pyoxigraph term of the parameter's
declared type first, so it cannot change the query, whichever way an executor binds it.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .catalog import PARAM_TYPES, Parameter, StoredQuery, did_you_mean
from .errors import ParameterError
from .terms import PREFIXES, SLUG_NAMESPACES, compact

__all__ = [
    "resolve_iri",
    "to_term",
    "bind_parameters",
    "INSTANCE_ASK",
    "INSTANCES",
]

_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_BAD_IRI_CHARS = re.compile(r'[\s<>"{}|^`\\]')




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
                f"{did_you_mean(name, list(declared))} (its parameters: {known})"
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
INSTANCE_ASK = f"ASK {{ ?x a ?t . ?t {_SUBCLASS}* ?class }}"
INSTANCES = f"SELECT DISTINCT ?x ?class {{ ?x a ?t . ?t {_SUBCLASS}* ?class }}"


def _check_instance(store: ox.Store, term: ox.NamedNode, p: Parameter) -> None:
    assert p.class_iri is not None
    cls = ox.NamedNode(p.class_iri)
    found = store.query(
        INSTANCE_ASK,
        use_default_graph_as_union=True,
        substitutions={ox.Variable("x"): term, ox.Variable("class"): cls},
    )
    if bool(found):
        return
    names = [
        compact(row["x"].value)
        for row in store.query(  # type: ignore[union-attr]
            INSTANCES, use_default_graph_as_union=True, substitutions={ox.Variable("class"): cls}
        )
        if isinstance(row["x"], ox.NamedNode)
    ]
    shown = compact(term.value)
    hint = did_you_mean(shown, names)
    raise ParameterError(f"parameter {p.name!r}: there is no {compact(p.class_iri)} {shown}{hint}")
