"""Opening the store and loading RDF into it, all-or-nothing, with distinct blank nodes.

The default store is in memory and holds the bundled ontology, data and shapes, each in its own
named graph. ``open_store(DIR)`` opens a persistent on-disk store instead. Only ``load`` creates
one (``create=True``), with the same bundled graphs so that it answers the same questions: a
mistyped ``--store`` on a read command must not answer from a new, silently created store.

Loading streams each file rather than holding it in memory (a 59 MB file once took 1.06 GB).
A load that may fit one transaction is parsed twice: the first pass parses every file
completely and writes nothing, so a syntax error anywhere, even at the end of the last file,
leaves the store exactly as it was; the second pass parses again and writes, in place. A
larger load (by count, or by input size without counting) is written into a staging copy
through pyoxigraph's bulk loader -- not atomic, but the copy is thrown away on any error and
only swapped in complete, so it needs no first pass: about 3x faster at 1M quads than
transactions, at the bulk loader's memory. N-Triples and N-Quads are parsed by the bulk loader
itself (``Store.bulk_load(path=...)``), as fast as pyoxigraph loads a file; other formats go
through :func:`iter_rdf_file` (``_bulk_write``).
``load_into_folder`` (the ``load`` command) is all-or-nothing even under SIGKILL or a full disk:
a load of one transaction into an existing store is written in place; a larger one, or one that
creates the store, is written into a staging copy that then replaces the folder (``swap.py``).
Every parse renames blank nodes (``rename_blank_nodes=True``; ``Store.bulk_load`` does so
itself): pyoxigraph keeps labels as written otherwise, so ``_:b0`` in two files, two loads, or
two exports (which all label ``_:c14nN``) would become one node.

Files are parsed by pyoxigraph, which refuses remote JSON-LD contexts and ``file://`` reads;
RDF/XML entities are checked first (``rdfxml.py``) because pyoxigraph expands them unboundedly.

Over 400 lines because opening and loading share the folder checks, locks and staging swap, and
tests patch the load's steps here by name; splitting the load pipeline into its own module
belongs with the issue-9 module renames, not with the stdin and ``--base`` options.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import re
import signal
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import swap
from .errors import InputError, RdfSyntaxError, StoreError
from .linecount import CountInThread
from .resources import bundled_dir
from .terms import (
    ONTOLOGY_GRAPH,
    PREFIXES,
    SHAPES_GRAPH,
    SHARED_FOLDER,
    SHARED_GRAPH,
    document_graph,
)

__all__ = [
    "RDF_FORMATS",
    "WRITE_BATCH",
    "LoadReport",
    "bundled_quads",
    "open_store",
    "is_store",
    "load_files",
    "check_files",
    "CheckedFiles",
    "write_checked",
    "load_into_folder",
    "parse_rdf_file",
    "iter_rdf_file",
    "base_iri_of",
    "rdf_format_for",
    "graph_iri",
    "graph_names",
]

#: File extensions claimgraph reads, and the pyoxigraph format of each.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".n3": ox.RdfFormat.N3,
}

#: Quads per write transaction: a transaction is held in memory until it commits.
WRITE_BATCH = 50_000


@dataclass(frozen=True)
class LoadReport:
    """What one ``load_files`` call added: quads per file, in the order given."""

    files: tuple[tuple[str, int], ...]
    #: Quads the store gained (its size after less before): 0 when it held them all already.
    added: int | None = None

    @property
    def total(self) -> int:
        return sum(n for _, n in self.files)


def rdf_format_for(path: str | Path) -> ox.RdfFormat:
    suffix = Path(path).suffix.lower()
    try:
        return RDF_FORMATS[suffix]
    except KeyError:
        known = ", ".join(sorted(RDF_FORMATS))
        raise InputError(
            f"unknown RDF file extension {suffix or '(none)'!r}; expected one of {known}",
            path=path,
        ) from None


# ---- graph names --------------------------------------------------------------------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: Schemes written without ``//`` that are taken as IRIs, not as an unknown prefix.
_OPAQUE_SCHEMES = ("urn", "tag", "mailto", "did", "uuid", "info")


def graph_iri(text: str) -> str:
    """A graph name given by a user, as an absolute IRI.

    Accepts ``<iri>``, an absolute IRI, or a prefixed name of claimgraph's prefix table
    (``cgg:ontology``): ``load --graph cgg:ontology`` once stored the IRI ``<cgg:ontology>``.
    """
    value = text.strip()
    bracketed = value.startswith("<") and value.endswith(">")
    if bracketed:
        value = value[1:-1]
    elif ":" in value and value.split(":", 1)[0] in PREFIXES:
        prefix, local = value.split(":", 1)
        value = PREFIXES[prefix] + local
    elif ":" in value and not value.split(":", 1)[1].startswith("//"):
        scheme = value.split(":", 1)[0]
        if scheme.lower() not in _OPAQUE_SCHEMES:
            raise InputError(
                f"unknown prefix {scheme!r} in graph name {text!r}; use a full IRI "
                f"(<{value}>) or one of the prefixes {', '.join(sorted(PREFIXES))}"
            )
    if not _SCHEME.match(value):
        raise InputError(f"graph name {text!r} is not an absolute IRI or a prefixed name")
    try:
        ox.NamedNode(value)
    except ValueError:
        raise InputError(f"graph name {text!r} is not a valid IRI") from None
    return value


# ---- parsing ------------------------------------------------------------------------------


def _syntax_error(e: SyntaxError, shown: str) -> RdfSyntaxError:
    message = e.msg if isinstance(e.msg, str) else str(e)
    # pyoxigraph says "Parser error at line 3 between columns 1 and 4: real message"
    if message.startswith("Parser error") and ": " in message:
        message = message.split(": ", 1)[1]
    return RdfSyntaxError(message, path=shown, line=e.lineno, column=e.offset)


def _precheck(path: str | Path, shown: str, fmt: ox.RdfFormat | None = None) -> ox.RdfFormat:
    """Refuse a file that cannot be parsed safely, before pyoxigraph reads it."""
    fmt = fmt or rdf_format_for(path)
    p = Path(path)
    try:
        mode = p.stat().st_mode
        if stat.S_ISDIR(mode):
            raise InputError("is a folder, not an RDF file", path=shown)
        if not stat.S_ISREG(mode):  # a FIFO or device cannot be read twice (and may block)
            raise InputError("is not a regular file", path=shown)
        with open(p, "rb"):
            pass
    except FileNotFoundError:
        raise InputError("no such file", path=shown) from None
    except OSError as e:
        raise InputError(f"cannot read file: {e.strerror or e}", path=shown) from None
    if fmt == ox.RdfFormat.RDF_XML:
        from .rdfxml import check_rdfxml_entities

        check_rdfxml_entities(p, shown)
    return fmt


def iter_rdf_file(
    path: str | Path,
    *,
    graph: str | None = None,
    display: str | None = None,
    fmt: ox.RdfFormat | None = None,
    base_iri: str | None = None,
) -> Iterator[ox.Quad]:
    """Stream one file's quads with fresh blank nodes; triples go to ``graph`` if given.

    ``fmt`` overrides the format the extension implies (stdin has none); ``base_iri``
    resolves relative IRIs. Raises :class:`RdfSyntaxError` (file, line, column) while
    iterating, at the first error.
    """
    shown = display or str(path)
    fmt = _precheck(path, shown, fmt)
    target = ox.NamedNode(graph) if graph is not None else None
    try:
        for q in ox.parse(path=str(path), format=fmt, base_iri=base_iri, rename_blank_nodes=True):
            if target is not None and isinstance(q.graph_name, ox.DefaultGraph):
                yield ox.Quad(q.subject, q.predicate, q.object, target)
            else:
                yield q
    except SyntaxError as e:
        raise _syntax_error(e, shown) from None
    except (ValueError, OSError) as e:
        raise InputError(f"cannot parse: {getattr(e, 'strerror', None) or e}", path=shown) from None


def parse_rdf_file(
    path: str | Path, *, graph: str | None = None, display: str | None = None
) -> list[ox.Quad]:
    """Parse one file completely (see :func:`iter_rdf_file`)."""
    return list(iter_rdf_file(path, graph=graph, display=display))


def _sorted_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in RDF_FORMATS)


def bundled_quads() -> list[ox.Quad]:
    """The bundled ontology, shapes and documents, each in its named graph."""
    quads: list[ox.Quad] = []
    for path, graph in _bundled_files():
        quads += parse_rdf_file(path, graph=graph)
    return quads


def _bundled_files() -> Iterator[tuple[Path, str]]:
    for path in _sorted_files(bundled_dir("ontology")):
        yield path, ONTOLOGY_GRAPH
    for path in _sorted_files(bundled_dir("shapes")):
        yield path, SHAPES_GRAPH
    data = bundled_dir("data")
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        graph = SHARED_GRAPH if folder.name == SHARED_FOLDER else document_graph(folder.name)
        for path in _sorted_files(folder):
            yield path, graph


def _bundled_in_memory() -> ox.Store:
    """The bundled graphs in a new in-memory store, parsed in Rust without a Python quad loop.

    Every cold ``claimgraph query`` pays for this in its forked child, and building
    :class:`ox.Quad` objects one by one in Python cost about a third of it. ``Store.load``
    keeps blank-node labels as written, so a file that writes a label (``_:x``) -- none of the
    bundled ones does today -- goes through :func:`parse_rdf_file`, which gives it fresh ones;
    anonymous ``[]`` nodes are fresh either way. The result equals :func:`bundled_quads`.
    """
    store = ox.Store()
    for path, graph in _bundled_files():
        fmt = RDF_FORMATS[path.suffix]
        data = path.read_bytes()
        if b"_:" in data or fmt not in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
            store.extend(parse_rdf_file(path, graph=graph))
            continue
        try:
            store.load(data, format=fmt, to_graph=ox.NamedNode(graph))
        except SyntaxError as e:
            raise _syntax_error(e, str(path)) from None
    return store


# ---- opening ------------------------------------------------------------------------------

_MANIFEST = re.compile(rb"MANIFEST-[0-9]+\n")


def is_store(folder: str | Path) -> bool:
    """Whether ``folder`` holds a store: RocksDB's ``CURRENT`` file is there."""
    return (Path(folder) / "CURRENT").exists()


