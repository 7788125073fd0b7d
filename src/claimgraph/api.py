"""What each command does, as plain functions: the CLI only parses options and calls one.

Everything here is reachable and tested without the CLI (``tests/test_api_without_cli.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from .catalog import Catalog, StoredQuery, load_catalog, parse_stored_query
from .errors import InputError, ParameterError
from .render import render_result
from .resources import bundled_dir
from .sparql import LocalExecutor, query_text_from, run_request
from .store import LoadReport, load_into_folder
from .terms import compact

TYPE_CHECKING = False  # typing costs a cold command time; annotations are strings
if TYPE_CHECKING:
    from typing import BinaryIO

    from .executor import Executor

__all__ = [
    "parse_param_options",
    "list_queries",
    "catalog_table",
    "run_query",
    "query_text_from",
    "load_into",
    "validate",
    "document_term",
    "export",
    "show_claim",
]


def parse_param_options(options: Sequence[str]) -> dict[str, str]:
    """``["claim=no-binding-agreement"]`` → ``{"claim": "no-binding-agreement"}``."""
    values: dict[str, str] = {}
    for option in options:
        name, sep, value = option.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"--param takes NAME=VALUE, not {option!r}")
        if name in values:
            raise ParameterError(f"parameter {name!r} is given twice")
        values[name] = value
    return values


def list_queries(folder: str | Path | None = None) -> list[StoredQuery]:
    return list(load_catalog(folder).values())


def _param_text(q: StoredQuery) -> str:
    parts = []
    for p in q.params:
        kind = p.type if not p.class_iri else f"{p.type} of {_short(p.class_iri)}"
        default = f", default {p.default}" if p.default else ", optional" if p.optional else ""
        parts.append(f"{p.name} ({kind}{default})")
    return "; ".join(parts) or "-"


def _short(iri: str) -> str:
    return compact(iri)


def catalog_table(
    queries: Sequence[StoredQuery], *, max_width: int | None = None, wide: bool = False
) -> str:
    """The catalog as a plain table: name, summary, parameters (see :mod:`table`)."""
    from .table import render_table

    rows = [(q.name, q.summary, _param_text(q)) for q in queries]
    header = ("name", "summary", "parameters")
    lines = render_table(
        header, rows, max_width=max_width, wide=wide, shrink=(1, 2), open_last=True
    )
    return "\n".join(lines) + "\n"


def _bundled_query(name: str) -> StoredQuery:
    """One bundled stored query, reading only its own file.

    ``claimgraph query NAME`` needs one query, and checking all twenty (each parsed by
    pyoxigraph and the guard) cost ~5 ms of every cold call. The answer is the catalog's own:
    the same file parsed the same way. A name that is not a plain file name there goes to the
    full catalog, whose error suggests the closest name.
    """
    if name and all(c.isalnum() or c in "-_" for c in name):
        path = bundled_dir("queries") / f"{name}.rq"
        if path.is_file():
            return parse_stored_query(path)
    return load_catalog().get_query(name)


def run_query(
    store: ox.Store,
    *,
    name: str | None = None,
    sparql: str | None = None,
    file: str | Path | None = None,
    params: Mapping[str, str] | None = None,
    fmt: str = "table",
    catalog: Catalog | None = None,
    allow_service: tuple[str, ...] = (),
    max_width: int | None = None,
    wide: bool = False,
) -> bytes:
    """Run a stored query by name, or ad-hoc SPARQL text or file, and render the result.

    ``max_width`` fits a table to a terminal (``wide`` keeps it whole); other formats ignore it.
    """
    result = run_request(
        LocalExecutor(store, allow_service=allow_service),
        name=name,
        sparql=sparql,
        file=file,
        params=params,
        lookup=catalog.get_query if catalog is not None else _bundled_query,
    )
    if fmt == "default":
        fmt = "table" if result.form in ("SELECT", "ASK") else "turtle"
    return render_result(result, fmt, max_width=max_width, wide=wide)


def load_into(
    store_dir: str | Path,
    files: Sequence[str | Path],
    graph: str | None = None,
    *,
    fmt: ox.RdfFormat | None = None,
    base_iri: str | None = None,
    names: Sequence[str] | None = None,
) -> LoadReport:
    """Add files to the on-disk store in ``store_dir`` (created if new), all or nothing.

    ``fmt`` overrides the files' extensions, ``base_iri`` resolves relative IRIs and ``names``
    are what messages call the files (see :func:`claimgraph.store.check_files`).
    """
    return load_into_folder(store_dir, files, graph=graph, fmt=fmt, base_iri=base_iri, names=names)


def validate(  # type: ignore[no-untyped-def]
    store: ox.Store,
    data_file: str | Path | None = None,
    texts: Sequence[str | Path] = (),
    *,
    check_texts: bool = True,
    folders: str | None = None,
    essay: str | None = None,
    engine: str = "compiler",
    doc: str | None = None,
):
    """Validate the store's documents (or one file) against the shapes; see ``validate.py``.

    Every anchor is checked against its document's text as well: ``texts`` (each must serve a
    document), else the document's file in ``folders`` (default: ``$CLAIMGRAPH_TEXTS``) or
    ``essay`` (default: ``$CLAIMGRAPH_ESSAY``); see :class:`~claimgraph.texts.TextSources`.
    ``check_texts=False`` runs SHACL alone. ``engine``: ``compiler`` (the shapes compiled to
    SPARQL, :mod:`claimgraph.shacl`), ``auto`` (the same, pyshacl for shapes it does not
    support) or ``pyshacl`` (the reference validator); the report is the same. ``doc``:
    validate one document of the store (IRI, prefixed name or slug): its graph with the shared
    graph and the ontology, and its anchors.
    """
    from .texts import text_sources

    document = None
    if doc is not None:
        if data_file is not None:
            raise InputError("--doc picks a document of the store; it cannot go with --data")
        document = document_term(LocalExecutor(store), doc)
    sources = text_sources(texts, folders, essay) if check_texts else None
    if engine == "pyshacl" and document is None:
        from .validate import validate_file, validate_store

        if data_file is not None:
            return validate_file(store, data_file, sources)
        return validate_store(store, sources)
    from . import shacl

    if engine not in shacl.ENGINES:
        raise ValueError(f"engine {engine!r} is not one of {', '.join(shacl.ENGINES)}")
    if data_file is not None:
        return shacl.validate_file(store, data_file, sources, engine=engine)
    return shacl.validate_store(store, sources, engine=engine, doc=document)


def document_term(executor: Executor, doc: str) -> ox.NamedNode:
    """A document given as IRI, prefixed name or slug, checked to be a ``cg:Document`` where
    ``executor`` answers (else a :class:`ParameterError` with "did you mean")."""
    from .binding import check_instance, to_term
    from .catalog import Parameter
    from .terms import CG

    param = Parameter("doc", "iri", "IRI of a cg:Document", class_iri=CG + "Document")
    term = to_term(doc, param, executor)
    assert isinstance(term, ox.NamedNode)
    check_instance(executor, term, param)
    return term


def export(
    store: ox.Store,
    *,
    graph: str | None = None,
    fmt: str | None = None,
    output: str | Path | None = None,
    atomic: bool = True,
) -> bytes:
    """Serialise graphs; with ``output``, write them to that file instead (streamed: the export
    can be larger than memory) and return ``b""``. ``atomic``: through a temporary file and a
    rename, so that a failed export leaves no half-written file; without it, straight into
    ``output`` (a temporary file the caller renames, as the CLI does)."""
    from .export import iter_export, write_atomic, write_into

    pieces = iter_export(store, graph=graph, fmt=fmt)
    if output is None:
        return b"".join(pieces)
    if atomic:
        write_atomic(output, pieces)
    else:
        write_into(output, output, pieces)
    return b""


def export_into(
    store: ox.Store, stream: BinaryIO, *, graph: str | None = None, fmt: str | None = None
) -> int:
    """Serialise graphs into an open binary stream, piece by piece; the bytes written."""
    from .export import iter_export

    size = 0
    for piece in iter_export(store, graph=graph, fmt=fmt):
        stream.write(piece)
        size += len(piece)
    stream.flush()
    return size


def show_claim(store: ox.Store, claim: str, text_path: str | Path | None = None) -> str:
    """The provenance card of one claim, quoting its span when the essay file is given."""
    from .card import claim_card, read_text, render_card

    text = read_text(text_path) if text_path is not None else None
    return render_card(claim_card(store, claim, text))
