"""The streamed export writes exactly what the in-memory canonical serialiser writes.

Turtle, N-Triples and N-Quads are sorted in runs (spilled to files beyond ``SORT_CHUNK``) and
merged; the quads with blank nodes are relabelled apart (RDFC-1.0). Here the runs are made tiny
so that every export spills and merges, and the bytes are compared with ``serialize_quads``
of the whole graph (the way export worked before) and across stores loaded in different orders.
"""

from __future__ import annotations

import importlib
import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph.export import export_graphs
from claimgraph.serialize import serialize_quads
from claimgraph.store import load_into_folder, open_store

export_module = importlib.import_module("claimgraph.export")  # the package's export() hides it

G = "http://example.org/g"
XSD = "http://www.w3.org/2001/XMLSchema#"
H = "http://example.org/h"

#: Terms chosen to trip a string sort that disagreed with sorting term by term: literals that
#: are prefixes of each other with a language or datatype after, IRIs that are prefixes of each
#: other, "_:" inside a literal, escapes, non-ASCII, a claimgraph item IRI (document prefixes).
LINES = [
    '<http://example.org/a> <http://example.org/p> "abc" .',
    '<http://example.org/a> <http://example.org/p> "abc"@en .',
    '<http://example.org/a> <http://example.org/p> "abc"^^<' + XSD + "token> .",
    '<http://example.org/a> <http://example.org/p> "ab" .',
    '<http://example.org/a> <http://example.org/p> "abc d" .',
    '<http://example.org/a> <http://example.org/p> "not a _:blank" .',
    '<http://example.org/a> <http://example.org/p> "quote \\" and \\\\ and \\n" .',
    '<http://example.org/a> <http://example.org/p> "caf\u00e9 \u65e5\u672c" .',
    '<http://example.org/a> <http://example.org/p> "7"^^<' + XSD + "integer> .",
    "<http://example.org/a> <http://example.org/p> <http://example.org/ab> .",
    "<http://example.org/a> <http://example.org/p> <urn:isbn:1> .",
    '<http://example.org/a> <http://example.org/p> "t"^^<urn:dt> .',
    # IRIs of known prefixes inside a literal declare no prefix
    '<http://example.org/a> <http://example.org/p> "<http://purl.org/dc/terms/x> \\"^^<'
    'http://xmlns.com/foaf/0.1/x> ." .',
    '<http://example.org/a> <http://example.org/p> "x"@en-gb .',
    # nor does an item of another document inside a literal (two documents: no claim: prefix)
    '<http://example.org/a> <http://example.org/p> '
    '"<https://w3id.org/claimgraph/id/doc/other/section/s1>" .',
    "<http://example.org/ab> <http://example.org/p> <http://example.org/a> .",
    "<http://example.org/a> <http://example.org/pq> <http://example.org/a> .",
    "<https://w3id.org/claimgraph/id/doc/essay/claim/c1> "
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/claimgraph/ontology#Claim> .",
]
LINES += [
    f'<http://example.org/s{i % 37}> <http://example.org/q{i % 5}> "value {i}" .'
    for i in range(300)
]
BLANKS = [
    '_:x <http://example.org/name> "x" .',
    "<http://example.org/a> <http://example.org/knows> _:x .",
    "_:x <http://example.org/knows> _:y .",
    '_:y <http://example.org/name> "y" .',
    '_:z <http://example.org/name> "x" .',
]


@pytest.fixture
def tiny_runs(monkeypatch):
    monkeypatch.setattr(export_module, "SORT_CHUNK", 17)
    monkeypatch.setattr(export_module, "_GROUP", 5)


