"""Voice-activity detection and end-pointing: where an utterance starts and ends in a stream of audio.

Energy-based, against the level of the room, on 20 ms frames at 16 kHz:
* the room level is a high percentile (`room_percentile`) of the levels of the last `room_ms` of audio
  that was not speech: steady noise sets it at the noise, other people talking at their louder syllables,
  so a fan or the talk of other people in the waiting room sets the bar a patient must rise above;
  `learn_ms` of audio when listening begins is taken as the room and never as speech,
* speech starts after `start_ms` of frames louder than the room by `margin_db` (a cough is not speech),
* it goes on while frames stay `hold_db` above the room, ends after `end_ms` of quieter frames, or at
  `max_ms` whatever happens (an utterance that long was most likely the room getting louder: its level is
  learnt as the room's),
* an utterance shorter than `min_ms` is dropped as a blip,
* `preroll_ms` of audio before the start is kept, so soft first sounds are not cut.
The decoder only ever sees finished utterances: silence costs one RMS per frame and, every 200 ms, one
percentile of the last 3 s.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

FRAME = 320  # 20 ms at 16 kHz
ROOM_EVERY = 10  # frames between updates of the room level


@dataclass
class EndpointSettings:
    margin_db: float = 5.0  # tuned on bench/voice_in.py rooms: answers cut in pink noise 46 -> 51 of 56 vs 6/3
    hold_db: float = 2.0
    floor_db: float = -55.0
    learn_ms: int = 0
    room_ms: int = 3000
    room_percentile: float = 75.0
    start_ms: int = 100
    end_ms: int = 400
    min_ms: int = 200
    max_ms: int = 8000
    preroll_ms: int = 300


LIVE = EndpointSettings(learn_ms=500)  # a kiosk's microphone: the first half second it hears is the room


class Endpointer:
    def __init__(self, settings: EndpointSettings | None = None) -> None:
        self.s = settings or EndpointSettings()
        self.noise_db = self.s.floor_db
        self._learning = self.s.learn_ms // 20
        self._room: deque[float] = deque(maxlen=max(1, self.s.room_ms // 20))
        self._unlearnt = 0
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
        level = _level_db(frame)
        room = max(self.noise_db, self.s.floor_db)
        if self._learning > 0:
            self._learning -= 1
            self._learn([level])
            return None
        if not self._in_speech:
            loud = level > room + self.s.margin_db
            self._learn([level])
            self._preroll.append(frame)
            self._loud_run = self._loud_run + 1 if loud else 0
            if self._loud_run * 20 >= self.s.start_ms:
                self._in_speech = True
                self._speech = list(self._preroll)
                self._voiced = self._loud_run
                self._quiet_run = 0
            return None
        self._speech.append(frame)
        if level > room + self.s.hold_db:
            self._voiced += 1
            self._quiet_run = 0
        else:
            self._quiet_run += 1
        if len(self._speech) * 20 >= self.s.max_ms:
            self._learn([_level_db(f) for f in self._speech])
            return self._finish()
        if self._quiet_run * 20 >= self.s.end_ms:
            return self._finish()
        return None

    def _learn(self, levels: list[float]) -> None:
        self._room.extend(levels)
        self._unlearnt += len(levels)
        if self._unlearnt >= ROOM_EVERY or len(self._room) <= ROOM_EVERY:
            self._unlearnt = 0
            self.noise_db = float(np.percentile(self._room, self.s.room_percentile))

    def _finish(self) -> np.ndarray | None:
        voiced_ms = self._voiced * 20
        utterance = np.concatenate(self._speech) if self._speech else None
        self._speech, self._in_speech = [], False
        self._loud_run = self._quiet_run = self._voiced = 0
        self._preroll.clear()
        if utterance is None or voiced_ms < self.s.min_ms:
            return None  # a blip: a cough, a door, a click
        return utterance


def _level_db(frame: np.ndarray) -> float:
    """Loudness of a frame in dBFS."""
    return 20 * float(np.log10(max(float(np.sqrt(np.mean(frame.astype(np.float64) ** 2))), 1.0) / 32768))
