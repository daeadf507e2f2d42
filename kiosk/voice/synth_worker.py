"""Child process that renders text to WAV files with pyttsx3 (espeak-ng on Linux).

pyttsx3 2.99 prints to stdout, keeps state between calls and allows one engine per
process, so it lives here, alone, talking to the kiosk over a private pipe:
one JSON request per line in, one JSON reply per line out.
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


def _size(path: str) -> int:
    return os.path.getsize(path) if os.path.exists(path) else 0


def _render(engine: Any, text: str, path: str, rate: int) -> bool:
    """Render `text` to `path` at `rate`; True when a whole utterance was written.

    pyttsx3 2.99 now and then loses the rate (about one render in ten comes out at espeak's default
    175 words a minute) or writes an empty file. Every utterance is therefore rendered twice, the rate
    set anew each time, and the longer take kept: our rates are all at or below 175, so a lost rate only
    ever makes a take shorter. At ~15 ms a sentence this is cheap.
    """
    spare = path + ".take2"
    for target in (path, spare):
        for _ in range(3):
            engine.setProperty("rate", rate)
            engine.save_to_file(text, target)
            engine.runAndWait()
            if _size(target) > WAV_HEADER:
                break
    if _size(spare) > _size(path):
        os.replace(spare, path)
    elif os.path.exists(spare):
        os.remove(spare)
    return _size(path) > WAV_HEADER


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

    Shared by every worker (this one, kiosk.voice.piper_worker, kiosk.voice.phone_worker; the other side is
    kiosk.voice.worker.Worker): the last argument is the reply pipe.
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


def _start_pyttsx3() -> Render:
    import pyttsx3

    engine = pyttsx3.init("espeak")
    voices = {lang.lower(): v.id for v in engine.getProperty("voices") for lang in (v.languages or [])}

    def render(request: dict[str, Any]) -> None:
        voice = voices.get(str(request["voice"]).lower())
        if voice is None:
            raise ValueError(f"espeak-ng has no voice {request['voice']!r}")
        engine.setProperty("voice", voice)
        if not _render(engine, request["text"], request["path"], int(request["rate"])):
            raise RuntimeError("the engine wrote no audio")

    return render


def main() -> None:
    serve(_start_pyttsx3)


if __name__ == "__main__":
    main()
