"""What a compiled component is (:class:`Piece`) and which parameters the compiler knows.

Its own module so that :mod:`.components` and :mod:`.relations` share it without importing
each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .errors import Unsupported

__all__ = ["COMPANIONS", "SUPPORTED", "Piece", "integer"]

#: Constraint parameters compiled here, by local name (the component each one belongs to).
SUPPORTED = {
    "class": "Class",
    "datatype": "Datatype",
    "nodeKind": "NodeKind",
    "minCount": "MinCount",
    "maxCount": "MaxCount",
    "minExclusive": "MinExclusive",
    "minInclusive": "MinInclusive",
    "maxExclusive": "MaxExclusive",
    "maxInclusive": "MaxInclusive",
    "minLength": "MinLength",
    "maxLength": "MaxLength",
    "pattern": "Pattern",
    "languageIn": "LanguageIn",
    "uniqueLang": "UniqueLang",
    "equals": "Equals",
    "disjoint": "Disjoint",
    "lessThan": "LessThan",
    "lessThanOrEquals": "LessThanOrEquals",
    "not": "Not",
    "and": "And",
    "or": "Or",
    "xone": "Xone",
    "node": "Node",
    "qualifiedValueShape": "QualifiedValueShape",
    "closed": "Closed",
    "hasValue": "HasValue",
    "in": "In",
    "sparql": "SPARQL",
}
#: Parameters that belong to another component (or are annotations): no piece of their own.
COMPANIONS = {
    "flags",
    "ignoredProperties",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint",
    "prefixes",
    "declare",
    "labelTemplate",
    "select",
    "resultAnnotation",
}


@dataclass(frozen=True)
class Piece:
    """Violations of one component: ``pattern`` binds ``value``/``path``/``key`` as it can."""

    component: str  # the local name, e.g. "MinCount"
    pattern: str
    value: str | None = None
    path: str | None = None
    key: str | None = None  # what makes two results distinct besides focus and value
    #: A SPARQL-based constraint component's IRI and messages (core pieces: None, ()).
    iri: ox.NamedNode | None = None
    messages: tuple[ox.Literal, ...] = ()
    #: The same violations, set at a time (``MINUS``, ``GROUP BY``): only valid at the top of a
    #: check's WHERE, where it is evaluated once, and there much faster on a large on-disk
    #: store than ``pattern``'s lookup per focus node (issue 13: 3-10x on RocksDB).
    top: str | None = None


def integer(value: object, shape: object, name: str) -> int:
    try:
        return int(value.value)  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        raise Unsupported(shape, f"sh:{name}", f"{value} is no integer") from None
