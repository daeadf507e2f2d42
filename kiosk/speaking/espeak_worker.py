"""Child process that renders text to WAV files with pyttsx3 (espeak-ng on Linux).

pyttsx3 2.99 prints to stdout, keeps state between calls and allows one engine per
process, so it lives here, alone, talking to the kiosk over a private pipe
(kiosk.speech.worker_process): one JSON request per line in, one JSON reply per line out.
"""

from __future__ import annotations

import os
from typing import Any

from kiosk.speech.worker_process import WAV_HEADER, Render, serve


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
