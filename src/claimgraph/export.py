"""Exporting graphs byte-stably.

The same graph always gives the same bytes: :mod:`serialize` sorts the quads, declares only
the fixed prefixes that occur and renames blank nodes canonically (RDFC-1.0); this module
decides which graphs go out and refuses a one-graph format for several graphs. Writing to a
file goes through a temporary file and a rename, so a failed export never leaves a
half-written file; the file gets the mode a shell redirect would give it (an existing file's
own mode, else 0666 less the umask), not the private 0600 of the temporary file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyoxigraph as ox

from . import formats
from .errors import ClaimgraphError, InputError
from .serialize import serialize_quads

__all__ = ["EXPORT_FORMATS", "export_graphs", "graphs_held", "write_atomic"]

#: The formats export writes, in the order help lists them (names from :mod:`formats`).
EXPORT_FORMATS = ("turtle", "trig", "nquads", "ntriples", "jsonld")


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
            raise InputError(f"the store has no graph <{graph}>; {graphs_held(store)}")
        quads = list(store.quads_for_pattern(None, None, None, node))
    else:
        quads = list(store.quads_for_pattern(None, None, None, None))
        graphs = {str(q.graph_name) for q in quads}
        f = formats.get(fmt)
        if not (f.family == "dataset" or f.holds_datasets) and len(graphs) > 1:
            raise ClaimgraphError(
                f"{fmt} holds one graph and the store has {len(graphs)}; "
                "name one with --graph, or use --format trig or nquads"
            )
    return serialize_quads(quads, fmt)


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
