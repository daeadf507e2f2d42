"""The real kiosk (KioskApp with its real speaker and listener, barge-in on) on ALSA's file device.

What it plays lands in played.raw; what it records comes from the FIFO heard.fifo, which a room rig in
a process of its own keeps fed with the kiosk's own voice as a loudspeaker a metre away returns it:
through a small room, `delay_ms` late, `level_db` relative to the patient, on a clock `drift_ppm` off.
The kiosk reads the welcome and the first question to their ends (the canceller learns the room, as it
has on a kiosk that has run a while); if `answer` is given, `warm_questions` questions are answered "No"
by touch and a patient says `answer` `answer_after_s` into the next. If the kiosk stops to ask "Did you
mean ...?", the patient says it again once that is read.

Parameters: folder (holding .asoundrc, played.raw and the FIFO), delay_ms, level_db, drift_ppm,
answer (text or null), answer_after_s, warm_questions (default 1).
Replies: whether the kiosk moved on, what it asked about (the guessed answer, or null), how much of the
question it played, when its last sound was after the answer began, how much echo the rig could not make
in time (it must be none), and barge-in's state.
"""

from __future__ import annotations

import asyncio
import fcntl
import multiprocessing
import os
import struct
import termios
import time
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

import numpy as np

from bench.barge_in import loudness
from bench.echo_rig import room_response
from tests.support.programs import params, reply

PLAYED_RATE = 22050  # Piper's medium voices and espeak-ng both
QUEUED = 0.15
"""Seconds of microphone kept in the FIFO: ALSA's file device fills a read the FIFO cannot fill with
stale samples, and the listener reads up to one 50 ms block ahead of real time."""
SPEAKER_PATH = 0.2
"""Seconds from a sample reaching ALSA to the loudspeaker, on top of `delay_ms`: the rig must know a
sample before the microphone hears it, and it writes the microphone `QUEUED` ahead."""
BLOCK = 0.02  # seconds the rig writes at a time
PATIENT_GAIN = 10 ** (-10 / 20)
"""The patient as a microphone set with headroom hears them (speech at -26 dBFS): at espeak-ng's own level
an echo 6 dB over them passed full scale and clipped, an echo no linear canceller removes (15-20 dB)."""
F_SETPIPE_SZ = 1031  # fcntl: a pipe's buffer size
PROMPTS_KEPT = 64  # prompts whose end the rig remembers


