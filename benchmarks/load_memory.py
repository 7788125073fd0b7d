"""Peak memory of `claimgraph load` on a generated N-Triples file, beside 0.1's way of loading.

0.1 read the whole file, parsed it into a list and wrote it in one transaction (a 59 MB file
took 1.06 GB); now load streams a file of this size once into pyoxigraph's bulk loader (into a
staging copy, swapped in), whose memory is what pyoxigraph's ``Store.bulk_load`` takes (see
``load_export_scale.py``). The last run loads the file again into the store
the second made (a checkpoint of it, written and swapped in). Each runs in a fresh child
process; its peak RSS comes from wait4.
Prints measured numbers; asserts nothing. Run: python benchmarks/load_memory.py [--mb 50]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OLD_WAY = """
import sys
from pathlib import Path
import pyoxigraph as ox
from claimgraph.store import open_store
store = open_store(sys.argv[1], create=True)
quads = list(ox.parse(Path(sys.argv[2]).read_bytes(), format=ox.RdfFormat.N_TRIPLES))
store.extend(quads)
store.flush()
"""

NEW_WAY = """
import sys
from claimgraph.api import load_into
load_into(sys.argv[1], [sys.argv[2]])
"""


def generate(path: Path, megabytes: int) -> int:
    lines = 0
    with path.open("w", encoding="utf-8") as f:
        while f.tell() < megabytes * 1_000_000:
            for _ in range(10_000):
                i = lines
                f.write(
                    f"<http://example.org/item/{i}> <http://example.org/p/{i % 13}> "
                    f'"item {i}: a literal of a typical length for a label" .\n'
                )
                if i % 4 == 0:
                    f.write(
                        f"_:n{i % 997} <http://example.org/about> <http://example.org/item/{i}> .\n"
                    )
                    lines += 1
                lines += 1
    return lines


def peak_rss(code: str, store: Path, data: Path) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of one child process running ``code``."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, str(store), str(data)])
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the child failed with status {status}")
    return usage.ru_maxrss / 1024, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=50, help="size of the generated file in MB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "big.nt"
        lines = generate(data, args.mb)
        size = data.stat().st_size / 1e6
        print(f"file: {size:.1f} MB, {lines} triples")
        runs = (
            ("0.1 (read, list, one extend)", OLD_WAY, "old"),
            ("load (streamed, new store)", NEW_WAY, "new"),
            ("load again (existing store)", NEW_WAY, "new"),  # checkpoint, write, swap
        )
        for name, code, folder in runs:
            rss, seconds = peak_rss(code, Path(tmp) / folder, data)
            print(f"{name:30} peak RSS {rss:7.0f} MiB  {seconds:6.1f} s")


if __name__ == "__main__":
    main()
