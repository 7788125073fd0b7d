"""What a forked child returns or raises reaches the parent unchanged, by either encoding.

Bytes (every CLI command's answer) travel raw; anything else, and every error, is pickled.
"""

from __future__ import annotations

import pytest

from claimgraph.errors import ParameterError
from claimgraph.isolate import run_isolated


@pytest.mark.parametrize("value", [b"", b"B-P\x00\xff" * 1000, b"x" * (3 << 20)])
def test_bytes_come_back_byte_for_byte(value):
    assert run_isolated(lambda: value, block_network=False) == value


@pytest.mark.parametrize("value", [None, "text", {"rows": [1, 2]}, bytearray(b"ab")])
def test_other_values_come_back_equal_and_of_their_type(value):
    back = run_isolated(lambda: value, block_network=False)
    assert back == value and type(back) is type(value)


def test_an_error_comes_back_as_itself():
    def fail() -> bytes:
        raise ParameterError("no such claim")

    with pytest.raises(ParameterError, match="no such claim"):
        run_isolated(fail, block_network=False)


def test_bytes_come_back_from_a_network_blocked_child():
    assert run_isolated(lambda: b"answer") == b"answer"
