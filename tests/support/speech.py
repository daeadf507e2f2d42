"""Speech for tests and benchmarks: real synthesised voices as 16 kHz mono int16, and mixing with a room.

Two kinds of voice (see shared TESTING.md):
* Festival's diphone and HTS voices are built from recordings of real speakers: the closest to a patient
  we can make offline. `sox pitch` and Festival's duration stretch make more speakers out of them.
* espeak-ng's formant voices sound robotic; PocketSphinx's US model was never trained on anything like
  them, so they are the hard case, reported apart.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.speech.audio import read_wav, to_engine_rate

RATE = 16000
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
FESTIVAL_VOICES = {"kal": "voice_kal_diphone", "ked": "voice_ked_diphone", "slt": "voice_cmu_us_slt_arctic_hts"}


@dataclass(frozen=True)
class Voice:
    engine: str  # "festival" or "espeak"
    name: str  # a FESTIVAL_VOICES key, or an espeak-ng voice
    speed: float = 1.0  # festival: duration stretch; espeak: words per minute
    pitch: int = 0  # cents, applied with sox (festival only)

    def __str__(self) -> str:
        shift = f"{self.pitch:+d}c" if self.pitch else ""
        return f"{self.engine}:{self.name}:{self.speed:g}{shift}"


NATURAL = [
    Voice("festival", "kal"),
    Voice("festival", "kal", 1.3, 300),
    Voice("festival", "ked"),
    Voice("festival", "ked", 1.2, -200),
    Voice("festival", "slt"),
    Voice("festival", "slt", 1.3, -300),
    Voice("festival", "slt", 0.9, 200),
]
ROBOTIC = [
    Voice("espeak", "en-us", 140),
    Voice("espeak", "en-us+f3", 170),
    Voice("espeak", "en-gb", 150),
    Voice("espeak", "en-us+m3", 160),
]


def festival_available() -> bool:
    return shutil.which("text2wave") is not None and shutil.which("sox") is not None


def say(text: str, voice: Voice) -> np.ndarray:
    """`text` spoken by `voice`, 16 kHz mono int16, as the synthesiser made it (its own short silences)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "said.wav"
        if voice.engine == "espeak":
            subprocess.run(
                ["espeak-ng", "-v", voice.name, "-s", str(int(voice.speed)), "-w", str(out), text], check=True
            )
        else:
            script = f"(begin ({FESTIVAL_VOICES[voice.name]}) (Parameter.set 'Duration_Stretch {voice.speed}))"
            subprocess.run(
                ["text2wave", "-eval", script, "-o", str(out)], input=text.encode(), check=True, capture_output=True
            )
            if voice.pitch:
                shifted = Path(folder) / "shifted.wav"
                subprocess.run(["sox", "-V1", str(out), str(shifted), "pitch", str(voice.pitch)], check=True)
                out = shifted
        return to_engine_rate(*read_wav(out))


def librivox() -> np.ndarray:
    """Real people reading aloud (Debian's pocketsphinx-testdata), one long 16 kHz track."""
    return np.concatenate([to_engine_rate(*read_wav(p)) for p in sorted(LIBRIVOX.glob("*.wav"))])


def in_room(
    speech: np.ndarray, room: np.ndarray, snr_db: float, before_s: float = 2.0, after_s: float = 1.0
) -> np.ndarray:
    """`speech` said into a room that sounds like `room`, `snr_db` below the speech's own power.

    The room is heard for `before_s` first, as a kiosk hears it while it waits for an answer, and goes on
    after the answer. An all-zero room gives the answer in silence.
    """
    before, after = np.zeros(int(RATE * before_s)), np.zeros(int(RATE * after_s))
    clean = np.concatenate([before, speech.astype(np.float64), after])
    background = np.resize(room.astype(np.float64), len(clean))
    p_speech = active_power(speech)
    p_room = np.mean(background**2)
    if p_room > 0:
        background *= np.sqrt(p_speech / (p_room * 10 ** (snr_db / 10)))
    return np.clip(clean + background, -32768, 32767).astype(np.int16)


def active_power(speech: np.ndarray) -> float:
    """Mean power of the frames that carry speech (within 30 dB of the loudest 20 ms), not of the pauses.

    A simple form of the active speech level of ITU-T P.56: SNR is measured against the talking, so a
    clip's leading and trailing silence do not make the noise look quieter than it is.
    """
    usable = len(speech) // 320 * 320
    frames = speech[:usable].astype(np.float64).reshape(-1, 320)
    power = np.mean(frames**2, axis=1)
    return float(np.mean(power[power >= power.max() / 1000])) if len(power) else 0.0


def snr_db(clean: np.ndarray, heard: np.ndarray) -> float:
    """How far the talking in `clean` stands over everything else in `heard` (the same length, lined up)."""
    return float(10 * np.log10(active_power(clean) / np.mean((heard.astype(np.float64) - clean) ** 2)))


def pink_noise(seconds: float, seed: int = 7) -> np.ndarray:
    """Steady noise with the 1/f spectrum of a ventilation fan or distant traffic (white noise is harsher)."""
    rng = np.random.default_rng(seed)
    n = int(RATE * seconds)
    spectrum = np.fft.rfft(rng.normal(0, 1, n))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    noise = np.fft.irfft(spectrum, n)
    return noise / np.std(noise) * 3000
