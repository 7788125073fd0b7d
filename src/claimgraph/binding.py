"""Turning parameter values given as text into validated RDF terms, and terms into a query.

A value is never pasted into query text: it becomes a pyoxigraph term of the parameter's
declared type first, so it cannot change the query, whichever way an executor binds it.
``bind`` is the one place terms enter a query: each term's own serialisation, re-parsed and
checked (:func:`term_text`), written where the variable stood in the WHERE group (so that the
engine sees a constant and uses its indexes: pyoxigraph 0.5's ``substitutions`` do not drive
the join, and a query about one claim scanned the store), or — where a query's shape does not
allow that (see :func:`inline_constants`) — pyoxigraph's substitutions locally and a ``VALUES``
row for a server. ``check_instance`` is the one instance check, run through an executor so that
a local store and a remote endpoint give the same "did you mean".

Over 400 lines because it holds both halves of binding (values to terms, terms into a query
text); the second half (``bind`` and the query-text helpers) is the part to move out next.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .catalog import PARAM_TYPES, Parameter, StoredQuery, did_you_mean
from .errors import ParameterError
from .guard import Token, tokens
from .terms import (
    DOCUMENT_KINDS,
    PREFIXES,
    SLUG_NAMESPACES,
    compact,
    document_item,
    expand,
    split_document_item,
)

#: ``typing.TYPE_CHECKING`` without importing typing (see ``executor.py``).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .executor import Executor

__all__ = [
    "resolve_iri",
    "to_term",
    "bind_parameters",
    "check_instance",
    "Bound",
    "bind",
    "term_text",
    "inject_values",
    "inline_constants",
    "INSTANCE_ASK",
    "INSTANCES",
]

_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_BAD_IRI_CHARS = re.compile(r'[\s<>"{}|^`\\]')


def resolve_iri(value: str, param: Parameter, executor: Executor | None = None) -> str:
    """A full IRI (with or without ``<>``), a prefixed name, or a slug, as an IRI.

    Items minted under a document (claims, sections, citations, reference entries) take
    ``DOC/SLUG`` or, where one document alone has it, a bare ``SLUG``; finding that document
    needs ``executor``. An ambiguous or unknown bare slug is a :class:`ParameterError` that lists
    the candidates in each document.
    """
    v = value.strip()
    kind = _document_kind(param)
    if v.startswith("<") and v.endswith(">"):
        v = v[1:-1]
    elif ":" in v and v.split(":", 1)[0] in PREFIXES:
        prefix, local = v.split(":", 1)
        v = PREFIXES[prefix] + local
    elif ":" in v and v.split(":", 1)[0] in DOCUMENT_KINDS:
        v = expand(v)
    elif ":" not in v:
        parts = v.split("/")
        if not all(_SLUG_RE.match(p) for p in parts) or len(parts) > 2:
            raise ParameterError(f"parameter {param.name!r}: {value!r} is not an IRI or a slug")
        if kind is not None and len(parts) == 2:
            v = document_item(parts[0], kind, parts[1])
        elif kind is not None:
            v = _find_in_documents(executor, v, kind, param)
        else:
            ns = SLUG_NAMESPACES.get(param.class_iri or "")
            if ns is None or len(parts) != 1:
                raise ParameterError(
                    f"parameter {param.name!r} needs a full IRI or a prefixed name, not a slug"
                )
            v = ns + v
    if _BAD_IRI_CHARS.search(v) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", v):
        raise ParameterError(f"parameter {param.name!r}: {value!r} is not a valid IRI")
    try:
        ox.NamedNode(v)
    except ValueError:
        raise ParameterError(f"parameter {param.name!r}: {value!r} is not a valid IRI") from None
    return v


def _document_kind(param: Parameter) -> str | None:
    """``claim`` for a parameter of a class minted under each document, else ``None``."""
    return next((k for k, cls in DOCUMENT_KINDS.items() if cls == param.class_iri), None)


def _items_by_document(executor: Executor, kind: str) -> dict[str, list[str]]:
    """The slugs of every item of ``kind`` in the store, per document."""
    cls = ox.NamedNode(DOCUMENT_KINDS[kind])
    listing = executor.query(INSTANCES, bindings={"class": cls}, source="check")
    x = listing.variables.index("x")
    found: dict[str, list[str]] = {}
    for row in listing.rows:
        node = row[x]
        item = split_document_item(node.value) if isinstance(node, ox.NamedNode) else None
        if item is not None and item[1] == kind:
            found.setdefault(item[0], []).append(item[2])
    return found


def _find_in_documents(executor: Executor | None, slug: str, kind: str, p: Parameter) -> str:
    """The one item of ``kind`` named ``slug`` in any document of the store."""
    if executor is None:
        raise ParameterError(
            f"parameter {p.name!r}: give {slug!r} as DOC/{slug} (a {kind} belongs to a document)"
        )
    by_doc = _items_by_document(executor, kind)
    docs = sorted(d for d, slugs in by_doc.items() if slug in slugs)
    if len(docs) == 1:
        return document_item(docs[0], kind, slug)
    if docs:
        listed = ", ".join(repr(compact(document_item(d, kind, slug))) for d in docs)
        raise ParameterError(
            f"parameter {p.name!r}: {slug!r} names a {kind} in {len(docs)} documents "
            f"({listed}); give DOC/{slug}"
        )
    raise ParameterError(
        f"parameter {p.name!r}: there is no {compact(DOCUMENT_KINDS[kind])} {slug!r} in any "
        f"document{_per_document_hint(slug, kind, by_doc)}"
    )


def _per_document_hint(slug: str, kind: str, by_doc: Mapping[str, list[str]]) -> str:
    """``; did you mean 'claim:A/x' or 'claim:B/x'?``: the closest slug in each document."""
    close = []
    for doc in sorted(by_doc):
        # the same measure as catalog.did_you_mean, applied to each document's slugs
        for near in difflib.get_close_matches(slug, by_doc[doc], n=1, cutoff=0.6):
            close.append(repr(compact(document_item(doc, kind, near))))
    return f"; did you mean {' or '.join(close)}?" if close else ""


def to_term(
    value: str, param: Parameter, executor: Executor | None = None
) -> ox.NamedNode | ox.Literal:
    """Turn a parameter value into the RDF term of the parameter's declared type.

    ``executor`` looks up the document of a bare slug of a claim, section, citation or entry.
    Every other value's term depends on the value and the parameter alone, and is kept for the
    values seen last (:func:`_term`): its checks cost more than the query at hand when the
    query takes a tenth of a millisecond.
    """
    if param.type == "iri" and _document_kind(param) is not None:
        v = value.strip()
        if ":" not in v and "/" not in v and not v.startswith("<"):
            return ox.NamedNode(resolve_iri(value, param, executor))  # a store lookup
    return _term(value, param)


@functools.lru_cache(maxsize=1024)
def _term(value: str, param: Parameter) -> ox.NamedNode | ox.Literal:
    """:func:`to_term` of a value that needs no store; an invalid one raises (never cached)."""
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
    query: StoredQuery,
    values: Mapping[str, str],
    executor: Executor | ox.Store | None = None,
) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Check ``values`` against the query's declared parameters and make the terms.

    With an ``executor`` (or a store), an IRI parameter that names a class (``IRI of a
    cg:Claim``) must name an instance of it there, so that a typo gets "did you mean" instead of
    an empty result, locally and on a remote endpoint alike.
    """
    declared = {p.name: p for p in query.params}
    for name in values:
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise ParameterError(
                f"query {query.name!r} has no parameter {name!r}"
                f"{did_you_mean(name, list(declared))} (its parameters: {known})"
            )
    if isinstance(executor, ox.Store):
        from .sparql import LocalExecutor  # sparql imports this module

        executor = LocalExecutor(executor)
    subs: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    for p in query.params:
        raw = values.get(p.name, p.default)
        if p.optional and (raw is None or not raw.strip()):
            continue  # left out (or left empty, as a web form does): a free variable
        if raw is None:
            raise ParameterError(
                f"query {query.name!r} needs parameter {p.name!r} ({p.description})"
            )
        subs[ox.Variable(p.name)] = to_term(raw, p, executor)
    if executor is not None:
        for var, term in subs.items():
            p = declared[var.value]
            if isinstance(term, ox.NamedNode) and p.class_iri:
                check_instance(executor, term, p)
    return subs