def _no_store(path: str | Path, detail: str = "") -> StoreError:
    return StoreError(
        f"no claimgraph store at {path}{detail} "
        f"(create one with `claimgraph load --store {path} …`)"
    )


def _check_store_files(folder: Path, path: str | Path) -> None:
    """Refuse a damaged store before RocksDB opens it (a failed read-write open writes files)."""
    current = folder / "CURRENT"
    try:
        content = current.read_bytes()[:256] if current.is_file() else b""
    except OSError as e:
        reason = e.strerror or "I/O error"
        raise StoreError(f"broken store: cannot read CURRENT: {reason}", path=path) from None
    if not _MANIFEST.fullmatch(content):
        raise StoreError(
            "broken store: its CURRENT file is empty or damaged "
            "(restore the folder from a backup, or load into a new folder)",
            path=path,
        )
    if not (folder / content.decode().strip()).is_file():
        raise StoreError(
            f"broken store: CURRENT names {content.decode().strip()}, which is missing", path=path
        )


def _open_disk(folder: Path, path: str | Path, *, write: bool) -> ox.Store:
    try:
        return ox.Store(str(folder)) if write else ox.Store.read_only(str(folder))
    except (OSError, RuntimeError) as e:
        # RocksDB's messages carry absolute paths and internals: never shown as they are
        text = str(e).lower()
        if "lock" in text:
            raise StoreError(
                "store is in use by another process (one writer at a time)", path=path
            ) from None
        if isinstance(e, PermissionError) or "permission denied" in text:
            raise StoreError("cannot open store: permission denied", path=path) from None
        if "corruption" in text or isinstance(e, RuntimeError):
            raise StoreError(
                "broken store: its files are damaged or incomplete", path=path
            ) from None
        raise StoreError("cannot open store", path=path) from None


