"""Exporting graphs byte-stably, streamed where the graphs have no blank nodes.

The same graph always gives the same bytes: quads in the order of their N-Quads terms (graph,
subject, predicate, object, each compared as written in N-Triples), only the fixed prefixes
that occur declared, blank nodes renamed canonically (RDFC-1.0). :mod:`serialize` does that in
memory; here, Turtle, N-Triples and N-Quads of graphs without blank nodes are streamed instead:
each graph's triples are read from the store, sorted in chunks of ``SORT_CHUNK`` (chunks beyond
the first spilled to temporary files as N-Triples lines, then merged), and written in groups
through ``ox.serialize`` with the prefixes gathered from the whole graph first -- the same
bytes as the in-memory way (a Turtle group ends only where the subject changes, and the
prefix lines are written once), in memory that does not grow with the graph. Only the quads
with blank nodes are held, to be labelled canonically together (RDFC-1.0), and merged in.
TriG, JSON-LD and blank-node graph names go the in-memory way.
Sorting the N-Triples line ``s p o .`` as a string gives the order of the tuple ``(s, p, o)``:
no term is a prefix of another followed by a character below the space that separates them.

Writing to a file goes through a temporary file and a rename, so a failed export never leaves a
half-written file; the file gets the mode a shell redirect would give it (an existing file's
own mode, else 0666 less the umask), not the private 0600 of the temporary file.
Over 400 lines since export streams (sorted runs on disk, merged): the run sorter is the part
to move into a module of its own next.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from . import formats
from .errors import ClaimgraphError, InputError
from .serialize import (
    PrefixFacts,
    add_prefix_facts,
    prefix_facts,
    prefixes_of,
    serialize_quads,
    sort_prefix_lines,
)
from .terms import PREFIXES, split_document_item

__all__ = [
    "EXPORT_FORMATS",
    "SORT_CHUNK",
    "export_graphs",
    "iter_export",
    "graphs_held",
    "write_atomic",
    "write_into",
    "atomic_target",
]

#: The formats export writes, in the order help lists them (names from :mod:`formats`).
EXPORT_FORMATS = ("turtle", "trig", "nquads", "ntriples", "jsonld")
#: The formats streamed when the graphs have no blank nodes.
_STREAMED = ("turtle", "ntriples", "nquads")
#: Triples sorted in memory at a time (about 50 MB); larger graphs are sorted in runs.
SORT_CHUNK = 200_000
#: Triples per ``ox.serialize`` call of a streamed Turtle export.
_GROUP = 20_000


def export_graphs(store: ox.Store, *, graph: str | None = None, fmt: str | None = None) -> bytes:
    """Serialise all graphs (``graph=None``) or one named graph in ``fmt``."""
    return b"".join(iter_export(store, graph=graph, fmt=fmt))


def iter_export(
    store: ox.Store, *, graph: str | None = None, fmt: str | None = None
) -> Iterator[bytes]:
    """:func:`export_graphs` in pieces (their concatenation); bad arguments raise at once."""
    fmt = fmt or ("turtle" if graph else "trig")
    if fmt not in EXPORT_FORMATS:
        raise ClaimgraphError(
            f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}"
        )
    names: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]
    if graph is not None:
        from .store import graph_iri

        graph = graph_iri(graph)
        node = ox.NamedNode(graph)
        if not store.contains_named_graph(node):
            raise InputError(f"the store has no graph <{graph}>; {graphs_held(store)}")
        names = [node]
    else:
        held = [*store.named_graphs(), ox.DefaultGraph()]
        names = [g for g in held if _nonempty(store, g)]
        f = formats.get(fmt)
        if not (f.family == "dataset" or f.holds_datasets) and len(names) > 1:
            raise ClaimgraphError(
                f"{fmt} holds one graph and the store has {len(names)}; "
                "name one with --graph, or use --format trig or nquads"
            )
    return _export(store, names, fmt)


def _nonempty(store: ox.Store, g: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, g)), None) is not None


def _export(
    store: ox.Store, names: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph], fmt: str
) -> Iterator[bytes]:
    if fmt in _STREAMED and not any(isinstance(g, ox.BlankNode) for g in names):
        sorted_graphs = _sort_graphs(store, sorted(names, key=str), fmt)
        if sorted_graphs is not None:
            yield from _write_sorted(sorted_graphs, fmt)
            return
    quads = (q for g in names for q in store.quads_for_pattern(None, None, None, g))
    yield serialize_quads(quads, fmt)


class _SortedGraph:
    """One graph's triples as sorted N-Triples lines (UTF-8 bytes, whose order is that of the
    code points): runs spilled to files, plus the last run and the (canonically relabelled)
    triples with blank nodes, both in memory."""

    def __init__(self, name: ox.NamedNode | ox.DefaultGraph) -> None:
        self.name = name
        self.runs: list[BinaryIO] = []  # unlinked temporary files: a killed export leaves none
        self.last: list[bytes] = []
        self.blank: list[bytes] = []

    def blocks(self) -> Iterator[list[bytes]]:
        """The lines in order, in non-empty lists: handled a list at a time, not a line."""
        if not self.runs and not self.blank:
            if self.last:
                yield self.last
            return
        with contextlib.ExitStack() as files:
            readers = [_blocks(files.enter_context(run)) for run in self.runs]
            yield from _merge([*readers, iter([self.last]), iter([self.blank])])


#: Bytes read from a run at a time (some 6,000 lines).
_BLOCK = 1 << 20


def _blocks(f: BinaryIO) -> Iterator[list[bytes]]:
    """A run's lines, split a block of bytes at a time (reading it line by line, and cutting
    each line's break off, took several times longer)."""
    f.seek(0)
    rest = b""
    while data := f.read(_BLOCK):
        data = rest + data
        cut = data.rfind(b"\n")
        rest = data[cut + 1 :]
        if cut >= 0:
            yield data[:cut].split(b"\n")
    assert not rest, "a run ends with a line break"


