"""Audio as every engine wants it: 16 kHz mono int16, from any WAV or any device rate."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

ENGINE_RATE = 16000


class AudioFileError(Exception):
    """A file that is not a readable PCM WAV."""


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono int16 samples and the sample rate of a PCM WAV file (8, 16, 24 or 32 bit; any channels)."""
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            frames = w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error) as err:
        raise AudioFileError(f"{path}: not a readable WAV file ({err})") from err
    if width == 1:
        data = (np.frombuffer(frames, dtype=np.uint8).astype(np.int16) - 128) * 256
    elif width == 2:
        data = np.frombuffer(frames, dtype="<i2")
    elif width == 3:
        raw = np.frombuffer(frames, dtype=np.uint8).reshape(-1, 3)
        data = (raw[:, 1].astype(np.int16) | (raw[:, 2].astype(np.int16) << 8)).astype(np.int16)
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