def open_store(
    path: str | Path | None = None, *, write: bool = False, create: bool = False
) -> ox.Store:
    """Open the store claimgraph works on.

    ``path=None``: a new in-memory store holding the bundled graphs. Otherwise the on-disk
    store in folder ``path``, read-only unless ``write`` so that readers never take the
    writer's lock. A folder that does not exist or is empty holds no store: ``create`` makes
    one there (read-write, with the bundled graphs); without it that is an error.
    """
    if path is None:
        return _bundled_in_memory()
    folder = Path(path)
    if not is_store(folder) and swap.leftovers(Path(os.path.realpath(folder)), "old"):
        _finish_swap(Path(os.path.realpath(folder)), path)
    if not _check_folder(folder, path, create=create):
        bundled = bundled_quads()
        with _sigint_deferred():
            store = _open_disk(folder, path, write=True)
            store.extend(bundled)
            store.flush()
        return store
    return _open_disk(folder, path, write=write or create)


def _finish_swap(folder: Path, path: str | Path) -> None:
    """A load killed between the two renames of a swap left no store at ``folder``: finish it."""
    with swap.load_lock(folder, path, wait=True):
        try:
            swap.recover(folder, clean=False)
        except OSError as e:
            raise StoreError(
                f"cannot finish an interrupted load: {e.strerror or e}", path=path
            ) from None