def _merge(sources: list[Iterator[list[bytes]]]) -> Iterator[list[bytes]]:
    """Sorted runs, each given as blocks of lines, merged a block at a time (``heapq.merge``
    took a microsecond a line): every line up to the smallest last line of the current blocks
    comes before every line not yet read, so those lines go out, sorted together."""
    current = [(block, source) for source in sources if (block := next(source, []))]
    while current:
        frontier = min(block[-1] for block, _ in current)
        out: list[bytes] = []
        remaining = []
        for block, source in current:
            cut = bisect.bisect_right(block, frontier)
            out += block[:cut]
            rest = block[cut:] or next(source, [])
            if rest:
                remaining.append((rest, source))
        current = remaining
        out.sort()
        yield out


def _line(s: object, p: object, o: object) -> bytes:
    return f"{s} {p} {o} .".encode()


_IRI = rb"<([^>]*)>"
#: One N-Triples line as pyoxigraph writes it: subject and predicate IRIs, then an IRI, a
#: literal (its datatype IRI, or its language), or something else (a triple term).
_TRIPLE_LINE = re.compile(
    rb"^"
    + _IRI
    + rb" "
    + _IRI
    + rb" (?:"
    + _IRI
    + rb'|(")(?:[^"\\\n]|\\.)*"(?:(\^\^)'
    + _IRI
    + rb"|@([^ \n]+))?|(.+)) \.$",
    re.M,
)
_DOC_STR = PREFIXES["doc"]
_DOC = _DOC_STR.encode()
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _line_iris(line: bytes) -> set[str]:
    """The IRIs of one line without blank nodes, datatypes included (as
    :func:`serialize.used_prefixes` counts them: the terms of a triple term are not)."""
    row = _TRIPLE_LINE.match(line)
    if row is None:  # a line of another shape: ask the parser
        iris: set[str] = set()
        for t in ox.parse(line + b"\n", format=ox.RdfFormat.N_TRIPLES):
            for term in (t.subject, t.predicate, t.object):
                if isinstance(term, ox.NamedNode):
                    iris.add(term.value)
                elif isinstance(term, ox.Literal):
                    iris.add(term.datatype.value)
        return iris
    s, p, o, literal, _, datatype, language, _ = row.groups()
    iris = {i.decode() for i in (s, p, o, datatype) if i is not None}
    if language is not None:
        iris.add(_RDF_LANG_STRING)
    elif literal is not None and datatype is None:
        iris.add(_XSD_STRING)
    return iris


