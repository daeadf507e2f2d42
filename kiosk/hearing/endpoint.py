"""Voice-activity detection and end-pointing: where an utterance starts and ends in a stream of audio.

Energy-based, against the level of the room, on 20 ms frames at 16 kHz. Two cutters read the same frames:
* the **tight** one follows the patient, not the room: it needs frames 8 dB over a room level taken at
  the 90th percentile and ends when they fall under 5 dB over it, so other people's talk, which sets that
  room level, rarely starts an utterance and the patient's is cut close around the words;
* the **loose** one (5 dB over the 75th percentile, held at 2 dB) is the fallback: an utterance it finds
  in which the tight one found nothing (a soft answer in a quiet room) is used as it is.
For each cutter:
* the room level is a high percentile of the levels of the last `room_ms` of audio that was not speech;
  `learn_ms` of audio when listening begins is taken as the room and never as speech (the kiosk has just
  finished speaking: the patient has not started yet; a recording's leading audio stands for that),
* speech starts after `start_ms` of loud frames (a cough is not speech), ends after `end_ms` of quiet ones,
  or at `max_ms` whatever happens (an utterance that long was most likely the room getting louder: its
  level is learnt as the room's),
* an utterance with less than `min_ms` of loud frames is dropped as a blip,
* `preroll_ms` of audio before the start is kept, so soft first sounds are not cut.
In a steady noise (`kiosk.hearing.denoise.is_steady`, judged on the levels of what the room sounded like
between utterances, at least `STEADY_JUDGED_MS` of it) the audio is cleaned before anyone hears it, unless
`clean_steady` is off:
* with RNNoise (`kiosk.hearing.rnnoise`, when installed), on the stream, before the cutters: they cut the
  words from clean audio. Turning it on or off changes what the cutters hear, so they learn the room again
  (`learn_ms`, during which nothing is speech);
* otherwise each utterance, with the Wiener filter (`denoise.wiener`, its noise taken from the pre-roll).
Elsewhere, and from RNNoise, the recogniser hears the words and little more: `lead_ms` before the first
loud frame and `tail_ms` after the last one over `hold_db` (the rest of the pre-roll, and of the quiet that
ended the utterance, is the room: other people's talk, or silence a phone-loop decoder fills with phones).
How much an engine wants is its own (`Recognizer.margins_ms`; `kiosk.hearing.understand.settings_for`);
over barge-in's gate (`feed`'s `judge`) at least `GATED_LEAD_MS`.
The decoder only ever sees finished utterances: silence costs one RMS per frame and, every 200 ms, two
percentiles of the last 3 s.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from kiosk.hearing.denoise import is_steady, wiener
from kiosk.hearing.rnnoise import StreamDenoiser, stream_denoiser

FRAME = 320  # 20 ms at 16 kHz
FRAME_MS = 20
ROOM_EVERY = 10  # frames between updates of the room level
STEADY_JUDGED_MS = 1000  # the least of the room heard before it is judged steady or not
GATED_LEAD_MS = 200
"""The lead of words heard over the kiosk's voice: barge-in's gate (kiosk.hearing.echo) quietens a patient's
soft first sounds ("s" of "stop") with the echo's residue, so their first loud frame comes late."""
GATED_DB = 10.0  # a frame judged this much quieter than it sounds was gated


@dataclass(frozen=True)
class Cut:
    """How far over the room a frame must be to start speech (`margin_db`) and to keep it going (`hold_db`)."""

    margin_db: float
    hold_db: float
    room_percentile: float


# A tight cut for the patient, a loose one as fallback (docs/calibration.md, README "Voice in").
TIGHT = Cut(margin_db=8.0, hold_db=5.0, room_percentile=90.0)
LOOSE = Cut(margin_db=5.0, hold_db=2.0, room_percentile=75.0)


@dataclass(frozen=True)
class EndpointSettings:
    tight: Cut | None = TIGHT
    loose: Cut | None = LOOSE
    floor_db: float = -55.0
    learn_ms: int = 500
    room_ms: int = 3000
    start_ms: int = 100
    end_ms: int = 400
    min_ms: int = 200
    max_ms: int = 8000
    preroll_ms: int = 300
    lead_ms: int = 100
    tail_ms: int = 240
    clean_steady: bool = True
    rnnoise: bool = True  # clean a steady room with RNNoise where it is installed (else the Wiener filter)

    @property
    def cuts(self) -> tuple[Cut, ...]:
        """The cutters to run, the one that decides first."""
        return tuple(c for c in (self.tight, self.loose) if c is not None)