def _check_folder(folder: Path, path: str | Path, *, create: bool) -> bool:
    """Whether ``folder`` holds a sound store (True) or none yet that ``create`` may make."""
    if folder.exists() and not folder.is_dir():
        raise StoreError("is not a store folder (it is a file)", path=path)
    if is_store(folder):
        _check_store_files(folder, path)
        return True
    try:
        occupied = folder.is_dir() and any(folder.iterdir())
    except OSError as e:
        raise StoreError(f"cannot read folder: {e.strerror or 'I/O error'}", path=path) from None
    if occupied:
        if create:
            raise StoreError("folder exists, is not empty and is not a claimgraph store", path=path)
        raise _no_store(path, " (the folder is not empty but holds no store files)")
    if not create:
        raise _no_store(path)
    return False


# ---- loading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Checked:
    path: Path
    shown: str
    count: int
    identity: tuple[int, int, int, int]  # device, inode, size, mtime: unchanged for pass two


def _stat(path: Path) -> tuple[int, int, int, int]:
    s = path.stat()
    return (s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns)


@dataclass(frozen=True)
class CheckedFiles:
    """Files that parsed completely (first pass), ready for :func:`write_checked`."""

    files: tuple[_Checked, ...]
    graph: str | None
    fmt: ox.RdfFormat | None = None
    base_iri: str | None = None


def base_iri_of(text: str) -> str:
    """A ``--base`` value checked as an absolute IRI, before any file is parsed."""
    if not _SCHEME.match(text):
        raise InputError(f"base IRI {text!r} is not an absolute IRI (for example http://ex.org/)")
    try:
        ox.NamedNode(text)
    except ValueError:
        raise InputError(f"base IRI {text!r} is not a valid IRI") from None
    return text


def _shown(
    paths: Sequence[str | Path], names: Sequence[str] | None
) -> Iterator[tuple[Path, str]]:
    """Each path with what messages call it (``names[i]``, else the path as given)."""
    for i, path in enumerate(paths):
        yield Path(path), names[i] if names is not None else str(path)


def check_files(
    paths: Sequence[str | Path],
    *,
    graph: str | None = None,
    fmt: ox.RdfFormat | None = None,
    base_iri: str | None = None,
    names: Sequence[str] | None = None,
) -> CheckedFiles:
    """First pass: parse every file to its end, writing nothing; the first error is raised.

    ``names`` are what messages call the files (a temporary copy of stdin is "stdin").
    """
    iri = graph_iri(graph) if graph is not None else None
    base = base_iri_of(base_iri) if base_iri is not None else None
    checked = []
    for p, shown in _shown(paths, names):
        quads = iter_rdf_file(p, graph=iri, display=shown, fmt=fmt, base_iri=base)
        count = sum(1 for _ in quads)
        checked.append(_Checked(p, shown, count, _stat(p)))
    return CheckedFiles(tuple(checked), iri, fmt, base)


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C while a load is written: it then takes effect once the load is complete."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:
        yield
        return
    old = mask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, old)


