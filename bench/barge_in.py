"""Benchmark: can the kiosk hear an answer said over its own prompt? Echo cancellers on the rig of
bench/echo_rig.py, per echo level and delay (with 50 ppm of clock drift).

Every recording is 2 s of the room, then an English question prompt as the kiosk speaks it (espeak-ng),
then 1 s of the room; the canceller has first heard another prompt through the same room, as it would
have in a session. Measured per canceller:

* ERLE: how much quieter the echo alone is after the canceller, from 1 s into the prompt;
* echo taken: recordings of the echo alone (no patient) where any utterance is acted on or asked about;
* answers during speech: each answer said halfway through the prompt, over the echo; the first utterance
  the kiosk takes over a prompt (kiosk.hearing.barge_in.interrupts: sure, and long enough) must be that
  answer (right), another (wrong), or none (missed). The quiet room row is the same answers with no
  prompt at all, by the kiosk's usual rule (act, or ask);
* false barge-ins: utterances of the echo alone the kiosk would take, per hour of prompts;
* detection: from the start of the answer to the moment the end-pointer hands it over, plus decoding;
* CPU: the canceller's own time, in % of one core;
* stop latency: from the kiosk's stop (what a barge-in calls) to the last sound, through the real
  speaker on ALSA's file device (no sound card), 10 times.

    .venv/bin/pip install -e ".[echo-bench]"; .venv/bin/python bench/barge_in.py [--quick] [--drift PPM]
        [--only kiosk,none]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.echo_rig import CANCELLERS, RATE, available, cancel, echo, erle, microphone  # noqa: E402
from bench.table import print_rows  # noqa: E402
from kiosk.core.intents import decoys  # noqa: E402
from kiosk.core.loader import load_language  # noqa: E402
from kiosk.hearing.barge_in import interrupts  # noqa: E402
from kiosk.hearing.base import Decision  # noqa: E402
from kiosk.hearing.endpoint import LIVE, Endpointer  # noqa: E402
from kiosk.hearing.engines.sphinx import PocketSphinxRecognizer  # noqa: E402
from kiosk.hearing.understand import Bar, settings_for, utterances, weigh  # noqa: E402
from tests.support.audio_env import alsa_home, run_program  # noqa: E402
from tests.support.speech import Voice, say  # noqa: E402

ANSWERS = {"no": ["no", "nope"], "yes": ["yes", "yeah"], "repeat": ["say that again"], "stop": ["stop"]}
VOICES = [Voice("espeak", "en-us+f3", 150), Voice("festival", "kal")]
KIOSK_VOICE = Voice("espeak", "en-us", 175)
DRIFT_PPM = 50


class Ear:
    """The kiosk's hearing of a whole recording: every utterance, the first one acted on or asked about."""

    def __init__(self) -> None:
        pack = load_language(ROOT / "content" / "en")
        self.intents = {
            i: pack.intents[i] for i in ("yes", "no", "unsure", "repeat", "back", "restart", "help", "stop")
        }
        self.filler, self.decoys = pack.filler, decoys(pack.intents, self.intents)
        self.recognizer = PocketSphinxRecognizer()
        self.settings = settings_for(self.recognizer, LIVE)
        self.bar = Bar.of(pack)
        self.prompts = [q.text.say for q in pack.questions]

    def taken(self, audio: np.ndarray) -> str | None:
        """Heard after a prompt, by the usual rule: the first answer acted on or asked about."""
        for utterance in utterances(audio, RATE, self.settings):
            heard = weigh(self.recognizer, utterance, self.intents, self.filler, self.decoys).decide(self.bar)
            if heard.decision in (Decision.ACT, Decision.CONFIRM):
                return heard.intent
        return None

    def interrupted(self, audio: np.ndarray) -> tuple[str | None, float]:
        """Heard over a prompt, by the barge-in rule, as the live kiosk feeds it (50 ms blocks): the first
        answer taken, and the second of the recording at which it was decided."""
        endpointer, padding = Endpointer(self.settings), (self.settings.lead_ms + self.settings.tail_ms) / 1000
        block = RATE // 20
        for at in range(0, len(audio), block):
            for utterance in endpointer.feed(audio[at : at + block]):
                started = time.perf_counter()
                heard = weigh(self.recognizer, utterance, self.intents, self.filler, self.decoys).decide(self.bar)
                if interrupts(heard, len(utterance) / RATE - padding):
                    return heard.intent, (at + block) / RATE + time.perf_counter() - started
        return None, 0.0


def padded(prompt: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros(2 * RATE, np.int16), prompt, np.zeros(RATE, np.int16)])


Clip = tuple[str, np.ndarray]


def loudness(audio: np.ndarray) -> float:
    """RMS of the speech in `audio` (its samples above a tenth of its peak), for setting echo levels."""
    loud = audio[np.abs(audio) > 0.1 * np.abs(audio).max()].astype(np.float64)
    return float(np.sqrt((loud**2).mean()))


