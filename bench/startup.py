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

ONCE = """
import tempfile
from pathlib import Path
from kiosk.core.loader import load_all
from kiosk.station.settings import Settings
from kiosk.ui.app import KioskApp

class Once(KioskApp):
    def show(self, first=False):
        super().show(first)
        assert "Liver test helper" in self.prompt.title.show
        self.call_after_refresh(self.exit)

settings = Settings(Path({content!r}), cache_dir=Path(tempfile.mkdtemp()))
packs = load_all(settings.content_dir)
"""

KIOSK = (
    ONCE
    + """
Once(settings, packs).run(headless=True, size=(80, 24))
"""
)

KIOSK_VOICE = (
    ONCE
    + """
from kiosk.ui.launch import close_voice, make_speaker
from kiosk.hearing import SilentListener

speaker = make_speaker(settings, packs)  # voices chosen (Piper where installed), workers start in the background
Once(settings, packs, speaker=speaker).run(headless=True, size=(80, 24))
close_voice(speaker, SilentListener())
"""
)

HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.exit)

Hello().run(headless=True, size=(80, 24))
"""


def measure(code: str) -> list[float]:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    rows = [
        ("alt-kiosk welcome", measure(KIOSK.format(content=str(ROOT / "content")))),
        ("  with its voice", measure(KIOSK_VOICE.format(content=str(ROOT / "content")))),
        ("bare Textual hello", measure(HELLO)),
    ]
    print(f"start-up to first drawn screen, {RUNS} fresh processes each (seconds)")
    print(f"{'app':<22}{'min':>8}{'p50':>8}{'max':>8}")
    for name, times in rows:
        print(f"{name:<22}{min(times):>8.3f}{statistics.median(times):>8.3f}{max(times):>8.3f}")
    print("target: alt-kiosk p50 <= 1.500")


if __name__ == "__main__":
    main()
