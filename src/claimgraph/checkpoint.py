"""A throwaway copy of an on-disk store with some graphs left out, for reading the rest as one.

Why: validation reads every graph but the shapes graph. Named as a list of graphs, every
triple pattern costs RocksDB one seek per graph of the list (issue 13: 2.3x slower than the
union of all graphs at 100k triples). A RocksDB checkpoint (hard links beside the store: made
in a fraction of a second, whatever its size) from which the shapes graph is removed holds
exactly the data graph, so every query reads the union of its graphs -- the same triples, no
reasoning needed about whether a shape could match its own triples.

The checkpoint lives in ``.DIR.claimgraph-check.PID.XXXX`` beside the store folder ``DIR`` (the
same filesystem, so the links are links, not copies) and is removed afterwards; one a killed
process left is removed by the next checkpoint of the same store. When none can be made (the
parent folder is read-only, another filesystem, an in-memory store), :func:`without_graphs`
yields None and the caller reads the graph list instead: slower, the same answers.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from .swap import remove_tree

__all__ = ["without_graphs"]

_TAG = ".claimgraph-check."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _remove_stale(folder: Path) -> None:
    """Checkpoints of ``folder`` whose process is gone (killed during a validation)."""
    try:
        left = list(folder.parent.glob(f".{folder.name}{_TAG}*"))
    except OSError:
        return
    for path in left:
        pid = path.name[len(f".{folder.name}{_TAG}") :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            remove_tree(path)


def _same_device(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == b.stat().st_dev
    except OSError:
        return False


@contextlib.contextmanager
def without_graphs(
    store: ox.Store, folder: str | Path, drop: Sequence[ox.NamedNode]
) -> Iterator[ox.Store | None]:
    """A checkpoint of ``store`` (opened from ``folder``) without the graphs ``drop``, or None
    where one cannot be made; removed when the block ends."""
    folder = Path(os.path.realpath(folder))
    if not _same_device(folder, folder.parent):
        yield None
        return
    _remove_stale(folder)
    try:
        holder = Path(
            tempfile.mkdtemp(prefix=f".{folder.name}{_TAG}{os.getpid()}.", dir=folder.parent)
        )
    except OSError:
        yield None
        return
    copy: ox.Store | None = None
    try:
        try:
            store.backup(str(holder / "store"))
            copy = ox.Store(str(holder / "store"))
            for graph in drop:
                copy.remove_graph(graph)
        except (OSError, RuntimeError, ValueError):
            copy = None
        yield copy
    finally:
        copy = None
        import gc  # the copy closes when its last reference goes; then its files can go

        gc.collect()
        remove_tree(holder)
