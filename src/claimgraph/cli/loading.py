"""``claimgraph load``: files or stdin into the on-disk store, all or nothing.

Stdin cannot be parsed twice, and the load's first pass (check everything, write nothing) needs
to, so it is copied to a temporary file beside the store first; the format, which a file's
extension would give, must then be named with ``--format``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from ..errors import ClaimgraphError, InputError

__all__ = ["load_command"]


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def load_command(
    files: list[str],
    graph: str | None,
    store: str | None,
    format: str | None = None,
    base: str | None = None,
) -> int:
    from .. import api

    if store is None:
        raise ClaimgraphError("load needs an on-disk store: --store DIR or CLAIMGRAPH_STORE")
    if files.count("-") > 1:
        raise InputError("stdin (-) can be given once")
    if "-" in files and format is None:
        raise InputError("load - reads stdin, which has no file extension: add --format FORMAT")
    for f in files:
        if f != "-" and Path(f).is_dir():
            raise InputError(
                f"is a folder; load takes RDF files (for example {Path(f) / '*.ttl'})", path=f
            )
    fmt = None
    if format is not None:
        import pyoxigraph as ox

        from .. import formats

        chosen = formats.get(format).ox_format
        fmt = chosen if isinstance(chosen, ox.RdfFormat) else None
    if base is not None:
        from ..store import base_iri_of

        base = base_iri_of(base)
    names = ["stdin" if f == "-" else f for f in files]
    with contextlib.ExitStack() as stack:
        paths = [
            stack.enter_context(_stdin_copy(Path(store))) if f == "-" else Path(f) for f in files
        ]
        report = api.load_into(Path(store), paths, graph=graph, fmt=fmt, base_iri=base, names=names)
    total = sum(n for _, n in report.files)
    if report.added == 0:
        held = (
            "the input held no quads"
            if total == 0
            else f"the store already held all {total} quad{'s' if total != 1 else ''}"
        )
        _say(f"nothing new: {held}")
        return 0
    for name, count in report.files:
        _say(f"loaded {count} quads from {name}")
    return 0


@contextlib.contextmanager
def _stdin_copy(store: Path) -> Iterator[Path]:
    """Stdin in a temporary file: the load parses its input twice (check, then write)."""
    import shutil
    import tempfile

    parent = Path(os.path.realpath(store)).parent
    folder = parent if parent.is_dir() and os.access(parent, os.W_OK) else None
    fd, name = tempfile.mkstemp(prefix=".claimgraph-stdin.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            shutil.copyfileobj(sys.stdin.buffer, f)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
