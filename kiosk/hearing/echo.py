"""Echo cancellation: the microphone without the kiosk's own voice, so a patient can answer over a prompt.

The reference is what the kiosk played (kiosk.speech.farend), at 16 kHz on the microphone's timeline.
Measured in docs/calibration.md ("Barge-in"):

* `LagTracker` (kiosk.hearing.lag) finds where the echo sits in the reference (the device latencies,
  20 to 600 ms) by cross-correlation, to a tenth of a sample, and follows clock drift between the
  microphone and the speaker (a linear filter alone falls from 32 to 11 dB at 20 ppm). Once the filter
  is trained, its own prediction of the echo (one sharp peak) tells which of the reference's peaks is
  the direct sound, at each prompt and within one: raw correlation in a live room jumps between the
  direct sound and a reflection, and a line moved mid-prompt had left the filter misaligned.
* Speex's MDF adaptive filter (Debian's libspeexdsp, through ctypes) then removes the echo of the aligned
  reference through the room: a 250 ms filter, no residual suppression, so the patient's voice is kept.
* A gate marks what is left of the echo, for the end-pointer to judge speech by (`process_gated`).

The canceller measures its own ERLE; kiosk.hearing.barge_in listens over a prompt only while it is high
enough, and turns barge-in off when it stays too low.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections import deque

import numpy as np

from kiosk.hearing.lag import LagTracker
from kiosk.speech.audio import ENGINE_RATE as RATE

FRAME = RATE // 100  # 10 ms, Speex's frame
_SET_SAMPLING_RATE = 24  # SPEEX_ECHO_SET_SAMPLING_RATE
_GET_IMPULSE_RESPONSE_SIZE = 27  # SPEEX_ECHO_GET_IMPULSE_RESPONSE_SIZE
_GET_IMPULSE_RESPONSE = 29  # SPEEX_ECHO_GET_IMPULSE_RESPONSE
SETTLE = RATE // 2
TALK_SKIPPED = 6
"""At most this many half seconds in a row (3 s) of the patient talking are left out of the ERLE measure
(`EchoCanceller._measure`); longer, they count, so that an echo leaking enough to seem a patient talking on
and on cannot keep the measure up."""
INAUDIBLE_DB = 60.0
"""The ERLE counted for half a second where the microphone hears the room and no echo at all."""
GATE_DB = 12.0
"""The residual echo gate (`EchoCanceller._gate`): frames this far under the removed echo are its residue."""
TRAINED_SLIP = RATE // 50
"""The same (20 ms), found on the echo the trained filter predicts: its correlation with the microphone
has one sharp peak, whatever the voice and the room (the player's and the microphone's timelines slip
a few milliseconds between prompts on real devices and on the test rig's)."""
TRAINED_DB = 12.0
"""The filter predicts the echo well enough to track it by (`TRAINED_SLIP`) from this ERLE on."""
ECHO_HEARD = RATE // 5
"""How much loud reference (0.2 s, in 10 ms frames) a window of microphone must hold the echo of before
the lag is looked for in it."""
MARGIN = RATE // 100
"""The reference runs this far (10 ms) ahead of the lag found: in a live room a reflection can correlate
more than the direct sound, which must still fall inside the filter."""


class EchoUnavailable(Exception):
    """The echo canceller's library is missing."""


def speexdsp() -> ctypes.CDLL:
    """Debian's libspeexdsp1, with the three functions the canceller uses typed."""
    name = ctypes.util.find_library("speexdsp") or "libspeexdsp.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError as err:
        raise EchoUnavailable("libspeexdsp is not installed (apt install libspeexdsp1)") from err
    lib.speex_echo_state_init.restype = ctypes.c_void_p
    lib.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]
    lib.speex_echo_cancellation.argtypes = [ctypes.c_void_p] * 4
    lib.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    return lib


