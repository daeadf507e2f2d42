"""Listening for answers: microphone (PortAudio) -> end-pointing -> recogniser -> intent, in one thread.

* Captures at the device's own rate and converts to 16 kHz for the engines.
* Half-duplex: while the kiosk speaks, and for `TAIL` after, the microphone is ignored; unless barge-in
  is on (kiosk.hearing.barge_in): then the microphone goes through the echo canceller, and what is heard
  over a prompt is taken only if it is an answer (kiosk.hearing.barge_in.interrupts), which stops the prompt first.
* A missing or unplugged microphone never blocks the UI: `available` turns False, the thread
  retries every few seconds and resumes when the device is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np

from kiosk.hearing.barge_in import BargeIn, interrupts
from kiosk.hearing.base import Heard
from kiosk.hearing.endpoint import LIVE, Endpointer
from kiosk.hearing.recognizer import Recognizer
from kiosk.hearing.understand import Bar, settings_for, understand
from kiosk.speech import portaudio
from kiosk.speech.audio import ENGINE_RATE, Resampler

log = logging.getLogger("kiosk.voice.in")
TAIL = 0.3
RETRY_SECONDS = 3.0
BLOCK_SECONDS = 0.05
REFERENCE_LEAD = 0.05
"""The played audio is taken this much ahead of the recording, so that timing errors never put the
echo before its reference (the canceller finds the true lag, up to 600 ms)."""
RESYNC_SECONDS = 0.02
CATCH_UP_SECONDS = 1.0
"""A reader behind the device's clock for longer than this is not reading a backlog: the device's clock
is slow (or samples were lost), and the timeline starts over."""


class Timeline:
    """When each block read from a device was recorded (its last sample, on the monotonic clock, before
    the device's latency): counted in samples since the stream started, so the device's clock paces it
    to the sample, which the echo canceller needs. Reading a backlog after a stall keeps it; lost samples
    (an overflow) or a device clock behind for `CATCH_UP_SECONDS` start it over, when allowed (not while
    the kiosk speaks: the canceller would have to find its echo again)."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.started, self.frames = time.monotonic(), 0
        self._behind_since: float | None = None

    def recorded(self, frames: int, overflowed: bool = False, may_restart: bool = True) -> float:
        self.frames += frames
        now = time.monotonic()
        ahead = self.frames / self.rate - (now - self.started)
        self._behind_since = (self._behind_since or now) if ahead < -RESYNC_SECONDS else None
        if ahead > BLOCK_SECONDS:
            # An unpaced device (ALSA's file device) is read at the pace of speech, not faster: it must
            # not spin the CPU, and its samples keep the moments they are stamped with.
            time.sleep(ahead - BLOCK_SECONDS)
        elif may_restart and (overflowed or (self._behind_since and now - self._behind_since > CATCH_UP_SECONDS)):
            self.started, self.frames, self._behind_since = now, 0, None
        return self.started + self.frames / self.rate


class MicListener:
    def __init__(
        self,
        recognizers: Callable[[], dict[str, Recognizer]],
        filler: dict[str, tuple[str, ...]],
        bars: dict[str, Bar],
        device: str | int | None = None,
        barge_in: BargeIn | None = None,
    ) -> None:
        """`recognizers` is called in the listening thread, so loading models never delays the first screen.

        `barge_in`: listen while the kiosk speaks (None: half-duplex)."""
        self._build = recognizers
        self.recognizers: dict[str, Recognizer] = {}
        self.filler = filler
        self.bars = bars
        self.device = device
        self.fault: str | None = None
        # The clock the kiosk's speaking and the recorded blocks are both stamped on (a test's rig sets its own).
        self.clock: Callable[[], float] = time.monotonic
        self._on_heard: Callable[[Heard], None] = lambda _: None
        self._intents: dict[str, tuple[str, ...]] = {}
        self._decoys: tuple[str, ...] = ()
        self._language = ""
        self._paused = True
        self._deaf_until = 0.0
        self._speaking = False
        self._spoke_at = 0.0
        self.barge_in = barge_in
        self._interrupt: Callable[[], None] = lambda: None
        self._closed = threading.Event()
        self._endpointer = Endpointer(LIVE)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="kiosk-listener", daemon=True)
        self._thread.start()

    @property
    def available(self) -> bool:
        return self.fault is None and self._language in self.recognizers

    def set_listener(self, on_heard: Callable[[Heard], None]) -> None:
        self._on_heard = on_heard

    def set_interrupt(self, stop_speaking: Callable[[], None]) -> None:
        """Called (from the listening thread) the moment an answer over a prompt is taken, before it is reported."""
        self._interrupt = stop_speaking

    def listen(self, intents: dict[str, tuple[str, ...]], language: str, decoys: tuple[str, ...] = ()) -> None:
        """Listen for these intents (and recognise, to reject them, these other phrases)."""
        with self._lock:
            self._intents, self._language, self._paused = dict(intents), language, False
            self._decoys = decoys
            self._cut_for_engine()
            self._endpointer.reset()

    def set_speaking(self, speaking: bool) -> None:
        """Half-duplex: the kiosk's own voice is never an answer."""
        with self._lock:
            self._speaking = speaking
            self._spoke_at = self.clock()
            self._deaf_until = self._spoke_at + TAIL
            if speaking or not self._duplex:
                self._endpointer.reset()

    @property
    def _duplex(self) -> bool:
        return self.barge_in is not None and self.barge_in.on

    def close(self, timeout: float = 2.0) -> None:
        """Stop listening; wait at most `timeout` seconds for the microphone to be closed (0: do not wait)."""
        self._closed.set()
        if timeout > 0:
            self._thread.join(timeout=timeout)

    def _cut_for_engine(self) -> None:
        """End-pointing with the margins of the language's engine (call with the lock held).

        A new engine means a new end-pointer: the room is learnt again.
        """
        recognizer = self.recognizers.get(self._language)
        wanted = LIVE if recognizer is None else settings_for(recognizer)
        if self._endpointer.s != wanted:
            self._endpointer = Endpointer(wanted)

    def _run(self) -> None:
        recognizers = self._build()
        with self._lock:
            self.recognizers = recognizers
            self._cut_for_engine()
        while not self._closed.is_set():
            try:
                with portaudio.streaming():
                    self._capture()
            except Exception as err:  # no PortAudio, no device, device unplugged mid-stream
                reason = str(err) or type(err).__name__
                if reason != self.fault:
                    log.error("voice input unavailable: %s", reason)
                self.fault = reason
                self._closed.wait(RETRY_SECONDS)
                portaudio.rescan()  # a microphone plugged in again is found
            else:
                self._closed.wait(0.2)  # the stream closed for a look for devices: let it happen first

    def _capture(self) -> None:
        import sounddevice as sd

        info = sd.query_devices(self.device, "input")
        rate = int(info["default_samplerate"])
        block = int(rate * BLOCK_SECONDS)
        with sd.InputStream(device=self.device, channels=1, samplerate=rate, dtype="int16", blocksize=block) as stream:
            if self.fault is not None:
                log.info("voice input available again")
            self.fault = None
            timeline = Timeline(rate)
            resample = Resampler(rate)
            while not self._closed.is_set() and not portaudio.wanted():
                data, overflowed = stream.read(block)
                end = timeline.recorded(len(data), overflowed, may_restart=not self._speaking)
                self._consume(resample(np.asarray(data).reshape(-1)), end - float(stream.latency))

    def _consume(self, samples: np.ndarray, end: float) -> None:
        """One block recorded up to monotonic time `end`: end-point it, and understand what it completes."""
        speaking = self._speaking or self.clock() < self._deaf_until
        judge = None
        if self._duplex:
            assert self.barge_in is not None
            cleaned = self.barge_in.clean(samples, end + REFERENCE_LEAD, speaking, self._endpointer.in_speech)
            if cleaned is None and speaking:
                with self._lock:
                    self._endpointer.reset()  # the kiosk's voice cannot be told apart yet
                return
            if cleaned is not None:
                samples, judge = cleaned
        elif speaking:
            return
        with self._lock:
            if self._paused:
                return
            utterances = self._endpointer.feed(samples, judge)
            intents, language, decoys = self._intents, self._language, self._decoys
            spoke_at = self.clock() if speaking else self._spoke_at
            padding = (self._endpointer.s.lead_ms + self._endpointer.s.tail_ms) / 1000
        recognizer = self.recognizers.get(language)
        for utterance in utterances:
            if recognizer is None:
                continue
            seconds = len(utterance) / ENGINE_RATE
            over_prompt = self._duplex and spoke_at > end - seconds  # it began before the prompt had ended
            started = time.perf_counter()
            heard = understand(
                recognizer,
                utterance,
                intents,
                self.filler.get(language, ()),
                self.bars.get(language, Bar()),
                decoys,
            )
            log.debug("utterance decoded in %.0f ms", 1000 * (time.perf_counter() - started))
            if over_prompt and not interrupts(heard, seconds - padding):
                continue  # over a prompt, only an answer counts; the rest is dropped without a word
            if over_prompt:
                self._interrupt()
                log.info("answer heard over a prompt: prompt stopped")
            self._on_heard(heard)
