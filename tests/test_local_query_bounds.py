"""Local queries are bounded: --timeout and --memory stop a runaway query with one line, and a
query that crashes the engine is reported instead of crashing the CLI.

pyoxigraph cannot be interrupted in-process, so these pin that the query really runs in a child
the CLI can kill (``claimgraph.isolate``). Runaway queries here are a COUNT over a cross product
(billions of rows in constant memory) and an ORDER BY over one (a gigabyte a second: always run
under a small ``--memory`` so that it cannot take the machine's memory).
"""

from __future__ import annotations

import pytest

from claimgraph import isolate
from claimgraph.errors import ClaimgraphError, ProcessCrashed, QueryTimeout

from .conftest import EXPECTED
from .test_cli_commands import one_error_line, run

RUNAWAY_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAY_SORT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"


def test_runaway_local_query_stops_at_timeout_with_exit_2(runner) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "query", "--timeout", "1", "--sparql", RUNAWAY_COUNT)
    assert one_error_line(result, 2) == "query timed out after 1 s (--timeout)"


def test_fractional_timeout_is_reported_as_given(runner) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "query", "--timeout", "0.5", "--sparql", RUNAWAY_COUNT)
    assert one_error_line(result, 2) == "query timed out after 0.5 s (--timeout)"


def test_negative_timeout_is_a_usage_error(runner) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "query", "--timeout", "-1", "--sparql", "ASK {}")
    assert "--timeout" in one_error_line(result, 2)


def test_runaway_sort_under_memory_cap_is_one_line_exit_1(runner) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "query", "--memory", "512", "--timeout", "0", "--sparql", RUNAWAY_SORT)
    message = one_error_line(result, 1)
    assert message in (
        "the process running the command crashed with SIGABRT"
        " (it may have needed more than --memory 512 MiB); nothing was written",
        "the process running the command ran out of memory"
        " (it may have needed more than --memory 512 MiB); nothing was written",
    ), message


def test_engine_crash_on_deep_nesting_is_one_line_not_a_dead_cli(
    runner, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    # 5,000 nested brackets segfault pyoxigraph; with the guard off, only the child dies
    monkeypatch.setattr("claimgraph.sparql.guard_query", lambda *a, **k: None)
    deep = "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    message = one_error_line(run(runner, "query", "--sparql", deep), 1)
    assert message == "the process running the command crashed with SIGSEGV; nothing was written"


def test_timeout_zero_means_no_limit_and_still_answers(runner) -> None:  # type: ignore[no-untyped-def]
    result = run(
        runner, "query", "sources-supporting-claim", "--param", "claim=no-binding-agreement",
        "--timeout", "0", "--memory", "0",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (EXPECTED / "sources-supporting-claim.txt").read_text("utf-8")


def test_errors_raised_in_the_child_keep_their_class_location_and_code() -> None:
    def fail() -> bytes:
        raise QueryTimeout("no", path="q.rq", line=3, column=4)

    with pytest.raises(QueryTimeout) as caught:
        isolate.run_isolated(fail)
    assert str(caught.value) == "q.rq:3:4: no" and caught.value.exit_code == 2


def test_an_error_that_cannot_be_pickled_still_reaches_the_parent_as_one_line() -> None:
    class Odd(ClaimgraphError):
        exit_code = 3

        def __init__(self, a: int, b: int) -> None:
            super().__init__(f"odd {a} {b}")

    def fail() -> bytes:
        raise Odd(1, 2)

    with pytest.raises(ClaimgraphError) as caught:
        isolate.run_isolated(fail)
    assert str(caught.value) == "odd 1 2" and caught.value.exit_code == 3


def test_a_child_that_exits_without_answering_is_a_crash_not_a_hang() -> None:
    import os

    with pytest.raises(ProcessCrashed, match="exit status 5"):
        isolate.run_isolated(lambda: os._exit(5))


def test_a_large_result_comes_back_byte_identical() -> None:
    data = bytes(range(256)) * 40_000  # 10 MB, larger than any pipe buffer
    assert isolate.run_isolated(lambda: data) == data
