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
from kiosk.speech.audio import ENGINE_RATE, to_engine_rate

log = logging.getLogger("kiosk.voice.in")
TAIL = 0.3
RETRY_SECONDS = 3.0
BLOCK_SECONDS = 0.05
REFERENCE_LEAD = 0.05
"""The played audio is taken this much ahead of the recording, so that timing errors never put the
echo before its reference (the canceller finds the true lag, up to 400 ms)."""
RESYNC_SECONDS = 0.02


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
            self._deaf_until = time.monotonic() + TAIL
            self._spoke_at = time.monotonic()
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
                self._capture()
            except Exception as err:  # no PortAudio, no device, device unplugged mid-stream
                reason = str(err) or type(err).__name__
                if reason != self.fault:
                    log.error("voice input unavailable: %s", reason)
                self.fault = reason
                self._closed.wait(RETRY_SECONDS)
                self._rescan()

    def _rescan(self) -> None:
        try:
            import sounddevice as sd

            sd._terminate()
            sd._initialize()
        except Exception:  # keep retrying on the next round
            pass

    def _capture(self) -> None:
        import sounddevice as sd

        info = sd.query_devices(self.device, "input")
        rate = int(info["default_samplerate"])
        block = int(rate * BLOCK_SECONDS)
        with sd.InputStream(device=self.device, channels=1, samplerate=rate, dtype="int16", blocksize=block) as stream:
            if self.fault is not None:
                log.info("voice input available again")
            self.fault = None
            started, frames = time.monotonic(), 0
            while not self._closed.is_set():
                data, _ = stream.read(block)
                frames += len(data)
                now = time.monotonic()
                ahead = frames / rate - (now - started)
                if ahead > 0.2:
                    time.sleep(ahead - 0.2)  # an unpaced device (a file) must not spin the CPU
                elif ahead < -RESYNC_SECONDS and not self._speaking:
                    started, frames = now, 0  # behind the clock (a slow device clock, a stall): start over
                # The block's last sample, on the monotonic clock, on a timeline the device's clock paces.
                end = started + frames / rate - float(stream.latency)
                self._consume(to_engine_rate(np.asarray(data).reshape(-1), rate), end)

    def _consume(self, samples: np.ndarray, end: float) -> None:
        """One block recorded up to monotonic time `end`: end-point it, and understand what it completes."""
        speaking = self._speaking or time.monotonic() < self._deaf_until
        judge = None
        if self._duplex:
            assert self.barge_in is not None
            cleaned = self.barge_in.clean(samples, end + REFERENCE_LEAD, speaking)
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
            spoke_at = time.monotonic() if speaking else self._spoke_at
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