def _batches(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    batch: list[ox.Quad] = []
    for q in quads:
        batch.append(q)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _check_unchanged(f: _Checked) -> None:
    try:
        unchanged = _stat(f.path) == f.identity
    except OSError:
        unchanged = False
    if not unchanged:
        raise InputError("the file changed while it was being loaded", path=f.shown)


def _second_pass(checked: CheckedFiles, counts: list[int] | None = None) -> Iterator[ox.Quad]:
    """The files' quads; ``counts`` gets each file's count (a load without a first pass)."""
    for i, f in enumerate(checked.files):
        _check_unchanged(f)
        quads = iter_rdf_file(
            f.path,
            graph=checked.graph,
            display=f.shown,
            fmt=checked.fmt,
            base_iri=checked.base_iri,
        )
        if counts is None:
            yield from quads
            continue
        n = 0
        for n, q in enumerate(quads, 1):  # noqa: B007 - n is the count when the loop ends
            yield q
        counts[i] = n


#: Formats with one statement a line at most and none across lines (pyoxigraph refuses
#: both), so that a file of them that parsed holds as many quads as lines starting with a term.
_LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)


def _bulk_write(store: ox.Store, checked: CheckedFiles) -> list[int]:
    """Each file into the bulk loader; the quads of each (its count from the first pass, if any).

    N-Triples and N-Quads go to ``Store.bulk_load(path=...)``, which parses in Rust: building a
    Python quad per triple was about a third of a 1M-triple load and most of its memory beyond
    the bulk loader's. It renames blank nodes per call (one label, one node per file; fresh
    ones in every file and load), and its syntax errors carry the line and column as
    :func:`iter_rdf_file`'s do. Their count, when no first pass gave it, comes from the lines
    (:mod:`claimgraph.linecount`), counted in a thread meanwhile: the bulk loader releases
    the GIL and keeps about one core busy. Other formats cannot be counted without a parse, so
    their quads still come from :func:`iter_rdf_file` into ``Store.bulk_extend``, counted on
    the way.
    """
    counts = [f.count for f in checked.files]
    for i, f in enumerate(checked.files):
        fmt = checked.fmt or rdf_format_for(f.path)
        if fmt in _LINE_FORMATS:
            _check_unchanged(f)
            counting = CountInThread(f.path, f.shown) if counts[i] < 0 else None
            _bulk_load_file(store, f, fmt, checked)
            if counting is not None:
                counts[i] = counting.result()
        else:
            one = dataclasses.replace(checked, files=(f,))
            counted = [f.count]
            batches = _batches(_second_pass(one, counted), WRITE_BATCH)
            store.bulk_extend(itertools.chain.from_iterable(batches))
            counts[i] = counted[0]
        swap._step(f"file-{i}")
    return counts


def _bulk_load_file(
    store: ox.Store, f: _Checked, fmt: ox.RdfFormat, checked: CheckedFiles
) -> None:
    """One file parsed by pyoxigraph straight into the bulk loader; its errors as ours."""
    graph = ox.NamedNode(checked.graph) if checked.graph is not None else None
    try:
        store.bulk_load(path=str(f.path), format=fmt, to_graph=graph, base_iri=checked.base_iri)
    except SyntaxError as e:
        raise _syntax_error(e, f.shown) from None
    except ValueError as e:
        raise InputError(f"cannot parse: {e}", path=f.shown) from None