_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
INSTANCE_ASK = f"ASK {{ ?x a ?t . ?t {_SUBCLASS}* ?class }}"
INSTANCES = f"SELECT DISTINCT ?x ?class {{ ?x a ?t . ?t {_SUBCLASS}* ?class }}"


def check_instance(executor: Executor, term: ox.NamedNode, p: Parameter) -> None:
    """Raise :class:`ParameterError` with "did you mean" unless ``term`` is a ``p.class_iri``.

    The one instance check: it runs as an ASK (and, on a miss, a SELECT of the candidates)
    through the executor, so a local store and a remote endpoint answer it the same way. An
    executor may first confirm a plain yes more cheaply (``LocalExecutor.confirms_instance``,
    index lookups for the same ``a/rdfs:subClassOf*`` pattern); a no is always the ASK's.
    """
    assert p.class_iri is not None
    cls = ox.NamedNode(p.class_iri)
    confirms = getattr(executor, "confirms_instance", None)  # sparql.LocalExecutor's shortcut
    if confirms is not None and confirms(term, cls):
        return
    found = executor.query(INSTANCE_ASK, bindings={"x": term, "class": cls}, source="check")
    if found.boolean:
        return
    shown = compact(term.value)
    kind = _document_kind(p)
    item = split_document_item(term.value)
    if kind is not None and item is not None and item[1] == kind:
        hint = _per_document_hint(item[2], kind, _items_by_document(executor, kind))
        raise ParameterError(
            f"parameter {p.name!r}: there is no {compact(p.class_iri)} {shown}{hint}"
        )
    listing = executor.query(INSTANCES, bindings={"class": cls}, source="check")
    x = listing.variables.index("x")
    names = [compact(n.value) for row in listing.rows if isinstance(n := row[x], ox.NamedNode)]
    hint = did_you_mean(shown, names)
    raise ParameterError(f"parameter {p.name!r}: there is no {compact(p.class_iri)} {shown}{hint}")


