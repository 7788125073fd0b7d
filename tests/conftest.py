"""Shared fixtures: stores, the CLI runner, the essay text, small hand-written texts."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from claimgraph.store import open_store

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
EXPECTED = DATA / "expected"
REPO = TESTS.parent
ESSAY_NAME = "broken-promises-narrative.txt"


def essay_path() -> Path | None:
    """The real essay: $CLAIMGRAPH_ESSAY, else ../shared/essay/ beside the repo."""
    env = os.environ.get("CLAIMGRAPH_ESSAY")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "essay" / ESSAY_NAME)
    for c in candidates:
        if c.is_file():
            return c
    return None


@pytest.fixture(scope="session")
def essay_text() -> str:
    path = essay_path()
    if path is None:
        pytest.skip(
            f"the essay {ESSAY_NAME} is not at ../shared/essay/ and CLAIMGRAPH_ESSAY is unset; "
            "CI always has it"
        )
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def bundled_store() -> ox.Store:
    """The bundled graphs in memory, shared by read-only tests (do not write to it)."""
    return open_store()


@pytest.fixture
def memory_store() -> ox.Store:
    """A fresh in-memory store with the bundled graphs, for tests that write."""
    return open_store()


@pytest.fixture
def disk_store(tmp_path: Path) -> Path:
    """A temporary on-disk store folder, created with the bundled graphs."""
    folder = tmp_path / "store"
    store = open_store(folder)
    del store  # release the lock: tests open it again through the API or the CLI
    return folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
