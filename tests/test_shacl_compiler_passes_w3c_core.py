"""The W3C SHACL core test suite, run against the compiler.

Every test whose shapes the compiler supports must give exactly the expected report (see
``shacl_w3c`` for how reports are compared); a test it does not support is skipped, naming
the shape and component. The count goes to pytest's terminal summary:
"W3C SHACL core (compiler): N of M passed".
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from claimgraph.shacl import Unsupported

from .shacl_w3c import CORE, W3cTest, actual, core_tests, expected

TESTS = core_tests() if CORE.is_dir() else []


@pytest.fixture(scope="module")
def tally(summary_lines: list[str]) -> Iterator[dict[str, str]]:
    outcomes: dict[str, str] = {}
    yield outcomes
    passed = sum(1 for o in outcomes.values() if o == "passed")
    unsupported = sorted(name for name, o in outcomes.items() if o == "unsupported")
    summary_lines.append(
        f"W3C SHACL core (compiler): {passed} of {len(TESTS)} passed"
        + (f"; not supported: {', '.join(unsupported)}" if unsupported else "")
    )


def test_the_suite_is_there():
    if not CORE.is_dir():
        pytest.skip(f"the W3C SHACL suite is not at {CORE}; CI always has it")
    assert len(TESTS) == 98


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_core_test_gives_the_expected_report(test: W3cTest, tally: dict[str, str]) -> None:
    tally[test.name] = "failed"
    try:
        found = actual(test)
    except Unsupported as e:
        tally[test.name] = "unsupported"
        pytest.skip(str(e))
    assert found == expected(test)
    tally[test.name] = "passed"
