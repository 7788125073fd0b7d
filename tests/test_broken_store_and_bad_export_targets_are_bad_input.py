"""A damaged store, an unwritable ``-o`` and a bad ``--graph`` are bad input: exit 2, one line.

They used to take the "unexpected error" path (exit 1); a read-write open of a damaged store
also wrote ``LOCK`` and ``LOG`` into it. ``export -o`` used to leave mkstemp's 0600 mode.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from claimgraph.terms import ONTOLOGY_GRAPH

from .test_cli_commands import GOOD, one_error_line, run
from .test_read_commands_never_create_a_store import READ_COMMANDS, listing, run_command


def _broken(tmp_path: Path, current: bytes) -> Path:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "CURRENT").write_bytes(current)
    return folder


@pytest.mark.parametrize("command", ["load", *sorted(READ_COMMANDS)])
def test_store_with_an_empty_current_file_is_bad_input_and_left_untouched(
    runner, tmp_path, command
):
    folder = _broken(tmp_path, b"")
    before = listing(folder)
    data = tmp_path / "a.ttl"
    data.write_text(GOOD)
    args = ["load", str(data)] if command == "load" else READ_COMMANDS[command]
    message = one_error_line(run_command(runner, [*args, "--store", str(folder)]), 2)
    assert "broken store" in message and "CURRENT" in message
    assert listing(folder) == before


def test_store_whose_current_names_a_missing_manifest_is_bad_input(runner, tmp_path):
    folder = _broken(tmp_path, b"MANIFEST-000005\n")
    before = listing(folder)
    message = one_error_line(run(runner, "export", "--store", str(folder)), 2)
    assert message.endswith("broken store: CURRENT names MANIFEST-000005, which is missing")
    assert listing(folder) == before


def test_store_with_damaged_files_is_bad_input(runner, disk_store):
    manifest = next(disk_store.glob("MANIFEST-*"))
    manifest.write_bytes(b"\x00" * 64)
    message = one_error_line(
        run(runner, "query", "--sparql", "ASK {}", "--store", str(disk_store)), 2
    )
    assert "broken store" in message
    assert str(disk_store.resolve()) not in message.split(": ", 1)[1]  # no raw RocksDB text


def test_export_of_a_graph_that_is_not_an_iri_is_bad_input(runner, tmp_path):
    message = one_error_line(run(runner, "export", "--graph", "not an iri"), 2)
    assert message == "graph name 'not an iri' is not an absolute IRI or a prefixed name"
    out = tmp_path / "out.ttl"
    one_error_line(run(runner, "export", "--graph", "not an iri", "-o", str(out)), 2)
    assert not out.exists()


def _unwritable_folder(tmp_path: Path) -> Path:
    if os.geteuid() == 0:  # root writes anywhere a mode allows; /proc refuses new files
        return Path("/proc")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


def test_export_to_an_unwritable_folder_is_bad_input(runner, tmp_path):
    folder = _unwritable_folder(tmp_path)
    target = folder / "claimgraph-export.trig"
    message = one_error_line(run(runner, "export", "-o", str(target)), 2)
    assert message.startswith(f"{target}: cannot write: ")
    assert not target.exists()


def test_export_to_a_folder_is_bad_input(runner, tmp_path):
    message = one_error_line(run(runner, "export", "-o", str(tmp_path)), 2)
    assert message == f"{tmp_path}: is a folder, not a file"
    assert listing(tmp_path) == []


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def test_export_output_gets_the_mode_the_umask_gives(runner, tmp_path, umask_027):
    out = tmp_path / "ontology.ttl"
    result = run(runner, "export", "--graph", ONTOLOGY_GRAPH, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o640


def test_export_over_an_existing_file_keeps_its_mode(runner, tmp_path, umask_027):
    out = tmp_path / "ontology.ttl"
    out.write_text("old")
    out.chmod(0o604)
    result = run(runner, "export", "--graph", ONTOLOGY_GRAPH, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o604
    assert out.read_text() != "old"
