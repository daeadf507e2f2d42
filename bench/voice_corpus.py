"""The spoken answers and off-topic talk the voice-in benchmark hears, and the rooms it hears them in.

Answers are synthesised (tests/support/speech.py): Festival's voices, built from recordings of real speakers,
with duration and pitch changes for more speakers; and espeak-ng's formant voices, reported apart because
they sound like no person. Steady noise is pink (a fan); background talk is real people reading (Debian's
pocketsphinx-testdata). Synthesised audio is kept in ~/.cache/alt-kiosk-bench (it is the same every run).
"""

from __future__ import annotations

import hashlib
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.speech import NATURAL, ROBOTIC, Voice, festival_available, librivox, pink_noise, say  # noqa: E402

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
SNR_ROOMS = {"quiet": ("silence", 100.0), "steady noise 10 dB": ("pink", 10.0)}
SNR_ROOMS |= {"talk 10 dB": ("talk", 10.0), "talk 5 dB": ("talk", 5.0)}

Clip = tuple[str, np.ndarray]  # (the intent meant, 16 kHz audio)


def rooms() -> dict[str, tuple[np.ndarray, float]]:
    """Each room's sound and the answer's level over it (dB)."""
    sounds = {"silence": np.zeros(16000), "pink": pink_noise(30), "talk": librivox()}
    return {name: (sounds[sound], snr) for name, (sound, snr) in SNR_ROOMS.items()}


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "alt-kiosk-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _say(job: tuple[str, Voice]) -> np.ndarray:
    text, voice = job
    key = hashlib.sha1(f"{voice}|{text}".encode()).hexdigest()[:16]
    path = _cache_dir() / f"{key}.npy"
    if path.exists():
        cached: np.ndarray = np.load(path)
        return cached
    audio = say(text, voice)
    np.save(path, audio)
    return audio


def synthesise(jobs: list[tuple[str, Voice]]) -> list[np.ndarray]:
    with ProcessPoolExecutor(2) as pool:
        return list(pool.map(_say, jobs, chunksize=4))


def english(quick: bool) -> tuple[dict[str, list[Clip]], list[np.ndarray]]:
    """Answers per voice family, and off-topic utterances (sentences in five voices, and room talk)."""
    natural = NATURAL[::3] if quick else NATURAL
    if not festival_available():
        print("festival/sox missing (scripts/setup test installs them): natural voices skipped")
        natural = []
    robotic = ROBOTIC[:2] if quick else ROBOTIC
    answers = [(intent, text) for intent, texts in ANSWERS.items() for text in texts]
    families = {"natural voices": natural, "espeak voices": robotic}
    jobs = [(text, voice) for voices in families.values() for _, text in answers for voice in voices]
    talkers = [*natural[:3], *robotic[:2]]
    jobs += [(text, voice) for text in OFF_TOPIC for voice in talkers]
    audio = iter(synthesise(jobs))
    clips = {
        name: [(intent, next(audio)) for intent, _ in answers for _ in voices] for name, voices in families.items()
    }
    off_topic = [next(audio) for _ in OFF_TOPIC for _ in talkers]
    babble = librivox()
    off_topic += [babble[i : i + 16000 * 4] for i in range(0, len(babble) - 16000 * 4, 16000 * 6)][:12]
    return {name: family for name, family in clips.items() if family}, off_topic


def korean(quick: bool) -> tuple[list[Clip], list[np.ndarray]]:
    voices = [Voice("espeak", "ko", s) for s in ((140,) if quick else (120, 140, 170))]
    voices += [Voice("espeak", "ko+f3", 150)]
    answers = [(intent, text) for intent, texts in KOREAN.items() for text in texts]
    jobs = [(t, v) for _, t in answers for v in voices] + [(t, v) for t in KOREAN_OFF_TOPIC for v in voices]
    audio = iter(synthesise(jobs))
    clips = [(intent, next(audio)) for intent, _ in answers for _ in voices]
    return clips, [next(audio) for _ in KOREAN_OFF_TOPIC for _ in voices]