def write_checked(store: ox.Store, checked: CheckedFiles, *, bulk: bool = False) -> LoadReport:
    """Second pass: parse again and write, in one transaction when the load is small.

    ``bulk``: through pyoxigraph's bulk loader (sorted files written and ingested, several
    times faster than transactions and no more memory), which is not atomic, so only for a
    staging copy that is discarded on failure (``_load_staged``); see :func:`_bulk_write`.
    """
    total = sum(f.count for f in checked.files)
    counts = [f.count for f in checked.files]
    try:
        with _sigint_deferred():
            if bulk:
                counts = _bulk_write(store, checked)
            elif total <= WRITE_BATCH:
                store.extend(list(_second_pass(checked)))
            else:
                for batch in _batches(_second_pass(checked), WRITE_BATCH):
                    store.extend(batch)
                    if hasattr(store, "flush"):
                        store.flush()  # else RocksDB's memtables grow with the file
            if hasattr(store, "flush"):
                store.flush()
    except OSError as e:
        raise StoreError(f"cannot write to the store: {e.strerror or 'I/O error'}") from None
    return LoadReport(tuple((f.shown, n) for f, n in zip(checked.files, counts, strict=True)))


def _write_measured(
    store: ox.Store, checked: CheckedFiles, *, bulk: bool = False, bundled: bool = False
) -> LoadReport:
    """:func:`write_checked`, with how many quads the store gained (two scans of its size):
    ``load`` says when a load changed nothing.

    ``bundled``: ``store`` is new and empty, and gets the bundled graphs after the files, so
    that a load needs no flush of its own for them before the bulk loader starts; what it
    gained is then counted beyond them.
    """
    before = len(store)
    report = write_checked(store, checked, bulk=bulk) if bulk else write_checked(store, checked)
    if bundled:
        quads = bundled_quads()
        try:
            store.extend(quads)
            store.flush()
        except OSError as e:
            raise StoreError(f"cannot write to the store: {e.strerror or 'I/O error'}") from None
        before += len(set(quads))
    return dataclasses.replace(report, added=len(store) - before)


def load_files(
    store: ox.Store, paths: Sequence[str | Path], *, graph: str | None = None
) -> LoadReport:
    """Add RDF files to ``store``: all of them, or (on any error in any file) none.

    A load larger than ``WRITE_BATCH`` quads is written in batches into this open store, so a
    process killed meanwhile leaves its first batches; ``load_into_folder`` does not.
    """
    return write_checked(store, check_files(paths, graph=graph))


#: Bytes of input per quad below which a load may fit one transaction: input larger than
#: ``WRITE_BATCH`` times this is loaded without a first pass (N-Triples of claim graphs take
#: about 150 bytes a quad; dense Turtle can take 20).
_BYTES_PER_QUAD = 100


def _large_load(
    paths: Sequence[str | Path],
    *,
    graph: str | None,
    fmt: ox.RdfFormat | None,
    base_iri: str | None,
    names: Sequence[str] | None,
) -> CheckedFiles | None:
    """The files, checked only as far as is cheap (readable regular files, RDF/XML entities),
    when they are too large for one transaction (else None).

    Such a load is written into a staging copy that a failure throws away, so the first pass
    (parse everything, write nothing) adds nothing to its all-or-nothing and is skipped: the
    bulk write parses each file once and counts its quads (``count`` is -1 until then).
    """
    iri = graph_iri(graph) if graph is not None else None
    base = base_iri_of(base_iri) if base_iri is not None else None
    files = []
    for p, shown in _shown(paths, names):
        _precheck(p, shown, fmt)
        files.append(_Checked(p, shown, -1, _stat(p)))
    if sum(f.identity[2] for f in files) <= WRITE_BATCH * _BYTES_PER_QUAD:
        return None
    return CheckedFiles(tuple(files), iri, fmt, base)


