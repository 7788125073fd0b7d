"""A load beyond one transaction goes through pyoxigraph's bulk loader into the staging copy.

The bulk loader is not atomic, so it writes only into the staging copy that a failure throws
away. N-Triples and N-Quads are parsed by the bulk loader itself (``Store.bulk_load``), other
formats by claimgraph's parser; both rename blank nodes, so a blank-node label stays one node
per file and distinct between files and loads, and both count each file's quads.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph import store as store_module
from claimgraph.errors import RdfSyntaxError
from claimgraph.store import load_into_folder, open_store

LINES = 3_000
NAME = ox.NamedNode("http://example.org/name")


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(store_module, "WRITE_BATCH", 1_000)


@pytest.fixture
def bulk_writes(monkeypatch):
    seen: list[bool] = []
    real = store_module.write_checked

    def spy(store, checked, *, bulk=False):  # type: ignore[no-untyped-def]
        seen.append(bulk)
        return real(store, checked, bulk=bulk)

    monkeypatch.setattr(store_module, "write_checked", spy)
    return seen


def _file(path: Path, tag: str, *, broken: bool = False, extras: str = "") -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(extras)
        f.write(f'_:b <http://example.org/name> "{tag}-first" .\n')
        for i in range(LINES):
            f.write(f'<http://example.org/{tag}/{i}> <http://example.org/p> "{i}" .\n')
        f.write(f'_:b <http://example.org/name> "{tag}-last" .\n')
        if broken:
            f.write("<http://example.org/x> <http://example.org/p> .\n")
    return path


def _blank_nodes(folder: Path) -> dict[str, ox.BlankNode]:
    return {
        q.object.value: q.subject  # type: ignore[misc]
        for q in open_store(folder).quads_for_pattern(None, NAME, None)
    }


@pytest.mark.parametrize("suffix", [".nt", ".ttl"])
def test_blank_nodes_stay_distinct_across_files_and_loads(
    tmp_path, small_batches, bulk_writes, monkeypatch, suffix
):
    def no_first_pass(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a load this large is parsed once")

    monkeypatch.setattr(store_module, "check_files", no_first_pass)
    folder = tmp_path / "store"
    report = load_into_folder(
        folder, [_file(tmp_path / f"a{suffix}", "a"), _file(tmp_path / f"b{suffix}", "b")]
    )
    assert report.total == 2 * (LINES + 2) and report.added == 2 * (LINES + 2)
    load_into_folder(folder, [_file(tmp_path / f"c{suffix}", "c")])  # into an existing store
    assert bulk_writes == [True, True]
    nodes = _blank_nodes(folder)
    assert nodes["a-first"] == nodes["a-last"]
    assert nodes["b-first"] == nodes["b-last"]
    assert nodes["c-first"] == nodes["c-last"]
    assert len({nodes["a-first"], nodes["b-first"], nodes["c-first"]}) == 3


def test_an_error_during_the_bulk_write_leaves_the_store_as_it_was(
    tmp_path, small_batches, bulk_writes, monkeypatch
):
    folder = tmp_path / "store"
    load_into_folder(folder, [_file(tmp_path / "a.nt", "a")])
    before = set(open_store(folder))
    real = store_module._bulk_load_file

    def bulk_load_file(*args):  # type: ignore[no-untyped-def]
        real(*args)  # the copy holds the file; the error comes after (a parse error at its end)
        raise RdfSyntaxError("broken at the end", path="b.nt", line=1, column=1)

    monkeypatch.setattr(store_module, "_bulk_load_file", bulk_load_file)
    with pytest.raises(RdfSyntaxError):
        load_into_folder(folder, [_file(tmp_path / "b.nt", "b")])
    assert bulk_writes == [True, True]
    assert set(open_store(folder)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".store.claimgraph-lock",
        "a.nt",
        "b.nt",
        "store",
    ]


def test_a_load_within_one_transaction_is_not_bulk_loaded(tmp_path, bulk_writes):
    folder = tmp_path / "store"
    load_into_folder(folder, [_file(tmp_path / "a.nt", "a")])
    assert bulk_writes == [False]  # 3,002 quads: within one transaction of WRITE_BATCH


def test_a_syntax_error_in_a_large_file_names_its_line_and_column(tmp_path, small_batches):
    folder = tmp_path / "store"
    with pytest.raises(RdfSyntaxError) as caught:
        load_into_folder(folder, [_file(tmp_path / "a.nt", "a", broken=True)])
    assert (caught.value.line, caught.value.column) == (LINES + 3, 47)
    assert not folder.exists()


@pytest.mark.parametrize(
    "extras",
    [
        "# a comment, then a blank line\n\n",
        "  <http://example.org/x> <http://example.org/p> <http://example.org/o> .\r\n\t# x\r\n",
        "<http://example.org/x> <http://example.org/p> <http://example.org/o> .\r",
    ],
)
def test_the_quads_of_a_large_n_triples_file_are_counted_by_its_lines(
    tmp_path, small_batches, extras
):
    """A count from the lines, not a parse: comments, blank lines, leading spaces and other
    line breaks are not quads."""
    path = _file(tmp_path / "a.nt", "a", extras=extras)
    parsed = sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))
    report = load_into_folder(tmp_path / "store", [path])
    assert report.total == parsed == report.added
