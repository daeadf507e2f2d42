"""A speaker with no output device, then one plugged in: the fault it reported and whether it came back.
Parameters: home (an ALSA home whose asoundrc.later becomes .asoundrc once the fault shows)."""

from __future__ import annotations

import time
from pathlib import Path

from kiosk.speaking.cache import PromptCache
from kiosk.speaking.speaker import VoiceSpeaker
from tests.support.programs import params, reply


def main() -> None:
    home = Path(params()["home"])
    speaker = VoiceSpeaker({"en": "en-us"}, PromptCache(home / "cache"))
    speaker.speak("Hello there.", "en")
    deadline = time.time() + 10
    while time.time() < deadline and speaker.available:
        time.sleep(0.05)
    fault = speaker.fault
    (home / ".asoundrc").write_text((home / "asoundrc.later").read_text())  # the speaker is plugged in
    while time.time() < deadline + 10 and not speaker.available:
        time.sleep(0.05)
    recovered = speaker.available
    speaker.speak("Hello again.", "en")
    time.sleep(2)
    reply(fault=fault, recovered=recovered)
    speaker.close()


if __name__ == "__main__":
    main()