class EchoCanceller:
    """Microphone in, microphone without the echo out, 10 ms at a time; `far` is what was played meanwhile.

    `locked` is False until the echo's lag is known: its output is then the microphone unchanged.
    `erle_db` is how much quieter the echo is after cancelling (median of the last 5 s with a loud echo),
    `erle_minute_db` the same over a minute; `measured_s`, how many seconds of loud echo it has measured.
    """

    def __init__(self, tail_ms: int = 250, max_lag_ms: int = 600, lib: ctypes.CDLL | None = None) -> None:
        self._lib = lib or speexdsp()
        self._state = self._lib.speex_echo_state_init(FRAME, RATE * tail_ms // 1000)
        rate = ctypes.c_int(RATE)
        self._lib.speex_echo_ctl(self._state, _SET_SAMPLING_RATE, ctypes.byref(rate))
        self.tracker = LagTracker(RATE * max_lag_ms // 1000)
        self._keep = self.tracker.max_lag + self.tracker.window + 4 * FRAME
        self._far = np.zeros(self._keep)
        self._near = np.zeros(self.tracker.window)
        self._n = 0
        self._since = 0
        self._quiet = 0  # samples of reference silence so far
        self._stream = 0  # the sample the speaker's current stream started at
        self._room: deque[float] = deque(maxlen=300)  # the room's mean square per sample, 3 s of it
        self._settled = 0  # samples since the lag was (re)found
        self._gains: list[float] = []
        self.measured_s = 0.0
        self._energy = [0.0, 0.0, 0]  # microphone, output, frames: this half second's loud echo
        self._talked = False  # the listener heard someone speak in this half second (`process_gated`)
        self._skipped = 0  # half seconds left out of the measure in a row

    def close(self) -> None:
        if self._state:
            self._lib.speex_echo_state_destroy(self._state)
            self._state = None

    @property
    def locked(self) -> bool:
        """The echo's lag is known, and the filter has heard `SETTLE` of this stream at it (`_catch_up`
        counts what it heard of the stream before the lag was found): a filter that starts mid-prompt
        leaves far more echo for its first half second (measured: 11-18 dB, then 30+)."""
        return self._settled >= SETTLE

    @property
    def erle_db(self) -> float | None:
        return float(np.median(self._gains[-10:])) if len(self._gains) >= 4 else None

    @property
    def erle_minute_db(self) -> float | None:
        """The median over the last minute of loud echo: what the canceller reaches in this room, whatever
        a moment did (Speex resets a filter it finds diverging, then learns again for a few seconds)."""
        return float(np.median(self._gains)) if self.measured_s >= 60 else None

    def process(self, near: np.ndarray, far: np.ndarray) -> np.ndarray:
        """`near` and `far`: int16, the same length, a multiple of 10 ms."""
        return self.process_gated(near, far)[0]

    def process_gated(
        self, near: np.ndarray, far: np.ndarray, stream_at: int | None = None, talking: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """The microphone without the echo, and the same with what is left of the echo quietened
        (`_gate`): the end-pointer judges where speech is by the second, the recogniser hears the first.
        `stream_at`: where in `far` the speaker started a new stream, if it did (kiosk.speech.farend).
        `talking`: the listener hears someone speak in `near` (the ERLE measure leaves it out)."""
        if stream_at is not None:
            self._new_stream(self._n + stream_at)
        whole = len(near) - len(near) % FRAME
        pairs = [self._frame(near[i : i + FRAME], far[i : i + FRAME], talking) for i in range(0, whole, FRAME)]
        if not pairs:
            return np.zeros(0, np.int16), np.zeros(0, np.int16)
        return np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])

    def _frame(self, near: np.ndarray, far: np.ndarray, talking: bool) -> tuple[np.ndarray, np.ndarray]:
        self._far = np.concatenate([self._far[FRAME:], far.astype(np.float64)])
        self._near = np.concatenate([self._near[FRAME:], near.astype(np.float64)])
        self._n += FRAME
        self._since += FRAME
        if np.abs(far).max(initial=0) < 100:
            self._quiet += FRAME
            self._hear_room(near)
        else:
            if self._quiet >= RATE // 2:
                self._new_stream(self._n - FRAME)
            self._quiet = 0
        if self._since >= RATE // 4:
            self._observe(self._stream_span())
        lag = self.tracker.lag_at(self._n)
        if lag is None:
            self._settled = 0
            return np.asarray(near, np.int16), np.asarray(near, np.int16)
        if self._settled == 0:
            self._catch_up(lag)
        self._settled += FRAME
        mic = np.ascontiguousarray(near, np.int16)
        out, played = self._cancel(mic, lag)
        if self.locked:  # what the kiosk listens through: the filter caught up with a new stream's lag
            self._measure(mic, out, played, talking)
        return out, self._gate(mic, out)

    def _cancel(self, mic: np.ndarray, lag: float, back: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """One frame through the filter, `back` frames before the last one heard: the microphone without
        the echo, and the reference it was cancelled with."""
        # Each microphone sample's reference is the far end `lag` earlier, less a margin so that the
        # filter also sees the direct sound.
        positions = np.arange(self._keep - FRAME, self._keep) - (lag - MARGIN) - back * FRAME
        reference = np.interp(positions, np.arange(self._keep), self._far)
        played = np.ascontiguousarray(np.clip(reference, -32768, 32767), np.int16)
        out = np.zeros(FRAME, np.int16)
        self._lib.speex_echo_cancellation(self._state, mic.ctypes.data, played.ctypes.data, out.ctypes.data)
        return out, played

    def _catch_up(self, lag: float) -> None:
        """The lag was just (re)found: the filter first hears this stream's microphone so far, at that lag
        (what it would have heard, had the lag been known), so that it neither lacks the reference of
        the echo it hears next nor adapts to an echo it cannot explain."""
        frames = min(self._n - self._stream, len(self._near)) // FRAME - 1
        for back in range(frames, 0, -1):
            mic = np.ascontiguousarray(self._near[-(back + 1) * FRAME : -back * FRAME], np.int16)
            self._cancel(mic, lag, back)
        self._settled = frames * FRAME

    def _observe(self, span: np.ndarray) -> None:
        """Where the echo sits now, from the last window of microphone, if it should hold the echo."""
        if not self._echo_heard(span):
            return
        self._since = 0
        if (self.erle_db or 0.0) >= TRAINED_DB:
            self.tracker.observe(self._n, self._near, span, TRAINED_SLIP, guide=self._predicted(span))
        else:
            self.tracker.observe(self._n, self._near, span)

    def _new_stream(self, at: int) -> None:
        """The speaker's audio from sample `at` on is a new stream (or speech after a pause): the devices
        may have slipped, so the lag is found anew, on this stream's echo alone."""
        self._stream = at
        self.tracker.restart()

    def _stream_span(self) -> np.ndarray:
        """The reference the lag is looked for in (`window + max_lag` up to now), silent before the current
        stream: a prompt stopped for an answer still echoes where the old stream sat, and the next one
        (asking "Did you mean ...?") starts at once, perhaps elsewhere."""
        span = self._far[-(self.tracker.window + self.tracker.max_lag) :]
        before = len(span) - (self._n - self._stream)
        if before <= 0:
            return span
        span = span.copy()
        span[:before] = 0.0
        return span

    def _echo_heard(self, span: np.ndarray) -> bool:
        """Whether the microphone's last window holds `ECHO_HEARD` of the echo of a loud reference, where
        the last line puts the lag (the longest lag looked for, before any line): a window that holds
        only a prompt's first syllable, or none of it yet, correlates best at chance lags."""
        line = self.tracker.line_at(self._n)
        lag = self.tracker.max_lag if line is None else int(np.clip(line, 0, self.tracker.max_lag))
        heard = span[len(span) - self.tracker.window - lag : len(span) - lag]
        frames = heard[: len(heard) - len(heard) % FRAME].reshape(-1, FRAME)
        return int(np.sum(np.sqrt(np.mean(frames**2, axis=1)) > 100)) * FRAME >= ECHO_HEARD

    def _predicted(self, far: np.ndarray) -> np.ndarray:
        """The echo of `far` as the filter has learned the room, on `far`'s timeline (the filter's
        `MARGIN` taken off): its lag against the microphone is the lag the filter was trained at."""
        size = ctypes.c_int32(0)
        self._lib.speex_echo_ctl(self._state, _GET_IMPULSE_RESPONSE_SIZE, ctypes.byref(size))
        taps = np.zeros(size.value, np.int32)
        self._lib.speex_echo_ctl(self._state, _GET_IMPULSE_RESPONSE, taps.ctypes.data)
        whole = 1 << int(np.ceil(np.log2(len(far) + len(taps))))
        echo = np.fft.irfft(np.fft.rfft(far, whole) * np.fft.rfft(taps.astype(np.float64), whole), whole)
        return np.concatenate([echo[MARGIN : len(far)], np.zeros(MARGIN)])

    def _gate(self, mic: np.ndarray, out: np.ndarray) -> np.ndarray:
        """A frame more than `GATE_DB` under the echo the filter just removed is what is left of the echo
        (20-40 dB under it): 30 dB quieter, so the end-pointer never starts an utterance on the kiosk's
        own words, still clear to PocketSphinx at that level. A patient at most 6 dB under the echo is
        over the line where they are loudest, which is what starts an utterance."""
        if _rms(out) < _rms(mic.astype(np.float64) - out) * 10 ** (-GATE_DB / 20):
            return (out * 0.03).astype(np.int16)
        return out

    def _measure(self, mic: np.ndarray, out: np.ndarray, played: np.ndarray, talking: bool) -> None:
        """ERLE over half seconds where the reference is loud and nobody talks over it: the canceller keeps
        a patient's voice, which would count as echo left (an answer pulled the measure from 30 dB to 2,
        and the kiosk stopped listening over the next prompt); up to `TALK_SKIPPED` of them are left out.

        The room's own noise is taken out of both sides: an echo cancelled down to the room's hiss is
        cancelled, however quiet it was to begin with (ERLE alone would stop at echo-to-hiss)."""
        if _rms(played) < 300:
            return
        self._talked |= talking
        energy = self._energy
        energy[0] += float(np.sum(mic.astype(np.float64) ** 2))
        energy[1] += float(np.sum(out.astype(np.float64) ** 2))
        energy[2] += 1
        if energy[2] >= 50:
            room = float(np.median(self._room)) * energy[2] * FRAME if self._room else 0.0
            echo, left = max(energy[0] - room, 1.0), max(energy[1] - room, energy[0] * 1e-6, 1.0)
            # An echo, or what is left of it, that adds at most 3 dB to the room's own noise is under what
            # starts an utterance (5 dB over the room, endpoint.LOOSE): as good as cancelled.
            inaudible = room > 0 and (energy[0] < 2 * room or energy[1] < 2 * room)
            self._skipped = self._skipped + 1 if self._talked else 0
            if not 0 < self._skipped <= TALK_SKIPPED:
                self._gains = [*self._gains[-119:], INAUDIBLE_DB if inaudible else 10 * float(np.log10(echo / left))]
                self.measured_s += 0.5
            self._energy, self._talked = [0.0, 0.0, 0], False

    def _hear_room(self, mic: np.ndarray) -> None:
        """The room's level per sample, from frames well after the kiosk's voice has died away (their
        median: a patient talking now and then between prompts does not move it)."""
        if self._quiet >= RATE:
            self._room.append(float(np.mean(mic.astype(np.float64) ** 2)))


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
