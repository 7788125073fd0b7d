"""Every text anchor checked against its document's text: the provenance check SHACL cannot make.

SHACL sees only the graph, so an anchor whose offsets were shifted still conforms: its offsets
are integers and its SHA-256 is 64 hex digits. Whether ``text[start:end]`` still hashes to the
recorded SHA-256 needs the text, which the graph names (``cg:fileName``) and fingerprints
(``cg:sha256`` on the document) but does not hold. This module finds that text
(:class:`~claimgraph.texts.TextSources`) and compares every span.

Anchors are read with one SPARQL query by their properties (``cg:anchor``, ``oa:hasSource``,
``oa:hasSelector``, ``oa:start``, ``oa:end``, ``cg:sha256``), never by the shape of their IRIs,
so the check does not care how claims, citations or documents are named.

A text whose SHA-256 differs from the document's recorded one is reported, and its spans are not
checked: the offsets count characters of the recorded text, so against another text a mismatch
would not show that an anchor is wrong, nor a match that it is right, and one wrong file would
bury the one real cause under a violation per anchor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .terms import compact
from .texts import TEXTS_ENV, TextSources, read_named_file

__all__ = ["ANCHORS_QUERY", "Anchor", "DocumentCheck", "SpanMismatch", "check_anchors"]

#: Every anchor with its span, hash, owner (claim, citation, section…) and document, in one query.
ANCHORS_QUERY = """
PREFIX cg: <https://w3id.org/claimgraph/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?doc ?docLabel ?file ?fileSha ?owner ?via ?label ?anchor ?start ?end ?sha WHERE {
  ?anchor oa:hasSource ?doc ; oa:hasSelector ?pos ; cg:sha256 ?sha .
  ?pos oa:start ?start ; oa:end ?end .
  OPTIONAL {
    VALUES ?via { cg:anchor cg:datedBy }  # a claim's, citation's… span; where an event is dated
    ?owner ?via ?anchor . OPTIONAL { ?owner rdfs:label ?label }
  }
  OPTIONAL { ?doc cg:fileName ?file }
  OPTIONAL { ?doc cg:sha256 ?fileSha }
  OPTIONAL { ?doc rdfs:label ?docLabel }
}
"""

Node = ox.NamedNode | ox.BlankNode


@dataclass(frozen=True)
class Anchor:
    """One anchor: ``owner`` is what points at it (None when nothing does), ``via`` how
    (``cg:anchor`` or ``cg:datedBy``, compact)."""

    node: Node
    owner: Node | None
    owner_label: str | None
    start: int
    end: int
    sha256: str
    via: str | None = None


@dataclass(frozen=True)
class SpanMismatch:
    """An anchor whose span does not hash to its SHA-256; ``actual`` None: not inside the text."""

    anchor: Anchor
    actual: str | None


@dataclass
class DocumentCheck:
    """What became of one document's anchors.

    ``status`` is ``checked`` (the text was at hand and is the recorded one), ``absent`` (no text:
    nothing checked; ``hint`` says how to supply it) or ``differs`` (a text with another SHA-256
    was at hand: nothing checked, see the module's docstring).
    """

    document: Node
    label: str | None
    file_name: str | None
    recorded_sha256: str | None
    status: str
    anchors: list[Anchor] = field(default_factory=list)
    text: Path | None = None
    text_sha256: str | None = None
    text_length: int | None = None
    mismatches: list[SpanMismatch] = field(default_factory=list)
    hint: str | None = None


@dataclass(frozen=True)
class _Text:
    path: Path
    data: bytes
    sha256: str


def _value(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else None


def _first(values: Iterable[str | None]) -> str | None:
    present = sorted(v for v in values if v is not None)
    return present[0] if present else None


def _read_anchors(store: ox.Store) -> list[DocumentCheck]:
    """The documents that have anchors, each with its anchors in text order (status unset)."""
    rows = store.query(ANCHORS_QUERY, use_default_graph_as_union=True)
    docs: dict[Node, dict[str, set[str | None]]] = {}
    anchors: dict[Node, dict[tuple[Node, Node | None, int, int, str, str | None], str | None]]
    anchors = {}
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        doc, anchor, owner = row["doc"], row["anchor"], row["owner"]
        if not isinstance(doc, ox.NamedNode | ox.BlankNode):
            continue
        if not isinstance(anchor, ox.NamedNode | ox.BlankNode):
            continue
        try:
            start, end = int(row["start"].value), int(row["end"].value)  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            continue  # not integers: SHACL's selector shape reports them
        about = docs.setdefault(doc, {"file": set(), "sha": set(), "label": set()})
        about["file"].add(_value(row["file"]))
        about["sha"].add(_value(row["fileSha"]))
        about["label"].add(_value(row["docLabel"]))
        owned = owner if isinstance(owner, ox.NamedNode | ox.BlankNode) else None
        via = compact(row["via"].value) if owned is not None and row["via"] else None
        key = (anchor, owned, start, end, _value(row["sha"]) or "", via)
        seen = anchors.setdefault(doc, {})
        seen[key] = seen.get(key) or _value(row["label"])
    checks = []
    for doc, about in docs.items():
        listed = sorted(
            (
                Anchor(k[0], k[1], label, k[2], k[3], k[4], k[5])
                for k, label in anchors[doc].items()
            ),
            key=lambda a: (a.start, a.end, str(a.owner), str(a.node)),
        )
        checks.append(
            DocumentCheck(
                document=doc,
                label=_first(about["label"]),
                file_name=_first(about["file"]),
                recorded_sha256=_first(about["sha"]),
                status="absent",
                anchors=listed,
            )
        )
    checks.sort(key=lambda c: str(c.document))
    return checks


def _load(path: Path) -> _Text:
    """A text the user named: unreadable is bad input (exit 2), never "nothing to check"."""
    data = read_named_file(path, what="--text takes a text file")
    return _Text(path, data, hashlib.sha256(data).hexdigest())


def _peek(path: Path) -> _Text | None:
    """A text the environment offers: one that is not there is simply not on offer."""
    try:
        return _load(path) if path.is_file() else None
    except InputError:
        return None


def _describe(checks: list[DocumentCheck]) -> str:
    def name(node: Node) -> str:
        return compact(node.value) if isinstance(node, ox.NamedNode) else f"_:{node.value}"

    return ", ".join(
        name(c.document) + (f" ({c.file_name})" if c.file_name else "") for c in checks
    )


def _assign_given(checks: list[DocumentCheck], given: tuple[Path, ...]) -> dict[int, _Text]:
    """Each named text to its document: by SHA-256, then by file name, then (one document, one
    text) as that document's, so a wrong file is reported rather than refused."""
    texts = [_load(p) for p in given]
    assigned: dict[int, _Text] = {}
    by_name: list[_Text] = []
    for text in texts:
        hits = [i for i, c in enumerate(checks) if c.recorded_sha256 == text.sha256]
        for i in hits:
            assigned.setdefault(i, text)
        if not hits:
            by_name.append(text)
    unmatched = []
    for text in by_name:
        hits = [
            i for i, c in enumerate(checks) if c.file_name == text.path.name and i not in assigned
        ]
        if hits:
            assigned[hits[0]] = text
        else:
            unmatched.append(text)
    if unmatched and len(checks) == 1 and len(texts) == 1:
        assigned[0] = unmatched.pop()
    if unmatched:
        text = unmatched[0]
        if not checks:
            raise InputError(
                "the graph has no anchored document to check this text against", path=text.path
            )
        raise InputError(
            "no other document of the graph has this text's SHA-256 or file name "
            f"({text.path.name}); its documents: {_describe(checks)}",
            path=text.path,
        )
    return assigned


def _offered(check: DocumentCheck, sources: TextSources) -> _Text | None:
    """The environment's text for a document: one with its SHA-256, else one with its name."""
    candidates = [f / check.file_name for f in sources.folders if check.file_name]
    candidates += list(sources.offered)
    stale = None
    for path in candidates:
        text = _peek(path)
        if text is None:
            continue
        if check.recorded_sha256 is not None and text.sha256 == check.recorded_sha256:
            return text
        if path.name == check.file_name:
            if check.recorded_sha256 is None:
                return text
            stale = stale or text
    return stale


def _hint(check: DocumentCheck, sources: TextSources) -> str:
    if not check.file_name:
        return "the graph records no file name for it (cg:fileName); give its text with --text FILE"
    folders = ", ".join(str(f) for f in sources.folders)
    where = f" (not found in {folders})" if folders else ""
    return f"give --text FILE or put {check.file_name} in a folder named by {TEXTS_ENV}{where}"


def _compare(check: DocumentCheck, text: _Text) -> None:
    check.text, check.text_sha256 = text.path, text.sha256
    if check.recorded_sha256 is not None and text.sha256 != check.recorded_sha256:
        check.status = "differs"
        return
    try:
        content = text.data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"cannot read text: not UTF-8 ({e.reason})", path=text.path) from None
    check.status, check.text_length = "checked", len(content)
    for anchor in check.anchors:
        if not 0 <= anchor.start <= anchor.end <= len(content):
            check.mismatches.append(SpanMismatch(anchor, None))
            continue
        span = content[anchor.start : anchor.end].encode("utf-8")
        actual = hashlib.sha256(span).hexdigest()
        if actual != anchor.sha256:
            check.mismatches.append(SpanMismatch(anchor, actual))


def check_anchors(store: ox.Store, sources: TextSources) -> list[DocumentCheck]:
    """Check every anchor of ``store`` (all graphs) against its document's text, where at hand.

    Raises :class:`InputError` for a ``given`` text that cannot be read or serves no document.
    """
    checks = _read_anchors(store)
    given = _assign_given(checks, sources.given)
    for i, check in enumerate(checks):
        text = given.get(i) or _offered(check, sources)
        if text is None:
            check.hint = _hint(check, sources)
        else:
            _compare(check, text)
    return checks
