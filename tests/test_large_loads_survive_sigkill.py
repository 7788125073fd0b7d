"""A load larger than one transaction stays all-or-nothing even if the process is SIGKILLed.

It is written into a staging copy beside the store, which then replaces the store folder
(``swap.py``). Here a ``claimgraph load`` child (``WRITE_BATCH`` made small) kills itself with
SIGKILL at each point where a crash could happen: after batch k (Turtle, whose quads reach the
bulk loader from Python in batches), once an N-Triples file is in the copy (pyoxigraph parses
it into the bulk loader in one call), after the checkpoint, once the copy is complete, after
the one-step exchange, and between and after the two renames used where the filesystem cannot
exchange. The store must then hold exactly the old quads or exactly the
old and the new ones, and the next load must remove what the killed one left.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from claimgraph import store as store_module
from claimgraph import swap
from claimgraph.errors import StoreError
from claimgraph.store import open_store

LINES = 6_000  # six batches of 1,000

CHILD = """
import os, runpy, signal, sys
from claimgraph import store as s, swap
s.WRITE_BATCH = 1_000
folder, path, when, fallback = sys.argv[1:5]
if fallback == "fallback":
    swap.exchange = lambda a, b: False  # as on a filesystem without RENAME_EXCHANGE
def die():
    os.kill(os.getpid(), signal.SIGKILL)
def step(name):
    if name == when:
        die()
swap._step = step
real = s._batches
def batches(quads, size):
    for i, batch in enumerate(real(quads, size)):
        if when == f"batch-{i}":
            die()  # batches 0 .. i-1 are written and flushed
        yield batch
