"""Voice-activity detection and end-pointing: where an utterance starts and ends in a stream of audio.

Energy-based with an adaptive noise floor, on 20 ms frames at 16 kHz:
* speech starts after `start_ms` of frames louder than the floor by `margin_db` (a cough is not speech),
* it ends after `end_ms` of quieter frames, or at `max_ms` whatever happens,
* an utterance shorter than `min_ms` is dropped as a blip,
* `preroll_ms` of audio before the start is kept, so soft first sounds are not cut.
The decoder only ever sees finished utterances: silence costs one RMS per frame.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

FRAME = 320  # 20 ms at 16 kHz


@dataclass
class EndpointSettings:
    margin_db: float = 10.0
    floor_db: float = -55.0
    start_ms: int = 100
    end_ms: int = 400
    min_ms: int = 200
    max_ms: int = 8000
    preroll_ms: int = 300


class Endpointer:
    def __init__(self, settings: EndpointSettings | None = None) -> None:
        self.s = settings or EndpointSettings()
        self.noise_db = self.s.floor_db
        self._buffer = np.zeros(0, dtype=np.int16)
        self._preroll: deque[np.ndarray] = deque(maxlen=max(1, self.s.preroll_ms // 20))
        self._speech: list[np.ndarray] = []
        self._loud_run = 0
        self._quiet_run = 0
        self._in_speech = False
        self._voiced = 0

    @property
    def in_speech(self) -> bool:
        return self._in_speech

    def reset(self) -> None:
        """Forget any utterance in progress (e.g. when the kiosk starts speaking)."""
        self._buffer = np.zeros(0, dtype=np.int16)
        self._preroll.clear()
        self._speech = []
        self._loud_run = self._quiet_run = self._voiced = 0
        self._in_speech = False

    def feed(self, samples: np.ndarray) -> list[np.ndarray]:
        """Add 16 kHz audio; return the utterances that ended within it."""
        self._buffer = np.concatenate([self._buffer, samples.astype(np.int16)])
        done: list[np.ndarray] = []
        while len(self._buffer) >= FRAME:
            frame, self._buffer = self._buffer[:FRAME], self._buffer[FRAME:]
            utterance = self._frame(frame)
            if utterance is not None:
                done.append(utterance)
        return done

    def flush(self) -> list[np.ndarray]:
        """End of input: an utterance still open counts as ended."""
        if self._in_speech:
            utterance = self._finish()
            return [utterance] if utterance is not None else []
        return []

    def _frame(self, frame: np.ndarray) -> np.ndarray | None:
        level = 20 * np.log10(max(float(np.sqrt(np.mean(frame.astype(np.float64) ** 2))), 1.0) / 32768)
        loud = level > max(self.noise_db + self.s.margin_db, self.s.floor_db + self.s.margin_db)
        if not self._in_speech:
            # The floor follows quiet quickly and noise slowly, so steady noise is learnt, speech is not.
            rate = 0.1 if level < self.noise_db else 0.01
            self.noise_db += rate * (level - self.noise_db)
            self._preroll.append(frame)
            self._loud_run = self._loud_run + 1 if loud else 0
            if self._loud_run * 20 >= self.s.start_ms:
                self._in_speech = True
                self._speech = list(self._preroll)
                self._voiced = self._loud_run
                self._quiet_run = 0
            return None
        self._speech.append(frame)
        if loud:
            self._voiced += 1
            self._quiet_run = 0
        else:
            self._quiet_run += 1
        if self._quiet_run * 20 >= self.s.end_ms or len(self._speech) * 20 >= self.s.max_ms:
            return self._finish()
        return None

    def _finish(self) -> np.ndarray | None:
        voiced_ms = self._voiced * 20
        utterance = np.concatenate(self._speech) if self._speech else None
        self._speech, self._in_speech = [], False
        self._loud_run = self._quiet_run = self._voiced = 0
        self._preroll.clear()
        if utterance is None or voiced_ms < self.s.min_ms:
            return None  # a blip: a cough, a door, a click
        return utterance
