"""Barge-in: hearing a patient who answers while the kiosk is still talking, never the kiosk itself.

The microphone goes through the echo canceller (kiosk.hearing.echo) with what the speaker played
(kiosk.speech.farend) as the reference. An utterance heard while the kiosk spoke counts only if it is an
answer valid on this screen, at least `MIN_SECONDS` long, that the kiosk would act on or ask about: the
prompt stops, then the kiosk acts, or asks "Did you mean ...?" (which never acts by itself). Anything
else heard over a prompt is dropped without a word: no "sorry, I didn't catch that" over the kiosk's voice.

Over a prompt the kiosk starts an utterance only while the canceller's measured ERLE is at least
`LISTEN_ERLE_DB` (a new kiosk's filter takes a few prompts to learn the room; meanwhile it is half-duplex),
and hears one it started to its end. Barge-in turns itself
off, with a log line, when the canceller is missing, cannot keep up, or leaves the echo less than
`MIN_ERLE_DB` down over a minute of it (EchoCanceller.erle_minute_db).
"""

from __future__ import annotations

import logging
import time

import numpy as np

from kiosk.hearing.base import Decision, Heard
from kiosk.hearing.echo import EchoCanceller, EchoUnavailable
from kiosk.speech.audio import ENGINE_RATE
from kiosk.speech.farend import FarEnd

log = logging.getLogger("kiosk.voice.in")

MIN_SECONDS = 0.15
"""An interruption has at least this much loud speech, from its first loud frame to its last voiced one
(a click or a clipped echo word has less; a brisk "no" measures 0.2 s, and 0.3 s lost 2 answers in 12)."""
MIN_ERLE_DB = 20.0
"""Below this, over a minute, the canceller is not doing its job: barge-in turns itself off."""
LISTEN_ERLE_DB = 25.0
"""The kiosk listens over a prompt only at least this far down: at 21-25 dB PocketSphinx still heard
short clear prompts ("Did you mean Yes?") as answers now and then (calibration.md)."""
MAX_LOAD = 0.5
"""The canceller may use at most this share of real time, averaged over 5 s of audio."""


def interrupts(heard: Heard, seconds: float) -> bool:
    """May this hearing, said over a prompt, stop the prompt (to act on it, or ask about it)?

    PocketSphinx hears most short answers ("yes", "no") only well enough to ask about them
    (Recognized.weak): requiring an act would ignore them over a prompt. Measured: calibration.md."""
    return heard.decision in (Decision.ACT, Decision.CONFIRM) and seconds >= MIN_SECONDS


class BargeIn:
    """The canceller between the microphone and the end-pointer, and whether barge-in is on."""

    def __init__(self, far: FarEnd, wanted: bool) -> None:
        self.far = far
        self.off_reason: str | None = None if wanted else "off in the configuration"
        self._canceller: EchoCanceller | None = None
        self._busy = 0.0
        self._heard = 0.0
        self._stream: float | None = None  # the start of the speaker's stream the canceller was told of
        if wanted:
            try:
                self._canceller = EchoCanceller()
            except EchoUnavailable as err:
                self.turn_off(str(err))

    @property
    def on(self) -> bool:
        return self.off_reason is None

    def describe(self) -> str:
        """For the staff screen and `status`."""
        if not self.on:
            return f"off ({self.off_reason})"
        erle = self._canceller.erle_db if self._canceller else None
        return "on" if erle is None else f"on (the kiosk's voice {erle:.0f} dB quieter)"

    def turn_off(self, reason: str) -> None:
        if self.off_reason is None:
            log.warning("barge-in turned off: %s; the microphone is ignored while the kiosk speaks", reason)
        self.off_reason = reason
        if self._canceller is not None:
            self._canceller.close()
            self._canceller = None

    def clean(
        self, samples: np.ndarray, end: float, speaking: bool = False, hearing: bool = False
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The 16 kHz block recorded up to monotonic time `end` without the kiosk's voice, and the same
        for judging where speech is (EchoCanceller.process_gated); None while the kiosk's voice cannot
        be told apart (barge-in off, the echo not yet found in this prompt, or `speaking` - the kiosk
        says it speaks - while nothing played is known for these moments: the timelines disagree).

        `hearing`: an utterance is under way, so the ERLE needed to start listening no longer applies: the
        patient's own voice, left in by the canceller, lowers the ERLE it measures (a long answer had
        stopped the kiosk listening halfway through itself)."""
        canceller = self._canceller
        if canceller is None:
            return None
        started = time.perf_counter()
        far = self.far.take(end, len(samples))
        out = canceller.process_gated(samples, far, self._stream_start(end, len(samples)), hearing)
        self._check(canceller, time.perf_counter() - started, len(samples) / ENGINE_RATE)
        if not self.far.covers(end, len(samples)):
            return None if speaking else out
        erle = canceller.erle_db
        return out if canceller.locked and (hearing or (erle is not None and erle >= LISTEN_ERLE_DB)) else None

    def _stream_start(self, end: float, count: int) -> int | None:
        """Where in the `count` samples up to `end` a stream the canceller has not been told of starts
        (at their start if it started earlier: the player told of it after these moments were taken)."""
        start = self.far.latest_start(end)
        if start is None or start == self._stream:
            return None
        self._stream = start
        return int(np.clip(round((start - end) * ENGINE_RATE) + count, 0, count - 1))

    def _check(self, canceller: EchoCanceller, busy: float, heard: float) -> None:
        self._busy, self._heard = self._busy + busy, self._heard + heard
        if self._heard >= 5.0:
            if self._busy > MAX_LOAD * self._heard:
                self.turn_off(f"the echo canceller cannot keep up ({100 * self._busy / self._heard:.0f} % of the time)")
            self._busy = self._heard = 0.0
        erle = canceller.erle_minute_db
        if erle is not None and erle < MIN_ERLE_DB:
            drift = canceller.tracker.drift_ppm
            clocks = f"; microphone and speaker clocks differ by {abs(drift):.0f} ppm" if drift else ""
            self.turn_off(f"the kiosk's voice is only {erle:.0f} dB quieter after cancelling{clocks}")
