"""Loading adds files in one transaction; any bad file leaves the store exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph.errors import InputError, RdfSyntaxError, StoreError
from claimgraph.store import graph_names, load_files, open_store, parse_rdf_file
from claimgraph.terms import ONTOLOGY_GRAPH, SHAPES_GRAPH

GOOD = '@prefix ex: <http://example.org/> .\nex:a ex:name "alpha" .\nex:b ex:name "beta" .\n'
BAD = '@prefix ex: <http://example.org/> .\nex:c ex:name "gamma" .\nex:d ex:name "delta\n'


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _all_quads(store: ox.Store) -> set[str]:
    return {str(q) for q in store.quads_for_pattern(None, None, None, None)}


def test_memory_store_holds_bundled_graphs_in_their_own_named_graphs():
    names = graph_names(open_store())
    assert ONTOLOGY_GRAPH in names and SHAPES_GRAPH in names
    assert "https://w3id.org/claimgraph/id/doc/broken-promises-narrative" in names


def test_new_disk_store_starts_with_the_bundled_graphs(disk_store):
    assert set(graph_names(open_store(disk_store))) == set(graph_names(open_store()))


def test_load_files_into_a_graph(disk_store, tmp_path):
    store = open_store(disk_store, write=True)
    report = load_files(store, [_write(tmp_path, "a.ttl", GOOD)], graph="http://example.org/g")
    assert report.total == 2
    rows = list(store.quads_for_pattern(None, None, None, ox.NamedNode("http://example.org/g")))
    assert len(rows) == 2


def test_syntax_error_reports_file_line_column_and_writes_nothing(disk_store, tmp_path):
    store = open_store(disk_store, write=True)
    before = _all_quads(store)
    good = _write(tmp_path, "good.ttl", GOOD)
    bad = _write(tmp_path, "bad.ttl", BAD)
    with pytest.raises(RdfSyntaxError) as info:
        load_files(store, [good, bad])
    assert info.value.path == str(bad)
    assert (info.value.line, info.value.column) == (3, 14)
    assert str(info.value).startswith(f"{bad}:3:14: ")
    assert _all_quads(store) == before  # not even the good file's triples


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        parse_rdf_file(tmp_path / "nope.ttl")


def test_unknown_extension(tmp_path):
    with pytest.raises(InputError, match="unknown RDF file extension '.txt'"):
        parse_rdf_file(_write(tmp_path, "a.txt", GOOD))


def test_rdfxml_with_entities_referring_to_entities_is_refused(tmp_path):
    text = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
    )
    with pytest.raises(InputError, match="refers to other entities"):
        parse_rdf_file(_write(tmp_path, "a.rdf", text))


def test_relative_iris_are_an_error_not_a_file_path(tmp_path):
    with pytest.raises(RdfSyntaxError):
        parse_rdf_file(_write(tmp_path, "rel.ttl", "<a> <b> <c> .\n"))


def test_second_writer_gets_a_clear_message(disk_store):
    holder = open_store(disk_store, write=True)
    with pytest.raises(StoreError) as info:
        open_store(disk_store, write=True)
    assert "in use by another process" in str(info.value)
    assert "LOCK" not in str(info.value)
    del holder


def test_a_folder_that_is_not_a_store_is_refused(tmp_path):
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "notes.txt").write_text("x")
    with pytest.raises(StoreError, match="no claimgraph store at"):
        open_store(tmp_path / "stuff")
    with pytest.raises(StoreError, match="not a claimgraph store"):
        open_store(tmp_path / "stuff", create=True)