def _on_some_line(
    text: bytes, needle: bytes, test: Callable[[set[str]], bool], start: int = 0
) -> bool:
    """Whether some line of ``text`` holding ``needle`` (from ``start`` on) has IRIs that pass
    ``test``."""
    at = text.find(needle, start)
    while at >= 0:
        start = text.rfind(b"\n", 0, at) + 1
        end = text.find(b"\n", at)
        end = len(text) if end < 0 else end
        if test(_line_iris(text[start:end])):
            return True
        at = text.find(needle, end)
    return False


#: Where an item minted under a document is written: ``<doc/DOC/KIND/``.
_DOC_ITEM = re.compile(re.escape(b"<" + _DOC) + rb'([^/<>" \n]*)/([^/<>" \n]*)/')
#: Lines whose object is a plain literal (xsd:string), or one with a language (rdf:langString).
_PLAIN = re.compile(rb'" \.$', re.M)
_LANGUAGE = re.compile(rb'"@[A-Za-z0-9-]+ \.$', re.M)


def _new_facts(text: bytes, known: PrefixFacts) -> PrefixFacts:
    """The prefix facts of the lines ``text`` (no blank nodes) that ``known`` lacks.

    Every IRI term is written ``<iri>``, so a namespace or a document's kind of items that no
    ``<`` followed by it occurs in (a search at C speed) has no IRI in the lines; where one
    occurs, the line is read exactly, as literals may hold such text, until one has it as a
    term. Splitting every line (as the in-memory way reads every term) took about a fifth of a
    1M-triple Turtle export; after a graph's first chunk there is rarely anything to read.
    """
    used, kinds = known
    more: set[str] = set()
    for prefix, ns in PREFIXES.items():

        def under(iris: set[str], ns: str = ns) -> bool:
            return any(i.startswith(ns) for i in iris)

        if prefix not in used and _on_some_line(text, b"<" + ns.encode(), under):
            more.add(prefix)
    implicit = ((_XSD_STRING, _PLAIN), (_RDF_LANG_STRING, _LANGUAGE))
    for iri, line_end in implicit:
        prefix = next(p for p, ns in PREFIXES.items() if iri.startswith(ns))
        if prefix not in used and prefix not in more and line_end.search(text):
            more.add(prefix)
    found: dict[str, set[str]] = {}
    if b"<" + _DOC in text:
        first: dict[tuple[bytes, bytes], int] = {}
        for m in _DOC_ITEM.finditer(text):
            first.setdefault(m.groups(), m.start())  # type: ignore[arg-type]
        for (doc_b, kind_b), at in first.items():
            doc, kind = doc_b.decode(), kind_b.decode()
            if doc in kinds.get(kind, ()) or not split_document_item(f"{_DOC_STR}{doc}/{kind}/x"):
                continue  # known, or no item can have this document and kind

            def item(iris: set[str], doc: str = doc, kind: str = kind) -> bool:
                return any((split_document_item(i) or ())[:2] == (doc, kind) for i in iris)

            if _on_some_line(text, b"<" + _DOC + doc_b + b"/" + kind_b + b"/", item, at):
                found.setdefault(kind, set()).add(doc)
    return more, found


