"""The W3C SHACL test suite (core, and the SPARQL-based tests), run against the compiler.

Every test whose shapes the compiler supports must give exactly the expected report (see
``shacl_w3c`` for how reports are compared), and every test that expects the shapes to be
refused (``sht:Failure``) must be refused; a test it does not support is skipped, naming the
shape and component. The counts go to pytest's terminal summary:
"W3C SHACL core (compiler): N of M passed" (and the same for the SPARQL tests).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from claimgraph.shacl import ShapesError, Unsupported

from .shacl_w3c import CORE, SPARQL, W3cTest, actual, core_tests, expected

TESTS = core_tests() if CORE.is_dir() else []
SPARQL_TESTS = core_tests(SPARQL) if SPARQL.is_dir() else []
FAILURE = "http://www.w3.org/ns/shacl-test#Failure"


def _line(title: str, total: int, outcomes: dict[str, str]) -> str:
    passed = sum(1 for o in outcomes.values() if o == "passed")
    unsupported = sorted(name for name, o in outcomes.items() if o == "unsupported")
    return f"W3C SHACL {title} (compiler): {passed} of {total} passed" + (
        f"; not supported: {', '.join(unsupported)}" if unsupported else ""
    )


@pytest.fixture(scope="module")
def tally(summary_lines: list[str]) -> Iterator[dict[str, dict[str, str]]]:
    outcomes: dict[str, dict[str, str]] = {"core": {}, "sparql": {}}
    yield outcomes
    summary_lines.append(_line("core", len(TESTS), outcomes["core"]))
    summary_lines.append(_line("SPARQL", len(SPARQL_TESTS), outcomes["sparql"]))


def _run(test: W3cTest, tally: dict[str, str]) -> None:
    tally[test.name] = "failed"
    if test.result == ox.NamedNode(FAILURE):
        with pytest.raises(ShapesError) as refused:
            actual(test)
        if isinstance(refused.value, Unsupported):
            tally[test.name] = "unsupported"
            pytest.skip(str(refused.value))
        tally[test.name] = "passed"
        return
    try:
        found = actual(test)
    except Unsupported as e:
        tally[test.name] = "unsupported"
        pytest.skip(str(e))
    assert found == expected(test)
    tally[test.name] = "passed"


def test_the_suite_is_there():
    if not CORE.is_dir():
        pytest.skip(f"the W3C SHACL suite is not at {CORE}; CI always has it")
    assert len(TESTS) == 98


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_core_test_gives_the_expected_report(test, tally):
    _run(test, tally["core"])


@pytest.mark.parametrize("test", SPARQL_TESTS, ids=[t.name for t in SPARQL_TESTS])
def test_sparql_test_gives_the_expected_report_or_refuses(test, tally):
    _run(test, tally["sparql"])