def measure(
    ear: Ear, name: str, level: float, delay: float, prompts: list[np.ndarray], clips: list[Clip]
) -> dict[str, str]:
    """One row: `level` is the echo's loudness relative to the patient's answers (dB)."""
    factory = CANCELLERS[name]
    warm = padded(prompts[0])
    gains: list[float] = []
    taken_alone, right, wrong, missed, busy, heard_s, alone_s = 0, 0, 0, 0, 0.0, 0.0, 0.0
    latencies: list[float] = []
    patient = np.mean([loudness(a) for _, a in clips])
    for played in (padded(p) for p in prompts[1:]):
        relative = level + 20 * float(np.log10(patient / loudness(played)))
        earlier = microphone(echo(warm, delay, relative, DRIFT_PPM))  # a session's earlier prompt, as heard
        alone = echo(played, delay, relative, DRIFT_PPM)
        for meant, answer in [(None, None), *clips]:  # the echo alone, then each answer
            canceller = factory() if factory else None
            cancel(canceller, earlier, warm)
            sounds = [alone]
            if answer is not None:
                start = 2 * RATE + (len(played) - 3 * RATE) // 2
                said = np.zeros(len(played))
                said[start : start + len(answer)] = answer[: len(played) - start]
                sounds.append(said)
            started = time.process_time()
            out = cancel(canceller, microphone(*sounds), played)
            busy, heard_s = busy + time.process_time() - started, heard_s + len(played) / RATE
            intent, decided = ear.interrupted(out)
            if answer is None:
                gains.append(erle(alone[3 * RATE :], out[3 * RATE :]))
                taken_alone += intent is not None
                alone_s += len(played) / RATE - 3
                continue
            if intent == meant:
                latencies.append(decided - start / RATE)
            right, wrong, missed = (
                right + (intent == meant),
                wrong + (intent not in (None, meant)),
                missed + (intent is None),
            )
    total = right + wrong + missed
    return {
        "ERLE": f"{np.mean(gains):.1f} dB" if name != "none" else "–",
        "false barge-ins": f"{taken_alone} ({3600 * taken_alone / alone_s:.0f}/h)",
        "answers right / wrong": f"{100 * right / total:.0f} / {100 * wrong / total:.0f} %",
        "detection p50 / p95": f"{1000 * np.percentile(latencies, 50):.0f} / {1000 * np.percentile(latencies, 95):.0f} ms"
        if latencies
        else "–",
        "CPU": f"{100 * busy / heard_s:.1f} %" if name != "none" else "–",
    }


def stop_latency() -> str:
    """p50 / max of the real speaker's stop, half a second into a prompt (tests/support/programs)."""
    with tempfile.TemporaryDirectory() as folder:
        home = alsa_home(Path(folder))
        text = "Do you drink beer, wine, or other alcohol most weeks? Say yes, no, or not sure."
        params = {"cache": str(home / "cache"), "text": text, "stop_after": 0.5, "step": 3, "prerender": True}
        runs = [float(run_program("espeak_speaks", params, home)["stop_latency"]) for _ in range(10)]  # type: ignore[arg-type]
    return f"{1000 * np.median(runs):.1f} / {1000 * max(runs):.1f} ms"


def main() -> None:
    global DRIFT_PPM
    quick = "--quick" in sys.argv
    if "--drift" in sys.argv:
        DRIFT_PPM = int(sys.argv[sys.argv.index("--drift") + 1])
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else list(CANCELLERS)
    ear = Ear()
    prompts = [say(text, KIOSK_VOICE) for text in ear.prompts[: 3 if quick else 7]]
    clips = [(meant, say(text, voice)) for meant, texts in ANSWERS.items() for text in texts for voice in VOICES]
    quiet = sum(ear.taken(microphone(np.concatenate([np.zeros(2 * RATE), a, np.zeros(RATE)]))) == m for m, a in clips)
    print(f"\nquiet room, no prompt: {100 * quiet / len(clips):.0f} % right")
    names = [n for n in CANCELLERS if n in only and available(n)]
    rows = [["canceller", "echo vs patient", "delay", "drift", "ERLE", "false barge-ins", "answers right / wrong"]]
    rows[0] += ["detection p50 / p95", "CPU"]
    for level in (-6.0, 0.0, 6.0):
        for delay in (40.0, 300.0) if quick else (40.0, 150.0, 300.0):
            for name in names:
                cells = measure(ear, name, level, delay, prompts, clips)
                rows.append([name, f"{level:+.0f} dB", f"{delay:.0f} ms", f"{DRIFT_PPM} ppm", *cells.values()])
    print_rows(rows)
    print(f"\nstop latency (real speaker, ALSA file device), p50 / max of 10: {stop_latency()}")
    missing = [n for n in CANCELLERS if n in only and n not in names]
    if missing:
        print(f"not installed, not measured: {', '.join(missing)} (.venv/bin/pip install -e '.[echo-bench]')")


if __name__ == "__main__":
    main()
