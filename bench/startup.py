"""Benchmark: process start to the first drawn welcome screen, beside a bare Textual "hello" app.

Each run is a fresh Python process (imports included), headless, 80x24, exiting right
after the first screen has been drawn. Prints a table; numbers are seconds. "with its voice" adds what
`alt-kiosk run` does before the UI: choosing each language's voice (Piper where installed) and starting
the speaker, whose workers and rendering ahead run in the background.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 10


def measure(*program: str) -> list[float]:
    """Seconds each of RUNS fresh processes of `program` (bench/programs) took, imports included."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", *program], check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    rows = [
        ("alt-kiosk welcome", measure("bench.programs.first_screen", str(ROOT / "content"))),
        ("  with its voice", measure("bench.programs.first_screen", str(ROOT / "content"), "voice")),
        ("bare Textual hello", measure("bench.programs.hello")),
    ]
    print(f"start-up to first drawn screen, {RUNS} fresh processes each (seconds)")
    print(f"{'app':<22}{'min':>8}{'p50':>8}{'max':>8}")
    for name, times in rows:
        print(f"{name:<22}{min(times):>8.3f}{statistics.median(times):>8.3f}{max(times):>8.3f}")
    print("target: alt-kiosk p50 <= 1.500")


if __name__ == "__main__":
    main()
