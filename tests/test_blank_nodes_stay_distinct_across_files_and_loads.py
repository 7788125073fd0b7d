"""Blank nodes from different files, and from different loads, are never merged.

pyoxigraph keeps blank-node labels as written unless told to rename them, so ``_:b0`` in two
files (or two exports, which all label ``_:c14nN``) used to become one node with both names.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from claimgraph.export import export_graphs
from claimgraph.store import load_files, open_store

from .test_cli_commands import run

NAME = ox.NamedNode("http://xmlns.com/foaf/0.1/name")
ALICE = '_:b0 <http://xmlns.com/foaf/0.1/name> "Alice" .\n'
BOB = '_:b0 <http://xmlns.com/foaf/0.1/name> "Bob" .\n'
G = "http://example.org/people"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _people(store: ox.Store, graph: str = G) -> dict[str, set[str]]:
    """Blank node label -> the names it carries."""
    found: dict[str, set[str]] = {}
    for q in store.quads_for_pattern(None, NAME, None, ox.NamedNode(graph)):
        assert isinstance(q.subject, ox.BlankNode)
        found.setdefault(q.subject.value, set()).add(q.object.value)
    return found


def test_same_label_in_two_files_loaded_together_stays_two_nodes(disk_store, tmp_path):
    store = open_store(disk_store, write=True)
    load_files(store, [_write(tmp_path, "a.nt", ALICE), _write(tmp_path, "b.nt", BOB)], graph=G)
    assert sorted(_people(store).values(), key=sorted) == [{"Alice"}, {"Bob"}]


def test_same_label_in_two_separate_loads_stays_two_nodes(runner, disk_store, tmp_path):
    for name, text in (("a.nt", ALICE), ("b.nt", BOB)):
        result = run(
            runner,
            "load",
            str(_write(tmp_path, name, text)),
            "--graph",
            G,
            "--store",
            str(disk_store),
        )
        assert result.exit_code == 0, result.stderr
    assert sorted(_people(open_store(disk_store)).values(), key=sorted) == [{"Alice"}, {"Bob"}]


def test_same_label_twice_in_one_file_stays_one_node(disk_store, tmp_path):
    text = ALICE + '_:b0 <http://xmlns.com/foaf/0.1/nick> "Al" .\n'
    store = open_store(disk_store, write=True)
    load_files(store, [_write(tmp_path, "a.nt", text)], graph=G)
    subjects = {q.subject for q in store.quads_for_pattern(None, None, None, ox.NamedNode(G))}
    assert len(subjects) == 1


def test_exports_of_two_stores_load_into_a_third_without_colliding(disk_store, tmp_path):
    exported = []
    for i, text in enumerate((ALICE, BOB)):
        source = ox.Store()
        load_files(source, [_write(tmp_path, f"in{i}.nt", text)], graph=G)
        data = export_graphs(source, graph=G, fmt="ntriples")
        assert b"_:c14n0" in data  # both exports use the same canonical label
        exported.append(_write(tmp_path, f"export{i}.nt", data.decode()))
    store = open_store(disk_store, write=True)
    load_files(store, exported[:1], graph=G)
    load_files(store, exported[1:], graph=G)
    assert sorted(_people(store).values(), key=sorted) == [{"Alice"}, {"Bob"}]
