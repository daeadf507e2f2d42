"""Playing speech through PortAudio (sounddevice) so it can be stopped at once.

At most `AHEAD` seconds are queued ahead of real time, so `stop()` silences
within one block and the "speech ended" report is accurate enough for the
microphone to ignore the kiosk's own voice.
"""

from __future__ import annotations

import io
import threading
import time
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.speech import portaudio
from kiosk.speech.audio import Resampler
from kiosk.speech.farend import FarEnd

BLOCK_SECONDS = 0.02
AHEAD = 0.08
UNDERRUN_SECONDS = 0.03
"""A clip this late has left the device without audio: what follows plays later than counted."""


class PlaybackError(Exception):
    """The output device could not be opened or failed while playing."""


@dataclass(frozen=True)
class Clip:
    samples: np.ndarray  # int16, mono
    rate: int

    @classmethod
    def from_wav(cls, source: Path | bytes) -> Clip:
        """A clip from a WAV file or its bytes (16-bit PCM)."""
        with wave.open(io.BytesIO(source) if isinstance(source, bytes) else str(source), "rb") as w:
            frames = w.readframes(w.getnframes())
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
        if width != 2:
            raise PlaybackError("expected 16-bit audio")
        samples = np.frombuffer(frames, dtype="<i2")
        if channels > 1:
            samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
        return cls(samples, rate)

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def gain(samples: np.ndarray, db: float) -> np.ndarray:
    if db == 0:
        return samples
    scaled = samples.astype(np.float32) * (10 ** (db / 20))
    result: np.ndarray = np.clip(scaled, -32768, 32767).astype(np.int16)
    return result


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Linear-interpolation resampling (speech to a device that will not take the native rate)."""
    if rate == target or len(samples) == 0:
        return samples
    n = round(len(samples) * target / rate)
    x = np.linspace(0, len(samples) - 1, n)
    return np.interp(x, np.arange(len(samples)), samples.astype(np.float32)).astype(np.int16)


class Player:
    """Plays clips one after another on one output device; `stop()` may come from any thread."""

    def __init__(self, device: str | int | None = None, far: FarEnd | None = None) -> None:
        """`far`: told everything played, and when, for the echo canceller (barge-in)."""
        self.device = device
        self.far = far
        self._stop = threading.Event()

    def stop(self) -> None:
        """Silence what is playing and refuse to play until `reset()`."""
        self._stop.set()

    def reset(self) -> None:
        """Allow playing again after `stop()` (called when the next utterance begins)."""
        self._stop.clear()

    def play(self, clips: Iterable[Clip], volume_db: float = 0.0, on_start: Callable[[], None] | None = None) -> bool:
        """Play clips back to back on one stream, to the end or until `stop()`; True if all played.

        `clips` may be a generator that renders the next sentence while the previous one plays.

        Raises:
            PlaybackError: no such device, or the device failed.
        """
        try:
            import sounddevice as sd
        except OSError as err:  # libportaudio2 is not installed
            raise PlaybackError(f"PortAudio is not available: {err}") from err

        with portaudio.streaming():
            return self._play(sd, clips, volume_db, on_start)

    def _play(self, sd: Any, clips: Iterable[Clip], volume_db: float, on_start: Callable[[], None] | None) -> bool:
        stream: Any = None
        rate = 0
        played = 0
        started = 0.0
        far_rate: Resampler | None = None  # the far end's samples at 16 kHz, on one grid for the whole stream
        try:
            for clip in clips:
                if self._stop.is_set():
                    break
                first = stream is None
                if stream is None:
                    stream, rate = self._open(sd, clip.rate)
                    far_rate = Resampler(rate)
                samples = gain(resample(clip.samples, clip.rate, rate), volume_db)
                heard = far_rate(samples) if far_rate is not None and self.far is not None else None
                if first:
                    if on_start is not None:
                        on_start()
                    # Started just before its first write, which the device plays from: the far end's
                    # timeline starts there, to the millisecond (a moment's delay misplaces the echo).
                    stream.start()
                    started = time.monotonic()
                    if self.far is not None:
                        self.far.start(started + float(stream.latency))
                else:
                    started = self._caught_up(stream, started, played / rate)
                if self.far is not None and heard is not None:
                    self.far.add(heard)
                if not self._write(stream, samples, rate, started, played):
                    break
                played += len(samples)
            if stream is None:
                return not self._stop.is_set()
            remaining = played / rate - (time.monotonic() - started)
            if not self._stop.is_set() and (remaining <= 0 or not self._stop.wait(remaining)):
                stream.stop()
                return True
            stream.abort()
            if self.far is not None:
                self.far.stop()
            return False
        except (sd.PortAudioError, OSError) as err:
            portaudio.rescan()  # a speaker plugged in again is found at the next prompt
            if self.far is not None:
                self.far.stop()
            raise PlaybackError(f"audio output failed: {err}") from err
        finally:
            if stream is not None:
                stream.close()

    def _caught_up(self, stream: Any, started: float, played_s: float) -> float:
        """When the next clip came later than the device needed it (rendering was slower than speech),
        the device played silence meanwhile and plays the clip from now: the stream's start, as the
        rest of the timing counts it, moves on by the gap, and the far end hears a new stream."""
        late = time.monotonic() - started - played_s
        if late <= UNDERRUN_SECONDS:
            return started
        if self.far is not None:
            self.far.start(started + late + played_s + float(stream.latency))
        return started + late

    def _write(self, stream: Any, samples: np.ndarray, rate: int, started: float, before: int) -> bool:
        """Write in small blocks, never more than AHEAD seconds ahead of real time; False if stopped."""
        block = max(int(rate * BLOCK_SECONDS), 1)
        for offset in range(0, len(samples), block):
            if self._stop.is_set():
                return False
            stream.write(samples[offset : offset + block].tobytes())
            ahead = (before + offset + block) / rate - (time.monotonic() - started)
            if ahead > AHEAD and self._stop.wait(ahead - AHEAD):
                return False
        return True

    def _open(self, sd: Any, rate: int) -> tuple[Any, int]:
        """An output stream at `rate`, or at the device's own rate if it will not take that one."""
        try:
            try:
                return sd.RawOutputStream(
                    samplerate=rate, channels=1, dtype="int16", device=self.device, latency="low"
                ), rate
            except sd.PortAudioError:
                info = sd.query_devices(self.device, "output")
                rate = int(info["default_samplerate"])
                return sd.RawOutputStream(
                    samplerate=rate, channels=1, dtype="int16", device=self.device, latency="low"
                ), rate
        except (sd.PortAudioError, ValueError, OSError) as err:
            portaudio.rescan()
            found = [d["name"] for d in sd.query_devices() if d["max_output_channels"] > 0]
            if not found:
                raise PlaybackError("no audio output device found (is a speaker connected?)") from err
            raise PlaybackError(
                f"cannot open audio output {self.device or 'default'} ({err}); devices: {', '.join(found)}"
            ) from err