class _Sorter:
    """Takes a graph's N-Triples from ``Store.dump`` (as a file it writes) and sorts it in runs."""

    def __init__(self, graph: _SortedGraph, facts: PrefixFacts | None) -> None:
        self.graph = graph
        self.facts = facts
        self.rest = b""
        self.chunk: list[bytes] = []
        self.blank: list[bytes] = []
        self.count = 0

    def write(self, data: bytes) -> int:
        text = self.rest + data
        cut = text.rfind(b"\n") + 1
        self.rest = text[cut:]
        lines = text[:cut].split(b"\n")
        lines.pop()
        if b"_:" in text:
            kept = []
            for line in lines:
                if b"_:" in line and _has_blank_node(line):
                    self.blank.append(line)
                else:
                    kept.append(line)
            lines = kept
        self.chunk += lines
        if len(self.chunk) >= SORT_CHUNK:
            self._spill()
        return len(data)

    def flush(self) -> None:
        pass

    def _spill(self) -> None:
        chunk, self.chunk = self.chunk, []
        chunk.sort()
        self.count += len(chunk)
        text = b"\n".join(chunk)
        self._add_facts(text)
        run = tempfile.TemporaryFile(prefix="claimgraph-export-")
        self.graph.runs.append(run)
        run.write(text)
        run.write(b"\n")

    def _add_facts(self, text: bytes) -> None:
        if self.facts is not None:
            add_prefix_facts(self.facts, _new_facts(text, self.facts))

    def close(self) -> None:
        assert not self.rest, "N-Triples from the store end with a line break"
        self.chunk.sort()
        self.count += len(self.chunk)
        if self.facts is not None and self.chunk:
            self._add_facts(b"\n".join(self.chunk))
        self.graph.last = self.chunk


