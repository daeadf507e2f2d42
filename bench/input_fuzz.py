"""Benchmark: the real kiosk on a pty, fed a long run of random and adversarial terminal input.

The test suite feeds 20,000 sequences; this feeds 200,000 (several seeds) and prints how much went in,
how long the kiosk took to take it, its memory before and after, and whether it was still drawing a
patient's screen and exited cleanly on SIGTERM.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.memory import rss_kb  # noqa: E402
from tests.support.input_fuzz import SCREENS, feed  # noqa: E402
from tests.support.pty_terminal import PtyTerminal  # noqa: E402

SEEDS = (1, 2, 3, 4)
PER_SEED = 50_000


def run(seed: int, folder: Path) -> tuple[int, float, int, int, bool, int | None]:
    config = folder / "config.yaml"
    config.write_text("speech_engine: {en: off}\n", encoding="utf-8")
    env = {**os.environ, "HOME": str(folder), "XDG_CACHE_HOME": str(folder / "c"), "XDG_STATE_HOME": str(folder / "s")}
    alt_kiosk = str(Path(sys.executable).parent / "alt-kiosk")
    term = PtyTerminal([alt_kiosk, "run", "--kiosk", "--mute", "--config", str(config)], env)
    drawing = False
    try:
        term.wait_for("Liver test helper")
        before = rss_kb(term.proc.pid)
        start = time.monotonic()
        sent = feed(term.write, lambda: term.proc.poll() is None, seed=seed, count=PER_SEED)
        term.screen.reset()
        term.resize(72, 22)  # drawn again only if its event loop has worked through all of it
        term.wait_for(*SCREENS, timeout=120)
        took = time.monotonic() - start
        drawing = True
        after = rss_kb(term.proc.pid)
    finally:
        code = term.close()
    return sent, took, before, after, drawing, code


def main() -> None:
    print(f"input fuzz: the real kiosk on a pty, {len(SEEDS)} x {PER_SEED:,} sequences")
    print(f"{'seed':>5}{'bytes':>11}{'seconds':>9}{'seq/s':>8}{'RSS MB':>15}{'drawing':>9}{'exit':>6}")
    for seed in SEEDS:
        with tempfile.TemporaryDirectory() as folder:
            sent, took, before, after, drawing, code = run(seed, Path(folder))
        print(
            f"{seed:>5}{sent:>11,}{took:>9.1f}{PER_SEED / took:>8.0f}{f'{before / 1024:.0f} -> {after / 1024:.0f}':>15}"
            f"{'yes' if drawing else 'NO':>9}{code!s:>6}"
        )
    print("target: drawing = yes and exit 0 for every seed")


if __name__ == "__main__":
    main()
