"""A mistyped ``--store`` on a read command is an error, not a new empty store.

Only ``load`` creates a store; every other command given a folder without one exits 2 with
one line, and writes nothing into the folder (or creates it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from claimgraph.errors import StoreError
from claimgraph.store import graph_names, open_store
from claimgraph.terms import ONTOLOGY_GRAPH

from .test_cli_commands import GOOD, one_error_line, run

#: Each read command, with what it needs besides --store.
READ_COMMANDS = {
    "query": ["query", "--sparql", "ASK {}"],
    "show": ["show", "no-binding-agreement"],
    "validate": ["validate"],
    "export": ["export"],
    "push": ["push", "--endpoint", "http://127.0.0.1:9/store"],
    "serve": ["serve", "--port", "0", "--workers", "1"],
}


class _Result:
    """What ``one_error_line`` reads from a CliRunner result, for a command run as a process."""

    def __init__(self, done: subprocess.CompletedProcess[str]) -> None:
        self.exit_code = done.returncode
        self.stdout = done.stdout
        self.stderr = done.stderr


def run_command(runner, args: list[str], env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """``serve`` runs in its own process group: if it ever served instead of refusing, the test
    fails after a while instead of hanging, and its workers are stopped with it."""
    if args[0] != "serve":
        return run(runner, *args, env=env)
    child_env = {k: v for k, v in os.environ.items() if k != "CLAIMGRAPH_STORE"}
    child = subprocess.Popen(
        [sys.executable, "-m", "claimgraph", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**child_env, **(env or {})},
        start_new_session=True,
    )
    try:
        out, err = child.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        pytest.fail("serve started on a folder without a store")
    return _Result(subprocess.CompletedProcess(args, child.returncode, out, err))


def listing(folder: Path) -> list[tuple[str, int, int]]:
    return sorted(
        (str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
    )


def _expected(folder: Path) -> str:
    return f"no claimgraph store at {folder} (create one with `claimgraph load --store {folder} …`)"


@pytest.mark.parametrize("command", sorted(READ_COMMANDS))
def test_read_command_on_a_missing_folder_exits_2_and_creates_nothing(runner, tmp_path, command):
    folder = tmp_path / "stroe"
    result = run_command(runner, [*READ_COMMANDS[command], "--store", str(folder)])
    assert one_error_line(result, 2) == _expected(folder)
    assert not folder.exists()


@pytest.mark.parametrize("command", sorted(READ_COMMANDS))
def test_read_command_on_an_empty_folder_exits_2_and_writes_nothing(runner, tmp_path, command):
    folder = tmp_path / "empty"
    folder.mkdir()
    result = run_command(runner, [*READ_COMMANDS[command], "--store", str(folder)])
    assert one_error_line(result, 2) == _expected(folder)
    assert listing(folder) == []


def test_read_command_on_a_folder_of_other_files_names_the_reason(runner, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "notes.txt").write_text("x")
    before = listing(folder)
    message = one_error_line(run(runner, "query", "--sparql", "ASK {}", "--store", str(folder)), 2)
    assert message.startswith(f"no claimgraph store at {folder} (the folder is not empty")
    assert listing(folder) == before


def test_store_named_by_the_environment_is_not_created_either(runner, tmp_path):
    folder = tmp_path / "from-env"
    result = run(runner, "query", "--sparql", "ASK {}", env={"CLAIMGRAPH_STORE": str(folder)})
    assert one_error_line(result, 2) == _expected(folder)
    assert not folder.exists()


def test_open_store_without_create_refuses_a_missing_folder(tmp_path):
    with pytest.raises(StoreError, match="no claimgraph store at"):
        open_store(tmp_path / "missing", write=True)
    assert not (tmp_path / "missing").exists()


def test_load_creates_a_new_store_with_the_bundled_graphs(runner, tmp_path):
    folder = tmp_path / "new"
    data = tmp_path / "a.ttl"
    data.write_text(GOOD)
    result = run(
        runner, "load", str(data), "--graph", "http://example.org/g", "--store", str(folder)
    )
    assert result.exit_code == 0, result.stderr
    names = graph_names(open_store(folder))
    assert ONTOLOGY_GRAPH in names and "http://example.org/g" in names


def test_load_of_a_bad_file_creates_no_store(runner, tmp_path):
    folder = tmp_path / "new"
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://example.org/a> <http://example.org/b> .\n")
    one_error_line(run(runner, "load", str(bad), "--store", str(folder)), 2)
    assert not folder.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    one_error_line(run(runner, "load", str(bad), "--store", str(empty)), 2)
    assert listing(empty) == []


def test_load_with_a_bad_graph_name_creates_no_store(runner, tmp_path):
    folder = tmp_path / "new"
    data = tmp_path / "a.ttl"
    data.write_text(GOOD)
    one_error_line(
        run(runner, "load", str(data), "--graph", "not an iri", "--store", str(folder)), 2
    )
    assert not folder.exists()
