"""A process's resident memory, as the benchmarks report it."""

from __future__ import annotations

from pathlib import Path


def rss_kb(pid: int | str = "self") -> int:
    """VmRSS of process `pid` (this one by default), in kB; 0 if it has none (a zombie)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
