"""Benchmark: time to first audio (cached, uncached), stop latency, beside plain pyttsx3 say()+runAndWait().

Runs on the real path (pyttsx3 + espeak-ng child process, PortAudio, ALSA) with ALSA's `file`
device standing in for a sound card, in a child process whose HOME holds that configuration.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 20

CHILD = r"""
import json, sys, time, threading
from pathlib import Path
sys.path.insert(0, {root!r})
from kiosk.voice.cache import PromptCache
from kiosk.voice.speaker import VoiceSpeaker

speaker = VoiceSpeaker({{"en": "en-us"}}, PromptCache(Path({cache!r})))
started = threading.Event(); ended = threading.Event()
speaker.set_listener(lambda on: (started if on else ended).set())

def first_audio(text):
    started.clear(); ended.clear()
    t = time.perf_counter()
    speaker.speak(text, "en")
    started.wait(10)
    took = time.perf_counter() - t
    speaker.stop(); ended.wait(10)
    return took

def stop_latency(text):
    started.clear(); ended.clear()
    speaker.speak(text, "en"); started.wait(10); time.sleep(0.3)
    t = time.perf_counter(); speaker.stop(); ended.wait(10)
    return time.perf_counter() - t

first_audio("Warming up the engine.")
texts = [f"Question number {{n}}. Do you sleep well most nights? Yes. No. Not sure." for n in range({runs})]
uncached = [first_audio(t) for t in texts]
cached = [first_audio(t) for t in texts]
stops = [stop_latency(t) for t in texts]

import pyttsx3
engine = pyttsx3.init("espeak")
blocked = []
for t in texts[:5]:
    s = time.perf_counter(); engine.say(t); engine.runAndWait(); blocked.append(time.perf_counter() - s)
print(json.dumps({{"uncached": uncached, "cached": cached, "stop": stops, "pyttsx3_blocked": blocked,
                  "fault": speaker.fault}}))
speaker.close()
"""

ASOUNDRC = 'pcm.!default {{ type file slave.pcm "null" file "{f}" format "raw" }}\n'


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        Path(home, ".asoundrc").write_text(ASOUNDRC.format(f=Path(home, "played.raw")))
        code = CHILD.format(root=str(ROOT), cache=str(Path(home, "cache")), runs=RUNS)
        out = subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "HOME": home}, capture_output=True, text=True, check=True
        )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"voice out, {RUNS} prompts, ALSA file device (milliseconds)")
    print(f"{'measure':<44}{'p50':>8}{'p95':>8}{'target':>10}")
    rows = [
        ("time to first audio, cached", data["cached"], "<= 30"),
        ("time to first audio, uncached", data["uncached"], "<= 300"),
        ("stop latency (stop -> sound ended)", data["stop"], "<= 50"),
        ("plain pyttsx3 say()+runAndWait() blocks for", data["pyttsx3_blocked"], "-"),
    ]
    for name, values, target in rows:
        print(f"{name:<44}{pct(values, 0.5) * 1000:>8.1f}{pct(values, 0.95) * 1000:>8.1f}{target:>10}")
    if data["fault"]:
        print(f"fault: {data['fault']}")


if __name__ == "__main__":
    main()
