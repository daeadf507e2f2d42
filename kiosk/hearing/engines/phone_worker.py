"""Child process that transcribes phones with PocketSphinx's phone loop (argv: reply pipe).

Same protocol and lifetime as the speech workers (kiosk.speech.worker_process.serve); the kiosk's side is
kiosk.hearing.engines.phone_loop.PhoneLoop. Requests: {"pcm": base64 of 16 kHz 16-bit audio, "cmn": the utterance's
cepstral mean}; replies: {"phones": [...]}. Audio lives only in memory, here as in the kiosk.
"""

from __future__ import annotations

import base64
from typing import Any

from kiosk.speech.worker_process import Render, serve


def _start() -> Render:
    from kiosk.hearing.engines.phone_loop import phone_decoder, transcribe

    decoder = phone_decoder()

    def render(request: dict[str, Any]) -> dict[str, Any]:
        return {"phones": transcribe(decoder, base64.b64decode(request["pcm"]), str(request["cmn"]))}

    return render


def main() -> None:
    # Not niced, unlike the speech workers: the patient is waiting for this answer.
    serve(_start, niceness=0)


if __name__ == "__main__":
    main()