def _has_blank_node(line: bytes) -> bool:
    t = next(iter(ox.parse(line + b"\n", format=ox.RdfFormat.N_TRIPLES)))
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _sort_graphs(
    store: ox.Store,
    names: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph],
    fmt: str,
) -> tuple[list[_SortedGraph], PrefixFacts | None] | None:
    """Each graph's triples sorted (spilling runs to temporary files), and the prefixes' facts;
    None when there is none at all (the in-memory way says how an empty export reads).

    The store writes each graph as N-Triples (``Store.dump``, as fast as it reads its quads)
    into a :class:`_Sorter`. Triples with a blank node are kept apart, in memory, and relabelled
    together by RDFC-1.0: it labels a blank node from the quads that mention blank nodes only,
    so the labels are those of relabelling all the quads at once (as
    :func:`serialize.canonical_quads` does).
    """
    facts: PrefixFacts | None = (set(), {}) if fmt == "turtle" else None
    graphs: dict[str, _SortedGraph] = {}
    blank: list[ox.Quad] = []
    count = 0
    for name in names:
        assert not isinstance(name, ox.BlankNode)
        graph = graphs[str(name)] = _SortedGraph(name)
        sorter = _Sorter(graph, facts)
        store.dump(sorter, format=ox.RdfFormat.N_TRIPLES, from_graph=name)  # type: ignore[arg-type]
        sorter.close()
        count += sorter.count
        if sorter.blank:
            triples = ox.parse(b"\n".join(sorter.blank) + b"\n", format=ox.RdfFormat.N_TRIPLES)
            blank += (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    if blank:
        count += len(blank)
        dataset = ox.Dataset(blank)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        iris = set()
        for q in dataset:
            graphs[str(q.graph_name)].blank.append(_line(q.subject, q.predicate, q.object))
            for t in (q.subject, q.predicate, q.object):
                if isinstance(t, ox.NamedNode):
                    iris.add(t.value)
                elif isinstance(t, ox.Literal):
                    iris.add(t.datatype.value)
        for graph in graphs.values():
            graph.blank.sort()
        if facts is not None:
            add_prefix_facts(facts, prefix_facts(iris))
    if count == 0:
        return None
    return list(graphs.values()), facts


def _write_sorted(
    sorted_graphs: tuple[list[_SortedGraph], PrefixFacts | None], fmt: str
) -> Iterator[bytes]:
    graphs, facts = sorted_graphs
    if fmt == "turtle":
        assert facts is not None and len(graphs) == 1
        yield from _turtle(graphs[0].blocks(), prefixes_of(*facts))
        return
    for graph in graphs:
        named = fmt == "nquads" and not isinstance(graph.name, ox.DefaultGraph)
        end = f" {graph.name} .\n".encode()
        for batch in _groups(graph.blocks()):
            text = b"\n".join(batch) + b"\n"
            if named:  # every line ends with " .", and no term holds a raw line break
                text = text.replace(b" .\n", end)
            yield text


def _groups(blocks: Iterator[list[bytes]]) -> Iterator[list[bytes]]:
    """The lines of ``blocks`` in lists of at least ``_GROUP`` (but the last)."""
    batch: list[bytes] = []
    for block in blocks:
        batch += block
        if len(batch) >= _GROUP:
            yield batch
            batch = []
    if batch:
        yield batch


def _turtle(blocks: Iterator[list[bytes]], prefixes: dict[str, str]) -> Iterator[bytes]:
    """Sorted triples as Turtle, about ``_GROUP`` at a time, each group ending with a subject:
    a group holds all of its last subject's triples, and the next starts with a new one."""
    first = True
    pending: list[bytes] = []
    for batch in _groups(blocks):
        batch = pending + batch
        subject = batch[-1][: batch[-1].index(b" ") + 1]
        cut = len(batch) - 1
        while cut > 0 and batch[cut - 1].startswith(subject):
            cut -= 1
        if cut == 0:  # one subject so far: its triples may go on in the next lines
            pending = batch
            continue
        pending = batch[cut:]
        yield _turtle_group(batch[:cut], prefixes, first=first)
        first = False
    if pending:
        yield _turtle_group(pending, prefixes, first=first)


def _turtle_group(batch: list[bytes], prefixes: dict[str, str], *, first: bool) -> bytes:
    """One group as Turtle: the prefix lines (sorted) only in the first.

    The lines are the store's own N-Triples, so they are parsed ``lenient``: without checking
    each IRI again, which was about half of this step (the same triples come out).
    """
    triples = ox.parse(b"\n".join(batch) + b"\n", format=ox.RdfFormat.N_TRIPLES, lenient=True)
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    return sort_prefix_lines(data) if first else data[_header_length(data) :]


def _header_length(data: bytes) -> int:
    """Bytes of the leading ``@prefix`` lines of Turtle."""
    end = 0
    while data.startswith(b"@prefix ", end):
        end = data.index(b"\n", end) + 1
    return end


def graphs_held(store: ox.Store) -> str:
    """The store's graphs with their sizes, for an error about a graph it does not have."""
    from .graphs import graph_counts
    from .terms import compact

    counts = graph_counts(store)
    if not counts:
        return "it has no named graphs"
    listed = ", ".join(f"{compact(g)} ({n} triple{'s' if n != 1 else ''})" for g, n in counts)
    return f"it has {listed}"


def _umask() -> int:
    try:  # Linux reports it without changing it
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: bytes | Iterable[bytes]) -> int:
    """Write ``data`` (bytes, or pieces of them) to ``path`` via a temporary file in the same
    folder and a rename; the number of bytes written."""
    with atomic_target(path) as tmp:
        return write_into(tmp, path, [data] if isinstance(data, bytes) else data)


def write_into(tmp: str | Path, shown: str | Path, pieces: Iterable[bytes]) -> int:
    """Write ``pieces`` into the file ``tmp`` (from :func:`atomic_target`); bytes written."""
    size = 0
    try:
        with open(tmp, "wb") as f:
            for piece in pieces:
                f.write(piece)
                size += len(piece)
    except OSError as e:
        raise InputError(f"cannot write: {e.strerror or e}", path=shown) from None
    return size


@contextlib.contextmanager
def atomic_target(path: str | Path) -> Iterator[str]:
    """A temporary file beside ``path`` to write; renamed to ``path`` if the block succeeds,
    removed if it fails (or is interrupted)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("folder does not exist", path=folder)
    if target.is_dir():
        raise InputError("is a folder, not a file", path=path)
    try:
        mode = target.stat().st_mode & 0o7777 if target.is_file() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
        os.close(fd)
    except OSError as e:
        raise InputError(f"cannot write: {e.strerror or e}", path=path) from None
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as e:
        raise InputError(f"cannot write: {e.strerror or e}", path=path) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
