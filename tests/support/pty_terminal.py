"""The real program on a pseudo-terminal we own: any bytes in (tmux can only send keys), a VT screen out."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import termios
import threading
import time

import pyte


def _set_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def _take_terminal() -> None:
    """In the child: make the pty its controlling terminal, as a login or a service's TTYPath does."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyTerminal:
    """A program whose terminal is a pty: `write` types raw bytes, `text` reads the screen it drew."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int] = (80, 24)) -> None:
        self.master, slave = pty.openpty()
        _set_size(slave, *size)
        self._lock = threading.Lock()
        self.screen = pyte.Screen(*size)
        self._stream = pyte.ByteStream(self.screen)
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "TERM": "xterm-256color"},
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self._stream.feed(data)

    def write(self, data: bytes) -> None:
        """Type `data` as it is (blocks while the program is not reading, like a real terminal)."""
        view = memoryview(data)
        while view:
            view = view[os.write(self.master, view) :]

    def text(self) -> str:
        with self._lock:
            return "\n".join(self.screen.display)

    def wait_for(self, *texts: str, timeout: float = 20.0) -> str:
        """The screen once any of `texts` is on it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.text()
            if any(text in screen for text in texts):
                return screen
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"none of {texts!r} appeared (exit {self.proc.poll()}); screen:\n{self.text()}")

    def resize(self, columns: int, rows: int) -> None:
        """Resize as a terminal window does: the kernel sends the program SIGWINCH."""
        with self._lock:
            self.screen.resize(rows, columns)
        _set_size(self.master, columns, rows)

    def close(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.close(self.master)
        return self.proc.returncode
