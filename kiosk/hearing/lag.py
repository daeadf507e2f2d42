"""Where the kiosk's echo sits in what it played: the lag, found by cross-correlation and followed as a
straight line over time (its slope is the clock drift between the microphone and the speaker)."""

from __future__ import annotations

import numpy as np

from kiosk.speech.audio import ENGINE_RATE as RATE

FRESH_SLIP = 32
"""How far (samples, 2 ms) a new stream's echo may sit from the last one's and be believed at once, found
on the reference alone: a voice's pitch period is longer."""
REFINE = 4
"""How far (samples) the reference's own peak may sit from the guide's (`LagTracker.observe`)."""
MIN_LAG = RATE // 1000
"""No echo comes back within 1 ms of the moment the far end says it was heard (the converters' own
filters take longer). On ALSA's file device the first prompt's correlation peaked at 1 sample, 8
times over the rest: the filter then learned nothing for two prompts."""
MAX_DRIFT = 200e-6
"""No two sound cards' clocks differ by more (USB audio crystals: tens of ppm)."""


class LagTracker:
    """How many samples the echo lags the reference, as a straight line over time (its slope is the drift).

    Each `observe` correlates the last `window` microphone samples with the reference (GCC-PHAT, a sharp
    peak at the direct sound). A new lag far from the line is believed only when `confirm` windows in a row
    agree: one window of a patient talking, or of silence, must not move it. After `restart` (a new
    stream: the timelines may have slipped a few milliseconds) there is no lag until the first clear
    one near the old line, which is believed at once; the line then starts there, with the same slope.
    """

    def __init__(self, max_lag: int, window: int = RATE // 2, confirm: int = 3) -> None:
        self.max_lag, self.window, self.confirm = max_lag, window, confirm
        self.slope = 0.0  # lag change per sample: minus the drift
        self._points: list[tuple[int, float, int]] = []  # (sample, lag, stream), the last 30 s
        self._stream = 0
        self._anchor: tuple[int, float] | None = None
        self._candidate: tuple[float, int] | None = None
        self._last = 0
        self._fresh = False

    def restart(self) -> None:
        self._fresh = True

    @property
    def fresh(self) -> bool:
        """A new stream whose lag is not found yet."""
        return self._fresh

    def lag_at(self, n: int) -> float | None:
        return None if self._fresh else self.line_at(n)

    def line_at(self, n: int) -> float | None:
        """The lag the line gives at sample `n`, found in this stream or not."""
        if self._anchor is None:
            return None
        at, lag = self._anchor
        return lag + self.slope * (n - at)

    @property
    def drift_ppm(self) -> float | None:
        """The microphone clock's drift from the speaker's, once 4 s of echo measured it."""
        if len(self._points) < 2 or self._points[-1][0] - self._points[0][0] < 4 * RATE:
            return None
        return -self.slope * 1e6

    def observe(
        self, n: int, near: np.ndarray, far: np.ndarray, fresh_slip: int = FRESH_SLIP, guide: np.ndarray | None = None
    ) -> None:
        """`near`: the `window` microphone samples up to sample `n`; `far`: the reference up to `n`,
        `window + max_lag` long; `fresh_slip`: how far from the old line a new stream's lag may be.

        `guide`: `far` as the echo it makes (a trained filter's prediction), whose correlation has one
        peak, at the direct sound or near it: the lag is then `far`'s own peak within `REFINE` of that
        one (or, for a new stream's first lag, the guide's where `far`'s is not clear). `far`'s alone may be a reflection; the guide's
        alone follows the filter, which follows the line: a drift was then under-measured by a fifth."""
        line = self.line_at(n)
        lag = self._find(near, guide if guide is not None else far, line, fresh_slip)
        if lag is not None and guide is not None:
            refined = self._peak(near, far, lag, REFINE)
            # A new stream's first windows may hold too little for `far`'s own peak: the guide's then.
            lag = lag if refined is None and self._fresh else refined
        if lag is None:
            return
        slip = fresh_slip if self._fresh else 2 + MAX_DRIFT * (n - self._last)
        if line is not None and abs(lag - line) > slip:
            agree = self._candidate is not None and abs(self._candidate[0] - lag) <= 1
            count = self._candidate[1] + 1 if agree and self._candidate else 1
            if count < self.confirm:
                self._candidate = (lag, count)
                return
            self._points = []  # the echo moved (a device re-opened, a stall)
        elif self._fresh:
            self._stream += 1  # the same line, a little slipped: the new stream's points stand apart
        self._fresh = False
        self._candidate, self._last = None, n
        self._points = [p for p in self._points if n - p[0] < 30 * RATE] + [(n, lag, self._stream)]
        self._fit(n)

    def _find(self, near: np.ndarray, far: np.ndarray, line: float | None, fresh_slip: int) -> float | None:
        """The lag of the clearest peak: near the old line for a new stream, else anywhere (confirmed)."""
        lag = self._peak(near, far, line if self._fresh else None, fresh_slip)
        if lag is None and self._fresh:
            lag = self._peak(near, far)  # not near the old line: the echo moved further, to be confirmed
        return lag

    def _fit(self, n: int) -> None:
        """The slope from every stream's points at once, each about its own mean (a stream's line starts
        where the devices put it, the clocks drift the same in all); the anchor from this stream's alone."""
        at = np.array([p[0] - n for p in self._points], dtype=np.float64)
        lags = np.array([p[1] for p in self._points])
        streams = np.array([p[2] for p in self._points])
        spread, covary = 0.0, 0.0
        for stream in np.unique(streams):
            mine = streams == stream
            at_c, lags_c = at[mine] - at[mine].mean(), lags[mine] - lags[mine].mean()
            spread, covary = spread + float(at_c @ at_c), covary + float(at_c @ lags_c)
        if len(at) >= 6 and spread >= len(at) * (2 * RATE) ** 2 / 12:  # as much as 6 points over 2 s
            slope = covary / spread
            if abs(slope) <= MAX_DRIFT:  # else an outlier bent the line: keep the old slope
                self.slope = slope
        here = streams == self._stream
        self._anchor = (n, float(np.median(lags[here] - self.slope * at[here])))

    def _peak(
        self, near: np.ndarray, far: np.ndarray, around: float | None = None, slip: int = FRESH_SLIP
    ) -> float | None:
        """The lag of the strongest correlation, to a fraction of a sample; None if it is not clear.

        `around`: look only within `slip` of this lag (a new stream, where the last one's echo was):
        a clear peak there is enough, however alike the voice's pitch makes the others."""
        w, most = self.window, self.max_lag
        size = 1 << int(np.ceil(np.log2(2 * w + most)))
        cross = np.fft.rfft(far, size) * np.conj(np.fft.rfft(near, size))
        cross /= np.abs(cross) + 1e-9 * float(np.abs(cross).max() or 1.0)
        top = most - MIN_LAG  # corr[j]: the echo lags by most - j, at least MIN_LAG
        corr = np.fft.irfft(cross, size)[: top + 1]
        low, high = 0, top
        if around is not None:
            low, high = int(np.clip(most - around - slip, 0, top)), int(np.clip(most - around + slip, 0, top))
        j = low + int(np.argmax(corr[low : high + 1]))
        rest = np.concatenate([corr[: max(j - 4, 0)], corr[j + 5 :]])
        if (around is None or slip > FRESH_SLIP) and corr[j] < 1.3 * float(rest.max(initial=0.0)):
            return None  # two peaks alike (a voice's pitch period): not clear
        if corr[j] <= 8 * float(np.std(corr)) or not 0 < j < top:
            return None  # no peak, or one at an end of the range: no echo lags so (it is out of range)
        a, b, c = corr[j - 1], corr[j], corr[j + 1]
        shift = 0.5 * float(a - c) / float(a - 2 * b + c)
        return most - (j + shift)
