"""The serving side of every worker process (kiosk.speech.worker is the kiosk's side): the pyttsx3 and
Piper voices (kiosk.speaking.espeak_worker, kiosk.speaking.piper_worker) and PocketSphinx's phone loop
(kiosk.hearing.engines.phone_worker).

Requests arrive on stdin, one JSON line each; replies go to a private pipe whose descriptor is the
command's last argument; the first reply says whether the engine loaded.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

PARENT_CHECK_SECONDS = 0.2
NICENESS = 5
WAV_HEADER = 44
"""Bytes of a WAV file with no audio in it."""


def _exit_with_parent() -> None:
    """End as soon as the kiosk is gone, however it went (even SIGKILL, or busy inside espeak)."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


Render = Callable[[dict[str, Any]], "dict[str, Any] | None"]
"""Does one request ({"text", "path", ...}), returning what the reply carries besides "ok"; raises with the
reason when it cannot."""


def serve(start: Callable[[], Render], niceness: int = NICENESS) -> None:
    """The worker's life: reply {"ok": true} once `start` has loaded the engine, then one reply per request.

    The last argument is the reply pipe.
    """
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    # Rendering ahead runs for a while after start-up and after new content: the UI and the microphone come
    # first (a niceness of 5 only matters while they want the CPU too; a loaded Piper voice takes ~0.9 s).
    os.nice(niceness)
    replies = os.fdopen(int(sys.argv[-1]), "w", buffering=1)
    # Whatever the engine prints goes nowhere near the kiosk's terminal.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)

    def reply(**fields: Any) -> None:
        replies.write(json.dumps(fields) + "\n")

    try:
        render = start()
        reply(ok=True)
    except Exception as err:
        reply(ok=False, error=f"text-to-speech engine failed to start: {err}")
        return
    for line in sys.stdin:
        try:
            reply(**(render(json.loads(line)) or {}), ok=True)
        except Exception as err:
            reply(ok=False, error=str(err) or type(err).__name__)
