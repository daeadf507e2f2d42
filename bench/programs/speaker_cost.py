"""One voice through the real speaker, timed (bench/voice_out.py): choosing it, starting its worker,
first audio uncached and cached, stop latency, the worker's peak memory. Arguments: the voice asked for,
the models folder, the cache folder, how many sentences. Prints one JSON line."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

from kiosk.speaking.cache import PromptCache
from kiosk.speaking.speaker import VoiceSpeaker
from kiosk.speaking.voices import choose


def main() -> None:
    wanted, models, cache, runs = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    started = time.perf_counter()
    voice, why = choose("en", wanted, "en-us", models)
    assert why is None, why
    speaker = VoiceSpeaker({"en": voice}, PromptCache(cache))
    choosing = time.perf_counter() - started
    t = time.perf_counter()
    speaker.renderer.synth(voice).start()
    worker_start = time.perf_counter() - t
    sounding, ended = threading.Event(), threading.Event()
    speaker.set_listener(lambda on: (sounding if on else ended).set())

    def first_audio(text: str) -> float:
        sounding.clear()
        ended.clear()
        t = time.perf_counter()
        speaker.speak(text, "en")
        sounding.wait(20)
        took = time.perf_counter() - t
        speaker.stop()
        ended.wait(10)
        return took

    def stop_latency(text: str) -> float:
        sounding.clear()
        ended.clear()
        speaker.speak(text, "en")
        sounding.wait(20)
        time.sleep(0.3)
        t = time.perf_counter()
        speaker.stop()
        ended.wait(10)
        return time.perf_counter() - t

    first_audio("Warming up the engine.")
    texts = [f"Question number {n}. Do you sleep well most nights?" for n in range(runs)]
    uncached = [first_audio(text) for text in texts]
    speaker.prerender([(text, "en") for text in texts])
    cached = [first_audio(text) for text in texts]
    stops = [stop_latency(text) for text in texts]
    proc = speaker.renderer.synth(voice)._proc
    hwm = 0.0
    if proc is not None:
        with open(f"/proc/{proc.pid}/status") as status:
            hwm = next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:")), 0.0)
    result = {"uncached": uncached, "cached": cached, "stop": stops, "choosing": choosing}
    result |= {"worker_start": worker_start, "worker_mb": hwm, "fault": speaker.fault}
    print(json.dumps(result))
    speaker.close()


if __name__ == "__main__":
    main()