def load_into_folder(
    folder: str | Path,
    paths: Sequence[str | Path],
    *,
    graph: str | None = None,
    fmt: ox.RdfFormat | None = None,
    base_iri: str | None = None,
    names: Sequence[str] | None = None,
) -> LoadReport:
    """Check the files, then write them into the store in ``folder`` (created if new).

    All or nothing, even if the process is killed or the disk fills: a load of one transaction
    (``WRITE_BATCH`` quads) into an existing store is checked (first pass) and then written in
    place; anything else (a new store, or a larger load) is written into a staging copy that
    then replaces the store folder in one step (``swap.py``) and is thrown away on any error.
    Input larger than ``WRITE_BATCH * _BYTES_PER_QUAD`` bytes is such a load whatever its
    count, so it is parsed once, straight into the bulk loader (:func:`_large_load`). Ctrl-C is
    held until the load is complete.
    """
    target = Path(os.path.realpath(folder))
    _check_folder(target, folder, create=True)  # fail before a long parse
    checked = _large_load(paths, graph=graph, fmt=fmt, base_iri=base_iri, names=names)
    if checked is None or not (not is_store(target) or swap.can_swap(target)):
        checked = check_files(paths, graph=graph, fmt=fmt, base_iri=base_iri, names=names)
    with swap.load_lock(target, folder):
        try:
            swap.recover(target, clean=True)  # a killed load's leftovers
        except OSError as e:
            raise StoreError(
                f"cannot finish an interrupted load: {e.strerror or e}", path=folder
            ) from None
        created = not _check_folder(target, folder, create=True)
        total = sum(f.count for f in checked.files)
        unchecked = total < 0  # a large load: staged, bulk loaded, parsed once
        if not unchecked and not created and (total <= WRITE_BATCH or not swap.can_swap(target)):
            # one transaction: atomic in place (or a mount point, which cannot be swapped)
            return _write_measured(open_store(folder, write=True), checked)
        return _load_staged(target, folder, checked, created=created)


def _load_staged(
    target: Path, shown: str | Path, checked: CheckedFiles, *, created: bool
) -> LoadReport:
    """Write into a staging copy of the store (a checkpoint, or a new store), then swap it in."""
    staging = swap.staging_path(target)
    swap.remove_tree(staging)
    original: ox.Store | None = None
    store: ox.Store | None = None
    try:
        with _sigint_deferred():
            if created:
                store = _open_disk(staging, shown, write=True)  # bundled graphs added last
            else:
                original = open_store(shown, write=True)  # its lock: no other writer meanwhile
                current = (target / "CURRENT").read_bytes()
                try:
                    original.backup(str(staging))
                except OSError as e:
                    raise StoreError(
                        f"cannot copy the store for the load: {e.strerror or 'I/O error'}",
                        path=shown,
                    ) from None
                swap._step("checkpoint")
                store = _open_disk(staging, shown, write=True)
            bulk = (
                any(f.count < 0 for f in checked.files)
                or sum(f.count for f in checked.files) > WRITE_BATCH
            )
            report = _write_measured(store, checked, bulk=bulk, bundled=created)
            store = original = None
            _close_stores(target, staging, shown)
            swap._step("staged")
            if created:
                swap.place_new(target, staging)
                return report
            with swap.rocksdb_lock(target, shown):
                if (target / "CURRENT").read_bytes() != current:
                    raise StoreError(
                        "store was written by another process during the load; nothing was written",
                        path=shown,
                    )
                swap.swap_in(target, staging)
            return report
    except BaseException as e:
        # pyoxigraph has no close(): a store closes when its last reference goes, and the
        # traceback's frames hold some (RocksDB would rewrite CURRENT on a late close)
        import traceback

        traceback.clear_frames(e.__traceback__)
        store = original = None
        import gc

        gc.collect()
        swap.remove_tree(staging)
        if isinstance(e, OSError):
            raise StoreError(
                f"cannot write to the store: {e.strerror or 'I/O error'}", path=shown
            ) from None
        raise


def _close_stores(target: Path, staging: Path, shown: str | Path) -> None:
    """Make sure the staging copy and the original are closed: a late close would write."""
    import gc

    gc.collect()
    still = swap.open_paths_under(staging) + [
        p for p in swap.open_paths_under(target) if p == str(target / "LOCK")
    ]
    if still:
        raise StoreError("internal error: the store is still open before the swap", path=shown)


def graph_names(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