# --------------------------------------------------------------------------------------------
# Putting the terms into a query: substitutions locally, a VALUES row for a remote server
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """A query ready for an executor: its text, and the substitutions that go with it."""

    text: str
    substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal]


def bind(
    text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None, *, inline: bool
) -> Bound:
    """The one way terms enter a query.

    First choice, local or remote: the terms as constants (:func:`inline_constants`). Where
    the query's shape does not allow that, ``inline=False`` (the local store) leaves the text
    unchanged and passes the terms as pyoxigraph's ``substitutions``, and ``inline=True`` (a
    remote server, which has no substitutions) joins one ``VALUES`` row of re-validated term
    serialisations to the outermost WHERE group.
    """
    subs = {ox.Variable(name): term for name, term in (bindings or {}).items()}
    if not subs:
        return Bound(text, {})
    constant = inline_constants(text, subs)
    if constant is not None:
        return Bound(constant, {})
    if inline:
        return Bound(inject_values(text, subs), {})
    return Bound(text, subs)


def inline_constants(
    text: str, bindings: Mapping[ox.Variable, ox.NamedNode | ox.Literal]
) -> str | None:
    """``text`` with each bound variable replaced by its term, or None where that is unsafe.

    Inside the outermost WHERE group (and a CONSTRUCT template, a DESCRIBE list) every
    occurrence of a bound variable becomes the term's checked serialisation; where the variable
    is also read outside it (the SELECT projection, GROUP BY, ORDER BY, HAVING), one
    ``BIND(term AS ?var)`` at the end of the group keeps it bound to the same value, as a
    substitution would. None (the caller binds another way) when the text has a sub-SELECT, a
    ``VALUES`` block, an ``AS ?var`` of a bound variable, or no WHERE group the lexer finds.

    Where the variables go depends on the text and the variables' names only, never on the
    values, so that analysis is cached (:func:`_template`) and a run only serialises its terms:
    re-lexing and re-scanning the text each run was most of a sub-millisecond query's overhead.
    The texts made for the terms seen last are kept too (:func:`_inlined`): the same terms give
    the same text, so a repeated run skips even the serialising.
    """
    return _inlined(text, tuple((v.value, t) for v, t in bindings.items()))


