"""Benchmark: SIGTERM to exit of the real kiosk while it speaks and listens (ALSA file device, PocketSphinx).

Ten fresh runs on a pty; each waits until a question is being spoken, sends SIGTERM, and times the
exit. Also checks that no process of the kiosk's session is left behind.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.audio_env import alsa_home, wait_until_speaking  # noqa: E402
from tests.support.processes import descendants, still_running  # noqa: E402
from tests.support.pty_terminal import PtyTerminal  # noqa: E402

RUNS = 10


def one_run(folder: Path) -> tuple[float, int | None, int]:
    home = alsa_home(folder / "home", b"\0" * 16000 * 120)
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(folder / "c"), "XDG_STATE_HOME": str(folder / "s")}
    alt_kiosk = str(Path(sys.executable).parent / "alt-kiosk")
    term = PtyTerminal([alt_kiosk, "run", "--kiosk"], env)
    try:
        term.wait_for("Liver test helper")
        time.sleep(3.0)  # the listener has loaded its model and is listening
        term.write(b"1")
        term.wait_for("Question 1 of 6")
        wait_until_speaking(home)
        children = descendants(term.proc.pid)
        started = time.monotonic()
        term.proc.terminate()
        code = term.proc.wait(timeout=10)
        took = time.monotonic() - started
        time.sleep(0.5)
        left = len(still_running(children))
    finally:
        term.close()
    return took, code, left


def main() -> None:
    results = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as folder:
            results.append(one_run(Path(folder)))
    times = [t for t, _, _ in results]
    print(f"SIGTERM -> exit while speaking and listening, {RUNS} fresh runs (seconds)")
    print(f"{'p50':>8}{'max':>8}{'exit codes':>14}{'processes left':>16}")
    codes = ",".join(sorted({str(c) for _, c, _ in results}))
    print(f"{statistics.median(times):>8.3f}{max(times):>8.3f}{codes:>14}{sum(n for _, _, n in results):>16}")
    print("target: max <= 1.000, exit 0, none left")


if __name__ == "__main__":
    main()
