"""`claimgraph query NAME` and `claimgraph queries` stay lean: no RDF library, SHACL or server.

Measured in a fresh interpreter (``sys.modules`` after the command ran), because start-up time
is what the user pays on every call and one stray top-level import undoes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("rdflib", "pyshacl", "starlette", "uvicorn", "typer", "click", "SPARQLWrapper")

PROBE = """
import io, json, sys
sys.argv = ["claimgraph", *json.loads(sys.argv[1])]
from claimgraph.cli import run
real = sys.stdout
sys.stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
code = run()
sys.stdout = real
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_after(*args: str, env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    answer = json.loads(out.splitlines()[-1])
    return answer["code"], {m.split(".")[0] for m in answer["modules"]}


@pytest.mark.parametrize(
    "args",
    [
        ("query", "sources-supporting-claim", "-p", "claim=no-binding-agreement"),
        ("query", "claims-per-section", "-f", "json"),
        ("queries",),
        ("--help",),
    ],
)
def test_command_imports_no_heavy_module(args):
    code, loaded = _modules_after(*args)
    assert code == 0
    assert "claimgraph" in loaded and "pyoxigraph" in loaded  # the probe really ran the CLI
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_the_probe_sees_a_heavy_import():
    """A control: a remote query does load its HTTP client, and the probe reports it."""
    code, loaded = _modules_after(
        "query", "--sparql", "ASK {}", "--endpoint", "http://127.0.0.1:9/sparql", "--timeout", "2"
    )
    assert code == 3  # nothing listens on port 9: a remote error
    assert "SPARQLWrapper" in loaded or "httpx" in loaded


#: Standard-library modules the parent process of a local query does without: typing costs
#: ~2 ms of every cold call; ctypes (the network block, PR_SET_PDEATHSIG) and
#: platform (the swap's syscall table) belong to the forked child or to on-disk writes only;
#: pickle only to an answer that is not plain bytes (an error).
#: The child's imports do not show here: it is forked after the parent's imports and exits.
PARENT_NEVER = ("typing", "ctypes", "platform", "pickle")


def _without_coverage() -> dict[str, str]:
    """Coverage's start-up hook imports typing itself; measure the CLI alone."""
    return {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}


@pytest.mark.parametrize(
    "args",
    [
        ("query", "sources-supporting-claim", "-p", "claim=no-binding-agreement"),
        ("query", "claims-per-section", "-f", "json"),
        ("queries",),
    ],
)
def test_the_parent_of_a_local_command_skips_slow_stdlib_modules(args):
    code, loaded = _modules_after(*args, env=_without_coverage())
    assert code == 0
    assert "pyoxigraph" in loaded  # the probe really ran the command
    assert not loaded & set(PARENT_NEVER), sorted(loaded & set(PARENT_NEVER))


def test_the_probe_sees_typing_where_a_command_needs_it():
    """A control: the remote client imports typing, and the probe reports it."""
    code, loaded = _modules_after(
        "query",
        "--sparql",
        "ASK {}",
        "--endpoint",
        "http://127.0.0.1:9/sparql",
        "--timeout",
        "2",
        env=_without_coverage(),
    )
    assert code == 3
    assert "typing" in loaded


BLOCK_SERVER = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BLOCKED}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Block())
sys.argv = {ARGV}
from claimgraph.cli import main
main()
"""


@pytest.mark.parametrize(
    ("blocked", "argv"),
    [
        ({"starlette", "uvicorn"}, ["claimgraph", "serve", "--port", "0"]),
        # the web UI's templates are part of the extra too: serve imports them with the app
        ({"jinja2"}, ["claimgraph", "serve", "--port", "0"]),
        ({"jinja2"}, ["claimgraph", "site", "-o", "unused-site-folder"]),
    ],
)
def test_serve_without_the_server_extra_says_how_to_install_it(blocked, argv, tmp_path):
    code = BLOCK_SERVER.format(BLOCKED=repr(blocked), ARGV=repr(argv))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"claimgraph: error: {argv[1]} needs the server extra: pip install 'claimgraph[serve]'\n"
    )
