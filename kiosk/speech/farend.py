"""What the kiosk's speaker played, and when: the echo canceller's reference (kiosk.hearing.echo).

The player adds each stream's samples with the monotonic time its first sample leaves the speaker; the
listener takes, for each block it records, what was played over the same moments. Only the last few
seconds are kept, in memory: it is the kiosk's own voice, never the patient's.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from kiosk.speech.audio import ENGINE_RATE

KEEP_SECONDS = 10.0


@dataclass
class _Stream:
    start: float
    samples: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    stopped: float | None = None

    @property
    def end(self) -> float:
        natural = self.start + len(self.samples) / ENGINE_RATE
        # Stopped before its first sample was heard (within the device's latency of starting): never heard.
        return natural if self.stopped is None else max(self.start, min(natural, self.stopped))


class FarEnd:
    """Played audio at 16 kHz on the monotonic clock; any thread may add or take."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._streams: list[_Stream] = []

    def start(self, at: float) -> None:
        """A new stream whose first sample is heard at monotonic time `at`."""
        with self._lock:
            self._streams = [s for s in self._streams if s.end > at - KEEP_SECONDS]
            self._streams.append(_Stream(at))

    def add(self, samples: np.ndarray) -> None:
        """The current stream's next samples (16 kHz, int16)."""
        with self._lock:
            if self._streams:
                stream = self._streams[-1]
                stream.samples = np.concatenate([stream.samples, np.asarray(samples, np.int16)])

    def stop(self, at: float | None = None) -> None:
        """Nothing of the current stream after `at` (default now) was heard: it was stopped."""
        with self._lock:
            if self._streams and self._streams[-1].stopped is None:
                self._streams[-1].stopped = time.monotonic() if at is None else at

    def take(self, end: float, count: int) -> np.ndarray:
        """The `count` samples heard up to monotonic time `end` (silence where nothing played)."""
        out = np.zeros(count, np.int16)
        begin = end - count / ENGINE_RATE
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            if stream.end <= begin or stream.start >= end:
                continue
            first = round((stream.start - begin) * ENGINE_RATE)  # where the stream starts in `out`
            last = min(count, round((stream.end - begin) * ENGINE_RATE))
            lo = max(first, 0)
            out[lo:last] = stream.samples[lo - first : last - first]
        return out

    def latest_start(self, end: float) -> float | None:
        """When the last stream to start before monotonic time `end` started (None: none did)."""
        with self._lock:
            return max((s.start for s in self._streams if s.start < end), default=None)

    def covers(self, end: float, count: int) -> bool:
        """Whether a stream was being heard at any of the `count` samples up to monotonic time `end`."""
        begin = end - count / ENGINE_RATE
        with self._lock:
            return any(s.start < end and s.end > begin for s in self._streams)
