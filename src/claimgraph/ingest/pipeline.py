"""``ingest``: from an essay file to a draft graph and the text its anchors point into.

One library call, which the CLI wraps: read the bytes, decode them (a saved web page through
trafilatura, the ``[html]`` extra), analyse the text, parse the reference entries with the CRF
model, build the draft, and write ``DRAFT.ttl`` with ``DRAFT.txt`` beside it. The saved text is
what the offsets index (for HTML: the extracted text, not the page), so offsets never depend on
running an extractor again; its SHA-256 is on the document.

Both files go through :func:`claimgraph.export.write_atomic`, and nothing is written before the
whole draft has been built and serialised: a failure leaves no half-written draft. Input that
cannot be ingested at all (empty, binary, not UTF-8, a page with no main text) is one
:class:`~claimgraph.errors.InputError` line; a text that lacks a reference list or citations
still gets its draft, and the report says what is missing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from ..errors import InputError, ParameterError
from ..export import write_atomic
from ..serialize import serialize_quads
from ..terms import SHARED_FOLDER, mint_slug
from ..texts import read_named_file
from .analysis import analyse_text
from .draft import IngestRun, build_draft
from .references import parse_references
from .report import IngestReport, make_report
from .speech import DEFAULT_ALIASES
from .structure import IngestInputError, Markers, decode_input

__all__ = ["IngestResult", "bundled_aliases", "ingest", "run_started"]


@dataclass(frozen=True)
class IngestResult:
    """Where the draft and its text went, and the report's figures."""

    doc: str
    draft_path: Path
    text_path: Path
    report: IngestReport
    draft_bytes: int


def run_started(now: datetime | None = None) -> datetime:
    """The ingest activity's start time: ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds
    convention, so a rerun gives the same bytes), else now; UTC, whole seconds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if now is None and epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)


def bundled_aliases() -> dict[str, str]:
    """Names of the bundled shared actors (:func:`~.lexicon.actor_aliases`: ``rdfs:label``,
    ``foaf:name``, ``skos:altLabel``) → actor IRI, plus the speech module's built-in aliases
    whose actor is one of them: the lexicon is data. Only the actors file is read, not the
    whole bundled store, so that ingest stays quick."""
    import pyoxigraph as ox

    from ..resources import bundled_dir
    from ..terms import SHARED_GRAPH
    from .lexicon import actor_aliases

    path = bundled_dir("data") / SHARED_FOLDER / "actors.ttl"
    if not path.is_file():
        return {}
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(SHARED_GRAPH))
    names = actor_aliases(store)
    for alias, key in sorted(DEFAULT_ALIASES.items()):
        if key.casefold() in names:
            names.setdefault(alias.casefold(), names[key.casefold()])
    return dict(sorted(names.items()))


def _slug(doc: str | None, path: Path) -> str:
    slug = doc if doc is not None else mint_slug(path.stem)
    if slug == SHARED_FOLDER:
        raise ParameterError(f"--doc {slug!r} is taken: it names what all documents share")
    if slug != mint_slug(slug):
        raise ParameterError(
            f"--doc {slug!r} is not a document slug (lower-case letters, digits and hyphens): "
            f"try {mint_slug(slug)!r}"
        )
    return slug


def _paths(path: Path, slug: str, out: str | Path | None) -> tuple[Path, Path]:
    draft = Path(out) if out is not None else Path(f"{slug}.draft.ttl")
    if draft.suffix not in (".ttl", ".trig"):
        raise InputError("the draft is Turtle: give -o a name ending in .ttl (or .trig)",
                         path=draft)
    return draft, draft.with_suffix(".txt")


def ingest(
    path: str | Path,
    doc: str | None = None,
    out: str | Path | None = None,
    markers: Markers | None = None,
    aliases: Mapping[str, str] | None = None,
    started: datetime | None = None,
) -> IngestResult:
    """Ingest the essay at ``path`` as document ``doc`` (default: a slug of the file name) and
    write the draft to ``out`` (default ``DOC.draft.ttl``) with its text beside it (``.txt``).

    ``aliases`` maps names to actor IRIs for the voices of reported speech (default: the
    bundled shared actors, :func:`bundled_aliases`); ``started`` fixes the activity's time.
    """
    source = Path(path)
    slug = _slug(doc, source)
    draft_path, text_path = _paths(source, slug, out)
    data = read_named_file(source, what="ingest takes an essay file")
    try:
        text, was_html = decode_input(data)
    except IngestInputError as e:
        raise InputError(str(e), path=source) from None
    same_file = text_path.resolve() == source.resolve()
    saved = text.encode("utf-8")
    if same_file and saved != data:
        raise InputError(
            "the draft's text would replace the input, which differs from it; give -o "
            "another name", path=text_path)

    names = bundled_aliases() if aliases is None else dict(aliases)
    analysis = analyse_text(text, markers, names)
    entries = [text[s:e] for s, e in analysis.structure.references]
    parsed = parse_references(entries)
    run = IngestRun(
        version=__version__,
        parameters={
            "input": source.name,
            "doc": slug,
            "html": was_html,
            "markers": "default" if markers is None else asdict(markers),
            "aliases": "bundled actors" if aliases is None else len(names),
        },
        started=run_started(started),
    )
    draft = build_draft(slug, text, text_path.name, analysis, parsed, run,
                        {v: v for v in names.values()}, markers)
    fmt = "trig" if draft_path.suffix == ".trig" else "turtle"
    body = serialize_quads(draft.quads, fmt)
    if not same_file:
        write_atomic(text_path, saved)
    write_atomic(draft_path, body)
    report = make_report(slug, str(draft_path), str(text_path), analysis, draft.reported,
                         draft.works.flagged)
    return IngestResult(slug, draft_path, text_path, report, len(body))
