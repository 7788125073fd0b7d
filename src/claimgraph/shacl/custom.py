"""SPARQL-based constraint components: ``sh:ConstraintComponent`` nodes with parameters and
validators, used by any shape that gives a value for each of their mandatory parameters.

A parameter's value is written into the validator's query as a constant in place of the
variable named after the parameter (the local name of its ``sh:path``), through the same
term serialisation as every other constant, so a value can never be more than one term. An
ASK validator (``sh:validator``, or ``sh:nodeValidator`` on node shapes) becomes a per-value
``EXISTS`` test, so it is inlined like a core component (nested shapes included); a SELECT
validator (``sh:propertyValidator``/``sh:nodeValidator``) runs like an ``sh:sparql``
constraint, once for all focus nodes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import Unsupported
from .model import SH, Shape, ShapesGraph, Term
from .sparql_based import check_allowed, split_prologue
from .terms import sparql_term

__all__ = ["CustomUse", "uses"]

_ASK = re.compile(r"\s*ASK\s*(?:WHERE\s*)?(\{.*\})\s*$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class CustomUse:
    """One use of a component by a shape: an ASK group or a SELECT, parameters substituted."""

    component: ox.NamedNode
    ask: str | None
    select: str | None
    prefixes: dict[str, str]
    messages: tuple[ox.Literal, ...]


def _as_is(text: str) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` replacement that inserts ``text`` without reading escapes in it."""
    return lambda _m: text


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _components(g: ShapesGraph) -> list[tuple[Term, list[tuple[str, bool]]]]:
    found = []
    for node, preds in sorted(g.by_subject.items(), key=lambda kv: str(kv[0])):
        params = []
        for parameter in preds.get(SH + "parameter", ()):
            path = g.one(parameter, SH + "path")
            optional = g.one(parameter, SH + "optional")
            if isinstance(path, ox.NamedNode):
                params.append(
                    (path.value, isinstance(optional, ox.Literal) and optional.value == "true")
                )
        if params:
            found.append((node, params))
    return found


def _substitute(text: str, values: dict[str, str]) -> str:
    for name, constant in values.items():
        text = re.sub(rf"[?$]{re.escape(name)}\b", _as_is(constant), text)
    return text


def _message_text(term: Term) -> str:
    return term.value if isinstance(term, ox.Literal | ox.NamedNode) else str(term)


def uses(g: ShapesGraph, shape: Shape) -> list[CustomUse]:
    """Every use of a SPARQL-based constraint component by ``shape``."""
    found: list[CustomUse] = []
    own = g.by_subject.get(shape.node, {})
    for component, params in _components(g):
        if not isinstance(component, ox.NamedNode):
            raise Unsupported(shape.node, str(component), "a constraint component without IRI")
        if any(not optional and path not in own for path, optional in params):
            continue
        given = [p for p in params if p[0] in own]
        if not given:
            continue
        kinds = ("propertyValidator",) if shape.path is not None else ("nodeValidator",)
        validator = None
        for kind in (*kinds, "validator"):
            validator = g.one(component, SH + kind)
            if validator is not None:
                break
        if validator is None:
            continue  # no validator for this kind of shape: the component does not apply
        for combination in itertools.product(*(own[path] for path, _ in given)):
            found.append(_use(g, shape, component, validator, given, combination))
    return found


def _use(g, shape, component, validator, given, combination) -> CustomUse:  # type: ignore[no-untyped-def]
    name = f"<{component.value}>"
    values = {
        _local(path): sparql_term(value, shape.node, name)
        for (path, _), value in zip(given, combination, strict=True)
    }
    texts = {
        _local(path): _message_text(v) for (path, _), v in zip(given, combination, strict=True)
    }
    prefixes = g.prefixes(validator)
    messages = tuple(
        ox.Literal(_message_text_template(m.value, texts), language=m.language)
        if m.language
        else ox.Literal(_message_text_template(m.value, texts))
        for m in (g.objects(validator, SH + "message") or g.objects(component, SH + "message"))
        if isinstance(m, ox.Literal)
    )
    ask, select = g.one(validator, SH + "ask"), g.one(validator, SH + "select")
    query = ask if ask is not None else select
    if query is None:
        raise Unsupported(shape.node, name, "a validator without sh:ask or sh:select")
    body, declared = split_prologue(query.value, shape.node)
    prefixes.update(declared)
    check_allowed(body, shape.node)
    body = _substitute(body, values)
    if ask is not None:
        m = _ASK.match(body)
        if m is None:
            raise Unsupported(shape.node, name, "an ASK validator that is not ASK { … }")
        return CustomUse(component, m.group(1), None, prefixes, messages)
    return CustomUse(component, None, body, prefixes, messages)


def _message_text_template(message: str, texts: dict[str, str]) -> str:
    for name, text in texts.items():
        message = re.sub(rf"\{{[?$]{re.escape(name)}\}}", _as_is(text), message)
    return message