def _write(path: Path, lines: list[str], seed: int | None) -> Path:
    lines = list(lines)
    if seed is not None:
        random.Random(seed).shuffle(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stores(tmp_path: Path, lines: list[str]) -> list[ox.Store]:
    """Two on-disk stores holding ``lines`` in G (and in H), loaded in different orders."""
    stores = []
    for n, seed in enumerate((None, 7)):
        folder = tmp_path / f"store{n}"
        load_into_folder(folder, [_write(tmp_path / f"g{n}.nt", lines, seed)], graph=G)
        load_into_folder(folder, [_write(tmp_path / f"h{n}.nt", lines[:40], seed)], graph=H)
        stores.append(open_store(folder))
    return stores


def _in_memory(store: ox.Store, graph: str | None, fmt: str) -> bytes:
    """The export as it was written before streaming: every quad, in memory, at once."""
    node = ox.NamedNode(graph) if graph else None
    return serialize_quads(list(store.quads_for_pattern(None, None, None, node)), fmt)


@pytest.mark.parametrize("blanks", [False, True], ids=["no-blanks", "blanks"])
@pytest.mark.parametrize(
    ("graph", "fmt"), [(G, "turtle"), (G, "ntriples"), (G, "nquads"), (None, "nquads")]
)
def test_two_load_orders_give_the_bytes_of_the_in_memory_export(
    tmp_path, tiny_runs, graph, fmt, blanks
):
    first, second = _stores(tmp_path, LINES + (BLANKS if blanks else []))
    out = export_graphs(first, graph=graph, fmt=fmt)
    assert out == export_graphs(second, graph=graph, fmt=fmt)
    assert out == _in_memory(first, graph, fmt)
    assert out.count(b"\n") > 150
    if fmt == "turtle":  # the prefix lines once, at the top, not once per group
        lines = out.split(b"\n")
        declared = [i for i, line in enumerate(lines) if line.startswith(b"@prefix ")]
        assert declared == list(range(len(declared))) and len(declared) >= 3
        assert b"dcterms:" not in out and b"foaf:" not in out
        assert b"@prefix claim: <https://w3id.org/claimgraph/id/doc/essay/claim/>" in out


def test_runs_beyond_the_chunk_are_spilled_and_merged(tmp_path, tiny_runs, monkeypatch):
    lines = [f'<http://example.org/s{i}> <http://example.org/p> "{i}" .' for i in range(20_000)]
    (store, _) = _stores(tmp_path, lines)
    seen: list[int] = []
    real = export_module._SortedGraph.blocks

    def spied(self):  # type: ignore[no-untyped-def]
        seen.append(len(self.runs))
        # what the store writes at once (a few kB) may come on top of a chunk, no more
        assert len(self.last) < export_module.SORT_CHUNK + 1_000
        return real(self)

    monkeypatch.setattr(export_module._SortedGraph, "blocks", spied)
    out = export_graphs(store, graph=G, fmt="ntriples")
    assert seen[0] >= 10
    assert out == _in_memory(store, G, "ntriples")


def test_the_bundled_graphs_stream_to_the_bytes_of_the_in_memory_export(tiny_runs):
    store = open_store()
    for graph in sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)):
        for fmt in ("turtle", "ntriples"):
            assert export_graphs(store, graph=graph, fmt=fmt) == _in_memory(store, graph, fmt)
    assert export_graphs(store, fmt="nquads") == _in_memory(store, None, "nquads")


@pytest.mark.parametrize(
    ("literal", "prefix"),
    [('"plain"', b"xsd:"), ('"tagged"@en', b"rdf:"), ('"t"^^<urn:t>', None)],
)
def test_literals_alone_declare_the_prefixes_of_their_datatypes(
    tmp_path, tiny_runs, literal, prefix
):
    """A plain literal is an xsd:string and a tagged one an rdf:langString even where no IRI of
    those namespaces is written; text that only looks like such literals declares nothing."""
    lines = [f"<http://example.org/s{i}> <http://example.org/p> {literal} ." for i in range(40)]
    lines.append('<http://example.org/t> <http://example.org/p> "a\\" .\\"@en ."^^<urn:t> .')
    (store, _) = _stores(tmp_path, lines)
    out = export_graphs(store, graph=G, fmt="turtle")
    assert out == _in_memory(store, G, "turtle")
    declared = [line.split(b" ")[1] for line in out.split(b"\n") if line.startswith(b"@prefix ")]
    assert declared == ([] if prefix is None else [prefix])


def test_a_run_read_in_small_blocks_gives_its_lines(tmp_path, monkeypatch):
    """Lines that straddle the blocks a run is read in, or are longer than one, come out whole."""
    monkeypatch.setattr(export_module, "_BLOCK", 7)
    lines = [b"<a> <b> <c> .", b"x" * 30, b"", b"<d> <e> \"f\" ."]
    with (tmp_path / "run").open("w+b") as run:
        run.write(b"\n".join(lines) + b"\n")
        assert [line for block in export_module._blocks(run) for line in block] == lines
