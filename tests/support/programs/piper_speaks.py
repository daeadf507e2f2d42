"""The real Piper engine through the real speaker, step by step. Parameters: wanted (the voice asked
for), models, cache, text (for a "stop:SECONDS" step) and steps: a text to say, "kill" (SIGKILL the Piper
worker), "slow" (slow rate) or "stop:SECONDS" (say `text`, stop after that long)."""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path
from typing import Any

from kiosk.speaking.cache import PromptCache
from kiosk.speaking.speaker import VoiceSpeaker
from kiosk.speaking.voices import choose
from tests.support.programs import params, reply


def main() -> None:
    p = params()
    logging.basicConfig(level=logging.INFO)
    voice, _ = choose("en", p["wanted"], "en-us", Path(p["models"]))
    events: list[tuple[bool, float]] = []
    speaker = VoiceSpeaker({"en": voice}, PromptCache(Path(p["cache"])), volume_step=4)
    speaker.set_listener(lambda on: events.append((on, time.perf_counter())))

    def say(text: str, stop_after: float | None = None) -> float | None:
        events.clear()
        speaker.speak(text, "en")
        deadline = time.time() + 30
        while time.time() < deadline and not events:
            time.sleep(0.001)
        stop_at = None
        if stop_after is not None:
            time.sleep(stop_after)
            stop_at = time.perf_counter()
            speaker.stop()
        while time.time() < deadline and len(events) < 2:
            time.sleep(0.001)
        return (events[1][1] - stop_at) if stop_at and len(events) > 1 else None

    played = Path.home() / "played.raw"
    result: dict[str, Any] = {"voice": speaker.voice_of("en")}
    for step in p["steps"]:
        if step == "kill":
            worker = speaker.renderer._piper[voice.spec]._proc
            assert worker is not None
            result["killed"] = worker.pid
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
        elif step == "slow":
            speaker.configure(4, "slow")
        elif step.startswith("stop:"):
            result["stop_latency"] = say(p["text"], stop_after=float(step[5:]))
        else:
            say(step)
        result.setdefault("played", []).append(played.stat().st_size // 2 if played.exists() else 0)
    proc = speaker.renderer._piper.get(voice.spec)
    result["worker"] = proc._proc.pid if proc is not None and proc._proc is not None else None
    result["voice_after"] = speaker.voice_of("en")
    result["fault"] = speaker.fault
    reply(**result)
    speaker.close()


if __name__ == "__main__":
    main()
