"""Opening the store and loading RDF into it, all-or-nothing.

The default store is in memory and holds the bundled ontology, data and shapes, each in its own
named graph. ``open_store(DIR)`` opens a persistent on-disk store instead; a new one starts with
the same bundled graphs so that it answers the same questions.

Loading parses every file completely before anything is written, then adds all quads in one
transaction (``Store.extend``): a syntax error in the third file leaves the store exactly as it
was. Files are parsed by pyoxigraph, which refuses remote JSON-LD contexts and ``file://``
reads; RDF/XML with a DOCTYPE is refused because its entities expand without limit.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, RdfSyntaxError, StoreError
from .namespaces import ONTOLOGY_GRAPH, SHAPES_GRAPH, document_graph
from .resources import bundled_dir

__all__ = [
    "RDF_FORMATS",
    "LoadReport",
    "bundled_quads",
    "open_store",
    "load_files",
    "parse_rdf_file",
    "rdf_format_for",
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


@dataclass(frozen=True)
class LoadReport:
    """What one ``load_files`` call added: quads per file, in the order given."""

    files: tuple[tuple[str, int], ...]

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


def parse_rdf_file(
    path: str | Path, *, graph: str | None = None, display: str | None = None
) -> list[ox.Quad]:
    """Parse one file completely; triples (the default graph) go to ``graph`` if given.

    Raises :class:`RdfSyntaxError` with the file, line and column of the first error.
    """
    shown = display or str(path)
    fmt = rdf_format_for(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=shown) from None
    except IsADirectoryError:
        raise InputError("is a folder, not an RDF file", path=shown) from None
    except OSError as e:
        raise InputError(f"cannot read file: {e.strerror or e}", path=shown) from None
    if fmt == ox.RdfFormat.RDF_XML:
        head = data.upper()
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise InputError(
                "RDF/XML with a DOCTYPE or ENTITY declaration is refused "
                "(entity expansion is unbounded)",
                path=shown,
            )
    try:
        quads = list(ox.parse(data, format=fmt))
    except SyntaxError as e:
        message = e.msg if isinstance(e.msg, str) else str(e)
        # pyoxigraph says "Parser error at line 3 between columns 1 and 4: real message"
        if message.startswith("Parser error") and ": " in message:
            message = message.split(": ", 1)[1]
        raise RdfSyntaxError(message, path=shown, line=e.lineno, column=e.offset) from None
    except (ValueError, OSError) as e:
        raise InputError(f"cannot parse: {e}", path=shown) from None
    if graph is not None:
        target = ox.NamedNode(graph)
        quads = [
            ox.Quad(q.subject, q.predicate, q.object, target)
            if isinstance(q.graph_name, ox.DefaultGraph)
            else q
            for q in quads
        ]
    return quads


def _sorted_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in RDF_FORMATS)


def bundled_quads() -> list[ox.Quad]:
    """The bundled ontology, shapes and documents, each in its named graph."""
    quads: list[ox.Quad] = []
    for path in _sorted_files(bundled_dir("ontology")):
        quads += parse_rdf_file(path, graph=ONTOLOGY_GRAPH)
    for path in _sorted_files(bundled_dir("shapes")):
        quads += parse_rdf_file(path, graph=SHAPES_GRAPH)
    data = bundled_dir("data")
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        graph = document_graph(folder.name)
        for path in _sorted_files(folder):
            quads += parse_rdf_file(path, graph=graph)
    return quads


def open_store(path: str | Path | None = None, *, write: bool = False) -> ox.Store:
    """Open the store claimgraph works on.

    ``path=None``: a new in-memory store holding the bundled graphs. Otherwise the on-disk
    store in folder ``path``: created (and filled with the bundled graphs) when it does not
    exist yet; opened read-only unless ``write`` so that readers never take the writer's lock.
    """
    if path is None:
        store = ox.Store()
        store.extend(bundled_quads())
        return store
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise StoreError("is not a store folder", path=path)
    is_new = not (folder / "CURRENT").exists()
    if is_new and folder.is_dir() and any(folder.iterdir()):
        raise StoreError("folder exists, is not empty and is not a claimgraph store", path=path)
    try:
        if is_new or write:
            store = ox.Store(str(folder))
        else:
            store = ox.Store.read_only(str(folder))
    except OSError as e:
        text = str(e)
        if "lock" in text.lower():
            raise StoreError(
                "store is in use by another process (one writer at a time)", path=path
            ) from None
        raise StoreError("cannot open store", path=path) from None
    if is_new:
        store.extend(bundled_quads())
        store.flush()
    return store


def load_files(
    store: ox.Store, paths: Sequence[str | Path], *, graph: str | None = None
) -> LoadReport:
    """Add RDF files to ``store`` in one transaction: all of them, or (on any error) none."""
    if graph is not None:
        _check_iri(graph)
    parsed: list[tuple[str, list[ox.Quad]]] = []
    for path in paths:
        parsed.append((str(path), parse_rdf_file(path, graph=graph)))
    everything: list[ox.Quad] = [q for _, quads in parsed for q in quads]
    try:
        store.extend(everything)
        if hasattr(store, "flush"):
            store.flush()
    except OSError as e:
        raise StoreError(f"cannot write to the store: {e}") from None
    return LoadReport(tuple((name, len(quads)) for name, quads in parsed))


def graph_names(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def _check_iri(iri: str) -> None:
    try:
        ox.NamedNode(iri)
    except ValueError as e:
        raise InputError(f"invalid graph IRI {iri!r}: {e}") from None
    if ":" not in iri:
        raise InputError(f"graph IRI must be absolute: {iri!r}")


def env_store() -> str | None:
    """The store folder named by ``CLAIMGRAPH_STORE``, if any."""
    return os.environ.get("CLAIMGRAPH_STORE") or None


def quads_of(store: ox.Store, graph: str | None) -> Iterable[ox.Quad]:
    if graph is None:
        return store.quads_for_pattern(None, None, None, None)
    return store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
