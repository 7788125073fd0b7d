"""Large files are streamed into the store in batches, yet a load stays all-or-nothing.

``load`` used to hold the whole file in memory (a 59 MB file took 1.06 GB). Now it parses every
file once without writing, then again while writing in batches of ``WRITE_BATCH`` quads; the
batch size is made small here so that a multi-MB file spans many batches.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph import store as store_module
from claimgraph.errors import RdfSyntaxError, StoreError
from claimgraph.store import load_files, open_store

from .test_cli_commands import one_error_line, run

LINES = 30_000  # about 3 MB of N-Triples


def _big_file(path: Path, *, broken_at_end: bool) -> Path:
    with path.open("w", encoding="utf-8") as f:
        f.write('_:shared <http://example.org/first> "start" .\n')
        for i in range(LINES):
            f.write(
                f"<http://example.org/s/{i}> <http://example.org/p> "
                f'"value {i}, padded to look like real data in a large file" .\n'
            )
        f.write('_:shared <http://example.org/last> "end" .\n')
        if broken_at_end:
            f.write('<http://example.org/s/x> <http://example.org/p> "unterminated .\n')
    assert path.stat().st_size > 2_000_000
    return path


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(store_module, "WRITE_BATCH", 1_000)


def _count(folder: Path) -> int:
    return len(open_store(folder))


def test_syntax_error_at_the_end_of_a_multi_mb_file_leaves_the_store_as_it_was(
    runner, disk_store, tmp_path, small_batches
):
    before = _count(disk_store)
    good = _big_file(tmp_path / "good.nt", broken_at_end=False)
    bad = _big_file(tmp_path / "bad.nt", broken_at_end=True)
    message = one_error_line(
        run(runner, "load", str(good), str(bad), "--store", str(disk_store)), 2
    )
    assert message.startswith(f"{bad}:{LINES + 3}:")
    assert _count(disk_store) == before


def test_a_multi_mb_file_is_loaded_completely_across_batches(disk_store, tmp_path, small_batches):
    before = _count(disk_store)
    store = open_store(disk_store, write=True)
    report = load_files(
        store,
        [_big_file(tmp_path / "good.nt", broken_at_end=False)],
        graph="http://example.org/big",
    )
    assert report.total == LINES + 2
    assert len(store) == before + LINES + 2


def test_one_blank_node_label_in_a_file_is_one_node_across_batches(tmp_path, small_batches):
    store = ox.Store()
    load_files(store, [_big_file(tmp_path / "good.nt", broken_at_end=False)])
    first = next(
        iter(store.quads_for_pattern(None, ox.NamedNode("http://example.org/first"), None))
    )
    last = next(iter(store.quads_for_pattern(None, ox.NamedNode("http://example.org/last"), None)))
    assert isinstance(first.subject, ox.BlankNode) and first.subject == last.subject


class _RecordingStore:
    """Stands in for a store: records every write it is asked for."""

    def __init__(self) -> None:
        self.writes: list[int] = []

    def extend(self, quads) -> None:  # type: ignore[no-untyped-def]
        self.writes.append(len(list(quads)))


def test_the_first_pass_writes_nothing(tmp_path, small_batches):
    recorder = _RecordingStore()
    with pytest.raises(RdfSyntaxError):
        load_files(recorder, [_big_file(tmp_path / "bad.nt", broken_at_end=True)])  # type: ignore[arg-type]
    assert recorder.writes == []
    load_files(recorder, [_big_file(tmp_path / "good.nt", broken_at_end=False)])  # type: ignore[arg-type]
    assert len(recorder.writes) > 1 and max(recorder.writes) <= 1_000


CTRL_C_DURING_WRITE = """
import os, signal, sys
import pyoxigraph as ox
from claimgraph import store as s
s.WRITE_BATCH = 1_000
store = ox.Store()
real = s._batches
def batches(quads, size):
    for i, batch in enumerate(real(quads, size)):
        if i == 1:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C in the middle of the write
        yield batch
s._batches = batches
try:
    s.load_files(store, [sys.argv[1]])
except KeyboardInterrupt:
    print("interrupted after", len(store))
"""


def test_ctrl_c_during_the_write_takes_effect_once_the_load_is_complete(tmp_path):
    path = _big_file(tmp_path / "good.nt", broken_at_end=False)
    done = subprocess.run(
        [sys.executable, "-c", CTRL_C_DURING_WRITE, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.stdout.strip() == f"interrupted after {LINES + 2}", done.stderr


def test_a_store_created_by_a_load_that_fails_while_writing_is_removed(tmp_path, monkeypatch):
    def fail(store, checked):  # type: ignore[no-untyped-def]
        raise StoreError("cannot write to the store: No space left on device")

    monkeypatch.setattr(store_module, "write_checked", fail)
    good = _big_file(tmp_path / "good.nt", broken_at_end=False)
    with pytest.raises(StoreError):
        store_module.load_into_folder(tmp_path / "new", [good])
    assert not (tmp_path / "new").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError):
        store_module.load_into_folder(tmp_path / "empty", [good])
    assert list((tmp_path / "empty").iterdir()) == []


def test_a_fifo_is_refused_without_blocking_since_it_cannot_be_read_twice(tmp_path):
    fifo = tmp_path / "pipe.nt"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "claimgraph", "load", str(fifo), "--store", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        timeout=120,  # a regression would block on the FIFO: fail, do not hang
        check=False,
        env={k: v for k, v in os.environ.items() if k != "CLAIMGRAPH_STORE"},
    )
    assert (done.returncode, done.stderr) == (
        2,
        f"claimgraph: error: {fifo}: is not a regular file\n",
    )
    assert not (tmp_path / "s").exists()


def test_the_store_folder_is_checked_before_a_long_parse(runner, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    bad = tmp_path / "bad.nt"
    bad.write_text("<http://example.org/a> <http://example.org/b> .\n")
    message = one_error_line(run(runner, "load", str(bad), "--store", str(not_a_folder)), 2)
    assert message == f"{not_a_folder}: is not a store folder (it is a file)"
