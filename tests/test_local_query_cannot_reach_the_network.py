"""A local query runs in a child that cannot open internet sockets unless --allow-service names a
host: even a query that gets past the guard (here: the guard switched off) reaches no listener.

The guard is patched out in the pytest process before the command forks, so the child inherits
the no-op; the listener counts connections whatever became of the query.
"""

from __future__ import annotations

import platform
import sys

import pytest

from ._listener import listening
from .test_cli_commands import run

SUPPORTED_HERE = sys.platform.startswith("linux") and platform.machine() in ("x86_64", "aarch64")
needs_seccomp = pytest.mark.skipif(
    not SUPPORTED_HERE, reason="the seccomp block exists only on Linux x86_64 and aarch64"
)

BLOCKED = (
    "the query tried to open a network connection; local queries run without network access "
    "unless a host is allowed (--allow-service HOST)"
)


@pytest.fixture
def no_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    def off(*args: object, **kwargs: object) -> None:
        return None

    monkeypatch.setattr("claimgraph.guard.guard_query", off)
    monkeypatch.setattr("claimgraph.sparql.guard_query", off, raising=False)


@needs_seccomp
def test_service_with_the_guard_off_cannot_connect_from_a_local_query(runner, no_guard) -> None:  # type: ignore[no-untyped-def]
    with listening() as listener:
        sparql = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        result = run(runner, "query", "--sparql", sparql)
        assert listener.connections == 0
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"claimgraph: error: {BLOCKED}\n"


@needs_seccomp
def test_silent_service_with_the_guard_off_cannot_connect_with_timeout_zero(
    runner, no_guard
) -> None:  # type: ignore[no-untyped-def]
    with listening() as listener:
        sparql = f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}"
        result = run(runner, "query", "--timeout", "0", "--sparql", sparql)
        assert listener.connections == 0
    # SILENT turns the refused connection into one empty solution, as for a host that is down
    assert (result.exit_code, result.stderr) == (0, "")


@needs_seccomp
def test_allowed_service_host_does_reach_the_listener(runner, no_guard) -> None:  # type: ignore[no-untyped-def]
    # the control: the block, not the listener or the test, is what kept the others out
    with listening() as listener:
        sparql = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        run(runner, "query", "--allow-service", "127.0.0.1", "--sparql", sparql)
        assert listener.connections >= 1


@needs_seccomp
def test_escape_in_prefixed_name_cannot_smuggle_service_past_both_layers(runner) -> None:  # type: ignore[no-untyped-def]
    # issue 8's second bypass, with the real guard: refused by the guard or by the kernel
    with listening() as listener:
        sparql = (
            "SELECT * WHERE { BIND(actor:x\\# AS ?a) "
            f"SERVICE <{listener.url}> {{ ?x ?p ?s }} }}"
        )
        result = run(runner, "query", "--sparql", sparql)
        assert listener.connections == 0
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("claimgraph: error: ") and result.stderr.count("\n") == 1


def test_a_platform_without_the_block_is_said_once_and_the_query_still_answers(
    runner, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("claimgraph.sandbox.block_network", lambda: False)
    monkeypatch.setattr("claimgraph.isolate._warned", False)
    result = run(runner, "query", "--sparql", "ASK {}", "--format", "json")
    # JSON output ends with a newline (issue 9)
    assert (result.exit_code, result.stdout) == (0, '{"head": {}, "boolean": true}\n')
    assert result.stderr == (
        "claimgraph: warning: this platform cannot block network access for queries (needs "
        "Linux seccomp); only the query guard keeps SERVICE and LOAD off the network\n"
    )
