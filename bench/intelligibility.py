"""A machine proxy for how well listeners follow a voice: PocketSphinx's word error rate on its speech.

PocketSphinx's general US English model decodes freely (its own language model, no grammar) what a
voice rendered through the kiosk's own path (kiosk.speaking.render.Renderer). Fewer words wrong means
clearer speech; it is a proxy, not a listening test, and it favours voices like the recordings the model
was trained on, which is also what human listeners are used to.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kiosk.core.say_as import spoken_form
from kiosk.hearing.engines.sphinx import edit_distance
from kiosk.speaking.render import Renderer
from kiosk.speaking.voices import Voice
from kiosk.speech.audio import read_wav, to_engine_rate

_NUMBERS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
_WORDS = dict(enumerate((_NUMBERS + "seventeen eighteen nineteen twenty").split()))


def words(text: str) -> list[str]:
    """Lower-case words without punctuation; small numbers as words (what a recogniser writes)."""
    found = re.findall(r"[a-z0-9']+", spoken_form(text, "en").lower())
    return [_WORDS.get(int(w), w) if w.isdigit() else w for w in found]


class FreeDecoder:
    """PocketSphinx with its general model and language model: whatever words it hears."""

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self._decoder = Decoder(loglevel="FATAL")

    def transcribe(self, samples: np.ndarray) -> str:
        self._decoder.start_utt()
        self._decoder.process_raw(samples.astype("<i2").tobytes(), full_utt=True)
        self._decoder.end_utt()
        hyp = self._decoder.hyp()
        return hyp.hypstr if hyp is not None else ""


@dataclass
class Score:
    errors: float = 0.0
    words: int = 0
    audio_seconds: float = 0.0
    render_seconds: float = 0.0
    misheard: list[str] = field(default_factory=list)
    """Each sentence with a word wrong, as "said -> heard" (to see what went wrong when a bar fails)."""

    @property
    def wer(self) -> float:
        return self.errors / self.words if self.words else 0.0


def score(voice: Voice, sentences: list[str], decoder: FreeDecoder, renderer: Renderer) -> Score:
    """Render every sentence with `voice` at normal rate, decode it, and count word errors."""
    import time

    result = Score()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "s.wav")
        for sentence in sentences:
            started = time.perf_counter()
            renderer.render(sentence, voice, "normal", path)
            result.render_seconds += time.perf_counter() - started
            samples, rate = read_wav(path)
            result.audio_seconds += len(samples) / rate
            ref = words(sentence)
            heard = words(decoder.transcribe(to_engine_rate(samples, rate)))
            errors = edit_distance(ref, heard, lambda r, h: float(r != h))
            result.errors += errors
            if errors:
                result.misheard.append(f"{sentence} -> {' '.join(heard)}")
            result.words += len(ref)
    return result
