"""Every ```console example in the README runs and prints what the README shows.

The examples run in order, in one scratch folder (a later one may use the store an earlier one
made), through the installed ``claimgraph`` script; stdout and stderr are compared together,
because the README shows what a terminal shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def console_examples() -> list[tuple[str, str]]:
    """(command line, expected output) for every ``$ `` line of the console blocks."""
    examples: list[tuple[str, str]] = []
    for block in README.split("```console\n")[1:]:
        body = block.split("```", 1)[0]
        command: str | None = None
        output: list[str] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, "".join(f"{x}\n" for x in output)))
                command, output = line[2:], []
            else:
                output.append(line)
        if command is not None:
            examples.append((command, "".join(f"{x}\n" for x in output)))
    return examples


EXAMPLES = console_examples()


def test_the_readme_has_console_examples():
    assert len(EXAMPLES) >= 10
    assert all(cmd.startswith("claimgraph ") for cmd, _ in EXAMPLES)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    (folder / "tests").symlink_to(REPO / "tests")
    return folder


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_console_example(scratch, command, expected):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMGRAPH_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "80"
    done = subprocess.run(
        ["bash", "-c", f"exec 2>&1; {command}"],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.stdout == expected, command
