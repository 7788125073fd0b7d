"""A load beyond one transaction goes through pyoxigraph's bulk loader into the staging copy.

The bulk loader is not atomic, so it writes only into the staging copy that a failure throws
away; its quads still come from the renaming parser, so a blank-node label stays one node per
file and distinct between files and loads.
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


def _file(path: Path, tag: str, *, broken: bool = False) -> Path:
    with path.open("w", encoding="utf-8") as f:
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


def test_blank_nodes_stay_distinct_across_files_and_loads(
    tmp_path, small_batches, bulk_writes, monkeypatch
):
    def no_first_pass(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a load this large is parsed once")

    monkeypatch.setattr(store_module, "check_files", no_first_pass)
    folder = tmp_path / "store"
    report = load_into_folder(
        folder, [_file(tmp_path / "a.nt", "a"), _file(tmp_path / "b.nt", "b")]
    )
    assert report.total == 2 * (LINES + 2) and report.added == 2 * (LINES + 2)
    load_into_folder(folder, [_file(tmp_path / "c.nt", "c")])  # into an existing store
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
    real = store_module._second_pass

    def second_pass(checked, counts=None):  # type: ignore[no-untyped-def]
        for i, q in enumerate(real(checked, counts)):
            if i == 2_500:
                raise RdfSyntaxError("broken in the second pass", path="b.nt", line=1, column=1)
            yield q

    monkeypatch.setattr(store_module, "_second_pass", second_pass)
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
