"""Speak one text with espeak-ng through the real speaker; how soon sound started, and how soon a stop
silenced it. Parameters: cache, text, stop_after (seconds, or null), step (volume), prerender."""

from __future__ import annotations

import time
from pathlib import Path

from kiosk.speaking.cache import PromptCache
from kiosk.speaking.speaker import VoiceSpeaker
from tests.support.programs import params, reply


def main() -> None:
    p = params()
    events: list[tuple[bool, float]] = []
    speaker = VoiceSpeaker({"en": "en-us"}, PromptCache(Path(p["cache"])), volume_step=p["step"])
    speaker.set_listener(lambda on: events.append((on, time.perf_counter())))
    text = p["text"]
    if p["prerender"]:
        speaker.prerender([(text, "en")], rates=["normal"])
    started = time.perf_counter()
    speaker.speak(text, "en")
    deadline = time.time() + 20
    while time.time() < deadline and not events:
        time.sleep(0.001)
    first = events[0][1] - started if events else None
    stop_at = None
    if p["stop_after"] is not None:
        time.sleep(p["stop_after"])
        stop_at = time.perf_counter()
        speaker.stop()
    while time.time() < deadline and len(events) < 2:
        time.sleep(0.001)
    ended = events[1][1] if len(events) > 1 else None
    stop_latency = ended - stop_at if stop_at is not None and ended is not None else None
    reply(first=first, stop_latency=stop_latency, fault=speaker.fault)
    speaker.close()


if __name__ == "__main__":
    main()
