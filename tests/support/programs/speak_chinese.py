"""Inside the installed kiosk (the touch stack's Debian 13 root): every Chinese prompt as the kiosk gives
it to espeak-ng, and the phonemes espeak-ng makes of it. Runs there from its source text (`python -c`), so
it imports only the installed kiosk."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from kiosk.core.flow import every_spoken_text
from kiosk.core.loader import load_all
from kiosk.core.say_as import spoken_form
from kiosk.speaking.synth import espeak_input, espeak_version

CONTENT = Path("/opt/alt-kiosk/src/content")


def main() -> None:
    out = []
    for prompt in every_spoken_text(load_all(CONTENT)["zh"]):
        said, voice = espeak_input(spoken_form(prompt, "zh"), "cmn")
        command = ["espeak-ng", "-q", "-x", "-v", voice, said]
        phonemes = subprocess.run(command, capture_output=True, text=True, check=False).stdout
        out.append([said, voice, phonemes])
    print(json.dumps({"version": espeak_version(), "spoken": out}, ensure_ascii=False))


if __name__ == "__main__":
    main()
