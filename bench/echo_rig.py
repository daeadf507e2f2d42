"""The barge-in rig without a sound card: the kiosk's own prompt, as its microphone would hear it from a
loudspeaker a metre away (delayed, coloured by a small room, louder or softer than the patient, on a clock
that drifts from the player's), plus a patient's answer partway through, plus the room's hiss.

The cancellers measured (bench/barge_in.py) take 10 ms frames of the microphone (near end) and of what was
played (far end) and return the microphone without the echo:

* `webrtc`: WebRTC's AEC3 (pywebrtc-audio): a linear filter, a delay estimator and a residual echo
  suppressor;
* `speex`: Speex's MDF canceller with its preprocessor (speex-py, which bundles libspeexdsp);
* `kiosk`: the kiosk's own (kiosk.hearing.echo): a lag tracker, then Speex's MDF filter on the aligned
  reference, no residual suppression;
* `speex-linear`: the MDF canceller alone, no residual suppression (Debian's libspeexdsp1, loaded as the
  kiosk loads it: kiosk.hearing.echo.speexdsp).
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable

import numpy as np

RATE = 16000
FRAME = RATE // 100  # 10 ms
Canceller = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""(near, far) int16 frames of FRAME samples -> near without the echo."""


def room_response(seconds: float = 0.25, seed: int = 5) -> np.ndarray:
    """A small room's impulse response: the direct sound, then reflections dying away by 60 dB in `seconds`."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(RATE * seconds)) / RATE
    response = rng.normal(0, 1, len(t)) * np.exp(-6.9 * t / seconds) * 0.3
    response[0] = 1.0
    normalised: np.ndarray = response / np.sqrt((response**2).sum())
    return normalised


def echo(played: np.ndarray, delay_ms: float, level_db: float, drift_ppm: float = 0.0) -> np.ndarray:
    """What the microphone hears of `played`: through the room, `delay_ms` late, `level_db` relative to the
    prompt as played, on a clock `drift_ppm` faster than the player's (a USB microphone's own crystal)."""
    heard = played.astype(np.float64)
    if drift_ppm:
        positions = np.arange(len(heard)) * (1 + drift_ppm * 1e-6)
        heard = np.interp(positions, np.arange(len(heard)), heard, right=0.0)
    heard = np.convolve(heard, room_response())[: len(heard)]
    late = np.concatenate([np.zeros(int(RATE * delay_ms / 1000)), heard])[: len(played)]
    scaled: np.ndarray = late * 10 ** (level_db / 20)
    return scaled


def microphone(*sounds: np.ndarray, hiss: float = 20.0, seed: int = 1) -> np.ndarray:
    """The sounds added up with the room's hiss, as 16-bit samples."""
    total = np.sum([s.astype(np.float64) for s in sounds], axis=0)
    total += np.random.default_rng(seed).normal(0, hiss, len(total))
    clipped: np.ndarray = np.clip(total, -32768, 32767).astype(np.int16)
    return clipped


def cancel(canceller: Canceller | None, near: np.ndarray, far: np.ndarray) -> np.ndarray:
    """The whole recording through a canceller, frame by frame (None: the raw microphone)."""
    if canceller is None:
        return near
    whole = len(near) - len(near) % FRAME
    frames = [canceller(near[i : i + FRAME], far[i : i + FRAME]) for i in range(0, whole, FRAME)]
    return np.concatenate(frames)


def webrtc() -> Canceller:
    from pywebrtc_audio import EchoCanceller  # type: ignore[import-not-found, unused-ignore]

    aec = EchoCanceller(RATE, 1, 0)  # 0: AEC3 estimates the delay itself

    def run(near: np.ndarray, far: np.ndarray) -> np.ndarray:
        out: np.ndarray = aec.process(near, far)
        return out

    return run


def speex(filter_ms: int = 400) -> Canceller:
    from speex_py import SpeexPreprocessor  # type: ignore[import-not-found, unused-ignore]

    pre = SpeexPreprocessor(FRAME, RATE)
    pre.set_echo(RATE * filter_ms // 1000)

    def run(near: np.ndarray, far: np.ndarray) -> np.ndarray:
        # speex-py only calls back, on its own thread: wait for each frame.
        done, out = threading.Event(), []

        def take(data: bytes, _speech: bool) -> None:
            out.append(np.frombuffer(data, np.int16))
            done.set()

        pre.process_async(near.tobytes(), far.tobytes(), take)
        done.wait()
        return out[0]

    return run


def speex_linear(filter_ms: int = 600) -> Canceller:
    from kiosk.hearing.echo import EchoUnavailable, speexdsp

    try:
        lib = speexdsp()
    except EchoUnavailable as err:
        raise ImportError(str(err)) from err
    state = lib.speex_echo_state_init(FRAME, RATE * filter_ms // 1000)
    rate = ctypes.c_int(RATE)
    lib.speex_echo_ctl(state, 24, ctypes.byref(rate))  # SPEEX_ECHO_SET_SAMPLING_RATE

    def run(near: np.ndarray, far: np.ndarray) -> np.ndarray:
        mic, played = np.ascontiguousarray(near, np.int16), np.ascontiguousarray(far, np.int16)
        out = np.zeros(len(mic), np.int16)
        lib.speex_echo_cancellation(state, mic.ctypes.data, played.ctypes.data, out.ctypes.data)
        return out

    return run


def kiosk() -> Canceller:
    from kiosk.hearing.echo import EchoCanceller, EchoUnavailable

    try:
        return EchoCanceller().process
    except EchoUnavailable as err:
        raise ImportError(str(err)) from err


CANCELLERS: dict[str, Callable[[], Canceller] | None] = {
    "none": None,
    "kiosk": kiosk,
    "webrtc": webrtc,
    "speex": speex,
    "speex-linear": speex_linear,
}


def available(name: str) -> bool:
    factory = CANCELLERS[name]
    if factory is None:
        return True
    try:
        factory()
    except ImportError:
        return False
    return True


def erle(echo_alone: np.ndarray, left: np.ndarray) -> float:
    """Echo return loss enhancement (dB): how much quieter the echo is after the canceller."""
    n = min(len(echo_alone), len(left))
    before = float((echo_alone[:n].astype(np.float64) ** 2).sum())
    after = float((left[:n].astype(np.float64) ** 2).sum())
    return 10 * float(np.log10(max(before, 1.0) / max(after, 1.0)))
