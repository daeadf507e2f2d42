"""PortAudio, shared by the player and the listener of one process.

PortAudio lists the devices once, when it starts: to find a speaker or microphone plugged in later it
must stop and start again, and stopping closes every stream it has open, the other side's too. So a
side whose device failed asks for a new look (`rescan`), and it happens only while no stream is open
(`streaming`): at once if none is, else when the last one closes. The listener, whose stream stays
open for good, closes it for a moment when a look is `wanted`; the player's streams end with each prompt.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_open = 0
_wanted = False


def rescan() -> None:
    """Look for devices again: now if no stream is open, else as soon as none is."""
    global _wanted
    with _lock:
        _wanted = True
        if _open == 0:
            _restart()


def wanted() -> bool:
    """A look for devices waits for the open streams to close."""
    return _wanted


@contextmanager
def streaming() -> Iterator[None]:
    """Hold this while a stream is open: no rescan closes it meanwhile."""
    global _open
    with _lock:
        if _wanted and _open == 0:
            _restart()
        _open += 1
    try:
        yield
    finally:
        with _lock:
            _open -= 1
            if _wanted and _open == 0:
                _restart()


def _restart() -> None:
    """Stop and start PortAudio (with `_lock` held)."""
    global _wanted
    try:
        import sounddevice as sd

        sd._terminate()
        sd._initialize()
        _wanted = False
    except Exception:  # no PortAudio, or it will not start: the next rescan tries again
        pass
