"""W3C SPARQL 1.1 Protocol tests against `claimgraph serve`: every test's outcome and the counts.

Prints; asserts nothing (tests/test_w3c_protocol_suite.py asserts). Run:
python benchmarks/w3c_protocol.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import protocol_suite  # noqa: E402

if __name__ == "__main__":
    start = time.perf_counter()
    protocol_suite.main()
    print(f"both runs: {time.perf_counter() - start:.1f} s")
