"""Runs the CLI in-process with captured stdin/stdout/stderr, like click's CliRunner did.

The CLI is argparse-based now (start-up time), so the tests drive :func:`claimgraph.cli.run`
directly; ``output`` interleaves stdout and stderr in the order they were written.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["CliRunner", "Result"]


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str
    output: str
    stdout_bytes: bytes = b""


class _Tee(io.RawIOBase):
    def __init__(self, own: io.BytesIO, both: io.BytesIO, tty: bool = False) -> None:
        self.own, self.both, self.tty = own, both, tty

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.tty

    def write(self, data) -> int:  # type: ignore[no-untyped-def,override]
        self.own.write(data)
        self.both.write(data)
        return len(data)


class CliRunner:
    def invoke(
        self,
        app,  # type: ignore[no-untyped-def]
        args: Sequence[str] = (),
        *,
        env: Mapping[str, str | None] | None = None,
        input: str | None = None,
        tty: bool = False,
    ) -> Result:
        """Run ``app(args)``; ``tty`` makes stdout say it is a terminal (width from COLUMNS)."""
        out, err, both = io.BytesIO(), io.BytesIO(), io.BytesIO()
        saved_streams = sys.stdin, sys.stdout, sys.stderr
        saved_env = {k: os.environ.get(k) for k in (env or {})}
        for key, value in (env or {}).items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        sys.stdin = io.TextIOWrapper(io.BytesIO((input or "").encode()), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(
            io.BufferedWriter(_Tee(out, both, tty)), encoding="utf-8", write_through=True
        )
        sys.stderr = io.TextIOWrapper(
            io.BufferedWriter(_Tee(err, both)), encoding="utf-8", write_through=True
        )
        try:
            try:
                code = app(list(args))
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved_streams
            for key, old in saved_env.items():
                if old is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = old
        return Result(
            code,
            out.getvalue().decode("utf-8", "replace"),
            err.getvalue().decode("utf-8", "replace"),
            both.getvalue().decode("utf-8", "replace"),
            out.getvalue(),
        )
