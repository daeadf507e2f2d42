"""Benchmark: the kiosk's barge-in as a patient meets it: the real listener (kiosk.hearing.listener with
barge-in on, PocketSphinx, the content's English answers) fed the rig of bench/echo_rig.py through
tests/support/barge_in.py, per echo level, delay and clock drift.

One session per cell: 3 prompts to learn the room, then every English question prompt (espeak-ng, 175
wpm) twice with no patient, then each answer said over a question prompt, at 35 %, 50 % and 65 % of it
(--quick: 50 % only, 12 answers a cell; else 36). Measured:

* ERLE: the canceller's own measure at the end of the session (the unit tests check it against the truth);
* false barge-ins: anything the listener reported over the prompts alone, per hour of prompts;
* answers during speech: the first hearing after the answer began must be that answer (right), another
  (wrong), or none (missed); the quiet-room row is the same answers with no prompt (the usual rule);
* detection: from the start of the answer to the listener's report (audio time, plus decoding time);
* CPU: the echo canceller's time (BargeIn.clean) in % of one core while the kiosk speaks.

With --oracle a last row (echo "none") has a perfect canceller: no echo and listening from the first
prompt, the ceiling of the rest (end-pointer, recogniser, the stricter rule over a prompt).

    .venv/bin/python bench/barge_in_kiosk.py [--quick] [--oracle]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.barge_in import ANSWERS, KIOSK_VOICE, VOICES, loudness  # noqa: E402
from bench.echo_rig import echo, microphone  # noqa: E402
from bench.memory import rss_kb  # noqa: E402
from bench.table import print_rows  # noqa: E402
from kiosk.core.loader import load_language  # noqa: E402
from kiosk.hearing.barge_in import BargeIn  # noqa: E402
from kiosk.hearing.engines.sphinx import PocketSphinxRecognizer  # noqa: E402
from kiosk.speech.audio import ENGINE_RATE as RATE  # noqa: E402
from kiosk.speech.farend import FarEnd  # noqa: E402
from tests.support.barge_in import BLOCK, listen_through, listener_with, padded  # noqa: E402
from tests.support.speech import say  # noqa: E402

PACK = load_language(ROOT / "content" / "en")
Clip = tuple[str, np.ndarray]


class Session:
    """One kiosk's listener with barge-in on, and what it reported (intent, audio time, decoding time)."""

    def __init__(self, recognizer: PocketSphinxRecognizer, wanted: bool = True, oracle: bool = False) -> None:
        self.far = FarEnd()
        self.barge_in = BargeIn(self.far, wanted)
        self.listener = listener_with(recognizer, PACK, self.barge_in)
        self.listener.listen(dict(PACK.intents), "en")
        self.reports: list[tuple[str | None, float, float]] = []
        self.busy = 0.0
        self.clock = 0.0
        self._at = (0.0, 0.0)
        consume, clean = self.listener._consume, self.barge_in.clean
        if oracle:  # a perfect canceller: the microphone as it is (the rig then plays no echo), from the start
            clean = lambda samples, end, speaking=False, hearing=False: (samples.astype(np.int16),) * 2  # noqa: E731

        def timed_consume(samples: np.ndarray, end: float) -> None:
            self._at = (end, time.perf_counter())
            consume(samples, end)

        def timed_clean(
            samples: np.ndarray, end: float, speaking: bool = False, hearing: bool = False
        ) -> tuple[np.ndarray, np.ndarray] | None:
            started = time.process_time()
            out = clean(samples, end, speaking, hearing)
            self.busy += time.process_time() - started
            return out

        self.listener._consume = timed_consume  # type: ignore[method-assign]
        self.barge_in.clean = timed_clean  # type: ignore[method-assign]
        self.listener.set_listener(
            lambda h: self.reports.append((h.intent, self._at[0], time.perf_counter() - self._at[1]))
        )

    def play(self, recordings: list[tuple[np.ndarray, np.ndarray | None]], **echo: float) -> None:
        self.clock = listen_through(self.listener, self.far, recordings, self.clock, **echo)

    def hear(self, audio: np.ndarray) -> None:
        """The microphone alone, the kiosk silent."""
        for block in range(0, len(audio) - BLOCK, BLOCK):
            self.listener._consume(audio[block : block + BLOCK], self.clock + (block + BLOCK) / RATE)
        self.clock += len(audio) / RATE

    def close(self) -> None:
        self.listener.close()