@functools.lru_cache(maxsize=256)
def _inlined(
    text: str, pairs: tuple[tuple[str, ox.NamedNode | ox.Literal], ...]
) -> str | None:
    """:func:`inline_constants` of ``text`` for the (name, term) ``pairs``."""
    terms = dict(pairs)
    template = _template(text, tuple(terms))
    if template is None:
        return None
    pieces, slots, outside, tail, used = template
    written = {name: term_text(terms[name]) for name in used}
    out = [pieces[0]]
    for name, piece in zip(slots, pieces[1:], strict=True):
        out += (" ", written[name], " ", piece)
    out += [f" BIND({written[name]} AS ?{name})" for name in outside]
    out.append(tail)
    return "".join(out)


_Template = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]


@functools.lru_cache(maxsize=256)
def _template(text: str, names: tuple[str, ...]) -> _Template | None:
    """Where the variables ``names`` are replaced in ``text``, for :func:`inline_constants`.

    ``(pieces, slots, outside, tail, used)``: the text is ``pieces[0]``, then the term of each
    ``slots[i]`` followed by ``pieces[i + 1]``, then a ``BIND`` for each of ``outside`` (in the
    order of ``names``), then ``tail``; ``used`` are the names that occur at all (only their
    terms are serialised). Only names and text are kept, never a value.
    """
    sigils = {f"?{n}": n for n in names}
    sigils.update({f"${n}": n for n in names})
    toks = _lexed(text)
    words = [t.text.upper() for t in toks if t.kind == "word"]
    if words.count("SELECT") > (1 if _form_of(toks) == "SELECT" else 0):
        return None  # a sub-SELECT: its projection would take a constant
    data_blocks = _values_blocks(toks)
    for i, t in enumerate(toks):
        if t.kind != "var" or t.text not in sigils:
            continue
        if i and toks[i - 1].text.upper() == "AS":
            return None  # the query binds it itself
        if any(a <= t.start < b for a, b in data_blocks):
            return None  # a VALUES block lists it
    try:
        start = _where_brace(text)
    except ParameterError:
        return None
    end = _group_end(toks, start)
    form = _form_of(toks)
    if end is None or form is None:
        return None
    first = next(t.start for t in toks if t.kind == "word" and t.text.upper() == form)
    outside: set[str] = set()
    pieces: list[str] = []
    slots: list[str] = []
    last = 0
    for t in toks:
        if t.kind != "var" or t.text not in sigils:
            continue
        in_group = start <= t.start < end
        in_template = form in ("CONSTRUCT", "DESCRIBE") and first < t.start < start
        if not (in_group or in_template):
            outside.add(sigils[t.text])
            continue
        pieces.append(text[last : t.start])
        slots.append(sigils[t.text])
        last = t.end
    pieces.append(text[last:end])
    return (
        tuple(pieces),
        tuple(slots),
        tuple(n for n in names if n in outside),
        "\n" + text[end:],
        tuple(n for n in names if n in outside or n in slots),
    )


@functools.lru_cache(maxsize=64)
def _lexed(text: str) -> tuple[Token, ...]:
    """The tokens of ``text``, kept for the texts seen last: a stored query (and show's and the
    instance check's queries) is lexed once, not at every run (tokens are frozen, so shared)."""
    return tuple(tokens(text))