LIVE = EndpointSettings()
"""What the kiosk, `alt-kiosk recognize` and the benchmark all use: one pipeline, measured as it runs."""


class _Utterance(NamedTuple):
    audio: np.ndarray  # from the pre-roll to the end of the quiet that ended it
    words: slice  # the samples from the first loud frame to the last voiced one


class _Cutter:
    """One set of thresholds over the stream: its own room level, its own utterance in progress."""

    def __init__(self, cut: Cut, s: EndpointSettings) -> None:
        self.cut, self.s = cut, s
        self.noise_db = s.floor_db
        self._room: deque[float] = deque(maxlen=max(1, s.room_ms // FRAME_MS))
        self._unlearnt = 0
        self._preroll: deque[np.ndarray] = deque(maxlen=max(1, s.preroll_ms // FRAME_MS))
        self.speech: list[np.ndarray] = []
        self.started = -1  # frame number where the utterance in progress began to be loud
        self._loud_run = self._quiet_run = self._voiced = 0
        self._first_loud = self._last_voiced = 0  # frame indices within `speech`
        self.in_speech = False

    @property
    def room_levels(self) -> list[float]:
        """The levels (dBFS) of the last `room_ms` of audio that was not speech."""
        return list(self._room)

    def reset(self) -> None:
        self._preroll.clear()
        self.speech = []
        self._loud_run = self._quiet_run = self._voiced = 0
        self.in_speech = False

    def forget_room(self) -> None:
        self._room.clear()
        self._unlearnt = 0
        self.noise_db = self.s.floor_db

    def learn(self, levels: list[float]) -> None:
        self._room.extend(levels)
        self._unlearnt += len(levels)
        if self._unlearnt >= ROOM_EVERY or len(self._room) <= ROOM_EVERY:
            self._unlearnt = 0
            self.noise_db = float(np.percentile(self._room, self.cut.room_percentile))

    def frame(self, frame: np.ndarray, level: float, number: int) -> _Utterance | None:
        room = max(self.noise_db, self.s.floor_db)
        if not self.in_speech:
            self.learn([level])
            self._preroll.append(frame)
            self._loud_run = self._loud_run + 1 if level > room + self.cut.margin_db else 0
            if self._loud_run * FRAME_MS >= self.s.start_ms:
                self.in_speech, self.started = True, number - self._loud_run + 1
                self.speech = list(self._preroll)
                self._voiced, self._quiet_run = self._loud_run, 0
                self._first_loud = len(self.speech) - self._loud_run
                self._last_voiced = len(self.speech) - 1
            return None
        self.speech.append(frame)
        if level > room + self.cut.hold_db:
            self._voiced, self._quiet_run = self._voiced + 1, 0
            self._last_voiced = len(self.speech) - 1
        else:
            self._quiet_run += 1
        if len(self.speech) * FRAME_MS >= self.s.max_ms:
            self.learn([_level_db(f) for f in self.speech])
            return self.finish()
        if self._quiet_run * FRAME_MS >= self.s.end_ms:
            return self.finish()
        return None

    def finish(self) -> _Utterance | None:
        voiced_ms = self._voiced * FRAME_MS
        utterance = np.concatenate(self.speech) if self.speech else None
        words = slice(self._first_loud * FRAME, (self._last_voiced + 1) * FRAME)
        self.reset()
        if utterance is None or voiced_ms < self.s.min_ms:
            return None  # a blip: a cough, a door, a click
        return _Utterance(utterance, words)


class Endpointer:
    def __init__(self, settings: EndpointSettings | None = None) -> None:
        self.s = settings or LIVE
        self._cutters = [_Cutter(cut, self.s) for cut in self.s.cuts]
        self._learning = self.s.learn_ms // FRAME_MS
        self._buffer = np.zeros(0, dtype=np.int16)
        self._judge = np.zeros(0, dtype=np.int16)  # what `feed` judges loudness by (see there)
        self._frames = 0
        self._first_started = -1  # where the first cutter's last utterance began (-1: none yet)
        self._gated = -(10**9)  # the last frame barge-in's gate quietened
        self._room: deque[float] = deque(maxlen=max(1, self.s.room_ms // FRAME_MS))  # as heard, not cleaned
        self._denoiser: StreamDenoiser | None = None  # on while the room is steady

    @property
    def noise_db(self) -> float:
        """The room level the first cutter measures against (dBFS)."""
        return self._cutters[0].noise_db

    @property
    def in_speech(self) -> bool:
        return any(c.in_speech for c in self._cutters)

    def reset(self) -> None:
        """Forget any utterance in progress (e.g. when the kiosk starts speaking); the room stays learnt."""
        self._buffer = np.zeros(0, dtype=np.int16)
        self._judge = np.zeros(0, dtype=np.int16)
        for cutter in self._cutters:
            cutter.reset()

    def feed(self, samples: np.ndarray, judge: np.ndarray | None = None) -> list[np.ndarray]:
        """Add 16 kHz audio; return the utterances that ended within it.

        `judge` (as long): where speech is is judged by its loudness instead (barge-in's echo-gated
        copy, kiosk.hearing.echo), while the utterances are cut from `samples`."""
        self._buffer = np.concatenate([self._buffer, samples.astype(np.int16)])
        self._judge = np.concatenate([self._judge, (samples if judge is None else judge).astype(np.int16)])
        done: list[np.ndarray] = []
        while len(self._buffer) >= FRAME:
            frame, self._buffer = self._buffer[:FRAME], self._buffer[FRAME:]
            judged, self._judge = self._judge[:FRAME], self._judge[FRAME:]
            own, level = _level_db(frame), _level_db(judged)
            if level < own - GATED_DB:
                self._gated = self._frames
            done += self._frame(frame, own, min(own, level))
        return done

    def flush(self) -> list[np.ndarray]:
        """End of input: an utterance still open counts as ended."""
        return self._pick([c.finish() if c.in_speech else None for c in self._cutters])

    @property
    def cleaning(self) -> bool:
        """Whether RNNoise is cleaning the stream (the room is a steady noise)."""
        return self._denoiser is not None

    def _frame(self, frame: np.ndarray, own: float, level: float) -> list[np.ndarray]:
        """One frame; `own` its loudness, `level` the loudness it is judged by (quieter: barge-in's residue)."""
        self._frames += 1
        if not self.in_speech:
            self._hear_room(level)
        if self._denoiser is not None:
            frame = self._denoiser.feed(frame)  # a whole number of its blocks: as long as it came in
            level = level if level < own else _level_db(frame)
        if self._learning > 0:
            self._learning -= 1
            for cutter in self._cutters:
                cutter.learn([level])
            return []
        return self._pick([c.frame(frame, level, self._frames) for c in self._cutters])

    def _hear_room(self, level: float) -> None:
        """Keep the room's level as heard; once enough is heard, clean the stream while it is steady."""
        self._room.append(level)
        judged = len(self._room) * FRAME_MS >= STEADY_JUDGED_MS
        if not (self.s.clean_steady and self.s.rnnoise and judged and self._frames % ROOM_EVERY == 0):
            return
        steady = is_steady(list(self._room), self.s.floor_db)
        if steady and self._denoiser is None:
            self._denoiser = stream_denoiser()
            if self._denoiser is not None:
                self._relearn()
        elif not steady and self._denoiser is not None:
            self._denoiser.close()
            self._denoiser = None
            self._relearn()

    def _relearn(self) -> None:
        """The cutters hear another room from now on (cleaned, or no longer): they learn it again."""
        for cutter in self._cutters:
            cutter.reset()
            cutter.forget_room()
        self._learning = self.s.learn_ms // FRAME_MS

    def _pick(self, ended: list[_Utterance | None]) -> list[np.ndarray]:
        """The first cutter's utterances; a later cutter's only where the first found none within it."""
        first = self._cutters[0]
        picked: list[_Utterance] = []
        if ended[0] is not None:
            picked.append(ended[0])
            self._first_started = first.started
        for cutter, utterance in zip(self._cutters[1:], ended[1:], strict=True):
            if utterance is not None and not first.in_speech and self._first_started < cutter.started:
                picked.append(utterance)
        if picked and self._denoiser is None and self.s.clean_steady and is_steady(first.room_levels, self.s.floor_db):
            return [wiener(u.audio) for u in picked]  # cleaned, and whole: the filter needs the room
        return [self._words(u.audio, u.words) for u in picked]

    def _words(self, audio: np.ndarray, words: slice) -> np.ndarray:
        """The words of an utterance, with `lead_ms` of audio before them and `tail_ms` after."""
        gated = self._frames - self._gated <= 1000 // FRAME_MS  # within the last second: over a prompt
        lead = max(self.s.lead_ms, GATED_LEAD_MS if gated else 0) * 16  # 16 samples a millisecond
        tail = self.s.tail_ms * 16
        return audio[max(0, words.start - lead) : words.stop + tail]


def _level_db(frame: np.ndarray) -> float:
    """Loudness of a frame in dBFS."""
    return 20 * float(np.log10(max(float(np.sqrt(np.mean(frame.astype(np.float64) ** 2))), 1.0) / 32768))
