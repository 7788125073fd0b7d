"""The CLI as a new analyst meets it: real metavars, an example per command, one set of short
flags, JSON that ends with a newline, and a pointer instead of a parse error for updates."""

from __future__ import annotations

import json
import re

import pytest

from claimgraph.cli import app
from claimgraph.cli.commandtable import COMMANDS

NAMES = [c.name for c in COMMANDS]


def run(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"CLAIMGRAPH_STORE": None})


@pytest.mark.parametrize("command", NAMES)
def test_help_has_real_metavars_and_an_example(runner, command):
    result = run(runner, command, "--help")
    assert result.exit_code == 0
    text = result.stdout
    assert not re.search(r"<[a-z]+(\[[a-z]+\])?>", text), "a Python type as metavar"
    assert "[default: default]" not in text
    example = re.search(r"^  Example:\n    (claimgraph .+)$", text, re.M)
    assert example, text
    assert example.group(1).split()[1] == command


def test_top_help_keeps_whole_summaries(runner):
    text = run(runner, "--help").stdout
    for cmd in COMMANDS:
        body = text.split("Commands:", 1)[1]
        flat = " ".join(body.split())
        assert cmd.summary in flat
    assert "..." not in text.split("Commands:", 1)[1]


def test_queries_takes_the_same_short_format_flag_as_query(runner):
    long = run(runner, "queries", "--format", "json")
    short = run(runner, "queries", "-f", "json")
    assert short.exit_code == 0 and short.stdout == long.stdout
    assert json.loads(short.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ("query", "claims-per-kind", "-f", "json"),
        ("query", "--sparql", "ASK {}", "-f", "json"),
        ("query", "--sparql", "ASK {}", "-f", "xml"),
        ("query", "--sparql", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2", "-f", "jsonld"),
        ("queries", "-f", "json"),
    ],
)
def test_machine_output_ends_with_one_newline(runner, args):
    result = run(runner, *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("\n") and not result.stdout.endswith("\n\n")


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }",
        "PREFIX ex: <http://example.org/> DELETE WHERE { ?s ex:p ?o }",
        "CLEAR ALL",
    ],
)
def test_an_update_given_to_query_points_to_the_endpoint(runner, text):
    result = run(runner, "query", "--sparql", text)
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("claimgraph: error: this is a SPARQL update")
    assert "claimgraph serve --allow-update" in line


def test_a_broken_query_still_gets_the_parser_error(runner):
    result = run(runner, "query", "--sparql", "SELECT ?x WHERE { ?x ?y }")
    assert result.exit_code == 2
    assert "update" not in result.stderr


def test_unknown_option_is_one_line_with_a_pointer_to_help(runner):
    result = run(runner, "queries", "--colour")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("claimgraph: error: ") and "(see 'claimgraph queries --help')" in line


def test_bare_claimgraph_prints_help_and_exits_2(runner):
    result = run(runner)
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: claimgraph [OPTIONS] COMMAND")


def test_a_bug_becomes_one_line_not_a_traceback(runner, monkeypatch):
    """The catch-all: an unexpected exception inside a command is one line and exit 1."""
    from claimgraph import api

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "list_queries", broken)
    monkeypatch.delenv("CLAIMGRAPH_DEBUG", raising=False)
    result = run(runner, "queries")
    assert result.exit_code == 1
    assert result.stderr == (
        "claimgraph: error: unexpected RuntimeError: boom (set CLAIMGRAPH_DEBUG=1 for details)\n"
    )


def test_debug_lets_the_traceback_through(runner, monkeypatch):
    from claimgraph import api

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "list_queries", broken)
    monkeypatch.setenv("CLAIMGRAPH_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        run(runner, "queries")


def test_export_that_fails_to_rename_leaves_no_temporary_file(runner, tmp_path, monkeypatch):
    """`export -o` writes a temp file and renames it; a failed rename removes the temp file."""
    import os

    target = tmp_path / "out.ttl"
    target.write_bytes(b"old\n")

    def refuse(src, dst):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = run(runner, "export", "--graph", "cgg:ontology", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"claimgraph: error: {target}: cannot write: Permission denied\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]
    assert target.read_bytes() == b"old\n"  # the old file is untouched


def test_load_of_a_folder_says_it_is_a_folder(runner, tmp_path, disk_store):
    folder = tmp_path / "rdf"
    folder.mkdir()
    result = run(runner, "load", str(folder), "--store", str(disk_store))
    assert result.exit_code == 2
    assert result.stderr == (
        f"claimgraph: error: {folder}: is a folder; load takes RDF files "
        f"(for example {folder / '*.ttl'})\n"
    )
