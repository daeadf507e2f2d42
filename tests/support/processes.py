"""Processes a program started: to prove none is left running after it ended."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.support.paths import ROOT


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (children, their children, ...), wherever their session."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = stat[1]
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def still_running(pids: set[int]) -> set[int]:
    """Those of `pids` that are still alive (not gone, not zombies)."""
    return {pid for pid in pids if (stat := _stat(pid)) is not None and stat[0] != "Z"}


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def kill_parent_of_worker(worker_kind: str, grace: float = 2.0) -> tuple[int, set[int]]:
    """Run a stand-in kiosk (tests/support/programs/worker_parent.py) that starts a worker of
    `worker_kind` ("phone loop" or "speech"); once the worker runs, SIGKILL the parent (no clean-up runs)
    and give the worker `grace` seconds to end on its own.

    Returns the worker's pid and the parent's other descendants (for the caller to clean up)."""
    command = [sys.executable, "-m", "tests.support.programs.worker_parent", json.dumps({"worker": worker_kind})]
    parent = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    others = descendants(parent.pid) - {worker}
    time.sleep(0.5)
    assert still_running({worker}) == {worker}
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and still_running({worker}):
        time.sleep(0.05)
    return worker, others