def _values_blocks(toks: Sequence[Token]) -> list[tuple[int, int]]:
    """The (start, end) offsets of every ``VALUES`` clause, from the keyword to its ``}``."""
    blocks = []
    for i, t in enumerate(toks):
        if t.kind != "word" or t.text.upper() != "VALUES":
            continue
        depth = 0
        for u in toks[i + 1 :]:
            if u.kind == "punct" and u.text == "{":
                depth += 1
            elif u.kind == "punct" and u.text == "}":
                depth -= 1
                if depth == 0:
                    blocks.append((t.start, u.end))
                    break
    return blocks


def _form_of(toks: Sequence[Token]) -> str | None:
    return next(
        (t.text.upper() for t in toks if t.kind == "word" and t.text.upper() in _READ_FORMS),
        None,
    )


def _group_end(toks: Sequence[Token], start: int) -> int | None:
    """The offset of the ``}`` that closes the group opened just before ``start``."""
    depth = 1
    for t in toks:
        if t.start < start or t.kind != "punct":
            continue
        if t.text == "{":
            depth += 1
        elif t.text == "}":
            depth -= 1
            if depth == 0:
                return t.start
    return None


#: An IRI we are willing to write between ``<`` and ``>`` in a query.
_SAFE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\\x7f]*")
_READ_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def _where_brace(text: str) -> int:
    """The offset just after the ``{`` that opens the query's outermost WHERE group."""
    toks = _lexed(text)
    k = next(
        (i for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() in _READ_FORMS),
        None,
    )
    if k is None:
        raise ParameterError(
            "cannot bind parameters: the query is not SELECT, ASK, CONSTRUCT or DESCRIBE"
        )
    form = toks[k].text.upper()
    i = k + 1
    if form == "CONSTRUCT":
        if i < len(toks) and toks[i].kind == "word" and toks[i].text.upper() == "WHERE":
            raise ParameterError(
                "cannot bind parameters of a 'CONSTRUCT WHERE { … }' short-form query remotely"
            )
        depth = 0
        while i < len(toks):  # skip the template
            t = toks[i]
            i += 1
            if t.kind == "punct" and t.text == "{":
                depth += 1
            elif t.kind == "punct" and t.text == "}":
                depth -= 1
                if depth == 0:
                    break
    depth = 0
    for t in toks[i:]:
        if t.kind != "punct":
            continue
        if t.text == "{" and depth == 0:
            return t.end
        if t.text in "({[":
            depth += 1
        elif t.text in ")}]":
            depth -= 1
    raise ParameterError("cannot bind parameters: the query has no WHERE group")


def term_text(term: ox.NamedNode | ox.Literal) -> str:
    """One RDF term as SPARQL text, checked to read back as exactly that term."""
    if isinstance(term, ox.NamedNode):
        if not _SAFE_IRI.fullmatch(term.value):
            raise ParameterError(f"{term.value!r} is not an IRI that can be sent to a server")
        text = f"<{term.value}>"
    elif isinstance(term, ox.Literal):
        text = str(term)  # N-Triples form: quotes, backslashes and line breaks escaped
        if "\n" in text or "\r" in text:  # pragma: no cover - pyoxigraph escapes them
            raise ParameterError("a parameter value could not be escaped")
    else:  # pragma: no cover - bind_parameters makes only IRIs and literals
        raise ParameterError(f"cannot send {type(term).__name__} as a parameter")
    try:
        back = list(ox.parse(f"<urn:x:s> <urn:x:p> {text} .\n", format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError:
        back = []
    if len(back) != 1 or back[0].object != term:
        raise ParameterError("a parameter value could not be written as one RDF term")
    return text


def inject_values(text: str, bindings: Mapping[ox.Variable, ox.NamedNode | ox.Literal]) -> str:
    """Bind ``bindings`` with one ``VALUES`` row at the start of the outermost WHERE group.

    The group's other patterns, OPTIONALs and FILTERs are joined with that row, which gives the
    same answers as pyoxigraph's substitution for the stored queries (no sub-SELECTs).
    """
    if not bindings:
        return text
    names = " ".join(f"?{v.value}" for v in bindings)
    values = " ".join(term_text(t) for t in bindings.values())
    at = _where_brace(text)
    return f"{text[:at]} VALUES ({names}) {{ ({values}) }} {text[at:]}"