class Room:
    """The microphone's side. It reads what the kiosk plays as played.raw grows and plays it as a
    loudspeaker would: a sample that arrives too late for its moment (the kiosk rendered too slowly) is
    played from its arrival on, as a real device does after an underrun. The file starts again at each prompt
    (ALSA's file plugin truncates it when a stream opens)."""

    def __init__(self, folder: Path, fd: int, rate: int, p: dict[str, Any], said: np.ndarray) -> None:
        self.played, self.fd, self.rate = folder / "played.raw", fd, rate
        self.delay = p["delay_ms"] / 1000 + SPEAKER_PATH
        self.level, self.stretch = 10 ** (p["level_db"] / 20), 1 + p.get("drift_ppm", 0.0) * 1e-6
        self.said = said
        self.segments: list[tuple[float, np.ndarray]] = []  # (when its first sample plays, samples)
        self.seen = 0
        self.gain: float | None = None
        response = room_response()
        at = np.arange(int(len(response) * rate / 16000)) * 16000 / rate
        self.response = np.interp(at, np.arange(len(response)), response)
        self.tail = np.zeros(len(self.response) - 1)
        self.clock, self.missing, self.dry = 0.0, 0, 0
        shared = multiprocessing.get_context("fork")
        self.answer_at: Synchronized[float] = shared.Value("d", 0.0)  # set by the kiosk's side; 0: none yet
        self.prompts: Synchronized[int] = shared.Value("i", 0)
        self.prompt_s: Synchronized[float] = shared.Value("d", 0.0)  # the last prompt's length so far
        self._ended = shared.Array("d", 2 * PROMPTS_KEPT)  # per prompt ended: when it last grew, its length
        self.last_growth: Synchronized[float] = shared.Value("d", 0.0)
        self.missing_s: Synchronized[float] = shared.Value("d", 0.0)
        self.underruns: Synchronized[int] = shared.Value("i", 0)
        self.dry_reads: Synchronized[int] = shared.Value("i", 0)  # the FIFO found empty: the rig fell behind

    def run(self) -> None:
        """Write the microphone in real time, `QUEUED` ahead, as a sound card records: on one clock that
        starts when the listener first reads and never stops, however the reader keeps up (the pipe
        holds up to 10 s, like a capture buffer)."""
        fcntl.fcntl(self.fd, F_SETPIPE_SZ, 1 << 20)
        reading = False
        while True:
            self.look()
            queued = struct.unpack("i", fcntl.ioctl(self.fd, termios.FIONREAD, b"\0\0\0\0"))[0] / 2 / self.rate
            now = time.monotonic()
            if not reading:
                reading = self.clock > 0 and queued < QUEUED - BLOCK / 2  # the listener took its first block
                if not reading:
                    self.clock = now + queued
            self.dry += reading and queued == 0
            while self.clock < now + QUEUED:
                block = int(self.rate * BLOCK)
                os.write(self.fd, self._heard(self.clock + np.arange(block) / self.rate).tobytes())
                self.clock += block / self.rate
            self.missing_s.value, self.dry_reads.value = self.missing / self.rate, self.dry
            time.sleep(0.004)

    def look(self) -> None:
        size = self.played.stat().st_size // 2 if self.played.exists() else 0
        if size < self.seen:  # a new prompt
            at = 2 * ((self.prompts.value - 1) % PROMPTS_KEPT)
            self._ended[at : at + 2] = [self.last_growth.value, self.prompt_s.value]
            self.seen = 0
            self.segments.append((time.monotonic(), np.zeros(0)))
            self.prompts.value += 1
            self.prompt_s.value = 0.0
        if size <= self.seen:
            return
        with self.played.open("rb") as f:
            f.seek(self.seen * 2)
            new = np.frombuffer(f.read((size - self.seen) * 2), "<i2").astype(np.float64)
        self.seen += len(new)
        now = time.monotonic()
        if not self.segments:
            self.segments.append((now, np.zeros(0)))
            self.prompts.value += 1
        start, samples = self.segments[-1]
        if start + len(samples) / PLAYED_RATE + SPEAKER_PATH - QUEUED < now:  # too late to play: an underrun
            self.segments.append((now, new))
            self.underruns.value += len(samples) > 0
        else:
            self.segments[-1] = (start, np.concatenate([samples, new]))
        if self.gain is None and self.seen > PLAYED_RATE // 2:
            self.gain = self.level * loudness(self.said.astype(np.int16)) / loudness(self.segments[-1][1])
        self.prompt_s.value += len(new) / PLAYED_RATE
        self.last_growth.value = now

    def prompt_played(self, number: int) -> tuple[float, float]:
        """When prompt `number` (from 0) last grew, and how many seconds of it were played."""
        if number < self.prompts.value - 1:  # another has started since
            at = 2 * (number % PROMPTS_KEPT)
            return self._ended[at], self._ended[at + 1]
        return self.last_growth.value, self.prompt_s.value

    def _heard(self, times: np.ndarray) -> np.ndarray:
        direct = np.zeros(len(times))
        for number, (start, samples) in enumerate(self.segments[-3:], len(self.segments) - 3):
            if len(samples) < 2:
                continue
            at = (times - self.delay - start) * PLAYED_RATE * self.stretch
            inside = (at >= 0) & (at < len(samples) - 1)
            direct[inside] += np.interp(at[inside], np.arange(len(samples)), samples)
            if number == len(self.segments) - 1 and time.monotonic() - self.last_growth.value < 0.1:
                self.missing += int(((at >= len(samples) - 1) & (at < len(samples) + PLAYED_RATE * 0.1)).sum())
        whole = np.concatenate([self.tail, direct])
        size = 1 << (len(whole) + len(self.response)).bit_length()
        full = np.fft.irfft(np.fft.rfft(whole, size) * np.fft.rfft(self.response, size), size)
        echo = full[len(self.response) - 1 : len(whole)] * (self.gain or 0.0)
        self.tail = whole[-(len(self.response) - 1) :]
        heard = echo + np.random.default_rng(int(times[0] * 1000)).normal(0, 20, len(times))
        if self.answer_at.value:
            at = ((times - self.answer_at.value) * self.rate).astype(int)
            inside = (at >= 0) & (at < len(self.said))
            heard[inside] += self.said[at[inside]]
        return np.clip(heard, -32768, 32767).astype("<i2")


