"""Audio as every engine wants it: 16 kHz mono int16, from any WAV or any device rate."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np

from kiosk.core.snapshot import read_file

ENGINE_RATE = 16000


class AudioFileError(Exception):
    """A file that is not a readable PCM WAV."""


MAX_WAV_BYTES = 256 * 1024 * 1024
MIN_RATE, MAX_RATE = 8000, 192000


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono int16 samples and the sample rate of a PCM WAV file (8, 16, 24 or 32 bit; any channels).

    Raises AudioFileError, saying why, for anything else: not a regular file, too big, not a WAV, an
    unusable sample rate, or data that ends in the middle of a sample.
    """
    raw = read_file(path, limit=MAX_WAV_BYTES, follow=True)
    if isinstance(raw, str):
        raise AudioFileError(f"{path}: {raw}")
    try:
        with wave.open(io.BytesIO(raw), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            frames = w.readframes(w.getnframes())
    except (EOFError, wave.Error, ValueError) as err:
        raise AudioFileError(f"{path}: not a readable WAV file ({err})") from err
    if not MIN_RATE <= rate <= MAX_RATE:
        raise AudioFileError(f"{path}: a sample rate of {rate} Hz is not supported ({MIN_RATE} to {MAX_RATE})")
    if len(frames) % (width * channels):
        raise AudioFileError(f"{path}: the audio ends in the middle of a sample (the file was cut short?)")
    if width == 1:
        data = (np.frombuffer(frames, dtype=np.uint8).astype(np.int16) - 128) * 256
    elif width == 2:
        data = np.frombuffer(frames, dtype="<i2")
    elif width == 3:
        triples = np.frombuffer(frames, dtype=np.uint8).reshape(-1, 3)
        data = (triples[:, 1].astype(np.int16) | (triples[:, 2].astype(np.int16) << 8)).astype(np.int16)
    elif width == 4:
        data = (np.frombuffer(frames, dtype="<i4") >> 16).astype(np.int16)
    else:
        raise AudioFileError(f"{path}: {8 * width}-bit samples are not supported")
    if channels > 1:
        data = data[: len(data) // channels * channels].reshape(-1, channels).mean(axis=1).astype(np.int16)
    return data, rate


def write_wav(path: Path, samples: np.ndarray, rate: int = ENGINE_RATE) -> Path:
    """Write mono int16 samples as a 16-bit PCM WAV file."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())
    return path


def to_engine_rate(samples: np.ndarray, rate: int, target: int = ENGINE_RATE) -> np.ndarray:
    """Resample speech to `target` Hz (low-pass first when going down, so nothing folds back)."""
    if rate == target or len(samples) == 0:
        return samples.astype(np.int16)
    x = samples.astype(np.float32)
    if target < rate:
        cutoff = 0.45 * target / rate
        taps = np.arange(-32, 33)
        kernel = np.sinc(2 * cutoff * taps) * np.hamming(len(taps))
        x = np.convolve(x, kernel / kernel.sum(), mode="same")
    n = round(len(x) * target / rate)
    out = np.interp(np.linspace(0, len(x) - 1, n), np.arange(len(x)), x)
    result: np.ndarray = np.clip(out, -32768, 32767).astype(np.int16)
    return result


class Resampler:
    """`to_engine_rate` for a stream in blocks: the low-pass filter and the sampling grid run on across
    blocks, so every output sample sits exactly `rate / target` input samples after the one before.
    (Resampling each block alone stretches it a little and filters its edges against silence: the echo
    canceller then cannot match the microphone to what was played.) Going down, output lags input by
    the filter's 32 samples."""

    def __init__(self, rate: int, target: int = ENGINE_RATE) -> None:
        self.step = rate / target
        self.kernel: np.ndarray | None = None
        if target < rate:
            taps = np.arange(-32, 33)
            kernel = np.sinc(2 * 0.45 * target / rate * taps) * np.hamming(len(taps))
            self.kernel = kernel / kernel.sum()
        self._history = np.zeros(0 if self.kernel is None else len(self.kernel) - 1)
        self._last = np.zeros(1)  # the previous block's last filtered sample, for the grid's first step
        self._at = 1.0  # where the next output falls, counted from `_last` (the first: the first sample)

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        if self.step == 1:
            return samples.astype(np.int16)
        x = samples.astype(np.float64)
        if self.kernel is not None:
            whole = np.concatenate([self._history, x])
            self._history = whole[len(whole) - len(self._history) :]
            x = np.convolve(whole, self.kernel, mode="valid")
        y = np.concatenate([self._last, x])
        count = max(0, int(np.floor((len(y) - 1 - self._at) / self.step + 1e-9)) + 1)
        out = np.interp(self._at + np.arange(count) * self.step, np.arange(len(y)), y)
        self._at += count * self.step - (len(y) - 1)
        self._last = y[-1:]
        result: np.ndarray = np.clip(np.round(out), -32768, 32767).astype(np.int16)
        return result
