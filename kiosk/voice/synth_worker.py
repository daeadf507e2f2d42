"""Child process that renders text to WAV files with pyttsx3 (espeak-ng on Linux).

pyttsx3 2.99 prints to stdout, keeps state between calls and allows one engine per
process, so it lives here, alone, talking to the kiosk over a private pipe:
one JSON request per line in, one JSON reply per line out.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def main() -> None:
    reply_fd = int(sys.argv[1])
    replies = os.fdopen(reply_fd, "w", buffering=1)
    # Whatever pyttsx3 or espeak print goes nowhere near the kiosk's terminal.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)

    def reply(**fields: Any) -> None:
        replies.write(json.dumps(fields) + "\n")

    try:
        import pyttsx3

        engine = pyttsx3.init("espeak")
        voices = {lang.lower(): v.id for v in engine.getProperty("voices") for lang in (v.languages or [])}
        reply(ok=True)
    except Exception as err:
        reply(ok=False, error=f"text-to-speech engine failed to start: {err}")
        return
    for line in sys.stdin:
        try:
            request = json.loads(line)
            voice = voices.get(str(request["voice"]).lower())
            if voice is None:
                reply(ok=False, error=f"espeak-ng has no voice {request['voice']!r}")
                continue
            engine.setProperty("voice", voice)
            engine.setProperty("rate", int(request["rate"]))
            ok = False
            for _ in range(3):  # pyttsx3's event loop now and then ends before espeak's audio arrives
                engine.save_to_file(request["text"], request["path"])
                engine.runAndWait()
                ok = os.path.exists(request["path"]) and os.path.getsize(request["path"]) > 44
                if ok:
                    break
            reply(ok=ok, error=None if ok else "the engine wrote no audio")
        except Exception as err:
            reply(ok=False, error=str(err))


if __name__ == "__main__":
    main()
