"""Constants written into queries: RDF terms in SPARQL syntax, XSD lexical checks.

Only terms of the shapes graph are ever written into a query, and only through
:func:`sparql_term`, i.e. pyoxigraph's own N-Triples serialisation of a parsed term, so no text
of the shapes graph can change a query's structure (a literal stays one literal).
"""

from __future__ import annotations

import pyoxigraph as ox

from .errors import Unsupported

__all__ = ["XSD", "sparql_term", "lexical_check", "LOSSY_DATATYPES"]

XSD = "http://www.w3.org/2001/XMLSchema#"

#: XSD types whose ill-typed literals fail ``sh:datatype``: those rdflib (so pyshacl) parses
#: and flags ``ill_typed``. The store keeps such a literal as given, so a cast of its string
#: fails, which is how the query recognises it. rdflib does not check ``xsd:gYear``,
#: ``xsd:gYearMonth``… (``"7x"^^xsd:gYear`` passes pyshacl), so neither does the compiler.
_CASTABLE = "integer decimal double float boolean date dateTime time duration".split()

#: Datatypes pyoxigraph's store does not keep (it stores ``"5"^^xsd:byte`` as an
#: ``xsd:integer``): no query can tell whether a value had them, so ``sh:datatype`` with one of
#: them cannot be compiled.
LOSSY_DATATYPES = frozenset(
    XSD + t
    for t in (
        "byte short int long unsignedByte unsignedShort unsignedInt unsignedLong "
        "nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger dateTimeStamp"
    ).split()
)


def sparql_term(term: object, shape: object, component: str) -> str:
    """A shapes-graph term as a SPARQL constant (blank nodes cannot be one)."""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term)
    raise Unsupported(shape, component, f"the value {term} is a blank node")


def lexical_check(var: str, datatype: ox.NamedNode) -> str:
    """An expression true when the literal in ``var`` is a well-formed value of ``datatype``."""
    name = datatype.value[len(XSD) :] if datatype.value.startswith(XSD) else None
    if name in _CASTABLE:
        return f"COALESCE(isLiteral(<{datatype.value}>(STR({var}))), false)"
    return "true"
