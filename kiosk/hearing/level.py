"""A microphone level meter for staff: opens the input device briefly and reports loudness in dBFS."""

from __future__ import annotations

import threading

import numpy as np


class MicLevel:
    """Reads the input device in a thread while open; `level` is the last block's loudness (None: no mic)."""

    def __init__(self, device: str | int | None = None) -> None:
        self.device = device
        self.level: float | None = None
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kiosk-mic-level", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1)

    def _run(self) -> None:
        try:
            import sounddevice as sd

            with sd.InputStream(device=self.device, channels=1, dtype="int16") as stream:
                while not self._stop.is_set():
                    block, _ = stream.read(int(stream.samplerate * 0.1))
                    rms = float(np.sqrt(np.mean(block.astype(np.float64) ** 2)))
                    self.level = 20 * float(np.log10(max(rms, 1.0) / 32768))
                    self._stop.wait(0.1)  # the ALSA file device is not paced; a real one is
        except Exception as err:  # no PortAudio, no device, device gone: the meter just says so
            self.level, self.error = None, str(err) or type(err).__name__


def meter(level: float | None, width: int = 30) -> str:
    """`[#######-------] -32 dB`, in characters every console font has."""
    if level is None:
        return "[" + "-" * width + "] no microphone"
    filled = round(max(0.0, min(1.0, (level + 60) / 60)) * width)
    return "[" + "#" * filled + "-" * (width - filled) + f"] {level:.0f} dB"