async def read_out(app: Any, deadline: float, prompt: object = None) -> None:
    """Wait until the kiosk has been quiet for 2 s (read its prompt to the end), or moved off `prompt`."""
    quiet_since = None
    while time.monotonic() < deadline and (prompt is None or app.prompt is prompt):
        await asyncio.sleep(0.02)
        quiet_since = None if app.voice.speaking else quiet_since or time.monotonic()
        if quiet_since and time.monotonic() - quiet_since > 2.0:
            return


async def next_prompt(app: Any, room: Room, pilot: Any, label: str, deadline: float) -> object:
    """Tap `label` and wait for the next prompt to start playing; the new screen's prompt."""
    from tests.support.kiosk_driver import tap

    prompts = room.prompts.value
    await tap(pilot, label)
    while room.prompts.value == prompts and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return app.prompt


async def drive(room: Room, p: dict[str, Any]) -> dict[str, object]:
    from kiosk.core.loader import load_all
    from kiosk.speech.farend import FarEnd
    from kiosk.station.settings import Settings
    from kiosk.ui.app import KioskApp
    from kiosk.ui.launch import close_voice, make_listener, make_speaker
    from tests.support.paths import CONTENT

    folder = room.played.parent
    settings = Settings(
        CONTENT, barge_in=True, cache_dir=folder / "cache", state_dir=folder / "state", languages=("en",)
    )
    packs = {"en": load_all(CONTENT)["en"]}
    far = FarEnd()
    speaker = make_speaker(settings, packs, far)
    listener = make_listener(settings, packs, far, speaker.stop)
    app = KioskApp(settings, packs, speaker=speaker, listener=listener)
    async with app.run_test(size=(80, 24)) as pilot:
        deadline = time.monotonic() + 90
        while not (listener.available and room.prompts.value >= 1) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await read_out(app, deadline)  # the welcome, to its end: the canceller learns the room meanwhile
        question = await next_prompt(app, room, pilot, "Start", deadline)
        said_at = None
        if p["answer"] is not None:
            # Questions read to their ends and answered by touch; the patient speaks over the next one.
            for _ in range(p.get("warm_questions", 1)):
                await read_out(app, deadline)
                question = await next_prompt(app, room, pilot, "No", deadline)
            await asyncio.sleep(p["answer_after_s"])
            said_at = room.answer_at.value = time.monotonic() + QUEUED  # in the next audio written
        number = room.prompts.value - 1  # the question's
        await read_out(app, time.monotonic() + 25, question)
        asked = app.voice.guess.intent if app.voice.guess is not None else None
        if asked is not None and said_at is not None:  # "Did you mean No? ... say it again.", read out
            room.answer_at.value = time.monotonic() + QUEUED
            await read_out(app, time.monotonic() + 15, question)
        moved = app.prompt is not question
        stopped, question_s = room.prompt_played(number)
        state = getattr(listener, "barge_in", None)  # a MicListener's (kiosk.hearing.barge_in)
        barge_in = state.describe() if state is not None else "none"
    close_voice(speaker, listener)  # as the kiosk does when it stops: no stream left to PortAudio's exit
    return {
        "moved": moved,
        "asked": asked,
        "question_played_s": question_s,
        "stopped_after_answer_s": None if said_at is None else stopped - said_at,
        "echo_missing_s": room.missing_s.value,
        "underruns": room.underruns.value,
        "fifo_ran_dry": room.dry_reads.value,
        "barge_in": barge_in,
    }


def main() -> None:
    from kiosk.speech.audio import to_engine_rate
    from tests.support.speech import Voice, say

    p = params()
    folder = Path(p["folder"])
    fd = os.open(folder / "heard.fifo", os.O_RDWR)  # before PortAudio opens it: its open never waits
    import sounddevice as sd

    rate = int(sd.query_devices(None, "input")["default_samplerate"])
    said = to_engine_rate(say(p["answer"] or "no", Voice("espeak", "en-us+f3", 150)), 16000, rate)
    room = Room(folder, fd, rate, p, said.astype(np.float64) * PATIENT_GAIN)
    rig = multiprocessing.get_context("fork").Process(target=room.run, daemon=True)
    rig.start()
    try:
        reply(**asyncio.run(drive(room, p)))
    finally:
        rig.kill()


if __name__ == "__main__":
    main()
