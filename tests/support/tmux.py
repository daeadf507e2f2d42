"""The real program in a real terminal: a tmux session that runs a command, takes keys and shows its screen."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from tests.support.paths import ROOT

ALT_KIOSK = str(Path(sys.executable).parent / "alt-kiosk")
"""The installed command, beside this Python."""


class Tmux:
    def __init__(
        self,
        command: str,
        term: str = "xterm-256color",
        size: tuple[int, int] = (80, 24),
        env: dict[str, str] | None = None,
    ) -> None:
        self.name = f"kiosk-{uuid.uuid4().hex[:8]}"
        env = {**os.environ, "TERM": term, **(env or {})}
        subprocess.run(
            [
                "tmux",
                "-L",
                self.name,
                "new-session",
                "-d",
                "-s",
                "k",
                "-x",
                str(size[0]),
                "-y",
                str(size[1]),
                f"{command}; echo EXITED=$?; sleep 30",
            ],
            check=True,
            env=env,
            cwd=ROOT,
        )

    def keys(self, *keys: str) -> None:
        for key in keys:
            # Longer than the tap guard, and before the key: a real patient reads the new screen first
            # (a key sent the moment a screen appears is dropped as a double tap, by design).
            time.sleep(0.7)
            subprocess.run(["tmux", "-L", self.name, "send-keys", "-t", "k", key], check=True)

    def press_and_wait_for_change(self, key: str, timeout: float = 15.0) -> None:
        """Send `key`, then wait until the screen is not the one it was sent to."""
        before = self.screen()
        self.keys(key)
        if self._until(lambda screen: screen != before, timeout) is None:
            raise AssertionError(f"{key!r} changed nothing; screen:\n{before}")

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "-L", self.name, "capture-pane", "-p", "-t", "k"], capture_output=True, text=True, check=True
        ).stdout

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        screen = self._until(lambda screen: text in screen, timeout)
        if screen is None:
            raise AssertionError(f"{text!r} never appeared; screen:\n{self.screen()}")
        return screen

    def _until(self, done: Callable[[str], bool], timeout: float) -> str | None:
        """The first screen `done` accepts within `timeout` seconds (polled every 0.1 s), or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if done(screen):
                return screen
            time.sleep(0.1)
        return None

    def pid(self) -> int:
        out = subprocess.run(
            ["tmux", "-L", self.name, "list-panes", "-t", "k", "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        shell = int(out.strip())
        children = subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True).stdout.split()
        return int(children[0])

    def kill(self) -> None:
        with contextlib.suppress(IndexError, ValueError, subprocess.CalledProcessError, ProcessLookupError):
            os.kill(self.pid(), 15)
            time.sleep(0.3)
        subprocess.run(["tmux", "-L", self.name, "kill-server"], check=False)