s._batches = batches
sys.argv = ["claimgraph", "load", path, "--store", folder]
runpy.run_module("claimgraph", run_name="__main__")
"""


def _data(tmp_path: Path, when: str) -> Path:
    """The file to load: Turtle where the kill comes after a batch, else N-Triples."""
    return _file(tmp_path / ("big.ttl" if when.startswith("batch") else "big.nt"), 0)


def _file(path: Path, first: int, lines: int = LINES) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(first, first + lines):
            f.write(f'<http://example.org/s/{i}> <http://example.org/p> "value {i}" .\n')
    return path


def _quads(folder: Path) -> set[str]:
    return {str(q) for q in open_store(folder).quads_for_pattern(None, None, None, None)}


def _killed_load(folder: Path, data: Path, when: str, fallback: bool = False) -> None:
    mode = "fallback" if fallback else "exchange"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), str(data), when, mode],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stderr)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if ".claimgraph-" in p.name)


POINTS = [
    # (where the child is killed, fallback renames, whether the load is in the store afterwards)
    ("batch-0", False, False),
    ("batch-1", False, False),
    ("batch-5", False, False),
    ("file-0", False, False),
    ("checkpoint", False, False),
    ("staged", False, False),
    ("exchanged", False, True),
    ("staged", True, False),
    ("set-aside", True, True),
    ("renamed", True, True),
]


@pytest.mark.parametrize(("when", "fallback", "loaded"), POINTS)
def test_a_killed_large_load_leaves_the_old_store_or_the_whole_new_one(
    disk_store, tmp_path, when, fallback, loaded
):
    old = _quads(disk_store)
    data = _data(tmp_path, when)
    _killed_load(disk_store, data, when, fallback)
    assert _leftovers(disk_store) != [".store.claimgraph-lock"]  # the kill left something
    new = old | {str(q) for q in store_module.parse_rdf_file(data)}
    assert _quads(disk_store) == (new if loaded else old)  # open_store finishes a half swap
    store_module.load_into_folder(disk_store, [_file(tmp_path / "more.nt", LINES, 10)])
    assert _leftovers(disk_store) == [".store.claimgraph-lock"]
    assert len(_quads(disk_store)) == len(new if loaded else old) + 10


@pytest.mark.parametrize("when", ["batch-0", "batch-3", "file-0", "staged"])
def test_a_killed_load_that_creates_a_store_leaves_no_store(tmp_path, when):
    folder = tmp_path / "new"
    _killed_load(folder, _data(tmp_path, when), when)
    assert not folder.exists()
    with pytest.raises(StoreError, match="no claimgraph store"):
        open_store(folder)
    store_module.load_into_folder(folder, [_file(tmp_path / "more.nt", LINES, 10)])
    assert _leftovers(folder) == [".new.claimgraph-lock"]
    assert len(open_store(folder)) == len(open_store()) + 10


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(store_module, "WRITE_BATCH", 1_000)


@pytest.mark.parametrize("fallback", [False, True])
def test_a_large_load_replaces_the_store_folder_keeping_its_mode(
    disk_store, tmp_path, small_batches, monkeypatch, fallback
):
    if fallback:
        monkeypatch.setattr(swap, "exchange", lambda a, b: False)
    os.chmod(disk_store, 0o750)
    before = len(open_store(disk_store))
    reader = open_store(disk_store)  # read-only, as a `serve --store` worker
    report = store_module.load_into_folder(disk_store, [_file(tmp_path / "big.nt", 0)])
    assert report.total == LINES
    assert len(open_store(disk_store)) == before + LINES
    assert len(reader) == before  # a reader opened before keeps its snapshot
    assert os.stat(disk_store).st_mode & 0o777 == 0o750
    assert _leftovers(disk_store) == [".store.claimgraph-lock"]


@pytest.mark.parametrize("name", ["big.ttl", "big.nt"])
def test_a_full_disk_during_a_large_load_leaves_the_store_as_it_was(
    disk_store, tmp_path, small_batches, monkeypatch, name
):
    before = _quads(disk_store)
    real = store_module._batches
    real_load = store_module._bulk_load_file

    def batches(quads, size):  # type: ignore[no-untyped-def]
        for i, batch in enumerate(real(quads, size)):
            if i == 3:
                raise OSError(errno.ENOSPC, "No space left on device")
            yield batch

    def bulk_load_file(*args):  # type: ignore[no-untyped-def]
        real_load(*args)  # written into the copy, then the disk is full (as the loader says)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "_batches", batches)
    monkeypatch.setattr(store_module, "_bulk_load_file", bulk_load_file)
    with pytest.raises(StoreError, match="No space left on device"):
        store_module.load_into_folder(disk_store, [_file(tmp_path / name, 0)])
    assert _quads(disk_store) == before
    assert _leftovers(disk_store) == [".store.claimgraph-lock"]


def test_a_store_opened_by_another_writer_during_the_load_is_not_replaced(
    disk_store, tmp_path, small_batches, monkeypatch
):
    before = _quads(disk_store)
    opener = "import sys, pyoxigraph as ox; ox.Store(sys.argv[1])"

    def step(name: str) -> None:  # another process opens the store read-write and closes it
        if name == "staged":
            subprocess.run([sys.executable, "-c", opener, str(disk_store)], check=True)

    monkeypatch.setattr(swap, "_step", step)
    with pytest.raises(StoreError, match="another process during the load"):
        store_module.load_into_folder(disk_store, [_file(tmp_path / "big.nt", 0)])
    assert _quads(disk_store) == before
    assert _leftovers(disk_store) == [".store.claimgraph-lock"]


def test_a_store_another_writer_holds_open_when_the_copy_is_done_is_not_replaced(
    disk_store, tmp_path, small_batches, monkeypatch
):
    before = _quads(disk_store)
    holder = (
        "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); print('open', flush=True); "
        "input()"
    )
    children: list[subprocess.Popen[str]] = []

    def step(name: str) -> None:  # a `serve` writer, say, opens the store in that moment
        if name == "staged":
            child = subprocess.Popen(
                [sys.executable, "-c", holder, str(disk_store)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            children.append(child)
            assert child.stdout is not None and child.stdout.readline() == "open\n"

    monkeypatch.setattr(swap, "_step", step)
    try:
        with pytest.raises(StoreError, match="opened by another process during the load"):
            store_module.load_into_folder(disk_store, [_file(tmp_path / "big.nt", 0)])
    finally:
        for child in children:
            child.communicate("\n", timeout=60)
    assert _quads(disk_store) == before
    assert _leftovers(disk_store) == [".store.claimgraph-lock"]


def test_a_second_load_of_the_same_store_is_refused_while_one_runs(disk_store, tmp_path):
    with swap.load_lock(disk_store, disk_store):
        with pytest.raises(StoreError, match="in use by another process"):
            store_module.load_into_folder(disk_store, [_file(tmp_path / "one.nt", 0, 1)])


def test_a_large_load_through_a_symlink_replaces_the_folder_it_names(
    disk_store, tmp_path, small_batches
):
    link = tmp_path / "link"
    link.symlink_to(disk_store)
    before = len(open_store(disk_store))
    store_module.load_into_folder(link, [_file(tmp_path / "big.nt", 0)])
    assert link.is_symlink() and len(open_store(link)) == before + LINES
    assert _leftovers(disk_store) == [".store.claimgraph-lock"]
