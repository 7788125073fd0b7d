"""Exporting graphs byte-stably.

The same graph always gives the same bytes: quads are sorted, prefixes are the fixed set
claimgraph uses (only those that occur), and blank nodes, whose labels pyoxigraph changes on
every load, are renamed canonically (RDFC-1.0) first. Writing to a file goes through a
temporary file and a rename, so a failed export never leaves a half-written file; the file gets
the mode a shell redirect would give it (an existing file's own mode, else 0666 less the umask),
not the private 0600 of the temporary file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyoxigraph as ox

from .errors import ClaimgraphError, InputError
from .render import GRAPH_FORMATS, sort_prefix_lines, used_prefixes

__all__ = ["EXPORT_FORMATS", "export_graphs", "write_atomic"]

EXPORT_FORMATS = ("turtle", "trig", "nquads", "ntriples", "jsonld")
_DATASET_FORMATS = ("trig", "nquads", "jsonld")


def export_graphs(store: ox.Store, *, graph: str | None = None, fmt: str | None = None) -> bytes:
    """Serialise all graphs (``graph=None``) or one named graph in ``fmt``."""
    fmt = fmt or ("turtle" if graph else "trig")
    if fmt not in EXPORT_FORMATS:
        raise ClaimgraphError(
            f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}"
        )
    if graph is not None:
        from .store import graph_iri

        graph = graph_iri(graph)
        node = ox.NamedNode(graph)
        if not store.contains_named_graph(node):
            raise InputError(f"the store has no graph <{graph}>")
        quads = list(store.quads_for_pattern(None, None, None, node))
    else:
        quads = list(store.quads_for_pattern(None, None, None, None))
        graphs = {str(q.graph_name) for q in quads}
        if fmt not in _DATASET_FORMATS and len(graphs) > 1:
            raise ClaimgraphError(
                f"{fmt} holds one graph and the store has {len(graphs)}; "
                "name one with --graph, or use --format trig or nquads"
            )
    if any(_has_blank(q) for q in quads):
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = list(dataset)
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    prefixes = used_prefixes(t for q in quads for t in (q.subject, q.predicate, q.object))
    kwargs: dict[str, object] = {}
    if fmt in ("turtle", "trig", "jsonld"):
        kwargs["prefixes"] = prefixes
    items: list[ox.Quad] | list[ox.Triple]
    if fmt in _DATASET_FORMATS:
        items = quads
    else:
        items = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    data = ox.serialize(items, format=GRAPH_FORMATS[fmt], **kwargs)  # type: ignore[arg-type]
    return sort_prefix_lines(data or b"")


def _has_blank(q: ox.Quad) -> bool:
    return (
        isinstance(q.subject, ox.BlankNode)
        or isinstance(q.object, ox.BlankNode)
        or isinstance(q.graph_name, ox.BlankNode)
    )


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


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("folder does not exist", path=folder)
    if target.is_dir():
        raise InputError("is a folder, not a file", path=path)
    try:
        mode = target.stat().st_mode & 0o7777 if target.is_file() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as e:
        raise InputError(f"cannot write: {e.strerror or e}", path=path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), mode)
            f.write(data)
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write: {e.strerror or e}", path=path) from None
