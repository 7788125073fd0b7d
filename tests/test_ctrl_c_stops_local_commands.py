"""Ctrl-C stops a local command at once: exit 130, one line, no traceback, no process left;
a timeout or a killed CLI leaves no query running either.

pyoxigraph never sees SIGINT while a query runs in native code, so before claimgraph ran local
work in a child it could kill, Ctrl-C did nothing until the query ended. Each test starts a real
``claimgraph`` in its own session and sends SIGINT to the whole process group, as a terminal
does, once the command's child process exists (the work is then surely under way).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claimgraph.cli import app

RUNAWAY_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def interrupt(args: list[str], cwd: Path) -> tuple[int, bytes, int]:
    """Run ``claimgraph ARGS``, Ctrl-C it once its child runs; (exit code, stderr, child pid)."""
    env = {k: v for k, v in os.environ.items() if k != "CLAIMGRAPH_STORE"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimgraph", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        cwd=cwd,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not (kids := _children(proc.pid)):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
            assert time.monotonic() < deadline, "the command never started its child"
            time.sleep(0.01)
        time.sleep(0.2)  # let the child get into the work itself
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, err, kids[0]


def test_ctrl_c_stops_a_runaway_local_query_with_exit_130(tmp_path: Path) -> None:
    code, err, child = interrupt(["query", "--timeout", "0", "--sparql", RUNAWAY_COUNT], tmp_path)
    assert (code, err) == (130, b"claimgraph: interrupted\n")
    assert not Path(f"/proc/{child}").exists(), "the query's child process is still running"


def test_ctrl_c_stops_validate_with_exit_130(tmp_path: Path) -> None:
    data = tmp_path / "big.ttl"
    lines = ["@prefix ex: <http://example.org/> ."]
    lines += [f'ex:s{i} ex:p ex:o{i % 97} ; ex:q "{i}" .' for i in range(50_000)]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err, child = interrupt(["validate", "--data", str(data)], tmp_path)
    assert (code, err) == (130, b"claimgraph: interrupted\n")
    assert not Path(f"/proc/{child}").exists(), "validate's child process is still running"


def _interrupt_from_the_child(*args: object, **kwargs: object) -> bytes:
    """Stands in for the command's work: Ctrl-C reaches the parent while the child is busy."""
    os.kill(os.getppid(), signal.SIGINT)
    time.sleep(60)
    return b"never"


def test_ctrl_c_during_export_exits_130_and_writes_no_file(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("claimgraph.api.export", _interrupt_from_the_child)
    target = tmp_path / "out.trig"
    result = runner.invoke(app, ["export", "-o", str(target)], env={"CLAIMGRAPH_STORE": None})
    assert (result.exit_code, result.stderr) == (130, "claimgraph: interrupted\n")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_during_show_exits_130(runner, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("claimgraph.api.show_claim", _interrupt_from_the_child)
    result = runner.invoke(app, ["show", "no-binding-agreement"], env={"CLAIMGRAPH_STORE": None})
    assert (result.exit_code, result.stdout) == (130, "")
    assert result.stderr == "claimgraph: interrupted\n"


def test_ctrl_c_outside_the_child_is_also_exit_130(
    runner, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("claimgraph.api.parse_param_options", interrupted)
    result = runner.invoke(app, ["query", "queries"], env={"CLAIMGRAPH_STORE": None})
    assert (result.exit_code, result.stderr) == (130, "claimgraph: interrupted\n")


def _start(args: list[str], cwd: Path) -> tuple[subprocess.Popen[bytes], int]:
    env = {k: v for k, v in os.environ.items() if k != "CLAIMGRAPH_STORE"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimgraph", *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd, env=env,
    )
    deadline = time.monotonic() + 60
    while not (kids := _children(proc.pid)):
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
        assert time.monotonic() < deadline, "the command never started its child"
        time.sleep(0.01)
    return proc, kids[0]


def _gone(pid: int) -> bool:
    """True once ``pid`` no longer runs (a zombie waiting for init counts as gone)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.01)
    return False


def test_a_timed_out_query_leaves_no_process_running(tmp_path: Path) -> None:
    proc, child = _start(["query", "--timeout", "1", "--sparql", RUNAWAY_COUNT], tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err == b"claimgraph: error: query timed out after 1 s (--timeout)\n"
    assert _gone(child)


def test_killing_the_cli_also_kills_its_query(tmp_path: Path) -> None:
    proc, child = _start(["query", "--timeout", "0", "--sparql", RUNAWAY_COUNT], tmp_path)
    proc.kill()  # SIGKILL: the CLI gets no chance to clean up; the kernel stops the child
    proc.wait()
    if proc.stderr:
        proc.stderr.close()  # filterwarnings = error: an unclosed pipe is a ResourceWarning
    assert _gone(child), "the query kept running after its CLI died"