def measure(
    recognizer: PocketSphinxRecognizer,
    level: float,
    delay: float,
    drift: float,
    prompts: list[np.ndarray],
    clips: list[Clip],
    oracle: bool = False,
    at: tuple[float, ...] = (0.5,),
) -> list[str]:
    """One row: `level` is the echo's loudness relative to the patient's answers (dB); each answer is said
    once at each of `at` (shares of its prompt's length)."""
    session = Session(recognizer, oracle=oracle)
    patient = np.mean([loudness(a) for _, a in clips])
    echo = {
        "delay_ms": delay,
        "level_db": level + 20 * float(np.log10(patient / loudness(prompts[0]))),
        "drift_ppm": drift,
    }
    try:
        session.play([(p, None) for p in prompts[:3]], **echo)
        alone_from = len(session.reports)
        started, spoken = session.clock, sum(len(p) for p in prompts) * 2 / RATE
        session.play([(p, None) for p in prompts * 2], **echo)
        false, busy_alone = len(session.reports) - alone_from, session.busy
        right = wrong = 0
        latencies = []
        trials = [(meant, answer, share) for share in at for meant, answer in clips]
        for i, (meant, answer, share) in enumerate(trials):
            played = prompts[i % len(prompts)]
            said, start = np.zeros(len(played)), int(len(played) * share)
            said[start : start + len(answer)] = answer[: len(played) - start]
            before, begins = len(session.reports), session.clock + start / RATE
            session.play([(played, said)], **echo)
            heard = [r for r in session.reports[before:] if r[1] >= begins]
            if heard and heard[0][0] == meant:
                right += 1
                latencies.append(heard[0][1] - begins + heard[0][2])
            wrong += bool(heard) and heard[0][0] != meant
        erle = session.barge_in._canceller.erle_db if session.barge_in._canceller else None
        n = len(trials)
        return [
            f"{erle:.0f} dB" if erle is not None else session.barge_in.describe(),
            f"{false} ({3600 * false / spoken:.0f}/h)",
            f"{100 * right / n:.0f} / {100 * wrong / n:.0f} %",
            f"{1000 * np.percentile(latencies, 50):.0f} / {1000 * np.percentile(latencies, 95):.0f} ms"
            if latencies
            else "–",
            f"{100 * busy_alone / (session.clock - started):.1f} %",
        ]
    finally:
        session.close()


def quiet_rate(recognizer: PocketSphinxRecognizer, clips: list[Clip]) -> float:
    """The same answers in a quiet room with no prompt: the share the kiosk acts on or asks about rightly."""
    session = Session(recognizer, wanted=False)
    right = 0
    try:
        for meant, answer in clips:
            before = len(session.reports)
            session.hear(microphone(np.pad(answer, (2 * RATE, RATE)).astype(np.float64)))
            right += [r[0] for r in session.reports[before:]][:1] == [meant]
    finally:
        session.close()
    return 100 * right / len(clips)


def added_memory(prompts: list[np.ndarray]) -> float:
    """What barge-in adds to the kiosk's resident memory (MB): a canceller that has cancelled 3 prompts."""
    before = rss_kb()
    far = FarEnd()
    barge_in = BargeIn(far, True)
    clock = 0.0
    for played in prompts[:3]:
        heard = microphone(echo(played, 150, 0.0))
        far.start(clock)
        far.add(played)
        for at in range(0, len(heard) - BLOCK, BLOCK):
            barge_in.clean(heard[at : at + BLOCK], clock + (at + BLOCK) / RATE, True)
        clock += len(played) / RATE
    return (rss_kb() - before) / 1024


def main() -> None:
    quick = "--quick" in sys.argv
    at = (0.5,) if quick else (0.35, 0.5, 0.65)
    recognizer = PocketSphinxRecognizer()
    prompts = [padded(say(q.text.say, KIOSK_VOICE)) for q in PACK.questions[: 3 if quick else 7]]
    clips = [(meant, say(text, voice)) for meant, texts in ANSWERS.items() for text in texts for voice in VOICES]
    print(f"\nbarge-in's memory (libspeexdsp, its buffers): +{added_memory(prompts):.1f} MB resident")
    print(f"quiet room, no prompt: {quiet_rate(recognizer, clips):.0f} % right")
    rows = [["echo vs patient", "delay", "drift", "ERLE", "false barge-ins", "answers right / wrong"]]
    rows[0] += ["detection p50 / p95", "CPU"]
    for drift in (0.0, 50.0):
        for level in (-6.0, 0.0, 6.0):
            for delay in (40.0, 300.0) if quick else (20.0, 150.0, 300.0):
                cells = measure(recognizer, level, delay, drift, prompts, clips, at=at)
                rows.append([f"{level:+.0f} dB", f"{delay:.0f} ms", f"{drift:.0f} ppm", *cells])
    if "--oracle" in sys.argv:  # the ceiling of everything but the canceller: no echo, always listening
        rows.append(["none", "-", "-", *measure(recognizer, -60.0, 40.0, 0.0, prompts, clips, True, at)])
    print_rows(rows)


if __name__ == "__main__":
    main()
