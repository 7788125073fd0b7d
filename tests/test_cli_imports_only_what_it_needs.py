"""`claimgraph query NAME` and `claimgraph queries` stay lean: no RDF library, SHACL or server.

Measured in a fresh interpreter (``sys.modules`` after the command ran), because start-up time
is what the user pays on every call and one stray top-level import undoes it.
"""

from __future__ import annotations

import json
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


def _modules_after(*args: str) -> tuple[int, set[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        check=True,
        capture_output=True,
        text=True,
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


BLOCK_SERVER = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"starlette", "uvicorn"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Block())
sys.argv = ["claimgraph", "serve", "--port", "0"]
from claimgraph.cli import main
main()
"""


def test_serve_without_the_server_extra_says_how_to_install_it():
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_SERVER], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "claimgraph: error: serve needs the server extra: pip install 'claimgraph[serve]'\n"
    )
