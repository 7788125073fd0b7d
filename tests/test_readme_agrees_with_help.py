"""The README's commands exist, with the options it shows, in the CLI's --help."""

from __future__ import annotations

import re
import shlex

from claimgraph.cli import app

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _first_block() -> list[str]:
    block = README.split("```", 2)[1]
    return [line for line in block.splitlines() if line.strip()]


def _claimgraph_invocations() -> list[list[str]]:
    """Every `claimgraph …` command line inside the README's code blocks."""
    calls = []
    blocks = README.split("```")[1::2]
    for block in blocks:
        for line in block.splitlines():
            line = line.strip().removeprefix("$ ")
            if "claimgraph " not in line:
                continue
            for part in re.split(r"&&|\|", line):
                words = shlex.split(part.strip(), comments=True) if part.strip() else []
                if words and words[0] == "python":
                    words = words[2:]  # python -m claimgraph …
                if words and words[0].endswith("claimgraph") and len(words) > 1:
                    calls.append(words[1:])
    return calls


def test_first_lines_install_and_run_main_query_then_tests():
    first, second = _first_block()[:2]
    assert "pip install ." in first
    assert first.endswith(
        "claimgraph query sources-supporting-claim --param claim=no-binding-agreement"
    )
    assert "pip install -e '.[test]'" in second and second.endswith("pytest")


def test_every_readme_command_and_option_is_in_help(runner):
    top = runner.invoke(app, ["--help"]).stdout
    calls = _claimgraph_invocations()
    assert len(calls) >= 8, "the README tour shows the commands"
    for words in calls:
        command = words[0]
        if command.startswith("-"):
            assert command in top, command
            continue
        assert re.search(rf"^  {re.escape(command)}\s", top, re.M), f"{command} not in --help"
        help_text = runner.invoke(app, [command, "--help"]).stdout
        for word in words[1:]:
            if word.startswith("--"):
                option = word.split("=", 1)[0]
                assert option in help_text, f"claimgraph {command} has no {option}"


def test_every_command_in_help_is_in_the_readme(runner):
    top = runner.invoke(app, ["--help"]).stdout
    commands = re.findall(r"^  (\w+)\s", top.split("Commands:", 1)[1], re.M)
    shown = {words[0] for words in _claimgraph_invocations()}
    assert set(commands) <= shown, set(commands) - shown
